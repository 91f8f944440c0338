"""A Bot API server for benchmarks, run in a process of its own, that enforces Telegram's limits
and plays the people: 30 messages a second per bot (a sliding one-second window over
sendMessage, editMessageText, sendPhoto, sendMediaGroup, sendDocument), one a second per chat;
over either, a 429 with retry_after. Answering a button press is not a message (no limit).

Each prompt it delivers (a message with a `ck:…:ok` button) is tapped by its person a random
0–60 s later (80%), or 60–180 s later (the rest). It records, per tap, when the acknowledgement
and the confirmation (the prompt edited into "✅ Đã ghi nhận…") came back.

    python bench/fake_bot_api.py PORT TOKEN RESULTS.json SEED
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

LIMITED = {"sendMessage", "editMessageText", "sendPhoto", "sendMediaGroup", "sendDocument"}
RATE, WINDOW, CHAT_INTERVAL = 30, 1.0, 1.0


class Server:
    def __init__(self, token: str, results: Path, seed: int) -> None:
        self.token = token
        self.results = results
        self.random = random.Random(seed)
        self.window: deque[float] = deque()
        self.chat_last: dict[str, float] = {}
        self.updates: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.next_update = 1
        self.next_message = 1
        self.prompts: list[float] = []  # when each prompt was accepted
        self.messages: list[float] = []  # when each limited call was accepted (prompts, edits…)
        self.too_many = 0
        self.too_many_chat = 0  # of which the chat's own limit (the overall window was not full)
        self.too_many_at: list[float] = []  # when each 429 was answered
        self.taps: dict[str, dict[str, Any]] = {}  # callback id → chat, tapped, acked, confirmed
        self.tap_of_chat: dict[str, str] = {}
        self.confirmed = 0  # taps whose confirmation came back
        self.started = time.monotonic()

    async def handle(self, target: str, content_type: str, body: bytes) -> tuple[int, Any]:
        """One request: its status and JSON answer."""
        if target == "/progress":  # the counts only: polled every few seconds
            return 200, {"prompts": len(self.prompts), "taps": len(self.taps),
                         "confirmed": self.confirmed}  # fmt: skip
        if target == "/report":
            self.report()
            return 200, {"ok": True}
        token, _, method = target.removeprefix("/bot").partition("/")
        method = method.split("?", 1)[0]
        if token != self.token:
            return 401, {"ok": False, "error_code": 401}
        if content_type.startswith("application/json"):
            form: dict[str, Any] = json.loads(body or b"{}")
        else:
            form = dict(parse_qsl(body.decode()))
        params = {k: str(v) for k, v in form.items()}
        now = time.monotonic()
        if method in LIMITED:
            chat = params.get("chat_id", "")
            while self.window and now - self.window[0] >= WINDOW:
                self.window.popleft()
            crowded = len(self.window) >= RATE
            if crowded or now - self.chat_last.get(chat, -9.0) < CHAT_INTERVAL:
                self.too_many += 1
                self.too_many_at.append(now)
                self.too_many_chat += 0 if crowded else 1
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                             "parameters": {"retry_after": 1}}  # fmt: skip
            self.window.append(now)
            self.chat_last[chat] = now
            self.messages.append(now)
        return 200, {"ok": True, "result": await self.call(method, params, now)}

    async def call(self, method: str, params: dict[str, str], now: float) -> Any:
        if method == "getMe":
            return {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            wait = float(params.get("timeout") or 0)
            if not self.updates and wait:
                self.arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.arrived.wait(), wait)
            limit = int(params.get("limit") or 100)
            return self.updates[:limit]
        if method == "answerCallbackQuery":
            tap = self.taps.get(params.get("callback_query_id", ""))
            if tap is not None and tap.get("acked") is None:
                tap["acked"] = now
            return True
        chat = params.get("chat_id", "")
        if method == "editMessageText":
            tap = self.taps.get(self.tap_of_chat.get(chat, ""))
            if tap is not None and tap.get("confirmed") is None and "Đã ghi nhận" in params["text"]:
                tap["confirmed"] = now
                self.confirmed += 1
            return self.message(chat, params.get("text", ""))
        if method == "sendMessage":
            markup = params.get("reply_markup", "")
            message = self.message(chat, params.get("text", ""))
            if ':ok"' in markup and chat not in self.tap_of_chat:  # a prompt: tap it later
                self.prompts.append(now)
                data = next(
                    b["callback_data"]
                    for row in json.loads(markup)["inline_keyboard"]
                    for b in row
                    if b["callback_data"].endswith(":ok")
                )
                late = self.random.random() >= 0.8
                delay = self.random.uniform(60, 180) if late else self.random.uniform(0, 60)
                asyncio.get_running_loop().call_later(delay, self.tap, chat, data, message)
            return message
        return True

    def message(self, chat: str, text: str) -> dict[str, Any]:
        self.next_message += 1
        return {"message_id": self.next_message, "date": 0, "text": text,
                "chat": {"id": int(chat or 0), "type": "private"}}  # fmt: skip

    def tap(self, chat: str, data: str, message: dict[str, Any]) -> None:
        callback = f"cb{self.next_update}"
        user = {"id": int(chat), "is_bot": False, "first_name": "x"}
        self.taps[callback] = {"chat": chat, "tapped": time.monotonic()}
        self.tap_of_chat[chat] = callback
        bot = {"id": 1, "is_bot": True, "first_name": "B"}
        query = {"id": callback, "from": user, "chat_instance": "c", "data": data,
                 "message": {**message, "from": bot}}  # fmt: skip
        self.updates.append({"update_id": self.next_update, "callback_query": query})
        self.next_update += 1
        self.arrived.set()

    def report(self) -> None:
        body = {
            "prompts": self.prompts,
            "messages": self.messages,
            "too_many": self.too_many,
            "too_many_chat": self.too_many_chat,
            "too_many_at": self.too_many_at,
            "taps": list(self.taps.values()),
        }
        self.results.write_text(json.dumps(body))


REASONS = {200: "OK", 401: "Unauthorized", 429: "Too Many Requests"}


class Http(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, one request at a time on a connection (clients do not
    pipeline), a body by Content-Length: no more than the bot and the bench send. The fake shares
    the machine with the bot it measures: aiohttp's web server took about twice its CPU."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.answering: asyncio.Future[None] | None = None  # the request being answered

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.answering is None or self.answering.done():
            self._next()

    def _next(self) -> None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        lines = self.buffer[:end].decode("latin-1").split("\r\n")
        length, content_type = 0, ""
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "content-type":
                content_type = value.strip()
        if len(self.buffer) < end + 4 + length:
            return
        body = self.buffer[end + 4 : end + 4 + length]
        self.buffer = self.buffer[end + 4 + length :]
        target = lines[0].split(" ")[1]
        self.answering = asyncio.ensure_future(self._answer(target, content_type, body))

    async def _answer(self, target: str, content_type: str, body: bytes) -> None:
        status, answer = await self.server.handle(target, content_type, body)
        if self.transport is None or self.transport.is_closing():
            return
        data = json.dumps(answer).encode()
        reason = REASONS.get(status, "Error")
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n")  # fmt: skip
        self.transport.write(head.encode() + data)
        self._next()  # a request that came while this one was answered

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def main() -> None:
    port, token, results, seed = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])

    async def serve() -> None:
        server = Server(token, results, seed)
        loop = asyncio.get_running_loop()
        await loop.create_server(lambda: Http(server), "127.0.0.1", port)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
