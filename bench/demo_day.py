"""A whole working day in the demo: `python -m bot demo` as a newcomer starts it, the clock at
600× from the morning to 17:45 with the rest of the office answering. Prints how long the page
took to come up, how long the day took, how often each event of the timing table fired, and
what the day's summaries said.

    python bench/demo_day.py
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        demo = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo", "--port", str(port)],
            cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            assert demo.stdout is not None
            print(demo.stdout.readline().strip())
            with httpx.Client(base_url=base, timeout=30) as client:
                state: dict[str, Any] = client.get("/api/state").json()
                print(f"page up after:     {time.monotonic() - started:.1f} s")
                client.post("/api/office", json={"auto": True, "played": []})
                day_started = time.monotonic()
                client.post("/api/clock", json={"speed": 600})
                while state["clock"]["now"][11:16] < "17:45":
                    time.sleep(0.5)
                    state = client.get("/api/state").json()
                took = time.monotonic() - day_started
            print(f"the day, {state['clock']['label'][:-6]} → 17:45 at 600×: {took:.1f} s")
            fired = Counter(name for _, name in state["fired"])
            for name, count in fired.items():
                print(f"  {name:20} fired {count}×")
            for text in (b["text"] for b in state["chats"]["VP01"]):
                if "Toàn Sở" in text:
                    found = re.search(r"Đã khai báo: \d+/\d+ \(\d+%\)", text)
                    print(
                        f"  office table: {text.splitlines()[0]}: {found.group(0) if found else ''}"
                    )
        finally:
            demo.terminate()
            demo.wait(timeout=30)


if __name__ == "__main__":
    main()
