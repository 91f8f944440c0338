"""The SQLite store: one connection (WAL, synchronous=FULL) shared by the repositories."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from storage.repositories import Repositories


class SqliteStore(Repositories):
    """Open with `await SqliteStore.open(path)`; close with `await store.close()` (or `async
    with`)."""

    @classmethod
    async def open(cls, path: Path, create: bool = True) -> SqliteStore:
        return cls(Database(await Database.connect(path, create)))
