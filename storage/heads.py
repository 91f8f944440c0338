"""Queries for heads and the office: standings of a slot, risk updates, nudges, the week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from bot.checkin import Declaration
from bot.domain import Unit
from bot.risk import RiskLevel, RiskRound
from bot.slots import SlotName, SlotRef
from bot.summary import Standing, UnitCount, WeekRecord
from storage.checkins import CheckinQueries, declaration_from_row
from storage.db import from_ts, ts
from storage.people import PERSON_COLUMNS, PERSON_SQL, person_from_row

# A unit's standing walks people_unit, then looks each person up once per table.
_STANDING = f"""
    SELECT {PERSON_COLUMNS},
        d.id AS declaration_id, d.person_id, d.day, d.slot, d.answers, d.alert, d.late,
        d.declared_at,
        EXISTS (SELECT 1 FROM leaves l WHERE l.person_id = p.id AND l.cancelled_at IS NULL
                AND l.first_day <= :day AND l.last_day >= :day) AS on_leave,
        EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND a.unreachable_at IS NULL)
        AND EXISTS (SELECT 1 FROM consents s WHERE s.person_id = p.id AND s.version = :version
                    AND s.withdrawn_at IS NULL) AS reachable
    FROM people p JOIN units u ON u.code = p.unit_code
    LEFT JOIN checkins c ON c.day = :day AND c.slot = :slot AND c.person_id = p.id
    LEFT JOIN declarations d ON d.id = c.declaration_id
    WHERE p.active AND {{unit}}
    ORDER BY p.unit_code, p.full_name
"""


_UNIT_COUNTS = """
    SELECT p.unit_code, u.name AS unit_name, count(*) AS active,
           sum(l.person_id IS NOT NULL) AS on_leave,
           sum(c.person_id IS NOT NULL AND l.person_id IS NULL) AS declared,
           sum(coalesce(c.alert, 0) AND l.person_id IS NULL) AS alerts,
           sum(coalesce(c.late, 0) AND l.person_id IS NULL) AS late
    FROM people p JOIN units u ON u.code = p.unit_code
    LEFT JOIN checkins c ON c.day = :day AND c.slot = :slot AND c.person_id = p.id
    LEFT JOIN (SELECT DISTINCT person_id FROM leaves WHERE cancelled_at IS NULL
               AND first_day <= :day AND last_day >= :day) l ON l.person_id = p.id
    WHERE p.active AND (:unit IS NULL OR p.unit_code = :unit)
    GROUP BY p.unit_code ORDER BY u.name
"""


def _round(row: aiosqlite.Row) -> RiskRound:
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


class HeadQueries(CheckinQueries):
    async def standings(
        self, ref: SlotRef, version: str, unit: str | None = None
    ) -> list[Standing]:
        """Everyone active (of one unit, or all) on a slot: leave, reachability, declaration."""
        params = {
            "unit": unit,
            "day": ref.day.isoformat(),
            "slot": ref.slot.value,
            "version": version,
        }
        # a literal condition, not "(:unit IS NULL OR ...)", so that SQLite uses people_unit
        where = "p.unit_code = :unit" if unit is not None else "1"
        rows = await self._fetchall(_STANDING.format(unit=where), params)
        return [
            Standing(
                person=person_from_row(r),
                on_leave=bool(r["on_leave"]),
                reachable=bool(r["reachable"]),
                declaration=declaration_from_row(r) if r["declaration_id"] else None,
            )
            for r in rows
        ]

    async def unit_counts(self, ref: SlotRef, unit: str | None = None) -> list[UnitCount]:
        """Each unit's numbers for a slot, counted by SQLite (the office's table: one query)."""
        params = {"day": ref.day.isoformat(), "slot": ref.slot.value, "unit": unit}
        return [
            UnitCount(
                unit=Unit(r["unit_code"], r["unit_name"]),
                expected=r["active"] - r["on_leave"],
                declared=r["declared"],
                on_leave=r["on_leave"],
                alerts=r["alerts"],
                late=r["late"],
            )
            for r in await self._fetchall(_UNIT_COUNTS, params)
        ]

    async def units(self) -> list[Unit]:
        """Units with anyone active in them."""
        rows = await self._fetchall(
            "SELECT code, name FROM units u WHERE EXISTS"
            " (SELECT 1 FROM people p WHERE p.unit_code = u.code AND p.active) ORDER BY name"
        )
        return [Unit(r["code"], r["name"]) for r in rows]

    async def day_declarations(self, day: date, unit: str) -> list[Declaration]:
        """The declarations that count on a day (both slots) of a unit's people."""
        rows = await self._fetchall(
            "SELECT d.* FROM checkins c JOIN declarations d ON d.id = c.declaration_id"
            " JOIN people p ON p.id = c.person_id WHERE c.day = ? AND p.unit_code = ?",
            (day.isoformat(), unit),
        )
        return [declaration_from_row(r) for r in rows]

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
        self, day: date, unit: str, person_id: int, level: RiskLevel, by: int, now: datetime
    ) -> None:
        await self._execute(
            "INSERT INTO risk_changes (day, unit_code, person_id, level, changed_by, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (day.isoformat(), unit, person_id, level.value, by, ts(now)),
        )

    async def risk_changes(self, day: date, unit: str) -> dict[int, RiskLevel]:
        """The head's latest change of each person's level that day."""
        rows = await self._fetchall(
            "SELECT person_id, level FROM risk_changes WHERE day = ? AND unit_code = ? ORDER BY id",
            (day.isoformat(), unit),
        )
        return {r["person_id"]: RiskLevel(r["level"]) for r in rows}

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

    async def last_nudge(self, unit: str) -> datetime | None:
        row = await self._fetchone(
            "SELECT max(nudged_at) AS at FROM nudges WHERE unit_code = ?", (unit,)
        )
        return from_ts(row["at"]) if row and row["at"] else None

    async def record_nudge(
        self, unit: str, ref: SlotRef, by: int, count: int, now: datetime
    ) -> None:
        await self._execute(
            "INSERT INTO nudges (unit_code, day, slot, nudged_by, nudged_at, people)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (unit, ref.day.isoformat(), ref.slot.value, by, ts(now), count),
        )

    # --- the week -----------------------------------------------------------------------------

    async def week_record(self, days: Sequence[date]) -> WeekRecord:
        first, last = days[0].isoformat(), days[-1].isoformat()
        declared: dict[tuple[date, SlotName], dict[int, bool]] = {}
        for r in await self._fetchall(
            "SELECT day, slot, person_id, late FROM checkins WHERE day BETWEEN ? AND ?",
            (first, last),
        ):
            key = (date.fromisoformat(r["day"]), SlotName(r["slot"]))
            declared.setdefault(key, {})[r["person_id"]] = bool(r["late"])
        leave: dict[date, set[int]] = {}
        for r in await self._fetchall(
            "SELECT person_id, first_day, last_day FROM leaves WHERE cancelled_at IS NULL"
            " AND first_day <= ? AND last_day >= ?",
            (last, first),
        ):
            for day in days:
                if r["first_day"] <= day.isoformat() <= r["last_day"]:
                    leave.setdefault(day, set()).add(r["person_id"])
        people = [person_from_row(r) for r in await self._fetchall(PERSON_SQL + " WHERE p.active")]
        return WeekRecord(list(days), people, declared, leave)
