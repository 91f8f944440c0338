"""The PostgreSQL connection: the same methods as SQLite's `Database`, on a pool of asyncpg
connections whose `search_path` is the organization's schema.

The repositories' SQL is written once, in the part of SQL both databases speak; `translate`
turns the few SQLite forms left (`?` and `:name` placeholders, `INSERT OR IGNORE`,
`group_concat`, `instr`) into PostgreSQL's, once per statement.

A transaction here is what `BEGIN IMMEDIATE` is in SQLite: one writer per organization at a
time. Inside a process an asyncio lock orders them; across processes a transaction-scoped
advisory lock on the organization does (taken first, held until commit)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import date
from functools import lru_cache
from typing import Any

import asyncpg

from core import texts
from storage.db import Row, StoreError

log = logging.getLogger(__name__)

# `'…'` literals and `"…"` names are copied as they are; `?`, `:name` become `$n`.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\?|(?<![:\w]):([A-Za-z_]\w*)")
_GROUP_CONCAT = re.compile(r"group_concat\(([^,()]+)(?:,\s*('(?:[^']|'')*'))?\)", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO", re.IGNORECASE)
_RETURNING = re.compile(r"\sRETURNING\s", re.IGNORECASE)


# A transaction begins in one round trip (one message of three statements, each with a fresh
# snapshot): BEGIN, the organization's lock, and, for a worker, its lease checked after the lock
# (a worker whose lease passed to another while it waited commits nothing).
_LEASE_LOST = "SK001"  # the SQLSTATE the check raises
_FENCE = (
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM sokhoe.leases WHERE org = {org} AND holder = "
    "{holder} AND expires_at > now()) THEN RAISE EXCEPTION 'lease lost' USING ERRCODE = '"
    + _LEASE_LOST
    + "'; END IF; END $$"
)


def _literal(text: str) -> str:
    """A string constant (standard_conforming_strings: only the quote is doubled)."""
    return "'" + text.replace("'", "''") + "'"


def begin_statement(lock_key: int, fence: tuple[str, str] | None) -> str:
    """What opens a transaction: BEGIN, the lock, and the lease check when fenced."""
    parts = ["BEGIN", f"SELECT pg_advisory_xact_lock({int(lock_key)})"]
    if fence is not None:
        parts.append(_FENCE.format(org=_literal(fence[0]), holder=_literal(fence[1])))
    return "; ".join(parts)


@lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[str, ...]]:
    """PostgreSQL's text of a statement, and the names of its `:name` parameters in `$n` order
    (empty for `?` ones)."""
    names: list[str] = []
    count = 0

    def place(match: re.Match[str]) -> str:
        nonlocal count
        token = match.group(0)
        if token == "?":
            count += 1
            return f"${count}"
        name = match.group(1)
        if name is None:  # a literal or a quoted name
            return token
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = _TOKENS.sub(place, sql)
    if names and count:
        raise ValueError("a statement mixes ? and :name parameters")
    text = _GROUP_CONCAT.sub(
        lambda m: f"string_agg({m.group(1)}, {m.group(2) or chr(39) + ',' + chr(39)})", text
    )
    text = re.sub(r"\binstr\(", "strpos(", text, flags=re.IGNORECASE)
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub("INSERT INTO", text, count=1)
        returning = _RETURNING.search(text)
        if returning:
            at = returning.start()
            text = f"{text[:at]} ON CONFLICT DO NOTHING{text[at:]}"
        else:
            text = f"{text.rstrip().rstrip(';')} ON CONFLICT DO NOTHING"
    return text, tuple(names)


class LeaseLostError(StoreError):
    """This worker no longer holds the organization's lease: another runs its bot now, and
    nothing this one would write is committed."""


def _value(value: Any) -> Any:
    """A parameter as the SQLite store would have kept it: days as ISO text, flags as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _args(names: tuple[str, ...], params: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
    if isinstance(params, Mapping):
        return [_value(params[name]) for name in names]
    return [_value(v) for v in params]


def _changed(status: str) -> int:
    """The rows a command changed, from its status ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def _numbers_as_sqlite_gives_them(conn: asyncpg.Connection) -> None:
    """`sum` and `avg` of integers are `numeric` in PostgreSQL: give back an int when whole,
    as SQLite does, not a Decimal."""

    def decode(text: str) -> int | float:
        number = float(text)
        return int(text) if text.lstrip("-").isdigit() else number

    await conn.set_type_codec(
        "numeric", encoder=str, decoder=decode, schema="pg_catalog", format="text"
    )


# VACUUM FULL copies a deleted row that some transaction may still see, and what it may see is
# bounded by two things: the snapshots of this database's sessions (an export's cursor, an
# ANALYZE), and the transactions still running in any database of the server, since every
# snapshot taken now, the rewrite's own included, must treat those as unfinished. The rewrite
# waits until both are younger than the erasure (`horizon`: the next transaction id after it).
_OLDER_SNAPSHOTS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL"
    " AND age(backend_xmin) > age($1::text::xid)"
)
_OLDEST_RUNNING = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::numeric"
_NEXT_ID = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::numeric"
# Other roles' sessions show no snapshot in pg_stat_activity without this role (or superuser)
_SEES_ALL = "SELECT pg_has_role('pg_read_all_stats', 'USAGE')"
SNAPSHOT_WAIT = 60.0  # seconds; then the rewrite goes ahead (the next night's purge repeats it)


async def _until_no_older_snapshot(conn: asyncpg.Connection) -> None:
    """Until no transaction of the server that began before now runs and no other session of
    the database holds a snapshot older than now; one held past `SNAPSHOT_WAIT` is logged, and
    the rewrite goes ahead. Rewrites are rare (an erasure, the nightly purge): each one that
    cannot see every session says so."""
    if not await conn.fetchval(_SEES_ALL):
        log.warning(
            "erasure: this role cannot see other roles' snapshots (grant it pg_read_all_stats)"
        )
    horizon = int(await conn.fetchval(_NEXT_ID))  # 64-bit: it does not wrap
    xid = str(horizon % 2**32)
    deadline = asyncio.get_running_loop().time() + SNAPSHOT_WAIT
    while int(await conn.fetchval(_OLDEST_RUNNING)) < horizon or await conn.fetchval(
        _OLDER_SNAPSHOTS, xid
    ):
        if asyncio.get_running_loop().time() > deadline:
            log.warning("erasure: a snapshot older than it held past %.0f s", SNAPSHOT_WAIT)
            return
        await asyncio.sleep(0.1)


async def _keep_session(conn: asyncpg.Connection) -> None:
    """A connection's way back to the pool: asyncpg rolls back a transaction left open first;
    the default reset after it (advisory locks, cursors, LISTEN, settings) is a round trip a
    use, and this code takes only transaction-scoped locks and sets nothing for the session."""


class PgDatabase:
    """One organization's database: a pool of connections in its schema."""

    def __init__(
        self, pool: asyncpg.Pool, schema: str, lock_key: int, fence: tuple[str, str] | None
    ) -> None:
        self._pool = pool
        self.schema = schema
        self._lock_key = lock_key
        self._fence = fence  # (organization, worker): commit only while the worker holds it
        self._lock = asyncio.Lock()
        # the connection of the transaction the current task is in
        self._current: contextvars.ContextVar[asyncpg.Connection | None] = contextvars.ContextVar(
            f"pg_{schema}", default=None
        )
        self._vacuum_due: set[str] = set()  # tables to rewrite after the commit ("*": all)
        self._begin = begin_statement(lock_key, fence)
        self._savepoints = 0  # names them apart

    @classmethod
    async def connect(
        cls, url: str, schema: str, lock_key: int, size: int, fence: tuple[str, str] | None
    ) -> PgDatabase:
        try:
            pool = await cls._pool_for(url, schema, size)
        except (OSError, asyncpg.PostgresError, TimeoutError) as err:
            raise StoreError(texts.PG_UNREACHABLE.format(error=type(err).__name__)) from None
        return cls(pool, schema, lock_key, fence)

    @staticmethod
    async def _pool_for(url: str, schema: str, size: int) -> asyncpg.Pool:
        return await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=max(1, size),
            timeout=10,
            server_settings={"search_path": f'"{schema}"', "application_name": "sokhoe"},
            init=_numbers_as_sqlite_gives_them,
            statement_cache_size=1024,  # every statement of the repositories stays prepared
            reset=_keep_session,
        )

    async def close(self) -> None:
        await self._pool.close()

    async def checkpoint(self, tables: Sequence[str] = ()) -> None:
        """After an erasure: the tables it touched (`tables`; none named: every table of the
        organization) are rewritten (`VACUUM FULL`) once it commits, so that the erased rows'
        bytes leave the table files instead of waiting in dead tuples to be overwritten."""
        self._vacuum_due.update(tables or ["*"])
        if self._current.get() is None:
            await self._vacuum()

    async def _vacuum(self) -> None:
        due, self._vacuum_due = self._vacuum_due, set()
        async with self._pool.acquire() as conn:
            await _until_no_older_snapshot(conn)
            if "*" in due:
                rows = await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = $1", self.schema
                )
                due = {r["tablename"] for r in rows}
            for table in sorted(due):
                await conn.execute(f'VACUUM FULL "{self.schema}"."{table}"')

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Atomic; a call inside a transaction of the same task joins it. Begun in one round
        trip (`begin_statement`), ended by COMMIT, or ROLLBACK on any exception."""
        if self._current.get() is not None:
            yield
            return
        async with self._lock, self._pool.acquire() as conn:
            token = self._current.set(conn)
            try:
                try:
                    await conn.execute(self._begin)
                except asyncpg.PostgresError as err:
                    if getattr(err, "sqlstate", "") == _LEASE_LOST and self._fence:
                        raise LeaseLostError(f"lease lost: {self._fence[0]}") from None
                    raise
                yield
            except BaseException:
                # a broken connection cannot roll back: the pool closes it, the server ends it
                with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")
            finally:
                self._current.reset(token)
        if self._vacuum_due:
            await self._vacuum()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the enclosing transaction that an exception undoes alone."""
        conn = self._current.get()
        if conn is None:
            async with self.transaction():
                yield
            return
        self._savepoints += 1
        name = f"sk_{self._savepoints}"
        await conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        else:
            await conn.execute(f"RELEASE SAVEPOINT {name}")

    # Inside a transaction (the usual case: the intake's batch, a job's run) a statement goes
    # straight to the transaction's connection; alone, it is a transaction of its own.

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        text, names = translate(sql)
        conn = self._current.get()
        if conn is not None:
            return _changed(await conn.execute(text, *_args(names, params)))
        async with self.transaction():
            return await self.execute(sql, params)

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        text, names = translate(sql)
        rows = [_args(names, p) for p in params]
        if not rows:
            return
        conn = self._current.get()
        if conn is not None:
            await conn.executemany(text, rows)
            return
        async with self.transaction():
            await self.executemany(sql, rows)

    async def update_by_key(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        """Not in a transaction: one implicit transaction in one round trip, without the
        organization's lock or the lease check (a row changed by its key, after something
        that happened: true whoever holds the lease; row locks order it with the rest)."""
        if self._current.get() is not None:
            await self.executemany(sql, params)
            return
        text, names = translate(sql)
        rows = [_args(names, p) for p in params]
        if rows:
            async with self._pool.acquire() as conn:
                await conn.executemany(text, rows)

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """An INSERT; the id of the row it wrote (0 when it wrote none)."""
        text, names = translate(sql)
        if not _RETURNING.search(text):
            text = f"{text} RETURNING id"
        conn = self._current.get()
        if conn is None:
            async with self.transaction():
                return await self.insert(sql, params)
        value = await conn.fetchval(text, *_args(names, params))
        return int(value) if value is not None else 0

    async def fetchall(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
        text, names = translate(sql)
        conn = self._current.get()
        if conn is not None:
            return list(await conn.fetch(text, *_args(names, params)))
        async with self._pool.acquire() as own:  # committed rows only: nothing to wait for
            return list(await own.fetch(text, *_args(names, params)))

    async def fetchone(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def stream(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any], chunk: int
    ) -> AsyncIterator[Row]:
        """Rows a few thousand at a time, in one snapshot (a cursor in a read-only
        transaction of its own)."""
        text, names = translate(sql)
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            async for row in conn.cursor(text, *_args(names, params), prefetch=chunk):
                yield row
