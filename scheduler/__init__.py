"""The one timing table of the day, its installation on python-telegram-bot's JobQueue (the
one scheduler) under stable names, and the catch-up pass at start-up. Each job calls a service
and is idempotent per job and day: a job that has run for a day sends nothing when run again,
unless it is meant to repeat (the prompts, which never prompt anyone twice)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import JobQueue

from core.notices import Notice
from core.schedule import Timing, owed
from services import Services
from services.privacy import ask_consent_again, retention
from services.prompts import send_prompts, send_reminders
from services.reports import monthly_reports
from services.risk_rounds import escalate, remind_sheets, send_sheets
from services.summaries import close_slot, weekly_charts

log = logging.getLogger(__name__)

Step = Callable[[Services, date], Awaitable[int]]
Before = Callable[[Services, date], Awaitable[list[Notice]]]
HOUSEKEEPING = "housekeeping"


@dataclass(frozen=True)
class JobSpec:
    timing: Timing
    step: Step
    # slow reading and drawing done before the job's transaction (which holds the database):
    # its notices are queued with the step's, and only by the day's first run
    before: Before | None = None

    @property
    def name(self) -> str:
        return self.timing.name

    async def run(self, services: Services, now: datetime) -> int:
        """Run for the local day of `now`, once: the run is recorded with what it queued (one
        transaction: a crash leaves neither); a second run that day queues nothing, unless the
        job is meant to repeat."""
        day = services.local(now).date()
        ready: list[Notice] = []
        if self.before is not None and self.name not in await services.store.jobs.runs(day):
            ready = await self.before(services, day)
        try:
            async with services.store.transaction():
                first = await services.store.jobs.record_run(day, self.name, services.now())
                if not first and not self.timing.rerun:
                    log.info("%s already ran on %s", self.name, day)
                    discard(ready)
                    return 0
                queued = await self.step(services, day)
                if ready:
                    queued += await services.store.outbox.enqueue_for(ready, services.now())
                return queued
        except BaseException:
            discard(ready)  # nothing was queued: the pictures would be left behind
            raise


def discard(notices: list[Notice]) -> None:
    """Pictures drawn for notices that will not be sent."""
    for _, reply in notices:
        if reply.image:
            Path(reply.image).unlink(missing_ok=True)


def job_specs(services: Services) -> list[JobSpec]:
    """Every daily job, in the order of the day: the one timing table."""
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
            JobSpec(
                Timing(f"{slot.name}:close", slot.close),
                partial(close_slot, slot=slot.name),
                before=partial(weekly_charts, slot=slot.name),
            ),
        ]
    sheet, reminder, deadline = services.settings.risk
    specs += [
        JobSpec(Timing("risk:sheet", sheet), send_sheets),
        JobSpec(
            Timing("risk:reminder", reminder, until=deadline, needs="risk:sheet"), remind_sheets
        ),
        JobSpec(Timing("risk:deadline", deadline), escalate),
        # after the morning's close: last month's report on the first working day of a month
        JobSpec(Timing("report:monthly", services.slots[0].close), monthly_reports),
    ]
    return sorted(specs, key=lambda s: s.timing.at)


def due_between(
    specs: list[JobSpec], start: datetime, end: datetime, tz: ZoneInfo
) -> list[tuple[datetime, JobSpec]]:
    """The runs whose moment comes after `start` and by `end`, in order: what the JobQueue
    would fire while a clock moves from one to the other (the tests' and the demo's clock)."""
    due = []
    first = start.astimezone(tz).date()
    for offset in range((end.astimezone(tz).date() - first).days + 1):
        for spec in specs:
            at = datetime.combine(first + timedelta(days=offset), spec.timing.at, tz)
            if start < at <= end:
                due.append((at, spec))
    return sorted(due, key=lambda pair: pair[0])


async def catch_up(services: Services) -> int:
    """At start-up: a changed consent notice asked again, and what today still owes (the bot
    may have been down when a job was due)."""
    await ask_consent_again(services)
    now = services.local(services.now())
    specs = {spec.name: spec for spec in job_specs(services)}
    done = await services.store.jobs.runs(now.date())
    queued = 0
    for name in owed([s.timing for s in specs.values()], now.time(), done):
        count = await specs[name].run(services, now)
        log.info("catch-up %s: %d", name, count)
        queued += count
    return queued


async def housekeeping(services: Services) -> int:
    """Every night: the retention of personal data (see `services.privacy.retention`), the
    consent asked again if the notice changed, inbound event keys older than a week (Telegram
    keeps updates for a day) and counted attempts older than a day forgotten."""
    now = services.now()
    erased = await retention(services)
    await ask_consent_again(services)
    forgotten = await services.store.inbox.forget_events_before(now - timedelta(days=7))
    forgotten += await services.store.office.forget_attempts_before(now - timedelta(days=1))
    log.info("housekeeping: %d people erased, %d keys and attempts forgotten", erased, forgotten)
    return forgotten


def install_jobs(job_queue: JobQueue[Any], services: Services, after: Callable[[], None]) -> None:
    """The daily jobs, derived from settings under stable names, replacing any of that name;
    `after` runs after each (it wakes the senders). Each reads the day from the clock."""
    tz = services.settings.tz

    def install(name: str, at: time, run: Callable[[], Awaitable[object]]) -> None:
        async def callback(_: object) -> None:
            await run()
            after()

        for old in job_queue.get_jobs_by_name(name):
            old.schedule_removal()
        job_queue.run_daily(
            callback,
            time=at.replace(tzinfo=tz),
            name=name,
            # APScheduler's default grace is 1 s: a busy loop would silently skip a prompt
            job_kwargs={"misfire_grace_time": 15 * 60, "coalesce": True},
        )

    for spec in job_specs(services):
        install(spec.name, spec.timing.at, partial(_run_now, spec, services))
    install(HOUSEKEEPING, time(3, 0), partial(housekeeping, services))


async def _run_now(spec: JobSpec, services: Services) -> int:
    return await spec.run(services, services.now())
