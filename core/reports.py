"""Period reports, pure: per unit and per person, over the working days of a period, counted
with the roster as it was on each day (a person who moved counts in each unit for their days
there). Sơ kết, month, quarter and year reports are this over different ranges."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.slots import SlotName

SLOTS = (SlotName.MORNING, SlotName.AFTERNOON)


@dataclass(frozen=True)
class Membership:
    person_id: int
    unit_code: str
    first: date
    last: date | None  # None: still a member

    def covers(self, day: date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


@dataclass(frozen=True)
class Member:
    person_id: int
    staff_code: str
    full_name: str


@dataclass(frozen=True)
class DayFacts:
    """What the store holds about one working day."""

    day: date
    declared: dict[SlotName, dict[int, bool]]  # slot → person → late
    leave: set[int]
    alerts: set[tuple[SlotName, int]]  # (slot, person) whose counting declaration alerted


@dataclass
class Tally:
    expected: dict[SlotName, int] = field(default_factory=lambda: dict.fromkeys(SLOTS, 0))
    declared: dict[SlotName, int] = field(default_factory=lambda: dict.fromkeys(SLOTS, 0))
    late: int = 0
    leave_days: int = 0
    alerts: int = 0

    @property
    def missing(self) -> int:
        return sum(self.expected.values()) - sum(self.declared.values())

    def rate(self, slot: SlotName | None = None) -> float | None:
        slots = SLOTS if slot is None else (slot,)
        expected = sum(self.expected[s] for s in slots)
        return None if expected == 0 else sum(self.declared[s] for s in slots) / expected


@dataclass
class UnitReport:
    code: str
    name: str
    members: int  # people who belonged to it on some day of the period
    tally: Tally
    risk_on_time: int = 0
    risk_late: int = 0
    risk_missed: int = 0
    proposed: int = 0
    approved: int = 0


@dataclass
class PersonReport:
    member: Member
    unit_code: str
    tally: Tally


@dataclass(frozen=True)
class HeadTerm:
    """Who headed a unit during (part of) a period: the days within the period."""

    unit_code: str
    full_name: str
    first: date
    last: date


@dataclass
class PeriodReport:
    first: date
    last: date
    working_days: int
    units: list[UnitReport]
    people: list[PersonReport]
    total: Tally
    weekly: dict[str, list[tuple[date, float | None]]]  # unit → (Monday, declaration rate)
    weekly_alerts: list[tuple[date, int]]  # (Monday, alerts in all units)
    heads: list[HeadTerm] = field(default_factory=list)  # by unit, then from when


class ReportBuilder:
    """Counts a period day by day, so that a year of 10,000 people never sits in memory at once:
    `add(day)` for each working day, then `finish`."""

    def __init__(
        self,
        first: date,
        last: date,
        units: dict[str, str],
        people: dict[int, Member],
        memberships: Sequence[Membership],
        unit: str | None = None,
    ) -> None:
        self.first, self.last = first, last
        self.people = people
        self.by_person: dict[int, list[Membership]] = defaultdict(list)
        for membership in memberships:
            if unit is None or membership.unit_code == unit:
                self.by_person[membership.person_id].append(membership)
        self.units = {
            code: UnitReport(code, name, 0, Tally()) for code, name in sorted(units.items())
        }
        if unit is not None:
            self.units = {unit: self.units[unit]} if unit in self.units else {}
        self.rows: dict[tuple[int, str], PersonReport] = {}
        self.weekly: dict[str, dict[date, Tally]] = defaultdict(lambda: defaultdict(Tally))
        self.days = 0
        # the days the roster changed (a membership began, or ended the day before)
        self._changes = sorted(
            {m.first for m in memberships}
            | {m.last + timedelta(days=1) for m in memberships if m.last and m.last < date.max}
        )
        self._span = (date.max, date.min)  # the days `_members` holds for: none yet
        self._members: list[tuple[int, PersonReport]] = []

    def where(self, person_id: int, day: date) -> str | None:
        """The unit a person belonged to on `day` (None: not on the roster that day)."""
        found = next((m.unit_code for m in self.by_person[person_id] if m.covers(day)), None)
        return found if found in self.units and person_id in self.people else None

    def members_on(self, day: date) -> list[tuple[int, PersonReport]]:
        """Each person on the roster that day with their row (person, unit); worked out again
        only when `day` crosses a change of the roster (days come in order)."""
        if not self._span[0] <= day < self._span[1]:
            at = bisect.bisect_right(self._changes, day)
            self._span = (
                self._changes[at - 1] if at else date.min,
                self._changes[at] if at < len(self._changes) else date.max,
            )
            self._members = []
            for person_id in self.by_person:
                unit = self.where(person_id, day)
                if unit is None:
                    continue
                row = self.rows.get((person_id, unit))
                if row is None:
                    row = PersonReport(self.people[person_id], unit, Tally())
                    self.rows[(person_id, unit)] = row
                self._members.append((person_id, row))
        return self._members

    def add(self, facts: DayFacts) -> None:
        self.days += 1
        day = facts.day
        monday = day - timedelta(days=day.weekday())
        answered = [(slot, facts.declared.get(slot, {})) for slot in SLOTS]
        alerts, leave = facts.alerts, facts.leave
        for person_id, row in self.members_on(day):
            tally = row.tally
            if person_id in leave:
                tally.leave_days += 1
                continue
            week = self.weekly[row.unit_code][monday]
            for slot, declared in answered:
                tally.expected[slot] += 1
                week.expected[slot] += 1
                late = declared.get(person_id)
                if late is None:
                    continue
                tally.declared[slot] += 1
                week.declared[slot] += 1
                tally.late += late
                if (slot, person_id) in alerts:
                    tally.alerts += 1
                    week.alerts += 1

    def finish(
        self,
        risk: dict[tuple[str, date], bool],
        risk_days: Sequence[date],
        stories: dict[str, tuple[int, int]],
    ) -> PeriodReport:
        """`risk`: (unit, day) → confirmed late, for the confirmed days; `stories`: unit →
        (proposed, approved)."""
        for row in self.rows.values():  # a unit's figures are its people's, day by day
            unit_report = self.units[row.unit_code]
            unit_report.members += 1
            for slot in SLOTS:
                unit_report.tally.expected[slot] += row.tally.expected[slot]
                unit_report.tally.declared[slot] += row.tally.declared[slot]
            unit_report.tally.late += row.tally.late
            unit_report.tally.leave_days += row.tally.leave_days
            unit_report.tally.alerts += row.tally.alerts
        total = Tally()
        for code, report in self.units.items():
            for day in risk_days:
                confirmed = risk.get((code, day))
                if confirmed is None:
                    report.risk_missed += 1
                elif confirmed:
                    report.risk_late += 1
                else:
                    report.risk_on_time += 1
            report.proposed, report.approved = stories.get(code, (0, 0))
            for slot in SLOTS:
                total.expected[slot] += report.tally.expected[slot]
                total.declared[slot] += report.tally.declared[slot]
            total.late += report.tally.late
            total.leave_days += report.tally.leave_days
            total.alerts += report.tally.alerts
        rows = sorted(self.rows.values(), key=lambda p: (p.unit_code, p.member.full_name))
        weekly = {
            code: sorted((monday, tally.rate()) for monday, tally in weeks.items())
            for code, weeks in self.weekly.items()
        }
        alerts: dict[date, int] = defaultdict(int)
        for weeks in self.weekly.values():
            for monday, tally in weeks.items():
                alerts[monday] += tally.alerts
        units = list(self.units.values())
        return PeriodReport(
            self.first, self.last, self.days, units, rows, total, weekly, sorted(alerts.items())
        )


def period_of(name: str, today: date) -> tuple[date, date] | None:
    """The range a period's name means on `today`: this month, last month, this quarter, this
    year (to today); None for a name it does not know."""
    if name == "month":
        return today.replace(day=1), today
    if name == "lastmonth":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if name == "year":
        return today.replace(month=1, day=1), today
    return None


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"
