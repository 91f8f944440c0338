"""Good deeds: submitting a proposal, each move of its review, publishing; every step
stored, then told to those it concerns (who hears what is decided in `core.notices`)."""

from __future__ import annotations

from datetime import date, datetime, time

from core import texts
from core.domain import Channel, Person
from core.messages import Reply
from core.notices import story_for_heads, story_moved
from core.stories import (
    DAILY_LIMIT,
    MOVES,
    Draft,
    Move,
    State,
    Story,
    decision_words,
    describe,
)
from services import Services

TARGET = {move: target for (_, move), target in MOVES.items()}  # where each move leads


async def over_daily_limit(services: Services, person: Person, at: datetime) -> bool:
    midnight = datetime.combine(services.local(at).date(), time(0), services.settings.tz)
    return await services.store.deeds.proposals_since(person.id, midnight) >= DAILY_LIMIT


async def _unit_name(services: Services, code: str) -> str:
    unit = await services.store.people.unit(code)
    return unit.name if unit else code


async def submit(
    services: Services, person: Person, draft: Draft, channel: Channel, at: datetime
) -> list[Reply]:
    """A new proposal: stored, the card to the proposer, the heads of the nominee's unit told."""
    if await over_daily_limit(services, person, at):
        return [Reply(texts.DEED_DAILY_LIMIT.format(limit=DAILY_LIMIT))]
    story_id = await services.store.deeds.create_story(person.id, draft, channel, at)
    story = await services.store.deeds.story(story_id)
    if story is None:
        raise LookupError(f"story {story_id} not found right after it was stored")
    unit_name = await _unit_name(services, draft.unit_code)
    done = Reply(texts.DEED_SUBMITTED.format(id=story_id, unit=unit_name))
    heads = story_for_heads(story, unit_name, await services.store.people.leaders())
    return [Reply(describe(story, story_id)), done, *heads]


async def move(
    services: Services,
    story: Story,
    what: Move,
    by: Person,
    at: datetime,
    note: str = "",
    decision: tuple[str, str, date] | None = None,
    text: str | None = None,
) -> list[Reply] | None:
    """Make a move (if nobody made it first: None then) and tell those it concerns."""
    store = services.store.deeds
    moved_ok = await store.move_story(
        story, what, TARGET[what], by.id, at, note or None, decision, text
    )
    moved = await store.story(story.id) if moved_ok else None
    if moved is None:
        return None
    unit_name = await _unit_name(services, moved.draft.unit_code)
    leaders = await services.store.people.leaders()
    return story_moved(moved, what, unit_name, leaders, note)


async def publish(
    services: Services, story: Story, by: Person, to_channel: bool, at: datetime
) -> list[Reply] | None:
    """Published to everyone, or to the announcement chat; None if it cannot be (any more)."""
    store = services.store
    if not await store.deeds.move_story(story, Move.PUBLISH, State.PUBLISHED, by.id, at):
        return None
    moved = await store.deeds.story(story.id)
    if moved is None:
        return None
    text = texts.DEED_ANNOUNCEMENT.format(
        nominee=moved.draft.nominee_name,
        unit=await _unit_name(services, moved.draft.unit_code),
        category=texts.DEED_CATEGORIES.get(moved.draft.category, ""),
        story=moved.draft.text,
        decision=decision_words(moved),
    )
    announcement = [Reply("", photos=moved.draft.photos)] if moved.draft.photos else []
    announcement.append(Reply(text))
    chat = services.settings.announce_chat_id
    if to_channel and chat is not None:
        await store.outbox.enqueue_many(
            [(Channel.TELEGRAM, str(chat), r) for r in announcement], at
        )
        count = len(announcement)
    else:
        everyone = [p.id for p in await store.people.all_people() if p.active]
        count = await store.outbox.enqueue_for([(p, r) for p in everyone for r in announcement], at)
    told = texts.DEED_PUBLISHED_PROPOSER.format(id=moved.id)
    return [
        Reply(texts.DEED_PUBLISHED.format(id=moved.id, count=count)),
        Reply(told, to_person=moved.proposer_id),
    ]
