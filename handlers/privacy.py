"""My data and my rights: `/rutdongy` withdraws consent, `/dulieu` shows (and on Telegram sends as
a workbook) everything stored about me, `/xoadulieu` asks the office to erase it.

```mermaid
stateDiagram-v2
    [*] --> AskWithdraw: /rutdongy, or "Không đồng ý" after agreeing
    AskWithdraw --> Withdrawn: "Rút lại sự đồng ý" (no prompts, nothing stored; /batdau again)
    AskWithdraw --> [*]: "Giữ nguyên"
    [*] --> AskErase: /xoadulieu
    AskErase --> Waiting: "Gửi yêu cầu xóa" (the office gets a card)
    Waiting --> Erased: the office confirms (everything erased, accounts unlinked)
    Waiting --> Declined: the office declines, with a reason the person is told
```
Buttons: `PrivacyButton`; the office's reason for declining waits in the conversation
(`Declining`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import texts
from core.buttons import PrivacyButton
from core.domain import Role
from core.messages import Choice, Reply, rows, split_text
from core.office import ExportRequest
from core.privacy import my_data_text, withdraw_question
from core.stories import MAX_NOTE
from handlers.router import Ctx, keep, restore
from services import privacy
from services.office import queue_export

FLOW = "erase-decline"
MYDATA = "mydata"


@dataclass(frozen=True)
class Declining:
    """The erasure request whose refusal waits for its reason."""

    request: int = 0

    def to_state(self) -> dict[str, Any]:
        return {"request": self.request}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Declining:
        request = state["request"]
        if not isinstance(request, int):
            raise TypeError("request")
        return cls(request)


async def withdraw(ctx: Ctx) -> list[Reply]:
    """`/rutdongy`: asks first."""
    if not ctx.caller.consented:
        return [Reply(texts.WITHDRAW_NOTHING)]
    return [withdraw_question()]


async def my_data(ctx: Ctx) -> list[Reply]:
    """`/dulieu`: the text here, the workbook (Telegram) written after the batch commits."""
    me = ctx.me()
    data = await privacy.my_data(ctx.services, me, ctx.now)
    if data is None:
        return [Reply(texts.NOT_ENROLLED)]
    lines = my_data_text(data, ctx.services.form, ctx.settings.tz)
    replies = [Reply(part) for part in split_text("\n".join(lines))]
    if not ctx.event.channel.sends_documents:
        return [*replies, Reply(texts.MYDATA_ON_ZALO)]
    today = ctx.local_now.date()
    request = ExportRequest(
        0, me.id, ctx.event.channel.value, ctx.event.chat_id, MYDATA, today, today, None, "xlsx"
    )
    await queue_export(ctx.services, request, ctx.now)
    return replies


async def erase(ctx: Ctx) -> list[Reply]:
    """`/xoadulieu`: asks first."""
    buttons = rows(
        Choice(PrivacyButton("er").encode(), texts.ERASE_BUTTON),
        Choice(PrivacyButton("keep").encode(), texts.KEEP_BUTTON),
    )
    return [Reply(texts.ERASE_ASK, choices=buttons)]


async def button(ctx: Ctx) -> list[Reply]:
    pressed = PrivacyButton.decode(ctx.event.choice or "")
    if pressed is None:
        return [Reply(texts.FORGED_BUTTON)]
    me = ctx.me()
    if pressed.action == "keep":
        return [ctx.in_place(Reply(texts.KEPT))]
    if pressed.action == "wd":
        return [ctx.in_place(Reply(await privacy.withdraw(ctx.services, me, ctx.now)))]
    if pressed.action == "er":
        number, notices = await privacy.ask_erasure(ctx.services, me, ctx.now)
        return [ctx.in_place(Reply(texts.ERASE_SENT.format(id=number))), *ctx.notify(notices)]
    if not me.has(Role.OFFICE):  # the decision is the office's
        return [Reply(texts.NOT_ALLOWED.format(role=texts.ROLE_NAMES[Role.OFFICE]))]
    if pressed.action == "ok":
        done = await privacy.erase(ctx.services, pressed.request, me, ctx.now)
        return [ctx.in_place(Reply(done))]
    await keep(ctx, FLOW, Declining(pressed.request))
    return [Reply(texts.ERASE_DECLINE_ASK.format(id=pressed.request))]


async def decline_reason(ctx: Ctx) -> list[Reply]:
    """The office's reason for declining an erasure."""
    declining = restore(ctx, FLOW, Declining.from_state, Declining())
    reason = ctx.event.text.strip()
    if not reason:
        return [Reply(texts.ERASE_REASON_EMPTY)]
    if len(reason) > MAX_NOTE:
        return [Reply(texts.ERASE_REASON_TOO_LONG.format(maximum=MAX_NOTE))]
    await ctx.store.inbox.end_conversation(ctx.event.channel, ctx.event.account_id)
    done, notices = await privacy.decline(
        ctx.services, declining.request, ctx.me(), reason, ctx.now
    )
    return [Reply(done), *ctx.notify(notices)]
