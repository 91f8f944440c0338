"""The command line: run, import-roster, invites, export, backup, purge."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import warnings
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
from bot.export_worker import write_export_file
from bot.files import PROGRESS_EVERY, TableError, read_questionnaire, read_table, write_table
from core import texts
from core.clock import SystemClock
from core.enrolment import deep_link, new_code
from core.exports import KIND_NAMES
from core.roster import missing_columns, parse_roster, plan_import
from core.workdays import WorkCalendar
from storage import open_store
from storage.office import backup


class _Redact(logging.Filter):
    """Tokens appear in Bot API URLs: scrub anything shaped like one from every record."""

    _TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, "<token>")
        record.msg, record.args = self._TOKEN.sub("<token>", message), None
        return True


def setup_logging(settings: Settings) -> None:
    # python-telegram-bot warns about its own RetryAfter while building it; we read both forms
    warnings.filterwarnings("ignore", message=".*retry_after.*", category=DeprecationWarning)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_Redact([settings.bot_token or ""]))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every URL, token included
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # Their DEBUG output carries the API URL and message texts and SQL parameters (health
    # answers): logs carry ids, never those, whatever LOG_LEVEL says.
    for name in ("telegram", "aiosqlite", "apscheduler"):
        logging.getLogger(name).setLevel(
            max(logging.INFO, logging.getLevelName(settings.log_level))
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sokhoe", description="Sổ Khỏe: daily health check-ins")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (polling)")
    roster = commands.add_parser("import-roster", help="import the staff roster (CSV or XLSX)")
    roster.add_argument("file", type=Path)
    invites = commands.add_parser("invites", help="issue invite codes for people not enrolled")
    invites.add_argument("--unit", help="only this unit code")
    invites.add_argument("--out", type=Path, help="write a .csv or .xlsx file instead of printing")
    invites.add_argument("--days", type=int, help="days until the codes expire")
    exporting = commands.add_parser("export", help="export data as XLSX or CSV")
    exporting.add_argument("kind", choices=KIND_NAMES)
    day = date.fromisoformat
    exporting.add_argument("--from", dest="first", type=day, required=True, help="YYYY-MM-DD")
    exporting.add_argument("--to", dest="last", type=day, required=True, help="YYYY-MM-DD")
    exporting.add_argument("--unit", help="only this unit code")
    exporting.add_argument("--format", choices=("xlsx", "csv"), help="default: the suffix of --out")
    exporting.add_argument("--out", type=Path, required=True)
    backing_up = commands.add_parser("backup", help="a consistent copy of the live database")
    backing_up.add_argument("file", type=Path)
    purging = commands.add_parser("purge", help="delete declarations older than a date")
    purging.add_argument("--before", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    purging.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        setup_logging(settings)
        if args.command == "run":
            return _run(settings)
        if args.command == "import-roster":
            return asyncio.run(import_roster(settings, args.file))
        if args.command == "backup":
            return asyncio.run(make_backup(settings, args.file))
        if args.command == "purge":
            return asyncio.run(purge(settings, args.before, args.yes))
        if args.command == "export":
            out = args.out if args.format is None else args.out.with_suffix(f".{args.format}")
            return asyncio.run(export(settings, args.kind, args.first, args.last, args.unit, out))
        return asyncio.run(issue_invites(settings, args.unit, args.out, args.days))
    except SettingsError as err:
        print(f"sokhoe: {err}", file=sys.stderr)
        return 2


def _run(settings: Settings) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.app import run_bot
    from bot.channels.zalo import ZaloError

    settings.require_a_token()
    try:
        asyncio.run(run_bot(settings))
    except InvalidToken:
        print(texts.CLI_TOKEN_REFUSED, file=sys.stderr)
        return 2
    except NetworkError as err:
        print(texts.CLI_API_UNREACHABLE.format(error=type(err).__name__), file=sys.stderr)
        return 3
    except ZaloError as err:  # its text holds no URL, hence no token
        print(texts.CLI_ZALO_REFUSED.format(error=err), file=sys.stderr)
        return 3
    return 0


async def import_roster(settings: Settings, path: Path) -> int:
    try:
        header, rows = read_table(path)
    except TableError as err:
        print(err, file=sys.stderr)
        return 1
    missing = missing_columns(header)
    if missing:
        print(texts.ROSTER_MISSING_COLUMNS.format(columns=", ".join(missing)), file=sys.stderr)
        return 1
    entries, errors = parse_roster(rows)
    if errors:
        for error in errors:
            print(
                texts.ROSTER_ERROR_LINE.format(line=error.line, reason=error.reason),
                file=sys.stderr,
            )
        print(texts.ROSTER_REJECTED.format(count=len(errors)), file=sys.stderr)
        return 1
    async with await open_store(settings.database_path) as store:
        plan = plan_import(await store.people.all_people(), entries)
        if not plan.changes_anything:
            print(texts.ROSTER_NO_CHANGE.format(unchanged=plan.unchanged))
            return 0
        await store.people.apply_import(plan, SystemClock().now())
    print(
        texts.ROSTER_SUMMARY.format(
            added=len(plan.added),
            updated=len(plan.updated),
            unchanged=plan.unchanged,
            deactivated=len(plan.deactivated),
        )
    )
    return 0


async def issue_invites(
    settings: Settings, unit: str | None, out: Path | None, days: int | None
) -> int:
    now = SystemClock().now()
    ttl = timedelta(days=days or settings.invite_ttl_days)
    async with await open_store(settings.database_path) as store:
        if unit and await store.people.unit(unit) is None:
            print(texts.INVITES_UNKNOWN_UNIT.format(unit=unit), file=sys.stderr)
            return 1
        people = await store.people.people_not_enrolled(unit)
        if not people:
            print(texts.INVITES_NONE.format(unit=f" trong {unit}" if unit else ""))
            return 0
        codes = [(p.id, new_code()) for p in people]
        await store.people.issue_invites(codes, now, ttl)
    if not settings.bot_username:
        print(texts.INVITES_NO_USERNAME, file=sys.stderr)
    header = ["staff_code", "full_name", "unit_code", "code", "link"]
    table = [
        [p.staff_code, p.full_name, p.unit.code, code, deep_link(settings.bot_username, code)]
        for p, (_, code) in zip(people, codes, strict=True)
    ]
    if out is None:
        print("\t".join(header))
        for line in table:
            print("\t".join(line))
    else:
        write_table(out, header, table)
        print(texts.INVITES_WRITTEN.format(path=out))
    expires = (now + ttl).astimezone(settings.tz).strftime("%d/%m/%Y")
    print(texts.INVITES_DONE.format(count=len(people), expires=expires))
    return 0


async def export(
    settings: Settings, kind_name: str, first: date, last: date, unit: str | None, out: Path
) -> int:
    if last < first:
        print(texts.EXPORT_BAD_RANGE, file=sys.stderr)
        return 2

    def progress(rows: int, total: int | None) -> None:
        print(f"\r{progress_bar(rows, total)}", end="", file=sys.stderr, flush=True)

    form = read_questionnaire(settings.questionnaire_path)
    calendar = WorkCalendar(settings.days_off, settings.makeup_days)
    count = await write_export_file(
        settings, form, calendar, kind_name, (first, last), unit, out, progress
    )
    async with await open_store(settings.database_path) as store:
        await store.office.audit(
            SystemClock().now(), texts.CLI_ACTOR, "export", kind=kind_name, period=(first, last),
            unit=unit, rows=count, detail=str(out),
        )  # fmt: skip
    if count >= PROGRESS_EVERY:
        print(file=sys.stderr)  # end the progress bar's line
    print(texts.EXPORT_DONE.format(rows=count, path=out))
    return 0


async def make_backup(settings: Settings, target: Path) -> int:
    await asyncio.to_thread(backup, settings.database_path, target)
    async with await open_store(settings.database_path) as store:
        await store.office.audit(SystemClock().now(), texts.CLI_ACTOR, "backup", detail=str(target))
    print(texts.BACKUP_DONE.format(path=target))
    return 0


async def purge(settings: Settings, before: date, confirmed: bool) -> int:
    async with await open_store(settings.database_path) as store:
        count = await store.office.count_declarations_before(before)
        day = f"{before:%d/%m/%Y}"
        if not confirmed:
            answer = await asyncio.to_thread(
                input, texts.PURGE_CONFIRM.format(count=count, day=day)
            )
            if answer.strip().lower() not in ("xoa", "xóa"):
                print(texts.PURGE_ABORTED)
                return 1
        async with store.transaction():
            deleted = await store.office.purge_declarations_before(before)
            now, detail = SystemClock().now(), f"< {before.isoformat()}"
            await store.office.audit(
                now, texts.CLI_ACTOR, "purge", kind="declarations", rows=deleted, detail=detail
            )
    print(texts.PURGE_DONE.format(count=deleted, day=day))
    return 0


def progress_bar(done: int, total: int | None, width: int = 30) -> str:
    """`[#########---------------------]  30%   180,000 / 600,000`, or a count without a total."""
    if not total:
        return f"{done:,} …"
    filled = min(width, width * done // total)
    return (
        f"[{'#' * filled}{'-' * (width - filled)}] {100 * done // total:3d}%  {done:,} / {total:,}"
    )
