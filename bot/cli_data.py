"""The office's data from the command line: exports, backups, purges. Each refuses a database
file that does not exist, checks its target before any row is read, and leaves no partial file."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot.cli_files import CliError, output, writable_target
from bot.cli_roster import known_unit
from bot.export_worker import write_export_file
from bot.files import PROGRESS_EVERY, part_of, read_questionnaire
from core import texts
from core.clock import SystemClock
from core.settings import Settings
from core.workdays import WorkCalendar
from storage import Store, open_settings_store, open_store
from storage.db import StoreError
from storage.office import backup


async def export(
    settings: Settings,
    kind_name: str,
    period: tuple[date, date],
    unit_code: str | None,
    out: Path,
    fmt: str | None,
) -> int:
    first, last = period
    if last < first:
        raise CliError(texts.EXPORT_BAD_RANGE, 2)
    target = output(out, fmt)
    async with await open_settings_store(settings, create=False) as store:
        unit = await known_unit(store, unit_code)
    code = unit.code if unit else None

    def progress(rows: int, total: int | None) -> None:
        print(f"\r{progress_bar(rows, total)}", end="", file=sys.stderr, flush=True)

    form = read_questionnaire(settings.questionnaire_path)
    calendar = WorkCalendar(settings.days_off, settings.makeup_days)
    count = await write_export_file(
        settings, form, calendar, kind_name, period, code, target, progress
    )
    try:
        store = await open_settings_store(settings, create=False)
        async with store, store.transaction():  # a file that exists was audited
            await store.office.audit(
                SystemClock().now(), texts.CLI_ACTOR, "export", kind=kind_name, period=period,
                unit=code, rows=count, detail=str(target),
            )  # fmt: skip
            part_of(target).replace(target)
    except Exception as err:  # not audited: no file either
        part_of(target).unlink(missing_ok=True)
        raise CliError(texts.EXPORT_NOT_AUDITED.format(error=type(err).__name__)) from None
    if count >= PROGRESS_EVERY:
        print(file=sys.stderr)  # end the progress bar's line
    print(texts.EXPORT_DONE.format(rows=count, path=target))
    return 0


def progress_bar(done: int, total: int | None, width: int = 30) -> str:
    """`[#########---------------------]  30%   180,000 / 600,000`, or a count without a total."""
    if not total:
        return f"{done:,} …"
    filled = min(width, width * done // total)
    return (
        f"[{'#' * filled}{'-' * (width - filled)}] {100 * done // total:3d}%  {done:,} / {total:,}"
    )


async def make_backup(settings: Settings, target: Path) -> int:
    if settings.database_url:
        return await _dump(settings, target)
    source = settings.database_path
    async with await open_store(source, create=False) as store:  # it exists and is sound
        check_backup_target(source, target)
        await _write_backup(store, target, lambda part: asyncio.to_thread(backup, source, part))
    print(texts.BACKUP_DONE.format(path=target))
    return 0


async def _write_backup(
    store: Store, target: Path, write: Callable[[Path], Awaitable[None]]
) -> None:
    """Written beside the target, then put in place with its audit entry: a backup that
    exists was audited, and a failed one leaves nothing."""
    temporary = target.with_name(f".{target.name}.part")
    try:
        await write(temporary)
    except StoreError as err:
        temporary.unlink(missing_ok=True)
        raise CliError(texts.BACKUP_FAILED.format(path=target, error=err)) from None
    async with store.transaction():
        await store.office.audit(SystemClock().now(), texts.CLI_ACTOR, "backup", detail=str(target))
        temporary.replace(target)


async def _dump(settings: Settings, target: Path) -> int:
    """PostgreSQL: the organization's schema with `pg_dump` (see `storage.postgres.dump`)."""
    from storage.postgres import dump

    async with await open_settings_store(settings, create=False) as store:  # it exists
        check_dump_target(target)
        url, org = settings.database_url, settings.organization
        await _write_backup(store, target, lambda part: dump(url, org, part))
    print(texts.BACKUP_DONE.format(path=target))
    return 0


def check_dump_target(target: Path) -> None:
    writable_target(target)
    if target.is_file() and target.stat().st_size:
        with target.open("rb") as existing:
            if existing.read(5) != b"PGDMP":  # not a dump: not ours to replace
                raise CliError(texts.BACKUP_NOT_A_DATABASE.format(path=target))


def check_backup_target(source: Path, target: Path) -> None:
    if target.resolve() == source.resolve():
        raise CliError(texts.BACKUP_ONTO_ITSELF.format(path=target))
    writable_target(target)
    if target.is_file() and target.stat().st_size:
        with target.open("rb") as existing:
            if existing.read(16) != b"SQLite format 3\x00":  # not a database: not ours to replace
                raise CliError(texts.BACKUP_NOT_A_DATABASE.format(path=target))


async def purge_counts(settings: Settings, before: date) -> int:
    async with await open_settings_store(settings, create=False) as store:
        return await store.office.count_declarations_before(before)


async def purge(settings: Settings, before: date) -> int:
    """Every kind of health data of the days before `before` (declarations, what counted, risk
    rounds, levels and changes, leave, the messages of that time); the declarations erased."""
    start = datetime.combine(before, time(0), settings.tz)
    async with await open_settings_store(settings, create=False) as store:
        erased = await store.privacy.erase_health_before(before, start)
        detail = f"< {before.isoformat()}: {erased.summary()}"[:500]
        deleted = erased.counts.get("declarations", 0)
        await store.office.audit(
            SystemClock().now(), texts.CLI_ACTOR, "purge", kind="declarations", rows=deleted,
            detail=detail,
        )  # fmt: skip
    return deleted


def latest_purge_day(settings: Settings, now: datetime) -> date:
    """Purging stops short of yesterday: today's and yesterday's declarations always stay."""
    return now.astimezone(settings.tz).date() - timedelta(days=1)


def confirm(question: str) -> bool:
    """Asked in the main thread (Ctrl-C and a closed stdin end it cleanly)."""
    try:
        answer = input(question)
    except (EOFError, KeyboardInterrupt):
        print()  # end the question's line
        return False
    return answer.strip().lower() in ("xoa", "xóa")


async def copy_to_postgres(source: Path, url: str, org: str) -> int:
    """`copy-to-postgres`: the SQLite database into a new organization in PostgreSQL, all or
    nothing, checked by counts; prints what was copied (never the address: it may hold a
    password)."""
    from storage.postgres import schema_name
    from storage.postgres.copy import copy_from_sqlite

    counts = await copy_from_sqlite(source, url, org)
    print(texts.PG_COPIED.format(org=org, schema=schema_name(org), rows=sum(counts.values()),
                                 tables=len(counts)))  # fmt: skip
    for table, rows in counts.items():
        print(texts.PG_COPIED_TABLE.format(table=table, rows=rows))
    return 0


async def set_org_settings(settings: Settings, org: str, own: dict[str, str]) -> int:
    """An organization's own settings (tokens, names, times; read from a `.env`-style file),
    checked as the bot will read them, stored in the database for the workers."""
    from bot.config import DEPLOYMENT_ONLY, environment, load_settings, organization_environment
    from storage.postgres.registry import Registry

    if not settings.database_url:
        raise CliError(texts.PG_ONLY, 2)
    for name in own:
        if name in DEPLOYMENT_ONLY:
            raise CliError(texts.ORG_SETTINGS_NOT_HERE.format(name=name))
    checked = load_settings(organization_environment(environment(), own, org), env_file=None)
    checked.require_a_token()
    async with await open_settings_store(replace(settings, organization=org), create=False):
        pass  # the organization exists (and its schema is current)
    registry = await Registry.open(settings.database_url)
    try:
        for other in await registry.organizations():
            if other.code.lower() == org.lower():
                continue
            for name in ("BOT_TOKEN", "ZALO_BOT_TOKEN"):  # one bot, one organization: its limits
                if own.get(name) and own.get(name) == other.settings.get(name):
                    raise CliError(texts.ORG_TOKEN_TAKEN.format(name=name, other=other.code))
        await registry.set_settings(org, own)
    finally:
        await registry.close()
    print(texts.ORG_SETTINGS_SAVED.format(count=len(own), org=org))
    return 0


async def list_orgs(settings: Settings) -> int:
    from storage.postgres.registry import Registry

    if not settings.database_url:
        raise CliError(texts.PG_ONLY, 2)
    registry = await Registry.open(settings.database_url)
    try:
        organizations, holders = await registry.organizations(), await registry.holders()
    finally:
        await registry.close()
    for org in organizations:
        holder = holders.get(org.code)
        state = texts.ORG_RUN_BY.format(worker=holder) if holder else texts.ORG_NOT_RUN
        name = org.settings.get("ORG_NAME", "")
        print(texts.ORG_LISTED.format(org=org.code, name=name, state=state))
    if not organizations:
        print(texts.ORG_NONE)
    return 0
