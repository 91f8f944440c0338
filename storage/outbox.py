"""The outbox: every outgoing message is a row first, sent by one sender per channel."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.domain import Channel
from core.messages import BROADCAST, REPLY, Choice, Outgoing, Reply, fit
from storage.db import Repository, Row, ts

# read after every tap: through the presses' own index (0019), not past the waiting broadcasts
DUE_ACKS = (
    "SELECT * FROM outbox WHERE state = 'pending' AND channel = ? AND kind = 'ack'"
    " ORDER BY id LIMIT ?"
)


def _payload(reply: Reply) -> dict[str, Any]:
    payload: dict[str, Any] = {"text": reply.text}
    if reply.choices:
        payload["choices"] = [[[c.id, c.label] for c in row] for row in reply.choices]
    if reply.ask_contact:
        payload["ask_contact"] = True
    if reply.clear_keyboard:
        payload["clear_keyboard"] = True
    if reply.edit:
        payload["message_id"] = reply.edit
    if reply.photos:
        payload["photos"] = list(reply.photos)
    if reply.document:
        payload["document"] = reply.document
    if reply.image:
        payload["image"] = reply.image
    return payload


# 1 for the account on the messenger a person answered on last (accounts a, people p)
PREFERRED = "(a.channel = coalesce(p.preferred_channel, ''))"


def payload_of(reply: Reply) -> str:
    """A reply as the outbox stores it."""
    return json.dumps(_payload(reply), ensure_ascii=False)


def _kind(reply: Reply) -> str:
    if reply.document:
        return "document"
    if reply.image:
        return "image"
    return "photos" if reply.photos else "edit" if reply.edit else "text"


def _outgoing(row: Row) -> Outgoing:
    payload = json.loads(row["payload"])
    return Outgoing(
        id=row["id"],
        channel=Channel(row["channel"]),
        chat_id=row["chat_id"],
        kind=row["kind"],
        text=payload.get("text", ""),
        choices=tuple(
            tuple(Choice(cid, label) for cid, label in line) for line in payload.get("choices", [])
        ),
        ask_contact=payload.get("ask_contact", False),
        clear_keyboard=payload.get("clear_keyboard", False),
        callback_id=payload.get("callback_id"),
        message_id=payload.get("message_id"),
        photos=tuple(payload.get("photos", ())),
        document=payload.get("document"),
        image=payload.get("image"),
        attempts=row["attempts"],
    )


class OutboxRepo(Repository):
    async def enqueue_reply(
        self,
        channel: Channel,
        chat_id: str,
        reply: Reply,
        now: datetime,
        dedupe_key: str | None = None,
    ) -> bool:
        """False when a message with the same dedupe key was already queued."""
        return await self._enqueue(channel, chat_id, _kind(reply), _payload(reply), now, dedupe_key)

    async def enqueue_many(
        self,
        messages: Sequence[tuple[Channel, str, Reply | str]],
        now: datetime,
        lane: int = BROADCAST,
    ) -> None:
        """Several messages in one statement: a Reply (split to fit the messenger's limit), or
        a callback id to acknowledge. A group that moved is written to where it went."""
        moves = await self._moves({(c, chat) for c, chat, _ in messages if chat.startswith("-")})
        rows = []
        for channel, old_chat, message in messages:
            chat_id = moves.get((channel, old_chat), old_chat)
            if isinstance(message, str):
                payload = json.dumps({"callback_id": message})
                rows.append((channel.value, chat_id, "ack", payload, ts(now), REPLY))
                continue
            for part in fit(message, channel.text_limit):
                payload = json.dumps(_payload(part), ensure_ascii=False)
                rows.append((channel.value, chat_id, _kind(part), payload, ts(now), lane))
        await self._executemany(
            "INSERT INTO outbox (channel, chat_id, kind, payload, created_at, lane)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    async def _moves(self, groups: set[tuple[Channel, str]]) -> dict[tuple[Channel, str], str]:
        """Where these groups moved, if they did (group chat ids are negative on Telegram)."""
        if not groups:
            return {}
        rows = await self._fetchall(
            "SELECT channel, old_chat, new_chat FROM chat_moves WHERE old_chat IN ({})".format(
                ",".join("?" * len(groups))
            ),
            [chat for _, chat in groups],
        )
        return {(Channel(r["channel"]), r["old_chat"]): r["new_chat"] for r in rows}

    async def enqueue_for(
        self, messages: Sequence[tuple[int, Reply]], now: datetime, lane: int = BROADCAST
    ) -> int:
        """Messages to people, each on the account that reaches them; returns how many were
        queued (someone with no reachable account is skipped)."""
        targets = await self.reachable_chats(sorted({person for person, _ in messages}))
        queued = [(*targets[person], reply) for person, reply in messages if person in targets]
        await self.enqueue_many(queued, now, lane)
        return len(queued)

    async def reachable_chats(self, person_ids: Sequence[int]) -> dict[int, tuple[Channel, str]]:
        """Where to reach each of these people: the reachable account on the messenger each
        answered on last, else the most recently linked; never both."""
        if not person_ids:
            return {}
        marks = ",".join("?" * len(person_ids))
        rows = await self._fetchall(  # the best account last: it wins in the dict below
            "SELECT a.person_id, a.channel, a.chat_id FROM accounts a"
            " JOIN people p ON p.id = a.person_id WHERE a.unreachable_at IS NULL"
            f" AND a.person_id IN ({marks}) ORDER BY {PREFERRED} ASC, a.linked_at ASC",
            list(person_ids),
        )
        return {r["person_id"]: (Channel(r["channel"]), r["chat_id"]) for r in rows}

    async def _enqueue(
        self,
        channel: Channel,
        chat_id: str,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
        dedupe_key: str | None,
    ) -> bool:
        changed = await self._execute(
            "INSERT OR IGNORE INTO outbox (channel, chat_id, kind, payload, dedupe_key, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                channel.value,
                chat_id,
                kind,
                json.dumps(payload, ensure_ascii=False),
                dedupe_key,
                ts(now),
            ),
        )
        return changed > 0

    async def reachable_chat(self, person_id: int) -> tuple[Channel, str] | None:
        """Where to reach a person: the reachable account on the messenger they answered on last,
        else the most recently linked; never both."""
        return (await self.reachable_chats([person_id])).get(person_id)

    async def due_in_lane(
        self, channel: Channel, lane: int, now: datetime, limit: int
    ) -> list[Outgoing]:
        """The messages of one lane that are due, oldest first (acknowledgements have their own
        loop: see `due_acks`)."""
        rows = await self._fetchall(
            "SELECT * FROM outbox WHERE state = 'pending' AND channel = ? AND lane = ?"
            " AND kind != 'ack' AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?",
            (channel.value, lane, ts(now), limit),
        )
        return [_outgoing(r) for r in rows]

    async def due_acks(self, channel: Channel, limit: int) -> list[Outgoing]:
        """Button presses still to acknowledge, oldest first (they wait for no pause)."""
        rows = await self._fetchall(DUE_ACKS, (channel.value, limit))
        return [_outgoing(r) for r in rows]

    async def move_chat(self, channel: Channel, old: str, new: str, now: datetime) -> None:
        """A group became a supergroup: what is pending goes there, and so does what comes."""
        async with self.transaction():
            await self._execute(
                "INSERT INTO chat_moves (channel, old_chat, new_chat, moved_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (channel, old_chat) DO UPDATE SET new_chat = excluded.new_chat",
                (channel.value, old, new, ts(now)),
            )
            await self._execute(
                "UPDATE outbox SET chat_id = ? WHERE state = 'pending' AND channel = ?"
                " AND chat_id = ?",
                (new, channel.value, old),
            )

    async def mark_sent(self, sent: Sequence[tuple[int, datetime]]) -> None:
        """Items the platform accepted: (id, when), together, in id order (true whoever sends
        for the organization now: no lock needed)."""
        await self._update_by_key(
            "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            [(ts(at), outgoing_id) for outgoing_id, at in sorted(sent)],
        )

    async def postpone(self, outgoing_id: int, until: datetime, error: str) -> None:
        await self._execute(
            "UPDATE outbox SET not_before = ?, attempts = attempts + 1, error = ? WHERE id = ?",
            (ts(until), error, outgoing_id),
        )

    async def mark_failed(self, outgoing_id: int, error: str) -> None:
        await self._execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, error = ? WHERE id = ?",
            (error, outgoing_id),
        )

    async def fail_pending_for_chat(self, channel: Channel, chat_id: str, error: str) -> int:
        return await self._execute(
            "UPDATE outbox SET state = 'failed', error = ?"
            " WHERE state = 'pending' AND channel = ? AND chat_id = ?",
            (error, channel.value, chat_id),
        )

    async def sent_since(self, channel: Channel, since: datetime) -> int:
        """Messages a channel delivered since a moment (a month's quota)."""
        row = await self._fetchone(
            "SELECT count(*) AS n FROM outbox WHERE channel = ? AND state = 'sent'"
            " AND kind <> 'ack' AND sent_at >= ?",
            (channel.value, ts(since)),
        )
        return int(row["n"]) if row else 0
