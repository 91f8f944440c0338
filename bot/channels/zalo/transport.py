"""Delivering outbox items on Zalo, and remembering the menu each chat was shown last."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.events import render
from bot.sender import Delivery
from core.domain import Channel
from core.messages import Outgoing
from storage import Store


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
