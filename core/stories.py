"""Good people, good deeds (người tốt, việc tốt), pure: the proposal, its validation, and the
recognition workflow as states and allowed moves.

```mermaid
stateDiagram-v2
    [*] --> submitted: proposer (preview, "Gửi")
    submitted --> endorsed: a head of the nominee's unit
    submitted --> returned: a head of the nominee's unit, with a comment
    returned --> submitted: the proposer, after editing
    endorsed --> approved: the office, with form, decision number and date
    endorsed --> rejected: the office, with a reason
    approved --> published: the office (to everyone or to the announcement chat)
```
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from core import texts
from core.domain import Person, Role

MIN_STORY, MAX_STORY = 30, 3000
MAX_NOTE = 1000  # a head's comment, the office's reason
MAX_DECISION_NUMBER = 40  # "123/QĐ-SYT"
MAX_SEARCH = 60  # part of a name
MAX_PHOTOS = 3
DAILY_LIMIT = 5


class State(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ENDORSED = "endorsed"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"


class Move(StrEnum):
    ENDORSE = "endorse"
    RETURN = "return"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    REJECT = "reject"
    PUBLISH = "publish"


MOVES: dict[tuple[State, Move], State] = {
    (State.SUBMITTED, Move.ENDORSE): State.ENDORSED,
    (State.SUBMITTED, Move.RETURN): State.RETURNED,
    (State.RETURNED, Move.RESUBMIT): State.SUBMITTED,
    (State.ENDORSED, Move.APPROVE): State.APPROVED,
    (State.ENDORSED, Move.REJECT): State.REJECTED,
    (State.APPROVED, Move.PUBLISH): State.PUBLISHED,
}

# The buttons under a story card, by its state: (button code, label), and the move of each code.
NEXT_MOVES: dict[State, tuple[tuple[str, str], ...]] = {
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
    "af": Move.APPROVE,  # the form chosen
    "td": Move.APPROVE,  # decided today
    "pa": Move.PUBLISH,  # to everyone
    "pc": Move.PUBLISH,  # to the announcement chat
}

CATEGORIES = ("frontline", "support", "idea", "other")
FORMS = ("director", "chairman", "higher")
KINDS = ("adhoc", "thematic")


@dataclass(frozen=True)
class Draft:
    """A proposal being written, kept in the conversation between steps."""

    nominee_kind: str = ""  # "self", "person" or "unit"
    nominee_id: int | None = None
    nominee_name: str = ""
    unit_code: str = ""  # the unit whose head endorses
    category: str = ""
    text: str = ""
    photos: tuple[str, ...] = ()
    form: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Story:
    id: int
    proposer_id: int
    proposer_name: str
    draft: Draft
    state: State
    created_at: datetime
    decision_form: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    note: str = ""  # the last comment (returned) or reason (rejected)
    history: tuple[tuple[str, datetime], ...] = field(default=())  # (move, when)


def may(person: Person, story: Story, move: Move) -> bool:
    """Whether this person may make this move on this story now."""
    if (story.state, move) not in MOVES:
        return False
    if move in (Move.ENDORSE, Move.RETURN):
        return person.heads_unit(story.draft.unit_code)
    if move == Move.RESUBMIT:
        return person.id == story.proposer_id
    return person.has(Role.OFFICE)


def visible_length(text: str) -> int:
    """Characters a reader sees: format characters (zero-width spaces, joiners, direction
    marks) and surrounding white space do not count."""
    return sum(1 for ch in text.strip() if unicodedata.category(ch) != "Cf" and ch.isprintable())


def story_problem(text: str) -> str | None:
    length = visible_length(text)
    if length < MIN_STORY:
        return texts.DEED_TOO_SHORT.format(count=length, minimum=MIN_STORY)
    if length > MAX_STORY:
        return texts.DEED_TOO_LONG.format(count=length, maximum=MAX_STORY)
    return None


def describe(story_or_draft: Story | Draft, number: int | None = None) -> str:
    """The card of a proposal: who, what kind, the story."""
    draft = story_or_draft.draft if isinstance(story_or_draft, Story) else story_or_draft
    head = texts.DEED_CARD_NUMBER.format(id=number) if number else texts.DEED_CARD_DRAFT
    lines = [
        head,
        texts.DEED_CARD_NOMINEE.format(name=draft.nominee_name),
        texts.DEED_CARD_CATEGORY.format(category=texts.DEED_CATEGORIES.get(draft.category, "")),
        texts.DEED_CARD_FORM.format(
            form=texts.DEED_FORMS.get(draft.form, ""), kind=texts.DEED_KINDS.get(draft.kind, "")
        ),
    ]
    if draft.photos:
        lines.append(texts.DEED_CARD_PHOTOS.format(count=len(draft.photos)))
    lines += ["", draft.text.strip()]
    if isinstance(story_or_draft, Story):
        lines += ["", texts.DEED_CARD_STATE.format(state=state_label(story_or_draft))]
    return "\n".join(lines)


def decision_words(story: Story) -> str:
    """The office's decision in words: form, number, date ("" before one is made)."""
    if not story.decision_number:
        return ""
    when = f"{story.decision_date:%d/%m/%Y}" if story.decision_date else ""
    form = texts.DEED_FORMS.get(story.decision_form, "")
    return texts.DEED_DECISION.format(form=form, number=story.decision_number, date=when)


def state_label(story: Story) -> str:
    label = texts.DEED_STATES[story.state]
    if story.state in (State.APPROVED, State.PUBLISHED) and story.decision_number:
        label += " — " + decision_words(story)
    if story.state in (State.RETURNED, State.REJECTED) and story.note:
        label += f": {story.note}"
    return label


def list_line(story: Story) -> str:
    return texts.DEED_LIST_LINE.format(
        id=story.id,
        nominee=story.draft.nominee_name,
        category=texts.DEED_CATEGORIES.get(story.draft.category, ""),
        state=state_label(story),
    )


def name_key(text: str) -> str:
    """A name without case and Vietnamese tones, for finding a colleague by part of a name."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).lower()
    return "".join(c for c in folded if unicodedata.category(c) != "Mn").strip()
