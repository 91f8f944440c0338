"""The neutral dispatcher: one event in, guards (private chat, enrolment, role, consent), one flow.

Each event is handled in its own savepoint inside the intake batch's transaction, together with
its idempotency key and its replies in the outbox: processed at most once, replies only after
the data behind them is committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot import texts
from bot.clock import Clock
from bot.config import Settings
from bot.domain import Person, Role
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
    person: Person | None
    services: Services
    router: Router

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

    def me(self) -> Person:
        """The person, for flows whose route requires enrolment."""
        if self.person is None:
            raise LookupError("flow reached without an enrolled person")
        return self.person


Flow = Callable[[Ctx], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Route:
    flow: Flow
    role: Role | None = Role.STAFF  # None: anyone, enrolled or not
    consent: bool = True  # health data needs consent first


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
        role: Role | None = Role.STAFF,
        consent: bool = True,
    ) -> None:
        route = Route(flow, role, consent)
        for name in names:
            self.commands[name] = route
        self.command_names.append((names[0], names[1:]))

    def choice(
        self, prefix: str, flow: Flow, role: Role | None = Role.STAFF, consent: bool = True
    ) -> None:
        """Buttons whose id starts with `prefix:`."""
        self.choices[prefix] = Route(flow, role, consent)

    def conversation(
        self, name: str, flow: Flow, role: Role | None = Role.STAFF, consent: bool = True
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
        return [
            name
            for name, _ in self.command_names
            if self.commands[name].role is None
            or (person is not None and self.commands[name].role in person.roles)
        ]

    async def handle(self, event: Event, services: Services) -> None:
        store = services.store
        async with store.transaction():
            if not await store.claim_event(event.key, services.clock.now()):
                log.info("event %s already processed", event.key)
                return
            if event.callback_id:
                await store.enqueue_ack(event.channel, event.chat_id, event.callback_id, event.at)
            replies = await self._replies(event, services)
            for reply in replies:
                await self._enqueue(reply, event, store)

    async def _replies(self, event: Event, services: Services) -> list[Reply]:
        if not event.private:
            if event.command or event.choice:
                link = f"https://t.me/{services.settings.bot_username}"
                return [Reply(texts.GROUP_POINTER.format(link=link))]
            return []
        if event.forwarded:
            return [Reply(texts.FORWARDED_REFUSED)]
        person = await services.store.person_for_account(event.channel, event.account_id)
        route, refusal = await self._route(event, person, services)
        if route is None:
            return [Reply(refusal)]
        if route.role is not None:
            if person is None:
                return [Reply(texts.NOT_ENROLLED, ask_contact=True)]
            if route.role not in person.roles:
                return [Reply(texts.NOT_ALLOWED.format(role=texts.ROLE_NAMES[route.role]))]
            if route.consent and not await services.store.has_consent(
                person.id, texts.CONSENT_VERSION
            ):
                return [Reply(texts.CONSENT_NEEDED), consent_request(services.settings.org_name)]
        return await route.flow(Ctx(event, person, services, self))

    async def _route(
        self, event: Event, person: Person | None, services: Services
    ) -> tuple[Route | None, str]:
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
        if event.unsupported or not event.text:
            return None, texts.UNSUPPORTED
        flow, _ = await services.store.conversation(event.channel, event.account_id)
        if flow in self.conversations:
            return self.conversations[flow], ""
        return self.text_route, texts.FREE_TEXT_HINT

    @staticmethod
    async def _enqueue(reply: Reply, event: Event, store: Store) -> None:
        if reply.to_person is None:
            await store.enqueue_reply(event.channel, event.chat_id, reply, event.at)
            return
        target = await store.reachable_chat(reply.to_person)
        if target is None:
            log.info("person %s has no reachable account; message not queued", reply.to_person)
            return
        await store.enqueue_reply(target[0], target[1], reply, event.at)
