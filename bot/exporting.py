"""Running an export: rows streamed from a reader connection into a file. Used by the command
line and by the office's chat exports (which run after the batch that asked for them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.config import Settings
from bot.exports import heading, kind_named
from bot.files import write_export
from bot.questionnaire import Questionnaire
from bot.workdays import WorkCalendar
from storage.exports import ExportReader, export_rows


async def write_export_file(
    settings: Settings,
    form: Questionnaire,
    calendar: WorkCalendar,
    kind_name: str,
    period: tuple[date, date],
    unit: str | None,
    out: Path,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one export to a file (XLSX or CSV by its suffix) on a reader connection; the
    number of rows written."""
    kind = kind_named(kind_name, form)
    first, last = period
    async with await ExportReader.open(settings.database_path) as reader:
        rows = export_rows(reader, kind, period, unit, form, calendar, settings.tz)
        lines = heading(settings.org_name, kind, first, last, unit)
        return await write_export(out, lines, kind, rows, progress)
