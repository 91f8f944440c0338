"""The button codecs, with plain values: every id they build parses back to the same value,
fits Telegram's 64 bytes, and anything malformed parses to None (never an exception)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import pytest

from core.buttons import (
    AnnounceButton,
    ChannelButton,
    CheckinButton,
    ConsentButton,
    ExportButton,
    HeadsButton,
    ProposalButton,
    ReviewButton,
    RiskButton,
    small_int,
)
from core.risk import RiskLevel
from core.slots import SlotName, SlotRef

REF = SlotRef(date(2026, 11, 23), SlotName.MORNING)
DAY = date(2026, 11, 23)
BUTTONS: list[Codec] = [
    CheckinButton(REF, "ok"),
    CheckinButton(REF, "symptoms:fever"),
    HeadsButton("nu", "KHTC"),
    HeadsButton("fu", "KHTC", REF),
    HeadsButton("st", "*"),
    RiskButton("ok", "KHTC", DAY, 2),
    RiskButton("ed", "KHTC", DAY, 0),
    RiskButton("lv", "KHTC", DAY, 123456789, RiskLevel.VERY_HIGH),
    RiskButton("bk", "KHTC", DAY),
    ProposalButton("cancel"),
    ProposalButton("pick", "42"),
    ReviewButton("af", 7, "director"),
    ReviewButton("op", 999_999_999),
    ExportButton("u", "*"),
    AnnounceButton("send"),
    AnnounceButton("st", "12"),
    ChannelButton("zalo"),
    ConsentButton(True),
]


class Codec(Protocol):
    def encode(self) -> str: ...

    @classmethod
    def decode(cls, data: str) -> Codec | None: ...


@pytest.mark.parametrize("button", BUTTONS, ids=lambda b: b.encode())
def test_every_id_parses_back_and_fits(button: Codec) -> None:
    data = button.encode()
    assert len(data.encode()) <= 64
    assert type(button).decode(data) == button


@pytest.mark.parametrize(
    "data",
    [
        "dv:en:²",  # a unicode digit: str.isdigit() says yes, int() says no
        "dv:en:" + "9" * 30,  # larger than any database integer
        "dd:pick:１２",
        "rk:lv:KHTC:20261123:5:x",
        "rk:ok:KHTC:20261399:1",
        "rk:ok:KHTC:2026112３:1",
        "hd:fu:KHTC",
        "hd:nu:KHTC:20261123m",
        "ck:20261123m",
        "ck:20261123m:ok:x:y",
        "ck:20261123m:" + "x" * 60,
        "xp:k:",
        "an:st:-1",
        "consent:maybe",
        "kn:",
        "dv:en:1:a:b",
        "dd::",
        "",
    ],
)
def test_malformed_ids_parse_to_none(data: str) -> None:
    codecs: list[type[Codec]] = [type(b) for b in BUTTONS]
    assert all(codec.decode(data) is None for codec in codecs)


def test_small_numbers_only() -> None:
    assert small_int("007") == 7
    assert small_int("²") is None
    assert small_int("1" * 10) is None
    assert small_int("-1") is None
