"""Scale: organizations of 1,000, 10,000 and 30,000 people in 100 units, each with a year of
declarations and prompts (two of each per person and working day), everyone enrolled and
consented. For each: the work at a slot's edges (choosing whom to prompt at 07:30, closing the
slot for every unit), a unit summary and the office's table; with `--exports`, the time and
peak memory of exports (one day and one month of everyone, CSV and XLSX).

    python bench/scale.py [--people 1000 --people 10000 --people 30000] [--days 365] [--exports]
        [--postgres postgresql://postgres@127.0.0.1:5432/bench]

Each database is built once (minutes at 30,000) in the temporary folder and reused while its
size matches. Each export runs as `python -m bot export` in its own process, whose peak memory
(max RSS) is read back.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.files import read_questionnaire
from core import texts
from core.clock import SystemClock
from core.domain import Channel
from core.roster import parse_roster, plan_import
from core.slots import SlotName, SlotRef
from core.summary import office_table
from services import Services
from services.prompts import due_for_prompt
from services.summaries import close_slot, unit_summaries
from storage import Store, open_store
from storage.postgres.copy import copy_from_sqlite
from storage.postgres.store import PgStore

LAST = date(2026, 11, 20)  # a Friday: the history ends here
NEXT = date(2026, 11, 23)  # the Monday after: its 07:30 prompts are chosen against that history


class UndoError(Exception):
    """Raised to undo what a measured job wrote, so that the database stays as built."""


async def build(db: Path, people: int, days: int) -> None:
    rows = [
        {"staff_code": f"CB{i:05d}", "full_name": f"Cán Bộ {i:05d}", "unit_code": f"U{i % 100:03d}",
         "unit_name": f"Đơn vị {i % 100:03d}", "roles": "head" if i < 100 else "", "phone": ""}
        for i in range(people)
    ]  # fmt: skip
    entries, errors = parse_roster(enumerate(rows, start=2))
    assert not errors
    now = datetime.now(UTC)
    async with await open_store(db) as store:
        first_day = LAST - timedelta(days=days - 1)  # on the roster for the whole history
        await store.people.apply_import(plan_import([], entries), now, first_day)
        async with store.transaction():
            for enrolled in await store.people.all_people():
                chat = str(100_000 + enrolled.id)
                await store.people.link_account(Channel.TELEGRAM, chat, chat, enrolled.id, now)
                await store.people.record_consent(
                    enrolled.id, texts.CONSENT_VERSION, Channel.TELEGRAM, now
                )
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous = OFF")
    healthy = json.dumps({"sym": [], "exp": "none", "place": "office"})
    fever = json.dumps({"sym": ["fever"], "exp": "none", "place": "office"})
    next_id = 1
    for n in range(days):
        day = (LAST - timedelta(days=days - 1 - n)).isoformat()
        batch = []
        for slot in ("morning", "afternoon"):
            for person in range(1, people + 1):
                alert = (person * 7 + n) % 97 == 0
                stamp = f"{day}T01:{(person % 60):02d}:00.000000Z"
                batch.append(
                    (
                        next_id,
                        person,
                        day,
                        slot,
                        fever if alert else healthy,
                        "byt",
                        alert,
                        0,
                        stamp,
                        "telegram",
                        f"b{next_id}",
                    )
                )
                next_id += 1
        prompts = [
            (day, slot, "prompt", person, f"{day}T00:30:00.000000Z")
            for slot in ("morning", "afternoon")
            for person in range(1, people + 1)
        ]
        with conn:
            conn.executemany(
                "INSERT INTO declarations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch
            )
            conn.executemany("INSERT INTO dispatches VALUES (?, ?, ?, ?, ?)", prompts)
        print(f"\rbuilding: day {n + 1}/{days}", end="", file=sys.stderr, flush=True)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    print(file=sys.stderr)


def declarations_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT max(id) FROM declarations").fetchone()[0] or 0)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def timings(db: Path, postgres: str = "") -> dict[str, list[float]]:
    """Seconds per run of each measured step, several runs each; on the SQLite file, or (with
    `postgres`) on a copy of it in PostgreSQL (organization `scale<people>`)."""
    settings = Settings(database_path=db)
    store: Store
    if postgres:
        org = f"scale{db.stem.rsplit('-', 1)[-1]}"
        store = await PgStore.open(postgres, org, create=False)
    else:
        store = await open_store(db)
    services = Services(store, settings, SystemClock(), read_questionnaire(None))
    ref = SlotRef(LAST, SlotName.MORNING)
    units = [u.code for u in await store.people.units()]
    times: dict[str, list[float]] = {
        "choose": [], "close": [], "friday": [], "unit": [], "office": []
    }  # fmt: skip
    for _ in range(3):
        started = time.perf_counter()  # what send_prompts does before it queues anything
        async with store.transaction():
            reachable, due = await due_for_prompt(services, SlotRef(NEXT, SlotName.MORNING))
        times["choose"].append(time.perf_counter() - started)
        assert len(due) == len(reachable) > 0
        for slot, key in ((SlotName.MORNING, "close"), (SlotName.AFTERNOON, "friday")):
            started = time.perf_counter()
            try:
                async with store.transaction():  # every unit's summary queued, then undone
                    queued = await close_slot(services, LAST, slot)
                    times[key].append(time.perf_counter() - started)
                    raise UndoError
            except UndoError:
                assert queued > 0
        for unit in units:
            started = time.perf_counter()
            summary = await unit_summaries(services, ref, unit)
            times["unit"].append(time.perf_counter() - started)
            assert summary[0].expected > 0
        started = time.perf_counter()
        table = office_table(await store.checkins.unit_counts(ref), ref)
        times["office"].append(time.perf_counter() - started)
        assert table.count("\n") > 100
    await store.close()
    return times


def export(db: Path, first: date, last: date, out: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB, rows) of one `python -m bot export declarations` process."""
    env = {
        **os.environ,
        "DATABASE_PATH": str(db),
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "export", "declarations", "--from", first.isoformat(),
         "--to", last.isoformat(), "--out", str(out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    assert status == 0, output
    rows = int(output.split(texts.EXPORT_DONE.split("{")[0])[-1].split()[0]) if output else 0
    return seconds, usage.ru_maxrss / 1024, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, action="append")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--exports", action="store_true")
    parser.add_argument("--report", action="store_true", help="time the year's report too")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument(
        "--postgres", default="", help="postgresql://…: the same, copied there, measured beside"
    )
    args = parser.parse_args()
    rows = []
    for people in args.people or [1_000, 10_000, 30_000]:
        db = args.dir / f"sokhoe-scale-{people}.db"
        wanted = people * args.days * 2
        if not db.exists() or declarations_in(db) != wanted:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            started = time.perf_counter()
            asyncio.run(build(db, people, args.days))
            print(f"built {wanted:,} declarations in {time.perf_counter() - started:.0f} s")
        times = asyncio.run(timings(db))
        rows.append(("SQLite", people, wanted, db.stat().st_size, times))
        if args.postgres:
            size = asyncio.run(into_postgres(db, args.postgres, f"scale{people}"))
            rows.append(
                ("PostgreSQL", people, wanted, size, asyncio.run(timings(db, args.postgres)))
            )
        if args.exports:
            exports(db)
        if args.report:
            year_report(db, args.days)
    print(f"{'store':>10} {'people':>8} {'declarations':>13} {'database':>9} {'choose whom':>12}"
          f" {'close slot':>11} {'Friday close':>13} {'unit summary':>13}"
          f" {'office table':>13}")  # fmt: skip
    print(f"{'':>10} {'':>8} {'':>13} {'':>9} {'to prompt':>12} {'(all units)':>11}"
          f" {'(+ week)':>13} {'median':>13} {'median':>13}")  # fmt: skip
    for kind, people, wanted, size, times in rows:
        choose, close = median_ms(times["choose"]), median_ms(times["close"])
        friday = median_ms(times["friday"])
        unit, office = median_ms(times["unit"]), median_ms(times["office"])
        print(f"{kind:>10} {people:>8,} {wanted:>13,} {size / 2**20:>6,.0f} MB {choose:>9.0f} ms"
              f" {close:>8.0f} ms {friday:>10.0f} ms {unit:>10.2f} ms"
              f" {office:>10.1f} ms")  # fmt: skip


async def into_postgres(db: Path, url: str, org: str) -> int:
    """The SQLite database copied afresh into organization `org`; the schema's size in bytes."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS org_{org} CASCADE")
        await conn.execute("DELETE FROM sokhoe.organizations WHERE code = $1", org)
    except asyncpg.UndefinedTableError:
        pass
    started = time.perf_counter()
    await copy_from_sqlite(db, url, org)
    await conn.execute("VACUUM ANALYZE")
    print(f"copied into PostgreSQL in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    size = await conn.fetchval(
        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
        f"org_{org}",
    )
    await conn.close()
    return int(size)


def year_report(db: Path, days: int) -> None:
    """`python -m bot report` over the whole history, as a document and as a workbook."""
    first = LAST - timedelta(days=days - 1)
    with tempfile.TemporaryDirectory() as folder:
        for suffix in ("docx", "xlsx"):
            out = Path(folder) / f"bao-cao.{suffix}"
            seconds, peak = run_cli(db, "report", "--from", first.isoformat(), "--to",
                                    LAST.isoformat(), "--out", str(out))  # fmt: skip
            print(f"report {suffix} {first:%d/%m/%Y}–{LAST:%d/%m/%Y}: {seconds:6.1f} s,"
                  f" peak {peak:5.0f} MiB, {out.stat().st_size / 1024:,.0f} KiB")  # fmt: skip


def run_cli(db: Path, *args: str) -> tuple[float, float]:
    """(seconds, peak MiB) of one `python -m bot …` process."""
    env = {**os.environ, "DATABASE_PATH": str(db),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}  # fmt: skip
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "bot", *args], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    errors = child.stderr.read().decode() if child.stderr else ""
    if status != 0:
        raise SystemExit(f"{args[0]} failed: {errors[-500:]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def exports(db: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("csv", "xlsx"):
            day = export(db, LAST, LAST, Path(folder) / f"day.{fmt}")
            month = export(db, LAST - timedelta(days=29), LAST, Path(folder) / f"month.{fmt}")
            for label, (seconds, peak, rows) in (("1 day", day), ("1 month", month)):
                line = f"{rows:>9,} rows {seconds:6.1f} s, peak {peak:5.0f} MiB"
                print(f"export {fmt:4} {label:8} {line}")
            print(f"export {fmt:4} peak of the month / the day: {month[1] / day[1]:.2f}")


if __name__ == "__main__":
    main()
