"""The neutral dispatcher: one event in, the guards (private chat, forwarded, enrolment, role,
consent), one flow, its replies out. Transactions, idempotency and the error policy belong to
the intake (`bot.intake`), which calls `Router.replies` for each event of a batch."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any, Protocol, TypeVar

from core import texts
from core.buttons import prefix_of
from core.domain import Caller, Channel, Person, Role
from core.enrolment import consent_request
from core.messages import Event, Reply
from core.settings import Settings
from services import Services
from storage import Store

log = logging.getLogger(__name__)


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

    def in_place(self, reply: Reply) -> Reply:
        """Replace the message whose button was pressed, where there is one (Telegram)."""
        if self.event.message_id is None:
            return reply
        return Reply(reply.text, choices=reply.choices, edit=self.event.message_id)

    def notify(self, notices: Iterable[tuple[int, Reply]]) -> list[Reply]:
        """Notices for other people, as replies addressed to them."""
        return [replace(reply, to_person=person) for person, reply in notices]

    def me(self) -> Person:
        """The person, for flows whose route requires enrolment."""
        if self.person is None:
            raise LookupError("flow reached without an enrolled person")
        return self.person


Flow = Callable[[Ctx], Awaitable[list[Reply]]]


class FlowState(Protocol):
    """A flow's typed conversation state, kept between messages as JSON."""

    def to_state(self) -> dict[str, Any]: ...


S = TypeVar("S", bound=FlowState)


def restore(ctx: Ctx, flow: str, read: Callable[[dict[str, Any]], S], default: S) -> S:
    """The flow's state from the caller's conversation; `default` when the caller is in another
    flow, or when what is stored does not fit (written by an older version, or damaged)."""
    if ctx.caller.flow != flow:
        return default
    try:
        return read(ctx.caller.state)
    except (KeyError, TypeError, ValueError):
        log.warning(
            "conversation %s of %s:%s unreadable", flow, ctx.event.channel, ctx.event.account_id
        )
        return default


async def keep(ctx: Ctx, flow: str, state: FlowState) -> None:
    """Where the caller stands in `flow`, until the next message."""
    event = ctx.event
    await ctx.store.inbox.set_conversation(
        event.channel, event.account_id, flow, state.to_state(), ctx.now
    )


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

    async def replies(self, event: Event, services: Services) -> list[Reply]:
        """What the bot answers to one event (writes of the flow join the caller's transaction)."""
        if not event.private:
            if event.channel == Channel.ZALO:  # Zalo bots have no link; the bot is named there
                return [Reply(texts.GROUP_POINTER_ZALO)] if event.command else []
            if event.command or event.choice:
                link = f"https://t.me/{services.settings.bot_username}"
                return [Reply(texts.GROUP_POINTER.format(link=link))]
            return []
        if event.forwarded:
            return [Reply(texts.FORWARDED_REFUSED)]
        caller = await services.store.inbox.caller(
            event.channel, event.account_id, services.settings.consent_version
        )
        if caller.person is not None and caller.preferred != event.channel.value:
            # reach people on the messenger they answered on last, never on both
            await services.store.people.prefer_channel(caller.person.id, event.channel)
        if caller.unreachable:  # blocked the bot once, writes again: reachable again
            await services.store.people.mark_reachable(event.channel, event.account_id)
        if event.hidden or caller.hidden:
            return await self._hidden(event, caller, services)
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
                return [
                    Reply(texts.CONSENT_NEEDED),
                    consent_request(services.settings.org_name, services.settings.health_data_days),
                ]
        return await route.flow(Ctx(event, caller, services, self))

    async def _hidden(self, event: Event, caller: Caller, services: Services) -> list[Reply]:
        """Zalo withholds a protected user's messages from bots: the account is marked (the
        head sees them apart from the missing) and told how to declare instead, once a day."""
        if not event.hidden:  # a readable message again: no longer hidden
            await services.store.people.mark_hidden(
                event.channel, event.account_id, False, event.at
            )
            return await self.replies(replace(event, hidden=False), services)
        if caller.person is not None and not caller.hidden:
            await services.store.people.mark_hidden(event.channel, event.account_id, True, event.at)
        who = f"{event.channel.value}:{event.account_id}"
        midnight = datetime.combine(services.local(event.at).date(), time(0), services.settings.tz)
        told = await services.store.office.record_attempt("hidden", who, event.at, midnight)
        return [Reply(texts.ZALO_HIDDEN)] if told == 1 else []

    def _route(self, event: Event, caller: Caller) -> tuple[Route | None, str]:
        """The route for an event, or None and the reason to give."""
        if event.command is not None:
            return self.commands.get(event.command), texts.UNKNOWN_COMMAND
        if event.choice is not None:
            prefix = prefix_of(event.choice)
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
