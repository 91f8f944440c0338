"""Two organizations in one PostgreSQL deployment, with the same staff codes, unit codes and even
the same people's Telegram accounts (a person on two agencies' bots): nothing done in one —
random button presses, every command from every role, exports of every kind — reads or writes
a row of the other."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from core import texts
from core.exports import KIND_NAMES
from tests.conftest import roster_row
from tests.fakes.telegram_api import Sent
from tests.harness import FakeClock, Harness
from tests.test_checkin_day import report_fever
from tests.test_forged_buttons import payload
from tests.test_hostile import ARGUMENTS
from tests.test_office import ask_export

PRESSES = 1_500


def roster(suffix: str) -> list[dict[str, str]]:
    """The same codes in both organizations; the names tell them apart."""
    return [
        roster_row("A1", f"An Thành Viên {suffix}"),
        roster_row("A2", f"Ánh Khác {suffix}"),
        roster_row("B1", f"Bảo Tổ Chức {suffix}", unit="TCCB"),
        roster_row("H", f"Hà Trưởng Phòng {suffix}", roles="head"),
        roster_row("O", f"Oanh Văn Phòng {suffix}", unit="VP", roles="office"),
        roster_row("AD", f"An Quản Trị {suffix}", unit="VP", roles="admin"),
    ]


async def organization(folder: Path, clock: FakeClock, url: str, code: str) -> Harness:
    bot = Harness(folder, FakeClock(clock.now()))  # a clock each: each runs its own day
    bot.configure(database_url=url, organization=code)
    await bot.start()
    return bot


def everything_said(bot: Harness) -> str:
    """Every text and every document's bytes (as text) the bot sent."""
    parts: list[str] = []
    for message in [*bot.fake.sent, *bot.fake.edits]:
        parts.append(message.text)
        if message.document is not None:
            parts.append(message.document[1].decode("latin-1"))
    return "\n".join(parts)


async def test_fuzzed_buttons_commands_and_exports_in_one_never_touch_the_other(
    tmp_path: Path, clock: FakeClock, pg_database: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    one = await organization(tmp_path / "one", clock, pg_database, f"x{tag}")
    other = await organization(tmp_path / "other", clock, pg_database, f"y{tag}")
    try:
        users = await one.enrol(roster("Một"))
        theirs = await other.enrol(roster("Khác"))  # the same Telegram accounts
        assert {u.user["id"] for u in users.values()} == {u.user["id"] for u in theirs.values()}
        for bot in (one, other):
            await bot.run_until("07:30")
        await report_fever(theirs["A2"])  # health data in the other one
        await other.run_until("14:10")
        await one.run_until("14:10")
        before = await other.table_rows()
        mine_before = await one.table_rows()

        rng = random.Random(18)
        people = list(users.values())
        for n in range(PRESSES):
            one.fake.press(people[n % len(people)].user, payload(rng))
            if n % 300 == 299:
                await one.pump()
        await one.pump()
        for user in people:
            for command in sorted(one.running.bot_data.router.commands):
                for argument in ARGUMENTS:
                    await user.send(f"/{command}{argument}")
                    await user.send("/huy")
        files: list[Sent] = []
        for kind in KIND_NAMES:
            replies = await ask_export(
                users["O"], kind, "month", texts.EXPORT_ALL_UNITS, "Excel (XLSX)"
            )
            files += [m for m in replies if m.method == "sendDocument"]
        assert len(files) == len(KIND_NAMES)

        after = await other.table_rows()
        assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
        assert after == before  # not a row of the other organization changed
        mine = await one.table_rows()
        assert len(mine["audit"]) > len(mine_before["audit"])  # the fuzz did write, here
        said = everything_said(one)
        assert "Khác" not in said.replace("Ánh Khác Một", "")  # no name of the other one
        assert "Sốt" not in said  # nor its health data
        assert "Một" in said
    finally:
        await one.stop()
        await other.stop()
