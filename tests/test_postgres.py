"""Moving a SQLite deployment into PostgreSQL (`copy-to-postgres`), against the real server on
127.0.0.1:5432 (tests/system-deps.sh starts it when stopped): each test makes its own database
and drops it."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from core import texts
from storage import open_store
from storage.db import StoreError
from storage.postgres.copy import copy_from_sqlite
from storage.postgres.db import _until_no_older_snapshot
from storage.postgres.store import PgStore
from tests.test_reports import scripted_month

SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture
def pg_url(fresh_database: str) -> str:
    return fresh_database


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as lite:
        tables = [r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: lite.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


async def month_db(tmp_path: Path) -> Path:
    """A month of three units (a move, a newcomer, a leaver, a change of head, leave)."""
    services, _ = await scripted_month(tmp_path)
    await services.store.close()
    return tmp_path / "store.db"


async def test_a_deployment_moves_whole_and_goes_on_there(tmp_path: Path, pg_url: str) -> None:
    source = await month_db(tmp_path)
    counts = await copy_from_sqlite(source, pg_url, "SKHCN")
    want = sqlite_counts(source)
    assert counts == want and counts["declarations"] > 300 and counts["role_terms"] == 3
    conn = await asyncpg.connect(pg_url)
    try:
        for table, rows in want.items():  # counted again here, not taken from the copy
            assert await conn.fetchval(f'SELECT count(*) FROM org_skhcn."{table}"') == rows
        with sqlite3.connect(source) as lite:
            first = lite.execute("SELECT * FROM declarations ORDER BY id LIMIT 1").fetchone()
            moved = lite.execute("SELECT * FROM memberships ORDER BY person_id, first_day")
            memberships = [tuple(r) for r in moved]
        row = await conn.fetchrow("SELECT * FROM org_skhcn.declarations ORDER BY id LIMIT 1")
        assert tuple(row.values()) == first
        copied = await conn.fetch("SELECT * FROM org_skhcn.memberships ORDER BY 1, 3")
        assert [tuple(r.values()) for r in copied] == memberships
        # new rows take ids after the copied ones, and a new declaration counts (the trigger)
        await conn.execute("SET search_path TO org_skhcn")
        new = await conn.fetchval(
            "INSERT INTO declarations (person_id, day, slot, answers, form_version, alert, late,"
            " declared_at, channel, event_key) VALUES (1, '2026-12-01', 'morning', '{}', 'byt',"
            " 0, 0, '2026-12-01T01:00:00.000000Z', 'telegram', 'new') RETURNING id"
        )
        assert new == want["declarations"] + 1
        counted = await conn.fetchval(
            "SELECT declaration_id FROM checkins WHERE day = '2026-12-01' AND person_id = 1"
        )
        assert counted == new
        listed = await conn.fetch("SELECT code, schema_name, source FROM sokhoe.organizations")
        assert [tuple(r.values()) for r in listed] == [("SKHCN", "org_skhcn", "sqlite")]
    finally:
        await conn.close()


async def test_two_organizations_with_the_same_codes_never_meet(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same roster (same staff and unit codes) under two organizations: two schemas with
    their own rows; copying into an organization that exists changes nothing."""
    source = await month_db(tmp_path)
    await copy_from_sqlite(source, pg_url, "SKHCN")
    command = ["copy-to-postgres", "--from", str(source), "--org", "syt", "--url", pg_url]
    assert await asyncio.to_thread(main, command) == 0  # the second through the command line
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("Đã chép sang PostgreSQL, tổ chức syt (schema org_syt):")
    assert any(line.startswith("  declarations: ") for line in said[1:])
    conn = await asyncpg.connect(pg_url)
    try:
        for schema in ("org_skhcn", "org_syt"):
            assert await conn.fetchval(f"SELECT count(*) FROM {schema}.people") == 13
        await conn.execute("DELETE FROM org_syt.outbox")
        await conn.execute("UPDATE org_syt.people SET full_name = 'Khác' WHERE staff_code = 'VP1'")
        name = await conn.fetchval(
            "SELECT full_name FROM org_skhcn.people WHERE staff_code = 'VP1'"
        )
        assert name == "Cán Bộ VP1"  # the other organization's row is its own
        before = await conn.fetchval("SELECT count(*) FROM org_skhcn.declarations")
        with pytest.raises(Exception, match="đã có trong PostgreSQL"):
            await copy_from_sqlite(source, pg_url, "skhcn")  # the same code, other case
        assert await conn.fetchval("SELECT count(*) FROM org_skhcn.declarations") == before
        assert await conn.fetchval("SELECT count(*) FROM sokhoe.organizations") == 2
    finally:
        await conn.close()


async def test_the_postgres_schema_has_every_table_and_column_of_sqlite(
    tmp_path: Path, pg_url: str
) -> None:
    """`storage/postgres/schema.sql` is the SQLite schema after every migration: a migration
    added without its PostgreSQL side fails here."""
    source = await month_db(tmp_path)
    await copy_from_sqlite(source, pg_url, "x")
    conn = await asyncpg.connect(pg_url)
    try:
        rows = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'org_x'"
        )
        pg = {(r["table_name"], r["column_name"]) for r in rows}
    finally:
        await conn.close()
    with sqlite3.connect(source) as lite:
        tables = [r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        lite_columns = {
            (t, c[1]) for t in tables for c in lite.execute(f'PRAGMA table_xinfo("{t}")')
        }
    assert pg == lite_columns


def test_the_command_line_says_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "ZALO_BOT_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    missing, source = tmp_path / "none.db", tmp_path / "sokhoe.db"
    asyncio.run(fresh(source))
    corrupt = tmp_path / "hong.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    cases = [
        (["--org", "bad code!", "--url", f"{SERVER}/postgres"], "không dùng được làm mã"),
        (["--org", "A"], texts.PG_BAD_URL),
        (
            ["--org", "A", "--from", str(source), "--url", "postgresql://u:secret@127.0.0.1:1/x"],
            "Không kết nối được",
        ),
        (["--org", "A", "--from", str(missing), "--url", f"{SERVER}/postgres"], str(missing)),
        (["--org", "A", "--from", str(corrupt), "--url", f"{SERVER}/postgres"], str(corrupt)),
        (["--org", "A", "--from", str(tmp_path), "--url", f"{SERVER}/postgres"], str(tmp_path)),
    ]
    for args, said in cases:
        assert main(["copy-to-postgres", *args]) != 0
        err = capsys.readouterr().err.strip()
        assert said in err and len(err.splitlines()) == 1 and "Traceback" not in err, err
        assert "secret" not in err  # never the address: it may hold a password
    assert not missing.exists()


async def fresh(path: Path) -> None:
    await (await open_store(path)).close()


async def test_an_organization_is_brought_up_to_the_latest_schema_when_opened(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's side of a later SQLite migration (`storage/postgres/migrations/NNNN_*.sql`)
    runs once on every organization made before it; an organization newer than this version
    is refused. The PostgreSQL versions follow SQLite's numbers."""
    import storage.postgres as pg
    from storage.db import migrations as sqlite_migrations

    assert pg.latest_version() == sqlite_migrations()[-1][0]
    async with await PgStore.open(pg_url, "Old"):
        pass
    later = pg.latest_version() + 1
    monkeypatch.setattr(pg, "migrations", lambda: [(later, "CREATE TABLE later (x BIGINT);")])
    for _ in range(2):  # the second opening runs nothing again
        async with await PgStore.open(pg_url, "Old", create=False) as store:
            assert await store.db.fetchall("SELECT x FROM later") == []
    conn = await asyncpg.connect(pg_url)
    try:
        version = "SELECT schema_version FROM sokhoe.organizations WHERE code = 'Old'"
        assert await conn.fetchval(version) == later
        await conn.execute(
            "UPDATE sokhoe.organizations SET schema_version = $1 WHERE code = 'Old'", later + 5
        )
    finally:
        await conn.close()
    with pytest.raises(StoreError, match="mới hơn"):
        await PgStore.open(pg_url, "Old", create=False)
    with pytest.raises(StoreError, match="Chưa có tổ chức"):
        await PgStore.open(pg_url, "Missing", create=False)


EXPORT_NOVEMBER = ["export", "declarations", "--from", "2026-11-01", "--to", "2026-11-30",
                   "--out", "x.xlsx"]  # fmt: skip


def test_organizations_from_the_command_line(
    tmp_path: Path,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An organization is made by its first roster, gets its own settings, is listed; every
    command takes `--org`; a careless line is one line and changes nothing."""
    from tests.test_roster_cli import fifty, write_csv

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORG", raising=False)
    monkeypatch.setenv("BOT_TOKEN", "999:the-deployments-own-0123456789abcdef")  # no org's
    monkeypatch.setenv("DATABASE_URL", pg_url)
    roster = write_csv(tmp_path / "roster.csv", fifty())
    assert main(["import-roster", "--org", "SYT", str(roster)]) == 0
    assert main(["import-roster", "--org", "SGD", str(roster)]) == 0  # the same codes
    capsys.readouterr()

    def env_file(name: str, *lines: str) -> str:
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return str(tmp_path / name)

    syt = env_file("syt.env", "BOT_TOKEN=111:syt-token-0123456789abcdefghij", "ORG_NAME=Sở Y tế")
    assert main(["org-settings", "--org", "SYT", syt]) == 0
    assert "Đã lưu 2 thiết lập của tổ chức SYT" in capsys.readouterr().out
    refusals = [
        (["org-settings", "--org", "SGD", syt], "đã là của tổ chức SYT"),  # one bot, one org
        (
            ["org-settings", "--org", "SGD", env_file("bad.env", f"DATABASE_URL={pg_url}")],
            "DATABASE_URL là thiết lập của cả hệ thống",
        ),
        (["org-settings", "--org", "SGD", env_file("none.env", "ORG_NAME=x")], "BOT_TOKEN"),
        (["org-settings", "--org", "KHONG", syt], "Chưa có tổ chức KHONG"),
        (["org-settings", "--org", "SGD", str(tmp_path / "missing.env")], "missing.env"),
        ([*EXPORT_NOVEMBER, "--org", "KHONG"], "Chưa có tổ chức KHONG"),
    ]
    for args, said in refusals:
        assert main(args) != 0, args
        err = capsys.readouterr().err.strip()
        assert said in err and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert main(["orgs"]) == 0
    listed = capsys.readouterr().out
    monkeypatch.delenv("DATABASE_URL")  # SQLite: one organization, so --org is a mistake
    for args in ([*EXPORT_NOVEMBER, "--org", "SGD"], ["orgs"]):
        assert main(args) == 2
        err = capsys.readouterr().err.strip()
        assert texts.PG_ONLY in err and len(err.splitlines()) == 1, err
    monkeypatch.setenv("DATABASE_URL", pg_url)
    assert "SYT: Sở Y tế — chưa worker nào chạy" in listed and "SGD" in listed
    out = tmp_path / "thang.xlsx"
    assert main([*EXPORT_NOVEMBER[:-1], str(out), "--org", "SGD"]) == 0
    assert out.exists() and (tmp_path / "x.xlsx").exists() is False
    asyncio.run(settings_kept(pg_url))


async def settings_kept(url: str) -> None:
    from storage.postgres.registry import Registry

    registry = await Registry.open(url)
    try:
        kept = {o.code: o.settings for o in await registry.organizations()}
    finally:
        await registry.close()
    assert kept["SYT"]["ORG_NAME"] == "Sở Y tế" and kept["SGD"] == {}  # the refusals kept nothing


async def test_a_role_that_cannot_see_other_sessions_is_told_at_each_rewrite(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Without pg_read_all_stats, other roles' snapshots are hidden from the erasure's wait:
    the rewrite still runs, and the log says what it could not see, each time."""
    role = f"sk_blind_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_url)
    await admin.execute(f"CREATE ROLE {role} LOGIN")
    try:
        blind = await asyncpg.connect(pg_url.replace("postgres@", f"{role}@", 1))
        try:
            for _ in range(2):
                await asyncio.wait_for(_until_no_older_snapshot(blind), 10)
        finally:
            await blind.close()
        seen = await asyncpg.connect(pg_url)
        await asyncio.wait_for(_until_no_older_snapshot(seen), 10)  # a superuser sees all
        await seen.close()
    finally:
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()
    warned = [r for r in caplog.records if "pg_read_all_stats" in r.getMessage()]
    assert len(warned) == 2
