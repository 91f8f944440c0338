"""The two daily slots and where a moment falls among them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum


class SlotName(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"

    @property
    def short(self) -> str:
        """One letter, for button data (64 bytes at most)."""
        return self.value[0]

    @classmethod
    def from_short(cls, letter: str) -> SlotName | None:
        return {"m": cls.MORNING, "a": cls.AFTERNOON}.get(letter)


@dataclass(frozen=True)
class Slot:
    name: SlotName
    prompt: time
    reminder: time
    close: time


@dataclass(frozen=True)
class SlotRef:
    """One slot of one day: what a declaration answers and a prompt asks."""

    day: date
    slot: SlotName

    @property
    def code(self) -> str:
        """`20261123m`: compact for button data."""
        return f"{self.day:%Y%m%d}{self.slot.short}"

    @classmethod
    def parse(cls, code: str) -> SlotRef | None:
        slot = SlotName.from_short(code[-1:])
        try:
            day = datetime.strptime(code[:-1], "%Y%m%d").date()  # noqa: DTZ007 (a date only)
        except ValueError:
            return None
        return cls(day, slot) if slot else None


def make_slots(morning: tuple[time, time, time], afternoon: tuple[time, time, time]) -> list[Slot]:
    return [Slot(SlotName.MORNING, *morning), Slot(SlotName.AFTERNOON, *afternoon)]


def slot_at(slots: list[Slot], local: datetime) -> SlotRef:
    """The slot a declaration made at this local moment answers: the latest whose prompt time
    has come today, or the first slot when it is earlier than every prompt (an early answer)."""
    current = slots[0]
    for slot in slots:
        if local.time() >= slot.prompt:
            current = slot
    return SlotRef(local.date(), current.name)


def started_slot(slots: list[Slot], local: datetime) -> SlotRef | None:
    """Today's latest slot whose prompt has gone out, if any: the one a nudge is about (the
    calendar decides separately whether the day is a working day)."""
    started = [slot for slot in slots if slot.prompt <= local.time()]
    return SlotRef(local.date(), started[-1].name) if started else None


def is_late(slots: list[Slot], ref: SlotRef, local: datetime) -> bool:
    close = next(s.close for s in slots if s.name == ref.slot)
    return local >= datetime.combine(ref.day, close, local.tzinfo)
