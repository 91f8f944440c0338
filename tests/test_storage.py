"""Storage against real SQLite in a temporary folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.domain import Channel
from core.messages import BROADCAST, REPLY, Choice, Reply, rows
from core.roster import parse_roster, plan_import
from storage import SqliteStore, Store, open_store
from storage.db import migrations
from storage.outbox import DUE_ACKS
from storage.postgres.store import PgStore
from tests.conftest import roster_row

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


async def claim(store: Store, key: str, now: datetime) -> bool:
    return key in await store.inbox.claim_events([key], now)


async def seed(store: Store) -> None:
    entries, _ = parse_roster(
        enumerate(
            [roster_row("A1", "An", phone="0912345678"), roster_row("B1", "Bình", roles="head")], 2
        )
    )
    await store.people.apply_import(plan_import([], entries), NOW)


async def pragma(store: SqliteStore, name: str) -> object:
    row = await store._db.fetchone(f"PRAGMA {name}")
    return row[0] if row else None


async def test_pragmas_and_migrations(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "store.db")
    assert await pragma(store, "journal_mode") == "wal"
    assert await pragma(store, "foreign_keys") == 1
    version = await pragma(store, "user_version")
    assert version == migrations()[-1][0]
    await store.close()
    async with await open_store(tmp_path / "store.db") as again:  # migrating twice is a no-op
        assert await pragma(again, "user_version") == version


async def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    await seed(store)
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await claim(store, "k1", NOW)
            raise RuntimeError("boom")
    assert await claim(store, "k1", NOW)


async def test_a_failed_savepoint_keeps_the_rest_of_the_batch(store: Store) -> None:
    async with store.transaction():
        await claim(store, "first", NOW)
        with pytest.raises(ValueError, match="one event"):
            async with store.savepoint():
                await claim(store, "second", NOW)
                raise ValueError("one event fails")
    assert not await claim(store, "first", NOW)
    assert await claim(store, "second", NOW)


async def test_claim_event_is_once(store: Store) -> None:
    assert await claim(store, "tg:1", NOW)
    assert not await claim(store, "tg:1", NOW)
    assert await store.inbox.forget_events_before(NOW + timedelta(days=8)) == 1


async def test_people_roles_accounts(store: Store) -> None:
    await seed(store)
    an = await store.people.active_person_by_phone("0912345678")
    assert an is not None and an.full_name == "An" and an.unit.code == "KHTC"
    await store.people.link_account(Channel.TELEGRAM, "501", "501", an.id, NOW)
    caller = await store.inbox.caller(Channel.TELEGRAM, "501", "v1")
    assert caller.person == an
    assert not caller.consented
    await store.people.record_consent(an.id, "v1", Channel.TELEGRAM, NOW)
    assert (await store.inbox.caller(Channel.TELEGRAM, "501", "v1")).consented
    assert not (await store.inbox.caller(Channel.TELEGRAM, "501", "v2")).consented
    assert await store.outbox.reachable_chat(an.id) == (Channel.TELEGRAM, "501")
    await store.people.mark_unreachable(Channel.TELEGRAM, "501", NOW)
    assert await store.outbox.reachable_chat(an.id) is None
    binh = next(p for p in await store.people.all_people() if p.staff_code == "B1")
    assert {r.value for r in binh.roles} == {"staff", "head"}
    assert [p.staff_code for p in await store.people.people_not_enrolled()] == ["B1"]


async def test_newer_invite_revokes_the_older(store: Store) -> None:
    await seed(store)
    an = (await store.people.all_people())[0]
    await store.people.issue_invites([(an.id, "AAAAAAAA")], NOW, timedelta(days=14))
    await store.people.issue_invites([(an.id, "BBBBBBBB")], NOW, timedelta(days=14))
    old, new = await store.people.invite("AAAAAAAA"), await store.people.invite("BBBBBBBB")
    assert old is not None and old.revoked
    assert new is not None and not new.revoked and new.expires_at == NOW + timedelta(days=14)


async def test_outbox_order_dedupe_and_payload(store: Store) -> None:
    reply = Reply("Chào", choices=rows(Choice("a:1", "Một"), Choice("a:2", "Hai")))
    assert await store.outbox.enqueue_reply(Channel.TELEGRAM, "9", reply, NOW, dedupe_key="p1")
    assert not await store.outbox.enqueue_reply(Channel.TELEGRAM, "9", reply, NOW, dedupe_key="p1")
    await store.outbox.enqueue_reply(Channel.TELEGRAM, "9", Reply("Sau"), NOW)
    due = await store.outbox.due_in_lane(Channel.TELEGRAM, BROADCAST, NOW, 10)
    assert [d.text for d in due] == ["Chào", "Sau"]
    assert due[0].choices == reply.choices
    await store.outbox.postpone(due[0].id, NOW + timedelta(seconds=5), "429")
    due = await store.outbox.due_in_lane(Channel.TELEGRAM, BROADCAST, NOW, 10)
    assert [d.text for d in due] == ["Sau"]


async def test_the_presses_to_acknowledge_are_read_without_the_broadcast_before_them(
    store: Store,
) -> None:
    """A slot's prompts wait in the outbox while the presses come in: the read after each tap
    goes through the presses' own index (0019), not over every prompt still waiting."""
    prompts = [(Channel.TELEGRAM, str(1000 + n), Reply("Mời khai báo")) for n in range(2000)]
    await store.outbox.enqueue_many(prompts, NOW)
    await store.outbox.enqueue_many([(Channel.TELEGRAM, "7", "cb-1"), (Channel.ZALO, "8", "cb-2")],
                                    NOW, REPLY)  # fmt: skip
    due = await store.outbox.due_acks(Channel.TELEGRAM, 200)
    assert [(d.kind, d.chat_id, d.callback_id) for d in due] == [("ack", "7", "cb-1")]
    if isinstance(store, SqliteStore):
        plan = await store.db.fetchall(f"EXPLAIN QUERY PLAN {DUE_ACKS}", ("telegram", 200))
        assert "outbox_acks" in " ".join(str(r["detail"]) for r in plan)
    else:
        assert isinstance(store, PgStore)
        await store.db.execute("ANALYZE outbox")
        plan = await store.db.fetchall(f"EXPLAIN {DUE_ACKS}", ("telegram", 200))
        assert "outbox_acks" in " ".join(str(r[0]) for r in plan)


async def test_conversation_state(store: Store) -> None:
    async def state() -> tuple[str, dict[str, object]]:
        caller = await store.inbox.caller(Channel.ZALO, "abc", "v1")
        assert caller.person is None  # state is kept by account, enrolled or not
        return caller.flow, caller.state

    assert await state() == ("", {})
    await store.inbox.set_conversation(Channel.ZALO, "abc", "checkin", {"step": 2}, NOW)
    assert await state() == ("checkin", {"step": 2})
    await store.inbox.end_conversation(Channel.ZALO, "abc")
    assert await state() == ("", {})


async def test_the_office_counts_agree_with_each_persons_standing(store: Store) -> None:
    """The office's table (counted per unit from the day's rows) and the heads' summaries (built
    person by person) say the same, on a random organization: leave, withdrawn consent, hidden
    Zalo accounts, people declared, late and alerting, on the slot and on other slots."""
    from random import Random

    from core.declarations import Declaration, Leave
    from core.slots import SlotName, SlotRef
    from core.summary import summarize
    from core.texts import CONSENT_VERSION

    chance = Random(2026)
    units = ("KHTC", "TCCB", "VP")
    rows_ = [roster_row(f"P{i:03d}", f"Người {i:03d}", units[i % 3]) for i in range(150)]
    entries, _ = parse_roster(enumerate(rows_, 2))
    await store.people.apply_import(plan_import([], entries), NOW)
    ref = SlotRef(NOW.date(), SlotName.MORNING)
    other = SlotRef(NOW.date(), SlotName.AFTERNOON)
    for person in await store.people.all_people():
        pid, kind = person.id, chance.random()
        channel = Channel.ZALO if chance.random() < 0.5 else Channel.TELEGRAM
        await store.people.link_account(channel, f"a{pid}", f"c{pid}", pid, NOW)
        await store.people.record_consent(pid, CONSENT_VERSION, channel, NOW)
        if kind < 0.1:
            await store.privacy.withdraw_consent(pid, NOW)
        elif kind < 0.3 and channel == Channel.ZALO:
            await store.people.mark_hidden(channel, f"a{pid}", True, NOW)
        if chance.random() < 0.1:
            await store.checkins.add_leave(
                Leave(pid, ref.day - timedelta(days=1), ref.day), pid, NOW
            )
        for slot in (ref, other):
            if chance.random() < 0.6 and kind >= 0.1:  # who withdrew is refused
                declaration = Declaration(pid, slot, {}, NOW, chance.random() < 0.2,
                                          chance.random() < 0.15)  # fmt: skip
                await store.checkins.record_declaration(declaration, "v", channel, f"k{pid}{slot}")
    counts = {c.unit.code: c for c in await store.checkins.unit_counts(ref)}
    standings = await store.checkins.standings(ref, CONSENT_VERSION)
    assert sorted(counts) == list(units)
    kinds: set[str] = set()
    for code in units:
        unit = counts[code].unit
        summary = summarize(unit, ref, standings, lambda _: "")
        count = counts[code]
        seen = (count.expected, count.declared, count.on_leave, count.late)
        assert seen == (summary.expected, summary.declared, len(summary.on_leave), summary.late)
        alerts = sum(1 for s in standings if s.person.unit == unit and not s.on_leave
                     and s.mark is not None and s.mark.alert)  # fmt: skip
        assert count.alerts == alerts
        kinds.update(k for k in ("withdrawn", "hidden", "on_leave") if getattr(summary, k))
    assert kinds == {"withdrawn", "hidden", "on_leave"}  # each kind was there to be counted
    one = await store.checkins.unit_counts(ref, "TCCB")
    assert one == [counts["TCCB"]]
    # a summary reads the quiet ones (declared, nothing to report) as numbers: the same summary
    listed, quiet = await store.checkins.summary_standings(ref, CONSENT_VERSION)
    assert len(listed) < len(standings)
    tallies = {q.unit.code: q for q in quiet}
    for code in units:
        unit = counts[code].unit
        whole = summarize(unit, ref, standings, lambda _: "")
        assert summarize(unit, ref, listed, lambda _: "", tallies[code]) == whole
    tccb, _ = await store.checkins.summary_standings(ref, CONSENT_VERSION, "TCCB")
    assert tccb == [s for s in listed if s.person.unit.code == "TCCB"]


async def test_erasing_someone_who_never_enrolled(store: Store) -> None:
    """A leaver who never linked an account (the nightly erasure of leavers meets them)."""
    await seed(store)
    person = await store.people.person_by_code("B1")
    assert person is not None and not await store.people.accounts_of(person.id)
    erased = await store.privacy.erase_person(person.id, keep_roster_row=False)
    assert erased.counts["accounts"] == 0
    after = await store.people.person(person.id)
    assert after is not None and after.staff_code == f"xoa-{person.id}"
