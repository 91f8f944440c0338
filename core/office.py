"""The office's records: audit entries and export requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    kind: str
    first: date | None
    last: date | None
    unit: str
    rows: int | None
    detail: str


REPORT_KIND = "report"  # an export request for a period report (/baocao): a document, not rows


@dataclass(frozen=True)
class ExportRequest:
    id: int
    person_id: int
    channel: str
    chat_id: str
    kind: str
    first: date
    last: date
    unit: str | None
    format: str
