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

from aiohttp import web

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
        self.taps: dict[str, dict[str, Any]] = {}  # callback id → chat, tapped, acked, confirmed
        self.tap_of_chat: dict[str, str] = {}
        self.confirmed = 0  # taps whose confirmation came back
        self.started = time.monotonic()

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401}, status=401)
        form = dict(await request.post()) if request.body_exists else {}
        if request.content_type == "application/json":
            form = await request.json()
        params = {k: str(v) for k, v in form.items()}
        now = time.monotonic()
        if method in LIMITED:
            chat = params.get("chat_id", "")
            while self.window and now - self.window[0] >= WINDOW:
                self.window.popleft()
            crowded = len(self.window) >= RATE
            if crowded or now - self.chat_last.get(chat, -9.0) < CHAT_INTERVAL:
                self.too_many += 1
                self.too_many_chat += 0 if crowded else 1
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests",
                        "parameters": {"retry_after": 1}}  # fmt: skip
                return web.json_response(body, status=429)
            self.window.append(now)
            self.chat_last[chat] = now
            self.messages.append(now)
        return web.json_response({"ok": True, "result": await self.call(method, params, now)})

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

    async def progress(self, request: web.Request) -> web.Response:
        """The counts only: polled every few seconds, it must not load the machine measured."""
        counts = {"prompts": len(self.prompts), "taps": len(self.taps), "confirmed": self.confirmed}
        return web.json_response(counts)

    async def report(self, request: web.Request) -> web.Response:
        body = {
            "prompts": self.prompts,
            "messages": self.messages,
            "too_many": self.too_many,
            "too_many_chat": self.too_many_chat,
            "taps": list(self.taps.values()),
        }
        self.results.write_text(json.dumps(body))
        return web.json_response({"ok": True})


def main() -> None:
    port, token, results, seed = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])

    async def serve() -> None:
        server = Server(token, results, seed)
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", server.handle)
        app.router.add_get("/bot{token}/{method}", server.handle)
        app.router.add_post("/report", server.report)
        app.router.add_get("/progress", server.progress)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
