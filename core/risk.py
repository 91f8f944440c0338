"""Risk levels, pure: from a person's declarations of the day to one of the four levels of
Decision 2686/QĐ-BCĐQG (31/5/2021), and from the people of a unit to a suggested unit level.

The rules are this table, read top to bottom, the first row whose tags are all present wins.
Tags come from the answers (each option of the questionnaire says what it stands for):
`contact` close contact with a confirmed or suspected case, `area` been in an outbreak area,
`symptom` any symptom.

| tags present         | level            | why                                                 |
|----------------------|------------------|-----------------------------------------------------|
| contact + symptom    | nguy cơ rất cao  | a contact who already shows symptoms                |
| contact              | nguy cơ cao      | a close contact (F1) must isolate and be tested     |
| area + symptom       | nguy cơ cao      | symptoms after being in an outbreak area            |
| symptom              | nguy cơ          | symptoms without a known exposure                   |
| area                 | nguy cơ          | exposure without symptoms: watch                    |
| (none)               | bình thường mới  | healthy, no exposure                                |

Someone who has not declared today cannot be called healthy: suggested *nguy cơ*, until they
declare or their head sets the level. Someone on leave: *bình thường mới* (not at the office).
A unit is as high as its highest person. The head confirms, and may change any level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from core import texts
from core.domain import Person, Unit


class RiskLevel(StrEnum):
    NEW_NORMAL = "n"
    RISK = "r"
    HIGH = "h"
    VERY_HIGH = "v"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER = [RiskLevel.NEW_NORMAL, RiskLevel.RISK, RiskLevel.HIGH, RiskLevel.VERY_HIGH]

RULES: tuple[tuple[frozenset[str], RiskLevel], ...] = (
    (frozenset({"contact", "symptom"}), RiskLevel.VERY_HIGH),
    (frozenset({"contact"}), RiskLevel.HIGH),
    (frozenset({"area", "symptom"}), RiskLevel.HIGH),
    (frozenset({"symptom"}), RiskLevel.RISK),
    (frozenset({"area"}), RiskLevel.RISK),
    (frozenset(), RiskLevel.NEW_NORMAL),
)
NOT_DECLARED = RiskLevel.RISK
ON_LEAVE = RiskLevel.NEW_NORMAL


def person_risk(day_tags: Iterable[set[str]] | None, on_leave: bool = False) -> RiskLevel:
    """The level for one person: the tags of each of today's declarations (None: none made)."""
    if on_leave:
        return ON_LEAVE
    if day_tags is None:
        return NOT_DECLARED
    tags: set[str] = set().union(*day_tags)
    return next(level for needed, level in RULES if needed <= tags)


def unit_risk(levels: Iterable[RiskLevel]) -> RiskLevel:
    """A unit is as high as its highest person (a unit of nobody is new normal)."""
    return max(levels, key=lambda level: level.rank, default=RiskLevel.NEW_NORMAL)


@dataclass(frozen=True)
class HeadLevel:
    """A level a head set: it holds on later days while the rules still suggest what they
    suggested when it was set (the person's own declarations have not changed it)."""

    level: RiskLevel
    suggested: RiskLevel | None  # None: set before suggestions were kept: its own day only
    day: date

    def holds(self, day: date, suggested: RiskLevel) -> bool:
        if self.suggested is None:
            return self.day == day
        return self.suggested == suggested


@dataclass(frozen=True)
class SheetRow:
    """One person on a unit's risk sheet."""

    person: Person
    suggested: RiskLevel
    level: RiskLevel  # as the head set it (the suggestion unless changed)
    declared: bool
    on_leave: bool
    changed: bool  # differs from the level last put on the map (if the person was on it)
    tags: frozenset[str] = frozenset()  # what today's declarations reported

    @property
    def set_by_head(self) -> bool:
        return self.level != self.suggested


def sheet_rows(
    day: date,
    people: Iterable[tuple[Person, bool]],
    tags: Mapping[int, list[set[str]]],
    changes: Mapping[int, HeadLevel],
    previous: Mapping[int, RiskLevel],
) -> list[SheetRow]:
    """The sheet of a unit on `day`: (person, on leave) pairs, each one's tags of the day's
    declarations, the levels heads set (those that still hold), and the levels last confirmed;
    the highest levels first."""
    rows = []
    for person, on_leave in people:
        suggested = person_risk(tags.get(person.id), on_leave)
        change = changes.get(person.id)
        level = change.level if change and change.holds(day, suggested) else suggested
        changed = person.id in previous and previous[person.id] != level
        reported = frozenset().union(*tags.get(person.id, []))
        rows.append(
            SheetRow(person, suggested, level, person.id in tags, on_leave, changed, reported)
        )
    return sorted(rows, key=lambda r: (-r.level.rank, r.person.full_name))


def sheet_text(unit: Unit, day: date, rows: Sequence[SheetRow], deadline: time) -> str:
    """Every person of the unit by level, each with why (what they reported, not declared,
    on leave, or set by the head and what the rules suggested); a long sheet is split into
    several messages by the outbox."""
    lines = [
        texts.RISK_SHEET_HEADER.format(unit=unit.name, day=f"{day:%d/%m}"),
        texts.RISK_UNIT_LEVEL.format(level=texts.RISK_NAMES[unit_risk(r.level for r in rows)]),
    ]
    for level in reversed(_ORDER):
        group = [r for r in rows if r.level == level]
        if not group:
            continue
        name = texts.RISK_NAMES[level]
        lines.append(f"{name} ({len(group)}): {', '.join(_row_label(r) for r in group)}")
    if any(r.changed for r in rows):
        lines.append(texts.RISK_CHANGED_LEGEND)
    lines.append("")
    lines.append(texts.RISK_SHEET_FOOTER.format(deadline=f"{deadline:%H:%M}"))
    return "\n".join(lines)


def _row_label(row: SheetRow) -> str:
    note = ""
    if row.on_leave:
        note = texts.RISK_ROW_ON_LEAVE
    elif not row.declared:
        note = texts.RISK_ROW_NOT_DECLARED
    elif row.tags:
        reported = ", ".join(texts.RISK_TAG_NAMES.get(t, t) for t in sorted(row.tags))
        note = texts.RISK_ROW_REPORTED.format(tags=reported)
    if row.set_by_head:
        note += texts.RISK_ROW_SET_BY_HEAD.format(suggested=texts.RISK_NAMES[row.suggested])
    return row.person.full_name + note + (texts.RISK_CHANGED_MARK if row.changed else "")


@dataclass(frozen=True)
class RiskRound:
    """One unit's risk update of one day: round 1 is the daily one (due at the deadline);
    another opens each time a new alert comes after a confirmation."""

    day: date
    unit_code: str
    number: int
    opened_at: datetime
    reason: str  # "daily" or "alert"
    confirmed_by: int | None = None
    confirmed_at: datetime | None = None
    late: bool = False

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


def is_late(round_: RiskRound, local_now: datetime, deadline: time) -> bool:
    """Only the daily round has a deadline; a re-opened one is due at once, never late."""
    return round_.reason == "daily" and local_now.time() >= deadline
