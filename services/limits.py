"""Limits on what a hostile or careless person can repeat: invite codes guessed (five wrong in an
hour, then an hour's wait) and exports refused; each burst is audited once, not per attempt."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import texts
from core.domain import Channel, Person
from core.messages import Reply
from services import Services

WINDOW = timedelta(hours=1)
INVITE_GUESSES = 5


def _who(channel: Channel, account_id: str) -> str:
    return f"{channel.value}:{account_id}"


async def guessing_blocked(
    services: Services, channel: Channel, account_id: str, at: datetime
) -> bool:
    """True when this account has used up its wrong invite codes for the hour."""
    tried = await services.store.office.attempts("invite", _who(channel, account_id), at - WINDOW)
    return tried >= INVITE_GUESSES


async def wrong_invite(
    services: Services, channel: Channel, account_id: str, answer: str, at: datetime
) -> Reply:
    """A wrong, used or expired code: counted; the fifth in an hour is audited (once) and
    answered with the wait."""
    who = _who(channel, account_id)
    tried = await services.store.office.record_attempt("invite", who, at, at - WINDOW)
    if tried < INVITE_GUESSES:
        return Reply(answer)
    if tried == INVITE_GUESSES:
        await services.store.office.audit(at, who, "invite-guesses", detail=f"{tried}/1h")
    return Reply(texts.INVITE_WAIT.format(count=INVITE_GUESSES))


async def refuse_export(services: Services, person: Person, what: str, at: datetime) -> Reply:
    """Anyone but the office asking for an export: refused; the first refusal of an hour is
    audited, the rest only counted."""
    who = str(person.id)
    tried = await services.store.office.record_attempt("export", who, at, at - WINDOW)
    if tried == 1:
        await services.store.office.audit(
            at, person.full_name, "export-refused", person.id, detail=what[:64]
        )
    return Reply(texts.EXPORT_OFFICE_ONLY)
