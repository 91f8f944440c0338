"""The PostgreSQL store: the same repositories as SQLite's, on one organization's schema."""

from __future__ import annotations

from storage.postgres import connect, lock_key, prepare_organization
from storage.postgres.db import PgDatabase
from storage.repositories import Repositories

POOL_SIZE = 4  # connections per organization: one writer at a time, reads beside it


class PgStore(Repositories):
    """Open with `await PgStore.open(url, org)`; close with `await store.close()`."""

    @classmethod
    async def open(
        cls,
        url: str,
        org: str,
        create: bool = True,
        pool_size: int = POOL_SIZE,
        holder: str | None = None,
    ) -> PgStore:
        """The organization's store; made (an empty organization) when missing and `create`,
        and brought to the latest schema; StoreError (one line) when it cannot be used.
        `holder`: a worker that commits only while it holds the organization's lease."""
        conn = await connect(url)
        try:
            async with conn.transaction():
                schema, code = await prepare_organization(conn, org, create)
        finally:
            await conn.close()
        fence = (code, holder) if holder else None
        db = await PgDatabase.connect(url, schema, lock_key(schema), pool_size, fence)
        return cls(db)
