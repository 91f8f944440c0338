"""Period reports: a unit's or the organization's declarations, leave, alerts, 15:00 updates and
stories over a range of days, counted with the roster of each day (see `core.reports`)."""

from __future__ import annotations

from datetime import date, timedelta

from core.notices import sees_organization
from core.office import REPORT_KIND, ExportRequest
from core.reports import PeriodReport, ReportBuilder
from services import Services
from services.risk_rounds import risk_day

MONTHLY_SENT = "report:monthly:sent"  # recorded on the month's first day once its report went


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
    """On the first working day of a month the bot runs (the first, unless it was down), last
    month's report as a Word document to the leadership and the office, if the bot ran last
    month: asked of the export worker, which writes and sends each once this is committed.
    Returns how many were asked for."""
    if not services.calendar.is_working_day(day):
        return 0
    store, month = services.store, day.replace(day=1)
    last = month - timedelta(days=1)
    first = last.replace(day=1)
    if not await store.jobs.ran_between(first, last):
        return 0  # the bot was not running last month: nothing to report
    if not await store.jobs.record_run(month, MONTHLY_SENT, services.now()):
        return 0  # this month's went already
    readers = [p.id for p in await store.people.leaders() if sees_organization(p)]
    chats = await store.outbox.reachable_chats(readers)
    now = services.now()
    for person_id, (channel, chat) in sorted(chats.items()):
        request = ExportRequest(
            0, person_id, channel.value, chat, REPORT_KIND, first, last, None, "docx"
        )
        await store.office.request_export(request, now)
    return len(chats)
