"""About me: `/help` (the commands my roles allow) and `/me` (enrolment, unit, roles)."""

from __future__ import annotations

from core import texts
from core.buttons import ChannelButton
from core.messages import Choice, Reply, rows
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
    accounts = await ctx.store.people.accounts_of(person.id)
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


async def alerts(ctx: Ctx) -> list[Reply]:
    """`/canhbao ngay` or `/canhbao tonghop`: the leadership chooses each alert as it comes or
    the day's digest; without a word, says which it is."""
    word = ctx.event.args.strip().lower()
    if word in texts.ALERT_CHOICE_WORDS:
        each = texts.ALERT_CHOICE_WORDS[word]
        await ctx.store.people.choose_alerts(ctx.me().id, each)
        return [Reply(texts.ALERT_CHOICE_EACH if each else texts.ALERT_CHOICE_DIGEST)]
    now = texts.ALERT_CHOICE_EACH if ctx.me().alerts_each else texts.ALERT_CHOICE_DIGEST
    return [Reply(f"{now}\n{texts.ALERT_CHOICE_HOW}")]


async def channel(ctx: Ctx) -> list[Reply]:
    """`/kenh`: which messenger reminders come on, for someone linked on both."""
    accounts = await ctx.store.people.accounts_of(ctx.me().id)
    if len(accounts) < 2:
        names = ", ".join(texts.CHANNEL_NAMES[a.channel] for a in accounts)
        return [Reply(texts.CHANNEL_ONLY_ONE.format(channel=names))]
    buttons = rows(
        *(
            Choice(ChannelButton(a.channel.value).encode(), texts.CHANNEL_NAMES[a.channel])
            for a in accounts
        )
    )
    return [Reply(texts.CHANNEL_ASK, choices=buttons)]


async def channel_chosen(ctx: Ctx) -> list[Reply]:
    pressed = ChannelButton.decode(ctx.event.choice or "")
    value = pressed.channel if pressed else ""
    linked = {a.channel.value: a.channel for a in await ctx.store.people.accounts_of(ctx.me().id)}
    if value not in linked:
        return [Reply(texts.FORGED_BUTTON)]
    await ctx.store.people.prefer_channel(ctx.me().id, linked[value])
    return [Reply(texts.CHANNEL_SET.format(channel=texts.CHANNEL_NAMES[value]))]
