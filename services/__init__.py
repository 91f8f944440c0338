"""The use cases: one function per thing the product does. Chat flows (handlers/) and jobs
(scheduler/) both call these; neither calls the other. `Services` is what they need."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from core.clock import Clock
from core.questionnaire import Questionnaire
from core.settings import Settings
from core.slots import Slot, make_slots
from core.workdays import WorkCalendar
from storage import Store


class Charts(Protocol):
    """Draws a chart to a picture file for the outbox (see `bot.charts`)."""

    def unit_weeks(self, unit: str, weeks: Sequence[tuple[date, float | None]]) -> str:
        """A unit's declaration rate week by week, as a PNG file; its path."""
        ...

    def units_weeks(
        self, weekly: Mapping[str, Sequence[tuple[date, float | None]]], names: Mapping[str, str]
    ) -> str:
        """Every unit's rate week by week, one line each, as a PNG file; its path."""
        ...


@dataclass(frozen=True)
class Services:
    """The store, the settings (fixed for the process), the clock and the questionnaire, with
    the calendar and slots derived from the settings once."""

    store: Store
    settings: Settings
    clock: Clock
    form: Questionnaire
    charts: Charts | None = None  # None: summaries go without pictures
    calendar: WorkCalendar = field(init=False)
    slots: list[Slot] = field(init=False)

    def __post_init__(self) -> None:
        calendar = WorkCalendar(self.settings.days_off, self.settings.makeup_days)
        object.__setattr__(self, "calendar", calendar)
        object.__setattr__(
            self, "slots", make_slots(self.settings.morning, self.settings.afternoon)
        )

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.settings.tz)

    def now(self) -> datetime:
        return self.clock.now()


__all__ = ["Charts", "Services"]
