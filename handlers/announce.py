"""`/thongbao`: an announcement by the office to everyone or one unit, with a preview; the
office sees how many were queued and unreachable, and later how many were sent.

```mermaid
stateDiagram-v2
    [*] --> Audience: /thongbao
    Audience --> Text: everyone, or a unit
    Text --> Preview: the text (at most 3,000 characters)
    Preview --> [*]: "Gửi": queued to everyone reachable; a button shows the delivery
```
Buttons: `AnnounceButton`; the choices so far wait in the conversation (`Draft`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from core import texts
from core.buttons import AnnounceButton, ProposalButton
from core.messages import Choice, Reply, rows
from handlers.router import Ctx, keep, restore
from services.office import announce as send_announcement

FLOW = "announce"
MAX_ANNOUNCEMENT = 3000


@dataclass(frozen=True)
class Draft:
    audience_chosen: bool = False
    unit: str | None = None  # None: everyone
    text: str = ""

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"unit": self.unit} if self.audience_chosen else {}
        return state | ({"text": self.text} if self.text else {})

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Draft:
        unit = state.get("unit")
        return cls("unit" in state, str(unit) if unit else None, str(state.get("text", "")))


async def announce(ctx: Ctx) -> list[Reply]:
    """`/thongbao`: to everyone or one unit, with a preview and a confirmation."""
    units = await ctx.store.people.units()
    buttons = rows(
        Choice(AnnounceButton("a", "*").encode(), texts.ANNOUNCE_EVERYONE),
        *(Choice(AnnounceButton("a", u.code).encode(), u.name) for u in units),
    )
    return await _ask(ctx, Draft(), Reply(texts.ANNOUNCE_AUDIENCE_ASK, choices=buttons))


async def button(ctx: Ctx) -> list[Reply]:
    pressed = AnnounceButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.STALE_BUTTON)]
    step, value = pressed.step, pressed.value
    draft = restore(ctx, FLOW, Draft.from_state, Draft())
    if step == "a" and (value == "*" or await ctx.store.people.unit(value)):
        chosen = Draft(audience_chosen=True, unit=None if value == "*" else value)
        return await _ask(ctx, chosen, Reply(texts.ANNOUNCE_TEXT_ASK))
    if step == "send" and draft.text:
        return await _send(ctx, draft)
    if step == "st":
        counts = await ctx.store.office.announcement_delivery(pressed.number)
        status = texts.ANNOUNCE_STATUS.format(
            id=value,
            sent=counts.get("sent", 0),
            pending=counts.get("pending", 0),
            failed=counts.get("failed", 0),
        )
        again = Choice(AnnounceButton("st", value).encode(), texts.ANNOUNCE_STATUS_BUTTON)
        return [Reply(status, choices=rows(again))]
    return [Reply(texts.STALE_BUTTON)]


async def text(ctx: Ctx) -> list[Reply]:
    draft = restore(ctx, FLOW, Draft.from_state, Draft())
    words = ctx.event.text.strip()
    if not draft.audience_chosen or not words:
        return [Reply(texts.ANNOUNCE_TEXT_ASK)]
    if len(words) > MAX_ANNOUNCEMENT:
        return [Reply(texts.ANNOUNCE_TOO_LONG.format(count=len(words)))]
    audience = draft.unit or texts.ANNOUNCE_EVERYONE.lower()
    preview = texts.ANNOUNCE_PREVIEW.format(audience=audience, text=words)
    buttons = rows(
        Choice(AnnounceButton("send").encode(), texts.ANNOUNCE_SEND),
        Choice(ProposalButton("cancel").encode(), texts.DEED_CANCEL),
    )
    return await _ask(ctx, replace(draft, text=words), Reply(preview, choices=buttons))


async def _send(ctx: Ctx, draft: Draft) -> list[Reply]:
    number, queued, unreachable = await send_announcement(
        ctx.services, ctx.me(), draft.unit, draft.text, ctx.now
    )
    await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
    done = texts.ANNOUNCE_QUEUED.format(id=number, queued=queued, unreachable=unreachable)
    status = Choice(AnnounceButton("st", str(number)).encode(), texts.ANNOUNCE_STATUS_BUTTON)
    return [ctx.in_place(Reply(done, choices=rows(status)))]


async def _ask(ctx: Ctx, draft: Draft, reply: Reply) -> list[Reply]:
    await keep(ctx, FLOW, draft)
    return [ctx.in_place(reply) if ctx.event.choice else reply]
