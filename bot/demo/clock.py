"""The demo's clock: simulated time that runs at a chosen speed, pauses, and jumps forward. The
product reads it like any clock; the demo's timetable fires the daily jobs as it passes them."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

SPEEDS = (1, 60, 600)


class DemoClock:
    def __init__(self, start: datetime, speed: float = 60, paused: bool = False) -> None:
        self._base = start
        self._real = time.monotonic()
        self.speed = speed
        self.paused = paused

    def now(self) -> datetime:
        if self.paused:
            return self._base
        return self._base + timedelta(seconds=(time.monotonic() - self._real) * self.speed)

    def _rebase(self, at: datetime) -> None:
        self._base, self._real = at, time.monotonic()

    def set_speed(self, speed: float) -> None:
        self._rebase(self.now())
        self.speed = speed

    def pause(self, paused: bool) -> None:
        self._rebase(self.now())
        self.paused = paused

    def jump(self, to: datetime) -> None:
        """Forward only: time that has passed stays passed (the jobs it fired stay fired)."""
        self._rebase(max(to, self.now()))
