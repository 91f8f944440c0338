"""Check-in decisions, pure: who is due a prompt or a reminder, who hears of an alert, and the
words of a confirmation, an alert and a history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from core import texts
from core.domain import Person, Role
from core.questionnaire import Answer
from core.slots import SlotName, SlotRef
from core.workdays import WorkCalendar


@dataclass(frozen=True)
class Declaration:
    person_id: int
    ref: SlotRef
    answers: dict[str, Answer]
    declared_at: datetime
    late: bool
    alert: bool


@dataclass(frozen=True)
class Leave:
    person_id: int
    first_day: date
    last_day: date

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def due_prompts(
    calendar: WorkCalendar,
    day: date,
    candidates: Iterable[int],
    on_leave: set[int],
    declared: set[int],
    already: set[int],
) -> list[int]:
    """People owed a prompt: a working day, not on leave, not declared, not prompted yet."""
    if not calendar.is_working_day(day):
        return []
    skip = on_leave | declared | already  # once: linear in the people, not quadratic
    return [p for p in candidates if p not in skip]


def due_reminders(
    prompted: set[int], declared: set[int], on_leave: set[int], already: set[int]
) -> list[int]:
    """Prompted and still silent (and not reminded yet)."""
    return sorted(prompted - declared - on_leave - already)


def alert_recipients(person: Person, colleagues: Iterable[Person]) -> list[int]:
    """The heads of the person's unit, the office, and those of the leadership who chose each
    alert; never the person themselves."""
    return sorted(
        {
            c.id
            for c in colleagues
            if c.id != person.id
            and c.active
            and (
                c.has(Role.OFFICE)
                or c.heads_unit(person.unit.code)
                or (c.has(Role.LEADER) and c.alerts_each)
            )
        }
    )


def prompt_header(ref: SlotRef) -> str:
    return texts.PROMPT_HEADER[ref.slot].format(day=f"{ref.day:%d/%m}") + "\n" + texts.PROMPT_HINT


def slot_label(ref: SlotRef) -> str:
    return f"{texts.SLOT_NAMES[ref.slot]} {ref.day:%d/%m}"


def confirmation(ref: SlotRef, local: datetime, late: bool, described: str) -> str:
    text = texts.DECLARED.format(
        slot=texts.SLOT_NAMES[ref.slot], time=f"{local:%H:%M}", day=f"{ref.day:%d/%m}"
    )
    if late:
        text += "\n" + texts.DECLARED_LATE
    return f"{text}\n\n{described}"


def alert_text(person: Person, ref: SlotRef, local: datetime, reported: list[str]) -> str:
    return texts.ALERT.format(
        name=person.full_name,
        unit=person.unit.name,
        slot=slot_label(ref),
        time=f"{local:%H:%M}",
        reported=", ".join(reported),
    )


def history_text(
    days: list[date],
    latest: dict[tuple[date, SlotName], Declaration],
    leave: set[date],
    calendar: WorkCalendar,
    describe: Callable[[Declaration], str] = lambda _: "",
) -> str:
    """One line a day, newest first: ✅ declared, ⚠️ reported something, ⏰ late, — nothing;
    under it what was declared in each slot (`describe`)."""
    lines = [texts.HISTORY_HEADER]
    for day in days:
        if day in leave:
            marks = texts.HISTORY_LEAVE
        elif not calendar.is_working_day(day) and not any((day, s) in latest for s in SlotName):
            marks = texts.HISTORY_DAY_OFF
        else:
            marks = "  ".join(
                f"{texts.SLOT_SHORT[s]} {_mark(latest.get((day, s)))}" for s in SlotName
            )
        lines.append(f"{texts.WEEKDAYS[day.weekday()]} {day:%d/%m}: {marks}")
        for slot in SlotName:
            declared = latest.get((day, slot))
            said = describe(declared) if declared else ""
            if said:
                lines.append(f"    {texts.SLOT_SHORT[slot]}: {said}")
    lines.append("")
    lines.append(texts.HISTORY_LEGEND)
    return "\n".join(lines)


def _mark(declaration: Declaration | None) -> str:
    if declaration is None:
        return "—"
    mark = "⚠️" if declaration.alert else "✅"
    return mark + ("⏰" if declaration.late else "")
