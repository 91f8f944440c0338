"""What comes in: event keys (idempotency), the Zalo inbox and menus, and where each account
stands in a conversation or a questionnaire walk, keyed by (channel, account)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.domain import Caller, Channel
from storage.db import Repository, ts
from storage.people import PERSON_COLUMNS, person_from_row

SET_WALK = (
    "INSERT INTO walks (channel, account_id, state, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (channel, account_id) DO UPDATE SET state = excluded.state,"
    " updated_at = excluded.updated_at"
)

_CALLER = f"""
    SELECT {PERSON_COLUMNS},
           EXISTS (SELECT 1 FROM consents s WHERE s.person_id = p.id AND s.version = :version
                   AND s.withdrawn_at IS NULL) AS consented,
           c.flow, c.state, p.preferred_channel, w.state AS walk,
           a.unreachable_at IS NOT NULL AS unreachable, a.hidden_at IS NOT NULL AS hidden
    FROM (SELECT :channel AS channel, :account AS account) k
    LEFT JOIN accounts a ON a.channel = k.channel AND a.external_id = k.account
    LEFT JOIN people p ON p.id = a.person_id AND p.active = 1
    LEFT JOIN units u ON u.code = p.unit_code
    LEFT JOIN conversations c ON c.channel = k.channel AND c.account_id = k.account
    LEFT JOIN walks w ON w.channel = k.channel AND w.account_id = k.account
"""


class InboxRepo(Repository):
    async def claim_events(self, keys: Sequence[str], now: datetime) -> set[str]:
        """The keys seen for the first time (now claimed); in the caller's transaction, so a
        crash before the commit forgets them and the redelivered events are handled then."""
        if not keys:
            return set()
        values = ",".join("(?, ?)" for _ in keys)
        params = [value for key in keys for value in (key, ts(now))]
        rows = await self._fetchall(
            f"INSERT OR IGNORE INTO processed_events (key, processed_at) VALUES {values}"
            " RETURNING key",
            params,
        )
        return {r["key"] for r in rows}

    async def forget_events_before(self, before: datetime) -> int:
        return await self._execute(
            "DELETE FROM processed_events WHERE processed_at < ?", (ts(before),)
        )

    async def caller(self, channel: Channel, account_id: str, consent_version: str) -> Caller:
        """The sender of an event, their consent and their conversation, in one query."""
        params = {"channel": channel.value, "account": account_id, "version": consent_version}
        row = await self._fetchone(_CALLER, params)
        person = None if row is None or row["id"] is None else person_from_row(row)
        flow, state = (row["flow"], json.loads(row["state"])) if row and row["flow"] else ("", {})
        preferred = row["preferred_channel"] if row and row["preferred_channel"] else ""
        walk = json.loads(row["walk"]) if row and row["walk"] else {}
        unreachable = bool(person is not None and row and row["unreachable"])
        hidden = bool(person is not None and row and row["hidden"])
        consented = bool(row and row["consented"])
        return Caller(person, consented, flow, state, preferred, walk, unreachable, hidden)

    async def set_conversation(
        self, channel: Channel, account_id: str, flow: str, state: dict[str, Any], now: datetime
    ) -> None:
        await self._execute(
            "INSERT INTO conversations (channel, account_id, flow, state, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, account_id) DO UPDATE SET"
            " flow = excluded.flow, state = excluded.state, updated_at = excluded.updated_at",
            (channel.value, account_id, flow, json.dumps(state, ensure_ascii=False), ts(now)),
        )

    async def end_conversation(self, channel: Channel, account_id: str) -> None:
        await self._execute(
            "DELETE FROM conversations WHERE channel = ? AND account_id = ?",
            (channel.value, account_id),
        )

    async def save_menu(
        self, channel: Channel, chat_id: str, choices: list[str], now: datetime
    ) -> None:
        await self._execute(
            "INSERT INTO menus (channel, chat_id, choices, shown_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET choices = excluded.choices,"
            " shown_at = excluded.shown_at",
            (channel.value, chat_id, json.dumps(choices), ts(now)),
        )

    async def menu(self, channel: Channel, chat_id: str) -> list[str]:
        row = await self._fetchone(
            "SELECT choices FROM menus WHERE channel = ? AND chat_id = ?", (channel.value, chat_id)
        )
        return list(json.loads(row["choices"])) if row else []

    async def inbox_put(
        self, key: str, channel: Channel, body: dict[str, Any], now: datetime
    ) -> None:
        """Keep an update from the moment it arrives, before anything else is done with it."""
        await self._execute(
            "INSERT OR IGNORE INTO inbox (key, channel, body, received_at) VALUES (?, ?, ?, ?)",
            (key, channel.value, json.dumps(body, ensure_ascii=False), ts(now)),
        )

    async def held(self, channel: Channel, limit: int = 100) -> list[tuple[str, dict[str, Any]]]:
        rows = await self._fetchall(
            "SELECT key, body FROM inbox WHERE channel = ? ORDER BY received_at, key LIMIT ?",
            (channel.value, limit),
        )
        return [(r["key"], json.loads(r["body"])) for r in rows]

    async def inbox_done(self, keys: list[str]) -> None:
        await self._executemany("DELETE FROM inbox WHERE key = ?", [(k,) for k in keys])

    async def set_walk(
        self, channel: Channel, account_id: str, walk: dict[str, Any], now: datetime
    ) -> None:
        await self._execute(SET_WALK, (channel.value, account_id, json.dumps(walk), ts(now)))

    async def end_walk(self, channel: Channel, account_id: str) -> None:
        await self._execute(
            "DELETE FROM walks WHERE channel = ? AND account_id = ?", (channel.value, account_id)
        )

    async def set_aside(self, key: str, reason: str) -> None:
        """Move an update that cannot be handled out of the inbox, kept for a person to read."""
        async with self.transaction():
            await self._execute(
                "INSERT OR IGNORE INTO inbox_set_aside (key, channel, body, received_at, reason)"
                " SELECT key, channel, body, received_at, ? FROM inbox WHERE key = ?",
                (reason, key),
            )
            await self._execute("DELETE FROM inbox WHERE key = ?", (key,))

    async def keep_aside(
        self, key: str, channel: Channel, body: dict[str, Any], reason: str, now: datetime
    ) -> None:
        """An update that cannot be handled at all, kept for a person to read."""
        await self._execute(
            "INSERT OR IGNORE INTO inbox_set_aside (key, channel, body, received_at, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, channel.value, json.dumps(body, ensure_ascii=False)[:65536], ts(now), reason),
        )

    async def set_aside_count(self, channel: Channel) -> int:
        row = await self._fetchone(
            "SELECT count(*) AS n FROM inbox_set_aside WHERE channel = ?", (channel.value,)
        )
        return int(row["n"]) if row else 0
