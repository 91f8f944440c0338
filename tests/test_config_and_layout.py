"""Settings, the command line without a token, and the purity of the core."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent
# Modules of bot/ that are the assembly (they may do I/O); everything else is the pure core.
SHELL = {"app", "cli", "__main__", "files", "sender", "config", "exporting", "loops"}
FORBIDDEN = {"telegram", "aiosqlite", "sqlite3", "httpx", "openpyxl", "xlsxwriter", "storage",
             "handlers", "scheduler", "asyncio", "requests", "aiohttp"}  # fmt: skip


def test_env_file_and_environment(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        '# comment\nBOT_TOKEN="1:abc"\nORG_NAME=Sở Y tế\nDATABASE_PATH=/x/y.db\n', encoding="utf-8"
    )
    settings = load_settings(
        {"ORG_NAME": "Sở Nội vụ", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/"}, env
    )
    assert settings.bot_token == "1:abc"
    assert settings.org_name == "Sở Nội vụ"  # the environment wins
    assert settings.database_path == Path("/x/y.db")
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert "abc" not in repr(settings)


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(SettingsError, match="TIMEZONE"):
        load_settings({"TIMEZONE": "Mars/Olympus"}, None)
    with pytest.raises(SettingsError, match="ADMIN_CHAT_ID"):
        load_settings({"ADMIN_CHAT_ID": "abc"}, None)
    with pytest.raises(SettingsError, match="BOT_TOKEN"):
        Settings().require_token()


def test_run_without_token_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN"}}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_messenger_database_or_http_library() -> None:
    core = [p for p in (ROOT / "bot").glob("*.py") if p.stem not in SHELL]
    assert len(core) >= 6
    for path in core:
        assert not imported_modules(path) & FORBIDDEN, path.name


def test_sql_lives_in_storage_only() -> None:
    for folder in ("bot", "handlers", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for keyword in ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM"):
                assert keyword not in source, f"{path.relative_to(ROOT)} holds SQL"
