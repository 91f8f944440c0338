"""kill -9 in the middle of the three long things the bot does: a broadcast, an export, a roster
import. Nothing acknowledged is lost, nothing is sent twice but what was in flight, nothing
half-done looks done, and the database passes SQLite's integrity check."""

from __future__ import annotations

import asyncio
import csv
import json
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from core.domain import Channel
from core.messages import Reply
from storage import open_store
from tests.conftest import roster_row
from tests.fakes.loopback import Loopback, python_m_bot, seed_enrolled, start_bot
from tests.fakes.telegram_api import FakeTelegram

IN_FLIGHT = 16  # the sender's concurrency: at most these are sent again after a kill


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def cli(folder: Path, *args: str) -> subprocess.Popen[str]:
    return python_m_bot(folder, list(args), DATABASE_PATH=str(folder / "sokhoe.db"))


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


async def queue_broadcast(db: Path, people: int) -> None:
    await seed_enrolled(db, people, Channel.TELEGRAM, lambda person: str(10_000 + person))
    async with await open_store(db) as store:
        messages = [
            (Channel.TELEGRAM, str(10_000 + n), Reply(f"Thông báo số {n}"))
            for n in range(1, people + 1)
        ]
        await store.outbox.enqueue_many(messages, datetime.now(UTC))


def test_kill_during_a_broadcast(tmp_path: Path) -> None:
    db, people = tmp_path / "sokhoe.db", 300
    asyncio.run(queue_broadcast(db, people))
    api = Loopback(FakeTelegram())

    def delivered(fake: FakeTelegram) -> list[str]:
        return [s.text for s in fake.sent if s.text.startswith("Thông báo số")]

    with api.serving():
        bot = start_bot(tmp_path, api, SEND_RATE="60", CHAT_INTERVAL="0", LOG_LEVEL="ERROR")
        try:
            assert api.wait_for(lambda f: len(delivered(f)) >= 100), "the broadcast did not start"
            kill(bot)
            assert len(delivered(api.fake)) < people
            bot = start_bot(tmp_path, api, SEND_RATE="60", CHAT_INTERVAL="0", LOG_LEVEL="ERROR")
            assert api.wait_for(lambda f: len(set(delivered(f))) == people, timeout=60)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
    texts = delivered(api.fake)
    assert len(texts) - people <= IN_FLIGHT  # only what was in flight at the kill, again
    assert integrity(db) == "ok"


async def seed_declarations(db: Path, people: int, days: int) -> None:
    await seed_enrolled(db, people, Channel.TELEGRAM, lambda person: str(10_000 + person))
    answers = json.dumps({"sym": [], "exp": "none", "place": "office"})
    first = date(2026, 1, 5)
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO declarations (person_id, day, slot, answers, form_version, alert, late,"
            " declared_at, channel, event_key) VALUES (?, ?, 'morning', ?, 'v', 0, 0, ?, ?, ?)",
            (
                (p, (first + timedelta(days=d)).isoformat(), answers,
                 f"{first + timedelta(days=d)}T00:40:00.000000Z", "telegram", f"seed:{p}:{d}")
                for d in range(days)
                for p in range(1, people + 1)
            ),
        )  # fmt: skip


def test_kill_during_an_export(tmp_path: Path) -> None:
    db = tmp_path / "sokhoe.db"
    asyncio.run(seed_declarations(db, 500, 200))  # 100,000 rows
    out = tmp_path / "thang.csv"
    part = out.with_name(out.name + ".part")
    args = ("export", "declarations", "--from", "2026-01-01", "--to", "2026-12-31", "--out")
    export = cli(tmp_path, *args, str(out))
    deadline = time.monotonic() + 30
    while not (part.exists() and part.stat().st_size > 100_000) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert export.poll() is None, "the export ended before it could be killed"
    kill(export)
    assert not out.exists()  # nothing that looks like a whole export
    assert integrity(db) == "ok"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0

    again = cli(tmp_path, *args, str(out))
    assert again.wait(timeout=120) == 0, again.stdout.read() if again.stdout else ""
    with out.open(encoding="utf-8-sig") as handle:
        assert sum(1 for _ in csv.reader(handle)) == 100_001  # the header and every row
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 1


def people_in(db: Path) -> int:
    """People stored (none while the schema itself was still being made)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        return (
            int(conn.execute("SELECT count(*) FROM people").fetchone()[0])
            if "people" in tables
            else 0
        )


def test_kill_during_a_roster_import(tmp_path: Path) -> None:
    db, people = tmp_path / "sokhoe.db", 5_000
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(roster_row("x", "y")))
        writer.writeheader()
        for n in range(people):
            writer.writerow(roster_row(f"CB{n:05d}", f"Cán Bộ {n}", unit=f"U{n % 40:02d}"))
    for delay in (0.4, 0.7, 1.0, 1.3, 1.6):
        importing = cli(tmp_path, "import-roster", str(roster))
        time.sleep(delay)
        if importing.poll() is not None:
            break  # it finished first: the checks below hold all the same
        kill(importing)
        assert integrity(db) == "ok"
        assert people_in(db) in (0, people)  # all or nothing
    done = cli(tmp_path, "import-roster", str(roster))
    assert done.wait(timeout=60) == 0
    assert people_in(db) == people
    assert integrity(db) == "ok"
