"""Queries for the office: the audit log, export requests, announcements, retention, backups."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from core.messages import Reply
from core.office import AuditEntry, ExportRequest
from storage.db import Repository, Row, Sql, StoreError, from_ts, ts
from storage.outbox import OutboxRepo, payload_of


def audit_entry(row: Row) -> AuditEntry:
    return AuditEntry(
        at=from_ts(row["at"]),
        actor=row["actor"],
        action=row["action"],
        kind=row["kind"] or "",
        first=date.fromisoformat(row["first_day"]) if row["first_day"] else None,
        last=date.fromisoformat(row["last_day"]) if row["last_day"] else None,
        unit=row["unit_code"] or "",
        rows=row["rows"],
        detail=row["detail"] or "",
    )


class OfficeRepo(Repository):
    def __init__(self, db: Sql, outbox: OutboxRepo) -> None:
        super().__init__(db)
        self._outbox = outbox

    async def audit(
        self,
        now: datetime,
        actor: str,
        action: str,
        actor_id: int | None = None,
        kind: str | None = None,
        period: tuple[date, date] | None = None,
        unit: str | None = None,
        rows: int | None = None,
        detail: str | None = None,
    ) -> None:
        first, last = period or (None, None)
        await self._execute(
            "INSERT INTO audit (at, actor_id, actor, action, kind, first_day, last_day, unit_code,"
            " rows, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ts(now), actor_id, actor, action, kind, first.isoformat() if first else None,
             last.isoformat() if last else None, unit, rows, detail),
        )  # fmt: skip

    async def record_attempt(self, kind: str, who: str, now: datetime, since: datetime) -> int:
        """Count an attempt (a wrong invite code, a refused export); how many there are of
        this kind from `who` since `since`, this one included."""
        async with self.transaction():
            await self._execute(
                "INSERT INTO attempts (kind, who, at) VALUES (?, ?, ?)", (kind, who, ts(now))
            )
            return await self.attempts(kind, who, since)

    async def attempts(self, kind: str, who: str, since: datetime) -> int:
        row = await self._fetchone(
            "SELECT count(*) AS n FROM attempts WHERE kind = ? AND who = ? AND at >= ?",
            (kind, who, ts(since)),
        )
        return int(row["n"]) if row else 0

    async def forget_attempts_before(self, before: datetime) -> int:
        return await self._execute("DELETE FROM attempts WHERE at < ?", (ts(before),))

    async def recent_audit(self, limit: int = 20) -> list[AuditEntry]:
        rows = await self._fetchall("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        return [audit_entry(r) for r in rows]

    # --- exports asked for in the chat --------------------------------------------------------

    async def request_export(self, request: ExportRequest, now: datetime) -> int:
        return await self._insert(
            "INSERT INTO export_requests (person_id, channel, chat_id, kind, first_day, last_day,"
            " unit_code, format, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (request.person_id, request.channel, request.chat_id, request.kind,
             request.first.isoformat(), request.last.isoformat(), request.unit, request.format,
             ts(now)),
        )  # fmt: skip

    async def pending_exports(self) -> list[ExportRequest]:
        rows = await self._fetchall(
            "SELECT * FROM export_requests WHERE state = 'pending' ORDER BY id LIMIT 10"
        )
        return [
            ExportRequest(
                id=r["id"],
                person_id=r["person_id"],
                channel=r["channel"],
                chat_id=r["chat_id"],
                kind=r["kind"],
                first=date.fromisoformat(r["first_day"]),
                last=date.fromisoformat(r["last_day"]),
                unit=r["unit_code"],
                format=r["format"],
            )
            for r in rows
        ]

    async def finish_export(self, request_id: int, state: str, rows: int | None) -> None:
        await self._execute(
            "UPDATE export_requests SET state = ?, rows = ? WHERE id = ?", (state, rows, request_id)
        )

    # --- announcements ------------------------------------------------------------------------

    async def announce(
        self,
        person_id: int,
        unit: str | None,
        reply: Reply,
        recipients: Sequence[int],
        now: datetime,
    ) -> tuple[int, int, int]:
        """Queue an announcement to these people; (its id, queued, unreachable)."""
        async with self.transaction():
            announcement = await self._insert(
                "INSERT INTO announcements (person_id, unit_code, text, sent_at, queued,"
                " unreachable) VALUES (?, ?, ?, ?, 0, 0)",
                (person_id, unit, reply.text, ts(now)),
            )
            targets = await self._outbox.reachable_chats(list(recipients))
            await self._executemany(
                "INSERT INTO outbox (channel, chat_id, kind, payload, created_at, announcement_id)"
                " VALUES (?, ?, 'text', ?, ?, ?)",
                [
                    (c.value, chat, payload_of(reply), ts(now), announcement)
                    for c, chat in targets.values()
                ],
            )
            unreachable = len(set(recipients)) - len(targets)
            await self._execute(
                "UPDATE announcements SET queued = ?, unreachable = ? WHERE id = ?",
                (len(targets), unreachable, announcement),
            )
        return announcement, len(targets), unreachable

    async def announcement_delivery(self, announcement: int) -> dict[str, int]:
        """How many of an announcement's messages are sent, pending or failed."""
        rows = await self._fetchall(
            "SELECT state, count(*) AS n FROM outbox WHERE announcement_id = ? GROUP BY state",
            (announcement,),
        )
        return {r["state"]: r["n"] for r in rows}

    # --- retention and backups ----------------------------------------------------------------

    async def count_declarations_before(self, day: date) -> int:
        row = await self._fetchone(
            "SELECT count(*) AS n FROM declarations WHERE day < ?", (day.isoformat(),)
        )
        return int(row["n"]) if row else 0


def backup(source: Path, target: Path) -> None:
    """A consistent copy of a live database with SQLite's online backup (safe while the bot
    writes: pages changed during the copy are copied again), then checked whole; StoreError
    with the reason when it fails."""
    target.unlink(missing_ok=True)
    try:
        live, copy = sqlite3.connect(source), sqlite3.connect(target)
        try:
            live.backup(copy)
            check = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            live.close()
    except sqlite3.Error as err:
        raise StoreError(str(err)[:80]) from None
    if check is None or check[0] != "ok":
        raise StoreError(f"integrity_check: {check[0] if check else '?'}"[:80])
