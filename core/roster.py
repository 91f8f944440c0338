"""Roster import, pure: validate rows, then plan the upsert against the people already stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core import texts
from core.domain import STAFF_CODE, UNIT_CODE, Person, Role, Unit
from core.messages import quote
from core.phones import normalize_phone

COLUMNS = ("staff_code", "full_name", "unit_code", "unit_name", "roles", "phone")
REQUIRED = ("staff_code", "full_name", "unit_code", "unit_name")

# Vietnamese spellings an office might type in the roles column.
ROLE_ALIASES = {
    "staff": Role.STAFF, "nhanvien": Role.STAFF, "canbo": Role.STAFF,
    "head": Role.HEAD, "truong": Role.HEAD, "lanhdao": Role.HEAD,
    "office": Role.OFFICE, "vanphong": Role.OFFICE,
    "admin": Role.ADMIN, "quantri": Role.ADMIN,
    "leader": Role.LEADER, "lanhdaoso": Role.LEADER, "giamdoc": Role.LEADER,
}  # fmt: skip


@dataclass(frozen=True)
class RosterEntry:
    line: int
    staff_code: str
    full_name: str
    unit: Unit
    roles: frozenset[Role]
    phone: str
    heads: frozenset[str] = frozenset()  # codes of the units this person heads


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    units: list[Unit] = field(default_factory=list)
    added: list[RosterEntry] = field(default_factory=list)
    updated: list[RosterEntry] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.updated or self.deactivated)


def normalize_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def missing_columns(headers: Sequence[str]) -> list[str]:
    present = {normalize_header(h) for h in headers}
    return [c for c in REQUIRED if c not in present]


def parse_roles(raw: str, own_unit: str = "") -> tuple[frozenset[Role], frozenset[str], list[str]]:
    """Roles, the units headed, and the names not understood. Everyone on the roster declares,
    so `staff` is always included; `head` heads one's own unit, `head:TCCB` another as well."""
    roles, heads, unknown = {Role.STAFF}, set(), []
    for part in raw.replace(",", ";").split(";"):
        name, _, unit = part.strip().lower().replace(" ", "").partition(":")
        if not name:
            continue
        role = ROLE_ALIASES.get(name)
        if role is None or (unit and role != Role.HEAD):
            unknown.append(part.strip())
            continue
        roles.add(role)
        if role == Role.HEAD:
            heads.add(unit.upper() or own_unit)
    return frozenset(roles), frozenset(heads), unknown


def parse_roster(
    rows: Iterable[tuple[int, Mapping[str, str]]],
) -> tuple[list[RosterEntry], list[RowError]]:
    """Every bad row is reported, each with its line number; a file of no rows is an error too."""
    entries: list[RosterEntry] = []
    errors: list[RowError] = []
    code_lines: dict[str, int] = {}
    phone_lines: dict[str, int] = {}
    unit_names: dict[str, tuple[str, int]] = {}
    for line, raw in rows:
        row = {normalize_header(k): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue  # Excel leaves blank lines at the end of a sheet
        reasons = []
        code = row.get("staff_code", "")
        if not code:
            reasons.append(texts.ROSTER_NO_CODE)
        elif not STAFF_CODE.fullmatch(code):
            reasons.append(texts.ROSTER_BAD_CODE.format(code=quote(code, 24)))
        elif code in code_lines:
            reasons.append(texts.ROSTER_DUPLICATE_CODE.format(code=code, line=code_lines[code]))
        if not row.get("full_name"):
            reasons.append(texts.ROSTER_NO_NAME)
        unit_code, unit_name = row.get("unit_code", ""), row.get("unit_name", "")
        if not unit_code or not unit_name:
            reasons.append(texts.ROSTER_NO_UNIT)
        elif not UNIT_CODE.fullmatch(unit_code):
            reasons.append(texts.ROSTER_BAD_UNIT_CODE.format(unit=quote(unit_code, 24)))
            unit_code = ""  # not a unit of this file
        elif unit_code in unit_names and unit_names[unit_code][0] != unit_name:
            first_name, first_line = unit_names[unit_code]
            reasons.append(
                texts.ROSTER_UNIT_RENAMED.format(unit=unit_code, name=first_name, line=first_line)
            )
        roles, heads, unknown = parse_roles(row.get("roles", ""), unit_code)
        if unknown:
            reasons.append(texts.ROSTER_UNKNOWN_ROLE.format(roles=", ".join(unknown)))
        phone = ""
        if row.get("phone"):
            phone = normalize_phone(row["phone"]) or ""
            if not phone:
                reasons.append(texts.ROSTER_BAD_PHONE.format(phone=row["phone"]))
            elif phone in phone_lines:
                reasons.append(texts.ROSTER_DUPLICATE_PHONE.format(line=phone_lines[phone]))
        if reasons:
            errors.append(RowError(line, "; ".join(reasons)))
        if code and code not in code_lines:
            code_lines[code] = line
        if phone and phone not in phone_lines:
            phone_lines[phone] = line
        if unit_code and unit_name and unit_code not in unit_names:
            unit_names[unit_code] = (unit_name, line)
        if not reasons:
            unit = Unit(unit_code, unit_name)
            entries.append(RosterEntry(line, code, row["full_name"], unit, roles, phone, heads))
    for entry in entries:  # a unit headed must be a unit of the roster
        strangers = sorted(entry.heads - unit_names.keys())
        if strangers:
            reason = texts.ROSTER_UNKNOWN_HEADED_UNIT.format(units=", ".join(strangers))
            errors.append(RowError(entry.line, reason))
    errors.sort(key=lambda e: e.line)
    bad = {x.line for x in errors}  # once: checking stays linear in the rows
    entries = [e for e in entries if e.line not in bad]
    if not entries and not errors:
        errors.append(RowError(1, texts.ROSTER_EMPTY))
    return entries, errors


def plan_import(current: Sequence[Person], entries: Sequence[RosterEntry]) -> ImportPlan:
    """People missing from the file are deactivated, never deleted; returning people are updated."""
    by_code = {p.staff_code: p for p in current}
    units = list({e.unit.code: e.unit for e in entries}.values())
    added, updated, unchanged = [], [], 0
    for entry in entries:
        person = by_code.get(entry.staff_code)
        if person is None:
            added.append(entry)
        elif (
            person.active
            and person.full_name == entry.full_name
            and person.unit == entry.unit
            and person.roles == entry.roles
            and person.heads == entry.heads
            and person.phone == entry.phone
        ):
            unchanged += 1
        else:
            updated.append(entry)
    listed = {e.staff_code for e in entries}
    gone = sorted(p.staff_code for p in current if p.active and p.staff_code not in listed)
    return ImportPlan(units, added, updated, unchanged, gone)
