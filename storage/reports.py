"""What period reports read: the roster history of a period, each working day's declarations,
leave and alerts (one day at a time), the risk confirmations and the stories."""

from __future__ import annotations

from datetime import date, timedelta

from core.reports import DayFacts, HeadTerm, Member, Membership
from core.slots import SlotName
from storage.db import Repository

EARLIEST = date(1, 1, 1)


class ReportRepo(Repository):
    async def roster_between(
        self, first: date, last: date
    ) -> tuple[dict[str, str], dict[int, Member], list[Membership]]:
        """The units, the people and the memberships that touch [first, last]."""
        units = {r["code"]: r["name"] for r in await self._fetchall("SELECT * FROM units")}
        rows = await self._fetchall(
            "SELECT m.*, p.staff_code, p.full_name FROM memberships m"
            " JOIN people p ON p.id = m.person_id"
            " WHERE m.first_day <= ? AND (m.last_day IS NULL OR m.last_day >= ?)",
            (last.isoformat(), first.isoformat()),
        )
        people = {
            r["person_id"]: Member(r["person_id"], r["staff_code"], r["full_name"]) for r in rows
        }
        memberships = [
            Membership(
                r["person_id"],
                r["unit_code"],
                date.fromisoformat(r["first_day"]),
                date.fromisoformat(r["last_day"]) if r["last_day"] else None,
            )
            for r in rows
        ]
        return units, people, memberships

    async def heads_between(self, first: date, last: date, unit: str | None) -> list[HeadTerm]:
        """Who headed each unit (or `unit`) during [first, last], with the days within it."""
        rows = await self._fetchall(
            "SELECT t.unit_code, p.full_name,"
            " CASE WHEN t.first_day > :first THEN t.first_day ELSE :first END AS first_day,"
            " CASE WHEN t.last_day < :last THEN t.last_day ELSE :last END AS last_day"
            " FROM role_terms t JOIN people p ON p.id = t.person_id"
            " WHERE t.role = 'head' AND t.first_day <= :last"
            " AND (t.last_day IS NULL OR t.last_day >= :first)"
            " AND (CAST(:unit AS TEXT) IS NULL OR t.unit_code = :unit)"
            " ORDER BY t.unit_code, first_day, p.full_name",
            {"first": first.isoformat(), "last": last.isoformat(), "unit": unit},
        )
        return [
            HeadTerm(
                r["unit_code"],
                r["full_name"],
                date.fromisoformat(r["first_day"]),
                date.fromisoformat(r["last_day"]),
            )
            for r in rows
        ]

    async def day_facts(self, day: date) -> DayFacts:
        declared: dict[SlotName, dict[int, bool]] = {}
        alerts: set[tuple[SlotName, int]] = set()
        for r in await self._fetchall(
            "SELECT slot, person_id, late, alert FROM checkins WHERE day = ?", (day.isoformat(),)
        ):
            slot = SlotName(r["slot"])
            declared.setdefault(slot, {})[r["person_id"]] = bool(r["late"])
            if r["alert"]:
                alerts.add((slot, r["person_id"]))
        leave = {
            r["person_id"]
            for r in await self._fetchall(
                "SELECT person_id FROM leaves WHERE cancelled_at IS NULL"
                " AND first_day <= ? AND last_day >= ?",
                (day.isoformat(), day.isoformat()),
            )
        }
        return DayFacts(day, declared, leave, alerts)

    async def risk_confirmations(self, first: date, last: date) -> dict[tuple[str, date], bool]:
        """(unit, day) → late, for each day's confirmed daily round."""
        rows = await self._fetchall(
            "SELECT day, unit_code, late FROM risk_rounds WHERE reason = 'daily'"
            " AND confirmed_at IS NOT NULL AND day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        return {(r["unit_code"], date.fromisoformat(r["day"])): bool(r["late"]) for r in rows}

    async def story_counts(self, first: date, last: date) -> dict[str, tuple[int, int]]:
        """unit → (proposed, approved or published), for stories proposed in the period."""
        rows = await self._fetchall(
            "SELECT unit_code, count(*) AS proposed,"
            " sum(CASE WHEN state IN ('approved', 'published') THEN 1 ELSE 0 END) AS approved"
            " FROM stories"
            " WHERE created_at >= ? AND created_at < ? GROUP BY unit_code",
            (first.isoformat(), (last + timedelta(days=1)).isoformat()),
        )
        return {r["unit_code"]: (r["proposed"], r["approved"] or 0) for r in rows}

    async def alerts_on(self, day: date) -> list[tuple[str, str, SlotName]]:
        """The day's declarations that count and alerted: (name, unit name, slot)."""
        rows = await self._fetchall(
            "SELECT p.full_name, u.name AS unit, c.slot FROM checkins c"
            " JOIN people p ON p.id = c.person_id JOIN units u ON u.code = p.unit_code"
            " WHERE c.day = ? AND c.alert = 1 ORDER BY u.name, p.full_name, c.slot",
            (day.isoformat(),),
        )
        return [(r["full_name"], r["unit"], SlotName(r["slot"])) for r in rows]
