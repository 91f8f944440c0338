"""Reading a leave request: `/nghi 24/11`, `/nghi 24/11 26/11`, `/nghi 24/11-26/11`,
`/nghi 2026-11-24`; a head may put a staff code first: `/nghi CB005 24/11 26/11`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core import texts
from core.domain import STAFF_CODE, Person, Role
from core.messages import quote

MAX_DAYS = 90
_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$")


@dataclass(frozen=True)
class LeaveRequest:
    staff_code: str | None  # None: for oneself
    first_day: date
    last_day: date


def parse_day(text: str, today: date) -> date | None:
    """`24/11`, `24/11/2026`, `24.11.26` or `2026-11-24`; without a year, the next such day
    (a day more than a month past means next year)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _DATE.match(text)
    if not match:
        return None
    day, month, year = int(match[1]), int(match[2]), match[3]
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        guess = date(today.year, month, day)
    except ValueError:
        return None
    return guess if guess >= today - timedelta(days=31) else guess.replace(year=today.year + 1)


def parse_leave(args: str, today: date) -> LeaveRequest | str:
    """The request, or the message explaining what is wrong."""
    words = (
        args.replace("-", " ").replace("–", " ").split() if not _iso_only(args) else args.split()
    )
    if not words:
        return texts.LEAVE_USAGE
    code = None
    if not _looks_like_date(words[0]):
        code, words = words[0].upper(), words[1:]
        if not STAFF_CODE.fullmatch(code):
            return texts.LEAVE_UNKNOWN_PERSON.format(code=quote(code, 20))
    if not words or len(words) > 2:
        return texts.LEAVE_USAGE
    days = [d for d in (parse_day(w, today) for w in words) if d is not None]
    if len(days) != len(words):
        return texts.LEAVE_BAD_DATE.format(text=quote(" ".join(words)))
    first, last = days[0], days[-1]
    if last < first:
        return texts.LEAVE_BACKWARDS
    if (last - first).days >= MAX_DAYS:
        return texts.LEAVE_TOO_LONG.format(days=MAX_DAYS)
    return LeaveRequest(code, first, last)


def _looks_like_date(word: str) -> bool:
    return bool(_DATE.match(word) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", word))


def _iso_only(args: str) -> bool:
    return bool(re.fullmatch(r"\s*(\S+\s+)?\d{4}-\d{2}-\d{2}(\s+\d{4}-\d{2}-\d{2})?\s*", args))


def may_declare_for(actor: Person, person: Person) -> bool:
    """Leave for someone else: the office for anyone active, a head for the people of the units
    they head (not of the unit they belong to)."""
    if not person.active:
        return False
    return actor.has(Role.OFFICE) or actor.heads_unit(person.unit.code)
