"""Sending the questionnaire: the slot's prompts (07:30 / 16:30), its reminders, and a head's
nudge of the missing all go through `send_questionnaire`. What is sent is recorded
(dispatches) with the outbox rows in one transaction, so a re-run sends only what is owed."""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Sequence
from datetime import date, timedelta

from core import texts
from core.declarations import due_prompts, due_reminders, prompt_header
from core.domain import Account, Person
from core.questionnaire import screen, start
from core.slots import SlotName, SlotRef, started_slot
from services import Services
from services.summaries import unit_summaries

log = logging.getLogger(__name__)


async def send_questionnaire(
    services: Services,
    ref: SlotRef,
    kind: str,
    people: Collection[int],
    header: str,
    reachable: Sequence[tuple[Person, Account]] | None = None,
) -> int:
    """The first screen to each of `people` who can be reached (`reachable`, if the caller
    has it already), their walk set to its start (for numbered replies), and the dispatch
    recorded; how many were queued."""
    store = services.store
    async with store.transaction():
        if reachable is None:
            reachable = await store.checkins.promptable(services.settings.consent_version)
        accounts = [account for person, account in reachable if person.id in people]
        walk = start(services.form, ref)
        reply = screen(services.form, walk, header)
        await store.checkins.dispatch(ref, kind, accounts, walk.to_state(), reply, services.now())
    log.info("%s %s: %d %ss queued", ref.day, ref.slot, len(accounts), kind)
    return len(accounts)


async def due_for_prompt(
    services: Services, ref: SlotRef
) -> tuple[list[tuple[Person, Account]], list[int]]:
    """Who can be reached, and who of them is due the slot's prompt: working day, consented,
    not on leave, not yet declared, not yet prompted (sets, and the day's rows only)."""
    store = services.store.checkins
    reachable = await store.promptable(services.settings.consent_version)
    due = due_prompts(
        services.calendar,
        ref.day,
        [person.id for person, _ in reachable],
        await store.on_leave(ref.day),
        await store.declared(ref),
        await store.dispatched(ref, "prompt"),
    )
    return reachable, due


async def send_prompts(services: Services, day: date, slot: SlotName) -> int:
    """The slot's prompt to everyone due (see `due_for_prompt`)."""
    ref = SlotRef(day, slot)
    async with services.store.transaction():  # who is due, and the sending, seen as one
        reachable, due = await due_for_prompt(services, ref)
        header = prompt_header(ref)
        return await send_questionnaire(services, ref, "prompt", set(due), header, reachable)


async def send_reminders(services: Services, day: date, slot: SlotName) -> int:
    """A reminder to those prompted who have not declared (once each)."""
    if not services.calendar.is_working_day(day):
        return 0
    store, ref = services.store.checkins, SlotRef(day, slot)
    close = next(s.close for s in services.slots if s.name == slot)
    header = texts.REMINDER_HEADER.format(slot=texts.SLOT_NAMES[slot], close=f"{close:%H:%M}")
    async with services.store.transaction():
        silent = due_reminders(
            await store.dispatched(ref, "prompt"),
            await store.declared(ref),
            await store.on_leave(day),
            await store.dispatched(ref, "reminder"),
        )
        return await send_questionnaire(services, ref, "reminder", set(silent), header)


async def nudge_unit(services: Services, unit: str, head: Person) -> str:
    """A head's nudge: the questionnaire now to the unit's missing, at most once per
    NUDGE_MINUTES per unit whoever asks; the text to answer the head with."""
    store, now = services.store.checkins, services.now()
    last = await store.last_nudge(unit)
    wait = timedelta(minutes=services.settings.nudge_minutes)
    if last is not None and now - last < wait:
        left = math.ceil((last + wait - now).total_seconds() / 60)
        at = services.local(last).strftime("%H:%M")
        return texts.NUDGE_TOO_SOON.format(unit=unit, time=at, minutes=left)
    ref = started_slot(services.slots, services.local(now))
    if ref is None or not services.calendar.is_working_day(ref.day):
        first = f"{services.slots[0].prompt:%H:%M}"
        return texts.NUDGE_NO_SLOT.format(first=first)
    missing = {p.id for s in await unit_summaries(services, ref, unit) for p in s.missing}
    if not missing:
        return texts.NUDGE_NOBODY.format(unit=unit)
    header = texts.NUDGE_HEADER.format(slot=texts.SLOT_NAMES[ref.slot]) + "\n" + prompt_header(ref)
    async with services.store.transaction():
        count = await send_questionnaire(services, ref, "nudge", missing, header)
        await store.record_nudge(unit, ref, head.id, count, now)
    return texts.NUDGED.format(count=count, unit=unit)
