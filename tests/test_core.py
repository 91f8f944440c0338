"""The pure core: phones, roster validation and planning, invite decisions. Plain values only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import texts
from core.domain import Invite, Person, Role, Unit
from core.enrolment import invite_problem, looks_like_code, new_code, normalize_code
from core.phones import normalize_phone
from core.roster import parse_roles, parse_roster, plan_import

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("912345678", "0912345678"),  # Excel dropped the zero
        ("(024) 3825 1234", "02438251234"),  # a Hanoi landline
        ("0123456789", None),  # old 11-digit era prefix, not a mobile today
        ("12345", None),
        ("+1 202 555 0100", None),
        ("", None),
    ],
)
def test_normalize_phone(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_roles_always_include_staff_and_accept_vietnamese_names() -> None:
    assert parse_roles("", "KHTC") == (frozenset({Role.STAFF}), frozenset(), [])
    assert parse_roles("head; Văn Phòng", "KHTC") == (
        frozenset({Role.STAFF, Role.HEAD}),
        frozenset({"KHTC"}),
        ["Văn Phòng"],
    )
    assert parse_roles("truong;vanphong", "KHTC")[0] == {Role.STAFF, Role.HEAD, Role.OFFICE}


def test_a_head_of_several_units() -> None:
    roles, heads, unknown = parse_roles("head;head:tccb", "KHTC")
    assert roles == {Role.STAFF, Role.HEAD}
    assert heads == {"KHTC", "TCCB"}
    assert unknown == []
    assert parse_roles("office:TCCB", "KHTC")[2] == ["office:TCCB"]  # only heads have a unit
    entries, errors = parse_roster(
        [
            (2, {**row("A"), "roles": "head:U2"}),
            (3, row("B", unit="U3")),
            (4, {**row("C"), "roles": "head:U9"}),
        ]
    )
    assert [e.staff_code for e in entries] == ["B"]
    assert [(e.line, e.reason) for e in errors] == [
        (2, texts.ROSTER_UNKNOWN_HEADED_UNIT.format(units="U2")),
        (4, texts.ROSTER_UNKNOWN_HEADED_UNIT.format(units="U9")),
    ]


def row(code: str, name: str = "An", unit: str = "U1", phone: str = "") -> dict[str, str]:
    return {"staff_code": code, "full_name": name, "unit_code": unit, "unit_name": f"Unit {unit}",
            "roles": "", "phone": phone}  # fmt: skip


def test_parse_roster_reports_each_problem_with_its_line() -> None:
    entries, errors = parse_roster(
        [
            (2, row("A", phone="0912345678")),
            (3, row("B", phone="+84912345678")),  # the same number as line 2
            (4, {**row("C"), "unit_name": "Another name"}),  # unit U1 already named
            (5, {"staff_code": "", "full_name": "", "unit_code": "", "unit_name": ""}),  # blank
        ]
    )
    assert [e.staff_code for e in entries] == ["A"]
    assert [(e.line, e.reason) for e in errors] == [
        (3, texts.ROSTER_DUPLICATE_PHONE.format(line=2)),
        (4, texts.ROSTER_UNIT_RENAMED.format(unit="U1", name="Unit U1", line=2)),
    ]


def test_an_empty_roster_is_an_error_not_a_mass_deactivation() -> None:
    assert parse_roster([])[1][0].reason == texts.ROSTER_EMPTY


def person(code: str, name: str = "An", active: bool = True) -> Person:
    return Person(1, code, name, Unit("U1", "Unit U1"), frozenset({Role.STAFF}), "", active)


def test_plan_import() -> None:
    entries, _ = parse_roster([(2, row("A")), (3, row("B", name="Bình")), (4, row("D"))])
    plan = plan_import([person("A"), person("B"), person("C"), person("D", active=False)], entries)
    assert plan.unchanged == 1
    assert [e.staff_code for e in plan.updated] == ["B", "D"]  # renamed; returning
    assert plan.deactivated == ["C"]
    assert plan.added == []


def test_invite_problems() -> None:
    invite = Invite("ABCDEFGH", 1, NOW, NOW + timedelta(days=14))
    assert invite_problem(invite, NOW) is None
    assert invite_problem(None, NOW) == texts.INVITE_UNKNOWN
    assert invite_problem(invite, NOW + timedelta(days=15)) == texts.INVITE_EXPIRED
    used = Invite("ABCDEFGH", 1, NOW, NOW + timedelta(days=14), used_at=NOW)
    assert invite_problem(used, NOW) == texts.INVITE_USED
    revoked = Invite("ABCDEFGH", 1, NOW, NOW + timedelta(days=14), revoked=True)
    assert invite_problem(revoked, NOW) == texts.INVITE_UNKNOWN


def test_codes_are_easy_to_type() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(looks_like_code(c) and not set(c) & set("01IOL") for c in codes)
    assert normalize_code(" abcd-efgh ") == "ABCDEFGH"
    assert not looks_like_code("xin chào")
