"""The office in the chat: exports (`/xuat`), the audit log (`/nhatky`), announcements
(`/thongbao`). An export asked for here is written after the batch commits, by the export
worker, and arrives as a document; every export, and every refused attempt, is audited.

Buttons: `xp:<step>:<value>` (export) and `an:<step>[:<value>]` (announcement); the choices so
far wait in the conversation (`export`, `announce`)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bot import texts
from bot.domain import Role
from bot.exports import KIND_NAMES, day_text
from bot.leave import parse_day
from bot.messages import Choice, Reply, rows
from handlers.router import Ctx
from storage.office import ExportRequest

EXPORT, ANNOUNCE = "export", "announce"
MAX_ANNOUNCEMENT = 3000


async def export(ctx: Ctx) -> list[Reply]:
    """`/xuat`: the office only; anyone else is refused, and the refusal audited."""
    me = ctx.me()
    if not me.has(Role.OFFICE):
        await ctx.store.audit(ctx.now, me.full_name, "export-refused", me.id, detail="/xuat")
        return [Reply(texts.EXPORT_OFFICE_ONLY)]
    if not ctx.event.channel.sends_documents:
        return [Reply(texts.DOCUMENTS_NOT_ON_CHANNEL)]
    buttons = rows(*(Choice(f"xp:k:{k}", texts.EXPORT_KIND_NAMES[k]) for k in KIND_NAMES))
    return await _ask(ctx, EXPORT, {}, Reply(texts.EXPORT_KIND_ASK, choices=buttons))


async def export_button(ctx: Ctx) -> list[Reply]:
    me = ctx.me()
    if not me.has(Role.OFFICE):
        await ctx.store.audit(
            ctx.now, me.full_name, "export-refused", me.id, detail=ctx.event.choice
        )
        return [Reply(texts.EXPORT_OFFICE_ONLY)]
    _, step, value = ctx.choice_parts(3)
    state = dict(ctx.caller.state) if ctx.caller.flow == EXPORT else {}
    today = ctx.local_now.date()
    if step == "k" and value in KIND_NAMES:
        buttons = rows(*(Choice(f"xp:p:{p}", label) for p, label in texts.EXPORT_PERIODS.items()))
        return await _ask(
            ctx, EXPORT, {"kind": value}, Reply(texts.EXPORT_PERIOD_ASK, choices=buttons)
        )
    if step == "p" and "kind" in state and value in texts.EXPORT_PERIODS:
        if value == "custom":
            return await _ask(
                ctx, EXPORT, {**state, "custom": True}, Reply(texts.EXPORT_CUSTOM_ASK)
            )
        first = {
            "today": today,
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
        }[value]
        return await _unit_step(
            ctx, {**state, "first": first.isoformat(), "last": today.isoformat()}
        )
    if step == "u" and "first" in state and (value == "*" or await ctx.store.unit(value)):
        buttons = rows(Choice("xp:f:xlsx", "Excel (XLSX)"), Choice("xp:f:csv", "CSV"))
        unit = None if value == "*" else value
        return await _ask(
            ctx, EXPORT, {**state, "unit": unit}, Reply(texts.EXPORT_FORMAT_ASK, choices=buttons)
        )
    if step == "f" and "unit" in state and value in ("xlsx", "csv"):
        return await _queue(ctx, state, value)
    return [Reply(texts.STALE_BUTTON)]


async def export_text(ctx: Ctx) -> list[Reply]:
    """A custom range typed while exporting: `01/11/2026 - 15/11/2026`."""
    state = ctx.caller.state
    if not state.get("custom"):
        return [Reply(texts.EXPORT_TEXT_EXPECTED)]
    words = [w for w in re.split(r"\s*(?:-|–|đến|den|to)\s*|\s+", ctx.event.text.strip()) if w]
    today = ctx.local_now.date()
    days = [parse_day(w, today) for w in words]
    if len(days) != 2 or days[0] is None or days[1] is None or days[1] < days[0]:
        return [Reply(texts.EXPORT_CUSTOM_BAD.format(text=ctx.event.text.strip()))]
    return await _unit_step(
        ctx, {**state, "first": days[0].isoformat(), "last": days[1].isoformat()}
    )


async def _unit_step(ctx: Ctx, state: dict[str, Any]) -> list[Reply]:
    units = await ctx.store.units()
    buttons = rows(
        Choice("xp:u:*", texts.EXPORT_ALL_UNITS), *(Choice(f"xp:u:{u.code}", u.name) for u in units)
    )
    return await _ask(ctx, EXPORT, state, Reply(texts.EXPORT_UNIT_ASK, choices=buttons))


async def _queue(ctx: Ctx, state: dict[str, Any], fmt: str) -> list[Reply]:
    first, last = date.fromisoformat(state["first"]), date.fromisoformat(state["last"])
    request = ExportRequest(
        0,
        ctx.me().id,
        ctx.event.channel.value,
        ctx.event.chat_id,
        state["kind"],
        first,
        last,
        state["unit"],
        fmt,
    )
    await ctx.store.request_export(request, ctx.now)
    await ctx.store.end_conversation(ctx.event.channel, ctx.event.account_id)
    text = texts.EXPORT_QUEUED.format(
        kind=texts.EXPORT_KIND_NAMES[request.kind], first=day_text(first), last=day_text(last),
        unit=request.unit or texts.EXPORT_ALL_UNITS,
    )  # fmt: skip
    return [ctx.in_place(Reply(text))]


async def audit_log(ctx: Ctx) -> list[Reply]:
    """`/nhatky`: the most recent audit entries."""
    entries = await ctx.store.recent_audit()
    if not entries:
        return [Reply(texts.AUDIT_NONE)]
    lines = [texts.AUDIT_HEADER]
    for e in entries:
        what = f" {e.kind}" if e.kind else ""
        if e.first and e.last:
            what += f" {day_text(e.first)}–{day_text(e.last)}"
        if e.unit:
            what += f" {e.unit}"
        if e.rows is not None:
            what += f" ({e.rows} dòng)"
        at = ctx.services.local(e.at).strftime("%d/%m %H:%M")
        lines.append(
            texts.AUDIT_LINE.format(
                at=at, actor=e.actor, action=texts.AUDIT_ACTIONS.get(e.action, e.action), what=what
            )
        )
    return [Reply("\n".join(lines))]


async def announce(ctx: Ctx) -> list[Reply]:
    """`/thongbao`: to everyone or one unit, with a preview and a confirmation."""
    units = await ctx.store.units()
    buttons = rows(
        Choice("an:a:*", texts.ANNOUNCE_EVERYONE),
        *(Choice(f"an:a:{u.code}", u.name) for u in units),
    )
    return await _ask(ctx, ANNOUNCE, {}, Reply(texts.ANNOUNCE_AUDIENCE_ASK, choices=buttons))


async def announce_button(ctx: Ctx) -> list[Reply]:
    _, step, value = ctx.choice_parts(3)
    state = dict(ctx.caller.state) if ctx.caller.flow == ANNOUNCE else {}
    if step == "a" and (value == "*" or await ctx.store.unit(value)):
        return await _ask(
            ctx, ANNOUNCE, {"unit": None if value == "*" else value}, Reply(texts.ANNOUNCE_TEXT_ASK)
        )
    if step == "send" and state.get("text"):
        return await _send_announcement(ctx, state)
    if step == "st" and value.isdigit():
        counts = await ctx.store.announcement_delivery(int(value))
        status = texts.ANNOUNCE_STATUS.format(
            id=value,
            sent=counts.get("sent", 0),
            pending=counts.get("pending", 0),
            failed=counts.get("failed", 0),
        )
        return [Reply(status, choices=rows(Choice(f"an:st:{value}", texts.ANNOUNCE_STATUS_BUTTON)))]
    return [Reply(texts.STALE_BUTTON)]


async def announce_text(ctx: Ctx) -> list[Reply]:
    state = ctx.caller.state
    text = ctx.event.text.strip()
    if "unit" not in state or not text:
        return [Reply(texts.ANNOUNCE_TEXT_ASK)]
    if len(text) > MAX_ANNOUNCEMENT:
        return [Reply(texts.ANNOUNCE_TOO_LONG.format(count=len(text)))]
    audience = state["unit"] or texts.ANNOUNCE_EVERYONE.lower()
    preview = texts.ANNOUNCE_PREVIEW.format(audience=audience, text=text)
    buttons = rows(Choice("an:send", texts.ANNOUNCE_SEND), Choice("dd:cancel", texts.DEED_CANCEL))
    return await _ask(ctx, ANNOUNCE, {**state, "text": text}, Reply(preview, choices=buttons))


async def _send_announcement(ctx: Ctx, state: dict[str, Any]) -> list[Reply]:
    me, unit = ctx.me(), state.get("unit")
    people = [
        p.id
        for p in await ctx.store.all_people()
        if p.active and (unit is None or p.unit.code == unit)
    ]
    message = Reply(texts.ANNOUNCE_HEADER.format(org=ctx.settings.org_name, text=state["text"]))
    number, queued, unreachable = await ctx.store.announce(me.id, unit, message, people, ctx.now)
    await ctx.store.audit(
        ctx.now, me.full_name, "announce", me.id, unit=unit, rows=queued, detail=f"#{number}"
    )
    await ctx.store.end_conversation(ctx.event.channel, ctx.event.account_id)
    done = texts.ANNOUNCE_QUEUED.format(id=number, queued=queued, unreachable=unreachable)
    return [
        ctx.in_place(
            Reply(done, choices=rows(Choice(f"an:st:{number}", texts.ANNOUNCE_STATUS_BUTTON)))
        )
    ]


async def _ask(ctx: Ctx, flow: str, state: dict[str, Any], reply: Reply) -> list[Reply]:
    await ctx.store.set_conversation(ctx.event.channel, ctx.event.account_id, flow, state, ctx.now)
    return [ctx.in_place(reply) if ctx.event.choice else reply]
