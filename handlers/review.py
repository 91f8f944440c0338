"""Reviewing good-deed proposals: the head endorses or returns, the office approves (form,
decision number, date) or rejects, then publishes. Each move is checked in the pure core
(`core.stories.may`) against the sender, never the button data, and notifies the proposer (and
the nominee when approved) and the next reviewer, with the photos.

Buttons: `ReviewButton`. Moves that need words (a comment, a reason, the
decision number and date, the edited story) wait for them in the `review` conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core import texts
from core.buttons import ReviewButton
from core.domain import Role
from core.leave import parse_day
from core.messages import Choice, Reply, quote, rows
from core.notices import story_card
from core.stories import (
    FORMS,
    MAX_DECISION_NUMBER,
    MAX_NOTE,
    MAX_STORY,
    MIN_STORY,
    MOVE_OF,
    NEXT_MOVES,
    Move,
    State,
    Story,
    list_line,
    may,
    story_problem,
)
from handlers.router import Ctx, keep, restore
from services import stories

FLOW = "review"


@dataclass(frozen=True)
class Awaiting:
    """The words a move waits for: a comment, a reason, the edited story, or the decision's
    number and then its date (after the form was chosen)."""

    story: int
    move: Move
    form: str = ""
    number: str = ""

    def to_state(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "move": self.move.value,
            "form": self.form,
            "number": self.number,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Awaiting:
        story = state["story"]
        if not isinstance(story, int):
            raise TypeError("story")
        return cls(
            story, Move(state["move"]), str(state.get("form", "")), str(state.get("number", ""))
        )


NOTHING = Awaiting(0, Move.ENDORSE)  # not waiting for anything


async def mine(ctx: Ctx) -> list[Reply]:
    """`/decucuatoi`: my proposals and where they stand."""
    found = await ctx.store.deeds.stories_of(ctx.me().id)
    if not found:
        return [Reply(texts.DEED_MINE_NONE)]
    return [Reply("\n".join([texts.DEED_MINE_HEADER, *(list_line(s) for s in found)]))]


async def pending(ctx: Ctx) -> list[Reply]:
    """`/choduyet`: what waits for me: endorsement of my units, or the office's decisions."""
    me = ctx.me()
    waiting: list[Story] = []
    if me.heads:
        waiting += await ctx.store.deeds.stories_waiting([State.SUBMITTED], sorted(me.heads))
    if me.has(Role.OFFICE):
        waiting += await ctx.store.deeds.stories_waiting([State.ENDORSED, State.APPROVED], None)
    if not waiting:
        return [Reply(texts.DEED_PENDING_NONE)]
    lines = [
        texts.DEED_PENDING_HEADER.format(count=len(waiting)),
        *(f"{s.draft.unit_code} · {list_line(s)}" for s in waiting),
    ]
    buttons = rows(
        *(Choice(_id("op", s.id), texts.DEED_OPEN.format(id=s.id)) for s in waiting[:10])
    )
    return [Reply("\n".join(lines), choices=buttons)]


def _id(move: str, story: int, value: str = "") -> str:
    return ReviewButton(move, story, value).encode()


async def button(ctx: Ctx) -> list[Reply]:
    pressed = ReviewButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.FORGED_BUTTON)]
    code, value = pressed.move, pressed.value
    story = await ctx.store.deeds.story(pressed.story)
    if story is None:
        return [Reply(texts.DEED_UNKNOWN)]
    me = ctx.me()
    if code == "op":
        allowed = any(may(me, story, MOVE_OF[c]) for c, _ in NEXT_MOVES.get(story.state, ()))
        if allowed or me.id == story.proposer_id:
            return story_card(story, actions=allowed)
        return [_refuse(story)]
    move = MOVE_OF[code]
    if not may(me, story, move):
        return [_refuse(story)]
    if code == "en":
        return await _moved(ctx, story, Move.ENDORSE)
    if code in ("rt", "rj", "rs"):
        ask = {"rt": texts.DEED_RETURN_ASK, "rj": texts.DEED_REJECT_ASK}.get(code, "")
        if code == "rs":
            ask = texts.DEED_EDIT_ASK.format(
                id=story.id, minimum=MIN_STORY, maximum=MAX_STORY, note=story.note
            )
        return await _wait(ctx, Awaiting(story.id, move), ask.format(id=story.id))
    if code == "ap":
        buttons = rows(*(Choice(_id("af", story.id, f), texts.DEED_FORMS[f]) for f in FORMS))
        return [Reply(texts.DEED_APPROVE_FORM_ASK.format(id=story.id), choices=buttons)]
    if code == "af" and value in FORMS:
        waiting = Awaiting(story.id, move, form=value)
        return await _wait(ctx, waiting, texts.DEED_APPROVE_NUMBER_ASK.format(id=story.id))
    if code == "td":  # "today", under the question of one story's decision date
        waiting = restore(ctx, FLOW, Awaiting.from_state, NOTHING)
        if waiting.story != story.id or not waiting.number:
            return [Reply(texts.STALE_BUTTON)]
        return await _approve(ctx, story, waiting, ctx.local_now.date())
    if code == "pb":
        where = [Choice(_id("pa", story.id), texts.DEED_PUBLISH_ALL)]
        if ctx.settings.announce_chat_id is not None:
            where.append(Choice(_id("pc", story.id), texts.DEED_PUBLISH_CHANNEL))
        return [Reply(texts.DEED_PUBLISH_WHERE.format(id=story.id), choices=rows(*where))]
    if code in ("pa", "pc"):
        published = await stories.publish(ctx.services, story, me, code == "pc", ctx.now)
        return published if published is not None else [_refuse(story)]
    return [Reply(texts.FORGED_BUTTON)]


async def message(ctx: Ctx) -> list[Reply]:
    """The words a move waits for."""
    waiting = restore(ctx, FLOW, Awaiting.from_state, NOTHING)
    story = await ctx.store.deeds.story(waiting.story) if waiting.story else None
    text = ctx.event.text.strip()
    move = waiting.move
    if story is None:
        await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
        return [Reply(texts.DEED_UNKNOWN)]
    if not may(ctx.me(), story, move):
        await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
        return [_refuse(story)]
    if not text:
        return [Reply(texts.DEED_NOTE_EMPTY)]
    if move in (Move.RETURN, Move.REJECT) and len(text) > MAX_NOTE:
        return [Reply(texts.DEED_NOTE_TOO_LONG.format(count=len(text), maximum=MAX_NOTE))]
    if move in (Move.RETURN, Move.REJECT):
        return await _moved(ctx, story, move, note=text)
    if move == Move.RESUBMIT:
        problem = story_problem(text)
        if problem:
            return [Reply(problem)]
        return await _moved(ctx, story, Move.RESUBMIT, text=text)
    if not waiting.number and len(text) > MAX_DECISION_NUMBER:
        return [Reply(texts.DEED_NUMBER_TOO_LONG.format(maximum=MAX_DECISION_NUMBER))]
    if not waiting.number:
        buttons = rows(Choice(_id("td", story.id), texts.DEED_TODAY))
        number = replace(waiting, number=text)
        return await _wait(ctx, number, texts.DEED_APPROVE_DATE_ASK, buttons)
    day = parse_day(text, ctx.local_now.date())
    if day is None:
        return [Reply(texts.DEED_BAD_DATE.format(text=quote(text)))]
    return await _approve(ctx, story, waiting, day)


async def _wait(
    ctx: Ctx, waiting: Awaiting, ask: str, buttons: tuple[tuple[Choice, ...], ...] = ()
) -> list[Reply]:
    await keep(ctx, FLOW, waiting)
    return [Reply(ask, choices=buttons)]


async def _approve(ctx: Ctx, story: Story, waiting: Awaiting, day: date) -> list[Reply]:
    decision = (waiting.form, waiting.number, day)
    return await _moved(ctx, story, Move.APPROVE, decision=decision)


async def _moved(
    ctx: Ctx,
    story: Story,
    move: Move,
    note: str = "",
    decision: tuple[str, str, date] | None = None,
    text: str | None = None,
) -> list[Reply]:
    """Make the move (if nobody made it first) and tell those it concerns."""
    replies = await stories.move(ctx.services, story, move, ctx.me(), ctx.now, note, decision, text)
    if replies is None:
        return [_refuse(story)]
    if ctx.caller.flow == FLOW:
        await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
    return replies


def _refuse(story: Story) -> Reply:
    return Reply(texts.DEED_NOT_ALLOWED.format(id=story.id, state=texts.DEED_STATES[story.state]))
