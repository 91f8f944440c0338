"""Intake throughput: answers per second from getUpdates to durable commit.

The production path: an organization of N people (enrolled, consented) is sent the morning
prompt by the 07:30 job (each person's walk stored, the prompt delivered), then every person
taps the one-tap answer on the prompt they received; the real intake (python-telegram-bot's
Bot for getUpdates, the one intake, the router, the check-in flow, the declaration service,
SQLite with synchronous=FULL, or PostgreSQL with `--postgres`) is timed until every answer is
committed. Confirmations are queued in the outbox and sent afterwards (timed separately,
unpaced, against the in-process fake).

    python bench/intake.py [--people 5000] [--postgres postgresql://…/bench [--orgs 4]]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.buttons import CheckinButton
from core.questionnaire import HEALTHY
from core.slots import SlotName, SlotRef
from services.prompts import send_prompts
from tests.conftest import HCM, roster_row
from tests.harness import FakeClock, Harness


async def organization(folder: Path, people: int, postgres: str) -> Harness:
    """An organization prompted at 07:30, every person's tap waiting in its Bot API."""
    bot = Harness(folder, FakeClock(datetime(2026, 11, 23, 7, 40, tzinfo=HCM)))
    if postgres:  # an organization of its own there (synchronous_commit as the server has it)
        bot.configure(database_url=postgres, organization=f"intake{uuid.uuid4().hex[:8]}")
    await bot.start()
    rows = [roster_row(f"CB{i:05d}", f"Cán Bộ {i}", unit=f"U{i % 50:02d}") for i in range(people)]
    await bot.enrol(rows, base=100_000)
    ref = SlotRef(bot.clock.now().astimezone(HCM).date(), SlotName.MORNING)
    await send_prompts(bot.running.bot_data.services, ref.day, ref.slot)
    await bot.running.bot_data.sender.drain()  # the prompts reach the phones
    tap = CheckinButton(ref, HEALTHY).encode()
    for person_id in range(1, people + 1):
        user = {"id": 100_000 + person_id, "is_bot": False, "first_name": "x"}
        bot.fake.press(user, tap, bot.fake.to(100_000 + person_id)[-1])
    return bot


async def take_all(bot: Harness) -> None:
    while await bot.running.bot_data.intake.poll_once():
        pass


async def main(people: int, postgres: str, orgs: int) -> None:
    """`orgs` organizations of `people` each in this one process (a worker), their intakes
    running side by side."""
    with tempfile.TemporaryDirectory() as folder:
        bots = [await organization(Path(folder) / str(n), people, postgres) for n in range(orgs)]
        started = time.perf_counter()
        await asyncio.gather(*(take_all(bot) for bot in bots))
        intake_seconds = time.perf_counter() - started
        stored = 0
        for bot in bots:
            ref = SlotRef(bot.clock.now().astimezone(HCM).date(), SlotName.MORNING)
            stored += len(await bot.store.checkins.declaration_history(ref))
        bot = bots[0]
        sent_before = len(bot.fake.sent) + len(bot.fake.edits)
        started = time.perf_counter()
        await bot.running.bot_data.sender.drain()
        send_seconds = time.perf_counter() - started
        calls = len(bot.fake.sent) + len(bot.fake.edits) + len(bot.fake.answered) - sent_before
        for bot in bots:
            await bot.stop()
    answers = people * orgs
    print(f"store:              {'PostgreSQL' if postgres else 'SQLite'}, {orgs} organization(s)")
    print(f"answers:            {answers}")
    print(f"stored:             {stored}")
    print(f"intake to commit:   {intake_seconds:.2f} s = {answers / intake_seconds:,.0f} answers/s")
    print(f"outbox sent after:  {calls} calls in {send_seconds:.2f} s (one organization's,"
          " unpaced, in-process fake)")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--postgres", default="", help="postgresql://…: measure on PostgreSQL")
    parser.add_argument("--orgs", type=int, default=1, help="organizations in this one process")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.postgres, arguments.orgs))
