from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from core.settings import Settings
from storage import Store, open_store
from storage.postgres.store import PgStore
from tests.fakes.zalo_api import ZALO_TOKEN
from tests.harness import FakeClock, Harness

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def roster_row(
    code: str, name: str, unit: str = "KHTC", roles: str = "staff", phone: str = ""
) -> dict[str, str]:
    unit_names = {
        "KHTC": "Phòng Kế hoạch - Tài chính",
        "TCCB": "Phòng Tổ chức cán bộ",
        "VP": "Văn phòng Sở",
    }
    return {
        "staff_code": code,
        "full_name": name,
        "unit_code": unit,
        "unit_name": unit_names.get(unit, f"Đơn vị {unit}"),
        "roles": roles,
        "phone": phone,
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 7, 0, tzinfo=HCM))  # a Monday


# The PostgreSQL server the suite runs against (tests/system-deps.sh starts the local one).
PG_SERVER = os.environ.get("SOKHOE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of this run's own, dropped at its end; each test makes an organization in it."""
    name = f"sokhoe_suite_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def admin(statement: str) -> None:
        try:
            conn = await asyncpg.connect(f"{PG_SERVER}/postgres", timeout=10)
        except OSError as err:  # not skipped: the suite must run against PostgreSQL
            raise AssertionError(f"PostgreSQL at 127.0.0.1:5432 is needed ({err})") from None
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    """A PostgreSQL database of the test's own, dropped after it (for what needs a whole
    database: the list of organizations, workers that run every organization they find)."""
    name = f"sokhoe_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(f"{PG_SERVER}/postgres", timeout=10)
    except OSError as err:  # not skipped: the suite must run against PostgreSQL
        raise AssertionError(f"PostgreSQL at 127.0.0.1:5432 is needed ({err})") from None
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


@dataclass(frozen=True)
class Backend:
    """Where a test's store lives: SQLite's file in the test's folder, or an organization of
    its own in the run's PostgreSQL database."""

    name: str
    url: str = ""
    org: str = ""

    async def open(self, tmp_path: Path) -> Store:
        if self.name == "sqlite":
            return await open_store(tmp_path / "store.db")
        return await PgStore.open(self.url, self.org)

    def apply(self, settings: Settings) -> Settings:
        return replace(settings, database_url=self.url, organization=self.org)

    def settings(self) -> dict[str, str]:
        return {"database_url": self.url, "organization": self.org} if self.url else {}


SQLITE = Backend("sqlite")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Every test that takes the store or the bot runs on both databases."""
    if request.param == "sqlite":
        return SQLITE
    url = request.getfixturevalue("pg_database")
    return Backend("postgres", url, f"t{uuid.uuid4().hex[:12]}")


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock, backend: Backend) -> AsyncIterator[Harness]:
    bot = Harness(tmp_path, clock)
    bot.configure(**backend.settings())
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
async def store(tmp_path: Path, backend: Backend) -> AsyncIterator[Store]:
    async with await backend.open(tmp_path) as opened:
        yield opened


@pytest.fixture
async def both(tmp_path: Path, clock: FakeClock, backend: Backend) -> AsyncIterator[Harness]:
    """The bot with both tokens: Telegram and Zalo in one process."""
    bot = Harness(tmp_path, clock)
    bot.configure(zalo_bot_token=ZALO_TOKEN, zalo_send_rate=0, **backend.settings())
    await bot.start()
    yield bot
    await bot.stop()
