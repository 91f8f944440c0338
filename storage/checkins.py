"""Queries about check-ins: declarations, who counts for a slot, leave, dispatches, slot runs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.checkin import Declaration, Leave
from bot.domain import Account, Channel, Person
from bot.messages import Reply
from bot.slots import SlotName, SlotRef
from storage.db import from_ts, ts
from storage.outbox import PREFERRED, OutboxQueries
from storage.people import PERSON_SQL, person_from_row


def declaration_from_row(row: aiosqlite.Row) -> Declaration:
    answers = {
        k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(row["answers"]).items()
    }
    return Declaration(
        person_id=row["person_id"],
        ref=SlotRef(date.fromisoformat(row["day"]), SlotName(row["slot"])),
        answers=answers,
        declared_at=from_ts(row["declared_at"]),
        late=bool(row["late"]),
        alert=bool(row["alert"]),
    )


_SET_WALK = (
    "INSERT INTO walks (channel, account_id, state, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (channel, account_id) DO UPDATE SET state = excluded.state,"
    " updated_at = excluded.updated_at"
)


class CheckinQueries(OutboxQueries):
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
            " WHERE p0.active AND EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p0.id"
            "   AND c.version = ? AND c.withdrawn_at IS NULL)"
            " ORDER BY p0.id",
            (version,),
        )
        return [
            (
                person_from_row(r),
                Account(
                    Channel(r["channel"]),
                    r["external_id"],
                    r["chat_id"],
                    r["id"],
                    from_ts(r["linked_at"]),
                ),
            )
            for r in rows
        ]

    async def colleagues_to_alert(self) -> list[Person]:
        """Heads and office people (the core picks those of the right unit)."""
        rows = await self._fetchall(
            PERSON_SQL + " WHERE p.active AND EXISTS (SELECT 1 FROM person_roles r"
            " WHERE r.person_id = p.id AND r.role IN ('head', 'office'))"
        )
        return [person_from_row(r) for r in rows]

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
            await self.enqueue_many([(a.channel, a.chat_id, reply) for a in accounts], now)
            await self._executemany(
                _SET_WALK,
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

    async def set_walk(
        self, channel: Channel, account_id: str, walk: dict[str, Any], now: datetime
    ) -> None:
        await self._execute(_SET_WALK, (channel.value, account_id, json.dumps(walk), ts(now)))

    async def end_walk(self, channel: Channel, account_id: str) -> None:
        await self._execute(
            "DELETE FROM walks WHERE channel = ? AND account_id = ?", (channel.value, account_id)
        )

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
        return [
            Leave(
                r["person_id"],
                date.fromisoformat(r["first_day"]),
                date.fromisoformat(r["last_day"]),
            )
            for r in rows
        ]

    async def person_by_code(self, staff_code: str) -> Person | None:
        row = await self._fetchone(PERSON_SQL + " WHERE p.staff_code = ?", (staff_code,))
        return person_from_row(row) if row else None
