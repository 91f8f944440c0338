"""Zalo as the platform documents it: both webhook shapes, the error table (403 transient, 401
and 429 hold and tell the admins once), a failing start that never stops Telegram, and protected
users whose messages Zalo withholds."""

from __future__ import annotations

import signal
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.zalo import ZaloWebhook
from core import texts
from core.domain import Channel
from core.messages import Reply
from core.slots import SlotName, SlotRef
from tests.conftest import Backend, roster_row
from tests.fakes.loopback import Loopback, start_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import ZALO_TOKEN, FakeZalo, sample, wrapped
from tests.harness import FakeClock, Harness
from tests.test_zalo import enrol_on_zalo

MONDAY = date(2026, 11, 23)
SECRET = "s3cret-token"


def roster() -> list[dict[str, str]]:
    return [
        roster_row("H", "Hà Trưởng Phòng", roles="head"),
        *(roster_row(code, f"Người {code}") for code in ("Z1", "Z2", "Z3")),
        roster_row("T", "Tú Dùng Telegram"),
        roster_row("O", "Oanh Văn Phòng", unit="VP", roles="office"),
        roster_row("AD", "An Quản Trị", unit="VP", roles="admin"),
    ]


@pytest.fixture
async def zalo(tmp_path: Path, clock: FakeClock, backend: Backend) -> AsyncIterator[Harness]:
    """Both messengers, an admin chat on Telegram (-100)."""
    bot = Harness(tmp_path, clock)
    bot.configure(
        zalo_bot_token=ZALO_TOKEN, zalo_send_rate=0, admin_chat_id=-100, **backend.settings()
    )
    await bot.start()
    yield bot
    await bot.stop()


async def declarations(bot: Harness) -> int:
    return len(await bot.store.checkins.declaration_history(SlotRef(MONDAY, SlotName.MORNING)))


async def test_wrapped_bare_and_polled_the_same_update_counts_once(zalo: Harness) -> None:
    await zalo.enrol(roster(), unlinked=["Z1", "Z2", "Z3"])
    for code in ("Z1", "Z2", "Z3"):
        await enrol_on_zalo(zalo, code, f"zl-{code}")
    await zalo.run_until("07:30")
    channel = zalo.running.bot_data.zalo
    assert channel is not None
    webhook = await ZaloWebhook(channel.intake, SECRET).start("127.0.0.1", 0)

    async def post(body: dict[str, Any]) -> int:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{webhook.port}") as client:
            headers = {"X-Bot-Api-Secret-Token": SECRET}
            answer = await client.post("/zalo", json=body, headers=headers)
        assert channel is not None
        await channel.intake.take()  # what the webhook kept (the running bot is woken for it)
        await zalo.pump()
        return answer.status_code

    try:
        first = zalo.zalo.update("zl-Z1", "1", message_id="answer-1")
        assert await post(wrapped(first)) == 200
        assert await declarations(zalo) == 1
        assert await post(first) == 200  # the same, bare: nothing new
        zalo.zalo.updates.append(first)  # the same, polled
        await zalo.pump()
        assert await declarations(zalo) == 1
        assert await post(zalo.zalo.update("zl-Z2", "1", message_id="answer-2")) == 200
        zalo.zalo.updates.append(zalo.zalo.update("zl-Z3", "1", message_id="answer-3"))
        await zalo.pump()
        assert await declarations(zalo) == 3
        assert await post(sample("webhook_text")) == 200  # the documented sample itself
        assert zalo.zalo.to("6ede9afa66b88fe6d6a9")[-1].text == texts.NOT_ENROLLED_ZALO
    finally:
        await webhook.stop()


async def test_a_403_is_the_platforms_trouble_not_a_block(zalo: Harness) -> None:
    await zalo.enrol(roster(), unlinked=["Z1"])
    await enrol_on_zalo(zalo, "Z1", "zl-Z1")
    zalo.zalo.failures.append(("zl-Z1", 403))
    await zalo.store.outbox.enqueue_many(
        [(Channel.ZALO, "zl-Z1", Reply("Thông báo"))], zalo.clock.now()
    )
    await zalo.pump()
    assert not [s for s in zalo.zalo.to("zl-Z1") if s.text == "Thông báo"]
    zalo.clock.advance(seconds=5)
    await zalo.pump()
    assert [s.text for s in zalo.zalo.to("zl-Z1")][-1] == "Thông báo"
    accounts = await zalo.store.people.accounts_of(2)
    assert accounts and await zalo.store.outbox.reachable_chat(2) == (Channel.ZALO, "zl-Z1")


async def test_a_refused_token_holds_zalo_and_tells_the_admins_once(zalo: Harness) -> None:
    await zalo.enrol(roster(), unlinked=["Z1"])
    await enrol_on_zalo(zalo, "Z1", "zl-Z1")
    zalo.zalo.token_refused = True
    now = zalo.clock.now()
    for n in range(3):
        await zalo.store.outbox.enqueue_many([(Channel.ZALO, "zl-Z1", Reply(f"Tin {n}"))], now)
    for _ in range(4):
        await zalo.pump()
        zalo.clock.advance(seconds=61)
    admin = [m.text for m in zalo.fake.to(-100)]
    assert admin == [texts.ZALO_AUTH_WARNING]  # once
    zalo.zalo.token_refused = False
    zalo.clock.advance(seconds=61)
    await zalo.pump()
    assert [s.text for s in zalo.zalo.to("zl-Z1")][-3:] == ["Tin 0", "Tin 1", "Tin 2"]


async def test_the_quota_used_up_holds_zalo_not_telegram(zalo: Harness) -> None:
    users = await zalo.enrol(roster(), unlinked=["Z1"])
    await enrol_on_zalo(zalo, "Z1", "zl-Z1")
    zalo.zalo.failures += [("", 429)] * 3
    now = zalo.clock.now()
    await zalo.store.outbox.enqueue_many(
        [
            (Channel.ZALO, "zl-Z1", Reply("Tin Zalo")),
            (Channel.TELEGRAM, str(users["T"].id), Reply("Tin Telegram")),
        ],
        now,
    )
    for _ in range(3):
        await zalo.pump()
        zalo.clock.advance(seconds=301)
    assert users["T"].last.text == "Tin Telegram"
    warnings = [m.text for m in zalo.fake.to(-100) if m.text.startswith("⚠️ Zalo báo hết")]
    assert len(warnings) == 1
    await zalo.pump()
    assert [s.text for s in zalo.zalo.to("zl-Z1")][-1] == "Tin Zalo"


async def test_a_protected_user_is_told_once_a_day_and_shown_apart(zalo: Harness) -> None:
    users = await zalo.enrol(roster(), unlinked=["Z1"])
    await enrol_on_zalo(zalo, "Z1", "zl-Z1")
    hidden = "message.unsupported.received"
    for n in range(3):
        zalo.zalo.updates.append(zalo.zalo.update("zl-Z1", message_id=f"h{n}", event=hidden))
    await zalo.pump()
    told = [s.text for s in zalo.zalo.to("zl-Z1") if s.text == texts.ZALO_HIDDEN]
    assert len(told) == 1
    await zalo.run_until("09:00")
    summary = next(m.text for m in users["H"].inbox if m.text.startswith("📊"))
    assert f"{texts.SUMMARY_HIDDEN.format(count=1)}: Người Z1" in summary
    await zalo.run_until("08:00", MONDAY.replace(day=25))  # another day: told again, once
    for n in range(2):
        zalo.zalo.updates.append(zalo.zalo.update("zl-Z1", message_id=f"w{n}", event=hidden))
    await zalo.pump()
    told = [s.text for s in zalo.zalo.to("zl-Z1") if s.text == texts.ZALO_HIDDEN]
    assert len(told) == 2


def test_a_failing_zalo_start_never_stops_telegram(tmp_path: Path) -> None:
    telegram, zalo = Loopback(FakeTelegram()), Loopback(FakeZalo(down=True))
    user = {"id": 777, "is_bot": False, "first_name": "Tú"}
    with telegram.serving(), zalo.serving():
        bot = start_bot(
            tmp_path, telegram, LOG_LEVEL="ERROR", ZALO_BOT_TOKEN=ZALO_TOKEN,
            ZALO_API_BASE_URL=zalo.url, ZALO_SEND_RATE="0",
        )  # fmt: skip
        try:
            assert telegram.wait_for(lambda f: bool(f.commands)), "Telegram did not start"
            started = time.monotonic()
            telegram.act(lambda f: f.text(user, "/help"))
            assert telegram.wait_for(lambda f: bool(f.to(777)), timeout=2)
            assert time.monotonic() - started < 2
            zalo.act(lambda f: setattr(f, "down", False))
            zalo.act(lambda f: f.text("zl-new", "xin chào"))
            assert zalo.wait_for(lambda f: bool(f.to("zl-new")), timeout=30), "Zalo never came up"
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
