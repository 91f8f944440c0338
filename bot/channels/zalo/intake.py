"""Zalo's intake: every update is kept in the inbox before it is handled (Zalo has no offset to
confirm with), then taken with the one intake; the message id makes a redelivery a duplicate."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.events import chat_of, to_events, unwrap, update_key
from bot.loops import StoppedError, unless_stopped, woken_or_stopped
from core.domain import Channel
from core.messages import Event
from storage import Store

log = logging.getLogger(__name__)


Handle = Callable[[list[Event]], Awaitable[None]]


class ZaloIntake:
    """Poll (or take webhook posts), keep each update in the inbox at once, then handle what the
    inbox holds: a crash after the inbox commit loses nothing, and the message id makes a
    redelivered update a duplicate."""

    def __init__(
        self, api: ZaloApi, store: Store, handle: Handle, clock: Callable[[], datetime]
    ) -> None:
        self.api = api
        self.store = store
        self.handle = handle
        self.clock = clock
        self._wake = asyncio.Event()

    async def receive(self, body: dict[str, Any]) -> bool:
        """Keep one update (from a poll or the webhook, wrapped or bare) before anything else is
        done with it; one without a message id is kept aside (and said once), never lost."""
        update = unwrap(body)
        key = update_key(update)
        if key is None:
            digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
            log.warning("Zalo update without a message id: set aside")
            await self.store.inbox.keep_aside(
                f"zl-noid:{digest[:24]}", Channel.ZALO, body, "no message id", self.clock()
            )
            return True
        await self.store.inbox.inbox_put(key, Channel.ZALO, update, self.clock())
        return True

    async def poll_once(self, wait: int = 0) -> int:
        update = await self._fetch(wait)
        if update:
            await self.receive(update)
        return await self.take()

    async def _fetch(self, wait: int) -> dict[str, Any] | None:
        try:
            update = await self.api.call("getUpdates", {"timeout": str(wait)}, wait=wait)
        except ZaloError as err:
            # nothing new: measured as HTTP 200 with error_code 408, documented as HTTP 408
            if err.code != 408:
                raise
            return None
        return update if isinstance(update, dict) else None

    async def take(self) -> int:
        """Handle what the inbox holds, oldest first; each update leaves it with its handling."""
        taken = 0
        while held := await self.store.inbox.held(Channel.ZALO):
            events, done = [], []
            for key, update in held:
                menu = await self.store.inbox.menu(Channel.ZALO, chat_of(update))
                read = to_events(update, menu, self.clock())
                if not read:  # no sender or chat to answer: kept aside, said once
                    log.warning("Zalo update %s has no sender or chat: set aside", key)
                    await self.store.inbox.set_aside(key, "no sender or chat")
                    continue
                events += read
                done.append(key)
            await self.handle(events)
            await self.store.inbox.inbox_done(done)
            taken += len(held)
        return taken

    def wake(self) -> None:
        self._wake.set()

    async def woken(self, stop: asyncio.Event, seconds: float) -> None:
        """Return when woken (the webhook kept an update), stopped, or after `seconds`."""
        self._wake.clear()
        await woken_or_stopped(self._wake, stop, seconds)

    async def run(self, stop: asyncio.Event, wait: int = 25) -> None:
        await self.take()  # what a previous run kept but did not handle
        while not stop.is_set():
            try:
                update = await unless_stopped(self._fetch(wait), stop)
                if update:  # kept, then handled, even if a stop comes meanwhile
                    await self.receive(update)
                await self.take()
            except StoppedError:
                break
            except Exception as err:
                log.warning("Zalo intake failed (%s); retrying", type(err).__name__)
                await asyncio.sleep(3)


async def take_when_woken(intake: ZaloIntake, stop: asyncio.Event) -> None:
    """Webhook mode: handle what the webhook kept, whenever it keeps something."""
    while not stop.is_set():
        try:
            await intake.take()
        except Exception:
            log.exception("Zalo intake failed; retrying")
        await intake.woken(stop, 5)
