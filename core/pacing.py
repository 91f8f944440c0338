"""Pacing under a messenger's limits: so many messages a second overall, and a minimum
interval between two messages to one chat. Pure: times are plain seconds on any clock."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Pacer:
    rate: float  # messages per second across all chats; 0 means no limit
    chat_interval: float  # seconds between two messages to one chat; 0 means no limit
    # added to the per-chat interval: requests leave in order but may arrive a few tens of
    # milliseconds apart from how they left, and the platform counts arrivals
    margin: float = 0.0
    _next: float = 0.0
    _chat_next: dict[str, float] = field(default_factory=dict)

    def reserve(self, chat: str, now: float) -> float:
        """When a message to `chat` may go, at the earliest; that moment is then taken."""
        start = max(now, self._next, self._chat_next.get(chat, 0.0))
        if self.rate > 0:
            self._next = start + 1.0 / self.rate
        if self.chat_interval > 0:
            self._chat_next[chat] = start + self.chat_interval + self.margin
        return start

    def chat_free_at(self, chat: str) -> float:
        """When `chat` may have its next message (the overall rate aside)."""
        return self._chat_next.get(chat, 0.0)

    def forget_before(self, now: float) -> None:
        """Drop chats whose interval has passed, so the table does not grow without end."""
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
