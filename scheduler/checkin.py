"""The slot's scheduled steps: prompt, remind, close. Each is idempotent: what it sends is
recorded (dispatches) in the same transaction as the outbox rows, so a rerun after a crash or
at catch-up sends only what is still owed."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date

from bot import texts
from bot.checkin import due_prompts, due_reminders
from bot.questionnaire import screen, start
from bot.slots import SlotName, SlotRef
from bot.summary import week_days
from handlers.checkin import prompt_header
from handlers.router import Services
from scheduler.summaries import send_summaries, send_weekly

log = logging.getLogger(__name__)


async def send_prompts(services: Services, day: date, slot: SlotName) -> int:
    store, ref = services.store, SlotRef(day, slot)

    async def due(candidates: list[int]) -> set[int]:
        return set(
            due_prompts(
                services.calendar,
                ref.day,
                candidates,
                await store.on_leave(ref.day),
                await store.declared(ref),
                await store.dispatched(ref, "prompt"),
            )
        )

    return await _dispatch(services, ref, "prompt", prompt_header(ref), due)


async def send_reminders(services: Services, day: date, slot: SlotName) -> int:
    store, ref = services.store, SlotRef(day, slot)
    close = next(s.close for s in services.slots if s.name == ref.slot)
    header = texts.REMINDER_HEADER.format(slot=texts.SLOT_NAMES[ref.slot], close=f"{close:%H:%M}")

    async def due(candidates: list[int]) -> set[int]:
        if not services.calendar.is_working_day(ref.day):
            return set()
        silent = due_reminders(
            await store.dispatched(ref, "prompt"),
            await store.declared(ref),
            await store.on_leave(ref.day),
            await store.dispatched(ref, "reminder"),
        )
        return set(silent) & set(candidates)

    return await _dispatch(services, ref, "reminder", header, due)


async def close_slot(services: Services, day: date, slot: SlotName) -> int:
    """The slot's summaries to heads and the office; on the weekly day, the week's too.
    Declarations after the close are stored as late."""
    if not services.calendar.is_working_day(day):
        return 0
    sent = await send_summaries(services, SlotRef(day, slot))
    week = week_days(day, services.calendar, services.settings.weekly_day)
    if slot == SlotName.AFTERNOON and week:
        sent += await send_weekly(services, week)
    return sent


async def _dispatch(
    services: Services,
    ref: SlotRef,
    kind: str,
    header: str,
    due: Callable[[list[int]], Awaitable[set[int]]],
) -> int:
    """Send the first screen to everyone due, set their conversation to it (for numbered
    replies), and record the dispatch: one transaction, a few statements for any number."""
    store, now = services.store, services.clock.now()
    async with store.transaction():
        people = await store.promptable(texts.CONSENT_VERSION)
        chosen = await due([p.id for p, _ in people])
        accounts = [account for person, account in people if person.id in chosen]
        walk = start(services.form, ref)
        reply = screen(services.form, walk, header)
        await store.dispatch(ref, kind, accounts, walk.to_state(), reply, now)
    log.info("%s %s: %d %ss queued", ref.day, ref.slot, len(accounts), kind)
    return len(accounts)
