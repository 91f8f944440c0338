"""`/nhatky`: the office reads the latest entries of the audit log (exports, refusals, purges,
backups, announcements)."""

from __future__ import annotations

from core import texts
from core.exports import day_text
from core.messages import Reply
from handlers.router import Ctx


async def audit_log(ctx: Ctx) -> list[Reply]:
    """`/nhatky`: the most recent audit entries."""
    entries = await ctx.store.office.recent_audit()
    if not entries:
        return [Reply(texts.AUDIT_NONE)]
    lines = [texts.AUDIT_HEADER]
    for e in entries:
        what = f" {e.kind}" if e.kind else ""
        if e.first and e.last:
            what += f" {day_text(e.first)}–{day_text(e.last)}"
        if e.unit:
            what += f" {e.unit}"
        if e.rows is not None:
            what += texts.AUDIT_ROWS.format(rows=e.rows)
        at = ctx.services.local(e.at).strftime("%d/%m %H:%M")
        lines.append(
            texts.AUDIT_LINE.format(
                at=at, actor=e.actor, action=texts.AUDIT_ACTIONS.get(e.action, e.action), what=what
            )
        )
    return [Reply("\n".join(lines))]
