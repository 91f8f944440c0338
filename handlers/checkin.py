"""The daily declaration: a prompt (or /khaibao), one tap if healthy, a few more if not.

```mermaid
stateDiagram-v2
    [*] --> Symptoms: prompt at 07:30 / 16:30, reminder, or /khaibao
    Symptoms --> Stored: "✅ Khỏe, không triệu chứng, không tiếp xúc"
    Symptoms --> Symptoms: toggle a symptom (the message is edited)
    Symptoms --> Exposure: "Xong"
    Exposure --> Place: morning
    Exposure --> Stored: afternoon
    Place --> Stored
    Stored --> Symptoms: "Khai báo lại" (until the slot closes; later ones are marked late)
    Stored --> [*]: confirmed after commit; any symptom or exposure alerts heads and office
```
"""

from __future__ import annotations

import logging

from bot import texts
from bot.checkin import Declaration, Leave, alert_recipients, alert_text, confirmation
from bot.messages import Choice, Reply
from bot.questionnaire import Walk, alerting, describe, next_step, on_leave, screen, start
from bot.slots import SlotRef, is_late, slot_at
from handlers.risk import reopen_after_alert
from handlers.router import Ctx

log = logging.getLogger(__name__)


def prompt_header(ref: SlotRef) -> str:
    return texts.PROMPT_HEADER[ref.slot].format(day=f"{ref.day:%d/%m}") + "\n" + texts.PROMPT_HINT


async def declare(ctx: Ctx) -> list[Reply]:
    """`/khaibao`: the questionnaire for the slot open now."""
    ref = slot_at(ctx.services.slots, ctx.local_now)
    return await _restart(ctx, ref, prompt_header(ref))


async def button(ctx: Ctx) -> list[Reply]:
    """A button of a check-in screen: `ck:<slot ref>:<choice>`."""
    parts = (ctx.event.choice or "").split(":", 2)
    ref = SlotRef.parse(parts[1]) if len(parts) == 3 else None
    if ref is None:
        return _forged(ctx)
    current = slot_at(ctx.services.slots, ctx.local_now)
    if ref != current:
        return await _restart(ctx, current, texts.STALE_PROMPT + "\n" + prompt_header(current))
    choice = parts[2]
    if choice == "redo":
        return await _restart(ctx, ref, prompt_header(ref))
    walk = Walk.from_state(ctx.caller.walk) if ctx.caller.walk else None
    if walk is None or walk.ref != ref:
        walk = start(ctx.services.form, ref)
    step = next_step(ctx.services.form, walk, choice)
    if step is None:
        return _forged(ctx)
    walk, done = step
    if not done:
        await ctx.store.set_walk(ctx.event.channel, ctx.event.account_id, walk.to_state(), ctx.now)
        return [ctx.in_place(screen(ctx.services.form, walk))]
    return await _store(ctx, walk)


async def _restart(ctx: Ctx, ref: SlotRef, header: str) -> list[Reply]:
    walk = start(ctx.services.form, ref)
    await ctx.store.set_walk(ctx.event.channel, ctx.event.account_id, walk.to_state(), ctx.now)
    return [screen(ctx.services.form, walk, header)]


async def _store(ctx: Ctx, walk: Walk) -> list[Reply]:
    """Record the declaration; the confirmation and alerts go out after the batch commits."""
    person, form, local = ctx.me(), ctx.services.form, ctx.local_now
    reported = alerting(form, walk.answers)
    late = is_late(ctx.services.slots, walk.ref, local)
    declaration = Declaration(person.id, walk.ref, walk.answers, ctx.now, late, bool(reported))
    await ctx.store.record_declaration(declaration, form.version, ctx.event.channel, ctx.event.key)
    if ctx.caller.walk:  # no write for nothing: intake speed is counted in trips to SQLite
        await ctx.store.end_walk(ctx.event.channel, ctx.event.account_id)
    if on_leave(form, walk.answers):
        await ctx.store.add_leave(Leave(person.id, walk.ref.day, walk.ref.day), person.id, ctx.now)
    done = Reply(
        confirmation(walk.ref, local, late, describe(form, walk.answers)),
        choices=((Choice(f"ck:{walk.ref.code}:redo", texts.REDO),),),
    )
    replies = [ctx.in_place(Reply(texts.DECLARED_SCREEN)), done] if ctx.event.message_id else [done]
    if reported:
        replies.append(Reply(texts.GUIDANCE))
        alert = alert_text(person, walk.ref, local, [o.label for _, o in reported])
        leaders = await ctx.store.colleagues_to_alert()
        for colleague in alert_recipients(person, leaders):
            replies.append(Reply(alert, to_person=colleague))
        replies += await reopen_after_alert(ctx.services, person, leaders, ctx.now)
    return replies


def _forged(ctx: Ctx) -> list[Reply]:
    """Button data no screen of ours carries: refused, and logged (ids only)."""
    log.warning("forged check-in button from %s:%s", ctx.event.channel, ctx.event.account_id)
    return [Reply(texts.FORGED_BUTTON)]
