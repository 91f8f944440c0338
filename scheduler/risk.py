"""The risk update's jobs: the sheet at 14:00, the reminder at 14:45, the deadline at 15:00."""

from __future__ import annotations

import logging
from datetime import date

from bot import texts
from bot.domain import Role
from bot.messages import Reply
from handlers.risk import heads_sheet
from handlers.router import Services

log = logging.getLogger(__name__)


async def send_sheets(services: Services, day: date) -> int:
    """Open the day's round for every unit and send each head the unit's sheet."""
    if not services.calendar.is_working_day(day):
        return 0
    store, now = services.store, services.clock.now()
    heads = await store.colleagues_to_alert()
    messages = []
    for unit in await store.units():
        round_ = await store.open_round(day, unit.code, "daily", now)
        if round_.confirmed_at is None:
            messages += await heads_sheet(services, heads, round_)
    return await store.enqueue_for(messages, now)


async def remind_sheets(services: Services, day: date) -> int:
    """The sheet again, to the heads of units that have not confirmed."""
    if not services.calendar.is_working_day(day):
        return 0
    store, now = services.store, services.clock.now()
    heads = await store.colleagues_to_alert()
    deadline = f"{services.settings.risk[2]:%H:%M}"
    messages = []
    for round_ in await store.open_rounds(day):
        header = texts.RISK_REMINDER.format(unit=round_.unit_code, deadline=deadline)
        messages += await heads_sheet(services, heads, round_, header)
    return await store.enqueue_for(messages, now)


async def escalate(services: Services, day: date) -> int:
    """At the deadline: the office hears which units missed it, and their heads that they are
    late (a confirmation from now on is stored as late)."""
    if not services.calendar.is_working_day(day):
        return 0
    store, now = services.store, services.clock.now()
    leaders = await store.colleagues_to_alert()
    units = {u.code: u for u in await store.units()}
    missed = [r for r in await store.open_rounds(day) if r.reason == "daily"]
    deadline = f"{services.settings.risk[2]:%H:%M}"
    if missed:
        names = "\n".join(
            f"• {units[r.unit_code].name if r.unit_code in units else r.unit_code}" for r in missed
        )
        office = texts.RISK_MISSED_OFFICE.format(deadline=deadline, count=len(missed), units=names)
    else:
        office = texts.RISK_ALL_ON_TIME.format(deadline=deadline)
    messages = [(p.id, Reply(office)) for p in leaders if p.has(Role.OFFICE)]
    for round_ in missed:
        unit = units.get(round_.unit_code)
        late = texts.RISK_LATE_HEAD.format(
            deadline=deadline, unit=unit.name if unit else round_.unit_code
        )
        messages += [(p.id, Reply(late)) for p in leaders if p.heads_unit(round_.unit_code)]
    log.info("%s: %d units missed the risk deadline", day, len(missed))
    return await store.enqueue_for(messages, now)
