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
Button ids: `rk:<action>:<unit>:<yyyymmdd>[:<arg>[:<arg>]]`; the unit is checked against the
sender's own every time.
"""

from __future__ import annotations

from datetime import date, datetime

from bot import texts
from bot.domain import Person, Unit
from bot.messages import Choice, Reply, rows
from bot.questionnaire import risk_tags
from bot.risk import RiskLevel, RiskRound, SheetRow, is_late, sheet_rows, sheet_text
from bot.slots import SlotName, SlotRef
from handlers.router import Ctx, Services

PAGE = 8


async def unit_sheet(services: Services, day: date, unit: str) -> tuple[Unit, list[SheetRow]]:
    """The unit's sheet as it stands: suggestions from today's declarations, the head's
    changes, and the marks of what differs from the levels last put on the map."""
    store = services.store
    standings = await store.standings(SlotRef(day, SlotName.MORNING), texts.CONSENT_VERSION, unit)
    tags: dict[int, list[set[str]]] = {}
    for declaration in await store.day_declarations(day, unit):
        tags.setdefault(declaration.person_id, []).append(
            risk_tags(services.form, declaration.answers)
        )
    rows_ = sheet_rows(
        [(s.person, s.on_leave) for s in standings],
        tags,
        await store.risk_changes(day, unit),
        await store.previous_levels(unit, day),
    )
    known = await store.unit(unit)
    return known or Unit(unit, unit), rows_


def sheet_reply(
    services: Services, unit: Unit, round_: RiskRound, sheet: list[SheetRow], header: str = ""
) -> Reply:
    deadline = services.settings.risk[2]
    text = sheet_text(unit, round_.day, sheet, deadline)
    key = f"{unit.code}:{round_.day:%Y%m%d}"
    buttons = rows(
        Choice(f"rk:ok:{key}:{round_.number}", texts.RISK_CONFIRM_BUTTON),
        Choice(f"rk:ed:{key}:0", texts.RISK_EDIT_BUTTON),
    )
    return Reply(f"{header}\n\n{text}" if header else text, choices=buttons)


def round_status(services: Services, unit: str, round_: RiskRound | None) -> str:
    """One line for /tinhhinh: where the unit's risk update of today stands."""
    if round_ is None:
        return texts.RISK_NO_SHEET.format(unit=unit)
    if round_.confirmed_at is not None:
        at = services.local(round_.confirmed_at).strftime("%H:%M")
        return texts.RISK_ALREADY_CONFIRMED.format(unit=unit, time=at)
    return texts.RISK_REMINDER.format(unit=unit, deadline=f"{services.settings.risk[2]:%H:%M}")


async def heads_sheet(
    services: Services, heads: list[Person], round_: RiskRound, header: str = ""
) -> list[tuple[int, Reply]]:
    """The sheet for each head of the round's unit, as (person, reply) to queue."""
    unit, sheet = await unit_sheet(services, round_.day, round_.unit_code)
    reply = sheet_reply(services, unit, round_, sheet, header)
    return [(h.id, reply) for h in heads if h.heads_unit(round_.unit_code)]


async def button(ctx: Ctx) -> list[Reply]:
    parts = (ctx.event.choice or "").split(":")
    if len(parts) < 4 or parts[2] not in ctx.me().heads:
        return [Reply(texts.NOT_YOUR_UNIT)]
    action, unit, day_code, args = parts[1], parts[2], parts[3], parts[4:]
    today = ctx.local_now.date()
    round_ = await ctx.store.latest_round(today, unit)
    if round_ is None:
        return [Reply(texts.RISK_NO_SHEET.format(unit=unit))]
    if day_code != f"{today:%Y%m%d}" or (action == "ok" and args != [str(round_.number)]):
        return await _current(ctx, round_, texts.RISK_STALE)
    if action == "ok":
        return await _confirm(ctx, round_)
    if round_.confirmed_at is not None:
        return await _current(ctx, round_, "")
    if action == "ed" and len(args) == 1 and args[0].isdigit():
        return await _people(ctx, round_, int(args[0]))
    if action == "pp" and len(args) == 1 and args[0].isdigit():
        return await _levels(ctx, round_, int(args[0]))
    if action == "lv" and len(args) == 2 and args[0].isdigit() and args[1] in set(RiskLevel):
        return await _set_level(ctx, round_, int(args[0]), RiskLevel(args[1]))
    if action == "bk":
        return await _current(ctx, round_, "", edit=True)
    return [Reply(texts.FORGED_BUTTON)]


async def _current(ctx: Ctx, round_: RiskRound, header: str, edit: bool = False) -> list[Reply]:
    if round_.confirmed_at is not None:
        at = ctx.services.local(round_.confirmed_at).strftime("%H:%M")
        return [Reply(texts.RISK_ALREADY_CONFIRMED.format(unit=round_.unit_code, time=at))]
    unit, sheet = await unit_sheet(ctx.services, round_.day, round_.unit_code)
    reply = sheet_reply(ctx.services, unit, round_, sheet, header)
    return [ctx.in_place(reply) if edit else reply]


async def _confirm(ctx: Ctx, round_: RiskRound) -> list[Reply]:
    if round_.confirmed_at is not None:
        return await _current(ctx, round_, "")
    head, local = ctx.me(), ctx.local_now
    deadline = ctx.services.settings.risk[2]
    late = is_late(round_, local, deadline)
    unit, sheet = await unit_sheet(ctx.services, round_.day, round_.unit_code)
    levels = [(r.person.id, r.suggested, r.level) for r in sheet]
    await ctx.store.confirm_round(round_, head.id, ctx.now, late, levels)
    text = texts.RISK_CONFIRMED.format(
        unit=unit.name, time=f"{local:%H:%M}", day=f"{round_.day:%d/%m}"
    )
    if late:
        text += texts.RISK_CONFIRMED_LATE.format(deadline=f"{deadline:%H:%M}")
    replies = [ctx.in_place(Reply(sheet_text(unit, round_.day, sheet, deadline))), Reply(text)]
    note = texts.RISK_CONFIRMED_BY.format(
        head=head.full_name, unit=unit.name, time=f"{local:%H:%M}"
    )
    for colleague in await ctx.store.colleagues_to_alert():
        if colleague.id != head.id and colleague.heads_unit(unit.code):
            replies.append(Reply(note, to_person=colleague.id))
    return replies


async def _people(ctx: Ctx, round_: RiskRound, page: int) -> list[Reply]:
    unit, sheet = await unit_sheet(ctx.services, round_.day, round_.unit_code)
    key = f"{unit.code}:{round_.day:%Y%m%d}"
    shown = sheet[page * PAGE : (page + 1) * PAGE]
    buttons: list[tuple[Choice, ...]] = [
        (
            Choice(
                f"rk:pp:{key}:{r.person.id}", f"{r.person.full_name} — {texts.RISK_NAMES[r.level]}"
            ),
        )
        for r in shown
    ]
    paging = []
    if page > 0:
        paging.append(Choice(f"rk:ed:{key}:{page - 1}", texts.RISK_PREV))
    if (page + 1) * PAGE < len(sheet):
        paging.append(Choice(f"rk:ed:{key}:{page + 1}", texts.RISK_NEXT))
    if paging:
        buttons.append(tuple(paging))
    buttons.append((Choice(f"rk:bk:{key}", texts.RISK_BACK_BUTTON),))
    return [
        ctx.in_place(Reply(texts.RISK_CHOOSE_PERSON.format(unit=unit.name), choices=tuple(buttons)))
    ]


async def _levels(ctx: Ctx, round_: RiskRound, person_id: int) -> list[Reply]:
    unit, sheet = await unit_sheet(ctx.services, round_.day, round_.unit_code)
    row = next((r for r in sheet if r.person.id == person_id), None)
    if row is None:
        return [Reply(texts.FORGED_BUTTON)]
    key = f"{unit.code}:{round_.day:%Y%m%d}"
    buttons = rows(
        *(
            Choice(f"rk:lv:{key}:{person_id}:{level}", texts.RISK_NAMES[level])
            for level in reversed(RiskLevel)
        ),
        Choice(f"rk:ed:{key}:0", texts.RISK_BACK_BUTTON),
    )
    text = texts.RISK_CHOOSE_LEVEL.format(
        name=row.person.full_name, suggested=texts.RISK_NAMES[row.suggested]
    )
    return [ctx.in_place(Reply(text, choices=buttons))]


async def _set_level(ctx: Ctx, round_: RiskRound, person_id: int, level: RiskLevel) -> list[Reply]:
    _, sheet = await unit_sheet(ctx.services, round_.day, round_.unit_code)
    if not any(r.person.id == person_id for r in sheet):
        return [Reply(texts.FORGED_BUTTON)]
    await ctx.store.record_risk_change(
        round_.day, round_.unit_code, person_id, level, ctx.me().id, ctx.now
    )
    return await _current(ctx, round_, "", edit=True)


async def reopen_after_alert(
    services: Services, person: Person, leaders: list[Person], at: datetime
) -> list[Reply]:
    """A new alert in a unit whose update was confirmed today re-opens it: a new round, and
    the sheet to its heads at once, whatever the hour."""
    day, unit = services.local(at).date(), person.unit
    latest = await services.store.latest_round(day, unit.code)
    if latest is None or latest.confirmed_at is None:
        return []  # not sent yet, or still open: the heads will confirm with this alert in it
    round_ = await services.store.open_round(day, unit.code, "alert", at)
    local = services.local(at)
    header = texts.RISK_REOPENED.format(
        unit=unit.name, name=person.full_name, time=f"{local:%H:%M}"
    )
    sheets = await heads_sheet(services, leaders, round_, header)
    return [Reply(r.text, choices=r.choices, to_person=head) for head, r in sheets]
