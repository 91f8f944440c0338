"""Act as people talking to the real bot (python-telegram-bot Application, real SQLite),
through the fake Bot API, on a clock the test controls."""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from bot.app import SoKhoeApp, build_application, lifespan
from bot.config import Settings
from core import texts
from core.domain import Channel
from core.enrolment import new_code
from core.roster import parse_roster, plan_import
from scheduler import due_between, job_specs
from storage import SqliteStore, Store
from storage.postgres.store import PgStore
from tests.fakes.telegram_api import TOKEN, FakeTelegram, Sent
from tests.fakes.zalo_api import FakeZalo, ZaloSent


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class TgUser:
    harness: Harness
    id: int
    first_name: str
    seen: int = 0  # how many of my messages the test has already looked at

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "vi",
        }

    @property
    def inbox(self) -> list[Sent]:
        return self.harness.fake.to(self.id)

    @property
    def last(self) -> Sent:
        return self.inbox[-1]

    def new(self) -> list[Sent]:
        """Messages that arrived since the last time the test looked."""
        fresh = self.inbox[self.seen :]
        self.seen = len(self.inbox)
        return fresh

    async def _act(self, action: Callable[[], object]) -> list[Sent]:
        """Do something in the chat; returns what the bot sent back because of it."""
        self.seen = len(self.inbox)
        action()
        await self.harness.pump()
        return self.new()

    async def send(self, text: str, **fields: Any) -> list[Sent]:
        return await self._act(lambda: self.harness.fake.text(self.user, text, **fields))

    async def share_contact(self, phone: str, owner_id: int | None = None) -> list[Sent]:
        owner = self.id if owner_id is None else owner_id
        return await self._act(lambda: self.harness.fake.contact(self.user, phone, owner))

    async def send_photo(self, file_id: str) -> list[Sent]:
        photo = [
            {
                "file_id": f"{file_id}-small",
                "file_unique_id": f"{file_id}s",
                "width": 90,
                "height": 90,
            },
            {"file_id": file_id, "file_unique_id": f"{file_id}u", "width": 1280, "height": 960},
        ]
        return await self._act(lambda: self.harness.fake.message(self.user, photo=photo))

    async def send_document(self, name: str, mime: str) -> list[Sent]:
        document = {"file_id": name, "file_unique_id": name, "file_name": name, "mime_type": mime}
        return await self._act(lambda: self.harness.fake.message(self.user, document=document))

    async def press(self, label: str) -> list[Sent]:
        """Press the newest button whose label contains `label`."""
        for message in reversed(self.inbox):
            for text, data in message.buttons:
                if label in text:
                    return await self.press_data(data, message)
        raise AssertionError(f"no button {label!r} in {self.first_name}'s chat")

    async def tap(self, label: str) -> Sent:
        """Press the newest button whose label contains `label`; the message it was on, as it
        reads afterwards (a prompt is edited into its confirmation)."""
        for message in reversed(self.inbox):
            for text, data in message.buttons:
                if label in text:
                    await self.press_data(data, message)
                    return message
        raise AssertionError(f"no button {label!r} in {self.first_name}'s chat")

    async def press_data(self, data: str, on: Sent | None = None) -> list[Sent]:
        return await self._act(lambda: self.harness.fake.press(self.user, data, on))


@dataclass
class ZaloUser:
    """A person on Zalo: types text (numbers for choices); reads what the bot sent."""

    harness: Harness
    id: str
    seen: int = 0

    @property
    def inbox(self) -> list[ZaloSent]:
        return self.harness.zalo.to(self.id)

    @property
    def last(self) -> ZaloSent:
        return self.inbox[-1]

    async def send(self, text: str) -> list[ZaloSent]:
        self.seen = len(self.inbox)
        self.harness.zalo.text(self.id, text)
        await self.harness.pump()
        fresh = self.inbox[self.seen :]
        self.seen = len(self.inbox)
        return fresh


@dataclass
class Harness:
    tmp_path: Path
    clock: FakeClock
    settings: Settings = field(init=False)
    fake: FakeTelegram = field(default_factory=FakeTelegram)
    zalo: FakeZalo = field(default_factory=FakeZalo)
    app: SoKhoeApp | None = None
    _lifespan: AbstractAsyncContextManager[SoKhoeApp] | None = None

    def __post_init__(self) -> None:
        self.settings = Settings(
            bot_token=TOKEN,
            bot_username="SoKhoeTestBot",
            database_path=self.tmp_path / "sokhoe.db",
            org_name="Sở Thử Nghiệm",
            send_rate=0,  # no pacing: the fake answers at once and the clock is simulated
            chat_interval=0,
            ack_rate=0,
        )

    def configure(self, **changes: Any) -> None:
        self.settings = replace(self.settings, **changes)

    async def start(self) -> None:
        self.app = build_application(
            self.settings, self.clock, self.fake.transport(), self.zalo.transport()
        )
        self._lifespan = lifespan(self.app)
        await self._lifespan.__aenter__()

    async def stop(self) -> None:
        if self._lifespan is not None:
            await self._lifespan.__aexit__(None, None, None)
            self.app = self._lifespan = None

    @property
    def running(self) -> SoKhoeApp:
        assert self.app is not None, "harness not started"
        return self.app

    @property
    def store(self) -> Store:
        return self.running.bot_data.services.store

    def point_the_command_line(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """`python -m bot …` in this process reads the harness's database."""
        monkeypatch.setenv("DATABASE_PATH", str(self.settings.database_path))
        monkeypatch.setenv("DATABASE_URL", self.settings.database_url)
        monkeypatch.setenv("ORG", self.settings.organization)

    async def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of the bot's own database (SQLite or PostgreSQL), read as the bot reads them."""
        store = cast(SqliteStore | PgStore, self.store)
        return [tuple(row) for row in await store.db.fetchall(sql, params)]

    async def table_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table of the bot's database, as column → value."""
        store = cast(SqliteStore | PgStore, self.store)
        if self.settings.database_url:
            listing = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        else:
            listing = "SELECT name FROM sqlite_master WHERE type = 'table'"
        tables = [name for (name,) in await self.query(listing) if not name.startswith("sqlite_")]
        return {
            table: [
                dict(zip(r.keys(), tuple(r), strict=True))
                for r in await store.db.fetchall(f"SELECT * FROM {table}")
            ]
            for table in tables
        }

    async def pump(self) -> None:
        """Take in every pending update, commit, then send everything the outbox holds."""
        data = self.running.bot_data
        while self.settings.bot_token and await data.intake.poll_once():
            pass
        if data.zalo is not None:
            while self.zalo.updates:
                await data.zalo.intake.poll_once()
        await data.exports.drain()
        while True:  # one channel's sending may queue for the other (a quota warning)
            sent = await data.sender.drain() if self.settings.bot_token else 0
            if data.zalo is not None:
                sent += await data.zalo.sender.drain()
            if not sent:
                break

    async def run_until(self, hhmm: str, day: date | None = None) -> None:
        """Move the clock to `hhmm` (local) of `day` (default: the current day), running every
        daily job whose time comes on the way, as the JobQueue would, and sending its output."""
        services = self.running.bot_data.services
        tz = self.settings.tz
        now = self.clock.now().astimezone(tz)
        target = datetime.combine(day or now.date(), time.fromisoformat(hhmm), tz)
        specs = job_specs(services)
        for at, spec in due_between(specs, now, target, tz):
            self.clock.current = at
            await spec.run(services, at)
            await self.pump()
        self.clock.current = target
        await self.pump()

    async def enrol(
        self, rows: Sequence[Mapping[str, str]], base: int = 1000, unlinked: Sequence[str] = ()
    ) -> dict[str, TgUser]:
        """Import a roster and link each person (but the `unlinked` staff codes) to Telegram
        account `base + person id`, with consent given (enrolment itself is tested through the
        chat in test_enrol)."""
        await self.import_roster(rows)
        users, now = {}, self.clock.now()
        async with self.store.transaction():
            for person in await self.store.people.all_people():
                users[person.staff_code] = self.user(base + person.id, person.full_name)
                if person.staff_code in unlinked:
                    continue
                account = str(base + person.id)
                await self.store.people.link_account(
                    Channel.TELEGRAM, account, account, person.id, now
                )
                await self.store.people.prefer_channel(
                    person.id, Channel.TELEGRAM
                )  # as enrolment does
                version = texts.CONSENT_VERSION
                await self.store.people.record_consent(person.id, version, Channel.TELEGRAM, now)
        return users

    def zalo_user(self, user_id: str) -> ZaloUser:
        return ZaloUser(self, user_id)

    def user(self, user_id: int, first_name: str) -> TgUser:
        return TgUser(self, user_id, first_name)

    async def import_roster(self, rows: Sequence[Mapping[str, str]]) -> None:
        entries, errors = parse_roster(enumerate(rows, start=2))
        assert not errors, errors
        plan = plan_import(await self.store.people.all_people(), entries)
        await self.store.people.apply_import(plan, self.clock.now())

    async def invite(self, staff_code: str, days: int = 14) -> str:
        people = {p.staff_code: p for p in await self.store.people.all_people()}
        code = new_code()
        await self.store.people.issue_invites(
            [(people[staff_code].id, code)], self.clock.now(), timedelta(days=days)
        )
        return code


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
