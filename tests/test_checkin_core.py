"""The check-in core with plain values: calendar, slots, the questionnaire walk, leave, pacing."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path
from random import Random

import pytest

from bot.files import read_questionnaire
from core import texts
from core.declarations import alert_recipients, due_prompts, due_reminders
from core.domain import Person, Role, Unit
from core.leave import LeaveRequest, parse_leave
from core.pacing import MARGIN, Pacer
from core.questionnaire import (
    Walk,
    alerting,
    describe,
    next_step,
    on_leave,
    parse_questionnaire,
    screen,
    start,
)
from core.schedule import Timing, owed
from core.slots import SlotName, SlotRef, is_late, make_slots, slot_at
from core.workdays import WorkCalendar
from tests.conftest import HCM

FORM = read_questionnaire(None)
SLOTS = make_slots(
    (time(7, 30), time(8, 15), time(9, 0)), (time(16, 30), time(17, 0), time(17, 30))
)
MONDAY = date(2026, 11, 23)
MORNING = SlotRef(MONDAY, SlotName.MORNING)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 9, 2), False),  # National Day
        (date(2026, 2, 17), False),  # Tết: the first day of the lunar year
        (date(2026, 2, 20), False),  # Tết: its fourth day
        (date(2026, 4, 27), False),  # Hùng Kings (10/3 lunar), observed
        (date(2027, 2, 9), False),  # Tết of the next year: the calendar is not a fixed list
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert WorkCalendar().is_working_day(day) is working


def test_organization_days_off_and_makeup_days() -> None:
    calendar = WorkCalendar(
        days_off=frozenset({MONDAY}), makeup_days=frozenset({date(2026, 11, 28)})
    )
    assert not calendar.is_working_day(MONDAY)
    assert calendar.is_working_day(date(2026, 11, 28))


@pytest.mark.parametrize(
    ("hhmm", "slot", "late"),
    [
        ("06:50", SlotName.MORNING, False),  # an early answer counts for the morning
        ("08:59", SlotName.MORNING, False),
        ("09:10", SlotName.MORNING, True),
        ("16:29", SlotName.MORNING, True),
        ("16:30", SlotName.AFTERNOON, False),
        ("17:45", SlotName.AFTERNOON, True),
    ],
)
def test_slot_at_and_late(hhmm: str, slot: SlotName, late: bool) -> None:
    local = datetime.combine(MONDAY, time.fromisoformat(hhmm), HCM)
    ref = slot_at(SLOTS, local)
    assert ref == SlotRef(MONDAY, slot)
    assert is_late(SLOTS, ref, local) is late


def test_slot_refs_fit_button_data() -> None:
    assert MORNING.code == "20261123m"
    assert SlotRef.parse("20261123m") == MORNING
    assert SlotRef.parse("20261323m") is None
    assert SlotRef.parse("20261123x") is None
    assert SlotRef.parse("") is None


def walk(choices: list[str], ref: SlotRef = MORNING) -> tuple[Walk, bool, int]:
    current, done, taps = start(FORM, ref), False, 0
    for choice in choices:
        step = next_step(FORM, current, choice)
        assert step is not None, choice
        current, done = step
        taps += 1
    return current, done, taps


def test_one_tap_healthy() -> None:
    result, done, taps = walk(["ok"])
    assert done and taps == 1
    assert result.answers == {"sym": (), "exp": "none", "place": "office"}
    assert alerting(FORM, result.answers) == []
    afternoon, _, _ = walk(["ok"], SlotRef(MONDAY, SlotName.AFTERNOON))
    assert "place" not in afternoon.answers  # the workplace is a morning question


def test_one_symptom_in_four_taps() -> None:
    result, done, taps = walk(["sym:fever", "sym:done", "exp:none", "place:office"])
    assert done and taps == 4
    assert [o.label for _, o in alerting(FORM, result.answers)] == ["Sốt"]
    assert describe(FORM, result.answers).splitlines()[0] == "Triệu chứng: Sốt"


def test_multi_select_toggles_and_exposure_alerts() -> None:
    result, done, _ = walk(
        ["sym:cough", "sym:fever", "sym:cough", "sym:done", "exp:case", "place:remote"]
    )
    assert done
    assert result.answers["sym"] == ("fever",)
    assert [o.id for _, o in alerting(FORM, result.answers)] == ["fever", "case"]


def test_leave_answer_and_remote_healthy() -> None:
    result, done, taps = walk(["sym:done", "exp:none", "place:leave"])
    assert done and taps == 3 and on_leave(FORM, result.answers)


def test_forged_and_stale_choices() -> None:
    first = start(FORM, MORNING)
    assert next_step(FORM, first, "sym:plague") is None
    assert next_step(FORM, first, "nope:x") is None
    assert next_step(FORM, first, "exp:done") is None
    afternoon = start(FORM, SlotRef(MONDAY, SlotName.AFTERNOON))
    assert next_step(FORM, afternoon, "place:office") is None  # not asked in the afternoon
    assert next_step(FORM, first, "exp:none") == (first, False)  # a later screen's button: stay


def test_screens() -> None:
    first = screen(FORM, start(FORM, MORNING), "header")
    assert first.text.startswith("header")
    assert first.choices[0][0].id == "ck:20261123m:ok"
    assert first.choices[-1][0].label == texts.MULTI_NONE
    assert all(len(c.id.encode()) <= 64 for row in first.choices for c in row)
    picked = screen(FORM, walk(["sym:fever"])[0])
    assert picked.choices[0][0].label == "☑️ Sốt"  # the healthy tap is gone once one is picked
    assert picked.choices[-1][0].label == texts.MULTI_DONE


def test_walk_survives_the_database() -> None:
    result, _, _ = walk(["sym:fever", "sym:taste"])
    assert Walk.from_state(result.to_state()) == result


def test_a_replacement_questionnaire_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="healthy answer"):
        parse_questionnaire(
            '{"version": "x", "healthy_label": "ok", "questions": [{"id": "q", "text": "?",'
            ' "healthy": "z", "options": [{"id": "a", "label": "A"}]}]}'
        )
    own = tmp_path / "form.json"
    own.write_text(
        '{"version": "v2", "healthy_label": "Ổn", "questions": [{"id": "temp", "text": "Nhiệt độ?",'
        ' "healthy": "normal", "options": [{"id": "normal", "label": "Bình thường"},'
        ' {"id": "high", "label": "Trên 37,5°C", "alert": true}]}]}',
        encoding="utf-8",
    )
    form = read_questionnaire(own)
    assert form.version == "v2" and form.for_slot(SlotName.AFTERNOON)[0].id == "temp"


def test_who_is_due() -> None:
    calendar = WorkCalendar()
    assert due_prompts(calendar, MONDAY, [1, 2, 3, 4], {2}, {3}, set()) == [1, 4]
    assert due_prompts(calendar, MONDAY, [1, 4], set(), set(), {1}) == [4]
    assert due_prompts(calendar, date(2026, 9, 2), [1], set(), set(), set()) == []
    assert due_reminders({1, 2, 3, 4}, {1}, {2}, {4}) == [3]


def test_what_a_start_up_owes() -> None:
    timings = [
        Timing("m:prompt", time(7, 30), until=time(9, 0), rerun=True),
        Timing("m:reminder", time(8, 15), until=time(9, 0), needs="m:prompt"),
        Timing("m:close", time(9, 0)),
        Timing("risk:deadline", time(15, 0)),
    ]
    assert owed(timings, time(7, 40), set()) == ["m:prompt"]
    assert owed(timings, time(8, 20), set()) == ["m:prompt"]  # no reminder on a late prompt
    assert owed(timings, time(8, 20), {"m:prompt"}) == ["m:prompt", "m:reminder"]
    assert owed(timings, time(8, 20), {"m:prompt", "m:reminder"}) == ["m:prompt"]
    assert owed(timings, time(12, 0), {"m:prompt"}) == ["m:close"]
    assert owed(timings, time(16, 0), {"m:prompt", "m:close"}) == ["risk:deadline"]
    assert owed(timings, time(6, 0), set()) == []


def test_alert_recipients() -> None:
    def person(pid: int, unit: str, *roles: Role) -> Person:
        heads = frozenset({unit}) if Role.HEAD in roles else frozenset()
        every = frozenset({Role.STAFF, *roles})
        return Person(pid, f"C{pid}", f"P{pid}", Unit(unit, unit), every, "", heads=heads)

    sick = person(1, "A")
    everyone = [
        sick,
        person(2, "A", Role.HEAD),
        person(3, "B", Role.HEAD),
        person(4, "V", Role.OFFICE),
    ]
    assert alert_recipients(sick, everyone) == [2, 4]
    assert alert_recipients(everyone[1], everyone) == [4]  # a head's own alert goes to the office


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("24/11", LeaveRequest(None, date(2026, 11, 24), date(2026, 11, 24))),
        ("24/11 26/11", LeaveRequest(None, date(2026, 11, 24), date(2026, 11, 26))),
        ("24/11-26/11", LeaveRequest(None, date(2026, 11, 24), date(2026, 11, 26))),
        (
            "cb005 2026-11-24 2026-11-25",
            LeaveRequest("CB005", date(2026, 11, 24), date(2026, 11, 25)),
        ),
        ("3/1", LeaveRequest(None, date(2027, 1, 3), date(2027, 1, 3))),  # January comes next year
        ("", texts.LEAVE_USAGE),
        ("26/11 24/11", texts.LEAVE_BACKWARDS),
        ("30/02", texts.LEAVE_BAD_DATE.format(text="30/02")),
        ("1/12 1/6/2027", texts.LEAVE_TOO_LONG.format(days=90)),
    ],
)
def test_parse_leave(args: str, expected: LeaveRequest | str) -> None:
    assert parse_leave(args, MONDAY) == expected


def run_pacer(
    pacer: Pacer, chats: list[str], seed: int, way: tuple[float, float], late: float = 0.0
) -> tuple[list[float], dict[str, list[float]]]:
    """Every message through `pacer` over a network that takes a random time within `way` each
    way (so requests bunch at the platform), by a sender that wakes up to `late` seconds after
    the moment it waits for (a busy event loop): the moments the platform counted them, overall
    and per chat. A step simulation on plain seconds."""
    chance, sleepy = Random(seed), Random(seed)  # the network's draws, the loop's
    waiting, flying = (
        list(chats),
        list[tuple[float, str, float]](),
    )  # flying: (answered at, chat, left at)
    arrivals: list[float] = []
    per_chat: dict[str, list[float]] = {}
    now = wake = 0.0
    while waiting or flying:
        for answered, chat, left in [f for f in flying if f[0] <= now]:
            flying.remove((answered, chat, left))
            pacer.landed(chat, left, answered)
        if waiting and len(flying) < 16:
            free = next((c for c in waiting if pacer.chat_free_at(c) <= now), None)
            start = pacer.ready_at(free, now) if free is not None else None
            if start is not None and start > now and wake <= now:  # asleep until it, and more
                wake = start + sleepy.uniform(0, late)
            if free is not None and start is not None and start <= now and wake <= now:
                chat = free
                waiting.remove(chat)
                pacer.leave(chat, now)
                arrived = now + chance.uniform(*way)
                arrivals.append(arrived)
                per_chat.setdefault(chat, []).append(arrived)
                flying.append((arrived + chance.uniform(*way), chat, now))
        now = round(now + 0.001, 6)
    return sorted(arrivals), per_chat


def busiest_second(arrivals: list[float]) -> int:
    """The most arrivals in any one-second window (each window ending with an arrival)."""
    return max(bisect_right(arrivals, m) - bisect_left(arrivals, m - 1.0) for m in arrivals)


def test_the_pacer_never_lets_a_window_at_the_platform_overflow() -> None:
    """Counted where the platform counts (arrival), whatever the network does: no one-second
    window holds more than the rate, no chat hears twice within its interval; and the pace
    stays near the limit (over 95% of it for a 600-message broadcast)."""
    chats = [f"c{i}" for i in range(600)] + ["one"] * 5 + [f"c{i}" for i in range(40)]
    # loopback; a steady network far away; a jittery one (half the trips bunch by 100 ms)
    for seed, way, pace in ((0, (0.0005, 0.003), 0.95), (1, (0.07, 0.08), 0.95),
                            (2, (0.005, 0.1), 0.85)):  # fmt: skip
        arrivals, per_chat = run_pacer(Pacer(rate=30, chat_interval=1.0), chats, seed, way)
        assert len(arrivals) == len(chats)
        assert busiest_second(arrivals) <= 30
        for chat, moments in per_chat.items():
            assert all(b - a >= 1.0 for a, b in pairwise(moments)), chat
        first = arrivals[:600]
        assert (len(first) - 1) / (first[-1] - first[0]) >= pace * 30


def test_a_request_counts_from_its_arrival_once_the_network_is_known() -> None:
    """After a full sample of round trips (the shortest 50 ms), an answer that took 400 ms
    came from a request the platform counted 50 ms - MARGIN before it at the latest; before
    that sample, the first requests (which may all have waited at a busy platform) count
    from their answers."""
    pacer = Pacer(rate=1, chat_interval=1.0)
    for n in range(64):
        answered = n * 2.0 + (0.05 if n == 10 else 0.4)
        pacer.leave(f"c{n}", n * 2.0)
        pacer.landed(f"c{n}", n * 2.0, answered)
        counted = answered if n < 63 else answered - 0.05 + MARGIN
        assert pacer.ready_at("next", answered) == pytest.approx(counted + 1.0), n


def test_a_sender_woken_late_keeps_the_pace() -> None:
    """A busy event loop wakes the sender up to 40 ms after the moment it asked for, at every
    request (more than the 33 ms between two): the pace stays near the limit, the windows at
    the platform still hold no more than the rate."""
    chats = [f"c{i}" for i in range(600)]
    arrivals, _ = run_pacer(Pacer(rate=30, chat_interval=1.0), chats, 3, (0.005, 0.01), 0.04)
    assert busiest_second(arrivals) <= 30
    assert (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) >= 0.95 * 30


def test_the_pacer_spreads_requests_and_waits_for_answers() -> None:
    pacer = Pacer(rate=30, chat_interval=1.0)
    starts: list[float] = []
    for i in range(60):  # answered at once: only the spacing holds them
        start = pacer.ready_at(f"chat{i}", starts[-1] if starts else 0.0)
        assert start is not None
        pacer.leave(f"chat{i}", start)
        pacer.landed(f"chat{i}", start, start)
        starts.append(start)
    assert starts[-1] == pytest.approx(59 / 30)
    resumed = starts[-1] + 5.0  # after a pause: the schedule starts again, no two at once
    pacer.leave("later", resumed)
    pacer.landed("later", resumed, resumed)
    assert pacer.ready_at("after", resumed) == pytest.approx(resumed + 1 / 30)
    slow = Pacer(rate=5, chat_interval=1.0)
    for i in range(5):
        slow.leave(f"c{i}", i * 0.2)
    assert slow.ready_at("c9", 1.0) is None  # five in flight: the next waits for an answer
    slow.landed("c1", 0.2, 0.25)  # too few round trips seen yet: it counts from its answer
    slow.landed("c0", 0.0, 1.5)
    assert slow.ready_at("c9", 1.1) == pytest.approx(1.25)  # c1 counts until 0.25 + 1
    assert slow.ready_at("c9", 1.5) == pytest.approx(1.5)
    assert slow.ready_at("c0", 1.5) == pytest.approx(2.5)  # the chat: 1 s after its answer
    slow.leave("c9", 1.5)
    slow.leave("c8", 1.7)
    assert slow.ready_at("c7", 1.9) is None  # four in flight and c0 still counting
    unlimited = Pacer(rate=0, chat_interval=0)
    for _ in range(10):
        unlimited.leave("x", 5.0)
    assert unlimited.ready_at("x", 5.0) == 5.0
