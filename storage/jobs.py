"""Which daily jobs ran on a day: the catch-up and the re-run guard."""

from __future__ import annotations

from datetime import date, datetime

from storage.db import Repository, ts


class JobRepo(Repository):
    async def record_run(self, day: date, job: str, now: datetime) -> bool:
        """False when this job had already run that day."""
        changed = await self._execute(
            "INSERT OR IGNORE INTO job_runs (day, job, ran_at) VALUES (?, ?, ?)",
            (day.isoformat(), job, ts(now)),
        )
        return changed > 0

    async def runs(self, day: date) -> set[str]:
        rows = await self._fetchall("SELECT job FROM job_runs WHERE day = ?", (day.isoformat(),))
        return {r["job"] for r in rows}

    async def ran_between(self, first: date, last: date) -> bool:
        """Whether any job ran on a day of [first, last] (the bot was running then)."""
        row = await self._fetchone(
            "SELECT 1 FROM job_runs WHERE day BETWEEN ? AND ? LIMIT 1",
            (first.isoformat(), last.isoformat()),
        )
        return row is not None
