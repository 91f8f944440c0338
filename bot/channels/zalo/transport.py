"""Delivering outbox items on Zalo, and remembering the menu each chat was shown last."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.events import render
from bot.sender import Delivery
from core.domain import Channel
from core.messages import Outgoing
from storage import Store

AUTH_HOLD = 60.0  # seconds between two tries while the token is refused
QUOTA_HOLD = 300.0  # seconds between two tries once the quota is used up


def outcome(err: ZaloError, item: Outgoing) -> Delivery:
    """What a Zalo error means, by the platform's documented table: 400 bad request, 401
    invalid or expired token, 403 *internal server error*, 404 not found, 408 timeout, 429
    quota exceeded. Nothing Zalo says means "the person blocked the bot"."""
    error = f"{err.code} {err.description}"
    if err.code == 401:  # every message would fail alike: hold them all, tell the admins
        return Delivery("retry", AUTH_HOLD, error, alert="auth")
    if err.code == 429:  # the plan's quota is used up: slow down, tell the admins
        return Delivery("retry", QUOTA_HOLD, error, alert="quota")
    if err.code == 408:  # sent or not, nobody knows: tried once more, then recorded so
        if item.attempts == 0:
            return Delivery("retry", 0.0, f"{error} (unknown outcome, trying once more)")
        return Delivery("failed", error=f"{error} (unknown outcome)")
    if err.code in (0, 403) or err.code >= 500:  # network or the platform's own trouble
        return Delivery("retry", error=error)
    return Delivery("failed", error=error)


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
            for part in render(item):  # a picture on disk: Zalo takes photos by URL only
                await self.api.call("sendMessage", {"chat_id": item.chat_id, "text": part})
            if item.kind == "image" and item.image:
                await asyncio.to_thread(Path(item.image).unlink, missing_ok=True)
        except ZaloError as err:
            return outcome(err, item)
        choices = [c.id for row in item.choices for c in row]
        if choices:
            await self.store.inbox.save_menu(Channel.ZALO, item.chat_id, choices, self.clock())
        return Delivery("sent")
