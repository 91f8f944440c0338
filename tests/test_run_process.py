"""`python -m bot run` as a real process against the fake Bot API on loopback."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

from core.roster import parse_roster, plan_import
from storage import open_store
from tests.conftest import roster_row
from tests.fakes.loopback import Loopback
from tests.fakes.loopback import start_bot as start_bot_process
from tests.fakes.telegram_api import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


async def seed(db: Path) -> None:
    from core.clock import SystemClock

    entries, _ = parse_roster([(2, roster_row("CB001", "Nguyễn Văn An", phone="0912345678"))])
    async with await open_store(db) as store:
        await store.people.apply_import(plan_import([], entries), SystemClock().now())


def start_bot(tmp_path: Path, api: Loopback[FakeTelegram]) -> subprocess.Popen[str]:
    return start_bot_process(tmp_path, api, LOG_LEVEL="DEBUG")


def test_run_polls_registers_commands_and_stops_on_sigterm(tmp_path: Path) -> None:
    asyncio.run(seed(tmp_path / "sokhoe.db"))
    api = Loopback(FakeTelegram())
    user = {"id": 501, "is_bot": False, "first_name": "An"}
    with api.serving():
        bot = start_bot(tmp_path, api)
        try:
            assert api.wait_for(lambda f: bool(f.commands)), "setMyCommands was not called"
            api.act(lambda f: f.contact(user, "+84912345678", 501))
            assert api.wait_for(lambda f: len(f.to(501)) >= 2), "no reply to the shared contact"
            bot.send_signal(signal.SIGTERM)
            output, _ = bot.communicate(timeout=30)
        finally:
            bot.kill()
    assert bot.returncode == 0, output
    assert "Nguyễn Văn An" in api.fake.to(501)[0].text
    assert {c["command"] for c in api.fake.commands} >= {"start", "help", "me"}
    assert "Sổ Khỏe đã dừng" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output  # even at DEBUG
    assert "Nguyễn Văn An" not in output  # nor what was said to whom
