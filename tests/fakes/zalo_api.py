"""A fake Zalo Bot Platform API: `getUpdates` hands out one update per call (408 when there is
none), with no offset; messages the bot sends are recorded. Served in process through
`httpx.MockTransport`, or on loopback by `tests.fakes.loopback`."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.fakes.common import serve

ZALO_TOKEN = "4242:zalo-test-token-abcdefghijklmnop"


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
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._serve)

    async def _serve(self, request: httpx.Request) -> httpx.Response:
        return serve(request, self.token, self.call, _json)

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(method)
        chat = str(params.get("chat_id", ""))
        for failure in self.failures:
            if method.startswith("send") and failure[0] in ("", chat):
                self.failures.remove(failure)
                return failure[1], {"ok": False, "error_code": failure[1], "description": "refused"}
        if method == "getUpdates":
            if not self.updates:
                return 408, {"ok": False, "error_code": 408, "description": "Request timeout"}
            update = self.updates.pop(0)
            self.served[update["message"]["message_id"]] += 1
            return 200, {"ok": True, "result": update}
        if method == "sendMessage":
            self.sent.append(ZaloSent(chat, params["text"]))
            return 200, {"ok": True, "result": {"message_id": f"bot{next(self._ids)}"}}
        if method == "sendPhoto":
            self.sent.append(
                ZaloSent(chat, params.get("caption", ""), "sendPhoto", params["photo"])
            )
            return 200, {"ok": True, "result": {"message_id": f"bot{next(self._ids)}"}}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": "zbot", "name": "Sổ Khỏe"}}
        if method in ("setWebhook", "deleteWebhook"):
            self.webhook = params
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "not found"}

    # --- the people side ------------------------------------------------------------------

    def update(
        self, user: str, text: str = "", photo: str = "", message_id: str | None = None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id or f"m{next(self._ids)}",
            "from": {"id": user, "name": f"Người {user}"},
            "chat": {"id": user, "chat_type": "PRIVATE"},
            "date": 1_790_000_000_000,
        }
        if photo:
            message["photo"] = photo
            event = "message.image.received"
        else:
            message["text"] = text
            event = "message.text.received"
        return {"event_name": event, "message": message}

    def text(self, user: str, text: str) -> dict[str, Any]:
        update = self.update(user, text)
        self.updates.append(update)
        return update

    def to(self, chat: str) -> list[ZaloSent]:
        return [s for s in self.sent if s.chat_id == chat]


def _json(request: httpx.Request) -> dict[str, Any]:
    return dict(json.loads(request.content or b"{}"))
