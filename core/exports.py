"""What each export holds, pure: its title, Vietnamese column headers and widths, and how a
stored value reads in a spreadsheet (local dates and times, words for codes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from core import texts
from core.office import AuditEntry
from core.questionnaire import Answer, Question, Questionnaire
from core.summary import UnitCount, percent


@dataclass(frozen=True)
class StoryRecord:
    """A proposal as the commendation council's export lists it."""

    id: int
    state: str
    proposer: str
    nominee_name: str
    unit_code: str
    unit: str
    category: str
    proposed_form: str
    kind: str
    decision_form: str
    decision_number: str
    decision_date: date | None
    created_at: datetime
    endorsed_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    story: str


@dataclass(frozen=True)
class DeclarationRecord:
    """One declaration of the check-in log (changes included: `counts` marks the latest)."""

    day: date
    slot: str
    staff_code: str
    full_name: str
    unit_code: str
    unit: str
    declared_at: datetime
    late: bool
    counts: bool
    alert: bool
    answers: dict[str, Answer]
    channel: str


@dataclass(frozen=True)
class RiskRecord:
    """One person's level in one risk round (or a round with no levels yet)."""

    day: date
    unit_code: str
    unit: str
    round: int
    reason: str
    opened_at: datetime
    confirmed_at: datetime | None
    late: bool
    confirmed_by: str
    staff_code: str
    full_name: str
    suggested: str
    level: str


@dataclass(frozen=True)
class Kind:
    name: str  # on the command line: "stories"
    title: str  # on top of the sheet
    headers: tuple[str, ...]
    widths: tuple[int, ...]  # characters, so that the columns fit


STORIES = Kind(
    "stories",
    texts.EXPORT_TITLES["stories"],
    texts.EXPORT_HEADERS["stories"],
    (6, 22, 24, 28, 10, 28, 22, 30, 10, 30, 16, 14, 17, 17, 17, 17, 80),
)  # fmt: skip

DECLARATIONS_WIDTHS = (
    12,
    10,
    12,
    26,
    10,
    28,
    17,
    10,
    13,
    10,
)  # the fixed columns; then one per question, the channel

RISK = Kind(
    "risk",
    texts.EXPORT_TITLES["risk"],
    texts.EXPORT_HEADERS["risk"],
    (12, 10, 28, 6, 16, 17, 17, 10, 24, 12, 26, 18, 18),
)  # fmt: skip

SUMMARIES = Kind(
    "summaries",
    texts.EXPORT_TITLES["summaries"],
    texts.EXPORT_HEADERS["summaries"],
    (12, 10, 10, 28, 10, 10, 8, 10, 10, 10),
)  # fmt: skip

AUDIT = Kind(
    "audit",
    texts.EXPORT_TITLES["audit"],
    texts.EXPORT_HEADERS["audit"],
    (17, 24, 16, 14, 12, 12, 10, 10, 40),
)  # fmt: skip

KIND_NAMES = ("declarations", "risk", "summaries", "stories", "audit")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """Text as a spreadsheet must show it, never run it: one that starts like a formula gets a
    leading apostrophe (how Excel itself marks text)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def utc_range(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants of a range of local days: [first 00:00, the day after last 00:00)."""
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return start, end


def local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M") if moment else ""


def day_text(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def heading(org: str, kind: Kind, first: date, last: date, unit: str | None) -> list[str]:
    """The lines above the table: the organization, what it is, the period and the unit."""
    period = texts.EXPORT_PERIOD.format(first=day_text(first), last=day_text(last))
    lines = [org, kind.title, period]
    if unit:
        lines.append(texts.EXPORT_UNIT.format(unit=unit))
    return lines


def story_cells(row: StoryRecord, tz: ZoneInfo) -> list[Any]:
    return [
        row.id,
        texts.DEED_STATES.get(row.state, row.state).split(" ", 1)[-1],
        row.proposer,
        row.nominee_name,
        row.unit_code,
        row.unit,
        texts.DEED_CATEGORIES.get(row.category, row.category),
        texts.DEED_FORMS.get(row.proposed_form, row.proposed_form),
        texts.DEED_KINDS.get(row.kind, row.kind),
        texts.DEED_FORMS.get(row.decision_form, ""),
        row.decision_number,
        day_text(row.decision_date),
        local(row.created_at, tz),
        local(row.endorsed_at, tz),
        local(row.approved_at, tz),
        local(row.published_at, tz),
        row.story,
    ]


def declarations_kind(form: Questionnaire) -> Kind:
    """The check-in log: fixed columns, then one per question of the questionnaire in use."""
    *fixed_headers, channel = texts.EXPORT_HEADERS["declarations"]
    headers = [*fixed_headers, *(q.short for q in form.questions), channel]
    widths = [*DECLARATIONS_WIDTHS, *(24 for _ in form.questions), 10]
    return Kind("declarations", texts.EXPORT_TITLES["declarations"], tuple(headers), tuple(widths))


def kind_named(name: str, form: Questionnaire) -> Kind:
    fixed = {k.name: k for k in (RISK, SUMMARIES, STORIES, AUDIT)}
    return declarations_kind(form) if name == "declarations" else fixed[name]


def yes(flag: object) -> str:
    return texts.EXPORT_YES if flag else ""


def declaration_cells(row: DeclarationRecord, form: Questionnaire, tz: ZoneInfo) -> list[Any]:
    cells: list[Any] = [
        day_text(row.day),
        texts.SLOT_NAMES.get(row.slot, row.slot),
        row.staff_code,
        row.full_name,
        row.unit_code,
        row.unit,
        local(row.declared_at, tz),
        yes(row.late),
        yes(row.counts),
        yes(row.alert),
    ]
    cells += [answer_text(question, row.answers.get(question.id)) for question in form.questions]
    cells.append(texts.CHANNEL_NAMES.get(row.channel, row.channel))
    return cells


def answer_text(question: Question, answer: Answer | None) -> str:
    """The labels of an answer ("" when the question was not asked)."""
    chosen = answer if isinstance(answer, tuple) else (answer,) if answer else ()
    labels = [o.label for o in question.options if o.id in chosen]
    return ", ".join(labels) if labels else ("" if answer is None else texts.NONE_CHOSEN)


def risk_cells(row: RiskRecord, tz: ZoneInfo) -> list[Any]:
    confirmed = row.confirmed_at
    on_time = "" if not confirmed else (texts.EXPORT_LATE if row.late else texts.EXPORT_ON_TIME)
    return [
        day_text(row.day),
        row.unit_code,
        row.unit,
        row.round,
        texts.EXPORT_ROUND_REASONS.get(row.reason, row.reason),
        local(row.opened_at, tz),
        local(confirmed, tz) if confirmed else texts.EXPORT_NOT_CONFIRMED,
        on_time,
        row.confirmed_by,
        row.staff_code,
        row.full_name,
        texts.RISK_NAMES.get(row.suggested, ""),
        texts.RISK_NAMES.get(row.level, ""),
    ]


def summary_cells(ref_day: date, slot: str, count: UnitCount) -> list[Any]:
    return [
        day_text(ref_day),
        texts.SLOT_NAMES.get(slot, slot),
        count.unit.code,
        count.unit.name,
        count.expected,
        count.declared,
        percent(count.rate),
        count.on_leave,
        count.late,
        count.alerts,
    ]


def audit_cells(entry: AuditEntry, tz: ZoneInfo) -> list[Any]:
    return [
        local(entry.at, tz),
        entry.actor,
        texts.AUDIT_ACTIONS.get(entry.action, entry.action),
        entry.kind,
        day_text(entry.first),
        day_text(entry.last),
        entry.unit,
        entry.rows if entry.rows is not None else "",
        entry.detail,
    ]
