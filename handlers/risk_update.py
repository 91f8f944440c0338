"""The daily risk update: a head reviews the unit's sheet (levels suggested from today's
declarations), may change any level, and confirms the national map was updated.

```mermaid
stateDiagram-v2
    [*] --> Sheet: 14:00 (or a new alert after confirmation: a new round, at once)
    Sheet --> People: "Điều chỉnh mức"
    People --> Level: a person
    Level --> Sheet: a level (stored as a change)
    People --> Sheet: "Quay lại"
    Sheet --> Confirmed: "Đã cập nhật bản đồ" (late after 15:00 for the daily round)
    Sheet --> Sheet: 14:45 reminder; 15:00 the office hears of the units still open
```
Buttons: `RiskButton`; the unit is checked against the sender's own every time.
"""

from __future__ import annotations

from core import texts
from core.buttons import RiskButton
from core.messages import Choice, Reply, rows
from core.risk import RiskLevel, RiskRound
from handlers.router import Ctx
from services.risk_rounds import confirm, current_sheet, set_level, unit_sheet

PAGE = 8


async def button(ctx: Ctx) -> list[Reply]:
    pressed = RiskButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.FORGED_BUTTON)]
    if pressed.unit not in ctx.me().heads:
        return [Reply(texts.NOT_YOUR_UNIT)]
    round_ = await ctx.store.risk.latest_round(ctx.local_now.date(), pressed.unit)
    if round_ is None:
        return [Reply(texts.RISK_NO_SHEET.format(unit=pressed.unit))]
    stale = pressed.action == "ok" and pressed.number != round_.number
    if pressed.day != round_.day or stale:
        return await _current(ctx, round_, texts.RISK_STALE)
    if pressed.action == "ok":
        return await _confirm(ctx, round_)
    if round_.confirmed_at is not None:
        return await _current(ctx, round_, "")
    if pressed.action == "ed":
        return await _people(ctx, round_, pressed.number)
    if pressed.action == "pp":
        return await _levels(ctx, round_, pressed.number)
    changed = pressed.level is not None and await set_level(
        ctx.services, round_, pressed.number, pressed.level, ctx.me()
    )
    if pressed.action == "lv" and not changed:
        return [Reply(texts.FORGED_BUTTON)]
    return await _current(ctx, round_, "", edit=True)


async def _current(ctx: Ctx, round_: RiskRound, header: str, edit: bool = False) -> list[Reply]:
    if round_.confirmed_at is not None:
        at = ctx.services.local(round_.confirmed_at).strftime("%H:%M")
        return [Reply(texts.RISK_ALREADY_CONFIRMED.format(unit=round_.unit_code, time=at))]
    reply = await current_sheet(ctx.services, round_, header)
    return [ctx.in_place(reply) if edit else reply]


async def _confirm(ctx: Ctx, round_: RiskRound) -> list[Reply]:
    if round_.confirmed_at is not None:
        return await _current(ctx, round_, "")
    sheet, text, notices = await confirm(ctx.services, round_, ctx.me(), ctx.now)
    return [ctx.in_place(sheet), Reply(text), *ctx.notify(notices)]


async def _people(ctx: Ctx, round_: RiskRound, page: int) -> list[Reply]:
    unit, sheet = await unit_sheet(ctx.services, round_.day, round_.unit_code)

    def button(action: str, number: int, label: str) -> Choice:
        return Choice(RiskButton(action, unit.code, round_.day, number).encode(), label)

    shown = sheet[page * PAGE : (page + 1) * PAGE]
    buttons: list[tuple[Choice, ...]] = [
        (button("pp", r.person.id, f"{r.person.full_name} — {texts.RISK_NAMES[r.level]}"),)
        for r in shown
    ]
    paging = []
    if page > 0:
        paging.append(button("ed", page - 1, texts.RISK_PREV))
    if (page + 1) * PAGE < len(sheet):
        paging.append(button("ed", page + 1, texts.RISK_NEXT))
    if paging:
        buttons.append(tuple(paging))
    back = RiskButton("bk", unit.code, round_.day).encode()
    buttons.append((Choice(back, texts.RISK_BACK_BUTTON),))
    text = texts.RISK_CHOOSE_PERSON.format(unit=unit.name)
    return [ctx.in_place(Reply(text, choices=tuple(buttons)))]


async def _levels(ctx: Ctx, round_: RiskRound, person_id: int) -> list[Reply]:
    unit, sheet = await unit_sheet(ctx.services, round_.day, round_.unit_code)
    row = next((r for r in sheet if r.person.id == person_id), None)
    if row is None:
        return [Reply(texts.FORGED_BUTTON)]
    buttons = rows(
        *(
            Choice(
                RiskButton("lv", unit.code, round_.day, person_id, level).encode(),
                texts.RISK_NAMES[level],
            )
            for level in reversed(RiskLevel)
        ),
        Choice(RiskButton("ed", unit.code, round_.day, 0).encode(), texts.RISK_BACK_BUTTON),
    )
    text = texts.RISK_CHOOSE_LEVEL.format(
        name=row.person.full_name, suggested=texts.RISK_NAMES[row.suggested]
    )
    return [ctx.in_place(Reply(text, choices=buttons))]
