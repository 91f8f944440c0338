"""10,000 random button payloads (fixed seed) from an enrolled person and from strangers, through
the real bot: every press acknowledged, no unhandled exception, nothing written for anyone else.
"""

from __future__ import annotations

import logging
import random
from datetime import date
from typing import Any

import pytest

from core import texts
from core.buttons import (
    AnnounceButton,
    ChannelButton,
    CheckinButton,
    ConsentButton,
    ExportButton,
    HeadsButton,
    PrivacyButton,
    ProposalButton,
    ReviewButton,
    RiskButton,
)
from tests.conftest import roster_row
from tests.harness import Harness

PRESSES = 10_000
# The flows decide what a press may touch, the same on both stores: PostgreSQL gets a share.
PRESSES_ON_POSTGRES = 3_000
PREFIXES = ["ck", "hd", "rk", "dd", "dv", "xp", "an", "kn", "consent", "pv", "zz", ""]
PIECES = [
    "", "²", "１２", "٣", "9" * 30, "-1", "0", "1", "2", "3", "20261123m", "20261123a",
    "20261123", "20261332", "healthy", "redo", "done", "symptoms", "fever", "KHTC", "VP", "*",
    "st", "mi", "nu", "fu", "ok", "ed", "pp", "lv", "bk", "v", "h", "n", "r", "nom", "self",
    "pick", "unit", "cat", "send", "edit", "cancel", "en", "rt", "ap", "rj", "pb", "rs", "af",
    "td", "pa", "pc", "op", "k", "p", "u", "f", "xlsx", "a", "telegram", "zalo", "yes", "no",
    "wd", "keep", "er", "Nguyễn", "'; DROP TABLE people; --", "%s", "{0}", "\x00", "𝟘",
    "x" * 80,
]  # fmt: skip
# Domain tables: a press may only ever write the presser's own rows there.
PLUMBING = {"processed_events", "outbox", "conversations", "walks", "menus", "inbox", "job_runs",
            "attempts", "inbox_set_aside", "chat_moves"}  # fmt: skip
OWNER_COLUMNS = {"person_id", "proposer_id", "set_by", "actor_id", "changed_by", "nudged_by",
                 "confirmed_by"}  # fmt: skip


def payload(rng: random.Random) -> str:
    """A prefix of some flow (or none) and random fields, sometimes a valid id of a codec."""
    if rng.random() < 0.15:
        valid = [
            CheckinButton.decode("ck:20261123m:healthy"),
            HeadsButton("st", "KHTC"),
            RiskButton("ok", "KHTC", date(2026, 11, 23), 1),
            ProposalButton("nom", "self"),
            ReviewButton("en", 1),
            ExportButton("k", "declarations"),
            AnnounceButton("a", "*"),
            ChannelButton("zalo"),
            ConsentButton(True),
            PrivacyButton("ok", 1),
        ]
        chosen = rng.choice(valid)
        assert chosen is not None
        return chosen.encode()
    fields = [rng.choice(PIECES) for _ in range(rng.randint(0, 5))]
    return ":".join([rng.choice(PREFIXES), *fields])


async def rows(harness: Harness) -> dict[str, set[tuple[tuple[str, Any], ...]]]:
    return {
        table: {tuple(row.items()) for row in found}
        for table, found in (await harness.table_rows()).items()
        if table not in PLUMBING
    }


def owners(row: tuple[tuple[str, Any], ...], table: str) -> set[object]:
    named = dict(row)
    found = {v for k, v in named.items() if k in OWNER_COLUMNS}
    if table == "people":
        found.add(named["id"])
    return found


async def test_random_button_payloads_are_answered_and_write_nothing_for_others(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    users = await harness.enrol(
        [
            roster_row("CB001", "Nguyễn Văn An", phone="0912000001"),
            roster_row("CB002", "Trần Thị Bình", roles="staff;head", phone="0912000002"),
            roster_row(
                "CB003", "Lê Văn Cường", unit="VP", roles="staff;office", phone="0912000003"
            ),
        ]
    )
    presser = users["CB001"]
    me = await harness.store.people.person_by_code("CB001")
    assert me is not None
    strangers = [harness.user(9_000 + n, f"Lạ {n}") for n in range(3)]
    await harness.run_until("14:10")  # prompts, summaries and the risk sheet exist
    before = await rows(harness)
    rng = random.Random(2026)
    pressed: list[str] = []
    caplog.set_level(logging.ERROR)
    presses = PRESSES_ON_POSTGRES if harness.settings.database_url else PRESSES
    for n in range(presses):
        who = presser if n % 2 == 0 else strangers[n % 3]
        harness.fake.press(who.user, payload(rng))
        pressed.append(harness.fake.updates[-1]["callback_query"]["id"])
        if n % 500 == 499:
            await harness.pump()
    await harness.pump()

    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [s for s in harness.fake.sent if s.text == texts.INTERNAL_ERROR]
    assert set(pressed) <= set(harness.fake.answered)  # every press acknowledged
    after = await rows(harness)
    assert after["people"] and after["dispatches"]  # the rows are read, on either database
    for table, now in after.items():
        for row in now - before.get(table, set()):
            assert owners(row, table) == {me.id}, (table, row)
