"""The roster from the command line: a template to fill in, the import, the invite codes."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import xlsxwriter

from bot.cli_files import CliError, output
from bot.files import TableError, part_of, read_table, write_table
from core import texts
from core.clock import SystemClock
from core.domain import Unit
from core.enrolment import deep_link, new_code
from core.roster import COLUMNS, missing_columns, parse_roster, plan_import
from core.settings import Settings
from storage import Store, open_settings_store

SHOWN_ERRORS = 100  # bad lines printed; the rest are counted


async def import_roster(settings: Settings, path: Path) -> int:
    try:
        header, rows = read_table(path)
    except TableError as err:
        raise CliError(str(err)) from None
    missing = missing_columns(header)
    if missing:
        raise CliError(texts.ROSTER_MISSING_COLUMNS.format(columns=", ".join(missing)))
    entries, errors = parse_roster(rows)
    if errors:
        for error in errors[:SHOWN_ERRORS]:
            line = texts.ROSTER_ERROR_LINE.format(line=error.line, reason=error.reason)
            print(line, file=sys.stderr)
        if len(errors) > SHOWN_ERRORS:
            print(
                texts.ROSTER_MORE_ERRORS.format(count=len(errors) - SHOWN_ERRORS), file=sys.stderr
            )
        raise CliError(texts.ROSTER_REJECTED.format(count=len(errors)))
    async with await open_settings_store(settings) as store:
        plan = plan_import(await store.people.all_people(), entries)
        if not plan.changes_anything:
            print(texts.ROSTER_NO_CHANGE.format(unchanged=plan.unchanged))
            return 0
        now = SystemClock().now()
        await store.people.apply_import(plan, now, now.astimezone(settings.tz).date())
    print(
        texts.ROSTER_SUMMARY.format(
            added=len(plan.added),
            updated=len(plan.updated),
            unchanged=plan.unchanged,
            deactivated=len(plan.deactivated),
        )
    )
    return 0


async def known_unit(store: Store, code: str | None) -> Unit | None:
    """The unit of a code typed in any case; CliError for a code that is no unit."""
    if not code:
        return None
    units = {u.code.upper(): u for u in await store.people.units()}
    unit = units.get(code.strip().upper())
    if unit is None:
        raise CliError(texts.INVITES_UNKNOWN_UNIT.format(unit=code[:40]))
    return unit


async def issue_invites(
    settings: Settings, unit_code: str | None, out: Path | None, days: int | None
) -> int:
    target = output(out) if out is not None else None
    now = SystemClock().now()
    ttl = timedelta(days=days or settings.invite_ttl_days)
    async with await open_settings_store(settings, create=False) as store:
        unit = await known_unit(store, unit_code)
        code = unit.code if unit else None
        people = await store.people.people_not_enrolled(code)
        if not people:
            print(texts.INVITES_NONE.format(unit=f" trong {code}" if code else ""))
            return 0
        codes = [(p.id, new_code()) for p in people]
        header = ["staff_code", "full_name", "unit_code", "code", "link"]
        table = [
            [p.staff_code, p.full_name, p.unit.code, c, deep_link(settings.bot_username, c)]
            for p, (_, c) in zip(people, codes, strict=True)
        ]
        try:
            if target is not None:  # the file first: codes no one can read are never issued
                write_table(part_of(target), header, table, target.suffix)
            await store.people.issue_invites(codes, now, ttl)
            if target is not None:
                part_of(target).replace(target)
        finally:
            if target is not None:
                part_of(target).unlink(missing_ok=True)
    if target is not None:
        print(texts.INVITES_WRITTEN.format(path=target))
    else:
        print("\t".join(header))
        for line in table:
            print("\t".join(line))
    if not settings.bot_username:
        print(texts.INVITES_NO_USERNAME, file=sys.stderr)
    expires = (now + ttl).astimezone(settings.tz).strftime("%d/%m/%Y")
    print(texts.INVITES_DONE.format(count=len(people), expires=expires))
    return 0


def roster_template(out: Path) -> int:
    """A file to fill in: the header, one example row per role, and (XLSX) the instructions."""
    target = output(out)
    examples = [list(row) for row in texts.ROSTER_TEMPLATE_EXAMPLES]
    if target.suffix.lower() == ".csv":
        write_table(part_of(target), list(COLUMNS), examples, target.suffix)
    else:
        book = xlsxwriter.Workbook(str(part_of(target)))
        try:
            sheet = book.add_worksheet(texts.ROSTER_TEMPLATE_SHEET)
            bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
            text = book.add_format({"num_format": "@"})  # phones stay text, leading 0 kept
            sheet.set_column(0, len(COLUMNS) - 1, 22, text)
            for column, name in enumerate(COLUMNS):
                sheet.write_string(0, column, name, bold)
            for line, row in enumerate(examples, start=1):
                for column, value in enumerate(row):
                    sheet.write_string(line, column, value)
            help_sheet = book.add_worksheet(texts.ROSTER_TEMPLATE_HELP_SHEET)
            help_sheet.set_column(0, 0, 110)
            for line, value in enumerate(texts.ROSTER_TEMPLATE_HELP):
                help_sheet.write_string(line, 0, value)
        finally:
            book.close()
    part_of(target).replace(target)
    print(texts.ROSTER_TEMPLATE_WRITTEN.format(path=target))
    return 0
