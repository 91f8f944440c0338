"""Running an export: rows streamed from a reader connection into a file. Used by the command
line and by the office's chat exports (which run after the batch that asked for them)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from bot.config import Settings
from bot.files import part_of, write_export, write_my_data
from bot.loops import woken_or_stopped
from bot.report_files import write_report_docx, write_report_xlsx
from core.exports import heading, kind_named
from core.office import REPORT_KIND, ExportRequest
from core.questionnaire import Questionnaire
from core.workdays import WorkCalendar
from services import Services
from services.office import finish_export
from services.reports import period_report
from storage.export_reader import export_rows, open_export_reader

log = logging.getLogger(__name__)
MYDATA = "mydata"  # a person's own data (/dulieu), not an office export


async def write_export_file(
    settings: Settings,
    form: Questionnaire,
    calendar: WorkCalendar,
    kind_name: str,
    period: tuple[date, date],
    unit: str | None,
    out: Path,
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Write one export (XLSX or CSV by the suffix of `out`) on a reader connection, into
    `part_of(out)`: the caller makes it final (with its audit entry); the number of rows."""
    kind = kind_named(kind_name, form)
    first, last = period
    async with await open_export_reader(settings) as reader:
        # the long one (a month of everyone) gets a total, so that progress can show a bar
        total = (
            await reader.declaration_count(first, last, unit)
            if kind_name == "declarations"
            else None
        )
        rows = export_rows(reader, kind, period, unit, form, calendar, settings.tz)
        lines = heading(settings.org_name, kind, first, last, unit)
        report = (lambda done: progress(done, total)) if progress else None
        part = part_of(out)
        try:
            return await write_export(part, out.suffix.lower(), lines, kind, rows, report)
        except BaseException:
            await asyncio.to_thread(part.unlink, missing_ok=True)
            raise


class ExportWorker:
    """Writes the exports asked for in the chat, after the batch that asked has committed, and
    queues each file as a document with the audit entry in one transaction."""

    def __init__(self, services: Services, on_queued: Callable[[], None]) -> None:
        self.services = services
        self.on_queued = on_queued
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> int:
        done = 0
        for request in await self.services.store.office.pending_exports():
            await self._run(request)
            done += 1
        if done:
            self.on_queued()
        return done

    async def _run(self, request: ExportRequest) -> None:
        services = self.services
        span = f"{request.first:%Y%m%d}-{request.last:%Y%m%d}"
        path = services.settings.files_dir / "exports"
        path = path / f"{request.kind}-{span}-{request.id}.{request.format}"
        path.parent.mkdir(parents=True, exist_ok=True)
        period = (request.first, request.last)
        try:
            if request.kind == MYDATA:
                count = await self._my_data(request, path)
            elif request.kind == REPORT_KIND:
                count = await self._report(request, path)
            else:
                count = await write_export_file(
                    services.settings, services.form, services.calendar, request.kind, period,
                    request.unit, path,
                )  # fmt: skip
        except Exception:
            log.exception("export request %s failed", request.id)
            await finish_export(services, request, None, None)
            return
        await asyncio.to_thread(part_of(path).replace, path)
        await finish_export(services, request, count, str(path))

    async def _report(self, request: ExportRequest, path: Path) -> int:
        """A period report asked for with /baocao: a Word document or a workbook."""
        services = self.services
        built = await period_report(services, request.first, request.last, request.unit)
        if request.format == "docx":
            day = f"{services.local(services.now()):%d/%m/%Y}"
            write = partial(write_report_docx, built, services.settings, part_of(path), day)
            return await asyncio.to_thread(write)
        return await asyncio.to_thread(write_report_xlsx, built, part_of(path))

    async def _my_data(self, request: ExportRequest, path: Path) -> int:
        """A person's own data, asked for with /dulieu."""
        data = await self.services.store.privacy.my_data(request.person_id)
        if data is None:
            raise LookupError(f"person {request.person_id} is gone")
        form, tz = self.services.form, self.services.settings.tz
        return await asyncio.to_thread(write_my_data, part_of(path), data, form, tz)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("export worker failed; retrying")
            self._wake.clear()
            await woken_or_stopped(self._wake, stop, 30)
