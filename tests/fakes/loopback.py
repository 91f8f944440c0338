"""The fake Bot API on a real loopback port, for tests that run the bot as a separate process."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from core import texts
from core.domain import Channel
from core.roster import parse_roster, plan_import
from storage import Store, open_store
from tests.conftest import roster_row
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo

FakeT = TypeVar("FakeT", FakeTelegram, FakeZalo)
POLL = 0.05  # seconds between two checks of what a test waits for


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bot killed while its connection waited for its next request is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Loopback(Generic[FakeT]):
    """Serves a fake Bot API (Telegram's or Zalo's); getUpdates long-polls (waits for an update)."""

    def __init__(self, fake: FakeT) -> None:
        self.fake: FakeT = fake
        self.lock = threading.Condition()
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # kept alive, as the real API's connections are

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                params: dict[str, Any] = dict(parse_qsl(body.decode()))
                if self.headers.get("content-type", "").startswith("application/json"):
                    params = json.loads(body or b"{}")
                prefix = f"/bot{loopback.fake.token}/"
                if self.path.startswith(prefix):
                    status, answer = loopback.call(self.path[len(prefix) :], params)
                else:
                    status, answer = (
                        401,
                        {"ok": False, "error_code": 401, "description": "Unauthorized"},
                    )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)  # the bot may have been killed mid-request

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if method == "getUpdates":
                deadline = time.monotonic() + float(params.get("timeout") or 0)
                if isinstance(self.fake, FakeTelegram):
                    self.fake.call("getUpdates", params)  # drop what the offset confirms
                while not self.fake.updates and time.monotonic() < deadline:
                    self.lock.wait(deadline - time.monotonic())
            result: tuple[int, dict[str, Any]] = self.fake.call(method, params)
            self.lock.notify_all()
            return result

    def act(self, action: Callable[[FakeT], object]) -> None:
        """Do something to the fake (a person sends a message) while the server is running."""
        with self.lock:
            action(self.fake)
            self.lock.notify_all()

    def wait_for(self, predicate: Callable[[FakeT], bool], timeout: float = 20.0) -> bool:
        """Wait until `predicate(fake)` holds, checked every `POLL` seconds (checked at each
        call of the bot instead, a predicate that reads all that was sent made a burst of
        thousands of calls quadratic, the server waiting for it under the lock)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if predicate(self.fake):
                    return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, POLL))

    @contextmanager
    def serving(self) -> Iterator[Loopback[FakeT]]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            with self.lock:
                self.lock.notify_all()
            self.server.shutdown()
            self.server.server_close()


ROOT = Path(__file__).resolve().parent.parent.parent


def start_bot(folder: Path, api: Loopback[FakeTelegram], **settings: str) -> subprocess.Popen[str]:
    """`python -m bot run` in its own process, against this fake, on `folder/sokhoe.db`;
    its output (stdout and stderr together) readable from the process."""
    return python_m_bot(
        folder,
        ["run"],
        BOT_TOKEN=api.fake.token,
        TELEGRAM_API_BASE_URL=api.url,
        DATABASE_PATH=str(folder / "sokhoe.db"),
        **settings,
    )


def python_m_bot(folder: Path, args: list[str], **settings: str) -> subprocess.Popen[str]:
    """`python -m bot ARGS` in its own process, run from `folder`, with `settings` over an
    environment cleared of the bot's own settings; its output (stdout and stderr together)
    readable from the process."""
    own = ("BOT_", "TELEGRAM_", "ZALO_", "DATABASE_", "ORG")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(PYTHONPATH=str(ROOT), **settings)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def seed_enrolled(
    db: Path, count: int, channel: Channel, account: Callable[[int], str]
) -> list[str]:
    """A roster of `count` people, each linked to `account(person id)` with consent given, in
    the database a bot process will open; the accounts, in person order."""
    async with await open_store(db) as store:
        return await seed_people(store, count, channel, account)


async def seed_people(
    store: Store, count: int, channel: Channel, account: Callable[[int], str]
) -> list[str]:
    """`seed_enrolled` on a store already open (SQLite or PostgreSQL)."""
    now = datetime.now(UTC)
    rows = [roster_row(f"CB{i:03d}", f"Cán Bộ {i}") for i in range(1, count + 1)]
    entries, _ = parse_roster(enumerate(rows, start=2))
    accounts = []
    await store.people.apply_import(plan_import([], entries), now)
    async with store.transaction():
        for person in await store.people.all_people():
            accounts.append(account(person.id))
            await store.people.link_account(channel, accounts[-1], accounts[-1], person.id, now)
            await store.people.record_consent(person.id, texts.CONSENT_VERSION, channel, now)
    return accounts


def slot_settings(lead: float = 8) -> dict[str, str]:
    """A morning slot that opens in `lead` seconds on a working day, whatever the hour: the bot
    runs in a time zone where it is now about 08:00 (a fixed-offset zone), today a working day."""
    utc = datetime.now(UTC)
    offset = (8 - utc.hour + 12) % 24 - 12  # hours east of UTC that make it 08:xx locally
    zone = "Etc/GMT" + (f"-{offset}" if offset > 0 else f"+{-offset}")  # Etc signs are inverted
    now = utc.astimezone(ZoneInfo(zone))
    moments = [now + timedelta(seconds=s) for s in (lead, 3600, 5400, 5460, 5520, 5580)]
    names = ["MORNING_PROMPT", "MORNING_REMINDER", "MORNING_CLOSE", "AFTERNOON_PROMPT",
             "AFTERNOON_REMINDER", "AFTERNOON_CLOSE"]  # fmt: skip
    values = {name: m.strftime("%H:%M:%S") for name, m in zip(names, moments, strict=True)}
    return {**values, "TIMEZONE": zone, "MAKEUP_WORKDAYS": now.date().isoformat(),
            "RISK_SHEET": "23:57", "RISK_REMINDER": "23:58", "RISK_DEADLINE": "23:59"}  # fmt: skip
