"""Who is told what: the decisions behind every notice a job or a move sends, as pure
functions over people and records. Each returns (person id, reply) pairs to queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time

from core import texts
from core.buttons import HeadsButton, ReviewButton
from core.domain import Person, Role, Unit
from core.messages import Choice, Reply, rows
from core.risk import RiskRound
from core.slots import SlotRef
from core.stories import NEXT_MOVES, Move, Story, decision_words, describe, state_label
from core.summary import (
    UnitSummary,
    WeekRecord,
    office_table,
    summary_text,
    weekly_office_text,
    weekly_text,
)

Notice = tuple[int, Reply]


def heads_of(unit_code: str, people: Iterable[Person]) -> list[Person]:
    """The heads of one unit."""
    return [p for p in people if p.heads_unit(unit_code)]


def office_of(people: Iterable[Person]) -> list[Person]:
    return [p for p in people if p.has(Role.OFFICE)]


def sees_organization(person: Person) -> bool:
    """The office and the leadership get the organization's tables and outcomes."""
    return person.has(Role.OFFICE) or person.has(Role.LEADER)


def alert_digest(
    day: date, alerts: Sequence[tuple[str, str, str]], leaders: Iterable[Person]
) -> list[Notice]:
    """At the end of the day, the leadership (who are not told of each alert as it comes) gets
    the day's alerts in one message: (name, unit name, slot name) each."""
    readers = [
        p for p in leaders if p.has(Role.LEADER) and not p.has(Role.OFFICE) and not p.alerts_each
    ]
    if not readers:
        return []
    if alerts:
        lines = "\n".join(f"• {name} ({unit}, {slot})" for name, unit, slot in alerts)
        text = texts.ALERT_DIGEST.format(day=f"{day:%d/%m}", count=len(alerts), lines=lines)
    else:
        text = texts.ALERT_DIGEST_NONE.format(day=f"{day:%d/%m}")
    return to_all(readers, Reply(text))


def to_all(people: Iterable[Person], reply: Reply) -> list[Notice]:
    return [(p.id, reply) for p in people]


def summary_reply(summary: UnitSummary) -> Reply:
    """A unit's summary with its buttons: nudge the missing, the full list."""
    buttons = []
    if summary.missing:
        buttons.append(Choice(HeadsButton("nu", summary.unit.code).encode(), texts.NUDGE_BUTTON))
    if summary.shortened:
        full = HeadsButton("fu", summary.unit.code, summary.ref).encode()
        buttons.append(Choice(full, texts.FULL_LIST_BUTTON))
    return Reply(summary_text(summary), choices=rows(*buttons))


def slot_summaries(
    summaries: Sequence[UnitSummary], leaders: Iterable[Person], ref: SlotRef
) -> list[Notice]:
    """At a slot's close: each head the summaries of their units, the office the table."""
    by_unit = {s.unit.code: s for s in summaries}
    notices: list[Notice] = []
    for leader in leaders:
        notices += [
            (leader.id, summary_reply(by_unit[u])) for u in sorted(leader.heads) if u in by_unit
        ]
        if sees_organization(leader):
            table = office_table([s.counts for s in summaries], ref)
            notices.append((leader.id, Reply(table)))
    return notices


def weekly_summaries(week: WeekRecord, leaders: Iterable[Person]) -> list[Notice]:
    """The week: each head per person of their units, the office per unit."""
    units = {p.unit.code: p.unit for p in week.people}
    notices: list[Notice] = []
    for leader in leaders:
        notices += [
            (leader.id, Reply(weekly_text(week, units[u])))
            for u in sorted(leader.heads)
            if u in units
        ]
        if sees_organization(leader):
            ordered = sorted(units.values(), key=lambda u: u.name)
            notices.append((leader.id, Reply(weekly_office_text(week, ordered))))
    return notices


def deadline_missed(
    day: date,
    open_rounds: Sequence[RiskRound],
    units: dict[str, Unit],
    leaders: Sequence[Person],
    deadline: time,
) -> list[Notice]:
    """At the risk deadline: the office hears which units missed it (or that none did), and
    the heads of each unit that missed it hear that they are late."""
    missed = [r for r in open_rounds if r.day == day and r.reason == "daily"]
    at = f"{deadline:%H:%M}"

    def name(code: str) -> str:
        return units[code].name if code in units else code

    if missed:
        names = "\n".join(f"• {name(r.unit_code)}" for r in missed)
        office = texts.RISK_MISSED_OFFICE.format(deadline=at, count=len(missed), units=names)
    else:
        office = texts.RISK_ALL_ON_TIME.format(deadline=at)
    notices = to_all([p for p in leaders if sees_organization(p)], Reply(office))
    for round_ in missed:
        late = Reply(texts.RISK_LATE_HEAD.format(deadline=at, unit=name(round_.unit_code)))
        notices += to_all(heads_of(round_.unit_code, leaders), late)
    return notices


def story_card(
    story: Story, header: str = "", person: int | None = None, actions: bool = True
) -> list[Reply]:
    """The photos, then the card with the buttons of the story's next moves."""
    buttons = (
        rows(
            *(
                Choice(ReviewButton(code, story.id).encode(), label)
                for code, label in NEXT_MOVES.get(story.state, ())
            )
        )
        if actions
        else ()
    )
    text = f"{header}\n\n{describe(story, story.id)}" if header else describe(story, story.id)
    photos = [Reply("", photos=story.draft.photos, to_person=person)] if story.draft.photos else []
    return [*photos, Reply(text, choices=buttons, to_person=person)]


def story_for_heads(story: Story, unit_name: str, leaders: Iterable[Person]) -> list[Reply]:
    """A proposal (or a resubmission) to the heads of the nominee's unit, to endorse."""
    header = texts.DEED_FOR_HEAD.format(unit=unit_name, proposer=story.proposer_name)
    heads = heads_of(story.draft.unit_code, leaders)
    return [r for head in heads for r in story_card(story, header, head.id)]


def story_for_office(story: Story, unit_name: str, leaders: Iterable[Person]) -> list[Reply]:
    """An endorsed story to the office, to decide."""
    header = texts.DEED_FOR_OFFICE.format(unit=unit_name, proposer=story.proposer_name)
    return [r for p in office_of(leaders) for r in story_card(story, header, p.id)]


def story_moved(
    moved: Story, move: Move, unit_name: str, leaders: Iterable[Person], note: str = ""
) -> list[Reply]:
    """After a move: the reviewer's answer, then who else hears of it (the proposer; the
    nominee when approved; the office after an endorsement; the heads after a resubmission)."""
    proposer = moved.proposer_id
    done = Reply(texts.DEED_DONE_REVIEWER.format(id=moved.id, state=state_label(moved)))
    if move == Move.RESUBMIT:
        submitted = Reply(texts.DEED_SUBMITTED.format(id=moved.id, unit=unit_name))
        return [submitted, *story_for_heads(moved, unit_name, leaders)]
    if move == Move.ENDORSE:
        told = texts.DEED_ENDORSED_PROPOSER.format(id=moved.id, unit=unit_name)
        return [done, Reply(told, to_person=proposer), *story_for_office(moved, unit_name, leaders)]
    if move == Move.RETURN:
        resubmit = rows(Choice(ReviewButton("rs", moved.id).encode(), texts.DEED_RESUBMIT))
        told = texts.DEED_RETURNED_PROPOSER.format(id=moved.id, note=note)
        return [done, Reply(told, choices=resubmit, to_person=proposer)]
    if move == Move.REJECT:
        told = texts.DEED_REJECTED_PROPOSER.format(id=moved.id, note=note)
        return [done, Reply(told, to_person=proposer)]
    if move == Move.APPROVE:
        decision = decision_words(moved)
        told = texts.DEED_APPROVED_PROPOSER.format(id=moved.id, decision=decision)
        replies = [done, Reply(told, to_person=proposer)]
        nominee = moved.draft.nominee_id
        if nominee is not None and nominee != proposer:
            for_nominee = texts.DEED_APPROVED_NOMINEE.format(id=moved.id, decision=decision)
            replies.append(Reply(for_nominee, to_person=nominee))
        return [*replies, *story_card(moved)]  # the office can publish from here
    return [done]
