from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from storage import Store, open_store
from tests.fakes.zalo_api import ZALO_TOKEN
from tests.harness import FakeClock, Harness

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def roster_row(
    code: str, name: str, unit: str = "KHTC", roles: str = "staff", phone: str = ""
) -> dict[str, str]:
    unit_names = {
        "KHTC": "Phòng Kế hoạch - Tài chính",
        "TCCB": "Phòng Tổ chức cán bộ",
        "VP": "Văn phòng Sở",
    }
    return {
        "staff_code": code,
        "full_name": name,
        "unit_code": unit,
        "unit_name": unit_names.get(unit, f"Đơn vị {unit}"),
        "roles": roles,
        "phone": phone,
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 7, 0, tzinfo=HCM))  # a Monday


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    bot = Harness(tmp_path, clock)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await open_store(tmp_path / "store.db") as opened:
        yield opened


@pytest.fixture
async def both(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """The bot with both tokens: Telegram and Zalo in one process."""
    bot = Harness(tmp_path, clock)
    bot.configure(zalo_bot_token=ZALO_TOKEN, zalo_send_rate=0)
    await bot.start()
    yield bot
    await bot.stop()
