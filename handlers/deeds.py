"""Proposing a good deed (`/decu`): nominee, category, the story, photos, form, type, preview.
Each step is a screen; where it stands is the conversation (`deed`) in the database.

```mermaid
stateDiagram-v2
    [*] --> nominee: /decu (at most five a day)
    nominee --> category: myself / a colleague (found by part of a name) / a whole unit
    category --> story
    story --> photos: 30 to 3,000 characters
    photos --> form: up to 3 photos, "Xong"
    form --> kind
    kind --> preview
    preview --> [*]: "Gửi": submitted, the unit's heads notified
    preview --> story: "Sửa câu chuyện"
    nominee --> [*]: "Hủy" or /huy at any step, nothing stored
```
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from core import texts
from core.buttons import ProposalButton
from core.domain import Person
from core.messages import Choice, Reply, quote, rows
from core.stories import (
    CATEGORIES,
    DAILY_LIMIT,
    FORMS,
    KINDS,
    MAX_PHOTOS,
    MAX_SEARCH,
    MAX_STORY,
    MIN_STORY,
    Draft,
    describe,
    name_key,
    story_problem,
)
from handlers.router import Ctx, keep, restore
from services.stories import over_daily_limit, submit

FLOW = "deed"
CANCEL = Choice(ProposalButton("cancel").encode(), texts.DEED_CANCEL)
SHOWN = 8


@dataclass(frozen=True)
class Proposal:
    """Where a proposal stands between messages: the step on screen and the draft so far."""

    step: str = ""  # "" when no proposal is in progress
    draft: Draft = field(default_factory=Draft)

    def to_state(self) -> dict[str, Any]:
        return {"step": self.step, "draft": asdict(self.draft)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Proposal:
        raw = dict(state["draft"])
        raw["photos"] = tuple(str(photo) for photo in raw.get("photos", ()))
        return cls(str(state["step"]), Draft(**raw))


def _state(ctx: Ctx) -> tuple[str, Draft]:
    proposal = restore(ctx, FLOW, Proposal.from_state, Proposal())
    return proposal.step, proposal.draft


async def _go(ctx: Ctx, step: str, draft: Draft, reply: Reply) -> list[Reply]:
    await keep(ctx, FLOW, Proposal(step, draft))
    return [reply]


async def propose(ctx: Ctx) -> list[Reply]:
    """`/decu`."""
    if await over_daily_limit(ctx.services, ctx.me(), ctx.now):
        return [Reply(texts.DEED_DAILY_LIMIT.format(limit=DAILY_LIMIT))]
    buttons = rows(
        Choice(ProposalButton("nom", "self").encode(), texts.DEED_NOMINEE_SELF),
        Choice(ProposalButton("nom", "person").encode(), texts.DEED_NOMINEE_PERSON),
        Choice(ProposalButton("nom", "unit").encode(), texts.DEED_NOMINEE_UNIT),
        CANCEL,
    )
    return await _go(ctx, "nominee", Draft(), Reply(texts.DEED_NOMINEE_ASK, choices=buttons))


async def button(ctx: Ctx) -> list[Reply]:
    """A button of the proposal (`ProposalButton`)."""
    pressed = ProposalButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.STALE_BUTTON)]
    action, value = pressed.action, pressed.value
    step, draft = _state(ctx)
    if action == "cancel" or not step:
        return await cancel(ctx)
    me = ctx.me()
    if action == "nom" and step == "nominee":
        if value == "self":
            return await _category(ctx, _person_nominee(draft, "self", me))
        if value == "person":
            return await _go(
                ctx, "search", draft, Reply(texts.DEED_SEARCH_ASK, choices=rows(CANCEL))
            )
        if value == "unit":
            units = await ctx.store.people.units()
            buttons = rows(
                *(Choice(ProposalButton("unit", u.code).encode(), u.name) for u in units), CANCEL
            )
            return await _go(ctx, "unit", draft, Reply(texts.DEED_UNIT_ASK, choices=buttons))
    if action == "pick" and step == "search" and pressed.number is not None:
        person = await ctx.store.people.person(pressed.number)
        if person is not None and person.active:
            return await _category(ctx, _person_nominee(draft, "person", person))
    if action == "unit" and step == "unit":
        unit = await ctx.store.people.unit(value)
        if unit is not None:
            return await _category(
                ctx,
                replace(draft, nominee_kind="unit", nominee_name=unit.name, unit_code=unit.code),
            )
    if action == "cat" and step == "category" and value in CATEGORIES:
        ask = texts.DEED_STORY_ASK.format(minimum=MIN_STORY, maximum=MAX_STORY)
        return await _go(
            ctx, "story", replace(draft, category=value), Reply(ask, choices=rows(CANCEL))
        )
    if action == "photos" and step == "photos":
        buttons = rows(
            *(Choice(ProposalButton("form", f).encode(), texts.DEED_FORMS[f]) for f in FORMS),
            CANCEL,
        )
        return await _go(ctx, "form", draft, Reply(texts.DEED_FORM_ASK, choices=buttons))
    if action == "form" and step == "form" and value in FORMS:
        buttons = rows(
            *(
                Choice(ProposalButton("kind", k).encode(), texts.DEED_KINDS[k].capitalize())
                for k in KINDS
            ),
            CANCEL,
        )
        return await _go(
            ctx, "kind", replace(draft, form=value), Reply(texts.DEED_KIND_ASK, choices=buttons)
        )
    if action == "kind" and step == "kind" and value in KINDS:
        return await _preview(ctx, replace(draft, kind=value))
    if action == "edit" and step == "preview":
        ask = texts.DEED_STORY_ASK.format(minimum=MIN_STORY, maximum=MAX_STORY)
        return await _go(ctx, "restory", draft, Reply(ask, choices=rows(CANCEL)))
    if action == "send" and step == "preview":
        return await _submit(ctx, draft)
    return [Reply(texts.STALE_BUTTON)]


async def message(ctx: Ctx) -> list[Reply]:
    """Text, a photo or a file while proposing."""
    step, draft = _state(ctx)
    event = ctx.event
    if step == "photos" and event.photo:
        if len(draft.photos) >= MAX_PHOTOS:
            return [Reply(texts.DEED_PHOTOS_FULL.format(maximum=MAX_PHOTOS))]
        draft = replace(draft, photos=(*draft.photos, event.photo))
        saved = texts.DEED_PHOTO_SAVED.format(count=len(draft.photos), maximum=MAX_PHOTOS)
        return await _go(ctx, "photos", draft, Reply(saved, choices=_photos_done()))
    if event.photo or event.attachment or event.unsupported:
        return [
            Reply(
                texts.DEED_ONLY_PHOTOS
                if step == "photos"
                else texts.DEED_TEXT_EXPECTED.format(
                    step=texts.DEED_STEP_NAMES.get(step, texts.DEED_STEP_NAMES[""])
                )
            )
        ]
    if step == "search":
        return await _search(ctx, draft, event.text)
    if step in ("story", "restory"):
        problem = story_problem(event.text)
        if problem:
            return [Reply(problem, choices=rows(CANCEL))]
        draft = replace(draft, text=event.text.strip())
        if step == "restory":
            return await _preview(ctx, draft)
        ask = texts.DEED_PHOTOS_ASK.format(maximum=MAX_PHOTOS)
        return await _go(ctx, "photos", draft, Reply(ask, choices=_photos_done()))
    return [
        Reply(
            texts.DEED_TEXT_EXPECTED.format(
                step=texts.DEED_STEP_NAMES.get(step, texts.DEED_STEP_NAMES[""])
            )
        )
    ]


async def cancel(ctx: Ctx) -> list[Reply]:
    """`/huy`, or the cancel button: end whatever is in progress; nothing of it is kept."""
    if not ctx.caller.flow:
        return [Reply(texts.NOTHING_TO_CANCEL)]
    await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
    return [Reply(texts.DEED_CANCELLED if ctx.caller.flow == FLOW else texts.CANCELLED)]


async def _search(ctx: Ctx, draft: Draft, text: str) -> list[Reply]:
    if len(text.strip()) > MAX_SEARCH:
        return [Reply(texts.DEED_SEARCH_TOO_LONG.format(maximum=MAX_SEARCH), choices=rows(CANCEL))]
    key = name_key(text)
    found = [
        p
        for p in await ctx.store.people.all_people()
        if p.active and key and key in name_key(p.full_name)
    ]
    if not found:
        return [Reply(texts.DEED_SEARCH_NONE.format(text=quote(text)), choices=rows(CANCEL))]
    shown = found[:SHOWN]
    buttons = rows(
        *(
            Choice(ProposalButton("pick", str(p.id)).encode(), f"{p.full_name} — {p.unit.name}")
            for p in shown
        ),
        CANCEL,
    )
    title = (
        texts.DEED_SEARCH_PICK
        if len(found) <= SHOWN
        else texts.DEED_SEARCH_MANY.format(count=len(found), shown=SHOWN)
    )
    return await _go(ctx, "search", draft, Reply(title, choices=buttons))


def _person_nominee(draft: Draft, kind: str, person: Person) -> Draft:
    """A person nominated (oneself or a colleague): the head of their unit endorses."""
    return replace(
        draft,
        nominee_kind=kind,
        nominee_id=person.id,
        nominee_name=person.full_name,
        unit_code=person.unit.code,
    )


async def _category(ctx: Ctx, draft: Draft) -> list[Reply]:
    buttons = rows(
        *(Choice(ProposalButton("cat", c).encode(), texts.DEED_CATEGORIES[c]) for c in CATEGORIES),
        CANCEL,
    )
    return await _go(ctx, "category", draft, Reply(texts.DEED_CATEGORY_ASK, choices=buttons))


def _photos_done() -> tuple[tuple[Choice, ...], ...]:
    return rows(Choice(ProposalButton("photos", "done").encode(), texts.DEED_PHOTOS_DONE), CANCEL)


async def _preview(ctx: Ctx, draft: Draft) -> list[Reply]:
    buttons = rows(
        Choice(ProposalButton("send").encode(), texts.DEED_SUBMIT),
        Choice(ProposalButton("edit").encode(), texts.DEED_EDIT_TEXT),
        CANCEL,
    )
    return await _go(ctx, "preview", draft, Reply(describe(draft), choices=buttons))


async def _submit(ctx: Ctx, draft: Draft) -> list[Reply]:
    replies = await submit(ctx.services, ctx.me(), draft, ctx.event.channel, ctx.now)
    if len(replies) > 1:  # stored: the proposal is over
        await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
        replies[0] = ctx.in_place(replies[0])
    return replies
