"""A fake Telegram Bot API: enough of it for the real python-telegram-bot to talk to.

It keeps the updates people "send", answers getUpdates with offsets as Telegram does (an update
is forgotten once a later offset is asked for), and records every message the bot sends.
Served in process through `httpx.MockTransport` (`fake.transport()`).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx

from tests.fakes.common import serve

TOKEN = "123456:TEST-token-0123456789abcdefghij"
BOT = {"id": 100, "is_bot": True, "first_name": "Sổ Khỏe", "username": "SoKhoeTestBot"}
EPOCH = 1_790_000_000


@dataclass
class Sent:
    """A message the bot sent."""

    chat_id: int
    text: str
    message_id: int
    reply_markup: dict[str, Any] | None = None
    method: str = "sendMessage"
    photos: list[str] = field(default_factory=list)
    document: tuple[str, bytes] | None = None  # (file name, content)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of the inline buttons, in order."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [
            (b["text"], b["callback_data"])
            for row in self.reply_markup["inline_keyboard"]
            for b in row
        ]

    @property
    def asks_contact(self) -> bool:
        rows = (self.reply_markup or {}).get("keyboard", [])
        return any(b.get("request_contact") for row in rows for b in row)


@dataclass
class Failure:
    """Answer the next call of `method` to `chat_id` with this error."""

    method: str
    chat_id: int | None
    status: int
    description: str
    retry_after: int | None = None
    migrate_to: int | None = None  # "the group is now this supergroup"
    times: int = 1  # how many calls in a row fail so
    garbage: bool = False  # answer "ok" with a result no client can read


class RefusedError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class FakeTelegram:
    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    as_sent: list[Sent] = field(default_factory=list)  # sendMessage calls, never edited after
    edits: list[Sent] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    commands: list[dict[str, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    log: list[tuple[str, int | None]] = field(default_factory=list)  # (method, chat) in order
    webhook: str = ""  # set: getUpdates is refused with 409 Conflict, as Telegram does
    served: Counter[int] = field(default_factory=Counter)  # how often each update was handed out
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    # --- the server side ------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._serve)

    async def _serve(self, request: httpx.Request) -> httpx.Response:
        return serve(request, self.token, self.call, _params)

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(method)
        chat = params.get("chat_id")
        self.log.append((method, _int(chat)))
        for failure in self.failures:
            if failure.method == method and failure.chat_id in (None, _int(chat)):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                if failure.garbage:
                    return 200, {"ok": True, "result": {"garbage": [1, 2, 3]}}
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": failure.status,
                    "description": failure.description,
                }
                if failure.retry_after is not None:
                    body["parameters"] = {"retry_after": failure.retry_after}
                if failure.migrate_to is not None:
                    body["parameters"] = {"migrate_to_chat_id": failure.migrate_to}
                return failure.status, body
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        try:
            return 200, {"ok": True, "result": handler(params)}
        except RefusedError as refused:
            body = {"ok": False, "error_code": refused.status, "description": refused.description}
            return refused.status, body

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT

    def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        if self.webhook:
            raise RefusedError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = _int(params.get("offset"))
        if offset is not None:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        limit = _int(params.get("limit")) or 100
        batch = self.updates[:limit]
        self.served.update(u["update_id"] for u in batch)
        return batch

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params["chat_id"]) or 0
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
        message_id = next(self._message_ids)
        self.sent.append(Sent(chat_id, params["text"], message_id, markup))
        self.as_sent.append(replace(self.sent[-1]))  # as it went, whatever edits it later
        return _message(chat_id, message_id, params["text"])

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params["chat_id"]) or 0
        message_id = _int(params["message_id"]) or 0
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
        edit = Sent(chat_id, params["text"], message_id, markup, "editMessageText")
        self.edits.append(edit)
        for message in self.sent:  # the chat now shows the new text and buttons
            if message.chat_id == chat_id and message.message_id == message_id:
                message.text, message.reply_markup = edit.text, markup
        return _message(chat_id, message_id, params["text"])

    def _api_sendPhoto(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params["chat_id"]) or 0
        message_id = next(self._message_ids)
        caption = params.get("caption", "")
        self.sent.append(Sent(chat_id, caption, message_id, None, "sendPhoto", [params["photo"]]))
        return _message(chat_id, message_id, "")

    def _api_sendMediaGroup(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params["chat_id"]) or 0
        photos = [m["media"] for m in json.loads(params["media"])]
        message_ids = [next(self._message_ids) for _ in photos]
        self.sent.append(Sent(chat_id, "", message_ids[0], None, "sendMediaGroup", photos))
        return [_message(chat_id, m, "") for m in message_ids]

    def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params["chat_id"]) or 0
        upload = params["document"]
        message_id = next(self._message_ids)
        document = (upload["filename"], upload["content"])
        sent = Sent(
            chat_id, params.get("caption", ""), message_id, None, "sendDocument", document=document
        )
        self.sent.append(sent)
        return _message(chat_id, message_id, "")

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        self.answered.append(params["callback_query_id"])
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands = json.loads(params["commands"])
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = ""
        return True

    # --- the people side ------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        update_id = next(self._ids)
        self.updates.append({"update_id": update_id, **update})
        return update_id

    def message(
        self, user: dict[str, Any], chat: dict[str, Any] | None = None, **fields: Any
    ) -> int:
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        message = {"message_id": next(self._message_ids), "date": EPOCH, "chat": chat, "from": user}
        message.update(fields)
        return self.push({"message": message})

    def text(self, user: dict[str, Any], text: str, **fields: Any) -> int:
        if text.startswith("/"):
            command = text.split(" ", 1)[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.message(user, text=text, **fields)

    def contact(self, user: dict[str, Any], phone: str, owner_id: int | None) -> int:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": user["first_name"]}
        if owner_id is not None:
            contact["user_id"] = owner_id
        return self.message(user, contact=contact)

    def press(self, user: dict[str, Any], data: str, on: Sent | None = None) -> int:
        message_id = on.message_id if on else next(self._message_ids)
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        query = {
            "id": f"cb{next(self._ids)}",
            "from": user,
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": EPOCH,
                "chat": chat,
                "from": BOT,
                "text": "…",
            },
        }
        return self.push({"callback_query": query})

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]


def _message(chat_id: int, message_id: int, text: str) -> dict[str, Any]:
    """A message the bot sent, as the Bot API returns it."""
    chat = {"id": chat_id, "type": "private"}
    return {"message_id": message_id, "date": EPOCH, "chat": chat, "from": BOT, "text": text}


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _params(request: httpx.Request) -> dict[str, Any]:
    """python-telegram-bot posts form fields (nested objects as JSON) or multipart with files."""
    content_type = request.headers.get("content-type", "")
    body = request.content
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if part.get_filename():
                params[str(name)] = {"filename": part.get_filename(), "content": payload}
            else:
                params[str(name)] = payload.decode() if isinstance(payload, bytes) else payload
        return params
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    return dict(parse_qsl(body.decode()))
