"""Several worker processes on PostgreSQL (`python -m bot run` with DATABASE_URL): each
organization's bot runs in exactly one of them at a time, a dead worker's organizations are
taken over within 10 s, and nothing acknowledged is lost or stored twice. Against the real
server on 127.0.0.1:5432, in a database of each test's own (the workers run every organization
they find in it)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from bot.workers import LEASE_TTL, RENEW_EVERY
from core.domain import Channel
from core.messages import BROADCAST, Reply
from core.slots import SlotName, SlotRef
from storage.postgres import lock_key
from storage.postgres.db import LeaseLostError
from storage.postgres.registry import Registry
from storage.postgres.store import PgStore
from tests.fakes.loopback import Loopback, python_m_bot, seed_people, slot_settings
from tests.fakes.telegram_api import FakeTelegram
from tests.test_kill import IN_FLIGHT

BIG = 3_000  # organization A: the burst of answers and the prompts
SMALL = 40  # organizations B and C


def account(person: int) -> str:
    return str(10_000 + person)


async def organization(
    url: str, code: str, people: int, api: Loopback[FakeTelegram], slots: dict[str, str]
) -> None:
    """An organization of `people` enrolled, its bot pointed at its own fake Bot API, its
    morning prompt a few seconds after the workers start."""
    async with await PgStore.open(url, code) as store:
        await seed_people(store, people, Channel.TELEGRAM, account)
    registry = await Registry.open(url)
    own = {"BOT_TOKEN": api.fake.token, "TELEGRAM_API_BASE_URL": api.url, "ORG_NAME": code}
    unpaced = {"SEND_RATE": "0", "CHAT_INTERVAL": "0", "ACK_RATE": "0"}
    assert await registry.set_settings(code, {**own, **unpaced, **slots})
    await registry.close()


def start_worker(folder: Path, url: str) -> subprocess.Popen[str]:
    return python_m_bot(folder, ["run"], DATABASE_URL=url, LOG_LEVEL="WARNING")


async def holders(url: str) -> dict[str, str]:
    registry = await Registry.open(url)
    try:
        return await registry.holders()
    finally:
        await registry.close()


def prompted(fake: FakeTelegram) -> list[int]:
    """The chats the morning prompt went to, once per time it went."""
    return [s.chat_id for s in fake.as_sent if ":ok" in str(s.buttons)]


def press_all(api: Loopback[FakeTelegram], code: str, people: range) -> None:
    for person in people:
        user = {"id": 10_000 + person, "is_bot": False, "first_name": f"CB{person}"}
        api.act(partial(FakeTelegram.press, user=user, data=f"ck:{code}:ok"))


def confirmed(fake: FakeTelegram) -> int:
    return len({s.chat_id for s in [*fake.sent, *fake.edits] if s.text.startswith("✅")})


@pytest.fixture
def apis() -> Iterator[dict[str, Loopback[FakeTelegram]]]:
    with ExitStack() as stack:
        yield {code: stack.enter_context(Loopback(FakeTelegram()).serving()) for code in "ABC"}


async def test_three_workers_one_killed_mid_burst_and_mid_prompts(
    tmp_path: Path, fresh_database: str, apis: dict[str, Loopback[FakeTelegram]]
) -> None:
    url = fresh_database
    slots = slot_settings(lead=6)
    for code, api in apis.items():
        await organization(url, code, BIG if code == "A" else SMALL, api, slots)
    zone = ZoneInfo(slots["TIMEZONE"])
    ref = SlotRef(datetime.now(zone).date(), SlotName.MORNING)
    workers = [start_worker(tmp_path, url) for _ in range(3)]
    try:
        for code, api in apis.items():
            ok = await asyncio.to_thread(api.wait_for, lambda f: bool(f.commands), 30)
            assert ok, f"nobody runs organization {code}"
        held = await holders(url)
        assert set(held) == {"A", "B", "C"}
        assert len(set(held.values())) >= 2  # shared between the workers
        a = apis["A"]
        half = BIG // 2
        await asyncio.to_thread(press_all, a, ref.code, range(1, half + 1))
        # in the middle of both: part of the prompts out, part of the answers taken
        assert await asyncio.to_thread(
            a.wait_for, lambda f: len(prompted(f)) >= 300 and len(f.served) >= 300, 60
        ), "the prompts and the answers did not start"
        victim = next(w for w in workers if f":{w.pid}:" in held["A"])
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait(timeout=10)
        assert len(prompted(a.fake)) < BIG, "the prompts were all out before the kill"
        a.act(lambda f: f.commands.clear())
        assert await asyncio.to_thread(a.wait_for, lambda f: bool(f.commands), 30)
        taken_in = time.monotonic() - killed_at
        assert taken_in <= 10.0, f"organization A was taken over after {taken_in:.1f} s"
        assert f":{victim.pid}:" not in (await holders(url))["A"]
        await asyncio.to_thread(press_all, a, ref.code, range(half + 1, BIG + 1))
        assert await asyncio.to_thread(
            a.wait_for, lambda f: confirmed(f) >= BIG and len(set(prompted(f))) >= BIG, 120
        ), f"confirmed {confirmed(a.fake)}, prompted {len(set(prompted(a.fake)))}"
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    assert max(a.fake.served.values()) >= 2, "nothing was taken again after the kill"
    conn = await asyncpg.connect(url)
    try:
        counts = await conn.fetch(
            "SELECT person_id, count(*) AS n FROM org_a.declarations GROUP BY person_id"
        )
        assert len(counts) == BIG and all(r["n"] == 1 for r in counts)  # stored once each
        assert await conn.fetchval("SELECT count(*) FROM org_a.checkins") == BIG
        for other in ("org_b", "org_c"):  # the other organizations were never touched
            assert await conn.fetchval(f"SELECT count(*) FROM {other}.declarations") == 0
    finally:
        await conn.close()
    for api in apis.values():  # everyone prompted; twice only what was in flight at the kill
        chats = prompted(api.fake)
        assert len(set(chats)) == (BIG if api is a else SMALL)
        assert len(chats) - len(set(chats)) <= (IN_FLIGHT if api is a else 0)


async def test_a_lease_passes_only_when_it_expires_and_fences_the_old_holder(
    fresh_database: str,
) -> None:
    url = fresh_database
    async with await PgStore.open(url, "A"):
        pass
    registry = await Registry.open(url)
    try:
        assert await registry.take("w1", "A", 0.5)
        assert not await registry.take("w2", "A", 0.5)  # held: not taken
        assert await registry.renew("w1", ["A"], 0.5) == {"A"}
        store = await PgStore.open(url, "A", holder="w1")
        async with store.transaction():
            await store.jobs.record_run(date(2026, 12, 1), "x", datetime.now(UTC))
        await asyncio.sleep(0.7)  # w1 stopped renewing: its lease ran out
        assert await registry.take("w2", "A", 30)
        assert await registry.renew("w1", ["A"], 0.5) == set()  # w1 learns that it lost it
        with pytest.raises(LeaseLostError):
            async with store.transaction():
                await store.jobs.record_run(date(2026, 12, 2), "x", datetime.now(UTC))
        await store.close()
        async with await PgStore.open(url, "A", holder="w2") as now_held:
            runs = await now_held.jobs.runs(date(2026, 12, 2))
            assert runs == set()  # nothing of the old holder's was committed
            assert await now_held.jobs.runs(date(2026, 12, 1)) == {"x"}
    finally:
        await registry.close()
    assert LEASE_TTL + RENEW_EVERY <= 10  # the hand-over the deployment promises


async def test_what_a_worker_sent_is_marked_sent_even_after_its_lease_passed(
    fresh_database: str,
) -> None:
    """A mark records something that happened (the platform accepted the message): it needs
    neither the organization's lock nor the lease, so a mark waits for no transaction of the
    organization, and a paused worker's marks spare the next holder sending those again."""
    url = fresh_database
    registry = await Registry.open(url)
    store = await PgStore.open(url, "A", holder="w1")
    holder = await asyncpg.connect(url)
    try:
        assert await registry.take("w1", "A", 0.5)
        now = datetime.now(UTC)
        async with store.transaction():
            await store.outbox.enqueue_many(
                [(Channel.TELEGRAM, str(chat), Reply("Chào")) for chat in (1, 2, 3)], now
            )
        pending = await store.outbox.due_in_lane(Channel.TELEGRAM, BROADCAST, now, 10)
        await asyncio.sleep(0.7)
        assert await registry.take("w2", "A", 30)  # w1's lease passed to w2
        await holder.execute("BEGIN")  # w2 is in a transaction of the organization
        await holder.execute("SELECT pg_advisory_xact_lock($1)", lock_key("org_a"))
        marks = [(item.id, now) for item in pending]
        await asyncio.wait_for(store.outbox.mark_sent(marks), 10)  # not held by it
        await holder.execute("COMMIT")
        with pytest.raises(LeaseLostError):  # whereas w1's own writes are fenced
            async with store.transaction():
                await store.outbox.enqueue_many([(Channel.TELEGRAM, "4", Reply("x"))], now)
        states = await holder.fetch("SELECT chat_id, state FROM org_a.outbox ORDER BY id")
        assert [(r["chat_id"], r["state"]) for r in states] == [
            ("1", "sent"), ("2", "sent"), ("3", "sent"),
        ]  # fmt: skip
    finally:
        await holder.close()
        await store.close()
        await registry.close()
