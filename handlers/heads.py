"""Unit heads (and the office): today's status, who is missing, nudging the missing, and the
slot summaries' buttons. Button ids: `hd:<action>:<unit>[:<slot ref>]`, the unit checked
against the sender's own units every time (identity never comes from button data)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

from bot import texts
from bot.checkin import Declaration, slot_label
from bot.domain import Person, Role
from bot.messages import Choice, Reply, rows
from bot.questionnaire import alerting, screen, start
from bot.slots import SlotRef, slot_at
from bot.summary import UnitSummary, office_table, split_text, summarize, summary_text
from handlers.checkin import prompt_header
from handlers.risk import round_status
from handlers.router import Ctx, Services

ORG = "*"  # the whole organization, for the office


def describer(services: Services) -> Callable[[Declaration], str]:
    return lambda d: ", ".join(o.label for _, o in alerting(services.form, d.answers))


def summary_reply(summary: UnitSummary) -> Reply:
    """A unit's summary with its buttons: nudge the missing, the full list."""
    buttons = []
    if summary.missing:
        buttons.append(Choice(f"hd:nu:{summary.unit.code}", texts.NUDGE_BUTTON))
    if summary.shortened:
        buttons.append(
            Choice(f"hd:fu:{summary.unit.code}:{summary.ref.code}", texts.FULL_LIST_BUTTON)
        )
    return Reply(summary_text(summary), choices=rows(*buttons))


async def unit_summaries(
    services: Services, ref: SlotRef, unit: str | None = None
) -> list[UnitSummary]:
    standings = await services.store.standings(ref, texts.CONSENT_VERSION, unit)
    units = sorted({s.person.unit for s in standings}, key=lambda u: u.name)
    return [summarize(u, ref, standings, describer(services)) for u in units]


def _choices(person: Person) -> list[str]:
    """The units a person may look at: theirs as head, and the whole organization as office."""
    units = sorted(person.heads)
    return [*units, ORG] if person.has(Role.OFFICE) else units


def _pick(ctx: Ctx, action: str) -> list[Reply] | str:
    """The unit of a command: an argument, the only choice, or buttons to choose."""
    person, arg = ctx.me(), ctx.event.args.strip().upper()
    choices = _choices(person)
    if arg:
        return arg if arg in choices else [Reply(texts.NOT_YOUR_UNIT)]
    if len(choices) == 1:
        return choices[0]
    labels = {code: code for code in choices} | {ORG: texts.WHOLE_ORG}
    buttons = [Choice(f"hd:{action}:{code}", labels[code]) for code in choices]
    return [Reply(texts.CHOOSE_UNIT, choices=rows(*buttons))]


async def status(ctx: Ctx) -> list[Reply]:
    """`/tinhhinh`: the current slot and the risk update, for a unit or the organization."""
    unit = _pick(ctx, "st")
    return unit if isinstance(unit, list) else await _status(ctx, unit)


async def missing(ctx: Ctx) -> list[Reply]:
    """`/chuakhai`: who has not declared for the current slot."""
    unit = _pick(ctx, "mi")
    return unit if isinstance(unit, list) else await _missing(ctx, unit)


async def nudge(ctx: Ctx) -> list[Reply]:
    """`/nhac`: send the missing of a unit the current questionnaire now."""
    unit = _pick(ctx, "nu")
    return unit if isinstance(unit, list) else await _nudge(ctx, unit)


async def button(ctx: Ctx) -> list[Reply]:
    """`hd:st|mi|nu|fu:<unit>[:<slot ref>]`."""
    parts = (ctx.event.choice or "").split(":")
    action, unit = (parts[1], parts[2]) if len(parts) >= 3 else ("", "")
    if unit not in _choices(ctx.me()) or (unit == ORG and action in ("nu", "fu")):
        return [Reply(texts.NOT_YOUR_UNIT)]
    if action == "st":
        return await _status(ctx, unit)
    if action == "mi":
        return await _missing(ctx, unit)
    if action == "nu":
        return await _nudge(ctx, unit)
    ref = SlotRef.parse(parts[3]) if action == "fu" and len(parts) == 4 else None
    if ref is None:
        return [Reply(texts.FORGED_BUTTON)]
    summaries = await unit_summaries(ctx.services, ref, unit)
    return [Reply(part) for s in summaries for part in split_text(summary_text(s, full=True))]


async def _status(ctx: Ctx, unit: str) -> list[Reply]:
    ref = slot_at(ctx.services.slots, ctx.local_now)
    if unit == ORG:
        return [Reply(office_table(await ctx.store.unit_counts(ref), ref))]
    replies = [summary_reply(s) for s in await unit_summaries(ctx.services, ref, unit)]
    round_ = await ctx.store.latest_round(ref.day, unit)
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
    buttons = rows(Choice(f"hd:nu:{unit}", texts.NUDGE_BUTTON)) if unit != ORG else ()
    return [Reply(p) for p in parts[:-1]] + [Reply(parts[-1], choices=buttons)]


async def _nudge(ctx: Ctx, unit: str) -> list[Reply]:
    """At most once per NUDGE_MINUTES per unit, whoever asks."""
    store, services, now = ctx.store, ctx.services, ctx.now
    last = await store.last_nudge(unit)
    wait = timedelta(minutes=services.settings.nudge_minutes)
    if last is not None and now - last < wait:
        left = math.ceil((last + wait - now).total_seconds() / 60)
        at = services.local(last).strftime("%H:%M")
        return [Reply(texts.NUDGE_TOO_SOON.format(unit=unit, time=at, minutes=left))]
    ref = slot_at(services.slots, ctx.local_now)
    summaries = await unit_summaries(services, ref, unit)
    people = [p for s in summaries for p in s.missing]
    if not people:
        return [Reply(texts.NUDGE_NOBODY.format(unit=unit))]
    ids = {p.id for p in people}
    accounts = [a for p, a in await store.promptable(texts.CONSENT_VERSION) if p.id in ids]
    header = texts.NUDGE_HEADER.format(slot=texts.SLOT_NAMES[ref.slot]) + "\n" + prompt_header(ref)
    walk = start(services.form, ref)
    reply = screen(services.form, walk, header)
    await store.dispatch(ref, "nudge", accounts, walk.to_state(), reply, now)
    await store.record_nudge(unit, ref, ctx.me().id, len(accounts), now)
    return [Reply(texts.NUDGED.format(count=len(accounts), unit=unit))]
