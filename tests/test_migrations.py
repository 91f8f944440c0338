"""Migrations are append-only: a database made at each earlier schema version (fixtures in
tests/fixtures/schemas, made with the migrations as they were shipped) upgrades to the latest
schema, equal to a fresh one, its rows kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.domain import Channel
from storage import open_store
from storage.db import migrations

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "schemas").glob("*.sql"))

Schema = dict[str, object]


def schema(path: Path) -> Schema:
    """Every table's columns, every index's columns, every trigger: what a schema is, without
    the whitespace of the statements that made it."""
    con = sqlite3.connect(path)
    try:
        found: Schema = {}
        objects = con.execute(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for kind, name, table in objects:
            if kind == "table":
                found[f"table {name}"] = con.execute(f"PRAGMA table_xinfo({name})").fetchall()
            elif kind == "index":
                columns = con.execute(f"PRAGMA index_xinfo({name})").fetchall()
                found[f"index {name} on {table}"] = columns
            else:
                found[f"{kind} {name} on {table}"] = True
        found["user_version"] = con.execute("PRAGMA user_version").fetchone()[0]
        return found
    finally:
        con.close()


def fixture_database(fixture: Path, target: Path) -> None:
    con = sqlite3.connect(target)
    con.executescript(fixture.read_text(encoding="utf-8"))
    con.close()


def test_there_is_a_fixture_for_every_earlier_version() -> None:
    latest = migrations()[-1][0]
    versions = {int(f.name[1:].split("-")[0].split(".")[0]) for f in FIXTURES}
    assert versions == set(range(1, latest))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
async def test_an_older_database_upgrades_to_the_fresh_schema(
    fixture: Path, tmp_path: Path
) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    await (await open_store(fresh)).close()
    fixture_database(fixture, old)
    assert schema(old) != schema(fresh)
    async with await open_store(old) as store:
        person = await store.people.person_by_code("CB001")
        assert person is not None and person.full_name == "Nguyễn Văn An"  # the rows are kept
    assert schema(old) == schema(fresh)


async def test_walks_work_on_a_database_made_before_they_existed(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    fixture_database(next(f for f in FIXTURES if f.stem == "v6-before-walks"), old)
    async with await open_store(old) as store:
        now = datetime(2026, 11, 23, 1, tzinfo=UTC)
        await store.inbox.set_walk(Channel.TELEGRAM, "501", {"ref": "20261123m"}, now)
        caller = await store.inbox.caller(Channel.TELEGRAM, "501", "v1")
        assert caller.walk == {"ref": "20261123m"}


async def test_roles_held_before_their_history_are_held_since_before_any_record(
    tmp_path: Path,
) -> None:
    """0018: a head and an office clerk of a version-17 database (one of them since left) get
    terms from the start of the record; staff is not a term."""
    old = tmp_path / "old.db"
    fixture_database(next(f for f in FIXTURES if f.stem == "v17"), old)
    con = sqlite3.connect(old)
    with con:
        con.execute("INSERT INTO units (code, name) VALUES ('TCCB', 'Phòng Tổ chức cán bộ')")
        con.execute(
            "INSERT INTO people (id, staff_code, full_name, unit_code, phone, active, updated_at,"
            " deactivated_at) VALUES (2, 'CB002', 'Trần Thị Bình', 'TCCB', '', 0,"
            " '2026-11-20T01:00:00.000000Z', '2026-11-20T01:00:00.000000Z')"
        )
        con.executemany("INSERT INTO person_roles VALUES (?, ?)", [(1, "office"), (2, "head")])
        con.execute("INSERT INTO unit_heads (person_id, unit_code) VALUES (2, 'TCCB')")
    con.close()
    await (await open_store(old)).close()
    con = sqlite3.connect(old)
    terms = con.execute("SELECT * FROM role_terms ORDER BY person_id").fetchall()
    con.close()
    assert terms == [(1, "office", "", "0001-01-01", None),
                     (2, "head", "TCCB", "0001-01-01", "2026-11-19")]  # fmt: skip
