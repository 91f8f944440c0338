"""What each export holds, pure: its title, Vietnamese column headers and widths, and how a
stored value reads in a spreadsheet (local dates and times, words for codes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot import texts


class Record(Protocol):
    """A stored row as an export reads it: values by column name."""

    def __getitem__(self, key: str) -> Any: ...


@dataclass(frozen=True)
class Kind:
    name: str  # on the command line: "stories"
    title: str  # on top of the sheet
    headers: tuple[str, ...]
    widths: tuple[int, ...]  # characters, so that the columns fit


STORIES = Kind(
    "stories",
    texts.EXPORT_TITLES["stories"],
    ("Số", "Trạng thái", "Người đề xuất", "Người/đơn vị được đề xuất", "Mã đơn vị", "Đơn vị",
     "Lĩnh vực", "Hình thức đề nghị", "Loại", "Hình thức được duyệt", "Số quyết định",
     "Ngày quyết định", "Ngày đề xuất", "Ngày đơn vị đề nghị", "Ngày duyệt", "Ngày biểu dương",
     "Câu chuyện"),
    (6, 22, 24, 28, 10, 28, 22, 30, 10, 30, 16, 14, 17, 17, 17, 17, 80),
)  # fmt: skip

KINDS = {k.name: k for k in (STORIES,)}


def utc_range(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants of a range of local days: [first 00:00, the day after last 00:00)."""
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return start, end


def local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M") if moment else ""


def day_text(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def heading(org: str, kind: Kind, first: date, last: date, unit: str | None) -> list[str]:
    """The lines above the table: the organization, what it is, the period and the unit."""
    period = texts.EXPORT_PERIOD.format(first=day_text(first), last=day_text(last))
    lines = [org, kind.title, period]
    if unit:
        lines.append(texts.EXPORT_UNIT.format(unit=unit))
    return lines


def story_cells(row: Record, tz: ZoneInfo) -> list[Any]:
    decided = date.fromisoformat(row["decision_date"]) if row["decision_date"] else None
    return [
        row["id"],
        texts.DEED_STATES.get(row["state"], row["state"]).split(" ", 1)[-1],
        row["proposer"],
        row["nominee_name"],
        row["unit_code"],
        row["unit"],
        texts.DEED_CATEGORIES.get(row["category"], row["category"]),
        texts.DEED_FORMS.get(row["proposed_form"], row["proposed_form"]),
        texts.DEED_KINDS.get(row["kind"], row["kind"]),
        texts.DEED_FORMS.get(row["decision_form"] or "", ""),
        row["decision_number"] or "",
        day_text(decided),
        local(_instant(row["created_at"]), tz),
        local(_instant(row["endorsed_at"]), tz),
        local(_instant(row["approved_at"]), tz),
        local(_instant(row["published_at"]), tz),
        row["story"],
    ]


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
