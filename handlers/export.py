"""`/xuat`: an export asked for in the chat, by the office (a head: their own unit's
declarations and risk updates); `/baocao`: a period report (the office and the leadership: any
unit or all; a head: theirs), as a Word document or a workbook. The file is written after the
batch commits, by the export worker, and arrives as a document; every export, and every
refused attempt, is audited.

```mermaid
stateDiagram-v2
    [*] --> Kind: /xuat (anyone else: refused, audited)
    Kind --> Period: declarations / risk / summaries / stories / audit
    Period --> Unit: today / this week / this month
    Period --> Range: "Khoảng khác"
    Range --> Unit: "01/11/2026 - 15/11/2026"
    Unit --> Format: a unit, or all
    Format --> [*]: XLSX or CSV: queued, then sent as a document
```
Buttons: `ExportButton`; the choices so far wait in the conversation (`ExportChoices`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from core import texts
from core.buttons import ExportButton
from core.domain import Person, Role
from core.exports import KIND_NAMES
from core.leave import parse_day
from core.messages import Choice, Reply, quote, rows
from core.notices import sees_organization
from core.office import REPORT_KIND, ExportRequest
from core.reports import period_of
from handlers.router import Ctx, keep, restore
from services.limits import refuse_export
from services.office import queue_export

FLOW = "export"
FORMATS = {"xlsx": "Excel (XLSX)", "csv": "CSV"}
HEAD_KINDS = ("declarations", "risk")  # what a head may export of their own unit
REPORT_FORMATS = {"docx": "Word (DOCX)", "xlsx": "Excel (XLSX)"}


@dataclass(frozen=True)
class ExportChoices:
    kind: str = ""
    custom: bool = False  # a range is to be typed
    first: date | None = None
    last: date | None = None
    unit_chosen: bool = False
    unit: str | None = None  # None: every unit

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"kind": self.kind, "custom": self.custom}
        if self.first and self.last:
            state |= {"first": self.first.isoformat(), "last": self.last.isoformat()}
        if self.unit_chosen:
            state["unit"] = self.unit
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ExportChoices:
        first, last = state.get("first"), state.get("last")
        unit = state.get("unit")
        return cls(
            kind=str(state.get("kind", "")),
            custom=bool(state.get("custom")),
            first=date.fromisoformat(first) if first else None,
            last=date.fromisoformat(last) if last else None,
            unit_chosen="unit" in state,
            unit=str(unit) if unit else None,
        )


async def export(ctx: Ctx) -> list[Reply]:
    """`/xuat`: the office, anything; a head, their unit's declarations and risk updates;
    anyone else is refused, and the refusal audited."""
    me = ctx.me()
    if not me.has(Role.OFFICE) and not me.heads:
        return [await refuse_export(ctx.services, me, "/xuat", ctx.now)]
    if not ctx.event.channel.sends_documents:
        return [Reply(texts.DOCUMENTS_NOT_ON_CHANNEL)]
    kinds = KIND_NAMES if me.has(Role.OFFICE) else HEAD_KINDS
    buttons = rows(
        *(Choice(ExportButton("k", k).encode(), texts.EXPORT_KIND_NAMES[k]) for k in kinds)
    )
    return await _ask(ctx, ExportChoices(), Reply(texts.EXPORT_KIND_ASK, choices=buttons))


async def report(ctx: Ctx) -> list[Reply]:
    """`/baocao`: a period report, for the office (any unit, or all) and for heads (theirs)."""
    me = ctx.me()
    if not sees_organization(me) and not me.heads:
        return [Reply(texts.REPORT_NOT_ALLOWED)]
    if not ctx.event.channel.sends_documents:
        return [Reply(texts.DOCUMENTS_NOT_ON_CHANNEL)]
    periods = texts.REPORT_PERIODS.items()
    buttons = rows(*(Choice(ExportButton("p", p).encode(), label) for p, label in periods))
    return await _ask(
        ctx, ExportChoices(kind=REPORT_KIND), Reply(texts.REPORT_PERIOD_ASK, choices=buttons)
    )


async def button(ctx: Ctx) -> list[Reply]:
    me = ctx.me()
    pressed = ExportButton.decode(ctx.event.choice or "")
    choices = restore(ctx, FLOW, ExportChoices.from_state, ExportChoices())
    if pressed is None:
        return [Reply(texts.STALE_BUTTON)]
    if not _allowed(me, choices, pressed):
        return [await refuse_export(ctx.services, me, ctx.event.choice or "", ctx.now)]
    step, value = pressed.step, pressed.value
    today = ctx.local_now.date()
    if step == "p" and choices.kind == REPORT_KIND and value != "custom":
        period = period_of(value, today)
        if period is None:
            return [Reply(texts.STALE_BUTTON)]
        return await _unit_step(ctx, replace(choices, first=period[0], last=period[1]))
    if step == "k" and value in KIND_NAMES:
        periods = texts.EXPORT_PERIODS.items()
        buttons = rows(*(Choice(ExportButton("p", p).encode(), label) for p, label in periods))
        ask = Reply(texts.EXPORT_PERIOD_ASK, choices=buttons)
        return await _ask(ctx, ExportChoices(kind=value), ask)
    if step == "p" and choices.kind and value in texts.EXPORT_PERIODS:
        if value == "custom":
            return await _ask(ctx, replace(choices, custom=True), Reply(texts.EXPORT_CUSTOM_ASK))
        first = {
            "today": today,
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
        }[value]
        return await _unit_step(ctx, replace(choices, first=first, last=today))
    known = value == "*" or await ctx.store.people.unit(value) is not None
    if step == "u" and choices.first and known:
        unit = None if value == "*" else value
        return await _format_step(ctx, replace(choices, unit_chosen=True, unit=unit))
    if step == "f" and choices.unit_chosen and value in _formats(choices):
        return await _queue(ctx, choices, value)
    return [Reply(texts.STALE_BUTTON)]


async def _known(ctx: Ctx, unit: str) -> bool:
    return unit == "*" or await ctx.store.people.unit(unit) is not None


async def text(ctx: Ctx) -> list[Reply]:
    """A custom range typed while exporting: `01/11/2026 - 15/11/2026`."""
    choices = restore(ctx, FLOW, ExportChoices.from_state, ExportChoices())
    if not choices.custom:
        return [Reply(texts.EXPORT_TEXT_EXPECTED)]
    words = [w for w in re.split(r"\s*(?:-|–|đến|den|to)\s*|\s+", ctx.event.text.strip()) if w]
    today = ctx.local_now.date()
    days = [parse_day(w, today) for w in words]
    if len(days) != 2 or days[0] is None or days[1] is None or days[1] < days[0]:
        return [Reply(texts.EXPORT_CUSTOM_BAD.format(text=quote(ctx.event.text)))]
    return await _unit_step(ctx, replace(choices, first=days[0], last=days[1]))


def _allowed(me: Person, choices: ExportChoices, pressed: ExportButton) -> bool:
    """The office may do anything here. The leadership: a report of any unit or all. A head:
    a report, or their unit's declarations and risk updates, and only for a unit they head
    (the unit is checked at every step that names one; identity never comes from the button)."""
    if me.has(Role.OFFICE):
        return True
    kind = pressed.value if pressed.step == "k" else choices.kind
    if kind == REPORT_KIND and pressed.step == "k":
        return False  # a report begins with /baocao
    if kind == REPORT_KIND and me.has(Role.LEADER):
        return True
    if not me.heads or kind not in (REPORT_KIND, *HEAD_KINDS):
        return False
    return pressed.step != "u" or pressed.value in me.heads


def _formats(choices: ExportChoices) -> dict[str, str]:
    return REPORT_FORMATS if choices.kind == REPORT_KIND else FORMATS


async def _format_step(ctx: Ctx, choices: ExportChoices) -> list[Reply]:
    formats = _formats(choices).items()
    buttons = rows(*(Choice(ExportButton("f", f).encode(), label) for f, label in formats))
    return await _ask(ctx, choices, Reply(texts.EXPORT_FORMAT_ASK, choices=buttons))


async def _unit_step(ctx: Ctx, choices: ExportChoices) -> list[Reply]:
    me = ctx.me()
    org = me.has(Role.OFFICE) or (choices.kind == REPORT_KIND and me.has(Role.LEADER))
    if not org:  # a head's export or report: their unit, or one of theirs
        mine = sorted(me.heads)
        if len(mine) == 1:
            return await _format_step(ctx, replace(choices, unit_chosen=True, unit=mine[0]))
        units = [u for u in await ctx.store.people.units() if u.code in me.heads]
        buttons = rows(*(Choice(ExportButton("u", u.code).encode(), u.name) for u in units))
        return await _ask(ctx, choices, Reply(texts.EXPORT_UNIT_ASK, choices=buttons))
    units = await ctx.store.people.units()
    buttons = rows(
        Choice(ExportButton("u", "*").encode(), texts.EXPORT_ALL_UNITS),
        *(Choice(ExportButton("u", u.code).encode(), u.name) for u in units),
    )
    return await _ask(ctx, choices, Reply(texts.EXPORT_UNIT_ASK, choices=buttons))


async def _queue(ctx: Ctx, choices: ExportChoices, fmt: str) -> list[Reply]:
    if choices.first is None or choices.last is None:
        return [Reply(texts.STALE_BUTTON)]
    channel, chat = ctx.event.channel.value, ctx.event.chat_id
    request = ExportRequest(
        0, ctx.me().id, channel, chat, choices.kind, choices.first, choices.last, choices.unit, fmt
    )
    queued = await queue_export(ctx.services, request, ctx.now)
    await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
    return [ctx.in_place(Reply(queued))]


async def _ask(ctx: Ctx, choices: ExportChoices, reply: Reply) -> list[Reply]:
    await keep(ctx, FLOW, choices)
    return [ctx.in_place(reply) if ctx.event.choice else reply]
