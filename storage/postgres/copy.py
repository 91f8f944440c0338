"""`copy-to-postgres`: an existing SQLite deployment moved into a new organization, checked by
counting every table on both sides."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg

from core import texts
from storage import open_store
from storage.postgres import SCHEMA, PgError, connect, create_organization, schema_name

CHUNK = 5_000  # rows read from SQLite and written to PostgreSQL at a time


async def copy_from_sqlite(source: Path, url: str, org: str) -> dict[str, int]:
    """Every row of every table of the SQLite database at `source` into a new organization
    `org`, in one PostgreSQL transaction, checked by counting each table on both sides: all of
    it, or nothing. Returns the rows per table."""
    schema_name(org)  # a bad code is said before anything is opened
    if not url.startswith(("postgresql://", "postgres://")):
        raise PgError(texts.PG_BAD_URL)
    await (await open_store(source, create=False)).close()  # checked, and brought up to date
    conn = await connect(url)
    try:
        async with conn.transaction():
            schema = await create_organization(conn, org, "sqlite")
            if schema is None:
                raise PgError(texts.PG_ORG_EXISTS.format(org=org))
            # in the order the schema creates them: a table's references are filled before it
            order = re.findall(r"CREATE TABLE (\w+)", SCHEMA.read_text(encoding="utf-8"))
            return await _copy_tables(conn, source, schema, order)
    finally:
        await conn.close()


async def _copy_tables(
    conn: asyncpg.Connection, source: Path, schema: str, order: list[str]
) -> dict[str, int]:
    await conn.execute("ALTER TABLE declarations DISABLE TRIGGER declarations_count")
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    lite.execute("BEGIN")  # one snapshot for every table, even while the bot writes
    try:
        counts: dict[str, int] = {}
        for table in order:
            described = await conn.fetch(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                schema,
                table,
            )
            kinds = {r["column_name"]: r["data_type"] for r in described}
            known = {r[1] for r in lite.execute(f'PRAGMA table_xinfo("{table}")')}
            if known != set(kinds):
                raise PgError(texts.PG_SCHEMA_DIFFERS.format(table=table))
            columns = list(kinds)
            for chunk in _chunks(lite, table, columns):
                rows = [_row(r, columns, kinds) for r in chunk]
                await conn.copy_records_to_table(
                    table, records=rows, columns=columns, schema_name=schema
                )
            expected = lite.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            copied = await conn.fetchval(f'SELECT count(*) FROM "{schema}"."{table}"')
            if copied != expected:
                raise PgError(texts.PG_COUNT_DIFFERS.format(table=table, lite=expected,
                                                              pg=copied))  # fmt: skip
            counts[table] = int(copied)
            if "id" in kinds and copied:  # new rows take ids after the copied ones
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{schema}\".\"{table}\"', 'id'),"
                    f' (SELECT max(id) FROM "{schema}"."{table}"))'
                )
    finally:
        lite.close()
    await conn.execute("ALTER TABLE declarations ENABLE TRIGGER declarations_count")
    return counts


def _chunks(lite: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[list[Any]]:
    listed = ", ".join(f'"{c}"' for c in columns)
    cursor = lite.execute(f'SELECT {listed} FROM "{table}"')
    while rows := cursor.fetchmany(CHUNK):
        yield rows


def _row(values: tuple[Any, ...], columns: list[str], kinds: dict[str, str]) -> tuple[Any, ...]:
    """A SQLite row as PostgreSQL takes it: SQLite keeps whatever type a value came with."""
    out: list[object] = []
    for value, column in zip(values, columns, strict=True):
        if value is None:
            out.append(None)
        elif kinds[column] == "bigint":
            out.append(int(value))
        else:
            out.append(value if isinstance(value, str) else str(value))
    return tuple(out)
