"""Period reports: a unit's or the organization's declarations, leave, alerts, 15:00 updates and
stories over a range of days, counted with the roster of each day (see `core.reports`)."""

from __future__ import annotations

from datetime import date, timedelta

from core.reports import PeriodReport, ReportBuilder
from services import Services
from services.risk_rounds import risk_day


async def period_report(
    services: Services, first: date, last: date, unit: str | None = None
) -> PeriodReport:
    """Read one working day at a time: a year of a large organization stays small in memory.
    Days after today are not counted (nothing was due yet)."""
    store = services.store.reports
    now = services.local(services.now())
    units, people, memberships = await store.roster_between(first, last)
    builder = ReportBuilder(first, last, units, people, memberships, unit)
    risk_days = []  # the days the 15:00 update was due (today's once its deadline passed)
    day = first
    while day <= min(last, now.date()):
        if services.calendar.is_working_day(day):
            builder.add(await store.day_facts(day))
        due = day < now.date() or now.time() >= services.settings.risk[2]
        if risk_day(services, day) and due:
            risk_days.append(day)
        day += timedelta(days=1)
    risk = await store.risk_confirmations(first, last)
    return builder.finish(risk, risk_days, await store.story_counts(first, last))
