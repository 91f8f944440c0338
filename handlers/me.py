"""About me: `/help` (the commands my roles allow) and `/me` (enrolment, unit, roles)."""

from __future__ import annotations

from bot import texts
from bot.messages import Reply
from handlers.router import Ctx


async def help_(ctx: Ctx) -> list[Reply]:
    if ctx.person is None:
        return [Reply(texts.NOT_ENROLLED, ask_contact=True)]
    lines = [texts.HELP_HEADER]
    for name in ctx.router.commands_for(ctx.person):
        lines.append(f"/{name} — {texts.COMMAND_DESCRIPTIONS.get(name, '')}")
    lines.append("")
    lines.append(texts.HELP_FOOTER)
    return [Reply("\n".join(lines))]


async def me(ctx: Ctx) -> list[Reply]:
    person = ctx.me()
    accounts = await ctx.store.accounts_of(person.id)
    consented = ctx.caller.consented
    text = texts.ME.format(
        name=person.full_name,
        code=person.staff_code,
        unit=f"{person.unit.name} ({person.unit.code})",
        roles=", ".join(texts.ROLE_NAMES[r] for r in sorted(person.roles)),
        accounts=", ".join(texts.CHANNEL_NAMES[a.channel] for a in accounts),
        consent=texts.CONSENT_GIVEN if consented else texts.CONSENT_MISSING,
    )
    return [Reply(text)]
