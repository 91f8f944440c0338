"""Killed with SIGKILL in the middle of a burst of answers, and started again: every answer is
stored exactly once. The bot runs as a real process against the fake Bot API on loopback."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
from datetime import datetime
from functools import partial
from pathlib import Path

from bot.config import Settings
from core.domain import Channel
from core.slots import make_slots, slot_at
from tests.fakes.loopback import Loopback, seed_enrolled
from tests.fakes.loopback import start_bot as start_bot_process
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 300


def start_bot(tmp_path: Path, api: Loopback[FakeTelegram]) -> subprocess.Popen[str]:
    return start_bot_process(tmp_path, api, SEND_RATE="0", CHAT_INTERVAL="0", LOG_LEVEL="WARNING")


def stored(db: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT person_id, count(*) FROM declarations GROUP BY person_id"
        ).fetchall()


def everyone_confirmed(fake: FakeTelegram) -> bool:
    """A confirmation is the pressed prompt, edited (or a new message where there is none)."""
    said = [*fake.sent, *fake.edits]
    return len({s.chat_id for s in said if s.text.startswith("✅")}) >= PEOPLE


def press_all(api: Loopback[FakeTelegram], code: str, people: range) -> None:
    for person_id in people:
        user = {"id": 10_000 + person_id, "is_bot": False, "first_name": f"CB{person_id}"}
        api.act(partial(FakeTelegram.press, user=user, data=f"ck:{code}:ok"))


def test_sigkill_mid_burst_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "sokhoe.db"
    asyncio.run(seed_enrolled(db, PEOPLE, Channel.TELEGRAM, lambda person: str(10_000 + person)))
    settings = Settings()
    ref = slot_at(make_slots(settings.morning, settings.afternoon), datetime.now(settings.tz))
    half = PEOPLE // 2
    api = Loopback(FakeTelegram())
    with api.serving():
        bot = start_bot(tmp_path, api)
        try:
            assert api.wait_for(lambda f: bool(f.commands)), "the bot did not start"
            press_all(api, ref.code, range(1, half + 1))
            # killed the moment a batch is handed out: before Telegram hears that it was taken
            assert api.wait_for(lambda f: bool(f.served)), "no update was taken"
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
            assert len(stored(db)) < PEOPLE

            bot = start_bot(tmp_path, api)
            press_all(api, ref.code, range(half + 1, PEOPLE + 1))
            assert api.wait_for(everyone_confirmed, timeout=60), "not every answer was confirmed"
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
    assert max(api.fake.served.values()) >= 2, "nothing was delivered again after the kill"
    counts = stored(db)
    assert len(counts) == PEOPLE
    assert all(n == 1 for _, n in counts)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == PEOPLE
