"""Inbound idempotency and conversation state, keyed by (channel, account)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.domain import Channel
from storage.db import Database, ts


class EventQueries(Database):
    async def claim_event(self, key: str, now: datetime) -> bool:
        """True the first time a key is seen; inside the batch's transaction, so a crash forgets."""
        changed = await self._execute(
            "INSERT OR IGNORE INTO processed_events (key, processed_at) VALUES (?, ?)",
            (key, ts(now)),
        )
        return changed > 0

    async def forget_events_before(self, before: datetime) -> int:
        return await self._execute(
            "DELETE FROM processed_events WHERE processed_at < ?", (ts(before),)
        )

    async def conversation(self, channel: Channel, account_id: str) -> tuple[str, dict[str, Any]]:
        """The flow a person is in and its state; ("", {}) when none."""
        row = await self._fetchone(
            "SELECT flow, state FROM conversations WHERE channel = ? AND account_id = ?",
            (channel.value, account_id),
        )
        return (row["flow"], json.loads(row["state"])) if row else ("", {})

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
