"""Summaries when a slot closes (each head their units, the office the table of all units)
and, on the weekly day, the week's."""

from __future__ import annotations

from datetime import date

from bot.domain import Role
from bot.messages import Reply
from bot.slots import SlotRef
from bot.summary import office_table, weekly_office_text, weekly_text
from handlers.heads import summary_reply, unit_summaries
from handlers.router import Services


async def send_summaries(services: Services, ref: SlotRef) -> int:
    store = services.store
    summaries = {s.unit.code: s for s in await unit_summaries(services, ref)}
    messages = []
    for leader in await store.colleagues_to_alert():
        messages += [
            (leader.id, summary_reply(summaries[u])) for u in sorted(leader.heads) if u in summaries
        ]
        if leader.has(Role.OFFICE):
            counts = [s.counts for s in summaries.values()]
            messages.append((leader.id, Reply(office_table(counts, ref))))
    return await store.enqueue_for(messages, services.clock.now())


async def send_weekly(services: Services, days: list[date]) -> int:
    store = services.store
    week = await store.week_record(days)
    units = {p.unit.code: p.unit for p in week.people}
    messages = []
    for leader in await store.colleagues_to_alert():
        messages += [
            (leader.id, Reply(weekly_text(week, units[u])))
            for u in sorted(leader.heads)
            if u in units
        ]
        if leader.has(Role.OFFICE):
            ordered = sorted(units.values(), key=lambda u: u.name)
            messages.append((leader.id, Reply(weekly_office_text(week, ordered))))
    return await store.enqueue_for(messages, services.clock.now())
