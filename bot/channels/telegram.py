"""Telegram through python-telegram-bot: updates to neutral events, outbox items to messages,
and an intake loop that confirms updates to Telegram only after they are committed."""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot, InputMediaPhoto, Update
from telegram._utils.types import ODVInput
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter
from telegram.warnings import PTBDeprecationWarning

from bot.loops import StoppedError, unless_stopped
from bot.sender import Delivery
from core import texts
from core.clock import Clock
from core.domain import Channel
from core.messages import Contact, Event, Outgoing

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]


def event_key(update: Update) -> str:
    """Telegram redelivers an update until a later offset confirms it: its id is the key."""
    return f"tg:{update.update_id}"


def to_event(update: Update, now: datetime) -> Event | None:
    """The neutral event for an update, or None for kinds the bot does not read."""
    key = event_key(update)
    if update.callback_query is not None:
        query = update.callback_query
        if query.message is None:  # a button under an inline-mode message: answered, nothing more
            return Event(
                key=key,
                channel=Channel.TELEGRAM,
                account_id=str(query.from_user.id),
                chat_id=str(query.from_user.id),
                at=now,
                private=False,
                callback_id=query.id,
            )
        return Event(
            key=key,
            channel=Channel.TELEGRAM,
            account_id=str(query.from_user.id),
            chat_id=str(query.message.chat.id),
            at=now,
            private=query.message.chat.type == ChatType.PRIVATE,
            choice=query.data or "",
            callback_id=query.id,
            message_id=str(query.message.message_id),
            display_name=query.from_user.full_name,
        )
    message = update.message
    if message is None or message.from_user is None:
        return None
    text = message.text or ""
    command, args = None, ""
    if text.startswith("/"):
        head, _, rest = text.partition(" ")
        command, args = head[1:].split("@", 1)[0].lower(), rest.strip()
    photo = message.photo[-1].file_id if message.photo else None  # the largest size
    attachment = next(
        (
            kind
            for kind in (
                "document",
                "video",
                "audio",
                "voice",
                "video_note",
                "animation",
                "sticker",
            )
            if getattr(message, kind) is not None
        ),
        None,
    )
    contact = None
    if message.contact is not None:
        owner = message.contact.user_id
        contact = Contact(message.contact.phone_number, str(owner) if owner else None)
    return Event(
        key=key,
        channel=Channel.TELEGRAM,
        account_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
        at=now,
        private=message.chat.type == ChatType.PRIVATE,
        text=text,
        command=command,
        args=args,
        contact=contact,
        forwarded=message.forward_origin is not None,
        photo=photo,
        attachment=attachment,
        unsupported=not text and contact is None and photo is None,
        display_name=message.from_user.full_name,
    )


def markup(item: Outgoing) -> dict[str, object] | None:
    """The Bot API's `reply_markup` for an item: inline buttons, the share-phone keyboard, or
    the keyboard taken away."""
    if item.choices:
        rows = [[{"text": c.label, "callback_data": c.id} for c in row] for row in item.choices]
        return {"inline_keyboard": rows}
    if item.ask_contact:
        button = {"text": texts.SHARE_PHONE_BUTTON, "request_contact": True}
        return {"keyboard": [[button]], "resize_keyboard": True, "one_time_keyboard": True}
    if item.clear_keyboard:
        return {"remove_keyboard": True}
    return None


def _retry_after(err: RetryAfter) -> float:
    with warnings.catch_warnings():  # the int form is deprecated in favour of a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = err.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramTransport:
    """Delivers outbox items with the Bot API and classifies what Telegram answered.

    The three calls a check-in makes by the thousand (a message, an edit, a press answered) go
    through python-telegram-bot's request layer (`Bot.request.post`: its JSON, its errors,
    429's `retry_after`) without its `Bot` methods, which build a `Message` from every answer:
    the sender needs only to know that Telegram accepted it, and those objects took an eighth of
    a worker's CPU in the 20-organization benchmark. Everything else goes through the `Bot`."""

    channel = Channel.TELEGRAM

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _call(self, endpoint: str, **params: object) -> None:
        given = [RequestParameter.from_input(k, v) for k, v in params.items() if v is not None]
        url = f"{self.bot.base_url}/{endpoint}"
        await self.bot.request.post(url, request_data=RequestData(given))

    async def deliver(self, item: Outgoing) -> Delivery:
        try:
            if item.kind == "ack":
                await self._call("answerCallbackQuery", callback_query_id=item.callback_id or "")
            elif item.kind == "photos" and len(item.photos) == 1:
                await self.bot.send_photo(item.chat_id, item.photos[0])
            elif item.kind == "photos":
                album = [InputMediaPhoto(file_id) for file_id in item.photos]
                await self.bot.send_media_group(item.chat_id, album)
            elif item.kind == "document" and item.document:
                path = Path(item.document)
                content = await asyncio.to_thread(path.read_bytes)
                await self.bot.send_document(
                    item.chat_id, content, filename=path.name, caption=item.text or None
                )
                # an export leaves no copy behind once delivered
                await asyncio.to_thread(path.unlink, missing_ok=True)
            elif item.kind == "image" and item.image:
                path = Path(item.image)
                content = await asyncio.to_thread(path.read_bytes)
                await self.bot.send_photo(item.chat_id, content, caption=item.text or None)
                await asyncio.to_thread(path.unlink, missing_ok=True)
            elif item.kind == "edit":
                await self._edit(item)
            else:
                await self._call(
                    "sendMessage", chat_id=item.chat_id, text=item.text, reply_markup=markup(item)
                )
        except RetryAfter as err:
            return Delivery("retry", _retry_after(err), "429 flood control")
        except ChatMigrated as err:  # a group became a supergroup
            return Delivery("moved", error="chat migrated", new_chat=str(err.new_chat_id))
        except Forbidden as err:
            return Delivery("blocked", error=f"403 {err.message}")
        except FileNotFoundError:
            return Delivery("failed", error="document missing")
        except BadRequest as err:
            if "not modified" in err.message.lower():
                return Delivery("sent")  # the same text and buttons again: nothing to change
            if item.kind == "ack":  # an old button press: nothing to answer any more
                return Delivery("failed", error=f"400 {err.message}")
            if "chat not found" in err.message.lower():
                return Delivery("blocked", error=f"400 {err.message}")
            return Delivery("failed", error=f"400 {err.message}")
        except NetworkError as err:
            return Delivery("retry", error=f"network: {type(err).__name__}")
        except TelegramError as err:
            return Delivery("failed", error=f"{type(err).__name__}: {err.message}")
        return Delivery("sent")

    async def _edit(self, item: Outgoing) -> None:
        """Replace the message whose button was pressed; if it is gone (deleted, too old to
        edit), the text comes as a new message instead of not at all."""
        inline = markup(item) if item.choices else None  # an edit takes inline buttons only
        try:
            await self._call(
                "editMessageText",
                chat_id=item.chat_id,
                message_id=int(item.message_id or 0),
                text=item.text,
                reply_markup=inline,
            )
        except BadRequest as err:
            lost = ("message to edit not found", "message can't be edited")
            if not any(reason in err.message.lower() for reason in lost):
                raise
            await self._call(
                "sendMessage", chat_id=item.chat_id, text=item.text, reply_markup=inline
            )


class TelegramIntake:
    """Own poll loop: a batch is turned into neutral events and taken (committed), and only then
    is its offset confirmed (python-telegram-bot's built-in polling confirms before its handlers
    have run)."""

    def __init__(
        self, bot: Bot, take: Callable[[list[Event]], Awaitable[None]], clock: Clock
    ) -> None:
        self.bot = bot
        self.take = take
        self.clock = clock
        self.offset: int | None = None

    async def poll_once(self, wait: int = 0) -> int:
        return await self._take(await self._fetch(wait))

    async def _fetch(self, wait: int) -> list[Update]:
        updates = await self.bot.get_updates(
            offset=self.offset,
            timeout=wait,
            limit=100,
            allowed_updates=ALLOWED_UPDATES,
            read_timeout=wait + 10,
        )
        return list(updates)

    async def _take(self, updates: list[Update]) -> int:
        if not updates:
            return 0
        now = self.clock.now()
        await self.take([e for u in updates if (e := to_event(u, now)) is not None])
        # Telegram forgets this batch only when the next getUpdates sends the new offset.
        self.offset = updates[-1].update_id + 1
        return len(updates)

    async def run(self, stop: asyncio.Event, wait: int = 25) -> None:
        conflicted = False
        while not stop.is_set():
            try:
                updates = await unless_stopped(self._fetch(wait), stop)
                await self._take(updates)  # a batch in hand is finished before stopping
            except StoppedError:
                break
            except Conflict:  # said once a burst, not every three seconds
                if not conflicted:
                    log.error(
                        "Telegram refuses getUpdates (409 Conflict): another copy of the bot "
                        "polls with this token, or a webhook was set; retrying"
                    )
                conflicted = True
                await asyncio.sleep(3)
            except Exception as err:  # the offset did not move: Telegram delivers it again
                log.warning("intake failed (%s); retrying", type(err).__name__)
                await asyncio.sleep(3)
            else:
                conflicted = False


class TelegramOff(BaseRequest):
    """For a bot on Zalo alone: python-telegram-bot's Application still runs the JobQueue (the
    one scheduler), so its Bot answers `getMe` here, locally, and nothing ever reaches Telegram."""

    OFF_TOKEN = "0:telegram-off"

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if url.endswith("/getMe"):
            me = {"id": 0, "is_bot": True, "first_name": "Sổ Khỏe", "username": "sokhoe_off"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        return 503, b'{"ok": false, "error_code": 503, "description": "Telegram is off"}'
