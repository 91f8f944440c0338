"""`python -m bot privacy-report`: the record of processing the agency attaches to its personal
data impact assessment (Decree 356/2025/NĐ-CP) — what is stored, why, who sees it, where it is
kept and sent, how long, and the counts — as a Word document, in Vietnamese."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import docx

from bot.cli_files import CliError, writable_target
from bot.files import part_of
from core import texts
from core.clock import SystemClock
from core.settings import Settings
from storage import open_settings_store


async def privacy_report(settings: Settings, out: Path) -> int:
    if out.suffix.lower() != ".docx":
        raise CliError(texts.PRIVACY_REPORT_SUFFIX.format(path=out))
    writable_target(out)
    async with await open_settings_store(settings, create=False) as store:
        counts = await store.privacy.statistics()
        now = SystemClock().now()
        values = {
            "org": settings.org_name,
            "day": f"{now.astimezone(settings.tz):%d/%m/%Y}",
            "database": where_kept(settings),
            "erasure": texts.PRIVACY_ERASURE_POSTGRES
            if settings.database_url
            else texts.PRIVACY_ERASURE_SQLITE,
            "telegram": texts.PRIVACY_ON if settings.bot_token else texts.PRIVACY_OFF,
            "zalo": texts.PRIVACY_ON if settings.zalo_bot_token else texts.PRIVACY_OFF,
            "health_days": settings.health_data_days,
            "leaver_days": settings.leaver_days,
            "outbox_days": settings.outbox_days,
            "version": settings.consent_version,
            **counts,
        }
        document = docx.Document()
        document.add_heading(texts.PRIVACY_REPORT_TITLE.format(**values), level=0)
        for title, paragraphs in texts.PRIVACY_REPORT_SECTIONS:
            document.add_heading(title, level=1)
            for paragraph in paragraphs:
                document.add_paragraph(paragraph.format(**values))
        document.save(str(part_of(out)))
        async with store.transaction():
            await store.office.audit(now, texts.CLI_ACTOR, "privacy-report", detail=str(out))
            part_of(out).replace(out)
    print(texts.PRIVACY_REPORT_WRITTEN.format(path=out))
    return 0


def where_kept(settings: Settings) -> str:
    """The database, never its password."""
    if not settings.database_url:
        return str(settings.database_path.resolve())
    address = urlsplit(settings.database_url)
    return texts.PRIVACY_DATABASE_POSTGRES.format(
        host=address.hostname or "localhost",
        name=address.path.lstrip("/") or "?",
        schema=f"org_{settings.organization.lower()}",
    )
