"""`/nghi`: declare leave for a date range (a head may declare it for someone in the unit).
People on leave get no prompt and are counted as on leave, not missing."""

from __future__ import annotations

from core import texts
from core.declarations import Leave
from core.domain import Role
from core.leave import may_declare_for, parse_leave
from core.messages import Reply
from handlers.router import Ctx


async def leave(ctx: Ctx) -> list[Reply]:
    me, today = ctx.me(), ctx.local_now.date()
    if not ctx.event.args:
        upcoming = await ctx.store.checkins.leaves_of(me.id, today)
        if not upcoming:
            return [Reply(texts.LEAVE_USAGE)]
        ranges = ", ".join(f"{x.first_day:%d/%m}–{x.last_day:%d/%m}" for x in upcoming)
        return [Reply(texts.LEAVE_CURRENT.format(ranges=ranges) + "\n\n" + texts.LEAVE_USAGE)]
    request = parse_leave(ctx.event.args, today)
    if isinstance(request, str):
        return [Reply(request)]
    if request.first_day < today:
        return [Reply(texts.LEAVE_PAST)]
    person = me
    if request.staff_code and request.staff_code != me.staff_code:
        if not (me.has(Role.HEAD) or me.has(Role.OFFICE)):
            return [Reply(texts.LEAVE_NOT_HEAD)]
        found = await ctx.store.people.person_by_code(request.staff_code)
        if found is None or not may_declare_for(me, found):
            return [Reply(texts.LEAVE_UNKNOWN_PERSON.format(code=request.staff_code))]
        person = found
    await ctx.store.checkins.add_leave(
        Leave(person.id, request.first_day, request.last_day), me.id, ctx.now
    )
    first, last = f"{request.first_day:%d/%m/%Y}", f"{request.last_day:%d/%m/%Y}"
    replies = [Reply(texts.LEAVE_SAVED.format(name=person.full_name, first=first, last=last))]
    if person.id != me.id:
        text = texts.LEAVE_SAVED_BY_HEAD.format(head=me.full_name, first=first, last=last)
        replies.append(Reply(text, to_person=person.id))
    return replies
