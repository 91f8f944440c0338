"""Jobs derived from settings and the database, on python-telegram-bot's JobQueue (one
scheduler), under stable names; a catch-up pass at start-up runs what today still owes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from bot.schedule import Timing, owed
from handlers.router import Services
from scheduler.checkin import close_slot, send_prompts, send_reminders
from scheduler.risk import escalate, remind_sheets, send_sheets

log = logging.getLogger(__name__)

Step = Callable[[Services, date], Awaitable[int]]


@dataclass(frozen=True)
class JobSpec:
    timing: Timing
    step: Step

    @property
    def name(self) -> str:
        return self.timing.name

    async def run(self, services: Services, now: datetime) -> int:
        """Run for the local day of `now`, recording the run with what it queued (one
        transaction: a crash leaves neither)."""
        day = services.local(now).date()
        async with services.store.transaction():
            await services.store.record_run(day, self.name, services.clock.now())
            return await self.step(services, day)


def job_specs(services: Services) -> list[JobSpec]:
    """Every daily job, in the order of the day."""
    specs = []
    for slot in services.slots:
        prompt = f"{slot.name}:prompt"
        specs += [
            JobSpec(
                Timing(prompt, slot.prompt, until=slot.close, rerun=True),
                partial(send_prompts, slot=slot.name),
            ),
            JobSpec(
                Timing(f"{slot.name}:reminder", slot.reminder, until=slot.close, needs=prompt),
                partial(send_reminders, slot=slot.name),
            ),
            JobSpec(Timing(f"{slot.name}:close", slot.close), partial(close_slot, slot=slot.name)),
        ]
    sheet, reminder, deadline = services.settings.risk
    specs += [
        JobSpec(Timing("risk:sheet", sheet), send_sheets),
        JobSpec(
            Timing("risk:reminder", reminder, until=deadline, needs="risk:sheet"), remind_sheets
        ),
        JobSpec(Timing("risk:deadline", deadline), escalate),
    ]
    return sorted(specs, key=lambda s: s.timing.at)


async def catch_up(services: Services) -> int:
    """At start-up: what today still owes (the bot may have been down when a job was due)."""
    now = services.local(services.clock.now())
    specs = {spec.name: spec for spec in job_specs(services)}
    done = await services.store.runs(now.date())
    queued = 0
    for name in owed([s.timing for s in specs.values()], now.time(), done):
        count = await specs[name].run(services, now)
        log.info("catch-up %s: %d", name, count)
        queued += count
    return queued
