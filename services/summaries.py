"""Where a slot stands: each unit's summary, the summaries when a slot closes, the week's."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from core import texts
from core.domain import Role, Unit
from core.messages import Reply
from core.notices import Notice, alert_digest, slot_summaries, weekly_summaries
from core.questionnaire import Answer, alerting
from core.slots import SlotName, SlotRef
from core.summary import Standing, UnitSummary, summarize, week_days
from services import Services
from services.reports import period_report

CHART_WEEKS = 8  # the weekly summary's chart: this week and the seven before


async def unit_summaries(
    services: Services, ref: SlotRef, unit: str | None = None
) -> list[UnitSummary]:
    """Each unit's summary of a slot (one unit's, or every unit's), by unit name."""
    version = services.settings.consent_version
    standings, counted = await services.store.checkins.summary_standings(ref, version, unit)
    by_unit: dict[Unit, list[Standing]] = {}
    for standing in standings:  # grouped once: each summary reads its own unit's people only
        by_unit.setdefault(standing.person.unit, []).append(standing)
    quiet = {q.unit: q for q in counted}
    units = sorted(by_unit.keys() | quiet.keys(), key=lambda u: u.name)

    def reported(answers: dict[str, Answer]) -> str:
        return ", ".join(o.label for _, o in alerting(services.form, answers))

    return [summarize(u, ref, by_unit.get(u, []), reported, quiet.get(u)) for u in units]


async def close_slot(services: Services, day: date, slot: SlotName) -> int:
    """The slot's summaries to heads and the office; on the weekly day, the week's too.
    (Declarations after the close are stored as late: that is decided where they are taken.)"""
    if not services.calendar.is_working_day(day):
        return 0
    store, ref = services.store, SlotRef(day, slot)
    leaders = await store.people.leaders()
    notices = slot_summaries(await unit_summaries(services, ref), leaders, ref)
    week = week_days(day, services.calendar, services.settings.weekly_day)
    if slot == SlotName.AFTERNOON and week:  # (the charts are drawn before: `weekly_charts`)
        notices += weekly_summaries(await store.checkins.week_record(week), leaders)
    if slot == SlotName.AFTERNOON:
        alerts = [
            (name, unit, texts.SLOT_NAMES[s])
            for name, unit, s in await store.reports.alerts_on(day)
        ]
        notices += alert_digest(day, alerts, leaders)
    return await store.outbox.enqueue_for(notices, services.now())


async def weekly_charts(services: Services, day: date, slot: SlotName) -> list[Notice]:
    """At the close of the week's last slot, each head's chart of their unit's declaration rate
    over the last weeks, the leadership's of every unit (counted with each day's roster, as the
    period report counts). Read and drawn before the close's transaction: weeks of history must
    not hold the database while people answer."""
    if slot != SlotName.AFTERNOON or not services.calendar.is_working_day(day):
        return []
    if not week_days(day, services.calendar, services.settings.weekly_day):
        return []
    leaders = await services.store.people.leaders()
    charts = services.charts
    heads = [leader for leader in leaders if leader.heads]
    leadership = [leader for leader in leaders if leader.has(Role.LEADER)]
    if charts is None or not (heads or leadership):
        return []
    monday = day - timedelta(days=day.weekday())
    report = await period_report(services, monday - timedelta(weeks=CHART_WEEKS - 1), day)
    names = {unit.code: unit.name for unit in report.units}
    notices: list[Notice] = []
    for head in heads:
        for unit in sorted(head.heads):
            if unit in names:
                picture = await asyncio.to_thread(
                    charts.unit_weeks, names[unit], report.weekly.get(unit, [])
                )
                caption = texts.WEEKLY_CHART_CAPTION.format(unit=names[unit], weeks=CHART_WEEKS)
                notices.append((head.id, Reply(caption, image=picture)))
    for leader in leadership:  # the organization's: every unit's line
        picture = await asyncio.to_thread(charts.units_weeks, report.weekly, names)
        caption = texts.WEEKLY_CHART_CAPTION.format(unit=texts.WHOLE_ORG, weeks=CHART_WEEKS)
        notices.append((leader.id, Reply(caption, image=picture)))
    return notices
