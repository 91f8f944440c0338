"""Outbox delivery and restarts: crash mid-broadcast, 429, 403, an update delivered twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.sender import SentMarks
from core import texts
from core.domain import Channel
from core.messages import BROADCAST, Outgoing, Reply
from core.pacing import Pacer
from core.slots import SlotName, SlotRef
from storage.db import Sql
from storage.outbox import OutboxRepo
from storage.repositories import Repositories
from tests.conftest import roster_row
from tests.fakes.telegram_api import Failure
from tests.harness import Harness
from tests.test_checkin_day import HEALTHY, prompts, twenty

MONDAY = date(2026, 11, 23)


async def test_restart_after_a_crash_mid_broadcast(harness: Harness) -> None:
    people = await harness.enrol(twenty()[:19])
    services = harness.running.bot_data.services
    sender = harness.running.bot_data.sender
    harness.clock.current = harness.clock.current.replace(hour=7, minute=30)
    from services.prompts import send_prompts

    await send_prompts(services, MONDAY, SlotName.MORNING)
    harness.clock.advance(seconds=5)
    due = await harness.store.outbox.due_in_lane(
        sender.transport.channel, BROADCAST, harness.clock.now(), 100
    )
    for item in due[:9]:  # half the broadcast goes out, then the process dies
        await sender._send(item)
    await harness.stop()

    harness.clock.current = harness.clock.current.replace(minute=40)
    await harness.start()  # a new process on the same database
    from scheduler import catch_up

    await catch_up(harness.running.bot_data.services)
    await harness.pump()
    assert sorted(len(prompts(u)) for u in people.values()) == [1] * 19


async def test_catch_up_after_downtime_at_prompt_time(harness: Harness) -> None:
    people = await harness.enrol(twenty()[:5])
    await harness.stop()
    harness.clock.current = harness.clock.current.replace(hour=8, minute=20)
    await harness.start()
    from scheduler import catch_up

    await catch_up(harness.running.bot_data.services)
    await harness.pump()
    assert [len(prompts(u)) for u in people.values()] == [1] * 5
    assert not any("Bạn chưa khai báo" in m.text for u in people.values() for m in u.inbox)


async def test_flood_control_delays_without_losing(harness: Harness) -> None:
    people = await harness.enrol(twenty()[:6])
    harness.fake.failures.append(
        Failure("sendMessage", None, 429, "Too Many Requests: retry after 3", 3)
    )
    await harness.run_until("07:30")
    assert sum(len(prompts(u)) for u in people.values()) == 0  # held: nothing went after the 429
    harness.clock.advance(seconds=3)
    await harness.pump()
    assert [len(prompts(u)) for u in people.values()] == [1] * 6


async def test_a_blocked_bot_marks_the_account_unreachable(harness: Harness) -> None:
    people = await harness.enrol(twenty()[:3])
    blocked = people["KHTC02"]
    harness.fake.failures.append(
        Failure("sendMessage", blocked.id, 403, "Forbidden: bot was blocked by the user")
    )
    await harness.run_until("07:30")
    assert prompts(blocked) == []
    person = await harness.store.people.person_by_code("KHTC02")
    assert person is not None
    assert await harness.store.outbox.reachable_chat(person.id) is None
    await harness.run_until("08:15")  # no reminder is even queued for an unreachable account
    assert blocked.inbox == []
    assert [len(prompts(people[c])) for c in ("KHTC01", "KHTC03")] == [1, 1]


async def test_network_errors_are_retried_with_backoff(harness: Harness) -> None:
    an = (await harness.enrol([roster_row("A1", "An")]))["A1"]
    harness.fake.failures.append(Failure("sendMessage", None, 502, "Bad Gateway"))
    await harness.run_until("07:30")
    assert an.inbox == []
    harness.clock.advance(seconds=2)
    await harness.pump()
    assert len(prompts(an)) == 1


async def test_the_same_update_twice_is_one_declaration_and_one_confirmation(
    harness: Harness,
) -> None:
    an = (await harness.enrol([roster_row("A1", "An")]))["A1"]
    await harness.run_until("07:30")
    prompt = an.last
    harness.fake.press(an.user, f"ck:{MONDAY:%Y%m%d}m:ok", prompt)
    duplicate = dict(harness.fake.updates[-1])
    await harness.pump()
    harness.fake.updates.append(duplicate)
    await harness.pump()
    assert (
        len(await harness.store.checkins.declaration_history(SlotRef(MONDAY, SlotName.MORNING)))
        == 1
    )
    confirmations = [m for m in an.inbox if m.text.startswith("✅ Đã ghi nhận")]
    assert len(confirmations) == 1
    assert HEALTHY not in confirmations[0].text
    assert texts.REDO in [label for label, _ in confirmations[0].buttons]


async def test_jobs_are_derived_from_settings_under_stable_names(harness: Harness) -> None:
    from bot.app import install_jobs

    app = harness.running
    install_jobs(app)
    install_jobs(app)  # a second start-up replaces, never duplicates
    assert app.job_queue is not None
    jobs = app.job_queue.jobs()
    names = sorted(job.name or "" for job in jobs)
    steps = [
        f"{s}:{step}" for s in ("morning", "afternoon") for step in ("prompt", "reminder", "close")
    ]
    risk = ["risk:sheet", "risk:reminder", "risk:deadline"]
    assert names == sorted([*steps, *risk, "report:monthly", "housekeeping"])
    prompt = app.job_queue.get_jobs_by_name("morning:prompt")[0]
    assert prompt.job.misfire_grace_time == 15 * 60
    assert str(prompt.job.trigger).startswith("cron[") and "hour='7', minute='30'" in str(
        prompt.job.trigger
    )


async def until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never came")


async def test_a_tap_during_a_broadcast_is_answered_before_the_broadcast_goes_on(
    harness: Harness,
) -> None:
    """500 broadcast items queued and going out; a person taps the one-tap answer: the
    acknowledgement and the confirmation are the next calls for them, and no more broadcast
    items go first than were already on their way; the broadcast then finishes."""
    await harness.stop()
    harness.configure(send_rate=400, ack_rate=100)
    await harness.start()
    an = (await harness.enrol([roster_row("A1", "An")]))["A1"]
    await harness.run_until("07:30")
    prompt = an.last
    store, data = harness.store, harness.running.bot_data
    crowd = [(Channel.TELEGRAM, str(900_000 + n), Reply(f"Thông báo {n}")) for n in range(500)]
    await store.outbox.enqueue_many(crowd, harness.clock.now(), BROADCAST)
    fake, stop = harness.fake, asyncio.Event()
    start = len(fake.log)

    def broadcasts_sent() -> int:
        return sum(1 for method, chat in fake.log[start:] if (chat or 0) >= 900_000)

    running = asyncio.create_task(data.sender.run(stop))
    try:
        await until(lambda: broadcasts_sent() >= 100)
        fake.press(an.user, f"ck:{MONDAY:%Y%m%d}m:ok", prompt)
        assert await data.intake.poll_once()  # committed; the sender is woken
        mark = len(fake.log)
        await until(lambda: broadcasts_sent() >= 500)
    finally:
        stop.set()
        await running
    after = fake.log[mark:]
    mine = [i for i, (method, chat) in enumerate(after) if chat == an.id or chat is None]
    assert [after[i][0] for i in mine[:2]] == ["answerCallbackQuery", "editMessageText"]
    already_on_their_way = 16  # the sender's requests in flight at once
    assert sum(1 for _, chat in after[: mine[1]] if (chat or 0) >= 900_000) <= already_on_their_way
    assert "Đã ghi nhận khai báo buổi sáng" in prompt.text  # the prompt, edited
    assert await store.outbox.due_in_lane(Channel.TELEGRAM, BROADCAST, harness.clock.now(), 9) == []


async def test_flood_control_on_acknowledgements_does_not_hold_messages(harness: Harness) -> None:
    an = (await harness.enrol([roster_row("A1", "An")]))["A1"]
    await harness.run_until("07:30")
    harness.fake.failures.append(
        Failure("answerCallbackQuery", None, 429, "Too Many Requests: retry after 5", 5)
    )
    confirmed = await an.tap(HEALTHY)
    assert harness.fake.answered == []  # put off
    assert "Đã ghi nhận khai báo buổi sáng" in confirmed.text  # yet the answer is confirmed
    assert await an.send("/lichsu")  # and a message typed now is answered now
    harness.clock.advance(seconds=5)
    await harness.pump()
    assert len(harness.fake.answered) == 1


class CountingOutbox(OutboxRepo):
    """The real outbox, noting each group of sent marks it writes."""

    def __init__(self, db: Sql) -> None:
        super().__init__(db)
        self.groups: list[int] = []

    async def mark_sent(self, sent: Sequence[tuple[int, datetime]]) -> None:
        self.groups.append(len(sent))
        await super().mark_sent(sent)


async def test_a_broadcasts_sent_marks_are_written_together_and_none_is_lost(
    harness: Harness,
) -> None:
    """While more is queued, the marks of messages that land together go in one statement;
    a message sent alone is marked at once (before the drain returns)."""
    await harness.stop()
    harness.configure(send_rate=400)
    await harness.start()
    store, sender = harness.store, harness.running.bot_data.sender
    assert isinstance(store, Repositories)  # SQLite's or PostgreSQL's
    counting = CountingOutbox(store.db)
    store.outbox = counting
    crowd = [(Channel.TELEGRAM, str(900_000 + n), Reply(f"Thông báo {n}")) for n in range(300)]
    await store.outbox.enqueue_many(crowd, harness.clock.now(), BROADCAST)
    assert await sender.drain() == 300
    assert sum(counting.groups) == 300 and max(counting.groups) <= 64
    assert len(counting.groups) <= 300 // 4  # not one by one
    now = harness.clock.now()
    assert await store.outbox.due_in_lane(Channel.TELEGRAM, BROADCAST, now, 9) == []
    assert await store.outbox.sent_since(Channel.TELEGRAM, now - timedelta(days=1)) == 300

    counting.groups.clear()
    await store.outbox.enqueue_many([(Channel.TELEGRAM, "42", Reply("Một mình"))], now)
    assert await sender.drain() == 1
    assert counting.groups == [1]
    assert await store.outbox.sent_since(Channel.TELEGRAM, now - timedelta(days=1)) == 301


class HeldOutbox(OutboxRepo):
    """The real outbox, whose sent marks wait until `release` is set (a slow database)."""

    def __init__(self, db: Sql) -> None:
        super().__init__(db)
        self.release = asyncio.Event()

    async def mark_sent(self, sent: Sequence[tuple[int, datetime]]) -> None:
        await self.release.wait()
        await super().mark_sent(sent)


async def test_a_press_is_acknowledged_without_waiting_for_the_database_and_only_once(
    harness: Harness,
) -> None:
    """The acknowledgement's answer is what a reply waits for; its mark is written behind.
    Asked again before the mark commits, the sender does not answer the press twice."""
    an = (await harness.enrol([roster_row("A1", "An")]))["A1"]
    await harness.run_until("07:30")
    store, data = harness.store, harness.running.bot_data
    assert isinstance(store, Repositories)
    held = HeldOutbox(store.db)
    store.outbox = held
    harness.fake.press(an.user, f"ck:{MONDAY:%Y%m%d}m:ok", an.last)
    assert await data.intake.poll_once()
    await asyncio.wait_for(data.sender.acknowledge(), 10)  # answered, not yet recorded
    assert len(harness.fake.answered) == 1
    assert len(await store.outbox.due_acks(Channel.TELEGRAM, 9)) == 1  # still pending
    await asyncio.wait_for(data.sender.acknowledge(), 10)
    assert len(harness.fake.answered) == 1  # not twice
    held.release.set()
    await asyncio.wait_for(data.sender.drain(), 10)
    assert await store.outbox.due_acks(Channel.TELEGRAM, 9) == []
    assert len(harness.fake.answered) == 1
    assert "Đã ghi nhận khai báo buổi sáng" in an.last.text


class CountedOutbox(OutboxRepo):
    """The outbox, counting how often the due acknowledgements are read."""

    def __init__(self, db: Sql) -> None:
        super().__init__(db)
        self.ack_reads = 0

    async def due_acks(self, channel: Channel, limit: int) -> list[Outgoing]:
        self.ack_reads += 1
        return await super().due_acks(channel, limit)


async def test_a_tap_costs_one_read_of_the_acknowledgements_due(harness: Harness) -> None:
    """Each read is a database round trip: woken by a press, the sender reads the due
    acknowledgements once, not again to find that nothing more is due, nor again for the reply
    that went in with the press (the steps of `Sender.run`'s two loops, one by one)."""
    users = await harness.enrol([roster_row("A1", "An"), roster_row("A2", "Ba")])
    await harness.run_until("07:30")
    store, sender = harness.store, harness.running.bot_data.sender
    assert isinstance(store, Repositories)
    counted = CountedOutbox(store.db)
    store.outbox = counted
    for n, code in enumerate(("A1", "A2"), start=1):
        user = users[code]
        harness.fake.press(user.user, f"ck:{MONDAY:%Y%m%d}m:ok", user.last)
        assert await harness.running.bot_data.intake.poll_once()  # committed: the sender woken
        await asyncio.wait_for(sender.acknowledge(again=False), 10)  # the acknowledgement loop
        assert len(harness.fake.answered) == n
        assert await asyncio.wait_for(sender.drain(acknowledge=False), 10)  # the replies
        assert "Đã ghi nhận khai báo buổi sáng" in user.last.text
        assert counted.ack_reads == n
    await asyncio.wait_for(sender.drain(), 10)  # asked to, it reads: a retry may be due
    assert counted.ack_reads == 3
    assert await counted.due_acks(Channel.TELEGRAM, 9) == []


async def test_a_replys_mark_is_written_at_once_with_the_broadcasts_waiting(
    harness: Harness,
) -> None:
    """Broadcast marks wait for others while more is queued; a reply's mark (its person's next
    message waits behind it) takes them all along at once."""
    store = harness.store
    assert isinstance(store, Repositories)
    counting = CountingOutbox(store.db)
    store.outbox = counting
    now = harness.clock.now()
    await store.outbox.enqueue_many(
        [(Channel.TELEGRAM, str(chat), Reply("x")) for chat in (1, 2, 3)], now
    )
    ids = [i.id for i in await store.outbox.due_in_lane(Channel.TELEGRAM, BROADCAST, now, 9)]
    marks = SentMarks(store, more_coming=lambda: True, linger=600.0)
    waiting = [asyncio.create_task(marks.mark(i, now, patient=True)) for i in ids[:2]]
    await asyncio.sleep(0.05)
    assert counting.groups == []  # the broadcast's marks wait for more
    await asyncio.wait_for(marks.mark(ids[2], now, patient=False), 10)
    await asyncio.wait_for(asyncio.gather(*waiting), 10)
    assert counting.groups == [3]
    assert await store.outbox.due_in_lane(Channel.TELEGRAM, BROADCAST, now, 9) == []


@dataclass
class StalledPacer(Pacer):
    """The real pacer; after each departure the event loop is busy for `stall` seconds before
    the request's task runs (work queued first), and the round trips it is told are kept."""

    stall: float = 0.0
    trips: list[float] = field(default_factory=list)

    def leave(self, chat: str, now: float) -> None:
        super().leave(chat, now)
        asyncio.get_running_loop().call_soon(time.sleep, self.stall)

    def landed(self, chat: str, left: float, now: float) -> None:
        self.trips.append(now - left)
        super().landed(chat, left, now)


async def test_a_busy_loop_is_not_taken_for_the_networks_time(harness: Harness) -> None:
    """The pacer places a request at the platform by its round trip: a task that ran late
    because the event loop was busy must not count as a slow trip (the pacer would think the
    request arrived sooner than it did, and let a message too many into a window)."""
    sender = harness.running.bot_data.sender
    sender.pacer = pacer = StalledPacer(rate=30, chat_interval=1.0, stall=0.3)
    now = harness.clock.now()
    crowd = [(Channel.TELEGRAM, str(800_000 + n), Reply(f"Tin {n}")) for n in range(3)]
    await harness.store.outbox.enqueue_many(crowd, now, BROADCAST)
    assert await asyncio.wait_for(sender.drain(), 10) == 3
    assert len(pacer.trips) == 3
    assert max(pacer.trips) < 0.15  # the fake Bot API answers at once; the 0.3 s came before
