"""Recording a declaration: stored with its history (late after the close), leave taken when
the answer says so, and an alert to the unit's heads and the office for any symptom or
exposure, re-opening the unit's risk update if it was confirmed today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.declarations import Declaration, Leave, alert_recipients, alert_text, confirmation
from core.domain import Channel, Person
from core.messages import Reply
from core.notices import Notice
from core.questionnaire import Walk, alerting, describe, on_leave
from core.slots import is_late
from services import Services
from services.risk_rounds import reopen_after_alert


@dataclass(frozen=True)
class Recorded:
    confirmation: str  # what the person is told once the declaration is committed
    reported: bool  # a symptom or an exposure: the person gets guidance
    notices: list[Notice]  # the alerts (and re-opened risk sheets) for the heads and the office


async def record_declaration(
    services: Services,
    person: Person,
    walk: Walk,
    channel: Channel,
    event_key: str,
    at: datetime,
) -> Recorded:
    """Store a complete walk as the person's declaration for its slot (in the caller's
    transaction: the confirmation goes out only after it commits)."""
    form = services.form
    local = services.local(at)
    reported = alerting(form, walk.answers)
    late = is_late(services.slots, walk.ref, local)
    declaration = Declaration(person.id, walk.ref, walk.answers, at, late, bool(reported))
    await services.store.checkins.record_declaration(declaration, form.version, channel, event_key)
    if on_leave(form, walk.answers):
        day = walk.ref.day
        await services.store.checkins.add_leave(Leave(person.id, day, day), person.id, at)
    text = confirmation(walk.ref, local, late, describe(form, walk.answers))
    notices: list[Notice] = []
    if reported:
        alert = Reply(alert_text(person, walk.ref, local, [o.label for _, o in reported]))
        leaders = await services.store.people.leaders()
        notices += [(colleague, alert) for colleague in alert_recipients(person, leaders)]
        notices += await reopen_after_alert(services, person, leaders, at)
    return Recorded(text, bool(reported), notices)
