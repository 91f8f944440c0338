"""Reviewing good-deed proposals: the head endorses or returns, the office approves (form,
decision number, date) or rejects, then publishes. Each move is checked in the pure core
(`bot.deeds.may`) against the sender, never the button data, and notifies the proposer (and
the nominee when approved) and the next reviewer, with the photos.

Buttons: `dv:<move>:<story id>[:<value>]`. Moves that need words (a comment, a reason, the
decision number and date, the edited story) wait for them in the `review` conversation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import texts
from bot.deeds import (
    FORMS,
    MAX_STORY,
    MIN_STORY,
    Move,
    State,
    Story,
    decision_words,
    describe,
    list_line,
    may,
    state_label,
    story_problem,
)
from bot.domain import Channel, Role
from bot.leave import parse_day
from bot.messages import Choice, Reply, rows
from handlers.router import Ctx

FLOW = "review"
NEXT: dict[State, tuple[tuple[str, str], ...]] = {
    State.SUBMITTED: (("en", texts.DEED_ENDORSE), ("rt", texts.DEED_RETURN)),
    State.ENDORSED: (("ap", texts.DEED_APPROVE), ("rj", texts.DEED_REJECT)),
    State.APPROVED: (("pb", texts.DEED_PUBLISH),),
    State.RETURNED: (("rs", texts.DEED_RESUBMIT),),
}
MOVE_OF = {
    "en": Move.ENDORSE,
    "rt": Move.RETURN,
    "ap": Move.APPROVE,
    "rj": Move.REJECT,
    "pb": Move.PUBLISH,
    "rs": Move.RESUBMIT,
}


def card(
    story: Story, header: str = "", person: int | None = None, actions: bool = True
) -> list[Reply]:
    """The photos, then the card with the buttons of the story's next moves."""
    buttons = (
        rows(*(Choice(f"dv:{code}:{story.id}", label) for code, label in NEXT.get(story.state, ())))
        if actions
        else ()
    )
    text = f"{header}\n\n{describe(story, story.id)}" if header else describe(story, story.id)
    replies = [Reply("", photos=story.draft.photos, to_person=person)] if story.draft.photos else []
    return [*replies, Reply(text, choices=buttons, to_person=person)]


async def notify_heads(ctx: Ctx, story: Story) -> list[Reply]:
    unit = await ctx.store.unit(story.draft.unit_code)
    header = texts.DEED_FOR_HEAD.format(
        unit=unit.name if unit else story.draft.unit_code, proposer=story.proposer_name
    )
    leaders = await ctx.store.colleagues_to_alert()
    return [
        r
        for head in leaders
        if head.heads_unit(story.draft.unit_code)
        for r in card(story, header, head.id)
    ]


async def _notify_office(ctx: Ctx, story: Story) -> list[Reply]:
    unit = await ctx.store.unit(story.draft.unit_code)
    header = texts.DEED_FOR_OFFICE.format(
        unit=unit.name if unit else story.draft.unit_code, proposer=story.proposer_name
    )
    leaders = await ctx.store.colleagues_to_alert()
    return [r for p in leaders if p.has(Role.OFFICE) for r in card(story, header, p.id)]


async def mine(ctx: Ctx) -> list[Reply]:
    """`/decucuatoi`: my proposals and where they stand."""
    stories = await ctx.store.stories_of(ctx.me().id)
    if not stories:
        return [Reply(texts.DEED_MINE_NONE)]
    return [Reply("\n".join([texts.DEED_MINE_HEADER, *(list_line(s) for s in stories)]))]


async def pending(ctx: Ctx) -> list[Reply]:
    """`/choduyet`: what waits for me: endorsement of my units, or the office's decisions."""
    me = ctx.me()
    waiting: list[Story] = []
    if me.heads:
        waiting += await ctx.store.stories_waiting([State.SUBMITTED], sorted(me.heads))
    if me.has(Role.OFFICE):
        waiting += await ctx.store.stories_waiting([State.ENDORSED, State.APPROVED], None)
    if not waiting:
        return [Reply(texts.DEED_PENDING_NONE)]
    lines = [
        texts.DEED_PENDING_HEADER.format(count=len(waiting)),
        *(f"{s.draft.unit_code} · {list_line(s)}" for s in waiting),
    ]
    buttons = rows(
        *(Choice(f"dv:op:{s.id}", texts.DEED_OPEN.format(id=s.id)) for s in waiting[:10])
    )
    return [Reply("\n".join(lines), choices=buttons)]


async def button(ctx: Ctx) -> list[Reply]:
    parts = (ctx.event.choice or "").split(":")
    if len(parts) < 3 or not parts[2].isdigit():
        return [Reply(texts.FORGED_BUTTON)]
    code, story_id, value = parts[1], int(parts[2]), parts[3] if len(parts) > 3 else ""
    story = await ctx.store.story(story_id)
    if story is None:
        return [Reply(texts.DEED_UNKNOWN)]
    me = ctx.me()
    if code == "op":
        allowed = any(may(me, story, MOVE_OF[c]) for c, _ in NEXT.get(story.state, ()))
        return (
            card(story, actions=allowed)
            if allowed or me.id == story.proposer_id
            else [_refuse(story)]
        )
    move = {"af": Move.APPROVE, "td": Move.APPROVE, "pa": Move.PUBLISH, "pc": Move.PUBLISH}.get(
        code, MOVE_OF.get(code)
    )
    if move is None:
        return [Reply(texts.FORGED_BUTTON)]
    if not may(me, story, move):
        return [_refuse(story)]
    if code == "en":
        return await _endorse(ctx, story)
    if code in ("rt", "rj", "rs"):
        ask = {"rt": texts.DEED_RETURN_ASK, "rj": texts.DEED_REJECT_ASK}.get(code, "")
        if code == "rs":
            ask = texts.DEED_EDIT_ASK.format(
                id=story.id, minimum=MIN_STORY, maximum=MAX_STORY, note=story.note
            )
        return await _wait(ctx, {"story": story.id, "move": move.value}, ask.format(id=story.id))
    if code == "ap":
        buttons = rows(*(Choice(f"dv:af:{story.id}:{f}", texts.DEED_FORMS[f]) for f in FORMS))
        return [Reply(texts.DEED_APPROVE_FORM_ASK.format(id=story.id), choices=buttons)]
    if code == "af" and value in FORMS:
        state = {"story": story.id, "move": move.value, "form": value}
        return await _wait(ctx, state, texts.DEED_APPROVE_NUMBER_ASK.format(id=story.id))
    if code == "td" and ctx.caller.flow == FLOW and ctx.caller.state.get("number"):
        return await _approve(ctx, story, ctx.caller.state, ctx.local_now.date())
    if code == "pb":
        where = [Choice(f"dv:pa:{story.id}", texts.DEED_PUBLISH_ALL)]
        if ctx.settings.announce_chat_id is not None:
            where.append(Choice(f"dv:pc:{story.id}", texts.DEED_PUBLISH_CHANNEL))
        return [Reply(texts.DEED_PUBLISH_WHERE.format(id=story.id), choices=rows(*where))]
    if code in ("pa", "pc"):
        return await _publish(ctx, story, to_channel=code == "pc")
    return [Reply(texts.FORGED_BUTTON)]


async def message(ctx: Ctx) -> list[Reply]:
    """The words a move waits for."""
    state = ctx.caller.state
    story = await ctx.store.story(int(state.get("story", 0)))
    text = ctx.event.text.strip()
    if story is None:
        await ctx.store.end_conversation(ctx.event.channel, ctx.event.account_id)
        return [Reply(texts.DEED_UNKNOWN)]
    move = Move(state["move"])
    if not may(ctx.me(), story, move):
        await ctx.store.end_conversation(ctx.event.channel, ctx.event.account_id)
        return [_refuse(story)]
    if not text:
        return [Reply(texts.DEED_NOTE_EMPTY)]
    if move == Move.RETURN:
        return await _moved(ctx, story, Move.RETURN, State.RETURNED, note=text)
    if move == Move.REJECT:
        return await _moved(ctx, story, Move.REJECT, State.REJECTED, note=text)
    if move == Move.RESUBMIT:
        problem = story_problem(text)
        if problem:
            return [Reply(problem)]
        return await _moved(ctx, story, Move.RESUBMIT, State.SUBMITTED, text=text)
    if "number" not in state:
        buttons = rows(Choice(f"dv:td:{story.id}", texts.DEED_TODAY))
        return await _wait(ctx, {**state, "number": text}, texts.DEED_APPROVE_DATE_ASK, buttons)
    day = parse_day(text, ctx.local_now.date())
    if day is None:
        return [Reply(texts.DEED_BAD_DATE.format(text=text))]
    return await _approve(ctx, story, state, day)


async def _wait(
    ctx: Ctx, state: dict[str, Any], ask: str, buttons: tuple[tuple[Choice, ...], ...] = ()
) -> list[Reply]:
    await ctx.store.set_conversation(ctx.event.channel, ctx.event.account_id, FLOW, state, ctx.now)
    return [Reply(ask, choices=buttons)]


async def _endorse(ctx: Ctx, story: Story) -> list[Reply]:
    replies = await _moved(ctx, story, Move.ENDORSE, State.ENDORSED)
    moved = await ctx.store.story(story.id)
    return replies + (
        await _notify_office(ctx, moved) if moved and moved.state == State.ENDORSED else []
    )


async def _approve(ctx: Ctx, story: Story, state: dict[str, Any], day: date) -> list[Reply]:
    decision = (str(state["form"]), str(state["number"]), day)
    return await _moved(ctx, story, Move.APPROVE, State.APPROVED, decision=decision)


async def _moved(
    ctx: Ctx,
    story: Story,
    move: Move,
    state: State,
    note: str | None = None,
    decision: tuple[str, str, date] | None = None,
    text: str | None = None,
) -> list[Reply]:
    """Make the move (if nobody made it first) and tell those it concerns."""
    me = ctx.me()
    if not await ctx.store.move_story(story, move, state, me.id, ctx.now, note, decision, text):
        return [_refuse(story)]
    if ctx.caller.flow == FLOW:
        await ctx.store.end_conversation(ctx.event.channel, ctx.event.account_id)
    moved = await ctx.store.story(story.id)
    assert moved is not None
    unit = await ctx.store.unit(moved.draft.unit_code)
    unit_name = unit.name if unit else moved.draft.unit_code
    replies = [Reply(texts.DEED_DONE_REVIEWER.format(id=moved.id, state=state_label(moved)))]
    proposer = moved.proposer_id
    if move == Move.ENDORSE:
        replies.append(
            Reply(
                texts.DEED_ENDORSED_PROPOSER.format(id=moved.id, unit=unit_name), to_person=proposer
            )
        )
    elif move == Move.RETURN:
        button = rows(Choice(f"dv:rs:{moved.id}", texts.DEED_RESUBMIT))
        replies.append(
            Reply(
                texts.DEED_RETURNED_PROPOSER.format(id=moved.id, note=note),
                choices=button,
                to_person=proposer,
            )
        )
    elif move == Move.REJECT:
        replies.append(
            Reply(texts.DEED_REJECTED_PROPOSER.format(id=moved.id, note=note), to_person=proposer)
        )
    elif move == Move.RESUBMIT:
        replies = [
            Reply(texts.DEED_SUBMITTED.format(id=moved.id, unit=unit_name)),
            *await notify_heads(ctx, moved),
        ]
    elif move == Move.APPROVE:
        decision_text = decision_words(moved)
        replies.append(
            Reply(
                texts.DEED_APPROVED_PROPOSER.format(id=moved.id, decision=decision_text),
                to_person=proposer,
            )
        )
        nominee = moved.draft.nominee_id
        if nominee is not None and nominee != proposer:
            replies.append(
                Reply(
                    texts.DEED_APPROVED_NOMINEE.format(id=moved.id, decision=decision_text),
                    to_person=nominee,
                )
            )
        replies += card(moved)  # the office can publish from here
    return replies


async def _publish(ctx: Ctx, story: Story, to_channel: bool) -> list[Reply]:
    me = ctx.me()
    if not await ctx.store.move_story(story, Move.PUBLISH, State.PUBLISHED, me.id, ctx.now):
        return [_refuse(story)]
    moved = await ctx.store.story(story.id)
    assert moved is not None
    unit = await ctx.store.unit(moved.draft.unit_code)
    text = texts.DEED_ANNOUNCEMENT.format(
        nominee=moved.draft.nominee_name,
        unit=unit.name if unit else moved.draft.unit_code,
        category=texts.DEED_CATEGORIES.get(moved.draft.category, ""),
        story=moved.draft.text,
        decision=decision_words(moved),
    )
    announcement = [Reply("", photos=moved.draft.photos)] if moved.draft.photos else []
    announcement.append(Reply(text))
    if to_channel and ctx.settings.announce_chat_id is not None:
        chat = str(ctx.settings.announce_chat_id)
        await ctx.store.enqueue_many([(Channel.TELEGRAM, chat, r) for r in announcement], ctx.now)
        count = len(announcement)
    else:
        everyone = [p.id for p in await ctx.store.all_people() if p.active]
        count = await ctx.store.enqueue_for(
            [(p, r) for p in everyone for r in announcement], ctx.now
        )
    done = Reply(texts.DEED_PUBLISHED.format(id=moved.id, count=count))
    return [
        done,
        Reply(texts.DEED_PUBLISHED_PROPOSER.format(id=moved.id), to_person=moved.proposer_id),
    ]


def _refuse(story: Story) -> Reply:
    return Reply(texts.DEED_NOT_ALLOWED.format(id=story.id, state=texts.DEED_STATES[story.state]))
