"""The outbox sender: one per channel, sends what is due in order, records each outcome.

A message is marked sent right after the platform accepts it, so a crash repeats at most the
message in flight. A flood-control answer (429) or a network error pauses the whole sender,
which keeps each chat's messages in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, Protocol

from bot.clock import Clock
from bot.domain import Channel
from bot.messages import Outgoing
from storage import Store

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0


@dataclass(frozen=True)
class Delivery:
    outcome: Literal["sent", "retry", "blocked", "failed"]
    retry_after: float = 0.0  # seconds, for "retry"; 0 means back off by attempts
    error: str = ""


class Transport(Protocol):
    channel: Channel

    async def deliver(self, item: Outgoing) -> Delivery:
        """Send one outbox item; never raises for what the platform answers."""
        ...


class Sender:
    def __init__(self, store: Store, transport: Transport, clock: Clock, batch: int = 100) -> None:
        self.store = store
        self.transport = transport
        self.clock = clock
        self.batch = batch
        self._wake = asyncio.Event()
        self.paused_until = clock.now()

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> int:
        """Send everything due now, until the outbox is empty or the platform asks to wait."""
        sent = 0
        while self.clock.now() >= self.paused_until:
            due = await self.store.due_outgoing(
                self.transport.channel, self.clock.now(), self.batch
            )
            if not due:
                break
            for item in due:
                if not await self._send(item):
                    return sent
                sent += 1
        return sent

    async def _send(self, item: Outgoing) -> bool:
        """False when the sender must pause."""
        result = await self.transport.deliver(item)
        now = self.clock.now()
        if result.outcome == "sent":
            await self.store.mark_sent(item.id, now)
            return True
        if result.outcome == "retry":
            delay = result.retry_after or min(MAX_BACKOFF, 2.0 ** min(item.attempts, 6))
            self.paused_until = now + timedelta(seconds=delay)
            await self.store.postpone(item.id, self.paused_until, result.error)
            log.warning("%s: pausing %.1fs (%s)", self.transport.channel, delay, result.error)
            return False
        if result.outcome == "blocked":
            async with self.store.transaction():
                await self.store.mark_failed(item.id, result.error)
                await self.store.mark_unreachable(item.channel, item.chat_id, now)
                await self.store.fail_pending_for_chat(item.channel, item.chat_id, result.error)
            log.info("%s chat %s unreachable: %s", item.channel, item.chat_id, result.error)
            return True
        await self.store.mark_failed(item.id, result.error)
        log.error("%s: outbox %s failed: %s", item.channel, item.id, result.error)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: drain, then sleep until woken, paused time is over, or a second passes."""
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("%s sender failed; retrying", self.transport.channel)
            pause = (self.paused_until - self.clock.now()).total_seconds()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(pause, 1.0))
