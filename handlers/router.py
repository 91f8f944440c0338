"""The neutral dispatcher: one event in, guards (private chat, enrolment, role, consent), one flow.

An intake batch is one transaction: the events' idempotency keys are claimed together, each
flow writes its data and its replies (to the outbox), and one commit makes them durable; only
then can a reply be sent. If any event of a batch fails, the batch is rolled back and done
again with each event in a savepoint of its own, so one bad event cannot sink the others.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from bot import texts
from bot.clock import Clock
from bot.config import Settings
from bot.domain import Caller, Channel, Person, Role
from bot.enrolment import consent_request
from bot.messages import Event, Reply
from bot.questionnaire import Questionnaire
from bot.slots import Slot, make_slots
from bot.workdays import WorkCalendar
from storage import Store

log = logging.getLogger(__name__)


@dataclass
class Services:
    store: Store
    settings: Settings
    clock: Clock
    form: Questionnaire
    calendar: WorkCalendar = field(init=False)
    slots: list[Slot] = field(init=False)

    def __post_init__(self) -> None:
        self.calendar = WorkCalendar(self.settings.days_off, self.settings.makeup_days)
        self.slots = make_slots(self.settings.morning, self.settings.afternoon)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.settings.tz)


@dataclass
class Ctx:
    """What a flow gets: the event, the person behind it (None if unknown) and the services."""

    event: Event
    caller: Caller
    services: Services
    router: Router

    @property
    def person(self) -> Person | None:
        return self.caller.person

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def now(self) -> datetime:
        return self.event.at

    @property
    def local_now(self) -> datetime:
        return self.services.local(self.event.at)

    def choice_parts(self, count: int) -> list[str]:
        """The pressed button's id split at ":" into `count` parts ("" where missing)."""
        parts = (self.event.choice or "").split(":", count - 1)
        return [*parts, *[""] * (count - len(parts))]

    def in_place(self, reply: Reply) -> Reply:
        """Replace the message whose button was pressed, where there is one (Telegram)."""
        if self.event.message_id is None:
            return reply
        return Reply(reply.text, choices=reply.choices, edit=self.event.message_id)

    def me(self) -> Person:
        """The person, for flows whose route requires enrolment."""
        if self.person is None:
            raise LookupError("flow reached without an enrolled person")
        return self.person


Flow = Callable[[Ctx], Awaitable[list[Reply]]]


@dataclass
class Batch:
    fresh: set[str]  # the keys of this batch not processed before
    strict: bool  # True: no savepoints; a failure marks the batch to be done again
    failed: bool = False


class _BatchFailedError(Exception):
    """Rolls back a batch in which an event failed, to take it again event by event."""


# The batch the current task is taking in (Telegram and Zalo intakes are separate tasks).
_batch: contextvars.ContextVar[Batch | None] = contextvars.ContextVar("batch", default=None)


Roles = Role | tuple[Role, ...] | None  # who may use a route; None: anyone, enrolled or not


@dataclass(frozen=True)
class Route:
    flow: Flow
    role: Roles = Role.STAFF
    consent: bool = True  # health data needs consent first
    listed: Roles = None  # who finds it in /help and the menu, if not everyone it allows

    @property
    def roles(self) -> frozenset[Role] | None:
        if self.role is None:
            return None
        return frozenset(self.role if isinstance(self.role, tuple) else (self.role,))

    def allows(self, person: Person | None) -> bool:
        return self.roles is None or (person is not None and bool(self.roles & person.roles))

    def lists_for(self, person: Person | None) -> bool:
        if self.listed is None:
            return self.allows(person)
        return Route(self.flow, self.listed).allows(person)


@dataclass
class Router:
    commands: dict[str, Route] = field(default_factory=dict)
    command_names: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    choices: dict[str, Route] = field(default_factory=dict)
    conversations: dict[str, Route] = field(default_factory=dict)
    contact_route: Route | None = None
    text_route: Route | None = None

    def command(
        self,
        names: tuple[str, ...],
        flow: Flow,
        role: Roles = Role.STAFF,
        consent: bool = True,
        listed: Roles = None,
    ) -> None:
        route = Route(flow, role, consent, listed)
        for name in names:
            self.commands[name] = route
        self.command_names.append((names[0], names[1:]))

    def choice(
        self, prefix: str, flow: Flow, role: Roles = Role.STAFF, consent: bool = True
    ) -> None:
        """Buttons whose id starts with `prefix:`."""
        self.choices[prefix] = Route(flow, role, consent)

    def conversation(
        self, name: str, flow: Flow, role: Roles = Role.STAFF, consent: bool = True
    ) -> None:
        """Free text from someone whose stored conversation is `name`."""
        self.conversations[name] = Route(flow, role, consent)

    def contact(self, flow: Flow) -> None:
        self.contact_route = Route(flow, role=None, consent=False)

    def text(self, flow: Flow) -> None:
        """Free text outside any conversation."""
        self.text_route = Route(flow, role=None, consent=False)

    def commands_for(self, person: Person | None) -> list[str]:
        """The command names a person may use, in registration order, for /help."""
        return [name for name, _ in self.command_names if self.commands[name].lists_for(person)]

    async def take(
        self, services: Services, keys: Sequence[str], each: Callable[[], Awaitable[None]]
    ) -> None:
        """A batch of events (`each` handles them all) in one transaction and one commit; if
        one fails, the batch is rolled back and taken again with a savepoint per event."""
        for strict in (True, False):
            try:
                async with services.store.transaction():
                    async with self.batch(
                        services.store, keys, services.clock.now(), strict
                    ) as batch:
                        await each()
                    if batch.failed:
                        raise _BatchFailedError
            except _BatchFailedError:
                log.warning("an event failed: taking the batch again, each event on its own")
                continue
            return

    async def handle_safely(self, event: Event, services: Services) -> None:
        """`handle`, and for a channel without python-telegram-bot's error handler: log a
        failure and apologise (outside a strict batch, which is taken again anyway)."""
        try:
            await self.handle(event, services)
        except Exception:
            log.exception("error handling event %s", event.key)
            batch = _batch.get()
            if batch is None or not batch.strict:
                reply = Reply(texts.INTERNAL_ERROR)
                await services.store.enqueue_many([(event.channel, event.chat_id, reply)], event.at)

    @asynccontextmanager
    async def batch(
        self, store: Store, keys: Sequence[str], now: datetime, strict: bool
    ) -> AsyncIterator[Batch]:
        """Handle the events of one intake batch (inside the caller's transaction)."""
        current = Batch(await store.claim_events(keys, now), strict)
        token = _batch.set(current)
        try:
            yield current
        finally:
            _batch.reset(token)

    async def handle(self, event: Event, services: Services) -> None:
        batch = _batch.get()
        if batch is None:  # a lone event: claim it and handle it in a transaction of its own
            async with services.store.transaction():
                if await services.store.claim_events([event.key], services.clock.now()):
                    await self._handle(event, services)
            return
        if event.key not in batch.fresh:
            log.info("event %s already processed", event.key)
            return
        if not batch.strict:
            async with services.store.savepoint():  # a failure undoes this event alone
                await self._handle(event, services)
            return
        try:
            await self._handle(event, services)
        except Exception:
            batch.failed = True
            raise

    async def _handle(self, event: Event, services: Services) -> None:
        store = services.store
        replies = await self._replies(event, services)
        outgoing: list[tuple[Channel, str, Reply | str]] = []
        if event.callback_id:
            outgoing.append((event.channel, event.chat_id, event.callback_id))
        outgoing.extend((event.channel, event.chat_id, r) for r in replies if r.to_person is None)
        await store.enqueue_many(outgoing, event.at)
        others = [(r.to_person, r) for r in replies if r.to_person is not None]
        if others:
            await store.enqueue_for(others, event.at)

    async def _replies(self, event: Event, services: Services) -> list[Reply]:
        if not event.private:
            if event.channel == Channel.ZALO:  # Zalo bots have no link; the bot is named there
                return [Reply(texts.GROUP_POINTER_ZALO)] if event.command else []
            if event.command or event.choice:
                link = f"https://t.me/{services.settings.bot_username}"
                return [Reply(texts.GROUP_POINTER.format(link=link))]
            return []
        if event.forwarded:
            return [Reply(texts.FORWARDED_REFUSED)]
        caller = await services.store.caller(event.channel, event.account_id, texts.CONSENT_VERSION)
        if caller.person is not None and caller.preferred != event.channel.value:
            # reach people on the messenger they answered on last, never on both
            await services.store.prefer_channel(caller.person.id, event.channel)
        route, refusal = self._route(event, caller)
        if route is None:
            return [Reply(refusal)]
        if route.roles is not None:
            if caller.person is None:
                return [Reply(texts.NOT_ENROLLED, ask_contact=True)]
            if not route.allows(caller.person):
                names = texts.OR.join(texts.ROLE_NAMES[r] for r in sorted(route.roles))
                return [Reply(texts.NOT_ALLOWED.format(role=names))]
            if route.consent and not caller.consented:
                return [Reply(texts.CONSENT_NEEDED), consent_request(services.settings.org_name)]
        return await route.flow(Ctx(event, caller, services, self))

    def _route(self, event: Event, caller: Caller) -> tuple[Route | None, str]:
        """The route for an event, or None and the reason to give."""
        if event.command is not None:
            return self.commands.get(event.command), texts.UNKNOWN_COMMAND
        if event.choice is not None:
            prefix = event.choice.split(":", 1)[0]
            if prefix not in self.choices:
                log.warning("forged button data from %s:%s", event.channel, event.account_id)
                return None, texts.FORGED_BUTTON
            return self.choices[prefix], ""
        if event.contact is not None:
            return self.contact_route, texts.UNSUPPORTED
        if caller.flow in self.conversations:  # free text, a photo or a file: the flow decides
            return self.conversations[caller.flow], ""
        if event.unsupported or not event.text:
            return None, texts.UNSUPPORTED
        return self.text_route, texts.FREE_TEXT_HINT
