"""The PostgreSQL store: the same repositories as SQLite's, on one organization's schema."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from storage.checkins import CheckinRepo
from storage.db import Sql
from storage.deeds import DeedRepo
from storage.inbox import InboxRepo
from storage.jobs import JobRepo
from storage.office import OfficeRepo
from storage.outbox import OutboxRepo
from storage.people import PeopleRepo
from storage.postgres import connect, lock_key, prepare_organization
from storage.postgres.db import PgDatabase
from storage.privacy import PrivacyRepo
from storage.reports import ReportRepo
from storage.risk import RiskRepo

POOL_SIZE = 4  # connections per organization: one writer at a time, reads beside it


class PgStore:
    """Open with `await PgStore.open(url, org)`; close with `await store.close()`."""

    def __init__(self, db: PgDatabase, org: str) -> None:
        self._db = db
        self.org = org
        self.outbox = OutboxRepo(db)
        self.people = PeopleRepo(db)
        self.checkins = CheckinRepo(db, self.outbox)
        self.risk = RiskRepo(db)
        self.deeds = DeedRepo(db)
        self.office = OfficeRepo(db, self.outbox)
        self.inbox = InboxRepo(db)
        self.jobs = JobRepo(db)
        self.privacy = PrivacyRepo(db)
        self.reports = ReportRepo(db)

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
        return cls(db, org)

    @property
    def db(self) -> Sql:
        return self._db

    def transaction(self) -> AbstractAsyncContextManager[None]:
        return self._db.transaction()

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        return self._db.savepoint()

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> PgStore:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
