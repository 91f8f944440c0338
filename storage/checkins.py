"""Check-ins: declarations, leave, dispatches, who counts for a slot, nudges, the week."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from core.declarations import Declaration, Leave
from core.domain import Account, Channel, Person, Unit
from core.messages import Reply
from core.questionnaire import Answer
from core.slots import SlotName, SlotRef
from core.summary import Mark, Quiet, Standing, UnitCount, WeekRecord
from storage.db import Repository, Row, Sql, from_ts, ts
from storage.inbox import SET_WALK
from storage.outbox import PREFERRED, OutboxRepo
from storage.people import PERSON_COLUMNS, PERSON_SQL, account_from_row, person_from_row


def answers_from(text: str) -> dict[str, Answer]:
    """Stored answers (JSON: lists for multiple choices) as the core's answers (tuples)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(text).items()}


def declaration_from_row(row: Row) -> Declaration:
    answers = answers_from(row["answers"])
    return Declaration(
        person_id=row["person_id"],
        ref=SlotRef(date.fromisoformat(row["day"]), SlotName(row["slot"])),
        answers=answers,
        declared_at=from_ts(row["declared_at"]),
        late=bool(row["late"]),
        alert=bool(row["alert"]),
    )


# A unit's standing walks people_unit, then looks each person up once per table.
# Consent given once, now withdrawn (every consent of a person is withdrawn together).
WITHDRAWN = """(EXISTS (SELECT 1 FROM consents s WHERE s.person_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM consents s
                    WHERE s.person_id = p.id AND s.withdrawn_at IS NULL))"""

# Every way to reach the person is a Zalo account whose messages Zalo withholds from bots.
HIDDEN = """(EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND a.hidden_at IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND a.hidden_at IS NULL
                    AND a.unreachable_at IS NULL))"""

# Who was on leave on :day.
_ON_LEAVE = """SELECT person_id FROM leaves WHERE cancelled_at IS NULL
    AND first_day <= :day AND last_day >= :day"""

# Everyone of a unit on a slot: what counts of their check-in (the answers read only for an
# alert, which the summary names), leave from the day's set, reachability, and for those who have
# not declared whether they are set apart.
_STANDING = f"""
    WITH away AS MATERIALIZED ({{on_leave}})
    SELECT {PERSON_COLUMNS},
        c.person_id IS NOT NULL AS declared, c.alert, c.late, d.answers,
        p.id IN (SELECT person_id FROM away) AS on_leave,
        EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND a.unreachable_at IS NULL)
        AND EXISTS (SELECT 1 FROM consents s WHERE s.person_id = p.id AND s.version = :version
                    AND s.withdrawn_at IS NULL) AS reachable,
        -- asked only of those who have not declared (CASE evaluates lazily, AND may not)
        CASE WHEN c.person_id IS NOT NULL THEN 0 WHEN {WITHDRAWN} THEN 1 ELSE 0 END AS withdrawn,
        CASE WHEN c.person_id IS NOT NULL THEN 0 WHEN {HIDDEN} THEN 1 ELSE 0 END AS hidden
    FROM people p JOIN units u ON u.code = p.unit_code
    LEFT JOIN checkins c ON c.day = :day AND c.slot = :slot AND c.person_id = p.id
    LEFT JOIN declarations d ON c.alert = 1 AND d.id = c.declaration_id
    WHERE p.active = 1 AND {{unit}} AND {{listed}}
    ORDER BY p.unit_code, p.full_name
"""

# Declared, nothing reported, not on leave: a summary counts them and never names them.
_QUIET = "c.person_id IS NOT NULL AND c.alert = 0 AND p.id NOT IN (SELECT person_id FROM away)"

_QUIET_COUNTS = f"""
    WITH away AS MATERIALIZED ({{on_leave}})
    SELECT p.unit_code, u.name AS unit_name, count(*) AS declared, sum(c.late) AS late
    FROM people p JOIN units u ON u.code = p.unit_code
    JOIN checkins c ON c.day = :day AND c.slot = :slot AND c.person_id = p.id
    WHERE p.active = 1 AND {{unit}} AND {_QUIET}
    GROUP BY p.unit_code, u.name
"""


# A slot's counts per unit, read from the day's rows: the slot's check-ins (one range of the
# key) each joined to its person, the roster counted per unit, and the few people set apart
# (withdrawn or hidden: found through partial indexes, migration 0017). Flat in the history:
# nothing here looks a person up in the check-ins of a year. {roster} is (id, unit_code) of
# everyone expected that day.
_UNIT_COUNTS = f"""
    WITH roster AS MATERIALIZED ({{roster}}),
    away AS MATERIALIZED ({_ON_LEAVE}),
    marked AS (  -- the slot's check-ins first (one range of the key), each to its person
        SELECT r.unit_code, count(*) AS declared, sum(c.alert) AS alerts, sum(c.late) AS late
        FROM checkins c CROSS JOIN ({{roster}}) r
        WHERE r.id = c.person_id AND c.day = :day AND c.slot = :slot
          AND c.person_id NOT IN (SELECT person_id FROM away)
        GROUP BY r.unit_code),
    apart AS (
        SELECT r.unit_code, count(*) AS withdrawn
        FROM people p JOIN roster r ON r.id = p.id
        WHERE p.id IN (SELECT person_id FROM consents WHERE withdrawn_at IS NOT NULL
                       UNION SELECT person_id FROM accounts WHERE hidden_at IS NOT NULL)
          AND p.id NOT IN (SELECT person_id FROM away)
          AND NOT EXISTS (SELECT 1 FROM checkins c
                          WHERE c.day = :day AND c.slot = :slot AND c.person_id = p.id)
          AND ({WITHDRAWN} OR {HIDDEN})
        GROUP BY r.unit_code),
    counted AS (
        SELECT unit_code, count(*) AS active,
               sum(CASE WHEN id IN (SELECT person_id FROM away) THEN 1 ELSE 0 END) AS on_leave
        FROM roster GROUP BY unit_code)
    SELECT n.unit_code, u.name AS unit_name, n.active, n.on_leave,
           coalesce(a.withdrawn, 0) AS withdrawn, coalesce(m.declared, 0) AS declared,
           coalesce(m.alerts, 0) AS alerts, coalesce(m.late, 0) AS late
    FROM counted n JOIN units u ON u.code = n.unit_code
    LEFT JOIN marked m ON m.unit_code = n.unit_code
    LEFT JOIN apart a ON a.unit_code = n.unit_code
    ORDER BY u.name
"""

# Today's roster, or (for past days) the roster of that day (the roster history).
_ROSTER_NOW = "SELECT id, unit_code FROM people WHERE active = 1 AND {unit}"
_ROSTER_OF_THE_DAY = """SELECT person_id AS id, unit_code FROM memberships
    WHERE first_day <= :day AND (last_day IS NULL OR last_day >= :day) AND {unit}"""


async def count_units(
    db: Sql, ref: SlotRef, unit: str | None, as_of_the_day: bool = False
) -> list[UnitCount]:
    """Each unit's numbers for a slot (the store's and the export reader's): with today's
    roster, or (`as_of_the_day`, for past days) the roster of that day."""
    params = {"day": ref.day.isoformat(), "slot": ref.slot.value, "unit": unit}
    # a literal condition, not "(:unit IS NULL OR ...)", so that SQLite uses the unit's index
    roster = (_ROSTER_OF_THE_DAY if as_of_the_day else _ROSTER_NOW).format(
        unit="unit_code = :unit" if unit is not None else "1 = 1"
    )
    query = _UNIT_COUNTS.format(roster=roster)
    return [
        UnitCount(
            unit=Unit(r["unit_code"], r["unit_name"]),
            expected=r["active"] - r["on_leave"] - r["withdrawn"],
            declared=r["declared"],
            on_leave=r["on_leave"],
            alerts=r["alerts"],
            late=r["late"],
        )
        for r in await db.fetchall(query, params)
    ]


def leave_from_row(row: Row) -> Leave:
    first, last = date.fromisoformat(row["first_day"]), date.fromisoformat(row["last_day"])
    return Leave(row["person_id"], first, last)


class CheckinRepo(Repository):
    def __init__(self, db: Sql, outbox: OutboxRepo) -> None:
        super().__init__(db)
        self._outbox = outbox

    async def record_declaration(
        self, declaration: Declaration, form_version: str, channel: Channel, event_key: str
    ) -> int:
        """Keep the history; the newest declaration of a slot is the one that counts."""
        ref = declaration.ref
        answers = {
            k: list(v) if isinstance(v, tuple) else v for k, v in declaration.answers.items()
        }
        # a trigger makes it the one that counts in `checkins`
        return await self._insert(
            "INSERT INTO declarations (person_id, day, slot, answers, form_version, alert,"
            " late, declared_at, channel, event_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (declaration.person_id, ref.day.isoformat(), ref.slot.value, json.dumps(answers),
             form_version, declaration.alert, declaration.late, ts(declaration.declared_at),
             channel.value, event_key),
        )  # fmt: skip

    async def declared(self, ref: SlotRef) -> set[int]:
        rows = await self._fetchall(
            "SELECT person_id FROM checkins WHERE day = ? AND slot = ?",
            (ref.day.isoformat(), ref.slot.value),
        )
        return {r["person_id"] for r in rows}

    async def has_declared(self, person_id: int, ref: SlotRef) -> bool:
        row = await self._fetchone(
            "SELECT 1 FROM checkins WHERE day = ? AND slot = ? AND person_id = ?",
            (ref.day.isoformat(), ref.slot.value, person_id),
        )
        return row is not None

    async def declarations_of(self, person_id: int, first: date, last: date) -> list[Declaration]:
        """The declarations that count, oldest first."""
        rows = await self._fetchall(
            "SELECT d.* FROM checkins c JOIN declarations d ON d.id = c.declaration_id"
            " WHERE c.person_id = ? AND c.day BETWEEN ? AND ? ORDER BY c.day, c.slot DESC",
            (person_id, first.isoformat(), last.isoformat()),
        )
        return [declaration_from_row(r) for r in rows]

    async def declaration_history(self, ref: SlotRef) -> list[Declaration]:
        """Every declaration of a slot, changes included, in the order they were made."""
        rows = await self._fetchall(
            "SELECT * FROM declarations WHERE day = ? AND slot = ? ORDER BY id",
            (ref.day.isoformat(), ref.slot.value),
        )
        return [declaration_from_row(r) for r in rows]

    # --- who is due ---------------------------------------------------------------------------

    async def promptable(self, version: str) -> list[tuple[Person, Account]]:
        """Active people who consented, with the reachable account to prompt them on."""
        rows = await self._fetchall(
            "SELECT * FROM (" + PERSON_SQL + ") AS p0 JOIN ("
            "  SELECT a.person_id, a.channel, a.external_id, a.chat_id, a.linked_at,"
            "         row_number() OVER (PARTITION BY a.person_id"
            f"            ORDER BY {PREFERRED} DESC, a.linked_at DESC) AS n"
            "  FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.unreachable_at IS NULL"
            ") a ON a.person_id = p0.id AND a.n = 1"
            " WHERE p0.active = 1 AND EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p0.id"
            "   AND c.version = ? AND c.withdrawn_at IS NULL)"
            " ORDER BY p0.id",
            (version,),
        )
        return [(person_from_row(r), account_from_row(r, "id")) for r in rows]

    async def dispatched(self, ref: SlotRef, kind: str) -> set[int]:
        rows = await self._fetchall(
            "SELECT person_id FROM dispatches WHERE day = ? AND slot = ? AND kind = ?",
            (ref.day.isoformat(), ref.slot.value, kind),
        )
        return {r["person_id"] for r in rows}

    async def dispatch(
        self,
        ref: SlotRef,
        kind: str,
        accounts: Sequence[Account],
        walk: dict[str, Any],
        reply: Reply,
        now: datetime,
    ) -> None:
        """The same first screen to many accounts: queued, their walk set to its start, and the
        dispatch recorded so that nobody gets a prompt or a reminder twice for this slot."""
        async with self.transaction():
            await self._outbox.enqueue_many([(a.channel, a.chat_id, reply) for a in accounts], now)
            await self._executemany(
                SET_WALK,
                [(a.channel.value, a.external_id, json.dumps(walk), ts(now)) for a in accounts],
            )
            await self._executemany(
                "INSERT OR IGNORE INTO dispatches (day, slot, kind, person_id, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (ref.day.isoformat(), ref.slot.value, kind, a.person_id, ts(now))
                    for a in accounts
                ],
            )

    # --- leave --------------------------------------------------------------------------------

    async def add_leave(self, leave: Leave, set_by: int, now: datetime) -> None:
        await self._execute(
            "INSERT INTO leaves (person_id, first_day, last_day, set_by, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                leave.person_id,
                leave.first_day.isoformat(),
                leave.last_day.isoformat(),
                set_by,
                ts(now),
            ),
        )

    async def on_leave(self, day: date) -> set[int]:
        rows = await self._fetchall(
            "SELECT DISTINCT person_id FROM leaves WHERE cancelled_at IS NULL"
            " AND first_day <= ? AND last_day >= ?",
            (day.isoformat(), day.isoformat()),
        )
        return {r["person_id"] for r in rows}

    async def leaves_of(self, person_id: int, since: date) -> list[Leave]:
        rows = await self._fetchall(
            "SELECT person_id, first_day, last_day FROM leaves WHERE person_id = ?"
            " AND cancelled_at IS NULL AND last_day >= ? ORDER BY first_day",
            (person_id, since.isoformat()),
        )
        return [leave_from_row(r) for r in rows]

    async def standings(
        self, ref: SlotRef, version: str, unit: str | None = None
    ) -> list[Standing]:
        """Everyone active (of one unit, or all) on a slot: leave, reachability, declaration."""
        return await self._standings(ref, version, unit, "1 = 1")

    async def summary_standings(
        self, ref: SlotRef, version: str, unit: str | None = None
    ) -> tuple[list[Standing], list[Quiet]]:
        """What a slot's summary needs: the standing of everyone it may name (not declared,
        alerting, on leave), and per unit the count of the others (declared, nothing to
        report), who are most people on most days."""
        params = self._params(ref, version, unit)
        async with self.transaction():  # the two reads see the same moment
            rows = await self._fetchall(
                _QUIET_COUNTS.format(unit=self._unit_filter(unit), on_leave=_ON_LEAVE), params
            )
            listed = await self._standings(ref, version, unit, f"NOT ({_QUIET})")
        quiet = [
            Quiet(Unit(r["unit_code"], r["unit_name"]), r["declared"], r["late"] or 0) for r in rows
        ]
        return listed, quiet

    @staticmethod
    def _params(ref: SlotRef, version: str, unit: str | None) -> dict[str, str | None]:
        return {"unit": unit, "day": ref.day.isoformat(), "slot": ref.slot.value,
                "version": version}  # fmt: skip

    @staticmethod
    def _unit_filter(unit: str | None) -> str:
        # a literal condition, not "(:unit IS NULL OR ...)", so that SQLite uses people_unit
        return "p.unit_code = :unit" if unit is not None else "1 = 1"

    async def _standings(
        self, ref: SlotRef, version: str, unit: str | None, listed: str
    ) -> list[Standing]:
        query = _STANDING.format(unit=self._unit_filter(unit), on_leave=_ON_LEAVE, listed=listed)
        rows = await self._fetchall(query, self._params(ref, version, unit))
        return [
            Standing(
                person=person_from_row(r),
                on_leave=bool(r["on_leave"]),
                reachable=bool(r["reachable"]),
                mark=Mark(bool(r["late"]), True, answers_from(r["answers"]))
                if r["answers"]
                else Mark(bool(r["late"]))
                if r["declared"]
                else None,
                withdrawn=bool(r["withdrawn"]),
                hidden=bool(r["hidden"]),
            )
            for r in rows
        ]

    async def unit_counts(self, ref: SlotRef, unit: str | None = None) -> list[UnitCount]:
        """Each unit's numbers for a slot, counted by SQLite (the office's table: one query)."""
        return await count_units(self._db, ref, unit)

    async def day_declarations(self, day: date, unit: str) -> list[Declaration]:
        """The declarations that count on a day (both slots) of a unit's people."""
        rows = await self._fetchall(
            "SELECT d.* FROM checkins c JOIN declarations d ON d.id = c.declaration_id"
            " JOIN people p ON p.id = c.person_id WHERE c.day = ? AND p.unit_code = ?",
            (day.isoformat(), unit),
        )
        return [declaration_from_row(r) for r in rows]

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
        people = [
            person_from_row(r) for r in await self._fetchall(PERSON_SQL + " WHERE p.active = 1")
        ]
        return WeekRecord(list(days), people, declared, leave)
