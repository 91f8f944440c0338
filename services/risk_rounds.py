"""The daily risk update: open the rounds and send the sheets (14:00), remind (14:45),
escalate (15:00), re-open a unit's update on a new alert, change a level, confirm."""

from __future__ import annotations

import logging
from datetime import date, datetime

from core import texts
from core.buttons import RiskButton
from core.domain import Person, Unit
from core.messages import Choice, Reply, rows
from core.notices import Notice, deadline_missed, heads_of
from core.questionnaire import risk_tags
from core.risk import RiskLevel, RiskRound, SheetRow, is_late, sheet_rows, sheet_text
from core.slots import SlotName, SlotRef
from services import Services

log = logging.getLogger(__name__)


async def unit_sheet(services: Services, day: date, unit: str) -> tuple[Unit, list[SheetRow]]:
    """The unit's sheet as it stands: suggestions from today's declarations, the head's
    changes, and the marks of what differs from the levels last put on the map."""
    store = services.store
    ref = SlotRef(day, SlotName.MORNING)
    standings = await store.checkins.standings(ref, services.settings.consent_version, unit)
    tags: dict[int, list[set[str]]] = {}
    for declaration in await store.checkins.day_declarations(day, unit):
        tags.setdefault(declaration.person_id, []).append(
            risk_tags(services.form, declaration.answers)
        )
    rows_ = sheet_rows(
        day,
        [(s.person, s.on_leave) for s in standings],
        tags,
        await store.risk.risk_changes(day, unit),
        await store.risk.previous_levels(unit, day),
    )
    known = await store.people.unit(unit)
    return known or Unit(unit, unit), rows_


def sheet_reply(
    services: Services, unit: Unit, round_: RiskRound, sheet: list[SheetRow], header: str = ""
) -> Reply:
    text = sheet_text(unit, round_.day, sheet, services.settings.risk[2])
    confirm = RiskButton("ok", unit.code, round_.day, round_.number)
    buttons = rows(
        Choice(confirm.encode(), texts.RISK_CONFIRM_BUTTON),
        Choice(RiskButton("ed", unit.code, round_.day, 0).encode(), texts.RISK_EDIT_BUTTON),
    )
    return Reply(f"{header}\n\n{text}" if header else text, choices=buttons)


async def current_sheet(services: Services, round_: RiskRound, header: str = "") -> Reply:
    unit, sheet = await unit_sheet(services, round_.day, round_.unit_code)
    return sheet_reply(services, unit, round_, sheet, header)


def round_status(services: Services, unit: str, round_: RiskRound | None) -> str:
    """One line for /tinhhinh: where the unit's risk update of today stands."""
    if round_ is None:
        return texts.RISK_NO_SHEET.format(unit=unit)
    if round_.confirmed_at is not None:
        at = services.local(round_.confirmed_at).strftime("%H:%M")
        return texts.RISK_ALREADY_CONFIRMED.format(unit=unit, time=at)
    return texts.RISK_REMINDER.format(unit=unit, deadline=f"{services.settings.risk[2]:%H:%M}")


async def _to_heads(
    services: Services, leaders: list[Person], round_: RiskRound, header: str = ""
) -> list[Notice]:
    reply = await current_sheet(services, round_, header)
    return [(h.id, reply) for h in heads_of(round_.unit_code, leaders)]


def risk_day(services: Services, day: date) -> bool:
    """The risk update runs every day, weekends and holidays included ("hằng ngày"), unless
    the deployment sets it to working days."""
    return services.settings.risk_every_day or services.calendar.is_working_day(day)


async def send_sheets(services: Services, day: date) -> int:
    """Open the day's round for every unit and send each head the unit's sheet."""
    if not risk_day(services, day):
        return 0
    store, now = services.store, services.now()
    leaders = await store.people.leaders()
    notices: list[Notice] = []
    for unit in await store.people.units():
        round_ = await store.risk.open_round(day, unit.code, "daily", now)
        if round_.confirmed_at is None:
            notices += await _to_heads(services, leaders, round_)
    return await store.outbox.enqueue_for(notices, now)


async def remind_sheets(services: Services, day: date) -> int:
    """The sheet again, to the heads of units that have not confirmed."""
    if not risk_day(services, day):
        return 0
    store, now = services.store, services.now()
    leaders = await store.people.leaders()
    deadline = f"{services.settings.risk[2]:%H:%M}"
    notices: list[Notice] = []
    for round_ in await store.risk.open_rounds(day):
        header = texts.RISK_REMINDER.format(unit=round_.unit_code, deadline=deadline)
        notices += await _to_heads(services, leaders, round_, header)
    return await store.outbox.enqueue_for(notices, now)


async def escalate(services: Services, day: date) -> int:
    """At the deadline: the office hears which units missed it, and their heads that they are
    late (a confirmation from now on is stored as late)."""
    if not risk_day(services, day):
        return 0
    store = services.store
    units = {u.code: u for u in await store.people.units()}
    open_rounds = await store.risk.open_rounds(day)
    leaders = await store.people.leaders()
    notices = deadline_missed(day, open_rounds, units, leaders, services.settings.risk[2])
    log.info(
        "%s: %d units missed the risk deadline", day, sum(r.reason == "daily" for r in open_rounds)
    )
    return await store.outbox.enqueue_for(notices, services.now())


async def reopen_after_alert(
    services: Services, person: Person, leaders: list[Person], at: datetime
) -> list[Notice]:
    """A new alert opens the unit's update at once, whatever the hour or the day: the day's
    round if none is open yet (it is then due at the deadline as every day), a new round after
    a confirmation, or the open round's sheet again with the alert in it."""
    day, unit = services.local(at).date(), person.unit
    values = {"unit": unit.name, "name": person.full_name, "time": f"{services.local(at):%H:%M}"}
    latest = await services.store.risk.latest_round(day, unit.code)
    if latest is None:
        round_ = await services.store.risk.open_round(day, unit.code, "daily", at)
        header = texts.RISK_OPENED_BY_ALERT.format(**values)
    elif latest.confirmed_at is None:
        round_, header = latest, texts.RISK_ALERT_IN_OPEN.format(**values)
    else:
        round_ = await services.store.risk.open_round(day, unit.code, "alert", at)
        header = texts.RISK_REOPENED.format(**values)
    return await _to_heads(services, leaders, round_, header)


async def set_level(
    services: Services, round_: RiskRound, person_id: int, level: RiskLevel, head: Person
) -> bool:
    """A head's change of one person's level; False if the person is not on the sheet."""
    _, sheet = await unit_sheet(services, round_.day, round_.unit_code)
    row = next((r for r in sheet if r.person.id == person_id), None)
    if row is None:
        return False
    await services.store.risk.record_risk_change(
        round_.day, round_.unit_code, person_id, level, head.id, services.now(), row.suggested
    )
    return True


async def confirm(
    services: Services, round_: RiskRound, head: Person, at: datetime
) -> tuple[Reply, str, list[Notice]]:
    """The head confirms the map was updated with the sheet as it stands: the levels stored
    (late after the deadline for the daily round); the sheet, the head's answer, and a note
    to the unit's other heads."""
    local, deadline = services.local(at), services.settings.risk[2]
    late = is_late(round_, local, deadline)
    unit, sheet = await unit_sheet(services, round_.day, round_.unit_code)
    levels = [(r.person.id, r.suggested, r.level) for r in sheet]
    await services.store.risk.confirm_round(round_, head.id, at, late, levels)
    text = texts.RISK_CONFIRMED.format(
        unit=unit.name, time=f"{local:%H:%M}", day=f"{round_.day:%d/%m}"
    )
    if late:
        text += texts.RISK_CONFIRMED_LATE.format(deadline=f"{deadline:%H:%M}")
    note = Reply(
        texts.RISK_CONFIRMED_BY.format(head=head.full_name, unit=unit.name, time=f"{local:%H:%M}")
    )
    others = [
        p for p in heads_of(unit.code, await services.store.people.leaders()) if p.id != head.id
    ]
    final = Reply(sheet_text(unit, round_.day, sheet, deadline))
    return final, text, [(p.id, note) for p in others]
