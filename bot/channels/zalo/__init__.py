"""Zalo through the Zalo Bot Platform (httpx): updates to neutral events, outbox items to
messages, an intake that keeps each update in the inbox before handling it, and a webhook.

Zalo has no buttons, no edits, no documents and no offset: choices become a numbered menu
(the person answers "1", or "1 3" for several, then "xong"); the menu each chat saw last is
stored so that the number finds the same choice id a Telegram button carries; an edit is a
new message; a long text is split at 2,000 characters; every update is deduplicated by its
message id."""

from bot.channels.zalo.api import ZaloApi, ZaloError
from bot.channels.zalo.intake import ZaloIntake, take_when_woken
from bot.channels.zalo.transport import ZaloTransport
from bot.channels.zalo.webhook import ZaloWebhook

__all__ = [
    "ZaloApi",
    "ZaloError",
    "ZaloIntake",
    "ZaloTransport",
    "ZaloWebhook",
    "take_when_woken",
]
