"""Scale: an organization of 10,000 people in 100 units with a year of declarations
(7.3 million), then the time of a unit summary and of the office's table, and the time and
peak memory of exports (one day and one month of everyone, CSV and XLSX).

    python bench/scale.py [--people 10000] [--days 365] [--db /tmp/sokhoe-scale.db]

The database is built once (a few minutes) and reused while its size matches. Each export runs
as `python -m bot export` in its own process, whose peak memory (max RSS) is read back.
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
from core.roster import parse_roster, plan_import
from core.slots import SlotName, SlotRef
from core.summary import office_table
from services import Services
from services.summaries import unit_summaries
from storage import open_store

LAST = date(2026, 11, 20)


async def build(db: Path, people: int, days: int) -> None:
    rows = [
        {"staff_code": f"CB{i:05d}", "full_name": f"Cán Bộ {i:05d}", "unit_code": f"U{i % 100:03d}",
         "unit_name": f"Đơn vị {i % 100:03d}", "roles": "head" if i < 100 else "", "phone": ""}
        for i in range(people)
    ]  # fmt: skip
    entries, errors = parse_roster(enumerate(rows, start=2))
    assert not errors
    async with await open_store(db) as store:
        await store.people.apply_import(plan_import([], entries), datetime.now(UTC))
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
        with conn:
            conn.executemany(
                "INSERT INTO declarations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch
            )
        print(f"\rbuilding: day {n + 1}/{days}", end="", file=sys.stderr, flush=True)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    print(file=sys.stderr)


def declarations_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT max(id) FROM declarations").fetchone()[0] or 0)


async def timings(db: Path) -> tuple[list[float], list[float]]:
    settings = Settings(database_path=db)
    store = await open_store(db)
    services = Services(store, settings, SystemClock(), read_questionnaire(None))
    ref = SlotRef(LAST, SlotName.MORNING)
    units = [u.code for u in await store.people.units()]
    unit_times, office_times = [], []
    for _ in range(3):
        for unit in units:
            started = time.perf_counter()
            summary = await unit_summaries(services, ref, unit)
            unit_times.append(time.perf_counter() - started)
            assert summary[0].expected > 0
        started = time.perf_counter()
        table = office_table(await store.checkins.unit_counts(ref), ref)
        office_times.append(time.perf_counter() - started)
        assert table.count("\n") > 100
    await store.close()
    return unit_times, office_times


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
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "sokhoe-scale.db")
    args = parser.parse_args()
    wanted = args.people * args.days * 2
    if not args.db.exists() or declarations_in(args.db) != wanted:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        asyncio.run(build(args.db, args.people, args.days))
        print(f"built {wanted:,} declarations in {time.perf_counter() - started:.0f} s")
    unit_times, office_times = asyncio.run(timings(args.db))
    ms = 1000
    print(f"people × days:        {args.people:,} × {args.days} = {wanted:,} declarations")
    print(f"unit summary:         median {statistics.median(unit_times) * ms:.2f} ms, "
          f"max {max(unit_times) * ms:.2f} ms (100 units × 3)")  # fmt: skip
    print(f"office table:         median {statistics.median(office_times) * ms:.2f} ms, "
          f"max {max(office_times) * ms:.2f} ms")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("csv", "xlsx"):
            day = export(args.db, LAST, LAST, Path(folder) / f"day.{fmt}")
            month = export(args.db, LAST - timedelta(days=29), LAST, Path(folder) / f"month.{fmt}")
            for label, (seconds, peak, rows) in (("1 day", day), ("1 month", month)):
                line = f"{rows:>9,} rows {seconds:6.1f} s, peak {peak:5.0f} MiB"
                print(f"export {fmt:4} {label:8} {line}")
            print(f"export {fmt:4} peak of the month / the day: {month[1] / day[1]:.2f}")


if __name__ == "__main__":
    main()
