"""Running an export: rows streamed from a reader connection into a file. Used by the command
line and by the office's chat exports (which run after the batch that asked for them)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot import texts
from bot.config import Settings
from bot.domain import Channel
from bot.exports import day_text, heading, kind_named
from bot.files import write_export
from bot.messages import Reply
from bot.questionnaire import Questionnaire
from bot.sender import woken_or_stopped
from bot.workdays import WorkCalendar
from handlers.router import Services
from storage.exports import ExportReader, export_rows
from storage.office import ExportRequest

log = logging.getLogger(__name__)


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
        for request in await self.services.store.pending_exports():
            await self._run(request)
            done += 1
        if done:
            self.on_queued()
        return done

    async def _run(self, request: ExportRequest) -> None:
        services, store = self.services, self.services.store
        settings, now = services.settings, services.clock.now()
        person = await store.person(request.person_id)
        actor = person.full_name if person else str(request.person_id)
        span = f"{request.first:%Y%m%d}-{request.last:%Y%m%d}"
        name = f"{request.kind}-{span}-{request.id}.{request.format}"
        path = settings.database_path.parent / "exports" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        period = (request.first, request.last)
        channel = Channel(request.channel)
        try:
            count = await write_export_file(
                settings, services.form, services.calendar, request.kind, period, request.unit, path
            )
        except Exception:
            log.exception("export request %s failed", request.id)
            async with store.transaction():
                await store.finish_export(request.id, "failed", None)
                await store.audit(
                    now,
                    actor,
                    "export",
                    request.person_id,
                    request.kind,
                    period,
                    request.unit,
                    None,
                    "failed",
                )
                await store.enqueue_many(
                    [(channel, request.chat_id, Reply(texts.EXPORT_FAILED))], now
                )
            return
        caption = texts.EXPORT_READY.format(
            kind=texts.EXPORT_KIND_NAMES[request.kind],
            first=day_text(request.first),
            last=day_text(request.last),
            unit=request.unit or texts.EXPORT_ALL_UNITS,
            rows=count,
        )
        reply = Reply(caption, document=str(path))
        if channel != Channel.TELEGRAM:  # Zalo sends no documents
            path.unlink(missing_ok=True)
            reply = Reply(f"{caption}\n{texts.DOCUMENTS_NOT_ON_CHANNEL}")
        async with store.transaction():
            await store.finish_export(request.id, "done", count)
            await store.audit(
                now,
                actor,
                "export",
                request.person_id,
                request.kind,
                period,
                request.unit,
                count,
                "chat",
            )
            await store.enqueue_many([(channel, request.chat_id, reply)], now)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("export worker failed; retrying")
            self._wake.clear()
            await woken_or_stopped(self._wake, stop, 30)
