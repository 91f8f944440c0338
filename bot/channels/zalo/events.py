"""Zalo updates to neutral events, and outgoing messages to Zalo texts: no buttons, so choices
are a numbered menu (the person answers "1", or "1 3" for several, then "xong") mapped back to
the same choice ids a Telegram button carries; a long text is split at 2,000 characters."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from core import texts
from core.domain import Channel
from core.messages import Event, Outgoing, split_text

TEXT_LIMIT = 2000

NUMBERS = re.compile(r"^\s*\d+(?:[\s,;]+\d+)*\s*$")

DONE_WORDS = {"xong", "done", "ok xong", "hoàn thành"}


def _object(value: object) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (Zalo's updates are not trusted)."""
    return value if isinstance(value, dict) else {}


def _id(value: object) -> str | None:
    """An id: a non-empty string or a whole number, at most 64 characters."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if 0 < len(text) <= 64 else None


# The events of the Zalo Bot Platform (its "Webhook" page): what each becomes here.
TEXT, IMAGE = "message.text.received", "message.image.received"
STICKER, VOICE = "message.sticker.received", "message.voice.received"
HIDDEN = "message.unsupported.received"  # a protected user: Zalo withholds the content
KNOWN_EVENTS = {TEXT, IMAGE, STICKER, VOICE, HIDDEN}


def unwrap(body: dict[str, Any]) -> dict[str, Any]:
    """The update itself: Zalo's documentation shows webhook deliveries (and getUpdates
    results) wrapped as `{"ok": true, "result": {...}}`; some clients report them bare."""
    result = body.get("result")
    if isinstance(result, dict) and ("message" in result or "event_name" in result):
        return result
    return body


def update_key(update: dict[str, Any]) -> str | None:
    message_id = _id(_object(update.get("message")).get("message_id"))
    return f"zl:{message_id}" if message_id else None


def chat_of(update: dict[str, Any]) -> str:
    return _id(_object(_object(update.get("message")).get("chat")).get("id")) or ""


def to_events(update: dict[str, Any], menu: list[str], now: datetime) -> list[Event]:
    """The neutral events of one update (none for an update without a readable sender or
    chat): a number of the last menu is that menu's choice."""
    key, message = update_key(update), _object(update.get("message"))
    sender, chat = _object(message.get("from")), _object(message.get("chat"))
    sender_id, chat_id = _id(sender.get("id")), _id(chat.get("id"))
    if key is None or sender_id is None or chat_id is None:
        return []
    event_name = update.get("event_name")
    if event_name is not None and event_name not in KNOWN_EVENTS:
        return []  # an event this version does not read: set aside by the intake, said once
    base = Event(
        key=key,
        channel=Channel.ZALO,
        account_id=sender_id,
        chat_id=chat_id,
        at=now,
        private=chat.get("chat_type", "PRIVATE") == "PRIVATE",
        display_name=_text(sender.get("display_name")) or _text(sender.get("name")),
    )
    if event_name == HIDDEN:
        return [replace(base, unsupported=True, hidden=True)]
    if event_name in (STICKER, VOICE):
        return [replace(base, unsupported=True)]
    text = _text(message.get("text"))
    photo = _text(message.get("photo_url")) or _text(message.get("photo"))  # clients prefer _url
    if event_name == IMAGE or photo:
        return [replace(base, photo=photo, text=_text(message.get("caption")))]
    if not text:
        return [replace(base, unsupported=True)]
    if text.startswith("/"):
        head, _, rest = text.partition(" ")
        return [replace(base, text=text, command=head[1:].lower(), args=rest.strip())]
    chosen = _chosen(text, menu)
    if chosen is None:
        return [replace(base, text=text)]
    return [
        replace(base, key=f"{key}:{n}" if n else key, choice=choice)
        for n, choice in enumerate(chosen)
    ]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _chosen(text: str, menu: list[str]) -> list[str] | None:
    """The choice ids a reply names, or None when it is not an answer to the menu."""
    if not menu:
        return None
    if text.lower() in DONE_WORDS:
        done = [c for c in menu if c.endswith(":done")]
        return done[-1:] or None
    if not NUMBERS.match(text):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if any(not 1 <= n <= len(menu) for n in numbers):
        return None
    return [menu[n - 1] for n in numbers]


def zalo_wording(text: str) -> str:
    """Zalo has no buttons and no phone sharing: the texts that speak of them say it Zalo's
    way (a whole text replaced, or the words for pressing a button)."""
    text = texts.ZALO_VARIANTS.get(text, text)
    for words, instead in texts.ZALO_WORDS:
        text = text.replace(words, instead)
    return text


def utf16_length(text: str) -> int:
    """How Zalo may count a text's length (as JavaScript does): characters outside the Basic
    Multilingual Plane (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def render(item: Outgoing) -> list[str]:
    """A message as Zalo texts: the choices numbered under it, split at 2,000 UTF-16 units."""
    lines = [zalo_wording(item.text)] if item.text else []
    choices = [c for row in item.choices for c in row]
    if choices:
        lines.append("")
        lines += [f"{n}. {c.label}" for n, c in enumerate(choices, start=1)]
        lines.append(texts.ZALO_ANSWER_HINT)
    return split_text("\n".join(lines), TEXT_LIMIT, utf16_length)
