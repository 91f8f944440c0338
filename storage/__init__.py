"""All SQL lives here, behind one `Store` that returns the core's dataclasses."""

from __future__ import annotations

from pathlib import Path

from storage.channels import ChannelQueries
from storage.deeds import DeedQueries
from storage.events import EventQueries
from storage.heads import HeadQueries
from storage.office import OfficeQueries
from storage.outbox import OutboxQueries
from storage.people import PeopleQueries


class Store(
    PeopleQueries,
    HeadQueries,
    DeedQueries,
    OfficeQueries,
    ChannelQueries,
    EventQueries,
    OutboxQueries,
):
    """Open with `await Store.open(path)`; close with `await store.close()` (or `async with`)."""

    @classmethod
    async def open(cls, path: Path) -> Store:
        return cls(await cls.connect(path))

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


__all__ = ["Store"]
