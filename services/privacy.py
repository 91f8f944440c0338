"""The consent notice's promises kept (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): withdraw,
see and download one's data, ask for erasure (the office decides), retention that erases,
asking everyone again when the notice changes. Every step audited, never with health data."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core import texts
from core.buttons import PrivacyButton
from core.domain import Person
from core.enrolment import consent_request
from core.messages import Choice, Reply, rows
from core.notices import Notice, office_of
from core.privacy import Erased, MyData
from services import Services

log = logging.getLogger(__name__)


async def withdraw(services: Services, person: Person, at: datetime) -> str:
    """From now on no prompts and no health data stored for this person."""
    if not await services.store.privacy.withdraw_consent(person.id, at):
        return texts.WITHDRAW_NOTHING
    await services.store.office.audit(at, person.full_name, "consent-withdrawn", person.id)
    return texts.WITHDRAWN


async def my_data(services: Services, person: Person, at: datetime) -> MyData | None:
    """Everything stored about the person, the look audited."""
    data = await services.store.privacy.my_data(person.id)
    await services.store.office.audit(at, person.full_name, "mydata", person.id)
    return data


async def ask_erasure(services: Services, person: Person, at: datetime) -> tuple[int, list[Notice]]:
    """The request, and the office's card with the two buttons (what will be erased said)."""
    request = await services.store.privacy.request_erasure(person.id, at)
    await services.store.office.audit(
        at, person.full_name, "erase-asked", person.id, detail=f"#{request}"
    )
    data = await services.store.privacy.my_data(person.id)
    what = texts.ERASE_WHAT.format(
        declarations=len(data.declarations) if data else 0,
        levels=len(data.levels) if data else 0,
        leaves=len(data.leaves) if data else 0,
    )
    card = Reply(
        texts.ERASE_FOR_OFFICE.format(
            id=request, name=person.full_name, code=person.staff_code, unit=person.unit.name,
            what=what,
        ),
        choices=rows(
            Choice(PrivacyButton("ok", request).encode(), texts.ERASE_CONFIRM_BUTTON),
            Choice(PrivacyButton("no", request).encode(), texts.ERASE_DECLINE_BUTTON),
        ),
    )  # fmt: skip
    office = office_of(await services.store.people.leaders())
    return request, [(p.id, card) for p in office if p.id != person.id]


async def erase(services: Services, request_id: int, by: Person, at: datetime) -> str:
    """The office confirms: the person's health data erased everywhere, their accounts unlinked;
    they are told (on the chat they had) and the erasure audited without any data."""
    store = services.store
    request = await store.privacy.erasure_request(request_id)
    if request is None or request.state != "asked":
        return texts.ERASE_ALREADY.format(id=request_id)
    person = await store.people.person(request.person_id)
    if person is None or not await store.privacy.decide_erasure(request_id, "erased", by.id, at):
        return texts.ERASE_ALREADY.format(id=request_id)
    chats = [(a.channel, a.chat_id) for a in await store.people.accounts_of(person.id)]
    erased = await store.privacy.erase_person(person.id, keep_roster_row=person.active)
    told = Reply(texts.ERASE_DONE_PERSON.format(id=request_id))
    await store.outbox.enqueue_many([(c, chat, told) for c, chat in chats[-1:]], at)
    await _audit_erasure(services, by.full_name, by.id, person.id, erased, at)
    return texts.ERASE_DONE_OFFICE.format(id=request_id, what=erased.summary())


async def decline(
    services: Services, request_id: int, by: Person, reason: str, at: datetime
) -> tuple[str, list[Notice]]:
    store = services.store
    request = await store.privacy.erasure_request(request_id)
    if request is None or not await store.privacy.decide_erasure(
        request_id, "declined", by.id, at, reason
    ):
        return texts.ERASE_ALREADY.format(id=request_id), []
    await store.office.audit(at, by.full_name, "erase-declined", by.id, detail=f"#{request_id}")
    told = Reply(texts.ERASE_DECLINED_PERSON.format(id=request_id, reason=reason))
    return texts.ERASE_DECLINED_OFFICE.format(id=request_id), [(request.person_id, told)]


async def _audit_erasure(
    services: Services, actor: str, actor_id: int | None, person_id: int, erased: Erased,
    at: datetime,
) -> None:  # fmt: skip
    detail = f"#{person_id}: {erased.summary()}"
    await services.store.office.audit(at, actor, "erase", actor_id, detail=detail[:500])


async def retention(services: Services) -> int:
    """Every night: health data older than HEALTH_DATA_DAYS, people off the roster for longer
    than LEAVER_DAYS, the text of messages sent more than OUTBOX_DAYS ago."""
    settings, store, now = services.settings, services.store, services.now()
    today = services.local(now).date()
    old = await store.privacy.erase_health_before(
        today - timedelta(days=settings.health_data_days),
        now - timedelta(days=settings.health_data_days),
    )
    if old.counts and any(old.counts.values()):
        await store.office.audit(
            now, texts.CLI_ACTOR, "retention", detail=f"> {settings.health_data_days}d: "
            f"{old.summary()}"[:500],
        )  # fmt: skip
    leavers = await store.privacy.leavers_before(now - timedelta(days=settings.leaver_days))
    for person_id in leavers:
        erased = await store.privacy.erase_person(person_id, keep_roster_row=False)
        await _audit_erasure(services, texts.CLI_ACTOR, None, person_id, erased, now)
    forgotten = await store.privacy.forget_sent_texts_before(
        now - timedelta(days=settings.outbox_days)
    )
    log.info("retention: %d people erased, %d texts forgotten", len(leavers), forgotten)
    return len(leavers)


async def ask_consent_again(services: Services) -> int:
    """A new notice: everyone who consented to an older one is asked once; until they answer
    they are not prompted (prompts need consent to the current version)."""
    version, now = services.settings.consent_version, services.now()
    people = await services.store.privacy.not_asked(version)
    if not people:
        return 0
    request = consent_request(services.settings.org_name, services.settings.health_data_days)
    notice = Reply(texts.CONSENT_ASK_AGAIN)
    async with services.store.transaction():
        queued = await services.store.outbox.enqueue_for(
            [(p, reply) for p in people for reply in (notice, request)], now
        )
        await services.store.privacy.record_asks(people, version, now)
    return queued // 2
