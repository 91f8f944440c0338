"""The slot's scheduled steps: prompt, remind, close. Each is idempotent: what it sends is
recorded (dispatches) in the same transaction as the outbox rows, so a rerun after a crash or
at catch-up sends only what is still owed."""

from __future__ import annotations

import logging

from bot import texts
from bot.checkin import due_prompts, due_reminders
from bot.domain import Account
from bot.questionnaire import screen, start
from bot.slots import SlotRef
from handlers.checkin import FLOW, prompt_header
from handlers.router import Services

log = logging.getLogger(__name__)


async def send_prompts(services: Services, ref: SlotRef) -> int:
    store, now = services.store, services.clock.now()
    async with store.transaction():
        await store.record_slot_run(ref, "prompt", now)
        people = await store.promptable(texts.CONSENT_VERSION)
        due = set(
            due_prompts(
                services.calendar,
                ref.day,
                [p.id for p, _ in people],
                await store.on_leave(ref.day),
                await store.declared(ref),
                await store.dispatched(ref, "prompt"),
            )
        )
        header = prompt_header(ref)
        for person, account in people:
            if person.id in due:
                await _ask(services, ref, account, header)
                await store.record_dispatch(ref, "prompt", person.id, now)
    log.info("%s %s: %d prompts queued", ref.day, ref.slot, len(due))
    return len(due)


async def send_reminders(services: Services, ref: SlotRef) -> int:
    store, now = services.store, services.clock.now()
    if not services.calendar.is_working_day(ref.day):
        return 0
    close = next(s.close for s in services.slots if s.name == ref.slot)
    header = texts.REMINDER_HEADER.format(slot=texts.SLOT_NAMES[ref.slot], close=f"{close:%H:%M}")
    async with store.transaction():
        await store.record_slot_run(ref, "reminder", now)
        due = set(
            due_reminders(
                await store.dispatched(ref, "prompt"),
                await store.declared(ref),
                await store.on_leave(ref.day),
                await store.dispatched(ref, "reminder"),
            )
        )
        for person, account in await store.promptable(texts.CONSENT_VERSION):
            if person.id in due:
                await _ask(services, ref, account, header)
                await store.record_dispatch(ref, "reminder", person.id, now)
    log.info("%s %s: %d reminders queued", ref.day, ref.slot, len(due))
    return len(due)


async def close_slot(services: Services, ref: SlotRef) -> int:
    """Record that the slot closed; declarations after this are stored as late."""
    first = await services.store.record_slot_run(ref, "close", services.clock.now())
    return int(first)


async def _ask(services: Services, ref: SlotRef, account: Account, header: str) -> None:
    """The first screen, and the person's conversation set to it (for numbered replies)."""
    walk = start(services.form, ref)
    now = services.clock.now()
    store = services.store
    await store.set_conversation(account.channel, account.external_id, FLOW, walk.to_state(), now)
    await store.enqueue_reply(
        account.channel, account.chat_id, screen(services.form, walk, header), now
    )
