"""Every flow the bot answers, registered in one place, in order."""

from __future__ import annotations

from handlers import enrol, me
from handlers.router import Router


def register(router: Router) -> Router:
    # Enrolment: open to people the bot does not know yet; no consent needed to give consent.
    router.command(("start", "batdau"), enrol.start, role=None, consent=False)
    router.contact(enrol.shared_contact)
    router.choice("consent", enrol.consent, consent=False)

    # About me.
    router.command(("help", "trogiup"), me.help_, role=None, consent=False)
    router.command(("me", "toi"), me.me, consent=False)

    # Free text outside any flow: a typed invite code, or a hint.
    router.text(enrol.typed_text)
    return router
