"""Intake throughput: answers per second from getUpdates to durable commit.

Builds an organization of N people (enrolled, consented), puts N one-tap answers in the fake
Bot API, and times the real intake loop (python-telegram-bot Application, router, SQLite with
synchronous=FULL) until every answer is committed. Confirmations are queued in the outbox and
sent afterwards (timed separately, unpaced, against the in-process fake).

    python bench/intake.py [--people 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.slots import SlotName, SlotRef
from tests.conftest import HCM, roster_row
from tests.harness import FakeClock, Harness


async def main(people: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bot = Harness(Path(folder), FakeClock(datetime(2026, 11, 23, 7, 40, tzinfo=HCM)))
        await bot.start()
        rows = [
            roster_row(f"CB{i:05d}", f"Cán Bộ {i}", unit=f"U{i % 50:02d}") for i in range(people)
        ]
        await bot.enrol(rows, base=100_000)
        now = bot.clock.now()
        ref = SlotRef(now.astimezone(HCM).date(), SlotName.MORNING)
        for person_id in range(1, people + 1):
            user = {"id": 100_000 + person_id, "is_bot": False, "first_name": "x"}
            bot.fake.press(user, f"ck:{ref.code}:ok")

        intake = bot.running.bot_data.intake
        started = time.perf_counter()
        while await intake.poll_once():
            pass
        intake_seconds = time.perf_counter() - started
        stored = len(await bot.store.checkins.declaration_history(ref))

        started = time.perf_counter()
        await bot.running.bot_data.sender.drain()
        send_seconds = time.perf_counter() - started
        calls = len(bot.fake.sent) + len(bot.fake.edits) + len(bot.fake.answered)
        await bot.stop()
    print(f"answers:            {people}")
    print(f"stored:             {stored}")
    print(f"intake to commit:   {intake_seconds:.2f} s = {people / intake_seconds:,.0f} answers/s")
    print(f"outbox sent after:  {calls} calls in {send_seconds:.2f} s (unpaced, in-process fake)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    asyncio.run(main(parser.parse_args().people))
