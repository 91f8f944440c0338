"""07:30 for everyone at once, end to end: the real bot process (`python -m bot run`) against a
Bot API in a process of its own that enforces Telegram's limits and plays N people, each tapping
the one-tap answer a random 0–60 s after their prompt arrives (80%; the rest later). Beside it,
in the same run, the plain python-telegram-bot way (`bench/ptb_baseline.py`).

Prints, for each: the broadcast rate against the limit of 30 a second and the 429s, the
tap → acknowledgement and tap → confirmation latency (p50, p95, max), the answers committed,
and the bot's peak memory.

    python bench/e2e.py --people 3000 [--people 10000] [--no-baseline]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.domain import Channel  # noqa: E402
from tests.fakes.loopback import seed_enrolled, slot_settings  # noqa: E402

TOKEN = "123456:BENCH-token-0123456789abcdefghij"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered):6.2f} s  p95 {p95:6.2f} s  max {ordered[-1]:6.2f} s"


def run(people: int, variant: str, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        port, results = free_port(), work / "results.json"
        slots = slot_settings()
        api = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "fake_bot_api.py"), str(port), TOKEN,
             str(results), str(seed)],
        )  # fmt: skip
        time.sleep(1.0)
        base = f"http://127.0.0.1:{port}"
        db = work / "sokhoe.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ZALO_"))}
        if variant == "sokhoe":
            asyncio.run(seed_enrolled(db, people, Channel.TELEGRAM, lambda p: str(10_000 + p)))
            env.update(
                BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base, DATABASE_PATH=str(db),
                PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING", **slots,
            )  # fmt: skip
            command = [sys.executable, "-m", "bot", "run"]
        else:
            command = [sys.executable, str(ROOT / "bench" / "ptb_baseline.py"), base, TOKEN,
                       str(work / "ptb.db"), str(people)]  # fmt: skip
        log = (work / "bot.log").open("w")
        bot = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + people / 12 + 400  # prompts share the pace with replies
        data: dict[str, Any] = {}
        peak = 0.0
        try:
            while time.monotonic() < deadline:
                time.sleep(5)
                peak = max(peak, peak_mib(bot.pid))
                counts = httpx.get(f"{base}/progress", timeout=30).json()
                asked, done = counts["prompts"], counts["confirmed"]
                print(f"  {variant}: {asked:,} prompts, {counts['taps']:,} taps,"
                      f" {done:,} confirmed", file=sys.stderr, flush=True)  # fmt: skip
                if bot.poll() is not None:
                    print(f"  {variant}: the bot ended ({bot.returncode})", file=sys.stderr)
                    break
                if asked >= people and done >= people:
                    break
        finally:
            httpx.post(f"{base}/report", timeout=30)  # the whole record once, at the end
            data = json.loads(results.read_text())
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()
            api.terminate()
            api.wait(timeout=10)
            log.close()
            if not data.get("prompts"):
                print((work / "bot.log").read_text()[-2000:], file=sys.stderr)
        if variant == "sokhoe":
            with sqlite3.connect(db) as conn:
                committed = conn.execute("SELECT count(*) FROM declarations").fetchone()[0]
        else:
            with sqlite3.connect(work / "ptb.db") as conn:
                committed = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    prompts = data.get("prompts", [])
    rate = (len(prompts) - 1) / (prompts[-1] - prompts[0]) if len(prompts) > 1 else 0.0
    # everything the limit counts (prompts, confirmations, reminders) while the prompts go out
    sent = [t for t in data.get("messages", []) if prompts and prompts[0] <= t <= prompts[-1]]
    overall = (len(sent) - 1) / (prompts[-1] - prompts[0]) if len(sent) > 1 else 0.0
    taps = data.get("taps", [])
    acks = [t["acked"] - t["tapped"] for t in taps if t.get("acked") is not None]
    confirms = [t["confirmed"] - t["tapped"] for t in taps if t.get("confirmed") is not None]
    return {
        "variant": variant, "people": people, "prompts": len(prompts), "rate": rate,
        "overall": overall, "messages": len(sent),
        "too_many": data.get("too_many", 0), "too_many_chat": data.get("too_many_chat", 0),
        "taps": len(taps), "acks": acks,
        "confirms": confirms, "committed": committed, "peak": peak,
    }  # fmt: skip


def show(result: dict[str, Any]) -> None:
    name = {"sokhoe": "Sổ Khỏe", "ptb": "python-telegram-bot, plain"}[result["variant"]]
    print(f"--- {name}, {result['people']:,} people")
    print(f"broadcast:        {result['prompts']:,} prompts at {result['rate']:.1f}/s = "
          f"{result['rate'] / 30:.0%} of 30/s; 429 answers: {result['too_many']}"
          f" ({result['too_many_chat']} for a chat's own limit)")  # fmt: skip
    print(f"all messages:     {result['messages']:,} while the prompts went out, "
          f"{result['overall']:.1f}/s = {result['overall'] / 30:.0%} of 30/s")  # fmt: skip
    print(f"tap → ack:        {percentiles(result['acks'])}  ({len(result['acks']):,} acked)")
    print(f"tap → confirmed:  {percentiles(result['confirms'])}  "
          f"({len(result['confirms']):,} of {result['taps']:,} taps)")  # fmt: skip
    print(f"committed:        {result['committed']:,} answers; bot peak memory "
          f"{result['peak']:.0f} MiB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--people", type=int, action="append")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    for people in args.people or [3000]:
        show(run(people, "sokhoe", args.seed))
        if not args.no_baseline:
            show(run(people, "ptb", args.seed))


if __name__ == "__main__":
    main()
