"""The office's command line against careless and hostile input (issue 12): each numbered item a
test, and every command against every fault: one line, no traceback, no hang, no partial file,
no export without its audit entry."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiosqlite
import openpyxl
import pytest

from bot.cli import main
from core import texts
from tests.conftest import roster_row
from tests.fakes.loopback import ROOT, Loopback, start_bot
from tests.fakes.telegram_api import FakeTelegram

NAMES = ["=1+1", "+84-cmd", "-2+3", "@SUM(A1)"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "ZALO_BOT_TOKEN", "TELEGRAM_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "sokhoe.db"))
    return tmp_path


def write_roster(path: Path, names: list[str] | None = None) -> Path:
    rows = [
        roster_row(f"CB{n:03d}", name, phone=f"09120000{n:02d}")
        for n, name in enumerate(names or ["An", "Bình", "Cường"])
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def one_line(err: str) -> bool:
    return err.strip().count("\n") == 0 and "Traceback" not in err and bool(err.strip())


def audit_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM audit").fetchone()[0])


def process(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ZALO_"))}
    environment.update(DATABASE_PATH=str(folder / "sokhoe.db"), PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=20,
        stdin=subprocess.DEVNULL,
    )


# --- 1. a corrupt database -----------------------------------------------------------------------


def test_1_a_corrupt_database_is_one_line_within_2_seconds(folder: Path) -> None:
    (folder / "sokhoe.db").write_bytes(os.urandom(200_000))
    roster = write_roster(folder / "ds.csv")
    commands = [
        ["import-roster", str(roster)],
        ["invites"],
        ["export", "audit", "--from", "2026-01-01", "--to", "2026-01-31", "--out", "a.csv"],
        ["backup", "copy.db"],
        ["purge", "--before", "2026-01-01", "--yes"],
        ["run"],
    ]
    for command in commands:
        started = time.monotonic()
        done = process(folder, *command, BOT_TOKEN="1:corrupt-test")
        assert time.monotonic() - started < 2 + 1.5  # the interpreter's own start-up aside
        assert done.returncode == 4, (command, done.stderr)
        assert one_line(done.stderr) and "sokhoe.db" in done.stderr, (command, done.stderr)
    assert not (folder / "copy.db").exists() and not (folder / "a.csv").exists()


# --- 2. formula injection ------------------------------------------------------------------------


def test_2_no_text_becomes_a_formula_in_any_file(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-roster", str(write_roster(folder / "ds.csv", NAMES))]) == 0
    db = folder / "sokhoe.db"
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO declarations (person_id, day, slot, answers, form_version, alert, late,"
            " declared_at, channel, event_key) VALUES (?, '2026-11-23', 'morning', '{}', 'v', 0,"
            " 0, '2026-11-23T00:40:00.000000Z', 'telegram', ?)",
            [(n, f"k{n}") for n in range(1, 5)],
        )
    assert main(["invites", "--out", "moi.xlsx"]) == 0
    assert main(["invites", "--out", "moi.csv"]) == 0
    span = ["--from", "2026-11-23", "--to", "23/11/2026"]
    assert main(["export", "declarations", *span, "--out", "kb.xlsx"]) == 0
    assert main(["export", "declarations", *span, "--out", "kb.csv"]) == 0
    for name in ("moi.xlsx", "kb.xlsx"):
        book = openpyxl.load_workbook(folder / name)
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], name
        assert {c.value for c in cells} >= set(NAMES)  # the names, as text
    for name in ("moi.csv", "kb.csv"):
        text = (folder / name).read_text(encoding="utf-8-sig")
        fields = {f for row in csv.reader(io.StringIO(text)) for f in row}
        assert {f"'{n}" for n in NAMES} <= fields and not fields & set(NAMES), name
    capsys.readouterr()


# --- 3. one running bot per database -------------------------------------------------------------


def test_3_a_second_bot_on_the_same_database_says_who_holds_it(folder: Path) -> None:
    api = Loopback(FakeTelegram())
    with api.serving():
        first = start_bot(folder, api, LOG_LEVEL="ERROR")
        try:
            assert api.wait_for(lambda f: bool(f.commands)), "the first bot did not start"
            second = process(folder, "run", BOT_TOKEN=api.fake.token, TELEGRAM_API_BASE_URL=api.url)
            assert second.returncode == 5
            assert one_line(second.stderr) and str(first.pid) in second.stderr
            assert first.poll() is None  # the first goes on
        finally:
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=30)


# --- 4. backups ----------------------------------------------------------------------------------


def test_4_backup_refuses_its_source_a_folder_and_a_file_not_its_own(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-roster", str(write_roster(folder / "ds.csv"))]) == 0
    db = folder / "sokhoe.db"
    capsys.readouterr()
    assert main(["backup", str(db)]) == 1
    assert main(["backup", "./sokhoe.db"]) == 1  # the same file, written another way
    (folder / "sub").mkdir()
    assert main(["backup", "sub"]) == 1
    assert main(["backup", "missing/copy.db"]) == 1
    (folder / "notes.txt").write_text("ghi chú quan trọng")
    assert main(["backup", "notes.txt"]) == 1
    assert (folder / "notes.txt").read_text() == "ghi chú quan trọng"
    assert audit_count(db) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 5 and "Traceback" not in err
    assert main(["backup", "copy.db"]) == 0
    assert audit_count(db) == 1 and not list(folder.glob(".*.part"))
    with sqlite3.connect(folder / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --- 5. invite days ------------------------------------------------------------------------------


def test_5_invite_days_are_1_to_365(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-roster", str(write_roster(folder / "ds.csv"))]) == 0
    assert main(["invites", "--days", "14"]) == 0
    with sqlite3.connect(folder / "sokhoe.db") as conn:
        before = conn.execute("SELECT code, revoked_at FROM invites ORDER BY code").fetchall()
    capsys.readouterr()
    for days in ("-1", "0", "99999999999999999999", "abc"):
        with pytest.raises(SystemExit) as ended:
            main(["invites", "--days", days])
        assert ended.value.code == 2
        assert "từ 1 đến 365" in capsys.readouterr().err
    with sqlite3.connect(folder / "sokhoe.db") as conn:
        assert (
            conn.execute("SELECT code, revoked_at FROM invites ORDER BY code").fetchall() == before
        )


# --- 6. purge ------------------------------------------------------------------------------------


def test_6_purge_keeps_recent_days_and_ends_cleanly_at_any_answer(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["import-roster", str(write_roster(folder / "ds.csv"))]) == 0
    assert main(["purge", "--before", "2030-01-01", "--yes"]) == 2
    assert "hôm qua và hôm nay" in capsys.readouterr().err

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    def closed(prompt: str) -> str:
        raise EOFError

    for answer in (interrupted, closed):
        monkeypatch.setattr("builtins.input", answer)
        assert main(["purge", "--before", "01/01/2026"]) == 1
        out = capsys.readouterr().out
        assert "Sẽ xóa vĩnh viễn: 0 khai báo" in out and texts.PURGE_ABORTED in out
    assert audit_count(folder / "sokhoe.db") == 0


# --- 7. the roster in linear time ----------------------------------------------------------------


def test_7_fifty_thousand_rows_half_bad_are_checked_quickly(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["" if n % 2 else f"Cán Bộ {n}" for n in range(50_000)]
    rows = [roster_row(f"CB{n:05d}", name, unit=f"U{n % 40:02d}") for n, name in enumerate(names)]
    path = folder / "lon.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    started = time.monotonic()
    assert main(["import-roster", str(path)]) == 1
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 102  # 100 lines named, the count of the rest, the verdict
    assert err[100] == texts.ROSTER_MORE_ERRORS.format(count=24_900)
    assert not (folder / "sokhoe.db").exists() or audit_count(folder / "sokhoe.db") == 0


# --- 8. exports ----------------------------------------------------------------------------------


def test_8_exports_check_their_target_unit_and_database_first(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["import-roster", str(write_roster(folder / "ds.csv"))]) == 0
    span = ["--from", "2026-11-01", "--to", "2026-11-30"]
    (folder / "thu-muc.xlsx").mkdir()
    assert main(["export", "declarations", *span, "--out", "khong-co/x.xlsx"]) == 1
    assert main(["export", "declarations", *span, "--out", "thu-muc.xlsx"]) == 1
    assert main(["export", "declarations", *span, "--unit", "NOPE", "--out", "x.xlsx"]) == 1
    assert main(["export", "declarations", *span, "--format", "csv", "--out", "x.xlsx"]) == 1
    assert main(["export", "declarations", *span, "--out", "x.txt"]) == 1
    assert main(["export", "declarations", *span, "--unit", "khtc", "--out", "x.csv"]) == 0
    assert "(KHTC)" not in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_PATH", str(folder / "go-nham.db"))
    assert main(["export", "declarations", *span, "--out", "y.csv"]) == 4
    assert main(["purge", "--before", "2026-01-01", "--yes"]) == 4
    assert not (folder / "go-nham.db").exists() and not (folder / "y.csv").exists()
    assert sorted(p.name for p in folder.iterdir() if p.suffix in (".csv", ".xlsx")) == [
        "ds.csv",
        "thu-muc.xlsx",
        "x.csv",
    ]
    assert audit_count(folder / "sokhoe.db") == 1  # the one file made, audited


def test_8_a_file_exists_only_if_its_export_was_audited(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["import-roster", str(write_roster(folder / "ds.csv"))]) == 0
    from storage.office import OfficeRepo

    async def refuse(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(OfficeRepo, "audit", refuse)
    span = ["--from", "2026-11-01", "--to", "2026-11-30"]
    assert main(["export", "audit", *span, "--out", "nhat-ky.csv"]) != 0
    assert not list(folder.glob("nhat-ky.csv*"))


# --- 9. start-up failures never show a token -----------------------------------------------------


def test_9_start_up_failures_are_one_line_without_the_token(folder: Path) -> None:
    zalo_token = "987654:zalo-secret-token-abcdefghijklmnopqrstuvwxyz"
    unreachable = process(
        folder, "run", ZALO_BOT_TOKEN=zalo_token, ZALO_API_BASE_URL="http://127.0.0.1:9"
    )
    assert unreachable.returncode == 3 and one_line(unreachable.stderr)
    api = Loopback(FakeTelegram())
    echo = Loopback(FakeTelegram())  # a server that answers 404 and echoes the path it got
    with api.serving(), echo.serving():
        refused = process(folder, "run", ZALO_BOT_TOKEN=zalo_token, ZALO_API_BASE_URL=echo.url)
    for done in (unreachable, refused):
        assert done.returncode == 3 and one_line(done.stderr), done.stderr
        assert zalo_token not in done.stdout + done.stderr
        assert zalo_token.split(":")[1] not in done.stdout + done.stderr


# --- 10. small things ----------------------------------------------------------------------------


def test_10_env_lines_dates_formats_and_roster_files(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = folder / ".env"
    env.write_text("ORG_NAME=Sở Thử # the name\nNO_EQUALS_SIGN\n", encoding="utf-8")
    assert main(["invites"]) == 2
    assert "dòng 2" in capsys.readouterr().err
    env.write_bytes("ORG_NAME=S\xe1".encode("latin-1"))
    assert main(["invites"]) == 2
    assert "UTF-8" in capsys.readouterr().err
    env.write_text("ORG_NAME=Sở Thử # the name\n", encoding="utf-8")
    from bot.config import load_settings

    assert load_settings({}, env).org_name == "Sở Thử"
    env.unlink()

    with pytest.raises(SystemExit):
        main(["purge", "--before", "31/02/2026"])
    assert "01/11/2026" in capsys.readouterr().err  # said how to write a date, in Vietnamese

    assert main(["import-roster", "khong-co.csv"]) == 1
    missing_csv = capsys.readouterr().err
    assert main(["import-roster", "khong-co.xlsx"]) == 1
    missing_xlsx = capsys.readouterr().err
    assert missing_csv.replace(".csv", "") == missing_xlsx.replace(".xlsx", "")

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(roster_row("x", "y")))
    sheet.append(["CB1", '=CONCAT("An","")', "KHTC", "Phòng KHTC", "staff", ""])
    book.save(folder / "cong-thuc.xlsx")  # saved by a program: the formula never computed
    assert main(["import-roster", "cong-thuc.xlsx"]) == 1
    assert "2:2" in capsys.readouterr().err


# --- 11. a roster template -----------------------------------------------------------------------


def test_11_the_roster_template_imports_as_it_is(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["roster-template", "--out", "mau.xlsx"]) == 0
    book = openpyxl.load_workbook(folder / "mau.xlsx")
    assert [s.title for s in book.worksheets] == ["Danh sách", "Hướng dẫn"]
    assert main(["import-roster", "mau.xlsx"]) == 0
    with sqlite3.connect(folder / "sokhoe.db") as conn:
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 5


# --- every command against every fault -----------------------------------------------------------


def corrupt(folder: Path) -> None:
    (folder / "sokhoe.db").write_bytes(b"SQLite format 3\x00" + os.urandom(50_000))


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real = aiosqlite.connect

    def connect(path: object, **kwargs: object) -> object:
        return real(f"file:{path}?mode=ro", uri=True, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite, "connect", connect)


COMMANDS = {
    "import-roster": ["import-roster", "{input}"],
    "invites": ["invites", "--out", "{output}.xlsx"],
    "export": ["export", "stories", "--from", "2026-01-01", "--to", "2026-12-31", "--out",
               "{output}.csv"],
    "backup": ["backup", "{output}.db"],
    "purge": ["purge", "--before", "2026-01-01"],
    "template": ["roster-template", "--out", "{output}.xlsx"],
}  # fmt: skip
FAULTS = ["missing file", "a folder", "unwritable target", "corrupt database", "read-only database",
          "empty stdin"]  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_against_every_fault(
    name: str,
    fault: str,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = write_roster(folder / "ds.csv")
    assert main(["import-roster", str(roster)]) == 0
    db = folder / "sokhoe.db"
    audited = audit_count(db)
    capsys.readouterr()
    target, source = "ra/file", str(roster)
    (folder / "ra").mkdir()
    if fault == "missing file":
        source, target = "khong-co.csv", "khong-co/file"
    elif fault == "a folder":
        source, target = "ra", "ra"
        (folder / "ra.xlsx").mkdir()
        (folder / "ra.csv").mkdir()
        (folder / "ra.db").mkdir()
    elif fault == "unwritable target":
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, m: False if "ra" in str(p) else real_access(p, m)
        )
    elif fault == "corrupt database":
        corrupt(folder)
    elif fault == "read-only database":
        read_only(monkeypatch)
    elif fault == "empty stdin":
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
    argv = [a.format(input=source, output=target) for a in COMMANDS[name]]
    started = time.monotonic()
    try:
        code = main(argv)
    except SystemExit as ended:  # argparse's own refusal
        code = int(ended.code or 0)
    assert time.monotonic() - started < 30
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if code != 0:  # said in one line (a refusal on stderr; "nothing erased" on stdout)
        assert (out + err).strip() and err.strip().count("\n") <= 1, err
    assert not list(folder.rglob("*.part")), "a partial file was left"
    if fault in ("corrupt database", "read-only database") or not db.exists():
        return
    files = [p for p in (folder / "ra").rglob("*") if p.suffix in (".csv", ".xlsx")]
    if name == "export" and files:
        assert audit_count(db) == audited + 1  # a file made: audited
