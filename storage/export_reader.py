"""Exports read on a connection of their own: a long export streams row by row while the bot
keeps writing (WAL lets a reader and the writer work side by side)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from core.exports import (
    DeclarationRecord,
    Kind,
    RiskRecord,
    StoryRecord,
    audit_cells,
    declaration_cells,
    risk_cells,
    story_cells,
    summary_cells,
    utc_range,
)
from core.office import AuditEntry
from core.questionnaire import Questionnaire
from core.settings import Settings
from core.slots import SlotName, SlotRef
from core.summary import UnitCount
from core.workdays import WorkCalendar
from storage.checkins import answers_from, count_units
from storage.db import Database, Row, Sql, from_ts, ts
from storage.office import audit_entry
from storage.repositories import Repositories

CHUNK = 2000  # rows fetched per trip to SQLite's thread

_STORIES = """
    SELECT s.id, s.state, p.full_name AS proposer, s.nominee_name, s.unit_code, u.name AS unit,
           s.category, s.proposed_form, s.kind, s.decision_form, s.decision_number,
           s.decision_date, s.created_at,
           (SELECT max(at) FROM story_moves m WHERE m.story_id = s.id AND m.move = 'endorse')
               AS endorsed_at,
           (SELECT max(at) FROM story_moves m WHERE m.story_id = s.id AND m.move = 'approve')
               AS approved_at,
           (SELECT max(at) FROM story_moves m WHERE m.story_id = s.id AND m.move = 'publish')
               AS published_at,
           s.story
    FROM stories s JOIN people p ON p.id = s.proposer_id JOIN units u ON u.code = s.unit_code
    WHERE s.created_at >= :start AND s.created_at < :end
      AND (CAST(:unit AS TEXT) IS NULL OR s.unit_code = :unit)
    ORDER BY s.id
"""


# A declaration belongs to the unit the person was in that day (the roster history), else to
# their unit now (a declaration from before any history).
_UNIT_OF_THE_DAY = """
    (SELECT m.unit_code FROM memberships m WHERE m.person_id = d.person_id
     AND m.first_day <= d.day AND (m.last_day IS NULL OR m.last_day >= d.day)
     ORDER BY m.first_day DESC LIMIT 1)
"""
_DECLARATIONS = f"""
    SELECT d.day, d.slot, p.staff_code, p.full_name, x.unit_code, u.name AS unit, d.declared_at,
           d.late, d.alert, d.answers, d.channel,
           EXISTS (SELECT 1 FROM checkins c WHERE c.day = d.day AND c.slot = d.slot
                   AND c.person_id = d.person_id AND c.declaration_id = d.id) AS counts
    FROM declarations d JOIN people p ON p.id = d.person_id
    JOIN (SELECT d.id, coalesce({_UNIT_OF_THE_DAY}, p.unit_code) AS unit_code
          FROM declarations d JOIN people p ON p.id = d.person_id
          WHERE d.day BETWEEN :first AND :last) x ON x.id = d.id
    JOIN units u ON u.code = x.unit_code
    WHERE d.day BETWEEN :first AND :last
      AND (CAST(:unit AS TEXT) IS NULL OR x.unit_code = :unit)
    ORDER BY d.id
"""

_RISK = """
    SELECT r.day, r.unit_code, u.name AS unit, r.round, r.reason, r.opened_at, r.confirmed_at,
           r.late, cp.full_name AS confirmed_by, p.staff_code, p.full_name, l.suggested, l.level
    FROM risk_rounds r JOIN units u ON u.code = r.unit_code
    LEFT JOIN people cp ON cp.id = r.confirmed_by
    LEFT JOIN risk_levels l ON l.day = r.day AND l.unit_code = r.unit_code AND l.round = r.round
    LEFT JOIN people p ON p.id = l.person_id
    WHERE r.day BETWEEN :first AND :last
      AND (CAST(:unit AS TEXT) IS NULL OR r.unit_code = :unit)
    ORDER BY r.day, r.unit_code, r.round, p.full_name
"""

_AUDIT = """
    SELECT * FROM audit WHERE at >= :start AND at < :end
      AND (CAST(:unit AS TEXT) IS NULL OR unit_code = :unit)
    ORDER BY id
"""


class ExportReader:
    """`async with await open_export_reader(...) as reader:` then iterate a kind's rows: reads
    only, on a connection of its own (SQLite refuses any write on it)."""

    def __init__(self, db: Sql) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path) -> ExportReader:
        conn = await Database.connect(path, create=False, writable=False)  # reads only
        await conn.execute("PRAGMA query_only = ON")
        return cls(Database(conn))

    async def close(self) -> None:
        await self._db.close()

    async def unit_counts(self, ref: SlotRef, unit: str | None = None) -> list[UnitCount]:
        """A slot's counts per unit with the roster of that day (the roster history)."""
        return await count_units(self._db, ref, unit, as_of_the_day=True)

    async def __aenter__(self) -> ExportReader:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _rows(self, sql: str, params: dict[str, Any]) -> AsyncIterator[Row]:
        return self._db.stream(sql, params, CHUNK)

    async def stories(
        self, start: datetime, end: datetime, unit: str | None
    ) -> AsyncIterator[StoryRecord]:
        async for r in self._rows(_STORIES, {"start": ts(start), "end": ts(end), "unit": unit}):
            yield StoryRecord(
                id=r["id"],
                state=r["state"],
                proposer=r["proposer"],
                nominee_name=r["nominee_name"],
                unit_code=r["unit_code"],
                unit=r["unit"],
                category=r["category"],
                proposed_form=r["proposed_form"],
                kind=r["kind"],
                decision_form=r["decision_form"] or "",
                decision_number=r["decision_number"] or "",
                decision_date=_date(r["decision_date"]),
                created_at=from_ts(r["created_at"]),
                endorsed_at=_instant(r["endorsed_at"]),
                approved_at=_instant(r["approved_at"]),
                published_at=_instant(r["published_at"]),
                story=r["story"],
            )

    async def declarations(
        self, first: date, last: date, unit: str | None
    ) -> AsyncIterator[DeclarationRecord]:
        async for r in self._rows(_DECLARATIONS, _days(first, last, unit)):
            yield DeclarationRecord(
                day=date.fromisoformat(r["day"]),
                slot=r["slot"],
                staff_code=r["staff_code"],
                full_name=r["full_name"],
                unit_code=r["unit_code"],
                unit=r["unit"],
                declared_at=from_ts(r["declared_at"]),
                late=bool(r["late"]),
                counts=bool(r["counts"]),
                alert=bool(r["alert"]),
                answers=answers_from(r["answers"]),
                channel=r["channel"],
            )

    async def risk(self, first: date, last: date, unit: str | None) -> AsyncIterator[RiskRecord]:
        async for r in self._rows(_RISK, _days(first, last, unit)):
            yield RiskRecord(
                day=date.fromisoformat(r["day"]),
                unit_code=r["unit_code"],
                unit=r["unit"],
                round=r["round"],
                reason=r["reason"],
                opened_at=from_ts(r["opened_at"]),
                confirmed_at=_instant(r["confirmed_at"]),
                late=bool(r["late"]),
                confirmed_by=r["confirmed_by"] or "",
                staff_code=r["staff_code"] or "",
                full_name=r["full_name"] or "",
                suggested=r["suggested"] or "",
                level=r["level"] or "",
            )

    async def audit_log(
        self, start: datetime, end: datetime, unit: str | None
    ) -> AsyncIterator[AuditEntry]:
        async for r in self._rows(_AUDIT, {"start": ts(start), "end": ts(end), "unit": unit}):
            yield audit_entry(r)

    async def declaration_count(self, first: date, last: date, unit: str | None) -> int:
        """How many rows a declarations export will hold (for the progress bar)."""
        row = await self._db.fetchone(
            "SELECT count(*) AS n FROM declarations d JOIN people p ON p.id = d.person_id"
            f" WHERE d.day BETWEEN :first AND :last AND (CAST(:unit AS TEXT) IS NULL"
            f" OR coalesce({_UNIT_OF_THE_DAY}, p.unit_code) = :unit)",
            _days(first, last, unit),
        )
        return int(row["n"]) if row else 0


async def open_export_reader(settings: Settings) -> ExportReader:
    """The reader on the store the settings choose (see `storage.open_settings_store`): a
    read-only connection of SQLite's file, or a pool of one on the organization's schema."""
    if not settings.database_url:
        return await ExportReader.open(settings.database_path)
    from storage import open_settings_store

    store = await open_settings_store(replace(settings, pg_pool_size=1), create=False)
    return ExportReader(cast(Repositories, store).db)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _instant(text: str | None) -> datetime | None:
    return from_ts(text) if text else None


def _days(first: date, last: date, unit: str | None) -> dict[str, Any]:
    return {"first": first.isoformat(), "last": last.isoformat(), "unit": unit}


async def export_rows(
    reader: ExportReader,
    kind: Kind,
    period: tuple[date, date],
    unit: str | None,
    form: Questionnaire,
    calendar: WorkCalendar,
    tz: ZoneInfo,
) -> AsyncIterator[list[Any]]:
    """The cells of an export, row by row, for the local days of `period`."""
    first, last = period
    start, end = utc_range(first, last, tz)
    if kind.name == "stories":
        async for story in reader.stories(start, end, unit):
            yield story_cells(story, tz)
    elif kind.name == "declarations":
        async for declaration in reader.declarations(first, last, unit):
            yield declaration_cells(declaration, form, tz)
    elif kind.name == "risk":
        async for level in reader.risk(first, last, unit):
            yield risk_cells(level, tz)
    elif kind.name == "audit":
        async for entry in reader.audit_log(start, end, unit):
            yield audit_cells(entry, tz)
    elif kind.name == "summaries":
        for day in (first + timedelta(days=n) for n in range((last - first).days + 1)):
            if not calendar.is_working_day(day):
                continue
            for slot in SlotName:
                for count in await reader.unit_counts(SlotRef(day, slot), unit):
                    yield summary_cells(day, slot.value, count)
