"""Channel-neutral events in and replies out: what the flows see instead of a messenger's types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from core.domain import Channel

REPLY, BROADCAST = 0, 1  # outbox lanes: a person's own answer first, then broadcasts
LIST_LIMIT = 10  # names shown in a list before "and N more"
MESSAGE_LIMIT = 4000  # Telegram allows 4,096 characters; Zalo 2,000 (Channel.text_limit)


@dataclass(frozen=True)
class Choice:
    """A button on Telegram, a numbered line on Zalo; `id` is short ASCII (64 bytes at most)."""

    id: str
    label: str


@dataclass(frozen=True)
class Contact:
    phone: str
    account_id: str | None  # whose number it is, as the messenger vouches; None if not a user


@dataclass(frozen=True)
class Event:
    key: str  # idempotency key: the same key twice is processed once
    channel: Channel
    account_id: str  # the sender, as the messenger vouches: identity never comes from button data
    chat_id: str
    at: datetime
    private: bool = True
    text: str = ""
    command: str | None = None  # "start" for "/start abc"
    args: str = ""  # "abc" for "/start abc"
    choice: str | None = None  # the id of the pressed button
    contact: Contact | None = None
    forwarded: bool = False
    photo: str | None = None  # the messenger's id of a photo sent
    attachment: str | None = None  # another kind of file sent: "document", "video", ...
    unsupported: bool = False  # a sticker, a file, a voice note: nothing a flow reads
    callback_id: str | None = None  # a button press to acknowledge
    message_id: str | None = None  # the message whose button was pressed
    display_name: str = ""
    hidden: bool = False  # Zalo withheld the content (a protected user)


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()  # rows of buttons
    ask_contact: bool = False  # offer the "share my phone number" button
    clear_keyboard: bool = False  # take the contact button away again
    to_person: int | None = None  # None: back to the chat the event came from
    edit: str | None = None  # replace this message (its id) where the channel can edit
    photos: tuple[str, ...] = ()  # photos (messenger file ids) sent as one album, without text
    document: str | None = None  # a file on disk to send (the text is its caption)
    image: str | None = None  # a picture on disk (PNG) to send as a photo, the text its caption


@dataclass(frozen=True)
class Outgoing:
    """One row of the outbox, as the sender reads it."""

    id: int
    channel: Channel
    chat_id: str
    kind: str  # "text", "edit", "photos", "document" or "ack"
    text: str = ""
    choices: tuple[tuple[Choice, ...], ...] = ()
    ask_contact: bool = False
    clear_keyboard: bool = False
    callback_id: str | None = None
    message_id: str | None = None  # for "edit"
    photos: tuple[str, ...] = ()  # for "photos"
    document: str | None = None  # for "document": a path
    image: str | None = None  # for "image": a path
    attempts: int = 0


def quote(text: str, limit: int = 40) -> str:
    """Words a person typed, echoed back: one line, at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def split_text(
    text: str, limit: int = MESSAGE_LIMIT, measure: Callable[[str], int] = len
) -> list[str]:
    """Cut a long text into messages a messenger accepts (`measure` says how it counts): at line
    breaks; a line longer than a message fills the message at spaces; a word longer than a
    message is cut."""
    parts: list[str] = []
    current = ""

    def add(piece: str, joint: str) -> None:
        nonlocal current
        joined = f"{current}{joint}{piece}" if current else piece
        if measure(joined) <= limit:
            current = joined
            return
        if current.strip():
            parts.append(current.rstrip())
        current = piece

    step = limit // 2 if measure is not len else limit  # a cut word fits however it is counted
    for line in text.split("\n"):
        if measure(line) <= limit:
            add(line, "\n")
            continue
        for n, word in enumerate(line.split(" ")):
            for start in range(0, max(len(word), 1), step):  # a word longer than a message
                add(word[start : start + step], " " if n or start else "\n")
    if current.strip():
        parts.append(current.rstrip())
    return parts


def fit(reply: Reply, limit: int) -> list[Reply]:
    """A reply as messages of at most `limit` characters: the text split (see `split_text`),
    the buttons under the last part; an edit replaces the old message with the first part."""
    if len(reply.text) <= limit or reply.photos or reply.document or reply.image:
        return [reply]
    parts = split_text(reply.text, limit)
    first = replace(reply, text=parts[0], choices=() if len(parts) > 1 else reply.choices)
    rest = [Reply(p, to_person=reply.to_person) for p in parts[1:-1]]
    last = replace(reply, text=parts[-1], edit=None, ask_contact=False, clear_keyboard=False)
    return [first, *rest, last] if len(parts) > 1 else [first]


def rows(*choices: Choice) -> tuple[tuple[Choice, ...], ...]:
    """One button per row: what reads best on a narrow phone."""
    return tuple((c,) for c in choices)
