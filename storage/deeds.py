"""Queries about good-deed stories: proposals, photos, moves, lists and the export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from core.domain import Channel
from core.stories import Draft, Move, State, Story
from storage.db import Repository, Row, from_ts, ts

_STORY = """
    SELECT s.*, p.full_name AS proposer_name,
           (SELECT group_concat(file_id, ' ') FROM story_photos f WHERE f.story_id = s.id) AS photos
    FROM stories s JOIN people p ON p.id = s.proposer_id
"""


def _story(row: Row) -> Story:
    draft = Draft(
        nominee_kind=row["nominee_kind"],
        nominee_id=row["nominee_id"],
        nominee_name=row["nominee_name"],
        unit_code=row["unit_code"],
        category=row["category"],
        text=row["story"],
        photos=tuple((row["photos"] or "").split()),
        form=row["proposed_form"],
        kind=row["kind"],
    )
    return Story(
        id=row["id"],
        proposer_id=row["proposer_id"],
        proposer_name=row["proposer_name"],
        draft=draft,
        state=State(row["state"]),
        created_at=from_ts(row["created_at"]),
        decision_form=row["decision_form"] or "",
        decision_number=row["decision_number"] or "",
        decision_date=date.fromisoformat(row["decision_date"]) if row["decision_date"] else None,
        note=row["note"] or "",
    )


class DeedRepo(Repository):
    async def create_story(
        self, proposer_id: int, draft: Draft, channel: Channel, now: datetime
    ) -> int:
        async with self.transaction():
            story_id = await self._insert(
                "INSERT INTO stories (proposer_id, nominee_kind, nominee_id, nominee_name,"
                " unit_code, category, story, proposed_form, kind, state, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (proposer_id, draft.nominee_kind, draft.nominee_id, draft.nominee_name,
                 draft.unit_code, draft.category, draft.text.strip(), draft.form, draft.kind,
                 State.SUBMITTED.value, ts(now), ts(now)),
            )  # fmt: skip
            await self._executemany(
                "INSERT INTO story_photos (story_id, position, channel, file_id)"
                " VALUES (?, ?, ?, ?)",
                [(story_id, n, channel.value, f) for n, f in enumerate(draft.photos)],
            )
            await self._record_move(story_id, "submit", State.SUBMITTED, proposer_id, now, None)
        return story_id

    async def story(self, story_id: int) -> Story | None:
        row = await self._fetchone(_STORY + " WHERE s.id = ?", (story_id,))
        return _story(row) if row else None

    async def move_story(
        self,
        story: Story,
        move: Move,
        state: State,
        actor_id: int,
        now: datetime,
        note: str | None = None,
        decision: tuple[str, str, date] | None = None,
        text: str | None = None,
    ) -> bool:
        """Move a story on, if nobody moved it first; with the move recorded."""
        async with self.transaction():
            form, number, day = decision or (None, None, None)
            changed = await self._execute(
                "UPDATE stories SET state = ?, updated_at = ?, note = coalesce(?, note),"
                " decision_form = coalesce(?, decision_form),"
                " decision_number = coalesce(?, decision_number),"
                " decision_date = coalesce(?, decision_date), story = coalesce(?, story)"
                " WHERE id = ? AND state = ?",
                (state.value, ts(now), note, form, number, day.isoformat() if day else None,
                 text, story.id, story.state.value),
            )  # fmt: skip
            if changed:
                await self._record_move(story.id, move.value, state, actor_id, now, note)
        return changed > 0

    async def _record_move(
        self, story_id: int, move: str, state: State, actor_id: int, now: datetime, note: str | None
    ) -> None:
        await self._execute(
            "INSERT INTO story_moves (story_id, move, state, actor_id, at, note)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (story_id, move, state.value, actor_id, ts(now), note),
        )

    async def story_moves(self, story_id: int) -> list[tuple[str, str, datetime]]:
        """(move, state, when) in order."""
        rows = await self._fetchall(
            "SELECT move, state, at FROM story_moves WHERE story_id = ? ORDER BY id", (story_id,)
        )
        return [(r["move"], r["state"], from_ts(r["at"])) for r in rows]

    async def proposals_since(self, proposer_id: int, since: datetime) -> int:
        row = await self._fetchone(
            "SELECT count(*) AS n FROM stories WHERE proposer_id = ? AND created_at >= ?",
            (proposer_id, ts(since)),
        )
        return int(row["n"]) if row else 0

    async def stories_of(self, proposer_id: int, limit: int = 20) -> list[Story]:
        rows = await self._fetchall(
            _STORY + " WHERE s.proposer_id = ? ORDER BY s.id DESC LIMIT ?", (proposer_id, limit)
        )
        return [_story(r) for r in rows]

    async def stories_waiting(
        self, states: Sequence[State], units: Sequence[str] | None
    ) -> list[Story]:
        """Stories in these states (of these units, or all), oldest first."""
        marks = ",".join("?" * len(states))
        params: list[object] = [s.value for s in states]
        where = f" WHERE s.state IN ({marks})"
        if units is not None:
            where += f" AND s.unit_code IN ({','.join('?' * len(units))})"
            params += list(units)
        rows = await self._fetchall(_STORY + where + " ORDER BY s.unit_code, s.id", params)
        return [_story(r) for r in rows]
