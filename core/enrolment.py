"""Enrolment decisions, pure: invite codes, their validity, and whose contact a contact is."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from core import texts
from core.buttons import ConsentButton
from core.domain import Invite
from core.messages import Choice, Reply, rows

# No 0/O, 1/I/L: codes are read off paper and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a person typed or a deep link carried, as stored: capitals, no spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", text).upper()


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(normalize_code(text)))


def invite_problem(invite: Invite | None, now: datetime) -> str | None:
    """Why this invite cannot be used now, as the message to send; None when it can."""
    if invite is None or invite.revoked:
        return texts.INVITE_UNKNOWN
    if invite.used_at is not None:
        return texts.INVITE_USED
    if invite.expires_at <= now:
        return texts.INVITE_EXPIRED
    return None


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}" if bot_username else ""


def consent_request(org: str, days: int) -> Reply:
    """Explicit consent: two buttons, nothing pre-selected; silence is not consent."""
    return Reply(
        texts.CONSENT_NOTICE.format(org=org, days=days),
        choices=rows(
            Choice(ConsentButton(True).encode(), texts.CONSENT_YES),
            Choice(ConsentButton(False).encode(), texts.CONSENT_NO),
        ),
    )
