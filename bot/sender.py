"""The outbox sender: one per channel. Button acknowledgements go at once, on a loop and a
guard of their own; messages go one at a time at the moments the pacer allows (overall rate,
per-chat interval), replies to a person's own action before broadcasts, several requests in
flight at once, each outcome recorded. A message is marked sent right after the platform
accepts it, and its request slot is held until that commits, so a crash repeats at most the
messages in flight; the marks that land together are committed together (`SentMarks`). A
flood-control answer (429) or a network error holds the messages for the time asked (or a
backoff); one on an acknowledgement holds only the acknowledgements."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.loops import woken_or_stopped
from core import texts
from core.clock import Clock
from core.domain import Channel
from core.messages import BROADCAST, REPLY, Outgoing, Reply
from core.pacing import Pacer
from storage import Store

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0
MARK_LINGER = 0.2  # seconds a patient mark waits for others landing after it, to commit with them
MAX_ATTEMPTS = 5  # an item that fails unexpectedly is tried this often, then given up
REPLY_RUN = 3  # replies sent in a row while broadcasts wait; then one broadcast goes


@dataclass(frozen=True)
class Delivery:
    outcome: Literal["sent", "retry", "blocked", "failed", "moved"]
    retry_after: float = 0.0  # seconds, for "retry"; 0 means back off by attempts
    error: str = ""
    new_chat: str = ""  # for "moved": where the group went (a Telegram supergroup)
    alert: str = ""  # for "retry": a condition the admins must hear of ("auth", "quota")


class Transport(Protocol):
    channel: Channel

    async def deliver(self, item: Outgoing) -> Delivery:
        """Send one outbox item; never raises for what the platform answers."""
        ...


class SentMarks:
    """What the platform accepted, marked sent in groups: while the sender has more to send,
    patient marks (a broadcast's, an acknowledgement's) wait, up to `linger` or until `most`
    wait, for the ones landing after them, then one statement records them all. An impatient
    mark (a reply: the person's next message waits for it) is written at once, with whatever
    waits. Each caller waits for the write that records its own, and the sender holds the
    request's slot meanwhile, so no more than the requests in flight are ever unrecorded."""

    def __init__(
        self, store: Store, more_coming: Callable[[], bool], linger: float, most: int = 64
    ) -> None:
        self.store = store
        self.more_coming = more_coming  # the sender has messages queued to send now
        self.linger = linger
        self.most = most
        self._waiting: list[tuple[int, datetime, asyncio.Future[None]]] = []
        self._hurry = False  # an impatient mark waits
        self._arrived = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    def nothing_more(self) -> None:
        """The sender has nothing more queued: the marks waiting for others are written."""
        self._arrived.set()

    async def mark(self, outgoing_id: int, at: datetime, patient: bool = False) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((outgoing_id, at, done))
        self._hurry = self._hurry or not patient
        self._arrived.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await asyncio.shield(done)  # a cancelled caller's mark is still written

    async def _write(self) -> None:
        while self._waiting:
            until = time.monotonic() + self.linger
            while (
                not self._hurry
                and self.more_coming()
                and len(self._waiting) < self.most
                and time.monotonic() < until
            ):
                self._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), until - time.monotonic())
            batch, self._waiting, self._hurry = self._waiting, [], False
            try:
                await self.store.outbox.mark_sent([(i, at) for i, at, _ in batch])
            except Exception as err:  # each caller meets it as its own mark_sent would
                for *_, done in batch:
                    if not done.done():
                        done.set_exception(err)
                continue
            for *_, done in batch:
                if not done.done():
                    done.set_result(None)


def _settle(answered: asyncio.Future[bool] | None, value: bool) -> None:
    if answered is not None and not answered.done():
        answered.set_result(value)


class Sender:
    """Three lanes: button acknowledgements go at once, on a loop and a pace of their own (they
    are not messages: no chat hears of them); replies to a person's own action go before any
    broadcast; broadcasts fill what is left, and still get one send in `REPLY_RUN + 1` while
    replies crowd in, so that a broadcast always finishes."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        clock: Clock,
        pacer: Pacer,
        concurrency: int = 16,
        batch: int = 200,
        after: Callable[[], Awaitable[None]] | None = None,
        admin_chat: str | None = None,
        on_alert: Callable[[str], Awaitable[None]] | None = None,
        ack_pacer: Pacer | None = None,
    ) -> None:
        self.on_alert = on_alert  # told of a platform condition ("auth", "quota") as it comes
        self.store = store
        self.admin_chat = admin_chat  # told (on Telegram) when an item is given up
        self.transport = transport
        self.clock = clock
        self.pacer = pacer
        self.ack_pacer = ack_pacer or Pacer(0, 0)
        self.batch = batch
        self.after = after  # run after a drain that sent something (a quota check)
        self._slots = asyncio.Semaphore(concurrency)
        self._ack_slots = asyncio.Semaphore(concurrency)
        self._acking = asyncio.Lock()
        self._gone: set[str] = set()  # chats moved or blocked during a drain
        self._in_flight: dict[int, str] = {}  # outbox id -> chat, sent but not yet answered
        self._wake = asyncio.Event()  # the message loop sleeps on it
        self._news = asyncio.Event()  # a drain under way looks for new replies
        self._ack_wake = asyncio.Event()  # the acknowledgement loop sleeps on it
        self._landed = asyncio.Event()  # a request in flight was answered
        self._ack_landed = asyncio.Event()  # an acknowledgement in flight was answered
        self.paused_until = clock.now()
        self.acks_paused_until = clock.now()
        self.sent = 0
        self._queued = 0  # messages the drain under way still has to send
        self._acks_out: set[int] = set()  # acknowledgements sent or going, not yet recorded
        self._wakes = 0  # how many times something was queued (`wake`)
        self._acks_read_at = -1  # `_wakes` when the due acknowledgements were all read
        self._ack_flights: set[asyncio.Task[None]] = set()
        # half the slots at most wait for a mark: the other half keep sending meanwhile
        self._marks = SentMarks(
            store, lambda: self._queued > 0, MARK_LINGER, most=max(1, concurrency // 2)
        )

    def wake(self) -> None:
        self._wakes += 1
        for event in (self._wake, self._news, self._ack_wake):
            event.set()

    async def drain(self, acknowledge: bool = True) -> int:
        """Send everything due now, until the outbox is empty or the platform asks to wait.
        Button acknowledgements go first (`run` gives them a loop of their own instead)."""
        before = self.sent
        if acknowledge:
            await self.acknowledge()
        self._gone.clear()
        flights: set[asyncio.Task[None]] = set()
        try:
            await self._dispatch(flights)
        finally:
            self._queued = 0  # nothing more coming: what waits to be marked is written now
            self._marks.nothing_more()
            if flights:
                await asyncio.wait(flights)
        await self._acks_recorded()
        self.pacer.forget_before(time.monotonic())
        if self.after is not None and self.sent > before:
            await self.after()
        return self.sent - before

    async def _dispatch(self, flights: set[asyncio.Task[None]]) -> None:
        """One request at each moment the pacer allows: the oldest reply whose chat may hear
        again, else the oldest broadcast; new replies are looked for whenever one is queued."""
        channel = self.transport.channel
        replies: list[Outgoing] = []
        broadcasts: list[Outgoing] = []
        run = 0  # replies sent in a row while broadcasts wait
        # ids handed to the platform in this drain: a fetch that began before one was marked
        # sent still shows it pending, and it must not go twice
        taken: set[int] = set()
        # a lane is read again when something was queued since (news), or when what was read
        # is used up and the read was a full batch (more may wait)
        news_r = news_b = True
        full_r = full_b = False
        while self.clock.now() >= self.paused_until:
            self._landed.clear()
            if self._news.is_set():
                self._news.clear()
                news_r = news_b = True
            if not broadcasts and (news_b or full_b):
                broadcasts = await self.store.outbox.due_in_lane(
                    channel, BROADCAST, self.clock.now(), self.batch
                )
                news_b, full_b = False, len(broadcasts) >= self.batch
            if news_r or (not replies and full_r):
                replies = await self.store.outbox.due_in_lane(
                    channel, REPLY, self.clock.now(), self.batch
                )
                news_r, full_r = False, len(replies) >= self.batch
                # a press is acknowledged before its reply goes (the two were committed
                # together: asked after the replies, the acknowledgement is there)
                await self.acknowledge(again=False)
            lanes = (broadcasts, replies) if run >= REPLY_RUN else (replies, broadcasts)
            moment = time.monotonic()
            busy = set(self._in_flight.values()) if self._in_flight else set()
            lane, item = lanes[0], self._first_ready(lanes[0], busy, moment, taken)
            if item is None:
                lane, item = lanes[1], self._first_ready(lanes[1], busy, moment, taken)
            if item is None:  # nothing may go now: marks waiting for more are written
                self._queued = 0
                self._marks.nothing_more()
                replies = self._still_due(replies, taken)
                broadcasts = self._still_due(broadcasts, taken)
                if not replies and not broadcasts and not self._in_flight:
                    return
                frees = [self.pacer.chat_free_at(i.chat_id) for i in (*replies, *broadcasts)]
                soonest = min([f for f in frees if f > moment] or [moment + 1.0])
                await self._until_landed_or_news(min(1.0, soonest - moment))
                continue
            lane.remove(item)
            self._queued = len(replies) + len(broadcasts)
            run = run + 1 if lane is replies and broadcasts else 0
            await self._slots.acquire()
            await self._wait_turn(self.pacer, item.chat_id, self._landed)
            if self.clock.now() < self.paused_until:
                self.pacer.cancel(item.chat_id)
                self._slots.release()
                return  # told to wait while this one waited for its moment: it stays pending
            taken.add(item.id)
            self._in_flight[item.id] = item.chat_id
            flight = asyncio.create_task(self._fly(item, patient=lane is broadcasts))
            flights.add(flight)
            flight.add_done_callback(flights.discard)
            await asyncio.sleep(0)  # let it leave before the next is picked

    def _still_due(self, items: list[Outgoing], taken: set[int]) -> list[Outgoing]:
        return [i for i in items if i.id not in taken and i.chat_id not in self._gone]

    def _first_ready(
        self, items: list[Outgoing], busy: set[str], moment: float, taken: set[int]
    ) -> Outgoing | None:
        """The oldest item not sent yet whose chat has nothing in flight and may hear again (a
        chat's own messages keep their order: a later one never overtakes one still in flight).
        Usually the first: the scan is short."""
        waiting: set[str] = set()
        for item in items:
            chat = item.chat_id
            if item.id in taken or chat in self._gone or chat in busy or chat in waiting:
                continue
            if self.pacer.chat_free_at(chat) <= moment:
                return item
            waiting.add(chat)
        return None

    async def _until_landed_or_news(self, seconds: float) -> None:
        waiters = [
            asyncio.ensure_future(self._landed.wait()),
            asyncio.ensure_future(self._news.wait()),
        ]
        await asyncio.wait(
            waiters, timeout=max(seconds, 0.001), return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in waiters:
            waiter.cancel()

    async def _wait_turn(self, pacer: Pacer, chat: str, landed: asyncio.Event) -> None:
        """Until the pacer lets a request to `chat` leave; then it has left. Taken once a slot
        is held, so that a request leaves when its moment comes."""
        while True:
            now = time.monotonic()
            start = pacer.ready_at(chat, now)
            if start is not None and start <= now:
                pacer.leave(chat, now)
                return
            if start is None:  # the limit is full of requests in flight: one must be answered
                landed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(landed.wait(), 0.1)
            else:
                await asyncio.sleep(start - now)

    async def _fly(self, item: Outgoing, patient: bool) -> None:
        try:
            if self.clock.now() >= self.paused_until:  # a 429 that landed meanwhile holds it
                await self._send(item, patient=patient)
            else:
                self.pacer.cancel(item.chat_id)
        finally:
            self._slots.release()
            self._in_flight.pop(item.id, None)
            self._landed.set()

    async def acknowledge(self, again: bool = True) -> None:
        """Answer the button presses now: a spinning button is what a person sees first. A 429
        on an acknowledgement puts off the acknowledgements only, never the messages.

        Returns once the platform has answered each press due now (so a reply asked after
        this goes after its press's acknowledgement); recording them as sent goes on behind,
        each holding its slot until it commits: a reply never waits for the database.

        The outbox is read again only when something was queued since it was last read to
        the end (or `again`: a retry's time may have come): a tap would otherwise cost three
        reads, the loop's, the one that finds nothing more, and the message lane's."""
        async with self._acking:
            while self.clock.now() >= self.acks_paused_until:
                if not again and self._acks_read_at == self._wakes:
                    return
                again, wakes = False, self._wakes
                due = await self.store.outbox.due_acks(self.transport.channel, self.batch)
                self._acks_read_at = wakes if len(due) < self.batch else -1
                acks = [item for item in due if item.id not in self._acks_out]
                if not acks:
                    return
                loop = asyncio.get_running_loop()
                answers: list[asyncio.Future[bool]] = []
                for item in acks:
                    answered: asyncio.Future[bool] = loop.create_future()
                    answers.append(answered)
                    self._acks_out.add(item.id)
                    flight = asyncio.create_task(self._ack(item, answered))
                    self._ack_flights.add(flight)
                    flight.add_done_callback(self._ack_flights.discard)
                if not all(await asyncio.gather(*answers)):
                    return

    async def _ack(self, item: Outgoing, answered: asyncio.Future[bool]) -> None:
        try:
            async with self._ack_slots:
                await self._wait_turn(self.ack_pacer, "", self._ack_landed)
                await self._send(item, hold=False, answered=answered, patient=True)
        except Exception as err:
            if not answered.done():  # the caller meets it, as before it was answered
                answered.set_exception(err)
            else:
                log.exception("%s: acknowledgement %s not recorded", item.channel, item.id)
        finally:
            self._acks_out.discard(item.id)
            _settle(answered, True)

    async def _acks_recorded(self) -> None:
        """Until every acknowledgement answered so far is recorded."""
        while self._ack_flights:
            await asyncio.wait(set(self._ack_flights))

    async def _send(
        self,
        item: Outgoing,
        hold: bool = True,
        answered: asyncio.Future[bool] | None = None,
        patient: bool = False,
    ) -> bool:
        """False when the sender must pause (`hold`: a 429 or a network error holds every
        message; an acknowledgement is only put off). `answered` learns the same as soon as
        the platform answers, before anything is written. A `patient` item's mark may wait
        for others (a broadcast's, an acknowledgement's: nobody waits behind them)."""
        pacer, landed, chat = (
            (self.pacer, self._landed, item.chat_id)
            if hold
            else (self.ack_pacer, self._ack_landed, "")
        )
        # the round trip is timed from here, where the request goes out, not from the moment
        # the pacer let it leave: a busy event loop may run this task later, and the pacer
        # would take that wait for network time (see `core.pacing`)
        sent = time.monotonic()
        try:
            result = await self.transport.deliver(item)
        except Exception as err:  # a transport's bug or an answer it did not expect
            _settle(answered, True)
            return await self._unexpected(item, err)
        finally:  # it counts against the limit until a window after its answer
            pacer.landed(chat, sent, time.monotonic())
            landed.set()
        _settle(answered, result.outcome != "retry")
        now = self.clock.now()
        if result.outcome == "sent":
            await self._marks.mark(item.id, now, patient)
            self.sent += 1
            return True
        if result.outcome == "retry":
            delay = result.retry_after or min(MAX_BACKOFF, 2.0 ** min(item.attempts, 6))
            until = now + timedelta(seconds=delay)
            if hold:
                self.paused_until = max(self.paused_until, until)
            else:
                self.acks_paused_until = max(self.acks_paused_until, until)
            await self.store.outbox.postpone(item.id, now + timedelta(seconds=delay), result.error)
            log.warning("%s: holding %.1fs (%s)", self.transport.channel, delay, result.error)
            if result.alert and self.on_alert is not None:
                await self.on_alert(result.alert)
            return False
        if result.outcome == "moved":
            await self.store.outbox.move_chat(item.channel, item.chat_id, result.new_chat, now)
            self._gone.add(item.chat_id)  # what is left for it is fetched again, re-addressed
            log.info("%s chat %s moved to %s", item.channel, item.chat_id, result.new_chat)
            return True
        if result.outcome == "blocked":
            async with self.store.transaction():
                await self.store.outbox.mark_failed(item.id, result.error)
                await self.store.people.mark_unreachable(item.channel, item.chat_id, now)
                await self.store.outbox.fail_pending_for_chat(
                    item.channel, item.chat_id, result.error
                )
            self._gone.add(item.chat_id)
            log.info("%s chat %s unreachable: %s", item.channel, item.chat_id, result.error)
            return True
        await self.store.outbox.mark_failed(item.id, result.error)
        log.error("%s: outbox %s failed: %s", item.channel, item.id, result.error)
        return True

    async def _unexpected(self, item: Outgoing, err: Exception) -> bool:
        """Retried with backoff a few times (the chat's other messages go on meanwhile), then
        given up and the admin told. Never holds the sender."""
        now, error = self.clock.now(), f"unexpected {type(err).__name__}"
        if item.attempts + 1 < MAX_ATTEMPTS:
            delay = min(MAX_BACKOFF, 2.0 ** (item.attempts + 1))
            await self.store.outbox.postpone(item.id, now + timedelta(seconds=delay), error)
            log.warning("%s: outbox %s: %s; again in %.0fs", item.channel, item.id, error, delay)
            return True
        log.error("%s: outbox %s given up after %d tries", item.channel, item.id, MAX_ATTEMPTS,
                  exc_info=err)  # fmt: skip
        async with self.store.transaction():
            await self.store.outbox.mark_failed(item.id, error)
            if self.admin_chat is not None and item.chat_id != self.admin_chat:
                notice = texts.ADMIN_SEND_FAILED.format(
                    id=item.id, channel=item.channel, error=error
                )
                await self.store.outbox.enqueue_many(
                    [(Channel.TELEGRAM, self.admin_chat, Reply(notice))], now
                )
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: the messages on this loop, the acknowledgements on one of their own.
        Each drains, then sleeps until woken, its hold is over, or a second passes."""
        acks = asyncio.create_task(self._run_acks(stop))
        try:
            while not stop.is_set():
                self._wake.clear()  # before the drain: a wake during it is not lost
                try:
                    await self.drain(acknowledge=False)
                except Exception:
                    log.exception("%s sender failed; retrying", self.transport.channel)
                pause = (self.paused_until - self.clock.now()).total_seconds()
                await woken_or_stopped(self._wake, stop, max(pause, 1.0))
        finally:
            await acks

    async def _run_acks(self, stop: asyncio.Event) -> None:
        woken = False  # the first round reads, as does one after a second without news
        try:
            while not stop.is_set():
                self._ack_wake.clear()
                try:
                    await self.acknowledge(again=not woken)
                except Exception:
                    log.exception("%s acknowledgements failed; retrying", self.transport.channel)
                pause = (self.acks_paused_until - self.clock.now()).total_seconds()
                await woken_or_stopped(self._ack_wake, stop, max(pause, 1.0))
                woken = self._ack_wake.is_set()
        finally:
            await self._acks_recorded()
