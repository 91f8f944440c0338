"""Every flow the bot answers, registered in one place, in order."""

from __future__ import annotations

from core.buttons import (
    AnnounceButton,
    ChannelButton,
    CheckinButton,
    ConsentButton,
    ExportButton,
    HeadsButton,
    PrivacyButton,
    ProposalButton,
    ReviewButton,
    RiskButton,
)
from core.domain import Role
from handlers import (
    announce,
    audit,
    checkin,
    deeds,
    enrol,
    export,
    heads,
    history,
    leave,
    me,
    privacy,
    review,
    risk_update,
)
from handlers.router import Router


def register(router: Router) -> Router:
    # Enrolment: open to people the bot does not know yet; no consent needed to give consent.
    router.command(("start", "batdau"), enrol.start, role=None, consent=False)
    router.contact(enrol.shared_contact)
    router.choice(ConsentButton.PREFIX, enrol.consent, consent=False)

    # The daily check-in: prompts and reminders arrive from the scheduler; buttons land here.
    router.command(("khaibao", "declare"), checkin.declare)
    router.choice(CheckinButton.PREFIX, checkin.button)
    router.command(("lichsu", "history"), history.history)
    router.command(("nghi", "leave"), leave.leave)

    # Unit heads (and the office): today's status, the missing, nudges; the risk update.
    router.command(("tinhhinh", "status"), heads.status, role=(Role.HEAD, Role.OFFICE))
    router.command(("chuakhai", "missing"), heads.missing, role=(Role.HEAD, Role.OFFICE))
    router.command(("nhac", "remind"), heads.nudge, role=(Role.HEAD, Role.OFFICE))
    router.choice(HeadsButton.PREFIX, heads.button, role=(Role.HEAD, Role.OFFICE))
    router.choice(RiskButton.PREFIX, risk_update.button, role=Role.HEAD)

    # Good people, good deeds: proposing, then the review (not health data: no consent needed).
    router.command(("decu", "propose"), deeds.propose, consent=False)
    router.choice(ProposalButton.PREFIX, deeds.button, consent=False)
    router.conversation(deeds.FLOW, deeds.message, consent=False)
    router.command(("decucuatoi", "mystories"), review.mine, consent=False)
    router.command(("choduyet", "pending"), review.pending, role=(Role.HEAD, Role.OFFICE))
    router.choice(ReviewButton.PREFIX, review.button, consent=False)
    router.conversation(review.FLOW, review.message, consent=False)
    router.command(("huy", "cancel"), deeds.cancel, consent=False)

    # The office: exports (refusals audited, so open to all), the audit log, announcements.
    router.command(("xuat", "export"), export.export, consent=False, listed=Role.OFFICE)
    router.command(
        ("baocao", "report"),
        export.report,
        role=(Role.HEAD, Role.OFFICE, Role.LEADER),
        consent=False,
    )
    router.choice(ExportButton.PREFIX, export.button, consent=False)
    router.conversation(export.FLOW, export.text, consent=False)
    router.command(("nhatky", "audit"), audit.audit_log, role=Role.OFFICE, consent=False)
    router.command(("thongbao", "announce"), announce.announce, role=Role.OFFICE, consent=False)
    router.choice(AnnounceButton.PREFIX, announce.button, role=Role.OFFICE, consent=False)
    router.conversation(announce.FLOW, announce.text, role=Role.OFFICE, consent=False)

    # My data and my rights (Law 91/2025/QH15): withdraw consent, see it, ask for its erasure.
    router.command(("rutdongy", "withdraw"), privacy.withdraw, consent=False)
    router.command(("dulieu", "mydata"), privacy.my_data, consent=False)
    router.command(("xoadulieu", "erase"), privacy.erase, consent=False)
    router.choice(PrivacyButton.PREFIX, privacy.button, consent=False)
    router.conversation(privacy.FLOW, privacy.decline_reason, role=Role.OFFICE, consent=False)

    # About me.
    router.command(("help", "trogiup"), me.help_, role=None, consent=False)
    router.command(("me", "toi"), me.me, consent=False)
    router.command(("canhbao", "alerts"), me.alerts, role=Role.LEADER, consent=False)
    router.command(("kenh", "channel"), me.channel, consent=False)
    router.choice(ChannelButton.PREFIX, me.channel_chosen, consent=False)

    # Free text outside any flow: a typed invite code, or a hint.
    router.text(enrol.typed_text)
    return router
