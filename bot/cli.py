"""The command line: run, demo, roster-template, import-roster, invites, export, report, backup,
privacy-report, purge; with PostgreSQL also copy-to-postgres, org-settings, orgs, and `--org`.
Every failure is one line on stderr and a non-zero exit; never a traceback, never a hang."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot import cli_data, cli_report, cli_roster
from bot.cli_files import CliError, cli_date, days_valid
from bot.config import Settings, SettingsError, load_settings
from bot.privacy_report import privacy_report
from core import texts
from core.clock import SystemClock
from core.exports import KIND_NAMES
from storage.db import StoreError

log = logging.getLogger(__name__)


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


_REDACT = _Redact([])


def redact(*secrets: str | None) -> None:
    """Secrets learnt after start-up (an organization's tokens, read from the database) are
    scrubbed from the log too."""
    _REDACT.secrets += [s for s in secrets if s and s not in _REDACT.secrets]


def setup_logging(settings: Settings) -> None:
    # python-telegram-bot warns about its own RetryAfter while building it; we read both forms
    warnings.filterwarnings("ignore", message=".*retry_after.*", category=DeprecationWarning)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    redact(settings.bot_token, settings.zalo_bot_token)
    handler.addFilter(_REDACT)
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every URL, token included
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.client").setLevel(logging.WARNING)  # the Bot API's requests
    # it logs a traceback for a gateway's HTML answer (a 502) before raising the error that the
    # intake and the start-up report in one line each
    logging.getLogger("telegram.request").setLevel(logging.CRITICAL)
    # Their DEBUG output carries the API URL and message texts and SQL parameters (health
    # answers): logs carry ids, never those, whatever LOG_LEVEL says.
    for name in ("telegram", "aiosqlite", "apscheduler"):
        logging.getLogger(name).setLevel(
            max(logging.INFO, logging.getLevelName(settings.log_level))
        )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="sokhoe", description="Sổ Khỏe: daily health check-ins")
    commands = top.add_subparsers(dest="command", required=True)
    # PostgreSQL: the organization a command acts on (default ORG; `run`: all, or only this one)
    org = argparse.ArgumentParser(add_help=False)
    org.add_argument("--org", type=org_code, help="the organization (PostgreSQL); default: ORG")
    commands.add_parser("run", help="run the bot", parents=[org])
    demo = commands.add_parser("demo", help="try it: a local office of phones and a clock")
    demo.add_argument("--port", type=port_number, default=8765)
    template = commands.add_parser("roster-template", help="a roster file to fill in (XLSX/CSV)")
    template.add_argument("--out", type=Path, default=Path("danh-sach-can-bo.xlsx"))
    roster = commands.add_parser(
        "import-roster", help="import the staff roster (CSV or XLSX)", parents=[org]
    )
    roster.add_argument("file", type=Path)
    invites = commands.add_parser(
        "invites", help="issue invite codes for people not enrolled", parents=[org]
    )
    invites.add_argument("--unit", help="only this unit code")
    invites.add_argument("--out", type=Path, help="write a .csv or .xlsx file instead of printing")
    invites.add_argument("--days", type=days_valid, help="days until the codes expire (1-365)")
    exporting = commands.add_parser("export", help="export data as XLSX or CSV", parents=[org])
    exporting.add_argument("kind", choices=KIND_NAMES)
    exporting.add_argument("--from", dest="first", type=cli_date, required=True)
    exporting.add_argument("--to", dest="last", type=cli_date, required=True)
    exporting.add_argument("--unit", help="only this unit code")
    exporting.add_argument("--format", choices=("xlsx", "csv"), help="default: the suffix of --out")
    exporting.add_argument("--out", type=Path, required=True)
    reporting = commands.add_parser(
        "report", help="the period report (DOCX or XLSX)", parents=[org]
    )
    reporting.add_argument("--from", dest="first", type=cli_date, required=True)
    reporting.add_argument("--to", dest="last", type=cli_date, required=True)
    reporting.add_argument("--unit", help="only this unit code")
    reporting.add_argument("--out", type=Path, required=True, help="a .docx or .xlsx file")
    backing_up = commands.add_parser(
        "backup", help="a consistent copy of the live database", parents=[org]
    )
    backing_up.add_argument("file", type=Path)
    report = commands.add_parser(
        "privacy-report", help="the record of personal data processing", parents=[org]
    )
    report.add_argument("--out", type=Path, default=Path("ho-so-xu-ly-du-lieu.docx"))
    moving = commands.add_parser("copy-to-postgres", help="move this deployment into PostgreSQL")
    moving.add_argument("--from", dest="source", type=Path, help="default: DATABASE_PATH")
    moving.add_argument("--org", required=True, help="the organization's code (its schema)")
    moving.add_argument("--url", help="default: DATABASE_URL")
    settings_of = commands.add_parser("org-settings", help="an organization's own settings")
    settings_of.add_argument("--org", type=org_code, required=True)
    settings_of.add_argument("file", type=Path, help="KEY=value lines, as in .env")
    commands.add_parser("orgs", help="the organizations and the worker running each")
    purging = commands.add_parser(
        "purge", help="delete declarations older than a date", parents=[org]
    )
    purging.add_argument("--before", type=cli_date, required=True, help="2026-01-01 or 01/01/2026")
    purging.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return top


def org_code(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_]{1,16}", value):
        raise argparse.ArgumentTypeError(texts.PG_BAD_ORG.format(org=value[:20]))
    return value


def port_number(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(texts.CLI_BAD_PORT.format(value=value[:20]))
    return int(value)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        # the demo reads no settings: it never touches the deployment's database or tokens
        settings = Settings(log_level="WARNING") if args.command == "demo" else load_settings()
        if getattr(args, "org", None) and args.command != "copy-to-postgres":
            if not settings.database_url:  # SQLite holds one organization: --org would be ignored
                raise CliError(texts.PG_ONLY, 2)
            settings = replace(settings, organization=args.org)
        setup_logging(settings)
        return _command(args, settings)
    except (SettingsError, CliError, StoreError) as err:
        print(f"sokhoe: {err}", file=sys.stderr)
        return err.code if isinstance(err, CliError) else 4 if isinstance(err, StoreError) else 2
    except KeyboardInterrupt:
        print(texts.CLI_INTERRUPTED, file=sys.stderr)
        return 130
    except OSError as err:  # a file the command was given: gone, a folder, no room, no right
        where = f" ({err.filename})" if err.filename else ""
        print(texts.CLI_OS_ERROR.format(error=err.strerror or err, where=where), file=sys.stderr)
        return 1
    except Exception as err:  # never a traceback at the terminal; the log has the details
        log.debug("unexpected", exc_info=err)
        print(texts.CLI_UNEXPECTED.format(error=type(err).__name__), file=sys.stderr)
        return 70


def _command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        return _run(settings)
    if args.command == "demo":
        return _demo(args.port)
    if args.command == "roster-template":
        return cli_roster.roster_template(args.out)
    if args.command == "import-roster":
        return asyncio.run(cli_roster.import_roster(settings, args.file))
    if args.command == "invites":
        return asyncio.run(cli_roster.issue_invites(settings, args.unit, args.out, args.days))
    if args.command == "export":
        period = (args.first, args.last)
        return asyncio.run(
            cli_data.export(settings, args.kind, period, args.unit, args.out, args.format)
        )
    if args.command == "report":
        period = (args.first, args.last)
        return asyncio.run(cli_report.report(settings, period, args.unit, args.out))
    if args.command == "backup":
        return asyncio.run(cli_data.make_backup(settings, args.file))
    if args.command == "privacy-report":
        return asyncio.run(privacy_report(settings, args.out))
    if args.command == "org-settings":
        from bot.config import read_env_file

        own = read_env_file(args.file)  # a missing or unreadable file: one line
        return asyncio.run(cli_data.set_org_settings(settings, args.org, own))
    if args.command == "orgs":
        return asyncio.run(cli_data.list_orgs(settings))
    if args.command == "copy-to-postgres":
        source = args.source or settings.database_path
        return asyncio.run(cli_data.copy_to_postgres(source, args.url or settings.database_url,
                                                     args.org))  # fmt: skip
    return _purge(settings, args.before, args.yes)


def _purge(settings: Settings, before: date, confirmed: bool) -> int:
    latest = cli_data.latest_purge_day(settings, SystemClock().now())
    if before > latest:
        raise CliError(texts.PURGE_TOO_RECENT.format(latest=f"{latest:%d/%m/%Y}"), 2)
    count = asyncio.run(cli_data.purge_counts(settings, before))
    day = f"{before:%d/%m/%Y}"
    print(texts.PURGE_WILL_ERASE.format(count=count, day=day))
    # the question is asked outside the event loop: Ctrl-C and a closed stdin end it cleanly
    if not confirmed and not cli_data.confirm(texts.PURGE_CONFIRM.format(count=count, day=day)):
        print(texts.PURGE_ABORTED)
        return 1
    deleted = asyncio.run(cli_data.purge(settings, before))
    print(texts.PURGE_DONE.format(count=deleted, day=day))
    return 0


async def _check_store(settings: Settings) -> None:
    from storage import open_settings_store

    await (await open_settings_store(settings)).close()


def _demo(port: int) -> int:
    from bot.demo import DemoPortBusyError, run_demo

    try:
        asyncio.run(run_demo(port))
    except DemoPortBusyError as err:
        raise CliError(str(err), 5) from None
    return 0


def _run_workers(settings: Settings) -> int:
    from bot.app import stop_on_signals
    from bot.config import environment
    from bot.workers import run_workers, worker_name

    async def work() -> None:
        url, only = settings.database_url, settings.organization or None
        await run_workers(environment(), url, only, stop_on_signals(), worker_name())

    asyncio.run(work())
    print(texts.RUN_STOPPED, flush=True)
    return 0


GC_YOUNG = 10_000  # allocations between two collections of the youngest objects (CPython: 700)


def _collect_for_a_long_run() -> None:
    """A bot runs for months: what it has loaded by now stays until the end, and the collector
    need not walk it again at every full collection (`gc.freeze`); the youngest objects are
    collected every `GC_YOUNG` allocations (a request's objects die young either way). In the
    20-organization benchmark the collector had taken a twentieth of a worker's CPU, in pauses
    of up to a tenth of a second that every request in flight waited out."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


def _run(settings: Settings) -> int:
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.app import run_bot
    from bot.channels.zalo import ZaloError
    from bot.instance import AlreadyRunningError, single_instance

    _collect_for_a_long_run()
    if settings.database_url:  # the organizations' tokens are in the database
        return _run_workers(settings)
    settings.require_a_token()
    try:
        with single_instance(settings.database_path):
            asyncio.run(_check_store(settings))  # a corrupt file: said before any network
            asyncio.run(run_bot(settings))
    except AlreadyRunningError as err:
        raise CliError(
            texts.RUN_ALREADY.format(pid=err.pid or "?", path=settings.database_path), 5
        ) from None
    except InvalidToken:
        raise CliError(texts.CLI_TOKEN_REFUSED, 2) from None
    except (NetworkError, TelegramError) as err:
        raise CliError(texts.CLI_API_UNREACHABLE.format(error=type(err).__name__), 3) from None
    except ZaloError as err:  # its text never holds the token (see ZaloApi)
        raise CliError(texts.CLI_ZALO_REFUSED.format(error=err), 3) from None
    return 0
