"""Enrolment: link a messenger account to a roster person, then ask for consent.

```mermaid
stateDiagram-v2
    [*] --> Unknown
    Unknown --> Linked: /start CODE, a typed CODE, or own phone number shared
    Unknown --> Unknown: bad / expired / used code, someone else's contact, number not on roster
    Linked --> Consented: "Tôi đồng ý"
    Linked --> Linked: "Không đồng ý" (nothing is collected)
    Consented --> [*]: welcome, prompts begin
```
"""

from __future__ import annotations

from core import texts
from core.buttons import ConsentButton
from core.domain import Channel, Person
from core.enrolment import consent_request, invite_problem, looks_like_code, normalize_code
from core.messages import Reply, quote
from core.phones import normalize_phone
from core.privacy import withdraw_question
from handlers.router import Ctx
from services.limits import INVITE_GUESSES, guessing_blocked, wrong_invite


async def start(ctx: Ctx) -> list[Reply]:
    """`/start`, `/start CODE` (a deep link)."""
    if ctx.event.args:
        return await _enrol_by_code(ctx, normalize_code(ctx.event.args))
    if ctx.person is None:
        if ctx.event.channel == Channel.ZALO:  # no contact sharing there: the code is the way
            return [Reply(texts.START_UNKNOWN_ZALO.format(org=ctx.settings.org_name))]
        return [Reply(texts.START_UNKNOWN.format(org=ctx.settings.org_name), ask_contact=True)]
    return await _consent_or_greeting(ctx, ctx.person)


async def typed_text(ctx: Ctx) -> list[Reply]:
    """Free text outside any flow: an invite code typed by hand (Zalo, or a code on paper)."""
    code = normalize_code(ctx.event.text)
    if looks_like_code(code) and (ctx.person is None or await ctx.store.people.invite(code)):
        return await _enrol_by_code(ctx, code)
    if ctx.person is None:
        return [Reply(texts.NOT_ENROLLED, ask_contact=True)]
    return [Reply(texts.FREE_TEXT_HINT)]


async def shared_contact(ctx: Ctx) -> list[Reply]:
    contact = ctx.event.contact
    if contact is None:  # the router sends only contacts here
        return [Reply(texts.UNSUPPORTED)]
    if contact.account_id != ctx.event.account_id:
        return [Reply(texts.CONTACT_NOT_YOURS, ask_contact=True)]
    phone = normalize_phone(contact.phone)
    if phone is None:
        return [
            Reply(
                texts.CONTACT_NOT_FOUND.format(phone=quote(contact.phone, 20)), clear_keyboard=True
            )
        ]
    if ctx.person is not None and ctx.person.phone == phone:
        return await _consent_or_greeting(ctx, ctx.person)
    person = await ctx.store.people.active_person_by_phone(phone)
    if person is None:
        return [Reply(texts.CONTACT_NOT_FOUND.format(phone=phone), clear_keyboard=True)]
    return await _link(ctx, person)


async def consent(ctx: Ctx) -> list[Reply]:
    """The consent buttons: `consent:yes` / `consent:no`."""
    person = ctx.me()
    pressed = ConsentButton.decode(ctx.event.choice or "")
    if (pressed is None or not pressed.agreed) and ctx.caller.consented:
        return [withdraw_question()]  # "Không đồng ý" after agreeing: withdrawing, asked first
    if pressed is None or not pressed.agreed:
        return [Reply(texts.CONSENT_DECLINED)]
    if not ctx.caller.consented:
        await ctx.store.people.record_consent(
            person.id, ctx.settings.consent_version, ctx.event.channel, ctx.now
        )
    local = ctx.now.astimezone(ctx.settings.tz)
    return [Reply(texts.WELCOME.format(time=local.strftime("%H:%M %d/%m/%Y")))]


async def _enrol_by_code(ctx: Ctx, code: str) -> list[Reply]:
    event = ctx.event
    if await guessing_blocked(ctx.services, event.channel, event.account_id, ctx.now):
        return [Reply(texts.INVITE_WAIT.format(count=INVITE_GUESSES))]
    invite = await ctx.store.people.invite(code)
    if invite and ctx.person and invite.person_id == ctx.person.id:
        return await _consent_or_greeting(ctx, ctx.person)  # their own code, pressed again
    problem = invite_problem(invite, ctx.now)
    if problem or invite is None:
        answer = problem or texts.INVITE_UNKNOWN
        return [await wrong_invite(ctx.services, event.channel, event.account_id, answer, ctx.now)]
    person = await ctx.store.people.person(invite.person_id)
    if person is None or not person.active:
        return [Reply(texts.PERSON_INACTIVE)]
    await ctx.store.people.use_invite(code, f"{ctx.event.channel}:{ctx.event.account_id}", ctx.now)
    return await _link(ctx, person)


async def _link(ctx: Ctx, person: Person) -> list[Reply]:
    event = ctx.event
    await ctx.store.people.link_account(
        event.channel, event.account_id, event.chat_id, person.id, ctx.now
    )
    await ctx.store.people.prefer_channel(
        person.id, event.channel
    )  # the messenger answered on last
    hello = Reply(
        texts.LINKED.format(name=person.full_name, unit=person.unit.name), clear_keyboard=True
    )
    return [hello, *await _consent_or_greeting(ctx, person, greeted=True)]


async def _consent_or_greeting(ctx: Ctx, person: Person, greeted: bool = False) -> list[Reply]:
    if ctx.person is not None and ctx.person.id == person.id:
        consented = ctx.caller.consented
    else:  # just linked: the caller lookup was made before
        consented = await ctx.store.people.has_consent(person.id, ctx.settings.consent_version)
    if not consented:
        return [consent_request(ctx.settings.org_name, ctx.settings.health_data_days)]
    if greeted:
        return []
    return [Reply(texts.ALREADY_ENROLLED.format(name=person.full_name), clear_keyboard=True)]
