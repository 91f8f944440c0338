"""Settings from the environment and an optional `.env` file: the one place that reads them."""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Callable, Mapping
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv.parser import parse_stream

from core import texts
from core.settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError", "load_settings"]


def read_env_file(path: Path) -> dict[str, str]:
    """`KEY=value` lines as python-dotenv reads them (quotes, `export`, inline `# comments`); a
    line it cannot read, or one without `=`, is an error naming its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError(texts.ENV_NOT_UTF8.format(path=path)) from None
    except OSError as err:
        raise SettingsError(texts.ENV_UNREADABLE.format(path=path, error=err.strerror)) from None
    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error or (binding.key is not None and binding.value is None):
            line = binding.original.string.strip()[:40]
            raise SettingsError(
                texts.ENV_BAD_LINE.format(path=path, line=binding.original.line, text=line)
            )
        if binding.key is not None and binding.value is not None:
            values[binding.key] = binding.value
    return values


def environment(env_file: Path | None = Path(".env")) -> dict[str, str]:
    """`.env` with the process environment over it: what `load_settings` reads."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update(read_env_file(env_file))
    values.update(os.environ)
    return values


# Settings that belong to the deployment, never to one organization; and the other way round
# (a token in the deployment's environment is no organization's: each has its own bot).
DEPLOYMENT_ONLY = frozenset({"DATABASE_URL", "DATABASE_PATH", "ORG"})
ORGANIZATION_ONLY = frozenset({"BOT_TOKEN", "ZALO_BOT_TOKEN"})


def organization_environment(
    environ: Mapping[str, str], own: Mapping[str, str], org: str
) -> dict[str, str]:
    """What an organization's bot reads (PostgreSQL, many organizations): the deployment's
    environment without its tokens, the organization's own settings without the deployment's
    over it."""
    shared = {k: v for k, v in environ.items() if k not in ORGANIZATION_ONLY}
    mine = {k: v for k, v in own.items() if k not in DEPLOYMENT_ONLY}
    return {**shared, **mine, "ORG": org}


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """The process environment wins over `.env`; unset or empty values take the defaults."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update(read_env_file(env_file))
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    def integer(name: str, default: int | None) -> int | None:
        value = get(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, not {value!r}") from None

    timezone = get("TIMEZONE") or Settings.timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TIMEZONE {timezone!r} is not a known time zone") from None
    log_level = (get("LOG_LEVEL") or Settings.log_level).upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {log_level!r}")

    def number(name: str, default: float) -> float:
        value = get(name)
        try:
            parsed = default if value is None else float(value)
        except ValueError:
            raise SettingsError(f"{name} must be a number, not {value!r}") from None
        if not math.isfinite(parsed):
            raise SettingsError(f"{name} must be a number, not {value!r}")
        return parsed

    def positive(name: str, default: float) -> float:
        value = number(name, default)
        if value <= 0:
            raise SettingsError(f"{name} must be more than 0, not {value!r}")
        return value

    def yes_no(name: str, default: bool) -> bool:
        value = (get(name) or "").lower()
        if not value:
            return default
        if value in ("1", "true", "yes", "co", "có"):
            return True
        if value in ("0", "false", "no", "khong", "không"):
            return False
        raise SettingsError(f"{name} must be 1 or 0, not {value!r}")

    def days(name: str, default: int) -> int:
        value = integer(name, default)
        if value is None or not 1 <= value <= 36_500:
            raise SettingsError(f"{name} must be a number of days from 1 to 36500")
        return value

    def clock_time(name: str, default: time) -> time:
        value = get(name)
        if value is None:
            return default
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise SettingsError(f"{name} must be a time like 07:30, not {value!r}") from None

    def dates(name: str) -> frozenset[date]:
        try:
            return frozenset(
                date.fromisoformat(d.strip()) for d in (get(name) or "").split(",") if d.strip()
            )
        except ValueError:
            raise SettingsError(f"{name} must list dates like 2026-12-31,2027-01-02") from None

    def three(
        names: tuple[str, str, str], default: tuple[time, time, time]
    ) -> tuple[time, time, time]:
        times = (
            clock_time(names[0], default[0]),
            clock_time(names[1], default[1]),
            clock_time(names[2], default[2]),
        )
        if not times[0] < times[1] < times[2]:
            raise SettingsError(f"{', '.join(names)} must be in that order within the day")
        return times

    def slot(prefix: str, default: tuple[time, time, time]) -> tuple[time, time, time]:
        return three((f"{prefix}_PROMPT", f"{prefix}_REMINDER", f"{prefix}_CLOSE"), default)

    morning, afternoon = slot("MORNING", Settings.morning), slot("AFTERNOON", Settings.afternoon)
    risk = three(("RISK_SHEET", "RISK_REMINDER", "RISK_DEADLINE"), Settings.risk)
    weekly_day = integer("WEEKLY_SUMMARY_DAY", Settings.weekly_day) or Settings.weekly_day
    if not 1 <= weekly_day <= 7:
        raise SettingsError("WEEKLY_SUMMARY_DAY must be 1 (Monday) to 7 (Sunday)")
    if not morning[2] <= afternoon[0]:
        raise SettingsError("AFTERNOON_PROMPT must come after MORNING_CLOSE")
    database_path, database_url, organization = _database(get)
    base_url = get("TELEGRAM_API_BASE_URL")
    questionnaire = get("QUESTIONNAIRE_PATH")
    webhook = get("ZALO_WEBHOOK_URL")
    if webhook and len(get("ZALO_WEBHOOK_SECRET") or "") < 8:
        raise SettingsError("ZALO_WEBHOOK_SECRET must be set (8 to 256 characters) with a webhook")
    return Settings(
        bot_token=get("BOT_TOKEN"),
        zalo_bot_token=get("ZALO_BOT_TOKEN"),
        zalo_api_base_url=(get("ZALO_API_BASE_URL") or Settings.zalo_api_base_url).rstrip("/"),
        zalo_send_rate=number("ZALO_SEND_RATE", Settings.zalo_send_rate),
        zalo_monthly_quota=integer("ZALO_MONTHLY_QUOTA", 0) or 0,
        zalo_webhook_url=webhook,
        zalo_webhook_secret=get("ZALO_WEBHOOK_SECRET"),
        zalo_webhook_listen=get("ZALO_WEBHOOK_LISTEN") or Settings.zalo_webhook_listen,
        zalo_webhook_timeout=positive("ZALO_WEBHOOK_TIMEOUT", Settings.zalo_webhook_timeout),
        zalo_webhook_connections=int(
            positive("ZALO_WEBHOOK_CONNECTIONS", Settings.zalo_webhook_connections)
        ),
        telegram_api_base_url=base_url.rstrip("/") if base_url else None,
        bot_username=(get("BOT_USERNAME") or "").lstrip("@"),
        database_path=database_path,
        database_url=database_url,
        organization=organization,
        pg_pool_size=int(positive("PG_POOL_SIZE", Settings.pg_pool_size)),
        timezone=timezone,
        org_name=get("ORG_NAME") or Settings.org_name,
        log_level=log_level,
        admin_chat_id=integer("ADMIN_CHAT_ID", None),
        announce_chat_id=integer("ANNOUNCE_CHAT_ID", None),
        invite_ttl_days=integer("INVITE_TTL_DAYS", Settings.invite_ttl_days) or 14,
        morning=morning,
        afternoon=afternoon,
        risk=risk,
        risk_every_day=yes_no("RISK_EVERY_DAY", Settings.risk_every_day),
        weekly_day=weekly_day,
        nudge_minutes=integer("NUDGE_MINUTES", Settings.nudge_minutes) or Settings.nudge_minutes,
        consent_version=get("CONSENT_VERSION") or Settings.consent_version,
        health_data_days=days("HEALTH_DATA_DAYS", Settings.health_data_days),
        leaver_days=days("LEAVER_DAYS", Settings.leaver_days),
        outbox_days=days("OUTBOX_DAYS", Settings.outbox_days),
        days_off=dates("DAYS_OFF"),
        makeup_days=dates("MAKEUP_WORKDAYS"),
        questionnaire_path=Path(questionnaire) if questionnaire else None,
        org_parent=get("ORG_PARENT") or "",
        org_place=get("ORG_PLACE") or "",
        report_symbol=get("REPORT_SYMBOL") or "",
        signer_title=get("SIGNER_TITLE") or Settings.signer_title,
        signer_name=get("SIGNER_NAME") or "",
        send_rate=number("SEND_RATE", Settings.send_rate),
        chat_interval=number("CHAT_INTERVAL", Settings.chat_interval),
        ack_rate=number("ACK_RATE", Settings.ack_rate),
    )


def _database(get: Callable[[str], str | None]) -> tuple[Path, str, str]:
    """DATABASE_URL chooses the store: `postgresql://…` (with ORG, the organization's code) or
    `sqlite:///path`; unset, the SQLite file at DATABASE_PATH."""
    path = Path(get("DATABASE_PATH") or Settings.database_path)
    url = get("DATABASE_URL") or ""
    org = get("ORG") or ""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")), "", org
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise SettingsError("DATABASE_URL must be postgresql://… or sqlite:///path")
    if org and not re.fullmatch(r"[A-Za-z0-9_]{1,16}", org):
        raise SettingsError("ORG must be the organization's code: letters, digits, _; up to 16")
    return path, url, org
