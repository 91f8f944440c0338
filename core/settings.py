"""Settings: one frozen dataclass (built from the environment by `bot.config.load_settings`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

from core.texts import CONSENT_VERSION


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    zalo_bot_token: str | None = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_send_rate: float = 5.0  # messages per second on Zalo: a conservative pace
    zalo_monthly_quota: int = 0  # messages a month the Zalo plan allows; 0: no warning
    zalo_webhook_url: str | None = None  # set: webhook mode (public HTTPS URL); unset: polling
    zalo_webhook_secret: str | None = None
    zalo_webhook_listen: str = "0.0.0.0:8443"  # where the webhook server listens
    zalo_webhook_timeout: float = 10.0  # seconds a connection may be idle or slow
    zalo_webhook_connections: int = 1024  # connections at once; more are closed as they come
    telegram_api_base_url: str | None = None
    bot_username: str = ""
    database_path: Path = Path("data/sokhoe.db")
    database_url: str = ""  # postgresql://…: the store is PostgreSQL (else SQLite at the path)
    organization: str = ""  # with PostgreSQL: the organization's code (its schema org_<code>)
    pg_pool_size: int = 4  # connections per organization and worker (one writes, others read)
    worker: str = ""  # set by `bot.workers`: the worker process that holds the organization
    timezone: str = "Asia/Ho_Chi_Minh"
    org_name: str = "Sở"
    org_parent: str = ""  # the agency above it, for the heading of reports: "UBND tỉnh Lào Cai"
    org_place: str = ""  # the place name of the date line: "Lào Cai"
    report_symbol: str = ""  # the agency's symbol in "Số: …/BC-SKHCN"
    signer_title: str = "Giám đốc"  # who signs reports: title and name
    signer_name: str = ""
    log_level: str = "INFO"
    admin_chat_id: int | None = None
    announce_chat_id: int | None = None  # a Telegram channel or group for published stories
    invite_ttl_days: int = 14
    # The two daily slots, local time: prompt, reminder, close.
    morning: tuple[time, time, time] = (time(7, 30), time(8, 15), time(9, 0))
    afternoon: tuple[time, time, time] = (time(16, 30), time(17, 0), time(17, 30))
    # The daily risk update: the sheet to heads, a reminder, the deadline (escalation).
    risk: tuple[time, time, time] = (time(14, 0), time(14, 45), time(15, 0))
    risk_every_day: bool = True  # "hằng ngày": weekends and holidays too; False: working days
    weekly_day: int = 5  # ISO weekday of the weekly summary (after the afternoon close): Friday
    nudge_minutes: int = 10  # a unit's missing people are nudged at most this often
    consent_version: str = CONSENT_VERSION  # a new version asks everyone to consent again
    health_data_days: int = 365  # health data older than this is erased every night
    leaver_days: int = 30  # people off the roster longer than this are erased every night
    outbox_days: int = 7  # sent messages lose their text after this
    days_off: frozenset[date] = field(default_factory=frozenset)  # the organization's own
    makeup_days: frozenset[date] = field(default_factory=frozenset)  # make-up working days
    questionnaire_path: Path | None = None  # None: the bundled Ministry of Health form
    send_rate: float = 30.0  # messages in any one second across all chats (Telegram's ~30)
    chat_interval: float = 1.0  # seconds between two messages to one chat
    ack_rate: float = 100.0  # button acknowledgements per second: not messages, a guard of its own

    @property
    def files_dir(self) -> Path:
        """Where exports and charts are written: beside the SQLite file, or (PostgreSQL) a
        folder of the organization's own, so that two organizations' files never meet."""
        if self.database_url and self.organization:
            return self.database_path.parent / "orgs" / self.organization.lower()
        return self.database_path.parent

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_token(self) -> str:
        if not self.bot_token:
            raise SettingsError(
                "BOT_TOKEN is not set: put the token from @BotFather in the environment "
                "or in .env (see .env.example)"
            )
        return self.bot_token

    def require_a_token(self) -> None:
        if not self.bot_token and not self.zalo_bot_token:
            raise SettingsError(
                "BOT_TOKEN (Telegram) or ZALO_BOT_TOKEN (Zalo) must be set: put one in the "
                "environment or in .env (see .env.example)"
            )

    def __repr__(self) -> str:  # the token must never reach a log or a traceback
        return f"Settings(org_name={self.org_name!r}, database_path={str(self.database_path)!r})"
