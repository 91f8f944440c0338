"""The office's use cases: exports asked for in the chat (queued, then finished by the export
worker with their audit entry), announcements, the audit of refusals, the Zalo quota."""

from __future__ import annotations

import logging
from datetime import datetime

from core import texts
from core.domain import Channel, Person, Role
from core.exports import day_text
from core.messages import Reply
from core.office import ExportRequest
from services import Services

log = logging.getLogger(__name__)


async def queue_export(services: Services, request: ExportRequest, at: datetime) -> str:
    """Ask for an export: written by the export worker once this is committed."""
    await services.store.office.request_export(request, at)
    return texts.EXPORT_QUEUED.format(
        kind=texts.EXPORT_KIND_NAMES[request.kind],
        first=day_text(request.first),
        last=day_text(request.last),
        unit=request.unit or texts.EXPORT_ALL_UNITS,
    )


async def finish_export(
    services: Services, request: ExportRequest, rows: int | None, document: str | None
) -> None:
    """An export's outcome (rows written, or None when it failed), its audit entry and the
    reply with the file, in one transaction."""
    store, now = services.store, services.now()
    person = await store.people.person(request.person_id)
    actor = person.full_name if person else str(request.person_id)
    period = (request.first, request.last)
    if rows is None or document is None:
        reply = Reply(texts.EXPORT_FAILED)
    elif request.kind == "mydata":
        reply = Reply(texts.MYDATA_FILE, document=document)
    else:
        caption = texts.EXPORT_READY.format(
            kind=texts.EXPORT_KIND_NAMES[request.kind],
            first=day_text(request.first),
            last=day_text(request.last),
            unit=request.unit or texts.EXPORT_ALL_UNITS,
            rows=rows,
        )
        reply = Reply(caption, document=document)
    async with store.transaction():
        await store.office.finish_export(request.id, "failed" if rows is None else "done", rows)
        await store.office.audit(
            now, actor, "export", request.person_id, request.kind, period, request.unit, rows,
            "failed" if rows is None else "chat",
        )  # fmt: skip
        await store.outbox.enqueue_many([(Channel(request.channel), request.chat_id, reply)], now)


async def announce(
    services: Services, by: Person, unit: str | None, text: str, at: datetime
) -> tuple[int, int, int]:
    """An announcement to everyone active (or one unit): (its number, queued, unreachable)."""
    store = services.store
    people = [
        p.id
        for p in await store.people.all_people()
        if p.active and (unit is None or p.unit.code == unit)
    ]
    message = Reply(texts.ANNOUNCE_HEADER.format(org=services.settings.org_name, text=text))
    number, queued, unreachable = await store.office.announce(by.id, unit, message, people, at)
    await store.office.audit(
        at, by.full_name, "announce", by.id, unit=unit, rows=queued, detail=f"#{number}"
    )
    return number, queued, unreachable


async def warn_about_quota(services: Services) -> bool:
    """Once a month, at 80% of the Zalo plan's messages, the admins are told; True if now."""
    settings, store, now = services.settings, services.store, services.now()
    quota = settings.zalo_monthly_quota
    if quota <= 0:
        return False
    local = services.local(now)
    month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    sent = await store.outbox.sent_since(Channel.ZALO, month)
    if sent < 0.8 * quota:
        return False
    async with store.transaction():
        if not await store.jobs.record_run(month.date(), "zalo-quota", now):
            return False  # warned already this month
        text = texts.ZALO_QUOTA_WARNING.format(
            sent=sent, quota=quota, percent=f"{sent / quota:.0%}"
        )
        await _tell_admins(services, text)
    log.warning("Zalo: %d of %d messages this month", sent, quota)
    return True


async def zalo_alert(services: Services, kind: str) -> bool:
    """Zalo refused the token ("auth") or the quota is used up ("quota"): the admins are told
    once a day, with the month's count; sending resumes by itself when Zalo accepts again."""
    store, now = services.store, services.now()
    local = services.local(now)
    async with store.transaction():
        if not await store.jobs.record_run(local.date(), f"zalo-{kind}", now):
            return False  # said already today
        if kind == "auth":
            text = texts.ZALO_AUTH_WARNING
        else:
            month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            sent = await store.outbox.sent_since(Channel.ZALO, month)
            quota = services.settings.zalo_monthly_quota or "?"
            text = texts.ZALO_QUOTA_EXCEEDED.format(sent=sent, quota=quota)
        await _tell_admins(services, text)
    log.error("Zalo: %s", "token refused (401)" if kind == "auth" else "quota exceeded (429)")
    return True


async def _tell_admins(services: Services, text: str) -> None:
    """The admins on the roster, and the admin chat on Telegram where one is set."""
    store, now = services.store, services.now()
    admins = [p.id for p in await store.people.all_people() if p.active and p.has(Role.ADMIN)]
    await store.outbox.enqueue_for([(admin, Reply(text)) for admin in admins], now)
    if services.settings.admin_chat_id is not None and services.settings.bot_token:
        chat = str(services.settings.admin_chat_id)
        await store.outbox.enqueue_many([(Channel.TELEGRAM, chat, Reply(text))], now)
