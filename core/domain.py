"""The core's records: plain frozen dataclasses shared by every flow and by storage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# Staff and unit codes (checked at roster import): short ASCII, safe in button ids.
CODE_PATTERN = r"[A-Za-z0-9_-]{1,16}"
STAFF_CODE = re.compile(CODE_PATTERN)
UNIT_CODE = re.compile(CODE_PATTERN)


class Role(StrEnum):
    STAFF = "staff"
    HEAD = "head"
    OFFICE = "office"
    ADMIN = "admin"
    LEADER = "leader"  # the Sở's leadership: organization tables, alerts as a daily digest


class Channel(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"

    @property
    def text_limit(self) -> int:
        """Characters in one message: Telegram 4,096, Zalo's Bot API 2,000."""
        return 4096 if self is Channel.TELEGRAM else 2000

    @property
    def sends_documents(self) -> bool:
        return self is Channel.TELEGRAM  # Zalo's Bot API sends text and photos only


@dataclass(frozen=True)
class Unit:
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    id: int
    staff_code: str
    full_name: str
    unit: Unit
    roles: frozenset[Role]
    phone: str
    active: bool = True
    heads: frozenset[str] = frozenset()  # codes of the units this person heads
    alerts_each: bool = False  # the leadership: each alert as it comes, not the day's digest

    def has(self, role: Role) -> bool:
        return role in self.roles

    def heads_unit(self, unit_code: str) -> bool:
        return unit_code in self.heads


@dataclass(frozen=True)
class Account:
    """One messenger account linked to one person."""

    channel: Channel
    external_id: str
    chat_id: str
    person_id: int
    linked_at: datetime


@dataclass(frozen=True)
class Invite:
    code: str
    person_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked: bool = False


@dataclass(frozen=True)
class Consent:
    person_id: int
    version: str
    accepted_at: datetime


@dataclass(frozen=True)
class Caller:
    """Who sent an event, as one lookup: the person (None if not enrolled), whether they have
    consented to the current notice, and the conversation they are in."""

    person: Person | None
    consented: bool = False
    flow: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    preferred: str = ""  # the messenger the person answered on last ("" before any)
    walk: dict[str, Any] = field(default_factory=dict)  # where they stand in a questionnaire
    unreachable: bool = False  # this account was marked unreachable (the bot was blocked)
    hidden: bool = False  # Zalo withholds this account's messages from bots
