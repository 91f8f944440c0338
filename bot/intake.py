"""One intake for every messenger: a channel turns its updates into neutral events and hands
a batch to `Intake.take`; one error policy for all.

A batch is one transaction: the events' keys are claimed together (an event seen before is
skipped), each event's replies are written to the outbox, and one commit makes them durable;
only then are the senders woken. If an event fails, the batch is rolled back and taken again
with each event in a savepoint of its own: the failing one is undone alone, and the error
policy logs it (ids, never text), apologises to the person, tells the admin chat and still
acknowledges the button press.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from core import texts
from core.domain import Channel
from core.messages import REPLY, Event, Reply
from handlers.router import Router
from services import Services

log = logging.getLogger(__name__)

Outgoing = tuple[Channel, str, Reply | str]


class _RetryAloneError(Exception):
    """An event of a strict batch failed: take the batch again, each event on its own."""


class Intake:
    def __init__(
        self, router: Router, services: Services, on_committed: Callable[[], None]
    ) -> None:
        self.router = router
        self.services = services
        self.on_committed = on_committed

    async def take(self, events: Sequence[Event]) -> None:
        """Handle a batch of events in one transaction and one commit (see the module)."""
        if not events:
            return
        for strict in (True, False):
            try:
                await self._batch(events, strict)
            except _RetryAloneError:
                log.warning("an event failed: taking the batch again, each event on its own")
                continue
            break
        self.on_committed()

    async def _batch(self, events: Sequence[Event], strict: bool) -> None:
        store = self.services.store
        async with store.transaction():
            fresh = await store.inbox.claim_events([e.key for e in events], self.services.now())
            for event in events:
                if event.key not in fresh:
                    log.info("event %s already processed", event.key)
                    continue
                fresh.discard(event.key)  # the same key twice in one batch counts once
                if strict:
                    try:
                        await self._handle(event)
                    except Exception as err:
                        raise _RetryAloneError from err
                    continue
                try:
                    async with store.savepoint():  # a failure undoes this event alone
                        await self._handle(event)
                except Exception as err:
                    await self._failed(event, err)

    async def _handle(self, event: Event) -> None:
        replies = await self.router.replies(event, self.services)
        outgoing: list[Outgoing] = []
        if event.callback_id:
            outgoing.append((event.channel, event.chat_id, event.callback_id))
        outgoing += [(event.channel, event.chat_id, r) for r in replies if r.to_person is None]
        outbox = self.services.store.outbox
        await outbox.enqueue_many(outgoing, event.at, REPLY)
        others = [(r.to_person, r) for r in replies if r.to_person is not None]
        if others:  # alerts and notices an action causes: ahead of broadcasts too
            await outbox.enqueue_for(others, event.at, REPLY)

    async def _failed(self, event: Event, error: Exception) -> None:
        """The one error policy: log with context, apologise, tell the admin chat, and
        acknowledge the button press so that the person's phone stops spinning."""
        log.error(
            "error handling event %s (%s:%s)",
            event.key,
            event.channel,
            event.account_id,
            exc_info=error,
        )
        outgoing: list[Outgoing] = []
        if event.callback_id:
            outgoing.append((event.channel, event.chat_id, event.callback_id))
        if event.private:
            outgoing.append((event.channel, event.chat_id, Reply(texts.INTERNAL_ERROR)))
        settings = self.services.settings
        if settings.admin_chat_id is not None and settings.bot_token:
            notice = texts.ADMIN_ERROR.format(key=event.key, error=type(error).__name__)
            outgoing.append((Channel.TELEGRAM, str(settings.admin_chat_id), Reply(notice)))
        await self.services.store.outbox.enqueue_many(outgoing, event.at, REPLY)
