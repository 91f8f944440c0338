"""A person's data and their rights over it (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): what is
shown to them, what an erasure removes, what retention keeps. Records and pure texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from core import texts
from core.buttons import PrivacyButton
from core.declarations import Declaration, Leave
from core.domain import Account, Person
from core.messages import Choice, Reply, rows
from core.questionnaire import Questionnaire, describe
from core.stories import Story


@dataclass(frozen=True)
class ConsentRecord:
    version: str
    accepted_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class LevelRecord:
    day: date
    round: int
    suggested: str
    level: str


@dataclass(frozen=True)
class MyData:
    """Everything stored about one person."""

    person: Person
    accounts: list[Account]
    consents: list[ConsentRecord]
    declarations: list[Declaration]  # every version, oldest first
    leaves: list[Leave]
    levels: list[LevelRecord]
    stories: list[Story]  # proposed by them, or naming them
    exports: int  # office exports made while their data was stored (the audit's count)


@dataclass(frozen=True)
class ErasureRequest:
    id: int
    person_id: int
    asked_at: datetime
    state: str  # "asked", "erased", "declined"


@dataclass(frozen=True)
class Erased:
    """What an erasure removed, by kind (counts only: the audit line carries no data)."""

    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return ", ".join(f"{kind} {n}" for kind, n in sorted(self.counts.items()) if n) or "0"


def my_data_text(data: MyData, form: Questionnaire, tz: tzinfo) -> list[str]:
    """The person's data as readable lines (a message, split as it must be)."""
    person = data.person
    lines = [
        texts.MYDATA_HEADER,
        texts.MYDATA_PROFILE.format(
            name=person.full_name,
            code=person.staff_code,
            unit=person.unit.name,
            roles=", ".join(texts.ROLE_NAMES[r] for r in sorted(person.roles)),
            phone=person.phone or "—",
        ),
        texts.MYDATA_ACCOUNTS.format(
            accounts=", ".join(texts.CHANNEL_NAMES[a.channel] for a in data.accounts) or "—"
        ),
    ]
    for consent in data.consents:
        withdrawn = (
            texts.MYDATA_WITHDRAWN.format(at=_when(consent.withdrawn_at, tz))
            if consent.withdrawn_at
            else ""
        )
        lines.append(
            texts.MYDATA_CONSENT.format(
                version=consent.version, at=_when(consent.accepted_at, tz), withdrawn=withdrawn
            )
        )
    lines.append(texts.MYDATA_DECLARATIONS.format(count=len(data.declarations)))
    for d in data.declarations:
        answers = describe(form, d.answers).replace("\n", "; ")
        late = texts.MYDATA_LATE if d.late else ""
        slot = texts.SLOT_NAMES[d.ref.slot]
        lines.append(f"• {d.ref.day:%d/%m/%Y} {slot} ({_when(d.declared_at, tz)}){late}: {answers}")
    if data.leaves:
        ranges = ", ".join(f"{x.first_day:%d/%m/%Y}–{x.last_day:%d/%m/%Y}" for x in data.leaves)
        lines.append(texts.MYDATA_LEAVES.format(ranges=ranges))
    for level in data.levels:
        lines.append(
            texts.MYDATA_LEVEL.format(
                day=f"{level.day:%d/%m/%Y}", level=texts.RISK_NAMES.get(level.level, level.level)
            )
        )
    if data.stories:
        lines.append(texts.MYDATA_STORIES.format(ids=", ".join(f"#{s.id}" for s in data.stories)))
    lines.append(texts.MYDATA_EXPORTS.format(count=data.exports))
    return lines


def _when(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M") if moment else ""


def withdraw_question() -> Reply:
    """Withdrawing consent is asked first: two buttons, nothing pre-selected."""
    buttons = rows(
        Choice(PrivacyButton("wd").encode(), texts.WITHDRAW_BUTTON),
        Choice(PrivacyButton("keep").encode(), texts.KEEP_BUTTON),
    )
    return Reply(texts.WITHDRAW_ASK, choices=buttons)
