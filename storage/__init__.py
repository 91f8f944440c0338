"""All SQL lives here: the `Store` protocol of small repositories, and SQLite behind it."""

from __future__ import annotations

from pathlib import Path

from storage.protocol import Store
from storage.sqlite import SqliteStore


async def open_store(path: Path, create: bool = True) -> SqliteStore:
    """The store of the bot's database (SQLite, checked and migrated to the latest schema);
    StoreError when it cannot be used, or (`create=False`) when it does not exist."""
    return await SqliteStore.open(path, create)


__all__ = ["SqliteStore", "Store", "open_store"]
