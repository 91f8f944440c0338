"""Queries for messengers without buttons or offsets: menus, the inbox, preferences, quota."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.domain import Channel
from storage.db import Database, ts


class ChannelQueries(Database):
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

    async def inbox(self, channel: Channel, limit: int = 100) -> list[tuple[str, dict[str, Any]]]:
        rows = await self._fetchall(
            "SELECT key, body FROM inbox WHERE channel = ? ORDER BY received_at, key LIMIT ?",
            (channel.value, limit),
        )
        return [(r["key"], json.loads(r["body"])) for r in rows]

    async def inbox_done(self, keys: list[str]) -> None:
        await self._executemany("DELETE FROM inbox WHERE key = ?", [(k,) for k in keys])

    async def prefer_channel(self, person_id: int, channel: Channel) -> None:
        await self._execute(
            "UPDATE people SET preferred_channel = ? WHERE id = ?", (channel.value, person_id)
        )

    async def sent_since(self, channel: Channel, since: datetime) -> int:
        """Messages a channel delivered since a moment (a month's quota)."""
        row = await self._fetchone(
            "SELECT count(*) AS n FROM outbox WHERE channel = ? AND state = 'sent'"
            " AND kind <> 'ack' AND sent_at >= ?",
            (channel.value, ts(since)),
        )
        return int(row["n"]) if row else 0
