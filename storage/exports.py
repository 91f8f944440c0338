"""Exports read on a connection of their own: a long export streams row by row while the bot
keeps writing (WAL lets a reader and the writer work side by side)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.exports import STORIES, Kind, story_cells, utc_range
from storage.db import Database, ts

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
    WHERE s.created_at >= :start AND s.created_at < :end AND (:unit IS NULL OR s.unit_code = :unit)
    ORDER BY s.id
"""


class ExportReader:
    """`async with await ExportReader.open(path) as reader:` then iterate a kind's rows."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, path: Path) -> ExportReader:
        conn = await Database.connect(path)  # migrated like the bot's; reads only from here on
        await conn.execute("PRAGMA query_only = ON")
        return cls(conn)

    async def __aenter__(self) -> ExportReader:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._conn.close()

    async def _rows(self, sql: str, params: dict[str, Any]) -> AsyncIterator[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            cursor.iter_chunk_size = CHUNK
            async for row in cursor:
                yield row

    def stories(
        self, start: datetime, end: datetime, unit: str | None
    ) -> AsyncIterator[aiosqlite.Row]:
        return self._rows(_STORIES, {"start": ts(start), "end": ts(end), "unit": unit})


async def export_rows(
    reader: ExportReader, kind: Kind, first: date, last: date, unit: str | None, tz: ZoneInfo
) -> AsyncIterator[list[Any]]:
    """The cells of an export, row by row, for local days first..last."""
    start, end = utc_range(first, last, tz)
    if kind is STORIES:
        async for row in reader.stories(start, end, unit):
            yield story_cells(row, tz)
