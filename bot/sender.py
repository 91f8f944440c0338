"""The outbox sender: one per channel. It sends what is due in outbox order, paced under the
platform's limits (overall rate, per-chat interval), several requests in flight at once, and
records each outcome. A message is marked sent right after the platform accepts it, so a crash
repeats at most the messages in flight. A flood-control answer (429) or a network error holds
the whole sender for the time asked (or a backoff)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, Protocol

from bot.loops import woken_or_stopped
from core import texts
from core.clock import Clock
from core.domain import Channel
from core.messages import Outgoing, Reply
from core.pacing import Pacer
from storage import Store

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0
MAX_ATTEMPTS = 5  # an item that fails unexpectedly is tried this often, then given up


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


class Sender:
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
    ) -> None:
        self.on_alert = on_alert  # told of a platform condition ("auth", "quota") as it comes
        self.store = store
        self.admin_chat = admin_chat  # told (on Telegram) when an item is given up
        self.transport = transport
        self.clock = clock
        self.pacer = pacer
        self.batch = batch
        self.after = after  # run after a drain that sent something (a quota check)
        self._slots = asyncio.Semaphore(concurrency)
        self._moved: set[str] = set()  # chats whose remaining items of a drain were re-addressed
        self._wake = asyncio.Event()
        self.paused_until = clock.now()
        self.sent = 0

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> int:
        """Send everything due now, until the outbox is empty or the platform asks to wait.
        Button acknowledgements go first, even while a 429 holds the messages."""
        before = self.sent
        await self._acknowledge()
        self._moved.clear()
        while self.clock.now() >= self.paused_until:
            due = await self.store.outbox.due_outgoing(
                self.transport.channel, self.clock.now(), self.batch
            )
            if not due:
                break
            chats: dict[str, list[Outgoing]] = {}
            for item in due:
                chats.setdefault(item.chat_id, []).append(item)
            # one chain per chat keeps each chat's messages in order; chains run side by side
            tasks = [asyncio.create_task(self._send_chain(items)) for items in chats.values()]
            results = await asyncio.gather(*tasks)
            self.pacer.forget_before(time.monotonic())
            if not all(results):
                break
        if self.after is not None and self.sent > before:
            await self.after()
        return self.sent - before

    async def _acknowledge(self) -> None:
        """Answer the button presses now: a spinning button is what a person sees first."""
        while acks := await self.store.outbox.due_acks(self.transport.channel, self.batch):
            results = await asyncio.gather(*(self._send(item, hold=False) for item in acks))
            if not all(results):
                return

    async def _send_chain(self, items: list[Outgoing]) -> bool:
        for item in items:
            if item.chat_id in self._moved:
                return True  # re-addressed: the next drain sends them to the new chat
            async with self._slots:
                # the moment is taken once a slot is held, so that a request leaves when its
                # moment comes: waiting for a slot after it would bunch requests past the limit
                now = time.monotonic()
                # acknowledging a button press is not a message: it is not paced
                start = now if item.kind == "ack" else self.pacer.reserve(item.chat_id, now)
                if start > now:
                    await asyncio.sleep(start - now)
                if self.clock.now() < self.paused_until or not await self._send(item):
                    return False  # told to wait: the rest stays pending, in order
        return True

    async def _send(self, item: Outgoing, hold: bool = True) -> bool:
        """False when the sender must pause (`hold`: a 429 or a network error holds every
        message; an acknowledgement is only put off)."""
        try:
            result = await self.transport.deliver(item)
        except Exception as err:  # a transport's bug or an answer it did not expect
            return await self._unexpected(item, err)
        now = self.clock.now()
        if result.outcome == "sent":
            await self.store.outbox.mark_sent(item.id, now)
            self.sent += 1
            return True
        if result.outcome == "retry":
            delay = result.retry_after or min(MAX_BACKOFF, 2.0 ** min(item.attempts, 6))
            if hold:
                self.paused_until = max(self.paused_until, now + timedelta(seconds=delay))
            await self.store.outbox.postpone(item.id, now + timedelta(seconds=delay), result.error)
            log.warning("%s: holding %.1fs (%s)", self.transport.channel, delay, result.error)
            if result.alert and self.on_alert is not None:
                await self.on_alert(result.alert)
            return False
        if result.outcome == "moved":
            await self.store.outbox.move_chat(item.channel, item.chat_id, result.new_chat, now)
            self._moved.add(item.chat_id)
            log.info("%s chat %s moved to %s", item.channel, item.chat_id, result.new_chat)
            return True
        if result.outcome == "blocked":
            async with self.store.transaction():
                await self.store.outbox.mark_failed(item.id, result.error)
                await self.store.people.mark_unreachable(item.channel, item.chat_id, now)
                await self.store.outbox.fail_pending_for_chat(
                    item.channel, item.chat_id, result.error
                )
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
        """Until `stop`: drain, then sleep until woken, the hold is over, or a second passes."""
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("%s sender failed; retrying", self.transport.channel)
            pause = (self.paused_until - self.clock.now()).total_seconds()
            self._wake.clear()
            await woken_or_stopped(self._wake, stop, max(pause, 1.0))
