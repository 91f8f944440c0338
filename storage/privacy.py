"""Data rights in SQL: consent withdrawn, a person's data gathered, erasure requests, and the
erasures themselves (on request, of leavers, of old health data). With `secure_delete` on and a
WAL checkpoint after each erasure, erased bytes do not stay in the file."""

from __future__ import annotations

from datetime import date, datetime

from core.domain import Person
from core.privacy import ConsentRecord, Erased, ErasureRequest, LevelRecord, MyData
from storage.checkins import declaration_from_row, leave_from_row
from storage.db import Repository, from_ts, ts
from storage.deeds import _STORY, _story
from storage.people import PERSON_SQL, account_from_row, person_from_row

ERASED_NAME = "(đã xóa)"
# Tables whose rows belong to one person (by `person_id`): an erasure deletes them.
PERSON_TABLES = (
    "checkins", "declarations", "dispatches", "risk_levels", "risk_changes", "leaves",
    "consents", "invites", "export_requests", "consent_asks", "erasure_requests",
)  # fmt: skip


# Tables whose rows are deleted or replaced in the course of a day, so that old versions of
# health data may stand in them: rewritten after the nightly erasure with what it deleted from.
CHURN = ("walks", "conversations", "checkins", "outbox", "inbox", "inbox_set_aside", "menus")


class PrivacyRepo(Repository):
    # --- consent --------------------------------------------------------------------------------

    async def withdraw_consent(self, person_id: int, now: datetime) -> bool:
        """Every consent of the person withdrawn now; False if there was none to withdraw."""
        changed = await self._execute(
            "UPDATE consents SET withdrawn_at = ? WHERE person_id = ? AND withdrawn_at IS NULL",
            (ts(now), person_id),
        )
        return changed > 0

    async def not_asked(self, version: str) -> list[int]:
        """Active people who consented to an older notice, not to `version`, and have not been
        asked about `version` yet."""
        rows = await self._fetchall(
            "SELECT DISTINCT c.person_id FROM consents c JOIN people p ON p.id = c.person_id"
            " WHERE p.active = 1 AND c.version <> ? AND NOT EXISTS (SELECT 1 FROM consents n"
            "   WHERE n.person_id = c.person_id AND n.version = ?)"
            " AND NOT EXISTS (SELECT 1 FROM consent_asks a WHERE a.person_id = c.person_id"
            "   AND a.version = ?) ORDER BY c.person_id",
            (version, version, version),
        )
        return [r["person_id"] for r in rows]

    async def record_asks(self, people: list[int], version: str, now: datetime) -> None:
        await self._executemany(
            "INSERT OR IGNORE INTO consent_asks (person_id, version, asked_at) VALUES (?, ?, ?)",
            [(p, version, ts(now)) for p in people],
        )

    # --- my data --------------------------------------------------------------------------------

    async def my_data(self, person_id: int) -> MyData | None:
        row = await self._fetchone(PERSON_SQL + " WHERE p.id = ?", (person_id,))
        if row is None:
            return None
        person: Person = person_from_row(row)
        accounts = [
            account_from_row(r)
            for r in await self._fetchall(
                "SELECT * FROM accounts WHERE person_id = ? ORDER BY linked_at", (person_id,)
            )
        ]
        consents = [
            ConsentRecord(
                r["version"],
                from_ts(r["accepted_at"]),
                from_ts(r["withdrawn_at"]) if r["withdrawn_at"] else None,
            )
            for r in await self._fetchall(
                "SELECT * FROM consents WHERE person_id = ? ORDER BY id", (person_id,)
            )
        ]
        declarations = [
            declaration_from_row(r)
            for r in await self._fetchall(
                "SELECT * FROM declarations WHERE person_id = ? ORDER BY id", (person_id,)
            )
        ]
        leaves = [
            leave_from_row(r)
            for r in await self._fetchall(
                "SELECT * FROM leaves WHERE person_id = ? AND cancelled_at IS NULL"
                " ORDER BY first_day",
                (person_id,),
            )
        ]
        levels = [
            LevelRecord(date.fromisoformat(r["day"]), r["round"], r["suggested"], r["level"])
            for r in await self._fetchall(
                "SELECT * FROM risk_levels WHERE person_id = ? ORDER BY day, round", (person_id,)
            )
        ]
        stories = [
            _story(r)
            for r in await self._fetchall(
                _STORY + " WHERE s.proposer_id = ? OR s.nominee_id = ? ORDER BY s.id",
                (person_id, person_id),
            )
        ]
        exports = await self._fetchone(
            "SELECT count(*) AS n FROM audit WHERE action = 'export' AND kind <> 'mydata'"
            " AND at >= ?",
            (min((ts(d.declared_at) for d in declarations), default="9999"),),
        )
        count = int(exports["n"]) if exports else 0
        return MyData(person, accounts, consents, declarations, leaves, levels, stories, count)

    async def statistics(self) -> dict[str, int]:
        """Counts for the record of processing (no data, numbers only)."""
        row = await self._fetchone(
            "SELECT (SELECT count(*) FROM people WHERE active = 1) AS active,"
            " (SELECT count(*) FROM people WHERE active = 0) AS inactive,"
            " (SELECT count(*) FROM accounts) AS accounts,"
            " (SELECT count(*) FROM declarations) AS declarations,"
            " (SELECT count(DISTINCT person_id) FROM consents WHERE withdrawn_at IS NULL)"
            "   AS consenting,"
            " (SELECT count(DISTINCT person_id) FROM consents WHERE withdrawn_at IS NOT NULL"
            "   AND person_id NOT IN (SELECT person_id FROM consents WHERE withdrawn_at IS NULL))"
            "   AS withdrawn,"
            " (SELECT count(*) FROM audit WHERE action = 'erase') AS erasures,"
            " (SELECT count(*) FROM erasure_requests WHERE state = 'asked') AS waiting"
        )
        if row is None:
            return {}
        return {k: int(row[k]) for k in row.keys()}  # noqa: SIM118 (a Row iterates its values)

    # --- erasure requests -----------------------------------------------------------------------

    async def request_erasure(self, person_id: int, now: datetime) -> int:
        """A new request, or the one already waiting."""
        waiting = await self._fetchone(
            "SELECT id FROM erasure_requests WHERE person_id = ? AND state = 'asked'", (person_id,)
        )
        if waiting is not None:
            return int(waiting["id"])
        return await self._insert(
            "INSERT INTO erasure_requests (person_id, asked_at) VALUES (?, ?)",
            (person_id, ts(now)),
        )

    async def erasure_request(self, request_id: int) -> ErasureRequest | None:
        row = await self._fetchone("SELECT * FROM erasure_requests WHERE id = ?", (request_id,))
        if row is None:
            return None
        return ErasureRequest(row["id"], row["person_id"], from_ts(row["asked_at"]), row["state"])

    async def decide_erasure(
        self, request_id: int, state: str, by: int, now: datetime, reason: str = ""
    ) -> bool:
        """Close a waiting request; False if someone decided it first."""
        changed = await self._execute(
            "UPDATE erasure_requests SET state = ?, decided_by = ?, decided_at = ?, reason = ?"
            " WHERE id = ? AND state = 'asked'",
            (state, by, ts(now), reason, request_id),
        )
        return changed > 0

    # --- erasures -------------------------------------------------------------------------------

    async def erase_person(self, person_id: int, keep_roster_row: bool) -> Erased:
        """Every trace of a person's health data, their accounts and conversations, the texts
        sent about them (alerts to others included); their name where it is not the roster's.
        The roster row stays for someone still employed; a leaver's is made anonymous."""
        person = await self._fetchone("SELECT * FROM people WHERE id = ?", (person_id,))
        if person is None:
            return Erased()
        name = person["full_name"]
        counts: dict[str, int] = {}
        async with self.transaction():
            accounts = await self._fetchall(
                "SELECT channel, external_id, chat_id FROM accounts WHERE person_id = ?",
                (person_id,),
            )
            for channel, account, chat in (
                (r["channel"], r["external_id"], r["chat_id"]) for r in accounts
            ):
                for table, column in (("walks", "account_id"), ("conversations", "account_id")):
                    counts[table] = counts.get(table, 0) + await self._execute(
                        f"DELETE FROM {table} WHERE channel = ? AND {column} = ?",
                        (channel, account),
                    )
                await self._execute(
                    "DELETE FROM menus WHERE channel = ? AND chat_id = ?", (channel, chat)
                )
                counts["outbox"] = counts.get("outbox", 0) + await self._execute(
                    "DELETE FROM outbox WHERE channel = ? AND chat_id = ?", (channel, chat)
                )
                for table in ("inbox", "inbox_set_aside"):
                    counts[table] = counts.get(table, 0) + await self._execute(
                        f"DELETE FROM {table} WHERE channel = ? AND instr(body, ?) > 0",
                        (channel, f'"{account}"'),
                    )
            for table in PERSON_TABLES:
                counts[table] = await self._execute(
                    f"DELETE FROM {table} WHERE person_id = ?", (person_id,)
                )
            counts["accounts"] = await self._execute(
                "DELETE FROM accounts WHERE person_id = ?", (person_id,)
            )
            # what was sent about them to others: alerts, re-opened risk sheets, summaries
            counts["outbox"] = counts.get("outbox", 0) + await self._execute(
                "DELETE FROM outbox WHERE instr(payload, ?) > 0", (name,)
            )
            await self._execute(
                "UPDATE stories SET nominee_name = ? WHERE nominee_id = ? AND state <> 'published'",
                (ERASED_NAME, person_id),
            )
            await self._execute(
                "UPDATE audit SET actor = ? WHERE actor_id = ? OR actor = ?",
                (ERASED_NAME, person_id, name),
            )
            if not keep_roster_row:
                await self._execute(
                    "UPDATE people SET full_name = ?, phone = '', staff_code = ?,"
                    " preferred_channel = NULL WHERE id = ?",
                    (ERASED_NAME, f"xoa-{person_id}", person_id),
                )
                await self._execute("DELETE FROM unit_heads WHERE person_id = ?", (person_id,))
        # every table: besides what this erased, rows deleted or changed before (a finished
        # walk, a replaced check-in) may still stand as old versions holding the person's data
        await self._db.checkpoint()
        return Erased(counts)

    async def leavers_before(self, moment: datetime) -> list[int]:
        """People deactivated before `moment` whose names are still there."""
        rows = await self._fetchall(
            "SELECT id FROM people WHERE active = 0 AND deactivated_at < ? AND full_name <> ?",
            (ts(moment), ERASED_NAME),
        )
        return [r["id"] for r in rows]

    async def erase_health_before(self, day: date, moment: datetime) -> Erased:
        """Health data of the days before `day` (declarations, what counted, dispatches, risk
        rounds, levels and changes, leave that ended) and every message created before
        `moment` (alerts and confirmations carry answers)."""
        before = day.isoformat()
        counts: dict[str, int] = {}
        async with self.transaction():
            for table in ("checkins", "declarations", "dispatches", "risk_levels", "risk_changes"):
                counts[table] = await self._execute(f"DELETE FROM {table} WHERE day < ?", (before,))
            counts["risk_rounds"] = await self._execute(
                "DELETE FROM risk_rounds WHERE day < ?", (before,)
            )
            counts["leaves"] = await self._execute(
                "DELETE FROM leaves WHERE last_day < ?", (before,)
            )
            counts["outbox"] = await self._execute(
                "DELETE FROM outbox WHERE created_at < ? AND state <> 'pending'", (ts(moment),)
            )
        if any(counts.values()):
            await self._db.checkpoint(sorted({t for t, n in counts.items() if n} | set(CHURN)))
        return Erased(counts)

    async def forget_sent_texts_before(self, moment: datetime) -> int:
        """Sent messages keep their delivery record but lose their text."""
        changed = await self._execute(
            "UPDATE outbox SET payload = '{}' WHERE state = 'sent' AND sent_at < ?"
            " AND payload <> '{}'",
            (ts(moment),),
        )
        if changed:
            await self._db.checkpoint(["outbox"])
        return changed
