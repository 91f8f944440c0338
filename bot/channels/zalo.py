"""Zalo through the Zalo Bot Platform (httpx): updates to neutral events, outbox items to
messages, an intake that keeps each update in the inbox before handling it, and a webhook.

Zalo has no buttons, no edits, no documents and no offset: choices become a numbered menu
(the person answers "1", or "1 3" for several, then "xong"); the menu each chat saw last is
stored so that the number finds the same choice id a Telegram button carries; an edit is a
new message; a long text is split at 2,000 characters; every update is deduplicated by its
message id.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx

from bot.loops import StoppedError, unless_stopped, woken_or_stopped
from bot.sender import Delivery
from core import texts
from core.domain import Channel
from core.messages import Event, Outgoing
from core.summary import split_text
from storage import Store

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000
NUMBERS = re.compile(r"^\s*\d+(?:[\s,;]+\d+)*\s*$")
DONE_WORDS = {"xong", "done", "ok xong", "hoàn thành"}


class ZaloError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description


class ZaloApi:
    """`<base>/bot<token>/<method>` with JSON bodies. URLs carry the token: never logged."""

    def __init__(
        self, base_url: str, token: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=f"{base_url}/bot{token}/", transport=transport, timeout=40
        )

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, wait: float = 5
    ) -> Any:
        """One method; `wait` is how long the server may hold the request (long polling)."""
        try:
            response = await self._client.post(method, json=payload or {}, timeout=wait + 10)
        except httpx.HTTPError as err:
            raise ZaloError(0, f"network: {type(err).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(response.status_code, "not JSON") from None
        if response.status_code >= 400 or not body.get("ok"):
            raise ZaloError(
                int(body.get("error_code") or response.status_code),
                str(body.get("description", "")),
            )
        return body.get("result")

    async def close(self) -> None:
        await self._client.aclose()


def update_key(update: dict[str, Any]) -> str | None:
    message = update.get("message") or {}
    return f"zl:{message['message_id']}" if message.get("message_id") else None


def to_events(update: dict[str, Any], menu: list[str], now: datetime) -> list[Event]:
    """The neutral events of one update: a number of the last menu is that menu's choice."""
    key, message = update_key(update), update.get("message") or {}
    sender, chat = message.get("from") or {}, message.get("chat") or {}
    if key is None or not sender.get("id") or not chat.get("id"):
        return []
    base = Event(
        key=key,
        channel=Channel.ZALO,
        account_id=str(sender["id"]),
        chat_id=str(chat["id"]),
        at=now,
        private=chat.get("chat_type", "PRIVATE") == "PRIVATE",
        display_name=str(sender.get("name", "")),
    )
    text = str(message.get("text") or "").strip()
    if update.get("event_name") == "message.image.received" or message.get("photo"):
        return [
            replace(
                base, photo=str(message.get("photo") or ""), text=str(message.get("caption") or "")
            )
        ]
    if not text:
        return [replace(base, unsupported=True)]
    if text.startswith("/"):
        head, _, rest = text.partition(" ")
        return [replace(base, text=text, command=head[1:].lower(), args=rest.strip())]
    chosen = _chosen(text, menu)
    if chosen is None:
        return [replace(base, text=text)]
    return [
        replace(base, key=f"{key}:{n}" if n else key, choice=choice)
        for n, choice in enumerate(chosen)
    ]


def _chosen(text: str, menu: list[str]) -> list[str] | None:
    """The choice ids a reply names, or None when it is not an answer to the menu."""
    if not menu:
        return None
    if text.lower() in DONE_WORDS:
        done = [c for c in menu if c.endswith(":done")]
        return done[-1:] or None
    if not NUMBERS.match(text):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if any(not 1 <= n <= len(menu) for n in numbers):
        return None
    return [menu[n - 1] for n in numbers]


def render(item: Outgoing) -> list[str]:
    """A message as Zalo texts: the choices numbered under it, split at 2,000 characters."""
    lines = [item.text] if item.text else []
    choices = [c for row in item.choices for c in row]
    if choices:
        lines.append("")
        lines += [f"{n}. {c.label}" for n, c in enumerate(choices, start=1)]
        lines.append(texts.ZALO_ANSWER_HINT)
    return split_text("\n".join(lines), TEXT_LIMIT)


class ZaloTransport:
    """Delivers outbox items on Zalo and remembers the menu each chat was shown last."""

    channel = Channel.ZALO

    def __init__(self, api: ZaloApi, store: Store, clock: Callable[[], datetime]) -> None:
        self.api = api
        self.store = store
        self.clock = clock

    async def deliver(self, item: Outgoing) -> Delivery:
        try:
            if item.kind == "ack":
                return Delivery("sent")  # Zalo has no button presses to acknowledge
            if item.kind == "photos":
                for photo in item.photos:
                    if photo.startswith(("http://", "https://")):  # a Telegram file id is not
                        await self.api.call("sendPhoto", {"chat_id": item.chat_id, "photo": photo})
                return Delivery("sent")
            for part in render(item):
                await self.api.call("sendMessage", {"chat_id": item.chat_id, "text": part})
        except ZaloError as err:
            if err.code == 429 or err.code >= 500 or err.code == 0:
                return Delivery("retry", error=f"{err.code} {err.description}")
            if err.code == 403:
                return Delivery("blocked", error=f"403 {err.description}")
            return Delivery("failed", error=f"{err.code} {err.description}")
        choices = [c.id for row in item.choices for c in row]
        if choices:
            await self.store.inbox.save_menu(Channel.ZALO, item.chat_id, choices, self.clock())
        return Delivery("sent")


Handle = Callable[[list[Event]], Awaitable[None]]


class ZaloIntake:
    """Poll (or take webhook posts), keep each update in the inbox at once, then handle what the
    inbox holds: a crash after the inbox commit loses nothing, and the message id makes a
    redelivered update a duplicate."""

    def __init__(
        self, api: ZaloApi, store: Store, handle: Handle, clock: Callable[[], datetime]
    ) -> None:
        self.api = api
        self.store = store
        self.handle = handle
        self.clock = clock
        self._wake = asyncio.Event()

    async def receive(self, update: dict[str, Any]) -> bool:
        """Keep one update (from a poll or the webhook); False if it has no message id."""
        key = update_key(update)
        if key is None:
            return False
        await self.store.inbox.inbox_put(key, Channel.ZALO, update, self.clock())
        return True

    async def poll_once(self, wait: int = 0) -> int:
        update = await self._fetch(wait)
        if update:
            await self.receive(update)
        return await self.take()

    async def _fetch(self, wait: int) -> dict[str, Any] | None:
        try:
            update = await self.api.call("getUpdates", {"timeout": str(wait)}, wait=wait)
        except ZaloError as err:
            if err.code != 408:  # 408: nothing new, which is normal
                raise
            return None
        return update if isinstance(update, dict) else None

    async def take(self) -> int:
        """Handle what the inbox holds, oldest first; each update leaves it with its handling."""
        taken = 0
        while held := await self.store.inbox.held(Channel.ZALO):
            events = []
            for _, update in held:
                message = update.get("message") or {}
                chat = str((message.get("chat") or {}).get("id", ""))
                menu = await self.store.inbox.menu(Channel.ZALO, chat)
                events += to_events(update, menu, self.clock())
            await self.handle(events)
            await self.store.inbox.inbox_done([key for key, _ in held])
            taken += len(held)
        return taken

    def wake(self) -> None:
        self._wake.set()

    async def woken(self, stop: asyncio.Event, seconds: float) -> None:
        """Return when woken (the webhook kept an update), stopped, or after `seconds`."""
        self._wake.clear()
        await woken_or_stopped(self._wake, stop, seconds)

    async def run(self, stop: asyncio.Event, wait: int = 25) -> None:
        await self.take()  # what a previous run kept but did not handle
        while not stop.is_set():
            try:
                update = await unless_stopped(self._fetch(wait), stop)
                if update:  # kept, then handled, even if a stop comes meanwhile
                    await self.receive(update)
                await self.take()
            except StoppedError:
                break
            except Exception as err:
                log.warning("Zalo intake failed (%s); retrying", type(err).__name__)
                await asyncio.sleep(3)


async def take_when_woken(intake: ZaloIntake, stop: asyncio.Event) -> None:
    """Webhook mode: handle what the webhook kept, whenever it keeps something."""
    while not stop.is_set():
        try:
            await intake.take()
        except Exception:
            log.exception("Zalo intake failed; retrying")
        await intake.woken(stop, 5)


class ZaloWebhook:
    """A small HTTP server for Zalo's posts: the secret header is compared in constant time,
    and the answer is 200 only after the update is kept in the inbox."""

    def __init__(self, intake: ZaloIntake, secret: str) -> None:
        self.intake = intake
        self.secret = secret.encode()

    async def serve(self, host: str, port: int) -> asyncio.Server:
        return await asyncio.start_server(self._connection, host, port)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status = await self._request(reader)
        except (asyncio.IncompleteReadError, ValueError, ConnectionError):
            status = 400
        reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed"}
        head = f"HTTP/1.1 {status} {reason.get(status, 'Error')}\r\n"
        writer.write(f"{head}Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    async def _request(self, reader: asyncio.StreamReader) -> int:
        request_line = (await reader.readline()).decode("latin-1").split()
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if not request_line or request_line[0] != "POST":
            return 405
        given = headers.get("x-bot-api-secret-token", "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("Zalo webhook: a call with a wrong secret was refused")
            return 403
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        update = json.loads(body or b"{}")
        if not isinstance(update, dict):
            return 400
        if await self.intake.receive(update):  # committed: only now may Zalo forget it
            self.intake.wake()
        return 200
