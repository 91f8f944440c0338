"""Queries about people: the roster, messenger accounts, invite codes and consent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from core.domain import Account, Channel, Invite, Person, Role, Unit
from core.roster import ImportPlan, RosterEntry
from storage.db import Repository, Row, from_ts, ts

# What `person_from_row` reads, from `people p JOIN units u`.
PERSON_COLUMNS = """
    p.id, p.staff_code, p.full_name, p.unit_code, u.name AS unit_name, p.phone, p.active,
    p.alerts_each,
    (SELECT group_concat(role) FROM person_roles r WHERE r.person_id = p.id) AS roles,
    (SELECT group_concat(unit_code) FROM unit_heads h WHERE h.person_id = p.id) AS heads
"""
PERSON_SQL = f"SELECT {PERSON_COLUMNS} FROM people p JOIN units u ON u.code = p.unit_code"


def person_from_row(row: Row) -> Person:
    return Person(
        id=row["id"],
        staff_code=row["staff_code"],
        full_name=row["full_name"],
        unit=Unit(row["unit_code"], row["unit_name"]),
        roles=frozenset(Role(r) for r in (row["roles"] or "").split(",") if r),
        phone=row["phone"],
        active=bool(row["active"]),
        heads=frozenset((row["heads"] or "").split(",")) - {""},
        alerts_each=bool(row["alerts_each"]),
    )


def role_terms(entry: RosterEntry) -> set[tuple[str, str]]:
    """The (role, unit) terms a roster line gives: a head's per unit headed, the others once;
    staff, which everyone is, none."""
    terms = {(role.value, "") for role in entry.roles if role not in (Role.STAFF, Role.HEAD)}
    return terms | {(Role.HEAD.value, unit) for unit in entry.heads}


def account_from_row(row: Row, person_column: str = "person_id") -> Account:
    return Account(
        channel=Channel(row["channel"]),
        external_id=row["external_id"],
        chat_id=row["chat_id"],
        person_id=row[person_column],
        linked_at=from_ts(row["linked_at"]),
    )


def _invite(row: Row) -> Invite:
    return Invite(
        code=row["code"],
        person_id=row["person_id"],
        created_at=from_ts(row["created_at"]),
        expires_at=from_ts(row["expires_at"]),
        used_at=from_ts(row["used_at"]) if row["used_at"] else None,
        revoked=row["revoked_at"] is not None,
    )


class PeopleRepo(Repository):
    async def all_people(self) -> list[Person]:
        rows = await self._fetchall(PERSON_SQL + " ORDER BY p.unit_code, p.full_name")
        return [person_from_row(r) for r in rows]

    async def person(self, person_id: int) -> Person | None:
        row = await self._fetchone(PERSON_SQL + " WHERE p.id = ?", (person_id,))
        return person_from_row(row) if row else None

    async def active_person_by_phone(self, phone: str) -> Person | None:
        row = await self._fetchone(PERSON_SQL + " WHERE p.phone = ? AND p.active = 1", (phone,))
        return person_from_row(row) if row else None

    async def apply_import(self, plan: ImportPlan, now: datetime, day: date | None = None) -> None:
        """Write a planned roster import in one transaction; the roster history takes the
        changes from `day` (the local date of the import; by default the date of `now`)."""
        day = day or now.date()
        async with self.transaction():
            await self._executemany(
                "INSERT INTO units (code, name) VALUES (?, ?)"
                " ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                [(u.code, u.name) for u in plan.units],
            )
            for entry in plan.added + plan.updated:
                person_id = await self._upsert_person(entry, now)
                await self._member(person_id, entry.unit.code, day)
                await self._hold_roles(person_id, role_terms(entry), day)
            await self._executemany(
                "UPDATE people SET active = 0, updated_at = ?, deactivated_at = ?"
                " WHERE staff_code = ?",
                [(ts(now), ts(now), code) for code in plan.deactivated],
            )
            for code in plan.deactivated:
                await self._leave_unit(code, day)
                person = await self._fetchone("SELECT id FROM people WHERE staff_code = ?", (code,))
                if person is not None:
                    await self._hold_roles(person["id"], set(), day)

    async def _hold_roles(self, person_id: int, terms: set[tuple[str, str]], day: date) -> None:
        """From `day` the person holds exactly these (role, unit) terms: an open one not among
        them ends the day before (or is dropped if it began that day); a new one begins."""
        rows = await self._fetchall(
            "SELECT role, unit_code, first_day FROM role_terms"
            " WHERE person_id = ? AND last_day IS NULL",
            (person_id,),
        )
        held = {(r["role"], r["unit_code"]): r["first_day"] for r in rows}
        for (role, unit), first in held.items():
            if (role, unit) in terms:
                continue
            key = (person_id, role, unit)
            if first >= day.isoformat():
                await self._execute(
                    "DELETE FROM role_terms WHERE person_id = ? AND role = ? AND unit_code = ?"
                    " AND last_day IS NULL",
                    key,
                )
            else:
                await self._execute(
                    "UPDATE role_terms SET last_day = ? WHERE person_id = ? AND role = ?"
                    " AND unit_code = ? AND last_day IS NULL",
                    ((day - timedelta(days=1)).isoformat(), *key),
                )
        await self._executemany(
            "INSERT INTO role_terms (person_id, role, unit_code, first_day) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (person_id, role, unit_code, first_day) DO UPDATE SET last_day = NULL",
            [
                (person_id, role, unit, day.isoformat())
                for role, unit in sorted(terms - held.keys())
            ],
        )

    async def _member(self, person_id: int, unit: str, day: date) -> None:
        """From `day`, `person_id` belongs to `unit` (a change of unit closes the old
        membership the day before; a change on the day it began rewrites it)."""
        current = await self._fetchone(
            "SELECT unit_code, first_day FROM memberships WHERE person_id = ? AND last_day IS NULL",
            (person_id,),
        )
        if current is not None and current["unit_code"] == unit:
            return
        if current is not None and current["first_day"] >= day.isoformat():
            await self._execute(
                "UPDATE memberships SET unit_code = ? WHERE person_id = ? AND last_day IS NULL",
                (unit, person_id),
            )
            return
        if current is not None:
            await self._execute(
                "UPDATE memberships SET last_day = ? WHERE person_id = ? AND last_day IS NULL",
                ((day - timedelta(days=1)).isoformat(), person_id),
            )
        await self._execute(
            "INSERT INTO memberships (person_id, unit_code, first_day) VALUES (?, ?, ?)"
            " ON CONFLICT (person_id, first_day) DO UPDATE SET unit_code = excluded.unit_code,"
            " last_day = NULL",
            (person_id, unit, day.isoformat()),
        )

    async def _leave_unit(self, staff_code: str, day: date) -> None:
        """Off the roster from `day`: the open membership ends the day before."""
        where = "person_id = (SELECT id FROM people WHERE staff_code = ?) AND last_day IS NULL"
        await self._execute(
            f"DELETE FROM memberships WHERE {where} AND first_day >= ?",
            (staff_code, day.isoformat()),
        )
        await self._execute(
            f"UPDATE memberships SET last_day = ? WHERE {where}",
            ((day - timedelta(days=1)).isoformat(), staff_code),
        )

    async def _upsert_person(self, entry: RosterEntry, now: datetime) -> int:
        row = await self._fetchone(
            "INSERT INTO people (staff_code, full_name, unit_code, phone, active, updated_at)"
            " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (staff_code) DO UPDATE SET"
            " full_name = excluded.full_name, unit_code = excluded.unit_code,"
            " phone = excluded.phone, active = 1, deactivated_at = NULL,"
            " updated_at = excluded.updated_at"
            " RETURNING id",
            (entry.staff_code, entry.full_name, entry.unit.code, entry.phone, ts(now)),
        )
        if row is None:  # RETURNING always yields the row it wrote
            raise LookupError(f"no row written for {entry.staff_code}")
        person_id = row["id"]
        await self._execute("DELETE FROM person_roles WHERE person_id = ?", (person_id,))
        await self._executemany(
            "INSERT INTO person_roles (person_id, role) VALUES (?, ?)",
            [(person_id, role.value) for role in sorted(entry.roles)],
        )
        await self._execute("DELETE FROM unit_heads WHERE person_id = ?", (person_id,))
        await self._executemany(
            "INSERT INTO unit_heads (person_id, unit_code) VALUES (?, ?)",
            [(person_id, unit) for unit in sorted(entry.heads)],
        )
        return int(person_id)

    # --- accounts ---------------------------------------------------------------------------

    async def accounts_of(self, person_id: int) -> list[Account]:
        rows = await self._fetchall(
            "SELECT * FROM accounts WHERE person_id = ? ORDER BY channel", (person_id,)
        )
        return [account_from_row(r) for r in rows]

    async def link_account(
        self, channel: Channel, external_id: str, chat_id: str, person_id: int, now: datetime
    ) -> None:
        """One account per person per messenger: linking a new one unlinks the old."""
        async with self.transaction():
            await self._execute(
                "DELETE FROM accounts WHERE channel = ? AND (person_id = ? OR external_id = ?)",
                (channel.value, person_id, external_id),
            )
            await self._execute(
                "INSERT INTO accounts (channel, external_id, chat_id, person_id, linked_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (channel.value, external_id, chat_id, person_id, ts(now)),
            )

    async def mark_unreachable(self, channel: Channel, chat_id: str, now: datetime) -> None:
        await self._execute(
            "UPDATE accounts SET unreachable_at = ? WHERE channel = ? AND chat_id = ?",
            (ts(now), channel.value, chat_id),
        )

    async def mark_hidden(
        self, channel: Channel, account_id: str, hidden: bool, now: datetime
    ) -> None:
        """Zalo withholds (or no longer withholds) this account's messages from bots."""
        await self._execute(
            "UPDATE accounts SET hidden_at = ? WHERE channel = ? AND external_id = ?",
            (ts(now) if hidden else None, channel.value, account_id),
        )

    async def mark_reachable(self, channel: Channel, account_id: str) -> None:
        """The person wrote again from this account: it can be reached again."""
        await self._execute(
            "UPDATE accounts SET unreachable_at = NULL WHERE channel = ? AND external_id = ?",
            (channel.value, account_id),
        )

    # --- invites ----------------------------------------------------------------------------

    async def people_not_enrolled(self, unit_code: str | None = None) -> list[Person]:
        rows = await self._fetchall(
            PERSON_SQL + " WHERE p.active = 1 AND (CAST(? AS TEXT) IS NULL OR p.unit_code = ?)"
            " AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)"
            " ORDER BY p.unit_code, p.full_name",
            (unit_code, unit_code),
        )
        return [person_from_row(r) for r in rows]

    async def unit(self, code: str) -> Unit | None:
        row = await self._fetchone("SELECT code, name FROM units WHERE code = ?", (code,))
        return Unit(row["code"], row["name"]) if row else None

    async def issue_invites(
        self, codes: Sequence[tuple[int, str]], now: datetime, ttl: timedelta
    ) -> None:
        """Store new codes; a person's older unused codes are revoked so only the newest works."""
        async with self.transaction():
            await self._executemany(
                "UPDATE invites SET revoked_at = ?"
                " WHERE person_id = ? AND used_at IS NULL AND revoked_at IS NULL",
                [(ts(now), person_id) for person_id, _ in codes],
            )
            await self._executemany(
                "INSERT INTO invites (code, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                [(code, person_id, ts(now), ts(now + ttl)) for person_id, code in codes],
            )

    async def invite(self, code: str) -> Invite | None:
        row = await self._fetchone("SELECT * FROM invites WHERE code = ?", (code,))
        return _invite(row) if row else None

    async def use_invite(self, code: str, used_by: str, now: datetime) -> None:
        await self._execute(
            "UPDATE invites SET used_at = ?, used_by = ? WHERE code = ? AND used_at IS NULL",
            (ts(now), used_by, code),
        )

    # --- consent ----------------------------------------------------------------------------

    async def record_consent(
        self, person_id: int, version: str, channel: Channel, now: datetime
    ) -> None:
        await self._execute(
            "INSERT INTO consents (person_id, version, accepted_at, channel) VALUES (?, ?, ?, ?)",
            (person_id, version, ts(now), channel.value),
        )

    async def has_consent(self, person_id: int, version: str) -> bool:
        row = await self._fetchone(
            "SELECT 1 FROM consents WHERE person_id = ? AND version = ? AND withdrawn_at IS NULL",
            (person_id, version),
        )
        return row is not None

    async def prefer_channel(self, person_id: int, channel: Channel) -> None:
        await self._execute(
            "UPDATE people SET preferred_channel = ? WHERE id = ?", (channel.value, person_id)
        )

    async def choose_alerts(self, person_id: int, each: bool) -> None:
        await self._execute("UPDATE people SET alerts_each = ? WHERE id = ?", (each, person_id))

    async def person_by_code(self, staff_code: str) -> Person | None:
        row = await self._fetchone(PERSON_SQL + " WHERE p.staff_code = ?", (staff_code,))
        return person_from_row(row) if row else None

    async def leaders(self) -> list[Person]:
        """Heads, office and leadership (the core picks those of the right unit)."""
        rows = await self._fetchall(
            PERSON_SQL + " WHERE p.active = 1 AND EXISTS (SELECT 1 FROM person_roles r"
            " WHERE r.person_id = p.id AND r.role IN ('head', 'office', 'leader'))"
        )
        return [person_from_row(r) for r in rows]

    async def units(self) -> list[Unit]:
        """Units with anyone active in them."""
        rows = await self._fetchall(
            "SELECT code, name FROM units u WHERE EXISTS"
            " (SELECT 1 FROM people p WHERE p.unit_code = u.code AND p.active = 1) ORDER BY name"
        )
        return [Unit(r["code"], r["name"]) for r in rows]
