"""The heads' core with plain values: the risk rules, summaries, lists, the week."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.domain import Person, Role, Unit
from core.messages import split_text
from core.risk import RULES, RiskLevel, person_risk, unit_risk
from core.slots import SlotName, SlotRef
from core.summary import Mark, Standing, WeekRecord, cut, person_week, summarize, week_days
from core.workdays import WorkCalendar

V, H, R, N = RiskLevel.VERY_HIGH, RiskLevel.HIGH, RiskLevel.RISK, RiskLevel.NEW_NORMAL


@pytest.mark.parametrize(
    ("declarations", "on_leave", "level"),
    [
        ([{"contact", "symptom"}], False, V),
        (
            [{"contact"}, {"symptom"}],
            False,
            V,
        ),  # morning contact, afternoon symptom: the day counts
        ([{"contact"}], False, H),
        ([{"area", "symptom"}], False, H),
        ([{"symptom"}], False, R),
        ([{"area"}], False, R),
        ([set()], False, N),
        ([set(), set()], False, N),
        (None, False, R),  # not declared: cannot be called healthy
        (None, True, N),  # on leave
    ],
)
def test_risk_rules(declarations: list[set[str]] | None, on_leave: bool, level: RiskLevel) -> None:
    assert person_risk(declarations, on_leave) == level


def test_every_combination_of_tags_has_a_level_and_the_table_is_ordered() -> None:
    ranks = [level.rank for _, level in RULES]
    assert ranks == sorted(ranks, reverse=True)
    assert RULES[-1][0] == frozenset()  # the last row catches everything
    assert unit_risk([N, R, H]) == H
    assert unit_risk([]) == N


UNIT = Unit("K", "Phòng K")
REF = SlotRef(date(2026, 11, 23), SlotName.MORNING)
AT = datetime(2026, 11, 23, 0, 40, tzinfo=UTC)


def person(pid: int, name: str) -> Person:
    return Person(pid, f"C{pid}", name, UNIT, frozenset({Role.STAFF}), "")


def declared(pid: int, alert: bool = False, late: bool = False) -> Mark:
    return Mark(late, alert, {"sym": ("fever",)} if alert else {})


def test_summarize_counts_each_group_once() -> None:
    standings = [
        Standing(person(1, "An"), on_leave=True, reachable=True, mark=None),
        Standing(person(2, "Bình"), on_leave=False, reachable=False, mark=None),
        Standing(person(3, "Cúc"), on_leave=False, reachable=True, mark=None),
        Standing(person(4, "Dũng"), on_leave=False, reachable=True, mark=declared(4)),
        Standing(person(5, "Em"), on_leave=False, reachable=False, mark=declared(5, True, True)),
        Standing(person(6, "Phú"), on_leave=True, reachable=True, mark=declared(6)),
    ]
    summary = summarize(UNIT, REF, standings, lambda d: "Sốt")
    assert (summary.expected, summary.declared, summary.late) == (4, 2, 1)
    assert summary.on_leave == ["An", "Phú"]
    assert summary.unreachable == ["Bình"]
    assert [p.full_name for p in summary.missing] == ["Cúc"]
    assert summary.reported == [("Em", "Sốt")]
    assert summary.rate == 0.5


def test_lists_are_cut_and_long_texts_split() -> None:
    assert cut(["a", "b"], 2) == "a, b"
    assert cut(["a", "b", "c"], 2) == "a, b và 1 người khác"
    text = "\n".join(f"dòng {i:04d}" for i in range(2000))
    parts = split_text(text, 4000)
    assert all(len(p) <= 4000 for p in parts)
    assert "\n".join(parts) == text
    assert split_text("x" * 9000, 4000) == ["x" * 4000, "x" * 4000, "x" * 1000]


def test_the_weekly_day_moves_back_over_a_holiday() -> None:
    calendar = WorkCalendar(days_off=frozenset({date(2026, 11, 27)}))  # this Friday off
    assert week_days(date(2026, 11, 27), calendar, 5) == []
    thursday = week_days(date(2026, 11, 26), calendar, 5)
    assert thursday == [date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 26)]  # 24: holiday
    assert week_days(date(2026, 11, 25), calendar, 5) == []
    assert week_days(date(2026, 12, 4), WorkCalendar(), 5)[-1] == date(2026, 12, 4)


def test_person_week_skips_leave() -> None:
    days = [date(2026, 11, 23), date(2026, 11, 25)]
    week = WeekRecord(
        days,
        [person(1, "An")],
        {(days[0], SlotName.MORNING): {1: True}, (days[0], SlotName.AFTERNOON): {1: False}},
        {days[1]: {1}},
    )
    assert person_week(week, person(1, "An")) == (2, 2, 1)
