"""All SQL lives here: the `Store` protocol of small repositories, SQLite behind it, and
PostgreSQL (`storage.postgres`) for deployments past one machine."""

from __future__ import annotations

from pathlib import Path

from core import texts
from core.settings import Settings
from storage.db import StoreError
from storage.protocol import Store
from storage.sqlite import SqliteStore


async def open_store(path: Path, create: bool = True) -> SqliteStore:
    """The store of the bot's database (SQLite, checked and migrated to the latest schema);
    StoreError when it cannot be used, or (`create=False`) when it does not exist."""
    return await SqliteStore.open(path, create)


async def open_settings_store(settings: Settings, create: bool = True) -> Store:
    """The store the settings choose: PostgreSQL (`DATABASE_URL`, the organization `ORG`) or
    the SQLite file at `DATABASE_PATH`. `create=False`: a missing database or organization is
    an error, not a new empty one."""
    if not settings.database_url:
        return await open_store(settings.database_path, create)
    if not settings.organization:
        raise StoreError(texts.PG_NO_ORG)
    from storage.postgres.store import PgStore  # asyncpg only where it is used

    holder = settings.worker or None  # a worker commits only while it holds the organization
    url, org, size = settings.database_url, settings.organization, settings.pg_pool_size
    return await PgStore.open(url, org, create, pool_size=size, holder=holder)


__all__ = ["SqliteStore", "Store", "StoreError", "open_settings_store", "open_store"]
