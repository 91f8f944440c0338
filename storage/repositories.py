"""The repositories of one database and its unit of work: what SQLite's and PostgreSQL's
stores share (each adds how it is opened)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Self

from storage.checkins import CheckinRepo
from storage.db import Sql
from storage.deeds import DeedRepo
from storage.inbox import InboxRepo
from storage.jobs import JobRepo
from storage.office import OfficeRepo
from storage.outbox import OutboxRepo
from storage.people import PeopleRepo
from storage.privacy import PrivacyRepo
from storage.reports import ReportRepo
from storage.risk import RiskRepo


class Repositories:
    """A transaction opened here is joined by every repository's statements."""

    def __init__(self, db: Sql) -> None:
        self._db = db
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

    @property
    def db(self) -> Sql:
        """The database itself: for the tests and the tools that read it directly."""
        return self._db

    def transaction(self) -> AbstractAsyncContextManager[None]:
        return self._db.transaction()

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        return self._db.savepoint()

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
