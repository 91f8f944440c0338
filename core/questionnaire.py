"""The questionnaire is data; this walks it, one button press at a time.

A walk is where one person stands in one slot's questionnaire. Every screen of the first
question carries the one-tap healthy answer, which fills every remaining question with its
healthy default. Reporting one symptom takes four taps: the symptom, "Xong", the exposure
answer, the workplace.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from core import texts
from core.buttons import CheckinButton
from core.messages import Choice, Reply
from core.slots import SlotName, SlotRef

Answer = str | tuple[str, ...]
HEALTHY = "ok"
DONE = "done"


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    alert: bool = False  # reporting it alerts the unit's heads and the office
    leave: bool = False  # answering it means the person is on leave today
    risk: str = ""  # what it says for the risk level: "symptom", "contact" or "area"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: str  # "single" or "multi"
    options: tuple[Option, ...]
    healthy: Answer
    short: str = ""  # a label for summaries: "Triệu chứng"
    slots: frozenset[SlotName] = frozenset(SlotName)
    # options offered beside the one-tap healthy answer ("✅ Khỏe — làm việc từ xa"): the healthy
    # answer with this question answered so; the first is the healthy default itself
    one_tap: tuple[str, ...] = ()

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    healthy_label: str
    questions: tuple[Question, ...]

    def for_slot(self, slot: SlotName) -> list[Question]:
        return [q for q in self.questions if slot in q.slots]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def parse_questionnaire(text: str) -> Questionnaire:
    """From the JSON file; ValueError says what is wrong."""
    data: dict[str, Any] = json.loads(text)
    questions = []
    for raw in data["questions"]:
        options = tuple(
            Option(
                o["id"],
                o["label"],
                bool(o.get("alert")),
                bool(o.get("leave")),
                o.get("risk", "symptom" if o.get("alert") else ""),
            )
            for o in raw["options"]
        )
        kind = raw.get("kind", "single")
        healthy: Answer = tuple(raw["healthy"]) if kind == "multi" else str(raw["healthy"])
        question = Question(
            id=raw["id"],
            text=raw["text"],
            kind=kind,
            options=options,
            healthy=healthy,
            short=raw.get("short", raw["id"]),
            slots=frozenset(SlotName(s) for s in raw.get("slots", list(SlotName))),
            one_tap=tuple(str(o) for o in raw.get("one_tap", ())),
        )
        if kind not in ("single", "multi"):
            raise ValueError(f"question {question.id}: kind must be single or multi")
        chosen = healthy if isinstance(healthy, tuple) else (healthy,)
        if any(question.option(o) is None for o in chosen):
            raise ValueError(f"question {question.id}: its healthy answer is not an option")
        if any(question.option(o) is None for o in question.one_tap) or (
            question.one_tap and (kind != "single" or question.one_tap[0] != healthy)
        ):
            raise ValueError(
                f"question {question.id}: one_tap lists options, the healthy answer first"
            )
        if any(len(f"ck:20261231m:{question.id}:{o.id}".encode()) > 64 for o in options):
            raise ValueError(f"question {question.id}: ids too long for button data")
        questions.append(question)
    if not questions:
        raise ValueError("the questionnaire has no questions")
    return Questionnaire(data["version"], data["healthy_label"], tuple(questions))


@dataclass(frozen=True)
class Walk:
    ref: SlotRef
    step: str  # the id of the question on screen
    answers: dict[str, Answer] = field(default_factory=dict)
    picked: tuple[str, ...] = ()  # a multi-select in progress

    def to_state(self) -> dict[str, Any]:
        answers = {k: list(v) if isinstance(v, tuple) else v for k, v in self.answers.items()}
        return {
            "ref": self.ref.code,
            "step": self.step,
            "answers": answers,
            "picked": list(self.picked),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Walk | None:
        ref = SlotRef.parse(str(state.get("ref", "")))
        if ref is None:
            return None
        answers = {k: tuple(v) if isinstance(v, list) else v for k, v in state["answers"].items()}
        return cls(ref, state["step"], answers, tuple(state.get("picked", [])))


def start(form: Questionnaire, ref: SlotRef) -> Walk:
    return Walk(ref, form.for_slot(ref.slot)[0].id)


def next_step(form: Questionnaire, walk: Walk, choice: str) -> tuple[Walk, bool] | None:
    """The walk after one choice, and whether it is complete; None for a choice that is not
    on this questionnaire at all (forged)."""
    questions = form.for_slot(walk.ref.slot)
    if choice == HEALTHY or choice.startswith(HEALTHY + ":"):
        answers = {q.id: walk.answers.get(q.id, q.healthy) for q in questions}
        variant = choice.partition(":")[2]
        if variant:  # the healthy answer at another place: "ok:remote"
            where = next((q for q in questions if variant in q.one_tap[1:]), None)
            if where is None:
                return None
            answers[where.id] = variant
        return replace(walk, answers=answers, picked=()), True
    question_id, _, option_id = choice.partition(":")
    question = form.question(question_id)
    if question is None or question not in questions:
        return None
    if option_id != DONE and question.option(option_id) is None:
        return None
    if option_id == DONE and question.kind != "multi":
        return None
    if question_id != walk.step:
        return walk, False  # a button of an earlier screen: stay where we are
    if question.kind == "multi" and option_id != DONE:
        picked = tuple(p for p in walk.picked if p != option_id)
        if len(picked) == len(walk.picked):
            picked = (*walk.picked, option_id)
        return replace(walk, picked=picked), False
    answer: Answer = walk.picked if option_id == DONE else option_id
    answers = {**walk.answers, question_id: answer}
    remaining = [q for q in questions if q.id not in answers]
    if not remaining:
        return replace(walk, answers=answers, picked=()), True
    return Walk(walk.ref, remaining[0].id, answers), False


def _one_taps(
    form: Questionnaire, questions: list[Question], button: Callable[[str], str]
) -> list[Choice]:
    """The healthy answer in one tap; where a question offers places, one per place."""
    where = next((q for q in questions if q.one_tap), None)
    if where is None:
        return [Choice(button(HEALTHY), form.healthy_label)]
    taps = []
    for n, option_id in enumerate(where.one_tap):
        option = where.option(option_id)
        place = option.label[:1].lower() + option.label[1:] if option else option_id
        choice = HEALTHY if n == 0 else f"{HEALTHY}:{option_id}"
        taps.append(Choice(button(choice), texts.ONE_TAP_AT.format(place=place)))
    return taps


def screen(form: Questionnaire, walk: Walk, header: str = "") -> Reply:
    """The current question with its buttons; the first question also offers the healthy tap."""
    questions = form.for_slot(walk.ref.slot)
    question = form.question(walk.step) or questions[0]

    def button(choice: str) -> str:
        return CheckinButton(walk.ref, choice).encode()

    rows: list[tuple[Choice, ...]] = []
    if question.id == questions[0].id and not walk.picked:
        rows.extend((choice,) for choice in _one_taps(form, questions, button))
    buttons = []
    for option in question.options:
        mark = "☑️ " if option.id in walk.picked else ""
        buttons.append(Choice(button(f"{question.id}:{option.id}"), mark + option.label))
    # two per row keeps seven symptoms on one phone screen
    width = 2 if question.kind == "multi" else 1
    rows.extend(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))
    if question.kind == "multi":
        label = texts.MULTI_DONE if walk.picked else texts.MULTI_NONE
        rows.append((Choice(button(f"{question.id}:{DONE}"), label),))
    text = f"{header}\n\n{question.text}" if header else question.text
    return Reply(text, choices=tuple(rows))


def alerting(form: Questionnaire, answers: dict[str, Answer]) -> list[tuple[Question, Option]]:
    """The answers that call for an alert (symptoms, exposure), in questionnaire order."""
    found = []
    for question in form.questions:
        answer = answers.get(question.id, ())
        for option_id in answer if isinstance(answer, tuple) else (answer,):
            option = question.option(option_id)
            if option is not None and option.alert:
                found.append((question, option))
    return found


def risk_tags(form: Questionnaire, answers: dict[str, Answer]) -> set[str]:
    """What the answers say for the risk level ("symptom", "contact", "area")."""
    return {option.risk for _, option in alerting(form, answers) if option.risk}


def on_leave(form: Questionnaire, answers: dict[str, Answer]) -> bool:
    for question in form.questions:
        answer = answers.get(question.id)
        if isinstance(answer, str) and (option := question.option(answer)) and option.leave:
            return True
    return False


def describe(form: Questionnaire, answers: dict[str, Answer]) -> str:
    """A readable line of what was answered, for the person's confirmation and the alerts."""
    parts = []
    for question in form.questions:
        if question.id not in answers:
            continue
        answer = answers[question.id]
        chosen = answer if isinstance(answer, tuple) else (answer,)
        labels = [o.label for o in question.options if o.id in chosen]
        parts.append(f"{question.short}: {', '.join(labels) if labels else texts.NONE_CHOSEN}")
    return "\n".join(parts)
