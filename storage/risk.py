"""The daily risk update: rounds, the levels a confirmation put on the map, heads' changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from core.risk import HeadLevel, RiskLevel, RiskRound
from storage.db import Repository, Row, from_ts, ts


def _round(row: Row) -> RiskRound:
    return RiskRound(
        day=date.fromisoformat(row["day"]),
        unit_code=row["unit_code"],
        number=row["round"],
        opened_at=from_ts(row["opened_at"]),
        reason=row["reason"],
        confirmed_by=row["confirmed_by"],
        confirmed_at=from_ts(row["confirmed_at"]) if row["confirmed_at"] else None,
        late=bool(row["late"]),
    )


class RiskRepo(Repository):
    # --- the risk update ----------------------------------------------------------------------

    async def open_round(self, day: date, unit: str, reason: str, now: datetime) -> RiskRound:
        """Open the day's first round (idempotent), or a new one after a confirmed one."""
        async with self.transaction():
            latest = await self.latest_round(day, unit)
            if latest is not None and (reason == "daily" or not latest.confirmed):
                return latest
            number = latest.number + 1 if latest else 1
            await self._execute(
                "INSERT INTO risk_rounds (day, unit_code, round, opened_at, reason)"
                " VALUES (?, ?, ?, ?, ?)",
                (day.isoformat(), unit, number, ts(now), reason),
            )
            return RiskRound(day, unit, number, now, reason)

    async def latest_round(self, day: date, unit: str) -> RiskRound | None:
        row = await self._fetchone(
            "SELECT * FROM risk_rounds WHERE day = ? AND unit_code = ? ORDER BY round DESC LIMIT 1",
            (day.isoformat(), unit),
        )
        return _round(row) if row else None

    async def open_rounds(self, day: date) -> list[RiskRound]:
        """Each unit's latest round of the day that is not confirmed yet."""
        rows = await self._fetchall(
            "SELECT * FROM risk_rounds r WHERE day = ? AND confirmed_at IS NULL"
            " AND round = (SELECT max(round) FROM risk_rounds x WHERE x.day = r.day"
            " AND x.unit_code = r.unit_code) ORDER BY unit_code",
            (day.isoformat(),),
        )
        return [_round(r) for r in rows]

    async def record_risk_change(
        self,
        day: date,
        unit: str,
        person_id: int,
        level: RiskLevel,
        by: int,
        now: datetime,
        suggested: RiskLevel | None = None,
    ) -> None:
        await self._execute(
            "INSERT INTO risk_changes (day, unit_code, person_id, level, changed_by, changed_at,"
            " suggested) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (day.isoformat(), unit, person_id, level.value, by, ts(now),
             suggested.value if suggested else None),
        )  # fmt: skip

    async def risk_changes(self, day: date, unit: str) -> dict[int, HeadLevel]:
        """Each person's latest level set by a head on or before `day`, with the suggestion it
        overrode (None for a change from before that was kept) and its day."""
        rows = await self._fetchall(
            "SELECT person_id, level, suggested, day FROM risk_changes"
            " WHERE unit_code = ? AND day <= ? ORDER BY id",
            (unit, day.isoformat()),
        )
        return {
            r["person_id"]: HeadLevel(
                RiskLevel(r["level"]),
                RiskLevel(r["suggested"]) if r["suggested"] else None,
                date.fromisoformat(r["day"]),
            )
            for r in rows
        }

    async def confirm_round(
        self,
        round_: RiskRound,
        by: int,
        now: datetime,
        late: bool,
        levels: Sequence[tuple[int, RiskLevel, RiskLevel]],
    ) -> bool:
        """Record what was put on the map (person, suggested, level); False if already done."""
        async with self.transaction():
            changed = await self._execute(
                "UPDATE risk_rounds SET confirmed_by = ?, confirmed_at = ?, late = ?"
                " WHERE day = ? AND unit_code = ? AND round = ? AND confirmed_at IS NULL",
                (by, ts(now), late, round_.day.isoformat(), round_.unit_code, round_.number),
            )
            if not changed:
                return False
            await self._executemany(
                "INSERT INTO risk_levels (day, unit_code, round, person_id, suggested, level)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        round_.day.isoformat(),
                        round_.unit_code,
                        round_.number,
                        pid,
                        s.value,
                        lv.value,
                    )
                    for pid, s, lv in levels
                ],
            )
        return True

    async def previous_levels(self, unit: str, before: date) -> dict[int, RiskLevel]:
        """The levels last put on the map for a unit before a day (its latest confirmed round)."""
        rows = await self._fetchall(
            "SELECT person_id, level FROM risk_levels WHERE unit_code = :unit AND (day, round) = ("
            " SELECT day, round FROM risk_rounds WHERE unit_code = :unit AND day < :day"
            " AND confirmed_at IS NOT NULL ORDER BY day DESC, round DESC LIMIT 1)",
            {"unit": unit, "day": before.isoformat()},
        )
        return {r["person_id"]: RiskLevel(r["level"]) for r in rows}

    # --- nudges -------------------------------------------------------------------------------

    # --- the week -----------------------------------------------------------------------------
