"""Typed button ids, one codec per flow: each builds its ids (short ASCII, at most 64 bytes) and
parses them back into a typed value, or None for anything malformed: a stale or forged press
is an answer ("this button is no longer valid"), never an exception.

Identity never comes from here: a button says what was pressed, the sender says who pressed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from core.risk import RiskLevel
from core.slots import SlotRef

LIMIT = 64  # bytes of Telegram's callback_data
_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII only: "²".isdigit() is true, and int("²") fails
_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,32}")  # unit codes, option ids, short words


def small_int(text: str) -> int | None:
    """A non-negative number of at most nine ASCII digits (fits any database integer)."""
    return int(text) if _NUMBER.fullmatch(text) else None


def code(text: str) -> str | None:
    """A short ASCII code (a unit, an option, a step), or None."""
    return text if _CODE.fullmatch(text) else None


def parts(data: str, prefix: str, least: int, most: int) -> list[str] | None:
    """The fields after `prefix:`, if there are `least` to `most` of them and none is empty."""
    if len(data.encode()) > LIMIT or not data.startswith(prefix + ":"):
        return None
    fields = data.split(":")[1:]
    if not least <= len(fields) <= most or any(not f for f in fields):
        return None
    return fields


def join(prefix: str, *fields: object) -> str:
    """`prefix:field:field`, leaving out empty fields (optional ones come last)."""
    return ":".join([prefix, *(str(f) for f in fields if f != "" and f is not None)])


def prefix_of(data: str) -> str:
    return data.split(":", 1)[0]


@dataclass(frozen=True)
class CheckinButton:
    """`ck:<slot ref>:<choice>`: a choice on a check-in screen (`redo` to declare again)."""

    PREFIX = "ck"
    ref: SlotRef
    choice: str  # "healthy", "<question>:<option>", "<question>:done" or "redo"

    def encode(self) -> str:
        return join(self.PREFIX, self.ref.code, self.choice)

    @classmethod
    def decode(cls, data: str) -> CheckinButton | None:
        fields = parts(data, cls.PREFIX, 2, 3)
        if fields is None or any(code(f) is None for f in fields):
            return None
        ref = SlotRef.parse(fields[0])
        return cls(ref, ":".join(fields[1:])) if ref is not None else None


@dataclass(frozen=True)
class HeadsButton:
    """`hd:<action>:<unit>[:<slot ref>]`: status, missing, nudge, the full list of a slot."""

    PREFIX = "hd"
    ACTIONS = ("st", "mi", "nu", "fu")
    action: str
    unit: str  # a unit code, or "*" for the whole organization
    ref: SlotRef | None = None  # for "fu"

    def encode(self) -> str:
        return join(self.PREFIX, self.action, self.unit, self.ref.code if self.ref else "")

    @classmethod
    def decode(cls, data: str) -> HeadsButton | None:
        fields = parts(data, cls.PREFIX, 2, 3)
        if fields is None or fields[0] not in cls.ACTIONS:
            return None
        unit = fields[1] if fields[1] == "*" else code(fields[1])
        ref = SlotRef.parse(fields[2]) if len(fields) == 3 else None
        if (
            unit is None
            or (fields[0] == "fu") != (ref is not None)
            or len(fields) != 2 + (ref is not None)
        ):
            return None
        return cls(fields[0], unit, ref)


@dataclass(frozen=True)
class RiskButton:
    """`rk:<action>:<unit>:<yyyymmdd>[:<n>[:<level>]]`: confirm round n, a page of people,
    a person, a person's level, back to the sheet."""

    PREFIX = "rk"
    action: str  # "ok" (n: round), "ed" (n: page), "pp" (n: person), "lv" (n: person), "bk"
    unit: str
    day: date
    number: int = 0
    level: RiskLevel | None = None

    def encode(self) -> str:
        day = f"{self.day:%Y%m%d}"
        if self.action == "bk":
            return join(self.PREFIX, self.action, self.unit, day)
        level = self.level.value if self.level is not None else ""
        return join(self.PREFIX, self.action, self.unit, day, self.number, level)

    @classmethod
    def decode(cls, data: str) -> RiskButton | None:
        fields = parts(data, cls.PREFIX, 3, 5)
        if fields is None:
            return None
        action, unit, day = fields[0], code(fields[1]), _day(fields[2])
        if unit is None or day is None:
            return None
        expected = {"bk": 3, "ok": 4, "ed": 4, "pp": 4, "lv": 5}.get(action)
        if expected != len(fields):
            return None
        if action == "bk":
            return cls(action, unit, day)
        number = small_int(fields[3])
        if number is None:
            return None
        if action != "lv":
            return cls(action, unit, day, number)
        levels = {level.value: level for level in RiskLevel}
        level = levels.get(fields[4])
        return cls(action, unit, day, number, level) if level is not None else None


def _day(text: str) -> date | None:
    if not re.fullmatch(r"[0-9]{8}", text):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 (a date only)
    except ValueError:
        return None


@dataclass(frozen=True)
class ProposalButton:
    """`dd:<action>[:<value>]`: the steps of proposing a good deed."""

    PREFIX = "dd"
    ACTIONS = ("cancel", "nom", "pick", "unit", "cat", "photos", "form", "kind", "edit", "send")
    action: str
    value: str = ""

    def encode(self) -> str:
        return join(self.PREFIX, self.action, self.value)

    @classmethod
    def decode(cls, data: str) -> ProposalButton | None:
        fields = parts(data, cls.PREFIX, 1, 2)
        if fields is None or fields[0] not in cls.ACTIONS:
            return None
        value = code(fields[1]) if len(fields) == 2 else ""
        if value is None or (fields[0] == "pick" and small_int(value) is None):
            return None
        return cls(fields[0], value)

    @property
    def number(self) -> int | None:
        return small_int(self.value)


@dataclass(frozen=True)
class ReviewButton:
    """`dv:<move>:<story id>[:<value>]`: open a story, or one step of its review."""

    PREFIX = "dv"
    MOVES = ("op", "en", "rt", "ap", "rj", "pb", "rs", "af", "td", "pa", "pc")
    move: str
    story: int
    value: str = ""

    def encode(self) -> str:
        return join(self.PREFIX, self.move, self.story, self.value)

    @classmethod
    def decode(cls, data: str) -> ReviewButton | None:
        fields = parts(data, cls.PREFIX, 2, 3)
        if fields is None or fields[0] not in cls.MOVES:
            return None
        story = small_int(fields[1])
        value = code(fields[2]) if len(fields) == 3 else ""
        if story is None or value is None:
            return None
        return cls(fields[0], story, value)


@dataclass(frozen=True)
class ExportButton:
    """`xp:<step>:<value>`: kind, period, unit, format of an export asked for in the chat."""

    PREFIX = "xp"
    STEPS = ("k", "p", "u", "f")
    step: str
    value: str

    def encode(self) -> str:
        return join(self.PREFIX, self.step, self.value)

    @classmethod
    def decode(cls, data: str) -> ExportButton | None:
        fields = parts(data, cls.PREFIX, 2, 2)
        if fields is None or fields[0] not in cls.STEPS:
            return None
        value = fields[1] if fields[1] == "*" else code(fields[1])
        return cls(fields[0], value) if value is not None else None


@dataclass(frozen=True)
class AnnounceButton:
    """`an:a:<unit or *>` (the audience), `an:send`, `an:st:<number>` (delivery status)."""

    PREFIX = "an"
    step: str
    value: str = ""

    def encode(self) -> str:
        return join(self.PREFIX, self.step, self.value)

    @classmethod
    def decode(cls, data: str) -> AnnounceButton | None:
        fields = parts(data, cls.PREFIX, 1, 2)
        if fields is None:
            return None
        if fields == ["send"]:
            return cls("send")
        if len(fields) != 2:
            return None
        if fields[0] == "a" and (fields[1] == "*" or code(fields[1])):
            return cls("a", fields[1])
        if fields[0] == "st" and small_int(fields[1]) is not None:
            return cls("st", fields[1])
        return None

    @property
    def number(self) -> int:
        return small_int(self.value) or 0


@dataclass(frozen=True)
class ChannelButton:
    """`kn:<channel>`: the messenger to be reached on."""

    PREFIX = "kn"
    channel: str

    def encode(self) -> str:
        return join(self.PREFIX, self.channel)

    @classmethod
    def decode(cls, data: str) -> ChannelButton | None:
        fields = parts(data, cls.PREFIX, 1, 1)
        return cls(fields[0]) if fields and code(fields[0]) else None


@dataclass(frozen=True)
class ConsentButton:
    """`consent:yes` / `consent:no`."""

    PREFIX = "consent"
    agreed: bool

    def encode(self) -> str:
        return join(self.PREFIX, "yes" if self.agreed else "no")

    @classmethod
    def decode(cls, data: str) -> ConsentButton | None:
        fields = parts(data, cls.PREFIX, 1, 1)
        if fields is None or fields[0] not in ("yes", "no"):
            return None
        return cls(fields[0] == "yes")


@dataclass(frozen=True)
class PrivacyButton:
    """`pv:wd` (withdraw consent), `pv:keep`, `pv:er` (ask for erasure), `pv:ok:<request>` and
    `pv:no:<request>` (the office's decision)."""

    PREFIX = "pv"
    ACTIONS = ("wd", "keep", "er", "ok", "no")
    action: str
    request: int = 0

    def encode(self) -> str:
        return join(self.PREFIX, self.action, self.request if self.action in ("ok", "no") else "")

    @classmethod
    def decode(cls, data: str) -> PrivacyButton | None:
        fields = parts(data, cls.PREFIX, 1, 2)
        if fields is None or fields[0] not in cls.ACTIONS:
            return None
        with_request = fields[0] in ("ok", "no")
        if with_request != (len(fields) == 2):
            return None
        request = small_int(fields[1]) if with_request else 0
        return cls(fields[0], request) if request is not None else None
