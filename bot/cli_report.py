"""`python -m bot report --from --to [--unit] --out FILE.docx|FILE.xlsx`: the period report, as
a document in the administrative format or as a workbook with the same tables; audited."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from bot.cli_files import CliError, writable_target
from bot.cli_roster import known_unit
from bot.files import part_of, read_questionnaire
from bot.report_files import write_report_docx, write_report_xlsx
from core import texts
from core.clock import SystemClock
from core.settings import Settings
from services import Services
from services.reports import period_report
from storage import open_settings_store

MAX_DAYS = 366


async def report(
    settings: Settings, period: tuple[date, date], unit_code: str | None, out: Path
) -> int:
    first, last = period
    if last < first:
        raise CliError(texts.EXPORT_BAD_RANGE, 2)
    if (last - first).days >= MAX_DAYS:
        raise CliError(texts.REPORT_RANGE_TOO_LONG, 2)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise CliError(texts.REPORT_SUFFIX.format(path=out), 2)
    writable_target(out)
    clock = SystemClock()
    form = read_questionnaire(settings.questionnaire_path)
    async with await open_settings_store(settings, create=False) as store:
        unit = await known_unit(store, unit_code)
        services = Services(store, settings, clock, form)
        built = await period_report(services, first, last, unit.code if unit else None)
        day = f"{services.local(clock.now()):%d/%m/%Y}"
        part = part_of(out)
        if suffix == ".docx":
            rows = await asyncio.to_thread(write_report_docx, built, settings, part, day)
        else:
            rows = await asyncio.to_thread(write_report_xlsx, built, part)
        try:
            async with store.transaction():  # a file that exists was audited
                await store.office.audit(
                    clock.now(), texts.CLI_ACTOR, "report", kind=suffix[1:], period=period,
                    unit=unit.code if unit else None, rows=rows, detail=str(out),
                )  # fmt: skip
                part.replace(out)
        except Exception as err:
            part.unlink(missing_ok=True)
            raise CliError(texts.EXPORT_NOT_AUDITED.format(error=type(err).__name__)) from None
    print(texts.REPORT_WRITTEN.format(first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}",
                                      people=rows, path=out))  # fmt: skip
    return 0
