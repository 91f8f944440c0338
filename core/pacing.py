"""Pacing under a messenger's limits: so many messages in any one second overall, and a minimum
interval between two messages to one chat. Pure: times are plain seconds on any clock.

The platform counts a request when it arrives: about half the shortest round trip after it
left at the soonest, and about half of it before its answer came back at the latest; between,
the network may delay one request and bunch the next ones. So a request counts against the limit
from the moment it leaves until a window after its answer, less the shortest round trip seen
lately (less `MARGIN`, for one-way trips that are not quite half of it): then no window at the
platform holds more than the limit however the requests travel, and on a steady network a
request counts for about a window from its departure. Until a full sample of round trips has
been seen, a request counts from its answer: a broadcast's first requests may all have waited
at a busy platform, and their shortest trip would not be the network's. A chat's next message
leaves no sooner than the interval after the answer to its previous one (less the same round
trip), for the same reason.
Requests also leave 1/rate apart, so that they are spread rather than sent in bursts: apart on a
schedule, not from the moment each one actually left, so that a sender woken late (a busy event
loop) makes up up to an interval of lost time (two requests leave together at most) instead of
losing it; after a pause of more than a window, the schedule starts again."""

from __future__ import annotations

import math
from bisect import insort
from collections import deque
from dataclasses import dataclass, field

MARGIN = 0.005  # seconds: how much a one-way trip may fall short of half the shortest round trip


@dataclass
class Pacer:
    rate: float  # messages in any one-second window across all chats; 0 means no limit
    chat_interval: float  # seconds between two messages to one chat; 0 means no limit
    window: float = 1.0
    _next: float = 0.0  # the scheduled moment of the next departure (the spacing)
    _flying: int = 0  # left, not answered yet: they count until answered and a window more
    _ends: deque[float] = field(default_factory=deque)  # answered ones stop counting then
    _chat_next: dict[str, float] = field(default_factory=dict)
    _trips: deque[float] = field(default_factory=lambda: deque(maxlen=64))  # recent round trips

    @property
    def limit(self) -> int:
        return max(1, math.floor(self.rate))

    def ready_at(self, chat: str, now: float) -> float | None:
        """The earliest moment a message to `chat` may leave; None while that depends on
        requests still in flight (ask again when one is answered)."""
        start = max(now, self._next, self.chat_free_at(chat))
        if self.rate <= 0:
            return start
        while self._ends and self._ends[0] <= now:
            self._ends.popleft()
        room = self.limit - self._flying  # how many answered ones may still count
        if room <= 0:
            return None
        if len(self._ends) < room:
            return start
        return max(start, self._ends[len(self._ends) - room])

    def leave(self, chat: str, now: float) -> None:
        """A request to `chat` leaves now."""
        self._flying += 1
        if self.rate > 0:
            gap = 1.0 / self.rate
            if now - self._next > self.window:  # the first after a pause: no catching up
                self._next = now + gap
            else:
                self._next = max(self._next, now - gap) + gap
        if self.chat_interval > 0:
            self._chat_next[chat] = math.inf  # until it is answered

    def landed(self, chat: str, left: float, now: float) -> None:
        """The answer to a request to `chat` that left at `left` came back now (whatever it
        said)."""
        self._flying = max(0, self._flying - 1)
        trips = self._trips
        trips.append(max(0.0, now - left))
        network = max(0.0, min(trips) - MARGIN) if len(trips) == trips.maxlen else 0.0
        arrived_by = max(left, now - network)
        if self.rate > 0:
            insort(self._ends, arrived_by + self.window)
        if self.chat_interval > 0:
            self._chat_next[chat] = arrived_by + self.chat_interval

    def cancel(self, chat: str) -> None:
        """A request that was let leave did not leave after all."""
        self._flying = max(0, self._flying - 1)
        self._chat_next.pop(chat, None)

    def chat_free_at(self, chat: str) -> float:
        """When `chat` may have its next message (the overall limit aside); infinity while a
        message to it is in flight."""
        return self._chat_next.get(chat, 0.0)

    def forget_before(self, now: float) -> None:
        """Drop chats whose interval has passed, so the table does not grow without end."""
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
