"""The demo's local messenger: a Telegram-compatible Bot API and a Zalo-style one on 127.0.0.1,
serving the real bot, and the phones of the demo's people, served to the page. Everything lives
in memory; files the bot sends (export workbooks) are kept as bytes for the page to download."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from aiohttp import web

TELEGRAM_TOKEN = "700000001:DEMO-local-messenger-not-a-real-token"
ZALO_TOKEN = "7000:demo-zalo-local-messenger-token"
BOT_NAME = "SoKhoeDemoBot"
MAX_TEXT = 4096  # Telegram's limit on a message's text
MAX_PHOTO = 5 * 1024 * 1024


@dataclass
class Button:
    label: str
    data: str = ""  # callback data (inline); empty for a reply-keyboard button (sends its label)


@dataclass
class Bubble:
    id: int
    person: str
    mine: bool  # typed or tapped by the person (right), else the bot's (left)
    text: str
    at: str  # simulated time, "HH:MM"
    channel: Literal["telegram", "zalo"] = "telegram"
    buttons: list[list[Button]] = field(default_factory=list)
    keyboard: list[str] = field(default_factory=list)  # a reply keyboard's buttons
    photo: str = ""  # file id of a photo shown
    document: str = ""  # file id of a document to download
    filename: str = ""
    edited: bool = False
    message_id: str = ""  # Zalo's id of a message the person sent

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "mine": self.mine,
            "text": self.text,
            "at": self.at,
            "channel": self.channel,
            "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in self.buttons],
            "keyboard": self.keyboard,
            "photo": self.photo,
            "document": self.document,
            "filename": self.filename,
            "edited": self.edited,
        }


@dataclass
class Phone:
    """One person of the demo: a Telegram user, or a Zalo user (numbered menus)."""

    key: str  # staff code
    name: str
    unit: str
    role: str
    channel: Literal["telegram", "zalo"]
    user_id: int  # Telegram user id (= private chat id), or a number behind the Zalo id

    @property
    def zalo_id(self) -> str:
        return f"z{self.user_id}"

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "unit": self.unit,
            "role": self.role,
            "channel": self.channel,
        }


@dataclass
class File:
    data: bytes
    filename: str
    mime: str


class RefusedError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class Messenger:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.phones: dict[str, Phone] = {}
        self.bubbles: dict[str, list[Bubble]] = {}
        self.files: dict[str, File] = {}
        self.version = 0
        self.changed = asyncio.Event()
        self.on_bot_message: Callable[[Phone, Bubble], None] | None = None
        self.closed = False
        self._telegram: list[dict[str, Any]] = []
        self._zalo: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._zalo_arrived = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._file_ids = itertools.count(1)

    def close(self) -> None:
        """Release every long poll now: the server can then stop without waiting for them."""
        self.closed = True
        self._arrived.set()
        self._zalo_arrived.set()

    # --- the page's side --------------------------------------------------------------------

    def add(self, phone: Phone) -> None:
        self.phones[phone.key] = phone
        self.bubbles[phone.key] = []

    def touch(self) -> None:
        self.version += 1
        self.changed.set()
        self.changed = asyncio.Event()

    def _stamp(self) -> str:
        return f"{self.clock():%H:%M}"

    def _bubble(self, phone: Phone, mine: bool, text: str, **fields: Any) -> Bubble:
        bubble = Bubble(
            next(self._ids), phone.key, mine, text, self._stamp(), phone.channel, **fields
        )
        self.bubbles[phone.key].append(bubble)
        self.touch()
        if not mine and self.on_bot_message is not None:
            self.on_bot_message(phone, bubble)
        return bubble

    def type(self, key: str, text: str) -> None:
        """The person sends a text (cut to the messenger's limit, as a phone would)."""
        phone = self.phones[key]
        text = text[:MAX_TEXT]
        if not text.strip():
            return
        bubble = self._bubble(phone, True, text)
        if phone.channel == "zalo":
            self._push_zalo(phone, {"text": text}, "message.text.received", bubble)
        else:
            self._push_telegram({"message": {**self._message(phone, bubble.id), "text": text}})

    def press(self, key: str, bubble_id: int, data: str) -> bool:
        """The person taps an inline button of one of the bot's messages."""
        phone = self.phones[key]
        bubble = next((b for b in self.bubbles[key] if b.id == bubble_id and not b.mine), None)
        if bubble is None or not any(b.data == data for row in bubble.buttons for b in row):
            return False
        query = {
            "id": f"cb{next(self._ids)}",
            "from": self._user(phone),
            "chat_instance": f"ci{phone.user_id}",
            "data": data,
            "message": {**self._message(phone, bubble.id, bot=True), "text": bubble.text},
        }
        self._push_telegram({"callback_query": query})
        return True

    def send_photo(self, key: str, data: bytes, mime: str) -> None:
        phone = self.phones[key]
        file_id = self._keep(data, "anh.jpg", mime)
        bubble = self._bubble(phone, True, "", photo=file_id)
        if phone.channel == "zalo":
            url = f"/files/{file_id}"
            self._push_zalo(phone, {"photo_url": url}, "message.image.received", bubble)
            return
        sizes = [
            {"file_id": f"{file_id}", "file_unique_id": f"u{file_id}", "width": 1280, "height": 960}
        ]
        self._push_telegram({"message": {**self._message(phone, bubble.id), "photo": sizes}})

    def _keep(self, data: bytes, filename: str, mime: str) -> str:
        file_id = f"demo-file-{next(self._file_ids)}"
        self.files[file_id] = File(data, filename, mime)
        return file_id

    def _user(self, phone: Phone) -> dict[str, Any]:
        first, _, last = phone.name.rpartition(" ")
        return {"id": phone.user_id, "is_bot": False, "first_name": last, "last_name": first}

    def _message(self, phone: Phone, message_id: int, bot: bool = False) -> dict[str, Any]:
        sender = {"id": 1, "is_bot": True, "first_name": "Sổ Khỏe"} if bot else self._user(phone)
        return {
            "message_id": message_id,
            "date": int(self.clock().timestamp()),
            "chat": {"id": phone.user_id, "type": "private", "first_name": phone.name},
            "from": sender,
        }

    def _push_telegram(self, update: dict[str, Any]) -> None:
        self._telegram.append({"update_id": next(self._update_ids), **update})
        self._arrived.set()

    def _push_zalo(self, phone: Phone, content: dict[str, Any], event: str, bubble: Bubble) -> None:
        bubble.message_id = f"zm{bubble.id}"
        message = {
            "message_id": bubble.message_id,
            "from": {"id": phone.zalo_id, "display_name": phone.name, "is_bot": False},
            "chat": {"id": phone.zalo_id, "chat_type": "PRIVATE"},
            "date": int(self.clock().timestamp() * 1000),
            **content,
        }
        self._zalo.append({"event_name": event, "message": message})
        self._zalo_arrived.set()

    # --- the bot's side: Telegram ------------------------------------------------------------

    async def telegram(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TELEGRAM_TOKEN:
            return _refused(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        handler = {
            "getMe": self._tg_get_me,
            "getUpdates": self._tg_get_updates,
            "deleteWebhook": self._tg_delete_webhook,
            "setMyCommands": self._tg_set_my_commands,
            "answerCallbackQuery": self._tg_answer_callback_query,
            "sendMessage": self._tg_send_message,
            "editMessageText": self._tg_edit_message_text,
            "sendDocument": self._tg_send_document,
            "sendPhoto": self._tg_send_photo,
            "sendMediaGroup": self._tg_send_media_group,
        }.get(method)
        if handler is None:
            return _refused(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except RefusedError as refused:
            return _refused(refused.status, refused.description)
        return web.json_response({"ok": True, "result": result})

    async def _tg_get_me(self, params: dict[str, Any]) -> Any:
        return {"id": 1, "is_bot": True, "first_name": "Sổ Khỏe", "username": BOT_NAME,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    async def _tg_get_updates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self._telegram = [u for u in self._telegram if u["update_id"] >= offset]
        wait = min(float(params.get("timeout") or 0), 30.0)
        if not self._telegram and wait and not self.closed:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wait)
        return self._telegram[: int(params.get("limit") or 100)]

    async def _tg_delete_webhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _tg_set_my_commands(self, params: dict[str, Any]) -> Any:
        return True

    async def _tg_answer_callback_query(self, params: dict[str, Any]) -> Any:
        return True

    def _phone_of(self, params: dict[str, Any]) -> Phone:
        chat = str(params.get("chat_id", ""))
        phone = next((p for p in self.phones.values() if str(p.user_id) == chat), None)
        if phone is None:
            raise RefusedError(400, "Bad Request: chat not found")
        return phone

    async def _tg_send_message(self, params: dict[str, Any]) -> Any:
        phone = self._phone_of(params)
        text = str(params.get("text", ""))
        if not 1 <= len(text) <= MAX_TEXT:
            raise RefusedError(400, "Bad Request: message text is empty or too long")
        inline, keyboard = _markup(params.get("reply_markup"))
        bubble = self._bubble(phone, False, text, buttons=inline, keyboard=keyboard)
        return {**self._message(phone, bubble.id, bot=True), "text": text}

    async def _tg_edit_message_text(self, params: dict[str, Any]) -> Any:
        phone = self._phone_of(params)
        wanted = int(params.get("message_id") or 0)
        bubble = next((b for b in self.bubbles[phone.key] if b.id == wanted and not b.mine), None)
        if bubble is None:
            raise RefusedError(400, "Bad Request: message to edit not found")
        text = str(params.get("text", ""))
        inline, _ = _markup(params.get("reply_markup"))
        if text == bubble.text and inline == bubble.buttons:
            raise RefusedError(400, "Bad Request: message is not modified")
        bubble.text, bubble.buttons, bubble.edited = text, inline, True
        self.touch()
        if self.on_bot_message is not None:
            self.on_bot_message(phone, bubble)
        return {**self._message(phone, bubble.id, bot=True), "text": text}

    async def _tg_send_document(self, params: dict[str, Any]) -> Any:
        phone = self._phone_of(params)
        document = params.get("document")
        if not isinstance(document, web.FileField):
            raise RefusedError(400, "Bad Request: there is no document in the request")
        data = document.file.read()
        file_id = self._keep(data, document.filename, document.content_type)
        caption = str(params.get("caption", ""))
        bubble = self._bubble(phone, False, caption, document=file_id, filename=document.filename)
        return {**self._message(phone, bubble.id, bot=True), "document": {"file_id": file_id}}

    async def _tg_send_photo(self, params: dict[str, Any]) -> Any:
        phone = self._phone_of(params)
        file_id = self._file(params.get("photo"))
        bubble = self._bubble(phone, False, str(params.get("caption", "")), photo=file_id)
        return {**self._message(phone, bubble.id, bot=True), "photo": [{"file_id": file_id}]}

    async def _tg_send_media_group(self, params: dict[str, Any]) -> Any:
        phone = self._phone_of(params)
        sent = []
        for item in json.loads(str(params.get("media", "[]"))):
            media = str(item.get("media", ""))
            attached = params.get(media.removeprefix("attach://"))
            file_id = self._file(attached if media.startswith("attach://") else media)
            bubble = self._bubble(phone, False, str(item.get("caption", "")), photo=file_id)
            sent.append(
                {**self._message(phone, bubble.id, bot=True), "photo": [{"file_id": file_id}]}
            )
        return sent

    def _file(self, value: Any) -> str:
        """A photo the bot sends: one it was sent before (by its id) or new bytes."""
        if isinstance(value, web.FileField):
            return self._keep(value.file.read(), value.filename, value.content_type)
        file_id = str(value or "")
        if file_id not in self.files:
            raise RefusedError(400, "Bad Request: wrong file identifier")
        return file_id

    # --- the bot's side: Zalo ----------------------------------------------------------------

    async def zalo(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != ZALO_TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        try:
            params = await request.json()
        except ValueError:
            params = {}
        if method == "getMe":
            result: Any = {"id": "demo-zalo-bot", "account_name": "so.khoe.demo",
                           "account_type": "BASIC", "can_join_groups": False}  # fmt: skip
        elif method in ("deleteWebhook", "setWebhook"):
            result = {"url": "", "updated_at": int(self.clock().timestamp() * 1000)}
        elif method == "getUpdates":
            if not self._zalo and not self.closed:
                self._zalo_arrived.clear()
                with contextlib.suppress(TimeoutError):
                    wait = min(float(params.get("timeout") or 0), 30.0)
                    await asyncio.wait_for(self._zalo_arrived.wait(), wait)
            if not self._zalo:
                return web.json_response(
                    {"ok": False, "error_code": 408, "description": "Request timeout"}
                )
            result = self._zalo.pop(0)
        elif method in ("sendMessage", "sendPhoto"):
            chat = str(params.get("chat_id", ""))
            phone = next((p for p in self.phones.values() if p.zalo_id == chat), None)
            if phone is None:
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": "Bad Request"}, status=400
                )
            if method == "sendMessage":
                text = str(params.get("text", ""))[:2000]
                self._bubble(phone, False, text)
            else:
                photo = str(params.get("photo", "")).rsplit("/", 1)[-1]
                self._bubble(
                    phone,
                    False,
                    str(params.get("caption", "")),
                    photo=photo if photo in self.files else "",
                )
            result = {
                "message_id": f"bot{next(self._ids)}",
                "date": int(self.clock().timestamp() * 1000),
            }
        else:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.json_response({"ok": True, "result": result})


def _zalo_error(code: int, description: str, status: int) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=status)


def _refused(status: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": status, "description": description}
    return web.json_response(body, status=status)


async def _params(request: web.Request) -> dict[str, Any]:
    """What python-telegram-bot sends: a form (multipart with a file), JSON, or a query."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.body_exists:
        params.update(await request.post())
    return params


def _markup(raw: Any) -> tuple[list[list[Button]], list[str]]:
    if not raw:
        return [], []
    markup = json.loads(raw) if isinstance(raw, str) else raw
    inline = [
        [Button(str(b.get("text", "")), str(b.get("callback_data", ""))) for b in row]
        for row in markup.get("inline_keyboard", [])
    ]
    keyboard = [
        str(b.get("text", "")) if isinstance(b, dict) else str(b)
        for row in markup.get("keyboard", [])
        for b in row
    ]
    return inline, keyboard
