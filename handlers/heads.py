"""Unit heads (and the office): today's status, who is missing, nudging the missing, and the
slot summaries' buttons (`HeadsButton`): the unit is checked against the sender's own units
every time (identity never comes from button data)."""

from __future__ import annotations

from core import texts
from core.buttons import HeadsButton
from core.declarations import slot_label
from core.domain import Role
from core.messages import Choice, Reply, rows, split_text
from core.notices import summary_reply
from core.slots import slot_at
from core.summary import office_table, summary_text
from handlers.router import Ctx
from services.prompts import nudge_unit
from services.risk_rounds import round_status
from services.summaries import unit_summaries

ORG = "*"  # the whole organization, for the office


async def _choices(ctx: Ctx) -> list[str]:
    """The units a person may look at and nudge: theirs as head; as office, every unit and the
    whole organization."""
    person = ctx.me()
    if person.has(Role.OFFICE):
        units = sorted({u.code for u in await ctx.store.people.units()} | person.heads)
        return [*units, ORG]
    return sorted(person.heads)


async def _pick(ctx: Ctx, action: str) -> list[Reply] | str:
    """The unit of a command: an argument, the only choice, or buttons to choose."""
    arg = ctx.event.args.strip().upper()
    choices = await _choices(ctx)
    if arg:
        return arg if arg in choices else [Reply(texts.NOT_YOUR_UNIT)]
    if action != "nu" and not ctx.me().heads and ORG in choices:
        return ORG  # the office looks at the organization (a unit: /tinhhinh KHTC)
    if len(choices) == 1:
        return choices[0]
    labels = {code: code for code in choices} | {ORG: texts.WHOLE_ORG}
    buttons = [Choice(HeadsButton(action, code).encode(), labels[code]) for code in choices]
    return [Reply(texts.CHOOSE_UNIT, choices=rows(*buttons))]


async def status(ctx: Ctx) -> list[Reply]:
    """`/tinhhinh`: the current slot and the risk update, for a unit or the organization."""
    unit = await _pick(ctx, "st")
    return unit if isinstance(unit, list) else await _status(ctx, unit)


async def missing(ctx: Ctx) -> list[Reply]:
    """`/chuakhai`: who has not declared for the current slot."""
    unit = await _pick(ctx, "mi")
    return unit if isinstance(unit, list) else await _missing(ctx, unit)


async def nudge(ctx: Ctx) -> list[Reply]:
    """`/nhac`: send the missing of a unit the current questionnaire now."""
    unit = await _pick(ctx, "nu")
    return unit if isinstance(unit, list) else await _nudge(ctx, unit)


async def button(ctx: Ctx) -> list[Reply]:
    pressed = HeadsButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.FORGED_BUTTON)]
    unit = pressed.unit
    if unit not in await _choices(ctx) or (unit == ORG and pressed.action == "fu"):
        return [Reply(texts.NOT_YOUR_UNIT)]
    if pressed.action == "st":
        return await _status(ctx, unit)
    if pressed.action == "mi":
        return await _missing(ctx, unit)
    if pressed.action == "nu":
        return await _nudge(ctx, unit)
    if pressed.ref is None:
        return [Reply(texts.FORGED_BUTTON)]
    summaries = await unit_summaries(ctx.services, pressed.ref, unit)
    return [Reply(part) for s in summaries for part in split_text(summary_text(s, full=True))]


async def _status(ctx: Ctx, unit: str) -> list[Reply]:
    ref = slot_at(ctx.services.slots, ctx.local_now)
    if unit == ORG:
        return [Reply(office_table(await ctx.store.checkins.unit_counts(ref), ref))]
    replies = [summary_reply(s) for s in await unit_summaries(ctx.services, ref, unit)]
    round_ = await ctx.store.risk.latest_round(ref.day, unit)
    replies.append(Reply(round_status(ctx.services, unit, round_)))
    return replies


async def _missing(ctx: Ctx, unit: str) -> list[Reply]:
    ref = slot_at(ctx.services.slots, ctx.local_now)
    summaries = await unit_summaries(ctx.services, ref, None if unit == ORG else unit)
    names = [p.full_name for s in summaries for p in s.missing]
    where = texts.WHOLE_ORG if unit == ORG else unit
    if not names:
        return [Reply(texts.NOBODY_MISSING.format(unit=where, slot=slot_label(ref)))]
    text = texts.MISSING_LIST.format(
        unit=where, slot=slot_label(ref), count=len(names), names="\n".join(names)
    )
    parts = split_text(text)
    nudge_button = Choice(HeadsButton("nu", unit).encode(), texts.NUDGE_BUTTON)
    buttons = rows(nudge_button)  # the whole organization only appears to the office
    return [Reply(p) for p in parts[:-1]] + [Reply(parts[-1], choices=buttons)]


async def _nudge(ctx: Ctx, unit: str) -> list[Reply]:
    """One unit's missing, or (the office) every unit's: each unit's answer in one message."""
    if unit != ORG:
        return [Reply(await nudge_unit(ctx.services, unit, ctx.me()))]
    units = [u for u in await _choices(ctx) if u != ORG]
    answers = [await nudge_unit(ctx.services, u, ctx.me()) for u in units]
    return [Reply(part) for part in split_text("\n".join(dict.fromkeys(answers)))]
