"""`/lichsu`: my declarations of the last seven days."""

from __future__ import annotations

from datetime import timedelta

from core.declarations import Declaration, history_text
from core.messages import Reply, split_text
from core.questionnaire import describe
from handlers.router import Ctx


async def history(ctx: Ctx) -> list[Reply]:
    person, today = ctx.me(), ctx.local_now.date()
    days = [today - timedelta(days=n) for n in range(7)]
    declarations = await ctx.store.checkins.declarations_of(person.id, days[-1], today)
    latest = {(d.ref.day, d.ref.slot): d for d in declarations}
    leaves = await ctx.store.checkins.leaves_of(person.id, days[-1])
    on_leave = {day for day in days for leave in leaves if leave.covers(day)}
    form = ctx.services.form

    def said(declaration: Declaration) -> str:
        return describe(form, declaration.answers).replace("\n", "; ")

    calendar = ctx.services.calendar
    return [
        Reply(part) for part in split_text(history_text(days, latest, on_leave, calendar, said))
    ]
