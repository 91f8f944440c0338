"""The office in the chat: exports (`/xuat`), the audit log (`/nhatky`), announcements
(`/thongbao`). An export asked for here is written after the batch commits, by the export
worker, and arrives as a document; every export, and every refused attempt, is audited.

Buttons: `ExportButton` and `AnnounceButton`; the choices so far wait in the conversation
(`export`, `announce`)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from core import texts
from core.buttons import AnnounceButton, ExportButton, ProposalButton
from core.domain import Role
from core.exports import KIND_NAMES, day_text
from core.leave import parse_day
from core.messages import Choice, Reply, rows
from core.office import ExportRequest
from handlers.router import Ctx
from services.office import announce as send_announcement
from services.office import queue_export, refuse_export

EXPORT, ANNOUNCE = "export", "announce"
MAX_ANNOUNCEMENT = 3000


async def export(ctx: Ctx) -> list[Reply]:
    """`/xuat`: the office only; anyone else is refused, and the refusal audited."""
    me = ctx.me()
    if not me.has(Role.OFFICE):
        return [await refuse_export(ctx.services, me, "/xuat", ctx.now)]
    if not ctx.event.channel.sends_documents:
        return [Reply(texts.DOCUMENTS_NOT_ON_CHANNEL)]
    buttons = rows(
        *(Choice(ExportButton("k", k).encode(), texts.EXPORT_KIND_NAMES[k]) for k in KIND_NAMES)
    )
    return await _ask(ctx, EXPORT, {}, Reply(texts.EXPORT_KIND_ASK, choices=buttons))


async def export_button(ctx: Ctx) -> list[Reply]:
    me = ctx.me()
    if not me.has(Role.OFFICE):
        return [await refuse_export(ctx.services, me, ctx.event.choice or "", ctx.now)]
    pressed = ExportButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.STALE_BUTTON)]
    step, value = pressed.step, pressed.value
    state = dict(ctx.caller.state) if ctx.caller.flow == EXPORT else {}
    today = ctx.local_now.date()
    if step == "k" and value in KIND_NAMES:
        buttons = rows(
            *(
                Choice(ExportButton("p", p).encode(), label)
                for p, label in texts.EXPORT_PERIODS.items()
            )
        )
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
    if step == "u" and "first" in state and (value == "*" or await ctx.store.people.unit(value)):
        buttons = rows(
            Choice(ExportButton("f", "xlsx").encode(), "Excel (XLSX)"),
            Choice(ExportButton("f", "csv").encode(), "CSV"),
        )
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
    units = await ctx.store.people.units()
    buttons = rows(
        Choice(ExportButton("u", "*").encode(), texts.EXPORT_ALL_UNITS),
        *(Choice(ExportButton("u", u.code).encode(), u.name) for u in units),
    )
    return await _ask(ctx, EXPORT, state, Reply(texts.EXPORT_UNIT_ASK, choices=buttons))


async def _queue(ctx: Ctx, state: dict[str, Any], fmt: str) -> list[Reply]:
    first, last = date.fromisoformat(state["first"]), date.fromisoformat(state["last"])
    channel, chat = ctx.event.channel.value, ctx.event.chat_id
    request = ExportRequest(
        0, ctx.me().id, channel, chat, state["kind"], first, last, state["unit"], fmt
    )
    text = await queue_export(ctx.services, request, ctx.now)
    await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
    return [ctx.in_place(Reply(text))]


async def audit_log(ctx: Ctx) -> list[Reply]:
    """`/nhatky`: the most recent audit entries."""
    entries = await ctx.store.office.recent_audit()
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
            what += texts.AUDIT_ROWS.format(rows=e.rows)
        at = ctx.services.local(e.at).strftime("%d/%m %H:%M")
        lines.append(
            texts.AUDIT_LINE.format(
                at=at, actor=e.actor, action=texts.AUDIT_ACTIONS.get(e.action, e.action), what=what
            )
        )
    return [Reply("\n".join(lines))]


async def announce(ctx: Ctx) -> list[Reply]:
    """`/thongbao`: to everyone or one unit, with a preview and a confirmation."""
    units = await ctx.store.people.units()
    buttons = rows(
        Choice(AnnounceButton("a", "*").encode(), texts.ANNOUNCE_EVERYONE),
        *(Choice(AnnounceButton("a", str(u.code)).encode(), u.name) for u in units),
    )
    return await _ask(ctx, ANNOUNCE, {}, Reply(texts.ANNOUNCE_AUDIENCE_ASK, choices=buttons))


async def announce_button(ctx: Ctx) -> list[Reply]:
    pressed = AnnounceButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.STALE_BUTTON)]
    step, value = pressed.step, pressed.value
    state = dict(ctx.caller.state) if ctx.caller.flow == ANNOUNCE else {}
    if step == "a" and (value == "*" or await ctx.store.people.unit(value)):
        return await _ask(
            ctx, ANNOUNCE, {"unit": None if value == "*" else value}, Reply(texts.ANNOUNCE_TEXT_ASK)
        )
    if step == "send" and state.get("text"):
        return await _send_announcement(ctx, state)
    if step == "st":
        counts = await ctx.store.office.announcement_delivery(pressed.number)
        status = texts.ANNOUNCE_STATUS.format(
            id=value,
            sent=counts.get("sent", 0),
            pending=counts.get("pending", 0),
            failed=counts.get("failed", 0),
        )
        return [
            Reply(
                status,
                choices=rows(
                    Choice(AnnounceButton("st", str(value)).encode(), texts.ANNOUNCE_STATUS_BUTTON)
                ),
            )
        ]
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
    buttons = rows(
        Choice(AnnounceButton("send").encode(), texts.ANNOUNCE_SEND),
        Choice(ProposalButton("cancel").encode(), texts.DEED_CANCEL),
    )
    return await _ask(ctx, ANNOUNCE, {**state, "text": text}, Reply(preview, choices=buttons))


async def _send_announcement(ctx: Ctx, state: dict[str, Any]) -> list[Reply]:
    unit = state.get("unit")
    number, queued, unreachable = await send_announcement(
        ctx.services, ctx.me(), unit, state["text"], ctx.now
    )
    await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
    done = texts.ANNOUNCE_QUEUED.format(id=number, queued=queued, unreachable=unreachable)
    status = Choice(AnnounceButton("st", str(number)).encode(), texts.ANNOUNCE_STATUS_BUTTON)
    return [ctx.in_place(Reply(done, choices=rows(status)))]


async def _ask(ctx: Ctx, flow: str, state: dict[str, Any], reply: Reply) -> list[Reply]:
    await ctx.store.inbox.set_conversation(
        ctx.event.channel, ctx.event.account_id, flow, state, ctx.now
    )
    return [ctx.in_place(reply) if ctx.event.choice else reply]
