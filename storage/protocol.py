"""What the rest of the bot may ask of a database: a `Store` made of small repositories, each a
protocol whose methods say the intent and return the core's records. SQLite implements it
(`storage.sqlite`); a second database plugs in here.

The unit of work is explicit: `async with store.transaction():` begins and commits; every
repository's statements inside it join it, and a nested one becomes part of it."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from core.declarations import Declaration, Leave
from core.domain import Account, Caller, Channel, Invite, Person, Unit
from core.messages import BROADCAST, Outgoing, Reply
from core.office import AuditEntry, ExportRequest
from core.privacy import Erased, ErasureRequest, MyData
from core.reports import DayFacts, HeadTerm, Member, Membership
from core.risk import HeadLevel, RiskLevel, RiskRound
from core.roster import ImportPlan
from core.slots import SlotName, SlotRef
from core.stories import Draft, Move, State, Story
from core.summary import Quiet, Standing, UnitCount, WeekRecord


class People(Protocol):
    """The roster, accounts, invites, consent, units and who leads them."""

    async def all_people(self) -> list[Person]: ...

    async def person(self, person_id: int) -> Person | None: ...

    async def active_person_by_phone(self, phone: str) -> Person | None: ...

    async def apply_import(self, plan: ImportPlan, now: datetime, day: date | None = None) -> None:
        """Write a planned roster import in one transaction; the roster history (memberships)
        takes the changes from `day`, the local date of the import."""
        ...

    async def accounts_of(self, person_id: int) -> list[Account]: ...

    async def link_account(
        self, channel: Channel, external_id: str, chat_id: str, person_id: int, now: datetime
    ) -> None:
        """One account per person per messenger: linking a new one unlinks the old."""
        ...

    async def mark_unreachable(self, channel: Channel, chat_id: str, now: datetime) -> None: ...

    async def mark_hidden(
        self, channel: Channel, account_id: str, hidden: bool, now: datetime
    ) -> None:
        """Zalo withholds (or no longer withholds) this account's messages from bots."""
        ...

    async def mark_reachable(self, channel: Channel, account_id: str) -> None:
        """The person wrote again from this account: it can be reached again."""
        ...

    async def people_not_enrolled(self, unit_code: str | None = None) -> list[Person]: ...

    async def unit(self, code: str) -> Unit | None: ...

    async def issue_invites(
        self, codes: Sequence[tuple[int, str]], now: datetime, ttl: timedelta
    ) -> None:
        """Store new codes; a person's older unused codes are revoked so only the newest works."""
        ...

    async def invite(self, code: str) -> Invite | None: ...

    async def use_invite(self, code: str, used_by: str, now: datetime) -> None: ...

    async def record_consent(
        self, person_id: int, version: str, channel: Channel, now: datetime
    ) -> None: ...

    async def has_consent(self, person_id: int, version: str) -> bool: ...

    async def prefer_channel(self, person_id: int, channel: Channel) -> None: ...

    async def choose_alerts(self, person_id: int, each: bool) -> None:
        """The leadership: each alert as it comes (True) or the day's digest (False)."""
        ...

    async def person_by_code(self, staff_code: str) -> Person | None: ...

    async def leaders(self) -> list[Person]:
        """Heads and office people (the core picks those of the right unit)."""
        ...

    async def units(self) -> list[Unit]:
        """Units with anyone active in them."""
        ...


class Checkins(Protocol):
    """Declarations, leave, dispatches, standings of a slot, nudges, the week."""

    async def record_declaration(
        self, declaration: Declaration, form_version: str, channel: Channel, event_key: str
    ) -> int:
        """Keep the history; the newest declaration of a slot is the one that counts."""
        ...

    async def declared(self, ref: SlotRef) -> set[int]: ...

    async def has_declared(self, person_id: int, ref: SlotRef) -> bool: ...

    async def declarations_of(self, person_id: int, first: date, last: date) -> list[Declaration]:
        """The declarations that count, oldest first."""
        ...

    async def declaration_history(self, ref: SlotRef) -> list[Declaration]:
        """Every declaration of a slot, changes included, in the order they were made."""
        ...

    async def promptable(self, version: str) -> list[tuple[Person, Account]]:
        """Active people who consented, with the reachable account to prompt them on."""
        ...

    async def dispatched(self, ref: SlotRef, kind: str) -> set[int]: ...

    async def dispatch(
        self,
        ref: SlotRef,
        kind: str,
        accounts: Sequence[Account],
        walk: dict[str, Any],
        reply: Reply,
        now: datetime,
    ) -> None:
        """The same first screen to many accounts: queued, their walk set to its start, and the
        dispatch recorded so that nobody gets a prompt or a reminder twice for this slot."""
        ...

    async def add_leave(self, leave: Leave, set_by: int, now: datetime) -> None: ...

    async def on_leave(self, day: date) -> set[int]: ...

    async def leaves_of(self, person_id: int, since: date) -> list[Leave]: ...

    async def standings(
        self, ref: SlotRef, version: str, unit: str | None = None
    ) -> list[Standing]:
        """Everyone active (of one unit, or all) on a slot: leave, reachability, declaration."""
        ...

    async def summary_standings(
        self, ref: SlotRef, version: str, unit: str | None = None
    ) -> tuple[list[Standing], list[Quiet]]:
        """The standings a summary may name, and per unit the count of the others."""
        ...

    async def unit_counts(self, ref: SlotRef, unit: str | None = None) -> list[UnitCount]:
        """Each unit's numbers for a slot, counted by SQLite (the office's table: one query)."""
        ...

    async def day_declarations(self, day: date, unit: str) -> list[Declaration]:
        """The declarations that count on a day (both slots) of a unit's people."""
        ...

    async def last_nudge(self, unit: str) -> datetime | None: ...

    async def record_nudge(
        self, unit: str, ref: SlotRef, by: int, count: int, now: datetime
    ) -> None: ...

    async def week_record(self, days: Sequence[date]) -> WeekRecord: ...


class Risk(Protocol):
    """The daily risk rounds and levels."""

    async def open_round(self, day: date, unit: str, reason: str, now: datetime) -> RiskRound:
        """Open the day's first round (idempotent), or a new one after a confirmed one."""
        ...

    async def latest_round(self, day: date, unit: str) -> RiskRound | None: ...

    async def open_rounds(self, day: date) -> list[RiskRound]:
        """Each unit's latest round of the day that is not confirmed yet."""
        ...

    async def record_risk_change(
        self,
        day: date,
        unit: str,
        person_id: int,
        level: RiskLevel,
        by: int,
        now: datetime,
        suggested: RiskLevel | None = None,
    ) -> None: ...

    async def risk_changes(self, day: date, unit: str) -> dict[int, HeadLevel]:
        """Each person's latest level set by a head on or before `day`, with the suggestion it
        overrode (None for a change from before that was kept) and its day."""
        ...

    async def confirm_round(
        self,
        round_: RiskRound,
        by: int,
        now: datetime,
        late: bool,
        levels: Sequence[tuple[int, RiskLevel, RiskLevel]],
    ) -> bool:
        """Record what was put on the map (person, suggested, level); False if already done."""
        ...

    async def previous_levels(self, unit: str, before: date) -> dict[int, RiskLevel]:
        """The levels last put on the map for a unit before a day (its latest confirmed round)."""
        ...


class Deeds(Protocol):
    """Good-deed stories and their moves."""

    async def create_story(
        self, proposer_id: int, draft: Draft, channel: Channel, now: datetime
    ) -> int: ...

    async def story(self, story_id: int) -> Story | None: ...

    async def move_story(
        self,
        story: Story,
        move: Move,
        state: State,
        actor_id: int,
        now: datetime,
        note: str | None = None,
        decision: tuple[str, str, date] | None = None,
        text: str | None = None,
    ) -> bool:
        """Move a story on, if nobody moved it first; with the move recorded."""
        ...

    async def story_moves(self, story_id: int) -> list[tuple[str, str, datetime]]:
        """(move, state, when) in order."""
        ...

    async def proposals_since(self, proposer_id: int, since: datetime) -> int: ...

    async def stories_of(self, proposer_id: int, limit: int = 20) -> list[Story]: ...

    async def stories_waiting(
        self, states: Sequence[State], units: Sequence[str] | None
    ) -> list[Story]:
        """Stories in these states (of these units, or all), oldest first."""
        ...


class Office(Protocol):
    """The audit log, export requests, announcements, retention."""

    async def audit(
        self,
        now: datetime,
        actor: str,
        action: str,
        actor_id: int | None = None,
        kind: str | None = None,
        period: tuple[date, date] | None = None,
        unit: str | None = None,
        rows: int | None = None,
        detail: str | None = None,
    ) -> None: ...

    async def record_attempt(self, kind: str, who: str, now: datetime, since: datetime) -> int:
        """Count an attempt (a wrong invite code, a refused export); how many there are of
        this kind from `who` since `since`, this one included."""
        ...

    async def attempts(self, kind: str, who: str, since: datetime) -> int: ...

    async def forget_attempts_before(self, before: datetime) -> int: ...

    async def recent_audit(self, limit: int = 20) -> list[AuditEntry]: ...

    async def request_export(self, request: ExportRequest, now: datetime) -> int: ...

    async def pending_exports(self) -> list[ExportRequest]: ...

    async def finish_export(self, request_id: int, state: str, rows: int | None) -> None: ...

    async def announce(
        self,
        person_id: int,
        unit: str | None,
        reply: Reply,
        recipients: Sequence[int],
        now: datetime,
    ) -> tuple[int, int, int]:
        """Queue an announcement to these people; (its id, queued, unreachable)."""
        ...

    async def announcement_delivery(self, announcement: int) -> dict[str, int]:
        """How many of an announcement's messages are sent, pending or failed."""
        ...

    async def count_declarations_before(self, day: date) -> int: ...


class Outbox(Protocol):
    """What is to be sent, and what became of it."""

    async def enqueue_reply(
        self,
        channel: Channel,
        chat_id: str,
        reply: Reply,
        now: datetime,
        dedupe_key: str | None = None,
    ) -> bool:
        """False when a message with the same dedupe key was already queued."""
        ...

    async def enqueue_many(
        self,
        messages: Sequence[tuple[Channel, str, Reply | str]],
        now: datetime,
        lane: int = BROADCAST,
    ) -> None:
        """Several messages in one statement: a Reply, or a callback id to acknowledge."""
        ...

    async def enqueue_for(
        self, messages: Sequence[tuple[int, Reply]], now: datetime, lane: int = BROADCAST
    ) -> int:
        """Messages to people, each on the account that reaches them; returns how many were
        queued (someone with no reachable account is skipped)."""
        ...

    async def reachable_chats(self, person_ids: Sequence[int]) -> dict[int, tuple[Channel, str]]:
        """Where to reach each of these people: the reachable account on the messenger each
        answered on last, else the most recently linked; never both."""
        ...

    async def reachable_chat(self, person_id: int) -> tuple[Channel, str] | None:
        """Where to reach a person: the reachable account on the messenger they answered on last,
        else the most recently linked; never both."""
        ...

    async def due_in_lane(
        self, channel: Channel, lane: int, now: datetime, limit: int
    ) -> list[Outgoing]:
        """The messages of one lane that are due, oldest first, acknowledgements left out."""
        ...

    async def due_acks(self, channel: Channel, limit: int) -> list[Outgoing]:
        """Button presses still to acknowledge, oldest first (they wait for no pause)."""
        ...

    async def move_chat(self, channel: Channel, old: str, new: str, now: datetime) -> None:
        """A group became a supergroup: what is pending goes there, and so does what comes."""
        ...

    async def mark_sent(self, sent: Sequence[tuple[int, datetime]]) -> None:
        """Items the platform accepted: (id, when)."""
        ...

    async def postpone(self, outgoing_id: int, until: datetime, error: str) -> None: ...

    async def mark_failed(self, outgoing_id: int, error: str) -> None: ...

    async def fail_pending_for_chat(self, channel: Channel, chat_id: str, error: str) -> int: ...

    async def sent_since(self, channel: Channel, since: datetime) -> int:
        """Messages a channel delivered since a moment (a month's quota)."""
        ...


class Inbox(Protocol):
    """Inbound event keys, the Zalo inbox and menus, conversations and walks."""

    async def claim_events(self, keys: Sequence[str], now: datetime) -> set[str]:
        """The keys seen for the first time (now claimed); in the caller's transaction, so a
        crash before the commit forgets them and the redelivered events are handled then."""
        ...

    async def forget_events_before(self, before: datetime) -> int: ...

    async def caller(self, channel: Channel, account_id: str, consent_version: str) -> Caller:
        """The sender of an event, their consent and their conversation, in one query."""
        ...

    async def set_conversation(
        self, channel: Channel, account_id: str, flow: str, state: dict[str, Any], now: datetime
    ) -> None: ...

    async def end_conversation(self, channel: Channel, account_id: str) -> None: ...

    async def save_menu(
        self, channel: Channel, chat_id: str, choices: list[str], now: datetime
    ) -> None: ...

    async def menu(self, channel: Channel, chat_id: str) -> list[str]: ...

    async def inbox_put(
        self, key: str, channel: Channel, body: dict[str, Any], now: datetime
    ) -> None:
        """Keep an update from the moment it arrives, before anything else is done with it."""
        ...

    async def held(
        self, channel: Channel, limit: int = 100
    ) -> list[tuple[str, dict[str, Any]]]: ...

    async def inbox_done(self, keys: list[str]) -> None: ...

    async def set_aside(self, key: str, reason: str) -> None:
        """Move an update that cannot be handled out of the inbox, kept for a person to read."""
        ...

    async def keep_aside(
        self, key: str, channel: Channel, body: dict[str, Any], reason: str, now: datetime
    ) -> None:
        """An update that cannot be handled at all, kept for a person to read."""
        ...

    async def set_aside_count(self, channel: Channel) -> int: ...

    async def set_walk(
        self, channel: Channel, account_id: str, walk: dict[str, Any], now: datetime
    ) -> None: ...

    async def end_walk(self, channel: Channel, account_id: str) -> None: ...


class Jobs(Protocol):
    """Which daily jobs ran on a day."""

    async def record_run(self, day: date, job: str, now: datetime) -> bool:
        """False when this job had already run that day."""
        ...

    async def runs(self, day: date) -> set[str]: ...

    async def ran_between(self, first: date, last: date) -> bool:
        """Whether any job ran on a day of [first, last] (the bot was running then)."""
        ...


class Privacy(Protocol):
    """Data rights: consent withdrawn, a person's data, erasure requests and erasures."""

    async def statistics(self) -> dict[str, int]:
        """Counts for the record of processing (no data, numbers only)."""
        ...

    async def withdraw_consent(self, person_id: int, now: datetime) -> bool:
        """Every consent of the person withdrawn now; False if there was none to withdraw."""
        ...

    async def not_asked(self, version: str) -> list[int]:
        """Active people who consented to an older notice, not to `version`, and have not been
        asked about `version` yet."""
        ...

    async def record_asks(self, people: list[int], version: str, now: datetime) -> None: ...

    async def my_data(self, person_id: int) -> MyData | None: ...

    async def request_erasure(self, person_id: int, now: datetime) -> int:
        """A new request, or the one already waiting."""
        ...

    async def erasure_request(self, request_id: int) -> ErasureRequest | None: ...

    async def decide_erasure(
        self, request_id: int, state: str, by: int, now: datetime, reason: str = ""
    ) -> bool:
        """Close a waiting request; False if someone decided it first."""
        ...

    async def erase_person(self, person_id: int, keep_roster_row: bool) -> Erased:
        """Every trace of a person's health data, their accounts and conversations, the texts
        sent about them (alerts to others included); their name where it is not the roster's.
        The roster row stays for someone still employed; a leaver's is made anonymous."""
        ...

    async def leavers_before(self, moment: datetime) -> list[int]:
        """People deactivated before `moment` whose names are still there."""
        ...

    async def erase_health_before(self, day: date, moment: datetime) -> Erased:
        """Health data of the days before `day` (declarations, what counted, dispatches, risk
        rounds, levels and changes, leave that ended) and every message created before
        `moment` (alerts and confirmations carry answers)."""
        ...

    async def forget_sent_texts_before(self, moment: datetime) -> int:
        """Sent messages keep their delivery record but lose their text."""
        ...


class Reports(Protocol):
    async def roster_between(
        self, first: date, last: date
    ) -> tuple[dict[str, str], dict[int, Member], list[Membership]]:
        """The units, the people and the memberships that touch [first, last]."""
        ...

    async def heads_between(self, first: date, last: date, unit: str | None) -> list[HeadTerm]:
        """Who headed each unit (or `unit`) during [first, last], with the days within it."""
        ...

    async def day_facts(self, day: date) -> DayFacts: ...

    async def risk_confirmations(self, first: date, last: date) -> dict[tuple[str, date], bool]:
        """(unit, day) → late, for each day's confirmed daily round."""
        ...

    async def story_counts(self, first: date, last: date) -> dict[str, tuple[int, int]]:
        """unit → (proposed, approved or published), for stories proposed in the period."""
        ...

    async def alerts_on(self, day: date) -> list[tuple[str, str, SlotName]]:
        """The day's declarations that count and alerted: (name, unit name, slot)."""
        ...


class Store(Protocol):
    """The repositories, and the unit of work that spans them."""

    @property
    def people(self) -> People: ...

    @property
    def checkins(self) -> Checkins: ...

    @property
    def risk(self) -> Risk: ...

    @property
    def deeds(self) -> Deeds: ...

    @property
    def office(self) -> Office: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def inbox(self) -> Inbox: ...

    @property
    def jobs(self) -> Jobs: ...

    @property
    def reports(self) -> Reports: ...

    @property
    def privacy(self) -> Privacy: ...

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Atomic: commits at the end, rolls back on an exception; joined when nested."""
        ...

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A part of the enclosing transaction that an exception undoes alone."""
        ...

    async def close(self) -> None: ...

    async def __aenter__(self) -> Store: ...

    async def __aexit__(self, *exc: object) -> None: ...
