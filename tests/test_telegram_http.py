"""The running bot reaches the Bot API through aiohttp (`bot/channels/telegram_http.py`): what
Telegram receives, and what python-telegram-bot makes of every kind of answer, against a real
HTTP server on a loopback port. The token never appears in an error."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import BodyPartReader, web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram_http import AiohttpRequest
from tests.harness import free_port

TOKEN = "123456:SECRET-token-never-in-errors"
Answer = Callable[[str, dict[str, Any]], Awaitable[web.Response]]


@dataclass
class Api:
    """A Bot API on a loopback port: records each call (method, fields, files) and answers it
    with `answer` (by default: ok, a message)."""

    port: int
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answer: Answer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"


async def _message(method: str, fields: dict[str, Any]) -> web.Response:
    if method == "getMe":
        me = {"id": 1, "is_bot": True, "first_name": "Sổ Khỏe", "username": "sokhoe_bot"}
        return web.json_response({"ok": True, "result": me})
    chat = int(fields.get("chat_id", 1))
    result = {"message_id": 7, "date": 0, "chat": {"id": chat, "type": "private"}, "text": "x"}
    return web.json_response({"ok": True, "result": result})


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    server = Api(free_port())

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401}, status=401)
        fields: dict[str, Any] = {}
        if request.content_type == "multipart/form-data":
            async for part in await request.multipart():
                assert isinstance(part, BodyPartReader)
                data = await part.read()
                name = part.name or ""
                fields[name] = (part.filename, data) if part.filename else data.decode()
        elif request.content_type == "application/json":
            fields = dict(await request.json())
            fields["content_type"] = "json"
        else:
            fields = dict(await request.post())
        method = request.match_info["method"]
        server.calls.append((method, fields))
        return await (server.answer or _message)(method, fields)

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", server.port).start()
    try:
        yield server
    finally:
        await runner.cleanup()


def _bot(base_url: str, timeout: float = 5.0) -> Bot:
    request = AiohttpRequest(read_timeout=timeout, write_timeout=timeout)
    return Bot(TOKEN, base_url=base_url, request=request)


async def test_a_message_with_buttons_arrives_as_telegram_reads_it(api: Api) -> None:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Khỏe ✅", callback_data="ck:1:ok")]])
    async with _bot(api.base_url) as bot:
        sent = await bot.send_message(42, "Chào buổi sáng — ổn chứ?", reply_markup=buttons)
    assert sent.message_id == 7 and sent.chat.id == 42
    method, fields = api.calls[-1]
    assert method == "sendMessage" and fields["content_type"] == "json"  # a JSON body
    assert fields["chat_id"] == "42" and fields["text"] == "Chào buổi sáng — ổn chứ?"
    keyboard = json.loads(fields["reply_markup"])["inline_keyboard"]
    assert keyboard == [[{"text": "Khỏe ✅", "callback_data": "ck:1:ok"}]]


async def test_a_document_goes_as_a_file_with_its_name_and_caption(api: Api) -> None:
    content = b"PK\x03\x04 an xlsx of check-ins" * 100
    async with _bot(api.base_url) as bot:
        await bot.send_document(42, content, filename="so-khoe 2026-12.xlsx", caption="Tháng 12")
    method, fields = api.calls[-1]
    assert method == "sendDocument"
    assert fields["caption"] == "Tháng 12" and fields["chat_id"] == "42"
    uploaded = [v for v in fields.values() if isinstance(v, tuple)]
    assert uploaded == [("so-khoe 2026-12.xlsx", content)]


async def test_telegram_refusals_become_python_telegram_bots_errors(api: Api) -> None:
    answers: dict[str, tuple[int, dict[str, Any]]] = {
        "sendMessage": (429, {"description": "Too Many Requests: retry after 3",
                              "parameters": {"retry_after": 3}}),
        "sendPhoto": (403, {"description": "Forbidden: bot was blocked by the user"}),
        "editMessageText": (400, {"description": "Bad Request: message is not modified"}),
    }  # fmt: skip

    async def refuse(method: str, fields: dict[str, Any]) -> web.Response:
        if method not in answers:
            return await _message(method, fields)
        status, body = answers[method]
        return web.json_response({"ok": False, "error_code": status, **body}, status=status)

    api.answer = refuse
    async with _bot(api.base_url) as bot:
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(42, "x")
        with pytest.raises(Forbidden):
            await bot.send_photo(42, "file-id")
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("x", chat_id=42, message_id=7)
    assert flood.value.retry_after in (3, timedelta(seconds=3))


async def test_a_server_that_never_answers_times_out_without_the_token(api: Api) -> None:
    released = asyncio.Event()

    async def hang(method: str, fields: dict[str, Any]) -> web.Response:
        if method != "getMe":
            await released.wait()  # until the test is over
        return await _message(method, fields)

    api.answer = hang
    async with _bot(api.base_url, timeout=0.3) as bot:
        with pytest.raises(TimedOut) as timed_out:
            await bot.send_message(42, "x")
        released.set()
    assert TOKEN not in str(timed_out.value) and "SECRET" not in repr(timed_out.value)


async def test_no_server_is_a_network_error_without_the_token() -> None:
    bot = _bot(f"http://127.0.0.1:{free_port()}/bot")
    await bot.request.initialize()
    try:
        with pytest.raises(NetworkError) as refused:
            await bot.send_message(42, "x")
    finally:
        await bot.request.shutdown()
    assert not isinstance(refused.value, TimedOut)
    assert "SECRET" not in str(refused.value) and refused.value.__cause__ is None


async def test_many_requests_at_once_share_the_pool(api: Api) -> None:
    async with _bot(api.base_url) as bot:
        sent = await asyncio.gather(*(bot.send_message(1000 + n, f"#{n}") for n in range(200)))
    assert sorted(m.chat.id for m in sent) == list(range(1000, 1200))
    assert sum(1 for method, _ in api.calls if method == "sendMessage") == 200
