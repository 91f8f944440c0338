"""The hostile suite: each attack or careless act of issue 11 gets one clear answer in
Vietnamese and changes nothing it should not. Fixed seeds; bounded time."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
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
from core.domain import Channel
from core.exports import KIND_NAMES
from core.messages import Choice, Reply, fit
from core.risk import RiskLevel
from core.roster import parse_roster
from core.slots import SlotName, SlotRef
from core.stories import CATEGORIES, FORMS, KINDS, MIN_STORY, MOVE_OF, story_problem
from tests.conftest import Backend, roster_row
from tests.fakes.telegram_api import Failure
from tests.harness import FakeClock, Harness, TgUser
from tests.test_buttons import Codec
from tests.test_checkin_day import HEALTHY, prompts, report_fever
from tests.test_deeds import propose
from tests.test_deeds import roster as deeds_roster
from tests.test_zalo import enrol_on_zalo
from tests.test_zalo import roster as zalo_roster

MONDAY = date(2026, 11, 23)


@pytest.fixture
async def with_admin(tmp_path: Path, clock: FakeClock, backend: Backend) -> AsyncIterator[Harness]:
    """The bot with an admin chat (-100) to tell."""
    bot = Harness(tmp_path, clock)
    bot.configure(admin_chat_id=-100, **backend.settings())
    await bot.start()
    yield bot
    await bot.stop()


def office_roster() -> list[dict[str, str]]:
    return [
        roster_row("A1", "An Thành Viên"),  # KHTC
        roster_row("A2", "Ánh Khác"),  # KHTC
        roster_row("X", "Xuân Kiêm Nhiệm", roles="staff;head:TCCB"),  # member of KHTC, heads TCCB
        roster_row("B1", "Bảo Tổ Chức", unit="TCCB"),
        roster_row("H", "Hà Trưởng Phòng", roles="head"),  # heads KHTC
        roster_row("O", "Oanh Văn Phòng", unit="VP", roles="office"),
    ]


async def test_3_a_head_puts_on_leave_only_people_of_the_units_they_head(
    harness: Harness,
) -> None:
    users = await harness.enrol(office_roster())
    x = users["X"]
    refused = await x.send("/nghi A1 25/11 26/11")
    assert refused[0].text == texts.LEAVE_UNKNOWN_PERSON.format(code="A1")
    a1 = await harness.store.people.person_by_code("A1")
    assert a1 is not None and await harness.store.checkins.leaves_of(a1.id, MONDAY) == []
    saved = await x.send("/nghi B1 25/11 26/11")
    assert saved[0].text.startswith("🌴")


async def test_4_a_stale_today_button_approves_nothing(harness: Harness) -> None:
    users = await harness.enrol(deeds_roster())
    proposer, head, office = users["P"], users["H"], users["O"]
    for _ in range(2):
        await propose(proposer, photos=0)
    for story in (1, 2):
        await head.press_data(f"dv:en:{story}")
    await office.press_data("dv:ap:1")
    await office.press_data("dv:af:1:director")
    await office.send("11/QĐ-SYT")
    stale = office.inbox[-1]  # "Hôm nay" for story 1
    await office.press_data("dv:ap:2")
    await office.press_data("dv:af:2:director")
    await office.send("22/QĐ-SYT")
    answer = await office.press_data("dv:td:1", stale)
    assert answer[0].text == texts.STALE_BUTTON
    one, two = await harness.store.deeds.story(1), await harness.store.deeds.story(2)
    assert one is not None and not one.decision_number
    assert two is not None and not two.decision_number
    done = await office.press_data("dv:td:2")
    assert "22/QĐ-SYT" in done[0].text


async def test_6_the_same_update_twice_in_one_batch_counts_once(harness: Harness) -> None:
    users = await harness.enrol(office_roster())
    a1 = users["A1"]
    harness.fake.text(a1.user, "/nghi 25/11 26/11")
    harness.fake.updates.append(dict(harness.fake.updates[-1]))  # the same update id again
    harness.fake.updates.append(dict(harness.fake.updates[-1]))
    await harness.pump()
    me = await harness.store.people.person_by_code("A1")
    assert me is not None
    assert len(await harness.store.checkins.leaves_of(me.id, MONDAY)) == 1
    assert [m.text[:1] for m in a1.inbox] == ["🌴"]


async def test_6_three_quick_taps_of_the_one_tap_answer_store_one_declaration(
    harness: Harness,
) -> None:
    users = await harness.enrol(office_roster())
    a1 = users["A1"]
    await harness.run_until("07:30")
    prompt = a1.last
    tap = next(data for label, data in prompt.buttons if label.startswith(HEALTHY))
    for _ in range(3):
        harness.fake.press(a1.user, tap, prompt)  # one batch: three taps before any answer
    await harness.pump()
    ref = SlotRef(MONDAY, SlotName.MORNING)
    assert len(await harness.store.checkins.declaration_history(ref)) == 1
    already = texts.DECLARED_ALREADY.format(slot=f"{texts.SLOT_NAMES[ref.slot]} 23/11")
    assert [m.text for m in a1.inbox].count(already) == 2
    again = await a1.press_data(tap, prompt)  # later, on the same prompt
    assert again[0].text == already and texts.REDO in [label for label, _ in again[0].buttons]


async def test_6_three_numbers_at_once_on_zalo_store_one_declaration(both: Harness) -> None:
    await both.enrol(zalo_roster(), unlinked=["H", "Z"])
    await enrol_on_zalo(both, "Z", "zl-dz")
    await both.run_until("07:30")
    staff = both.zalo_user("zl-dz")
    await staff.send("1 1 1")
    ref = SlotRef(MONDAY, SlotName.MORNING)
    assert len(await both.store.checkins.declaration_history(ref)) == 1


async def test_7_nudges_follow_the_calendar(harness: Harness) -> None:
    users = await harness.enrol(office_roster())
    head = users["H"]
    await harness.run_until("17:40")  # Monday: the afternoon summary, with its nudge button
    summary = next(m for m in reversed(head.inbox) if texts.NUDGE_BUTTON in str(m.buttons))
    early = texts.NUDGE_NO_SLOT.format(first="07:30")
    await harness.run_until("07:00", MONDAY.replace(day=24))  # Tuesday, before the prompt
    assert (await head.press(texts.NUDGE_BUTTON))[0].text == early
    assert (await head.send("/nhac"))[0].text == early
    await harness.run_until("10:00", MONDAY.replace(day=28))  # Saturday
    assert (await head.press_data(summary.buttons[0][1], summary))[0].text == early
    assert (await head.send("/nhac"))[0].text == early
    nudge = texts.NUDGE_HEADER.split("{")[0]
    assert not [m for m in harness.fake.sent if m.text.startswith(nudge)]


async def test_13_a_webhook_set_elsewhere_is_removed_at_start(
    tmp_path: Path, clock: FakeClock
) -> None:
    harness = Harness(tmp_path, clock)
    harness.fake.webhook = "https://elsewhere.example/hook"
    await harness.start()
    try:
        await harness.import_roster(office_roster())
        answered = await harness.user(501, "Lạ").send("/start")
        assert answered and harness.fake.webhook == ""
    finally:
        await harness.stop()


def test_13_zero_width_spaces_are_no_story() -> None:
    assert story_problem("\u200b" * 40) == texts.DEED_TOO_SHORT.format(count=0, minimum=MIN_STORY)
    assert story_problem("Chị " + "\u200b" * 40 + "giúp") is not None
    assert story_problem("x" * MIN_STORY) is None


def test_13_every_step_of_a_proposal_has_a_vietnamese_name() -> None:
    source = (Path(__file__).parent.parent / "handlers" / "deeds.py").read_text()
    steps = set(re.findall(r'_go\(\s*ctx,\s*"(\w+)"', source))
    assert steps and steps <= set(texts.DEED_STEP_NAMES)


async def test_5_an_office_table_of_100_units_arrives_in_parts(harness: Harness) -> None:
    units = [
        roster_row(f"P{n:03d}", f"Người Thứ {n}", unit=f"DV{n:03d}", phone=f"09120{n:05d}")
        for n in range(100)
    ]
    rows = [*units, roster_row("O", "Oanh Văn Phòng", unit="VP", roles="office")]
    for row in rows:
        row["unit_name"] = f"{row['unit_code']} — Trung tâm có một cái tên rất dài của tỉnh"
    users = await harness.enrol(rows)
    await harness.run_until("09:00")
    office = [m.text for m in users["O"].inbox if not m.text.startswith("☀️")]
    assert len(office) >= 2 and all(len(text) <= 4096 for text in office)
    joined = "\n".join(office)
    assert all(f"DV{n:03d} —" in joined for n in range(100))
    assert not [m for m in harness.fake.sent if len(m.text) > 4096]


async def test_5_long_words_typed_by_people_are_refused_or_quoted_short(
    harness: Harness,
) -> None:
    users = await harness.enrol(deeds_roster())
    proposer, head, office = users["P"], users["H"], users["O"]
    huge = "9" * 100_000
    answer = await proposer.send(f"/nghi {huge}")
    assert len(answer) == 1 and len(answer[0].text) < 200
    await propose(proposer, photos=0)
    await head.press_data("dv:rt:1")
    refused = await head.send("x" * 4000)
    assert refused[0].text == texts.DEED_NOTE_TOO_LONG.format(count=4000, maximum=1000)
    await head.send("Bổ sung thời gian, địa điểm.")
    await proposer.press_data("dv:rs:1")
    await proposer.send("Câu chuyện đã bổ sung đủ thời gian, địa điểm và người làm chứng.")
    await head.press_data("dv:en:1")
    await office.press_data("dv:ap:1")
    await office.press_data("dv:af:1:director")
    too_long = await office.send("QĐ" * 2000)
    assert too_long[0].text == texts.DEED_NUMBER_TOO_LONG.format(maximum=40)
    story = await harness.store.deeds.story(1)
    assert story is not None and not story.decision_number
    await proposer.send("/decu")
    await proposer.press(texts.DEED_NOMINEE_PERSON)
    search = await proposer.send("Nguyễn " * 5_000)
    assert search[0].text == texts.DEED_SEARCH_TOO_LONG.format(maximum=60)
    assert not [m for m in harness.fake.sent if len(m.text) > 4096]


def test_5_a_long_reply_is_fitted_to_each_messenger() -> None:
    lines = [f"• Dòng {n}: " + " ".join(["chữ"] * 20) for n in range(500)]
    button = ((Choice("hd:nu:KHTC", "Nhắc"),),)
    reply = Reply("\n".join(lines), choices=button, edit="77")
    for channel in Channel:
        parts = fit(reply, channel.text_limit)
        assert all(len(p.text) <= channel.text_limit for p in parts)
        assert "\n".join(p.text for p in parts) == reply.text  # cut at line breaks, nothing lost
        assert [p.choices for p in parts] == [(), *[()] * (len(parts) - 2), button]
        assert parts[0].edit == "77" and all(p.edit is None for p in parts[1:])
    word = fit(Reply("x" * 10_000), 4096)
    assert [len(p.text) for p in word] == [4096, 4096, 1808]


def test_8_the_roster_refuses_codes_that_would_break_buttons() -> None:
    rows = [
        roster_row("CB1", "Mã Đơn Vị Hai Chấm", unit="A:B"),
        roster_row("CB2", "Mã Đơn Vị Dài", unit="U" * 53),
        roster_row("CB 3", "Mã Cán Bộ Có Dấu Cách"),
        roster_row("CB4", "Hợp Lệ", unit="KHTC-2_b"),
    ]
    entries, errors = parse_roster(enumerate(rows, start=2))
    assert [e.line for e in errors] == [2, 3, 4]
    assert texts.ROSTER_BAD_UNIT_CODE.format(unit="A:B") in errors[0].reason
    assert "unit_code" in errors[1].reason and "CB 3" in errors[2].reason
    assert [e.staff_code for e in entries] == ["CB4"]


def test_8_every_button_fits_64_bytes_with_the_longest_codes_allowed() -> None:
    unit, number = "U" * 16, 999_999_999
    ref = SlotRef(date(2026, 12, 31), SlotName.AFTERNOON)
    longest = max([*CATEGORIES, *FORMS, *KINDS, "person", "done"], key=len)
    built: list[Codec] = [
        CheckinButton(ref, "redo"),
        ConsentButton(False),
        *(HeadsButton(a, unit, ref if a == "fu" else None) for a in HeadsButton.ACTIONS),
        *(RiskButton(a, unit, ref.day, number, RiskLevel.VERY_HIGH) for a in ("lv",)),
        *(RiskButton(a, unit, ref.day, number) for a in ("ok", "ed", "pp")),
        RiskButton("bk", unit, ref.day),
        *(ProposalButton(a, longest) for a in ProposalButton.ACTIONS if a != "pick"),
        ProposalButton("pick", str(number)),
        ProposalButton("unit", unit),
        *(ReviewButton(m, number, max(FORMS, key=len)) for m in MOVE_OF),
        *(ExportButton("k", k) for k in KIND_NAMES),
        ExportButton("u", unit),
        AnnounceButton("a", unit),
        AnnounceButton("st", str(number)),
        *(ChannelButton(c.value) for c in Channel),
        *(PrivacyButton(a, number if a in ("ok", "no") else 0) for a in PrivacyButton.ACTIONS),
    ]
    for button in built:
        data = button.encode()
        assert len(data.encode()) <= 64, data
        assert type(button).decode(data) == button, data


async def test_1_a_malformed_zalo_update_is_set_aside_and_the_next_are_answered(
    both: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    zalo = both.running.bot_data.zalo
    assert zalo is not None
    malformed: list[dict[str, Any]] = [
        {"message": {"message_id": "bad-1", "from": "not an object", "chat": {"id": "x"}}},
        {"message": {"message_id": "bad-2", "from": {"id": ["x"]}, "chat": 5, "text": {}}},
        {"message": {"message_id": {"nested": 1}, "from": {"id": "y"}}},
    ]
    for update in malformed:
        await zalo.intake.receive(update)
    caplog.set_level(logging.WARNING)
    strangers = [both.zalo_user(f"zl-{n}") for n in range(3)]
    for user in strangers:
        both.zalo.text(user.id, "xin chào")
    await both.pump()
    assert all(user.inbox for user in strangers)  # each of the three is answered
    assert await both.store.inbox.set_aside_count(Channel.ZALO) == 3  # kept, never lost
    assert await both.store.inbox.held(Channel.ZALO) == []
    said = [r for r in caplog.records if "set aside" in r.getMessage()]
    assert len(said) == 3
    await both.pump()  # nothing more to say about them
    assert len([r for r in caplog.records if "set aside" in r.getMessage()]) == 3


async def test_10_one_undeliverable_item_blocks_no_chat(
    with_admin: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness = with_admin
    users = await harness.enrol(office_roster())
    a1 = users["A1"]
    harness.fake.failures.append(Failure("sendPhoto", a1.id, 200, "", times=99, garbage=True))
    now = harness.clock.now()
    chat = str(a1.id)
    await harness.store.outbox.enqueue_many(
        [
            (Channel.TELEGRAM, chat, Reply("", photos=("photo-1",))),
            (Channel.TELEGRAM, chat, Reply("Sau tấm ảnh")),
        ],
        now,
    )
    caplog.set_level(logging.WARNING)
    await harness.pump()
    assert [m.text for m in a1.inbox] == ["Sau tấm ảnh"]  # the chat goes on
    for _ in range(8):  # backoff: 2, 4, 8, 16 seconds
        harness.clock.advance(seconds=40)
        await harness.pump()
    tries = harness.fake.calls.count("sendPhoto")
    assert tries == 5
    admin = [m.text for m in harness.fake.to(-100)]
    assert len(admin) == 1 and "photo" not in admin[0]
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1  # at the end, not at every try


async def test_11_acknowledgements_are_not_held_by_a_429(harness: Harness) -> None:
    users = await harness.enrol(office_roster())
    a1, a2 = users["A1"], users["A2"]
    harness.fake.failures.append(Failure("sendMessage", a1.id, 429, "Too Many", retry_after=30))
    await a1.send("/help")  # the answer meets a 429: the sender holds for 30 s
    harness.fake.press(a2.user, "hd:st:KHTC")
    query = harness.fake.updates[-1]["callback_query"]["id"]
    await harness.pump()
    assert query in harness.fake.answered  # answered while messages wait


async def test_11_a_press_without_a_message_is_acknowledged(harness: Harness) -> None:
    await harness.enrol(office_roster())
    user = harness.user(777, "Nội Tuyến")
    harness.fake.push(
        {
            "callback_query": {
                "id": "cb-inline",
                "from": user.user,
                "chat_instance": "ci",
                "inline_message_id": "AAA",
                "data": "ck:20261123m:ok",
            }
        }
    )
    await harness.pump()
    assert "cb-inline" in harness.fake.answered and not user.inbox


async def test_12_blocked_then_back_an_edit_lost_a_group_moved(with_admin: Harness) -> None:
    harness = with_admin
    users = await harness.enrol(office_roster())
    a1 = users["A1"]
    harness.fake.failures.append(Failure("sendMessage", a1.id, 403, "Forbidden: bot blocked"))
    await a1.send("/help")  # the answer finds the bot blocked: unreachable
    await a1.send("/help")  # unblocked, writes again: reachable again
    await harness.run_until("07:30")
    assert prompts_of(a1)

    prompt = a1.last
    harness.fake.failures.append(
        Failure("editMessageText", a1.id, 400, "Bad Request: message to edit not found")
    )
    fever = next(data for label, data in prompt.buttons if "Sốt" in label)
    shown = await a1.press_data(fever, prompt)
    assert shown and shown[0].method == "sendMessage"  # the new screen, as a new message

    harness.fake.failures.append(
        Failure("sendMessage", -100, 400, "Bad Request: group chat was upgraded", migrate_to=-1009)
    )
    now = harness.clock.now()
    for n in range(2):
        await harness.store.outbox.enqueue_many(
            [(Channel.TELEGRAM, "-100", Reply(f"Báo cáo {n}"))], now
        )
        await harness.pump()
    assert [m.text for m in harness.fake.to(-1009)] == ["Báo cáo 0", "Báo cáo 1"]


def prompts_of(user: TgUser) -> list[str]:

    return prompts(user)


async def test_9_invite_guesses_wait_an_hour_and_are_audited_once(harness: Harness) -> None:
    await harness.import_roster(office_roster())
    code = await harness.invite("A1")
    guesser = harness.user(6_666, "Đoán Mò")
    for n in range(200):
        harness.fake.text(guesser.user, f"/start SAI{n:05d}XYZ")
    await harness.pump()
    answers = [m.text for m in guesser.inbox]
    assert len(answers) == 200
    assert answers[:4] == [texts.INVITE_UNKNOWN] * 4
    assert set(answers[4:]) == {texts.INVITE_WAIT.format(count=5)}
    assert (await guesser.send(f"/start {code}"))[0].text == texts.INVITE_WAIT.format(count=5)
    audit = [e for e in await harness.store.office.recent_audit(50) if e.action != "export"]
    assert [e.action for e in audit] == ["invite-guesses"]
    harness.clock.advance(hours=1, minutes=1)
    linked = await guesser.send(f"/start {code}")
    assert linked[0].text.startswith("Xin chào An Thành Viên")


async def test_9_refused_exports_are_audited_once_a_burst(harness: Harness) -> None:
    users = await harness.enrol(office_roster())
    for _ in range(30):
        harness.fake.text(users["A1"].user, "/xuat")
    await harness.pump()
    assert {m.text for m in users["A1"].inbox} == {texts.EXPORT_OFFICE_ONLY}
    audit = await harness.store.office.recent_audit(50)
    assert [e.action for e in audit] == ["export-refused"]


MATRIX_ROLES = {  # staff code, or None for a stranger; "unconsented" enrolled without consent
    "stranger": None,
    "unconsented": "U",
    "staff": "A1",
    "head of another unit": "X",
    "head": "H",
    "office": "O",
    "admin": "AD",
}
ARGUMENTS = ["", " A2 25/11 26/11", " KHTC", " TCCB", " " + "Z" * 300]


async def test_the_role_by_command_matrix(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Every command, bare and with arguments, from every role: one answer or more, never an
    apology for an error, and the febrile colleague's name only to her unit's head, the office
    (and herself)."""
    rows = [
        *office_roster(),
        roster_row("U", "Uyên Chưa Đồng Ý"),
        roster_row("AD", "An Quản Trị", unit="VP", roles="admin"),
    ]
    users = await harness.enrol(rows, unlinked=["U"])
    users["U"] = harness.user(7_777, "Uyên")
    await users["U"].send(f"/start {await harness.invite('U')}")  # linked, consent not given
    await harness.run_until("07:30")

    await report_fever(users["A2"])
    commands = sorted(harness.running.bot_data.router.commands)
    caplog.set_level(logging.ERROR)
    stranger = harness.user(8_888, "Người Lạ")
    version = harness.settings.consent_version
    for role, code in MATRIX_ROLES.items():
        user = stranger if code is None else users[code]
        for command in commands:
            for argument in ARGUMENTS:
                answer = await user.send(f"/{command}{argument}")
                caller = await harness.store.inbox.caller(Channel.TELEGRAM, str(user.id), version)
                if caller.flow or caller.walk:  # a conversation or a questionnaire left open
                    await user.send("/huy")  # leave the flow the command started
                assert answer, (role, command, argument)
                said = "\n".join(m.text for m in answer)
                assert texts.INTERNAL_ERROR not in said, (role, command, argument)
                if role in ("stranger", "unconsented", "staff", "head of another unit", "admin"):
                    assert "Ánh Khác" not in said, (role, command, argument)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
