"""Period reports: a unit's or the organization's declarations, leave, alerts, 15:00 updates and
stories over a range of days, counted with the roster of each day (see `core.reports`)."""

from __future__ import annotations

from datetime import date, timedelta

from core.domain import Role
from core.office import REPORT_KIND, ExportRequest
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
    report = builder.finish(risk, risk_days, await store.story_counts(first, last))
    report.heads = await store.heads_between(first, min(last, now.date()), unit)
    return report


async def monthly_reports(services: Services, day: date) -> int:
    """On the first working day of a month, last month's report as a Word document to the
    leadership and the office: asked of the export worker, which writes and sends each once this
    is committed. Returns how many were asked for."""
    calendar = services.calendar
    if not calendar.is_working_day(day):
        return 0
    if any(calendar.is_working_day(day.replace(day=d)) for d in range(1, day.day)):
        return 0
    last = day.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    store = services.store
    readers = [p for p in await store.people.leaders() if p.has(Role.LEADER) or p.has(Role.OFFICE)]
    chats = await store.outbox.reachable_chats([p.id for p in readers])
    now = services.now()
    for person_id, (channel, chat) in sorted(chats.items()):
        request = ExportRequest(
            0, person_id, channel.value, chat, REPORT_KIND, first, last, None, "docx"
        )
        await store.office.request_export(request, now)
    return len(chats)
