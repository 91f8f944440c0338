"""Zalo in webhook mode, the bot killed with SIGKILL in the middle of a burst of answers and
started again: Zalo's posts that got no 200 are posted again, and every answer is stored once."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.config import Settings
from core.domain import Channel
from core.slots import make_slots, slot_at
from storage import open_store
from tests.fakes.loopback import Loopback, seed_enrolled, start_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import ZALO_TOKEN, FakeZalo
from tests.harness import free_port

PEOPLE = 300
SECRET = "webhook-secret-123"


async def seed(db: Path, code: str) -> None:
    chats = await seed_enrolled(db, PEOPLE, Channel.ZALO, lambda person: f"zl-{person}")
    async with await open_store(db) as store:  # the menu of the prompt each chat was shown
        for chat in chats:
            await store.inbox.save_menu(Channel.ZALO, chat, [f"ck:{code}:ok"], datetime.now(UTC))


def test_sigkill_mid_burst_of_zalo_answers(tmp_path: Path) -> None:
    settings = Settings()
    ref = slot_at(make_slots(settings.morning, settings.afternoon), datetime.now(settings.tz))
    asyncio.run(seed(tmp_path / "sokhoe.db", ref.code))
    port = free_port()
    telegram, zalo = Loopback(FakeTelegram()), Loopback(FakeZalo())
    acknowledged = 0
    lock = threading.Lock()

    def post(person: int) -> None:
        """Zalo's side: post until the bot answers 200."""
        nonlocal acknowledged
        update = zalo.fake.update(f"zl-{person}", "1", message_id=f"answer-{person}")
        headers = {"X-Bot-Api-Secret-Token": SECRET}
        while True:
            try:
                status = httpx.post(
                    f"http://127.0.0.1:{port}/zalo", json=update, headers=headers, timeout=5
                )
                if status.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            threading.Event().wait(0.05)
        with lock:
            acknowledged += 1

    def bot() -> subprocess.Popen[str]:
        return start_bot(
            tmp_path, telegram, SEND_RATE="0", CHAT_INTERVAL="0", LOG_LEVEL="WARNING",
            ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_BASE_URL=zalo.url, ZALO_SEND_RATE="0",
            ZALO_WEBHOOK_URL="https://sokhoe.example/zalo", ZALO_WEBHOOK_SECRET=SECRET,
            ZALO_WEBHOOK_LISTEN=f"127.0.0.1:{port}",
        )  # fmt: skip

    with telegram.serving(), zalo.serving():
        process = bot()
        try:
            assert zalo.wait_for(lambda f: bool(f.webhook.get("url"))), "no webhook was set"
            with ThreadPoolExecutor(8) as pool:
                futures = [pool.submit(post, n) for n in range(1, PEOPLE + 1)]
                while acknowledged < 100:
                    threading.Event().wait(0.01)
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                killed_at = acknowledged
                process = bot()
                for future in futures:
                    future.result(timeout=60)

            def confirmed(fake: FakeZalo) -> bool:
                return len({s.chat_id for s in fake.sent if s.text.startswith("✅")}) >= PEOPLE

            assert zalo.wait_for(confirmed, timeout=60), "not every answer was confirmed"
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert killed_at < PEOPLE
    with sqlite3.connect(tmp_path / "sokhoe.db") as conn:
        counts = conn.execute(
            "SELECT person_id, count(*) FROM declarations GROUP BY person_id"
        ).fetchall()
    assert len(counts) == PEOPLE
    assert all(n == 1 for _, n in counts)
