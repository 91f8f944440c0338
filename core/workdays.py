"""The working calendar: Monday to Friday, minus Vietnamese public holidays (lunar ones
included, from the `holidays` library) and the organization's days off, plus its make-up days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import holidays


@dataclass(frozen=True)
class WorkCalendar:
    days_off: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    # holidays by year, computed on first use (the dict is filled in, never replaced)
    _years: dict[int, holidays.HolidayBase] = field(default_factory=dict, compare=False)

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        if day.weekday() >= 5 or day in self.days_off:
            return False
        return day not in self._holidays(day.year)

    def _holidays(self, year: int) -> holidays.HolidayBase:
        if year not in self._years:
            self._years[year] = holidays.country_holidays("VN", years=year)
        return self._years[year]
