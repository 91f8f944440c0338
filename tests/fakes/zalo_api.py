"""A fake Zalo Bot Platform API that behaves as the platform's documentation says (public copies:
`docs/zalo-bot-doc.md` in lamdt1/ckvn-bot; `docs/ZALO_BOT_API.md` in
XuanNguyenNB/QuanLyThuChi_Bot_Telegram_Zalom), with the sources named at each behaviour.
Served in process through `httpx.MockTransport`, or on loopback by `tests.fakes.loopback`."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.common import serve

ZALO_TOKEN = "4242:zalo-test-token-abcdefghijklmnop"
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "zalo"


def sample(name: str) -> dict[str, Any]:
    """A response exactly as the documentation shows it."""
    return dict(json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8")))


def error(code: int, description: str) -> dict[str, Any]:
    # Docs, "Phản hồi từ API": always a JSON object with ok, result, description, error_code.
    return {"ok": False, "error_code": code, "description": description}


# Docs, the table of error codes: 400 bad request, 401 invalid or expired token, 403 internal
# server error, 404 not found, 408 timeout, 429 quota exceeded.
DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Internal Server Error",
    404: "Not Found",
    408: "Request timeout",
    429: "Quota exceeded",
}


@dataclass
class ZaloSent:
    chat_id: str
    text: str
    method: str = "sendMessage"
    photo: str = ""


@dataclass
class FakeZalo:
    token: str = ZALO_TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[ZaloSent] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    failures: list[tuple[str, int]] = field(default_factory=list)  # (chat id or "", error code)
    served: Counter[str] = field(default_factory=Counter)
    webhook: dict[str, Any] = field(default_factory=dict)
    token_refused: bool = False  # every call answered 401, as with a reset token
    down: bool = False  # every call answered 403 "internal server error"
    empty_poll_status: int = 200  # the live API answers an empty poll HTTP 200, error_code 408
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._serve)

    async def _serve(self, request: httpx.Request) -> httpx.Response:
        return serve(request, self.token, self.call, _json)

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(method)
        if self.token_refused:
            return 401, error(401, DESCRIPTIONS[401])
        if self.down:
            return 403, error(403, DESCRIPTIONS[403])
        chat = str(params.get("chat_id", ""))
        for failure in self.failures:
            if method.startswith("send") and failure[0] in ("", chat):
                self.failures.remove(failure)
                code = failure[1]
                return code, error(code, DESCRIPTIONS.get(code, "refused"))
        if method == "getUpdates":
            # Docs, getUpdates: one update (the webhook's result object), no offset; it does
            # not work while a webhook is set.
            if self.webhook.get("url"):
                return 400, error(400, "Webhook is set")
            if not self.updates:
                return self.empty_poll_status, error(408, DESCRIPTIONS[408])
            update = self.updates.pop(0)
            self.served[update["message"]["message_id"]] += 1
            return 200, {"ok": True, "result": update}
        if method == "sendMessage":
            # Docs, sendMessage: text of 1 to 2,000 characters.
            text = str(params.get("text", ""))
            if not 1 <= len(text.encode("utf-16-le")) // 2 <= 2000:
                return 400, error(400, "text must be 1 to 2000 characters")
            self.sent.append(ZaloSent(chat, text))
            result = {"message_id": f"bot{next(self._ids)}", "date": 1_790_000_000_000}
            return 200, {"ok": True, "result": result}
        if method == "sendPhoto":
            self.sent.append(
                ZaloSent(chat, params.get("caption", ""), "sendPhoto", params["photo"])
            )
            return 200, sample("send_message")
        if method == "getMe":
            return 200, sample("get_me")
        if method == "setWebhook":
            # Docs, setWebhook: an HTTPS url, a secret_token of 8 to 256 characters.
            url, secret = str(params.get("url", "")), str(params.get("secret_token", ""))
            if not url.startswith("https://") or not 8 <= len(secret) <= 256:
                return 400, error(400, "url must be HTTPS; secret_token 8 to 256 characters")
            self.webhook = {"url": url, "secret_token": secret}
            return 200, {"ok": True, "result": {"url": url, "updated_at": 1_749_538_250_568}}
        if method == "deleteWebhook":
            self.webhook = {}
            return 200, {"ok": True, "result": {"url": "", "updated_at": 1_749_538_250_568}}
        return 404, error(404, DESCRIPTIONS[404])

    # --- the people side ------------------------------------------------------------------

    def update(
        self,
        user: str,
        text: str = "",
        photo: str = "",
        message_id: str | None = None,
        event: str = "",
    ) -> dict[str, Any]:
        """An update as the webhook's `result` (docs, "Webhook": from.display_name, chat.id and
        chat_type, message_id, date; event_name)."""
        message: dict[str, Any] = {
            "message_id": message_id or f"m{next(self._ids)}",
            "from": {"id": user, "display_name": f"Người {user}", "is_bot": False},
            "chat": {"id": user, "chat_type": "PRIVATE"},
            "date": 1_790_000_000_000,
        }
        if photo:
            message["photo_url"] = photo
            event = event or "message.image.received"
        elif text:
            message["text"] = text
        return {"event_name": event or "message.text.received", "message": message}

    def text(self, user: str, text: str) -> dict[str, Any]:
        update = self.update(user, text)
        self.updates.append(update)
        return update

    def to(self, chat: str) -> list[ZaloSent]:
        return [s for s in self.sent if s.chat_id == chat]


def wrapped(update: dict[str, Any]) -> dict[str, Any]:
    """A webhook delivery as the documentation shows it: `{"ok": true, "result": update}`."""
    return {"ok": True, "result": update}


def _json(request: httpx.Request) -> dict[str, Any]:
    return dict(json.loads(request.content or b"{}"))
