"""The connection: WAL, foreign keys, numbered migrations, and one transaction at a time."""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import aiosqlite

from core import texts

# A row of a result: `row["name"]` or `row[0]` (sqlite3.Row or asyncpg.Record).
Row: TypeAlias = Any

# How deep the current task is in a transaction: a nested `transaction()` becomes a savepoint.
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("store_depth", default=0)


def ts(moment: datetime) -> str:
    """UTC, fixed width, so that text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def migrations() -> list[tuple[int, str]]:
    """The numbered `NNNN_name.sql` files, in order."""
    folder = resources.files("storage").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class StoreError(Exception):
    """The database cannot be used (missing, corrupt, read-only, too new); one line saying
    which file and what to do."""


class Sql(Protocol):
    """What a repository asks of its database (SQLite's `Database`, PostgreSQL's
    `storage.postgres.db.PgDatabase`)."""

    def transaction(self) -> AbstractAsyncContextManager[None]: ...

    def savepoint(self) -> AbstractAsyncContextManager[None]: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None: ...

    async def update_by_key(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        """An UPDATE of rows named by their keys, once per parameter row, that depends on
        nothing read: atomic, and outside the one-writer lock (PostgreSQL: one round trip).
        Inside a transaction it joins it."""
        ...

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def fetchall(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[Row]: ...

    async def fetchone(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Row | None: ...

    def stream(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any], chunk: int
    ) -> AsyncIterator[Row]: ...

    async def checkpoint(self, tables: Sequence[str] = ()) -> None: ...

    async def close(self) -> None: ...


class Database:
    """One aiosqlite connection shared by the process; every statement runs under `_lock`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._savepoints = 0
        self._checkpoint_due = False

    @classmethod
    async def connect(
        cls, path: Path, create: bool = True, writable: bool = True
    ) -> aiosqlite.Connection:
        """Open, check (`quick_check`, a schema this version knows) and migrate; StoreError
        when the file cannot be used. `create=False`: a missing file is an error, not a new
        empty database (a command that reads must not invent one from a mistyped path)."""
        try:
            if str(path) != ":memory:":
                _check_path(path, create)
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            raise StoreError(texts.STORE_UNREADABLE.format(path=path, error=_reason(err))) from None
        try:
            await cls._prepare(conn, path, writable)
        except sqlite3.DatabaseError as err:
            await conn.close()
            if "readonly" in str(err) or "read-only" in str(err):
                raise StoreError(texts.STORE_READ_ONLY.format(path=path)) from None
            raise StoreError(texts.STORE_CORRUPT.format(path=path, error=_reason(err))) from None
        except BaseException:
            await conn.close()
            raise
        return conn

    @classmethod
    async def _prepare(cls, conn: aiosqlite.Connection, path: Path, writable: bool) -> None:
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA busy_timeout=10000")
        async with conn.execute("PRAGMA quick_check(1)") as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] != "ok":
            reason = str(row[0]) if row else "?"
            raise StoreError(texts.STORE_CORRUPT.format(path=path, error=reason[:80]))
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA secure_delete=ON",  # erased health data is overwritten, not left in free pages
            # 16 MiB of pages (taken only as read): a slot's rows of the day stay in memory
            # across the units of a close instead of being read again for each
            "PRAGMA cache_size=-16384",
        ):
            await conn.execute(pragma)
        await cls._migrate(conn, path)
        if writable:  # a read-only file (or folder) is said now, not at the first write
            async with conn.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            await conn.execute(f"PRAGMA user_version = {int(row[0]) if row else 0}")

    @staticmethod
    async def _migrate(conn: aiosqlite.Connection, path: Path) -> None:
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        known = migrations()
        if version > known[-1][0]:
            raise StoreError(
                texts.STORE_TOO_NEW.format(path=path, version=version, latest=known[-1][0])
            )
        for number, script in known:
            if number > version:
                # executescript runs the whole file and the version bump as one transaction
                await conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )

    async def close(self) -> None:
        await self._conn.close()

    async def checkpoint(self, tables: Sequence[str] = ()) -> None:
        """Copy the WAL into the database file and truncate it: after an erasure, no old page
        holding the erased data stays in the WAL (every table's: `tables` is for PostgreSQL,
        which rewrites only those). Inside a transaction, done after its commit."""
        self._checkpoint_due = True
        async with self.transaction():
            pass

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Atomic. A call inside a transaction of the same task joins it (use `savepoint` to
        undo a part); other tasks wait their turn on the lock."""
        if _depth.get():
            yield
            return
        async with self._lock:
            token = _depth.set(1)
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")
                if self._checkpoint_due:  # an erasure committed: its old pages leave the WAL
                    self._checkpoint_due = False
                    await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                _depth.reset(token)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the enclosing transaction that an exception undoes alone (one event of a
        batch); a transaction of its own when there is none."""
        if not _depth.get():
            async with self.transaction():
                yield
            return
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            raise
        else:
            await self._conn.execute(f"RELEASE {name}")

    # Each helper is one trip to aiosqlite's thread: the trips, not SQLite, bound throughput.

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one writing statement; returns the rows it changed."""
        async with self.transaction():
            cursor = await self._conn.execute(sql, params)
            return cursor.rowcount

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        async with self.transaction():
            await self._conn.executemany(sql, params)

    async def update_by_key(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        await self.executemany(sql, params)  # one process writes: the lock costs nothing

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.transaction():
            row = await self._conn.execute_insert(sql, params)
            return int(row[0]) if row else 0

    async def fetchall(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[aiosqlite.Row]:
        async with self._reading():
            return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def stream(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any], chunk: int
    ) -> AsyncIterator[Row]:
        """Rows a few thousand at a time (a connection used only for reading: the export's)."""
        async with self._conn.execute(sql, params) as cursor:
            cursor.iter_chunk_size = chunk
            async for row in cursor:
                yield row

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[None]:
        # Outside a transaction a read still waits for the lock: on a shared connection it would
        # otherwise see another task's uncommitted rows (an outbox message not yet committed).
        if _depth.get():
            yield
            return
        async with self._lock:
            yield


def _check_path(path: Path, create: bool) -> None:
    if path.is_dir():
        raise StoreError(texts.STORE_IS_FOLDER.format(path=path))
    if not create and not path.exists():
        raise StoreError(texts.STORE_MISSING.format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)


def _reason(err: BaseException) -> str:
    return (getattr(err, "strerror", None) or str(err) or type(err).__name__)[:80]


class Repository:
    """One small repository: its queries on the shared connection (and its transactions)."""

    def __init__(self, db: Sql) -> None:
        self._db = db

    def transaction(self) -> AbstractAsyncContextManager[None]:
        return self._db.transaction()

    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._db.execute(sql, params)

    async def _executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        await self._db.executemany(sql, params)

    async def _update_by_key(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        await self._db.update_by_key(sql, params)

    async def _insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._db.insert(sql, params)

    async def _fetchall(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[Row]:
        return await self._db.fetchall(sql, params)

    async def _fetchone(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Row | None:
        return await self._db.fetchone(sql, params)
