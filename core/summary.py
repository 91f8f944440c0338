"""Compliance summaries, pure: one unit's slot, the office's table of units, and the week.

Who counts for a slot: everyone active in the unit is expected but those on leave; of the
expected who have not declared, those the bot cannot reach (blocked it, never enrolled, no
consent) are listed apart from the missing, whom a nudge can still reach."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from core import texts
from core.declarations import slot_label
from core.domain import Person, Unit
from core.messages import LIST_LIMIT
from core.questionnaire import Answer
from core.slots import SlotName, SlotRef
from core.workdays import WorkCalendar

Describe = Callable[[dict[str, Answer]], str]  # what an alerting declaration reported, in words


@dataclass(frozen=True)
class Mark:
    """What counts of a person's declaration on a slot (it is read from the day's check-ins):
    late, alerting, and for an alert the answers that the summary names."""

    late: bool = False
    alert: bool = False
    answers: dict[str, Answer] = field(default_factory=dict)


@dataclass(frozen=True)
class Standing:
    """One person on one slot."""

    person: Person
    on_leave: bool
    reachable: bool  # linked, consented, not blocked: a prompt can reach them
    mark: Mark | None  # None: not declared
    withdrawn: bool = False  # consent withdrawn: not asked, not counted as missing
    hidden: bool = False  # on Zalo only, which withholds their messages: not counted as missing


@dataclass(frozen=True)
class Quiet:
    """Of a unit on a slot, those who declared, reported nothing and are not on leave: counted,
    never named, so they are read as numbers rather than one by one."""

    unit: Unit
    declared: int
    late: int


@dataclass(frozen=True)
class UnitCount:
    """A unit's numbers for a slot: what the office's table and the summaries export show."""

    unit: Unit
    expected: int
    declared: int
    on_leave: int = 0
    alerts: int = 0
    late: int = 0

    @property
    def rate(self) -> float:
        return self.declared / self.expected if self.expected else 1.0


@dataclass(frozen=True)
class UnitSummary:
    unit: Unit
    ref: SlotRef
    expected: int
    declared: int
    late: int
    on_leave: list[str]
    unreachable: list[str]
    missing: list[Person]
    reported: list[tuple[str, str]]  # (name, what was reported)
    withdrawn: list[str] = field(default_factory=list)  # consent withdrawn, not counted
    hidden: list[str] = field(default_factory=list)  # Zalo withholds their messages, not counted

    @property
    def rate(self) -> float:
        return self.declared / self.expected if self.expected else 1.0

    @property
    def counts(self) -> UnitCount:
        return UnitCount(
            self.unit,
            self.expected,
            self.declared,
            len(self.on_leave),
            len(self.reported),
            self.late,
        )

    @property
    def shortened(self) -> bool:
        """Whether some list was shortened (the full list is then one tap away)."""
        lists = (
            self.on_leave, self.unreachable, self.missing, self.reported, self.withdrawn,
            self.hidden,
        )  # fmt: skip
        return any(len(x) > LIST_LIMIT for x in lists)


def summarize(
    unit: Unit,
    ref: SlotRef,
    standings: Iterable[Standing],
    describe: Describe,
    quiet: Quiet | None = None,
) -> UnitSummary:
    """`standings` of the unit's people (others are ignored); `quiet`, if given, counts those
    of them who are not among the standings."""
    quiet = quiet or Quiet(unit, 0, 0)
    standings = list(standings)
    mine = [s for s in standings if s.person.unit == unit and not s.on_leave]
    # not counted as missing: who withdrew consent, who Zalo hides (unless they declared)
    withdrawn = [s for s in mine if s.mark is None and s.withdrawn]
    hidden = [s for s in mine if s.mark is None and s.hidden and not s.withdrawn]
    apart = {id(s) for s in (*withdrawn, *hidden)}
    expected = [s for s in mine if id(s) not in apart]
    declared = [s for s in expected if s.mark is not None]
    silent = [s for s in expected if s.mark is None]
    return UnitSummary(
        unit=unit,
        ref=ref,
        expected=len(expected) + quiet.declared,
        declared=len(declared) + quiet.declared,
        late=sum(1 for s in declared if s.mark and s.mark.late) + quiet.late,
        on_leave=[s.person.full_name for s in standings if s.person.unit == unit and s.on_leave],
        unreachable=[s.person.full_name for s in silent if not s.reachable],
        missing=[s.person for s in silent if s.reachable],
        reported=[
            (s.person.full_name, describe(s.mark.answers))
            for s in declared
            if s.mark is not None and s.mark.alert
        ],
        withdrawn=[s.person.full_name for s in withdrawn],
        hidden=[s.person.full_name for s in hidden],
    )


def cut(names: Sequence[str], limit: int | None = LIST_LIMIT) -> str:
    if limit is None or len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + texts.AND_MORE.format(count=len(names) - limit)


def summary_text(summary: UnitSummary, full: bool = False) -> str:
    """The head's message; `full` lists every name (the "full list" button)."""
    limit = None if full else LIST_LIMIT
    lines = [
        texts.SUMMARY_HEADER.format(unit=summary.unit.name, slot=slot_label(summary.ref)),
        texts.SUMMARY_COUNTS.format(
            declared=summary.declared, expected=summary.expected, rate=percent(summary.rate)
        )
        + (texts.SUMMARY_LATE.format(count=summary.late) if summary.late else ""),
    ]
    sections = (
        (texts.SUMMARY_ON_LEAVE, summary.on_leave),
        (texts.SUMMARY_UNREACHABLE, summary.unreachable),
        (texts.SUMMARY_MISSING, [p.full_name for p in summary.missing]),
        (texts.SUMMARY_WITHDRAWN, summary.withdrawn),
        (texts.SUMMARY_HIDDEN, summary.hidden),
    )
    for title, names in sections:
        if names:
            lines.append(f"{title.format(count=len(names))}: {cut(names, limit)}")
    if summary.reported:
        lines.append(texts.SUMMARY_REPORTED.format(count=len(summary.reported)))
        shown = summary.reported if full else summary.reported[:LIST_LIMIT]
        lines.extend(f"• {name}: {what}" for name, what in shown)
        if len(shown) < len(summary.reported):
            lines.append(texts.AND_MORE.format(count=len(summary.reported) - len(shown)).strip())
    if not summary.missing and not summary.unreachable:
        lines.append(texts.SUMMARY_ALL_DONE)
    return "\n".join(lines)


def office_table(summaries: Sequence[UnitCount], ref: SlotRef) -> str:
    """All units, worst rate first."""
    declared = sum(s.declared for s in summaries)
    expected = sum(s.expected for s in summaries)
    rate = declared / expected if expected else 1.0
    lines = [
        texts.OFFICE_HEADER.format(slot=slot_label(ref)),
        texts.SUMMARY_COUNTS.format(declared=declared, expected=expected, rate=percent(rate)),
        texts.OFFICE_WORST_FIRST,
    ]
    for s in sorted(summaries, key=lambda s: (s.rate, s.unit.name)):
        alerts = texts.OFFICE_ALERTS.format(count=s.alerts) if s.alerts else ""
        lines.append(f"• {s.unit.name}: {s.declared}/{s.expected} ({percent(s.rate)}){alerts}")
    return "\n".join(lines)


def percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


# --- the week ---------------------------------------------------------------------------------


def week_days(day: date, calendar: WorkCalendar, weekday: int) -> list[date]:
    """The week's working days up to `day` when `day` is the day of the weekly summary: the
    configured ISO weekday, or the last working day before it if that one is a day off.
    Empty on any other day."""
    monday = day - timedelta(days=day.weekday())
    summary_day = monday + timedelta(days=weekday - 1)
    if not calendar.is_working_day(day) or day > summary_day:
        return []
    later = (day + timedelta(days=n) for n in range(1, (summary_day - day).days + 1))
    if any(calendar.is_working_day(d) for d in later):
        return []
    return [
        d
        for d in (monday + timedelta(days=n) for n in range(day.weekday() + 1))
        if calendar.is_working_day(d)
    ]


@dataclass(frozen=True)
class WeekRecord:
    """Who declared what over a week: the inputs of the weekly summary."""

    days: list[date]  # the working days, oldest first
    people: list[Person]
    declared: dict[tuple[date, SlotName], dict[int, bool]]  # person id → late
    leave: dict[date, set[int]]

    @cached_property
    def members(self) -> dict[str, list[Person]]:
        """The people of each unit (by code), grouped once: linear in the staff."""
        grouped: dict[str, list[Person]] = {}
        for person in self.people:
            grouped.setdefault(person.unit.code, []).append(person)
        return grouped


def person_week(week: WeekRecord, person: Person) -> tuple[int, int, int]:
    """(declared, expected, late) slots of one person over the week."""
    done = expected = late = 0
    for day in week.days:
        if person.id in week.leave.get(day, set()):
            continue
        for slot in SlotName:
            expected += 1
            entry = week.declared.get((day, slot), {})
            if person.id in entry:
                done += 1
                late += entry[person.id]
    return done, expected, late


def unit_day_rate(week: WeekRecord, unit: Unit, day: date) -> float:
    away = week.leave.get(day, set())
    people = [p for p in week.members.get(unit.code, []) if p.id not in away]
    if not people:
        return 1.0
    done = sum(1 for p in people for s in SlotName if p.id in week.declared.get((day, s), {}))
    return done / (2 * len(people))


def weekly_text(week: WeekRecord, unit: Unit) -> str:
    lines = [
        texts.WEEKLY_HEADER.format(
            unit=unit.name, first=f"{week.days[0]:%d/%m}", last=f"{week.days[-1]:%d/%m}"
        )
    ]
    rates = [
        f"{texts.WEEKDAYS[d.weekday()]} {percent(unit_day_rate(week, unit, d))}" for d in week.days
    ]
    lines.append(texts.WEEKLY_DAYS + " · ".join(rates))
    rows = []
    for person in week.members.get(unit.code, []):
        done, expected, late = person_week(week, person)
        rows.append((done / expected if expected else 1.0, person.full_name, done, expected, late))
    for _, name, done, expected, late in sorted(rows):
        late_note = texts.SUMMARY_LATE.format(count=late) if late else ""
        lines.append(f"• {name}: {done}/{expected}{late_note}")
    return "\n".join(lines)


def weekly_office_text(week: WeekRecord, units: Sequence[Unit]) -> str:
    lines = [
        texts.WEEKLY_OFFICE_HEADER.format(
            first=f"{week.days[0]:%d/%m}", last=f"{week.days[-1]:%d/%m}"
        )
    ]
    rows = []
    for unit in units:
        totals = [person_week(week, p) for p in week.members.get(unit.code, [])]
        done, expected = sum(t[0] for t in totals), sum(t[1] for t in totals)
        rows.append((done / expected if expected else 1.0, unit.name, done, expected))
    lines.extend(
        f"• {name}: {done}/{expected} ({percent(rate)})"
        for rate, name, done, expected in sorted(rows)
    )
    return "\n".join(lines)
