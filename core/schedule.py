"""The day's timetable, pure: when each daily job runs and what a start-up still owes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class Timing:
    name: str  # stable job name: "morning:prompt"
    at: time  # local time of day
    until: time | None = None  # pointless from then on (a reminder after its close)
    needs: str | None = None  # only if this job had run before (no reminder on a late prompt)
    rerun: bool = False  # idempotent per person: run again at every start-up within [at, until)


def owed(timings: Iterable[Timing], now: time, done: set[str]) -> list[str]:
    """The jobs a start-up at `now` must run, in the order of the day; `done` is what had run
    today before this start-up."""
    names = []
    for timing in sorted(timings, key=lambda t: t.at):
        if now < timing.at or (timing.until is not None and now >= timing.until):
            continue
        if timing.needs is not None and timing.needs not in done:
            continue
        if timing.rerun or timing.name not in done:
            names.append(timing.name)
    return names
