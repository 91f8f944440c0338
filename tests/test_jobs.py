"""Each job is idempotent per job and day: run again the same day, it queues nothing."""

from __future__ import annotations

from datetime import datetime, time

from core.slots import SlotName
from scheduler import JobSpec, job_specs
from tests.harness import Harness
from tests.test_checkin_day import prompts, twenty


def spec(harness: Harness, name: str) -> JobSpec:
    return next(s for s in job_specs(harness.running.bot_data.services) if s.name == name)


async def test_the_morning_prompt_job_run_twice_queues_nothing_the_second_time(
    harness: Harness,
) -> None:
    people = await harness.enrol(twenty()[:4])
    services = harness.running.bot_data.services
    at = datetime.combine(harness.clock.now().date(), time(7, 30), services.settings.tz)
    harness.clock.current = at
    prompt = spec(harness, f"{SlotName.MORNING}:prompt")
    assert await prompt.run(services, at) == 4
    assert await prompt.run(services, at) == 0
    await harness.pump()
    assert sorted(len(prompts(u)) for u in people.values()) == [1, 1, 1, 1]


async def test_every_job_run_twice_on_a_day_queues_nothing_the_second_time(
    harness: Harness,
) -> None:
    """The summaries at the close, the risk sheet, its reminder and the deadline: the second
    run of each finds it ran already."""
    await harness.enrol(twenty()[:6])
    services = harness.running.bot_data.services
    day = harness.clock.now().date()
    for job in job_specs(services):
        at = datetime.combine(day, job.timing.at, services.settings.tz)
        harness.clock.current = at
        first = await job.run(services, at)
        assert await job.run(services, at) == 0, job.name
        if job.name in ("morning:close", "risk:sheet", "risk:deadline"):
            assert first > 0, job.name  # there was something to send the first time
