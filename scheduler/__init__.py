"""Jobs derived from settings and the database, on python-telegram-bot's JobQueue (one
scheduler), under stable names; a catch-up pass at start-up sends what a slot still owes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time

from bot.checkin import catch_up_steps
from bot.slots import SlotName, SlotRef
from handlers.router import Services
from scheduler.checkin import close_slot, send_prompts, send_reminders

log = logging.getLogger(__name__)

Step = Callable[[Services, SlotRef], Awaitable[int]]
STEPS: dict[str, Step] = {"prompt": send_prompts, "reminder": send_reminders, "close": close_slot}


@dataclass(frozen=True)
class JobSpec:
    name: str  # stable: "morning:prompt"
    at: time  # local
    slot: SlotName
    step: str

    async def run(self, services: Services, now: datetime) -> int:
        ref = SlotRef(services.local(now).date(), self.slot)
        return await STEPS[self.step](services, ref)


def job_specs(services: Services) -> list[JobSpec]:
    """Every daily job, in the order of the day."""
    specs = []
    for slot in services.slots:
        for step, at in (
            ("prompt", slot.prompt),
            ("reminder", slot.reminder),
            ("close", slot.close),
        ):
            specs.append(JobSpec(f"{slot.name}:{step}", at, slot.name, step))
    return sorted(specs, key=lambda s: s.at)


async def catch_up(services: Services) -> int:
    """At start-up: what today's slots still owe (the bot may have been down at prompt time)."""
    now = services.local(services.clock.now())
    done = await services.store.slot_runs(now.date())
    queued = 0
    for slot, step in catch_up_steps(services.slots, now.time(), done):
        count = await STEPS[step](services, SlotRef(now.date(), slot))
        log.info("catch-up %s %s: %d", slot, step, count)
        queued += count
    return queued
