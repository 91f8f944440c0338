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

from core import texts
from core.buttons import CheckinButton
from core.declarations import prompt_header, slot_label
from core.messages import Choice, Reply
from core.questionnaire import Walk, next_step, screen, start
from core.slots import SlotRef, slot_at
from handlers.router import Ctx
from services.declarations import record_declaration

log = logging.getLogger(__name__)


async def declare(ctx: Ctx) -> list[Reply]:
    """`/khaibao`: the questionnaire for the slot open now."""
    ref = slot_at(ctx.services.slots, ctx.local_now)
    return await _restart(ctx, ref, prompt_header(ref))


async def button(ctx: Ctx) -> list[Reply]:
    """A button of a check-in screen (`CheckinButton`)."""
    pressed = CheckinButton.decode(ctx.event.choice or "")
    if pressed is None:
        return _forged(ctx)
    current = slot_at(ctx.services.slots, ctx.local_now)
    if pressed.ref != current:
        return await _restart(ctx, current, texts.STALE_PROMPT + "\n" + prompt_header(current))
    if pressed.choice == "redo":
        return await _restart(ctx, pressed.ref, prompt_header(pressed.ref))
    walk = Walk.from_state(ctx.caller.walk) if ctx.caller.walk else None
    if walk is None or walk.ref != pressed.ref:
        if await ctx.store.checkins.has_declared(ctx.me().id, pressed.ref):
            return [_already(pressed.ref)]  # a second tap, a replayed press: stored once
        walk = start(ctx.services.form, pressed.ref)
    step = next_step(ctx.services.form, walk, pressed.choice)
    if step is None:
        return _forged(ctx)
    walk, done = step
    if not done:
        await ctx.store.inbox.set_walk(
            ctx.event.channel, ctx.event.account_id, walk.to_state(), ctx.now
        )
        return [ctx.in_place(screen(ctx.services.form, walk))]
    return await _store(ctx, walk)


async def _restart(ctx: Ctx, ref: SlotRef, header: str) -> list[Reply]:
    walk = start(ctx.services.form, ref)
    await ctx.store.inbox.set_walk(
        ctx.event.channel, ctx.event.account_id, walk.to_state(), ctx.now
    )
    return [screen(ctx.services.form, walk, header)]


async def _store(ctx: Ctx, walk: Walk) -> list[Reply]:
    """Record the declaration; the confirmation and alerts go out after the batch commits."""
    event = ctx.event
    recorded = await record_declaration(
        ctx.services, ctx.me(), walk, event.channel, event.key, ctx.now
    )
    if ctx.caller.walk:  # no write for nothing: intake speed is counted in trips to SQLite
        await ctx.store.inbox.end_walk(event.channel, event.account_id)
    redo = Choice(CheckinButton(walk.ref, "redo").encode(), texts.REDO)
    done = Reply(recorded.confirmation, choices=((redo,),))
    replies = [ctx.in_place(done)]  # the prompt becomes the confirmation: one call, not two
    if recorded.reported:
        replies.append(Reply(texts.GUIDANCE))
    return replies + ctx.notify(recorded.notices)


def _already(ref: SlotRef) -> Reply:
    redo = Choice(CheckinButton(ref, "redo").encode(), texts.REDO)
    return Reply(texts.DECLARED_ALREADY.format(slot=slot_label(ref)), choices=((redo,),))


def _forged(ctx: Ctx) -> list[Reply]:
    """Button data no screen of ours carries: refused, and logged (ids only)."""
    log.warning("forged check-in button from %s:%s", ctx.event.channel, ctx.event.account_id)
    return [Reply(texts.FORGED_BUTTON)]
