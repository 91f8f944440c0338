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
# The layers, bottom up (DESIGN 4): a module may import its own layer and the layers below it,
# never one above. handlers/ and scheduler/ stand side by side: neither imports the other.
LAYERS: list[set[str]] = [{"core"}, {"storage"}, {"services"}, {"handlers", "scheduler"}, {"bot"}]
# What the pure core may not touch, besides every other layer of the project.
IMPURE = {"telegram", "aiosqlite", "sqlite3", "httpx", "openpyxl", "xlsxwriter", "asyncio",
          "requests", "aiohttp", "os", "socket", "subprocess"}  # fmt: skip


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


def imported_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def layer_of(package: str) -> int | None:
    return next((n for n, layer in enumerate(LAYERS) if package in layer), None)


def wrong_arrows(package: str, source: str) -> set[str]:
    """The project packages a module of `package` imports that sit above it or beside it."""
    own = layer_of(package)
    assert own is not None, package
    wrong = set()
    for name in imported_modules(source):
        other = layer_of(name)
        if other is not None and name != package and other >= own:
            wrong.add(name)
    if package == "core":
        wrong |= imported_modules(source) & IMPURE
    return wrong


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_every_arrow_points_down() -> None:
    checked = 0
    for layer in LAYERS:
        for package in layer:
            for path in sources(package):
                wrong = wrong_arrows(package, path.read_text(encoding="utf-8"))
                assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"
                checked += 1
    assert checked >= 40


def test_the_layering_check_catches_a_wrong_arrow() -> None:
    job = (ROOT / "scheduler" / "__init__.py").read_text(encoding="utf-8")
    assert wrong_arrows("scheduler", job) == set()
    assert wrong_arrows("scheduler", job + "\nfrom handlers import checkin\n") == {"handlers"}
    pure = (ROOT / "core" / "declarations.py").read_text(encoding="utf-8")
    assert wrong_arrows("core", pure + "\nfrom storage import Store\n") == {"storage"}
    assert wrong_arrows("core", pure + "\nimport aiosqlite\n") == {"aiosqlite"}
    assert wrong_arrows("services", "from bot.app import run_bot\n") == {"bot"}


def test_no_handler_imports_another() -> None:
    flows = {p.stem for p in sources("handlers")} - {"__init__", "router"}
    for path in sources("handlers"):
        if path.stem == "__init__":
            continue  # the table of contents imports every flow
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                named = {a.name for a in node.names} if node.module == "handlers" else set()
                assert not (parts[0] == "handlers" and len(parts) > 1 and parts[1] in flows), (
                    f"{path.name} imports {node.module}"
                )
                assert not named & flows, f"{path.name} imports {named & flows}"


def test_nothing_outside_storage_depends_on_sqlite() -> None:
    for package in ("core", "services", "handlers", "scheduler", "bot"):
        for path in sources(package):
            names = imported_modules(path.read_text(encoding="utf-8"))
            assert not names & {"aiosqlite", "sqlite3"}, path.relative_to(ROOT)


def test_sql_lives_in_storage_only() -> None:
    for package in ("core", "services", "handlers", "scheduler", "bot"):
        for path in sources(package):
            source = path.read_text(encoding="utf-8")
            for keyword in ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM"):
                assert keyword not in source, f"{path.relative_to(ROOT)} holds SQL"
