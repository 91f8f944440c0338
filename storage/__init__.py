"""All SQL lives here: the `Store` protocol of small repositories, and SQLite behind it."""

from __future__ import annotations

from pathlib import Path

from storage.protocol import Store
from storage.sqlite import SqliteStore


async def open_store(path: Path) -> SqliteStore:
    """The store of the bot's database (SQLite, migrated to the latest schema)."""
    return await SqliteStore.open(path)


__all__ = ["SqliteStore", "Store", "open_store"]
