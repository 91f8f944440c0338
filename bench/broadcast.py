"""Prompt broadcast: how close the sender runs to Telegram's limit, without a 429, and what a
crash halfway costs.

The fake Bot API here enforces Telegram's limits in real time (30 messages in any second
across chats, one a second per chat) and answers 429 beyond them. A morning prompt goes to N
people through the real prompt job and the real sender with the default pacing; halfway the
sender is cancelled (a crash: what was in flight may have gone without being marked) and a new
one resumes from the outbox once a restart could have (`RESTART` seconds: a new process's
imports and start-up alone take longer; the new pacer cannot know what the old one sent in its
last second, and the platform still counts it). The rate is over the time a sender ran.

    python bench/broadcast.py [--people 600]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.channels.telegram import TelegramTransport
from bot.config import Settings
from bot.sender import Sender
from core.clock import SystemClock
from core.pacing import Pacer
from core.slots import SlotName
from services.prompts import send_prompts
from tests.conftest import HCM, roster_row
from tests.fakes.telegram_api import FakeTelegram
from tests.harness import FakeClock, Harness

LIMIT, WINDOW = 30, 1.0
RESTART = 2.0  # seconds between the crash and the new sender


@dataclass
class LimitedTelegram(FakeTelegram):
    """Answers 429 as Telegram would: over 30 messages a second, or two a second to a chat."""

    recent: deque[float] = field(default_factory=deque)
    last_to_chat: dict[str, float] = field(default_factory=dict)
    refused: int = 0
    delivered: Counter[int] = field(default_factory=Counter)

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method != "sendMessage":
            return super().call(method, params)
        now = time.monotonic()
        while self.recent and self.recent[0] <= now - WINDOW:
            self.recent.popleft()
        chat = str(params["chat_id"])
        if len(self.recent) >= LIMIT or now - self.last_to_chat.get(chat, -9.0) < 1.0:
            self.refused += 1
            return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                         "parameters": {"retry_after": 1}}  # fmt: skip
        self.recent.append(now)
        self.last_to_chat[chat] = now
        self.delivered[int(chat)] += 1
        return super().call(method, params)


async def main(people: int) -> None:
    fake = LimitedTelegram()
    rate = Settings().send_rate
    with tempfile.TemporaryDirectory() as folder:
        bot = Harness(Path(folder), FakeClock(datetime(2026, 11, 23, 7, 30, tzinfo=HCM)), fake)
        await bot.start()
        await bot.enrol([roster_row(f"CB{i:05d}", f"Cán Bộ {i}") for i in range(people)], 100_000)
        now = bot.clock.now()
        await send_prompts(bot.running.bot_data.services, now.date(), SlotName.MORNING)

        def sender() -> Sender:
            transport = TelegramTransport(bot.running.bot)
            return Sender(bot.store, transport, SystemClock(), Pacer(rate, 1.0))

        started = time.perf_counter()
        first = asyncio.create_task(sender().drain())
        await asyncio.sleep(people / rate / 2)
        first.cancel()  # the crash
        await asyncio.gather(first, return_exceptions=True)
        crashed_at = sum(fake.delivered.values())
        await asyncio.sleep(RESTART)
        await sender().drain()
        elapsed = time.perf_counter() - started - RESTART
        await bot.stop()
    sent = sum(fake.delivered.values())
    print(f"people:               {people}")
    print(f"pacing setting:       {rate:g} messages/s (Telegram: {LIMIT}/s)")
    print(f"delivered:            {sent} in {elapsed:.1f} s = {sent / elapsed:.1f}/s "
          f"= {100 * sent / elapsed / LIMIT:.0f}% of the limit")  # fmt: skip
    print(f"429 answers:          {fake.refused}")
    print(f"crash after:          {crashed_at} delivered")
    print(f"lost:                 {people - len(fake.delivered)}")
    print(f"sent twice:           {sum(1 for n in fake.delivered.values() if n > 1)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=600)
    asyncio.run(main(parser.parse_args().people))
