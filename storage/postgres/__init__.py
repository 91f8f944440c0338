"""PostgreSQL for deployments past one machine: each organization's data in a schema of its own
(`org_<code>`) holding the same tables as the SQLite store (`schema.sql`), so that two
organizations with the same staff and unit codes can never meet; a shared schema `sokhoe` lists
the organizations. `store.PgStore` is the bot's store on it; `copy` moves an existing SQLite
deployment into it."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from core import texts
from storage.db import StoreError, ts

SCHEMA = Path(__file__).with_name("schema.sql")
ORG_CODE = re.compile(r"^[A-Za-z0-9_]{1,16}$")
SHARED = """
    CREATE SCHEMA IF NOT EXISTS sokhoe;
    CREATE TABLE IF NOT EXISTS sokhoe.organizations (
        code TEXT PRIMARY KEY,
        schema_name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        source TEXT NOT NULL  -- where its data came from: "sqlite" (copy-to-postgres) or "new"
    );
    -- the schema.sql an organization was made with is SQLite's version 18
    ALTER TABLE sokhoe.organizations
        ADD COLUMN IF NOT EXISTS schema_version INTEGER NOT NULL DEFAULT 18;
    -- the organization's own settings (tokens, times, names): environment names → values
    ALTER TABLE sokhoe.organizations ADD COLUMN IF NOT EXISTS settings TEXT NOT NULL DEFAULT '{}';
    -- which worker process runs an organization's bot, until when (renewed every few seconds)
    CREATE TABLE IF NOT EXISTS sokhoe.leases (
        org TEXT PRIMARY KEY REFERENCES sokhoe.organizations(code),
        holder TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE IF NOT EXISTS sokhoe.workers (
        id TEXT PRIMARY KEY,
        seen_at TIMESTAMPTZ NOT NULL
    );
"""
BASE_VERSION = 18  # the SQLite migration that schema.sql matches
SHARED_LOCK = 0x736F6B686F65  # "sokhoe": one process at a time changes the list of organizations


class PgError(StoreError):
    """PostgreSQL or an organization in it cannot be used (or copied into); the message says
    why, in one line."""


def schema_name(org: str) -> str:
    """The organization's schema: `org_` and its code in lower case."""
    if not ORG_CODE.match(org):
        raise PgError(texts.PG_BAD_ORG.format(org=org[:20]))
    return f"org_{org.lower()}"


async def connect(url: str) -> asyncpg.Connection:
    """One connection; PgError (one line, never the address: it may hold a password) when the
    address is not PostgreSQL's or the server cannot be reached."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise PgError(texts.PG_BAD_URL)
    try:
        return await asyncpg.connect(url, timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError, ValueError) as err:
        raise PgError(texts.PG_UNREACHABLE.format(error=type(err).__name__)) from None


def lock_key(schema: str) -> int:
    """The organization's advisory lock: one writer at a time, across processes."""
    return int.from_bytes(hashlib.sha256(schema.encode()).digest()[:8], "big", signed=True)


async def enter_shared(conn: asyncpg.Connection) -> None:
    """Inside the caller's transaction: the shared schema made (once), and held until the
    commit, so that one process at a time changes the list of organizations."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", SHARED_LOCK)
    await conn.execute(SHARED)


async def create_organization(conn: asyncpg.Connection, org: str, source: str) -> str | None:
    """Inside the caller's transaction: the shared schema (once), then the organization's
    schema with every table, recorded in `sokhoe.organizations`. None when it exists already
    (any case of its code): nothing is made. The search_path is left on the new schema."""
    await enter_shared(conn)
    return await _create(conn, org, source)


async def _create(conn: asyncpg.Connection, org: str, source: str) -> str | None:
    schema = schema_name(org)
    taken = await conn.fetchval(
        "SELECT 1 FROM sokhoe.organizations WHERE lower(code) = lower($1) OR schema_name = $2",
        org,
        schema,
    )
    exists = await conn.fetchval(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", schema
    )
    if taken or exists:
        return None
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.execute(f'SET LOCAL search_path TO "{schema}"')
    await conn.execute(SCHEMA.read_text(encoding="utf-8"))
    await _migrate(conn, BASE_VERSION)
    await conn.execute(
        "INSERT INTO sokhoe.organizations (code, schema_name, created_at, source, schema_version)"
        " VALUES ($1, $2, $3, $4, $5)",
        org,
        schema,
        ts(datetime.now(UTC)),
        source,
        latest_version(),
    )
    return schema


def migrations() -> list[tuple[int, str]]:
    """PostgreSQL's side of each SQLite migration after `BASE_VERSION` (`migrations/NNNN_*.sql`,
    the same numbers as SQLite's)."""
    folder = SCHEMA.with_name("migrations")
    found = [
        (int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8"))
        for entry in (folder.iterdir() if folder.is_dir() else [])
        if entry.name.endswith(".sql")
    ]
    return sorted(found)


def latest_version() -> int:
    return max([BASE_VERSION, *(number for number, _ in migrations())])


async def _migrate(conn: asyncpg.Connection, version: int) -> None:
    """The migrations after `version`, on the schema the search_path names."""
    for number, script in migrations():
        if number > version:
            await conn.execute(script)


async def prepare_organization(conn: asyncpg.Connection, org: str, create: bool) -> tuple[str, str]:
    """Inside the caller's transaction: the organization's schema, made when `create` and
    missing, brought up to the latest version; its schema and code as recorded. StoreError (one
    line) when it does not exist and may not be made, or is newer than this version knows."""
    schema = schema_name(org)
    await enter_shared(conn)
    row = await conn.fetchrow(
        "SELECT code, schema_name, schema_version FROM sokhoe.organizations WHERE lower(code) = $1",
        org.lower(),
    )
    if row is None:
        if not create:
            raise PgError(texts.PG_ORG_MISSING.format(org=org))
        made = await _create(conn, org, "new")
        if made is None:  # a schema of that name without its record
            raise PgError(texts.PG_ORG_EXISTS.format(org=org))
        return made, org
    version, latest = int(row["schema_version"]), latest_version()
    if version > latest:
        raise PgError(texts.PG_TOO_NEW.format(org=org, version=version, latest=latest))
    if version < latest:
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        await _migrate(conn, version)
        await conn.execute(
            "UPDATE sokhoe.organizations SET schema_version = $1 WHERE schema_name = $2",
            latest,
            schema,
        )
    return str(row["schema_name"]), str(row["code"])


async def dump(url: str, org: str, target: Path) -> None:
    """The organization's schema with PostgreSQL's own tool (`pg_dump`, custom format: one
    consistent snapshot while the bot writes; `pg_restore` brings it back), then read back
    whole (`pg_restore --list`); StoreError with the reason (never the address) when it fails."""
    tool, reader = shutil.which("pg_dump"), shutil.which("pg_restore")
    if tool is None or reader is None:
        raise StoreError(texts.PG_NO_DUMP)
    schema = schema_name(org)
    for command in (
        [tool, "--format=custom", f"--schema={schema}", f"--file={target}", "--no-password"],
        [reader, "--list", str(target)],
    ):
        process = await asyncio.create_subprocess_exec(
            *command,
            *(["--dbname", url] if command[0] == tool else []),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await process.communicate()
        if process.returncode != 0:
            said = err.decode(errors="replace").strip().splitlines() or ["?"]
            raise StoreError(said[-1].replace(url, "…")[:120])
