"""Good people, good deeds, end to end through the real bot and the fake Bot API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from bot.cli_data import export
from core import texts
from core.domain import Channel
from core.stories import State
from tests.conftest import roster_row
from tests.fakes.telegram_api import Sent
from tests.harness import Harness, TgUser

STORY = (
    "Chị Hoa đã trực xuyên đêm ba tuần liền ở khu cách ly, tự nguyện nhận thêm ca "
    "và hướng dẫn hơn 200 người dân khai báo y tế."
)


def roster() -> list[dict[str, str]]:
    return [
        roster_row("P", "Phan Văn Đề", roles="staff"),
        roster_row("N", "Nguyễn Thị Hoa"),
        roster_row("H", "Hồ Trưởng Phòng", roles="head"),
        roster_row("X", "Xuân Trưởng Khác", unit="TCCB", roles="head"),
        roster_row("O", "Ông Văn Phòng", unit="VP", roles="office"),
    ]


def texts_of(messages: list[Sent]) -> list[str]:
    return [m.text.splitlines()[0] if m.text else f"<{m.method} {len(m.photos)}>" for m in messages]


async def propose(user: TgUser, nominee: str = "hoa", photos: int = 2) -> list[Sent]:
    await user.send("/decu")
    await user.press(texts.DEED_NOMINEE_PERSON)
    await user.send(nominee)
    await user.press("Nguyễn Thị Hoa")
    await user.press(texts.DEED_CATEGORIES["frontline"])
    await user.send(STORY)
    for n in range(photos):
        await user.send_photo(f"photo-{n}")
    await user.press(texts.DEED_PHOTOS_DONE)
    await user.press(texts.DEED_FORMS["director"])
    preview = await user.press("Đột xuất")
    assert preview[0].text.startswith(texts.DEED_CARD_DRAFT)
    return await user.press(texts.DEED_SUBMIT)


async def test_a_story_with_two_photos_from_proposal_to_publication(harness: Harness) -> None:
    people = await harness.enrol(roster())
    proposer, nominee, head, office, other = (people[c] for c in "PNHOX")
    submitted = await propose(proposer)
    assert texts_of(submitted) == [
        texts.DEED_SUBMITTED.format(id=1, unit="Phòng Kế hoạch - Tài chính")
    ]
    assert texts_of(head.new()) == [
        "<sendMediaGroup 2>",
        texts.DEED_FOR_HEAD.format(unit="Phòng Kế hoạch - Tài chính", proposer="Phan Văn Đề"),
    ]
    assert head.inbox[0].photos == ["photo-0", "photo-1"]  # the largest size of each
    assert STORY in head.last.text and "Nguyễn Thị Hoa" in head.last.text

    endorsed = await head.press(texts.DEED_ENDORSE)
    assert texts_of(endorsed) == ["Đã ghi nhận: #1 📨 chờ Văn phòng xét duyệt."]
    assert texts_of(proposer.new()) == [
        texts.DEED_ENDORSED_PROPOSER.format(id=1, unit="Phòng Kế hoạch - Tài chính")
    ]
    assert texts_of(office.new()) == [
        "<sendMediaGroup 2>",
        texts.DEED_FOR_OFFICE.format(unit="Phòng Kế hoạch - Tài chính", proposer="Phan Văn Đề"),
    ]

    await office.press(texts.DEED_APPROVE)
    await office.press(texts.DEED_FORMS["director"])
    await office.send("123/QĐ-SYT")
    approved = await office.send("25/11/2026")
    decision = "Giấy khen của Giám đốc Sở, QĐ số 123/QĐ-SYT ngày 25/11/2026"
    assert approved[0].text == f"Đã ghi nhận: #1 🏅 đã duyệt — {decision}."
    assert texts_of(proposer.new()) == [
        texts.DEED_APPROVED_PROPOSER.format(id=1, decision=decision)
    ]
    assert texts_of(nominee.new()) == [texts.DEED_APPROVED_NOMINEE.format(id=1, decision=decision)]

    await office.press(texts.DEED_PUBLISH)
    published = await office.press(texts.DEED_PUBLISH_ALL)
    # the office's own answer first (a reply goes before broadcasts), then the announcement
    assert published[0].text == texts.DEED_PUBLISHED.format(id=1, count=10)  # 5 × (album, text)
    assert texts_of(published[1:3]) == [
        "<sendMediaGroup 2>",
        "🌟 BIỂU DƯƠNG GƯƠNG NGƯỜI TỐT, VIỆC TỐT",
    ]
    for user in (nominee, head, other):
        assert texts_of(user.new()) == [
            "<sendMediaGroup 2>",
            "🌟 BIỂU DƯƠNG GƯƠNG NGƯỜI TỐT, VIỆC TỐT",
        ]
    assert texts_of(proposer.new()) == [  # the notice of the move first, then the broadcast
        texts.DEED_PUBLISHED_PROPOSER.format(id=1),
        "<sendMediaGroup 2>",
        "🌟 BIỂU DƯƠNG GƯƠNG NGƯỜI TỐT, VIỆC TỐT",
    ]
    assert decision in office.inbox[-1].text  # the announcement, last
    story = await harness.store.deeds.story(1)
    assert story is not None and story.state == State.PUBLISHED
    moves = [m for m, _, _ in await harness.store.deeds.story_moves(1)]
    assert moves == ["submit", "endorse", "approve", "publish"]


async def test_returned_then_resubmitted_and_a_rejection(harness: Harness) -> None:
    people = await harness.enrol(roster())
    proposer, head, office = people["P"], people["H"], people["O"]
    await propose(proposer, photos=0)
    await head.press(texts.DEED_RETURN)
    await head.send("Ghi rõ thời gian và kết quả cụ thể.")
    returned = proposer.new()
    assert returned[-1].text == texts.DEED_RETURNED_PROPOSER.format(
        id=1, note="Ghi rõ thời gian và kết quả cụ thể."
    )
    await proposer.press(texts.DEED_RESUBMIT)
    assert (await proposer.send("ngắn quá"))[0].text.startswith("Câu chuyện mới có 8 ký tự")
    resubmitted = await proposer.send(STORY + " Từ 1/8 đến 21/8/2021, không ca nào lây nhiễm.")
    assert resubmitted[0].text.startswith("✅ Đã gửi đề xuất #1")
    assert "không ca nào lây nhiễm" in head.last.text
    await head.press(texts.DEED_ENDORSE)
    await office.press(texts.DEED_REJECT)
    await office.send("Chưa đủ tiêu chuẩn khen đột xuất.")
    assert proposer.last.text == texts.DEED_REJECTED_PROPOSER.format(
        id=1, note="Chưa đủ tiêu chuẩn khen đột xuất."
    )
    moves = [m for m, _, _ in await harness.store.deeds.story_moves(1)]
    assert moves == ["submit", "return", "resubmit", "endorse", "reject"]


async def test_only_the_right_role_moves_a_story(harness: Harness) -> None:
    people = await harness.enrol(roster())
    proposer, head, office, other = people["P"], people["H"], people["O"], people["X"]
    await propose(proposer, photos=0)
    assert (await other.press_data("dv:en:1"))[0].text.startswith(
        "Bạn không thể thực hiện thao tác này với đề xuất #1"
    )
    assert (await proposer.press_data("dv:en:1"))[0].text.startswith("Bạn không thể")  # forged
    assert (await office.press_data("dv:ap:1"))[0].text.startswith(
        "Bạn không thể"
    )  # not endorsed yet
    await head.press(texts.DEED_ENDORSE)
    assert (await proposer.press_data("dv:ap:1"))[0].text.startswith("Bạn không thể")  # staff
    assert (await head.press_data("dv:af:1:director"))[0].text.startswith("Bạn không thể")
    assert (await other.press_data("dv:op:1"))[0].text.startswith("Bạn không thể")
    story = await harness.store.deeds.story(1)
    assert story is not None and story.state == State.ENDORSED
    assert (await proposer.press_data("dv:en:999"))[0].text == texts.DEED_UNKNOWN


async def test_limits_refuse_and_store_nothing(harness: Harness) -> None:
    people = await harness.enrol(roster())
    proposer = people["P"]
    await proposer.send("/decu")
    await proposer.press(texts.DEED_NOMINEE_SELF)
    await proposer.press(texts.DEED_CATEGORIES["idea"])
    short = await proposer.send("Tốt lắm ạ.")  # ten characters
    assert short[0].text == texts.DEED_TOO_SHORT.format(count=10, minimum=30)
    assert (await proposer.send("x" * 3001))[0].text == texts.DEED_TOO_LONG.format(
        count=3001, maximum=3000
    )
    await proposer.send(STORY)
    pdf = await proposer.send_document("bao-cao.pdf", "application/pdf")
    assert pdf[0].text == texts.DEED_ONLY_PHOTOS
    cancelled = await proposer.press(texts.DEED_CANCEL)
    assert cancelled[0].text == texts.DEED_CANCELLED
    nominee = await harness.store.people.person_by_code("P")
    assert nominee is not None
    assert await harness.store.deeds.stories_of(nominee.id) == []

    for _ in range(5):
        await propose(proposer, photos=0)
    sixth = await proposer.send("/decu")
    assert sixth[0].text == texts.DEED_DAILY_LIMIT.format(limit=5)
    assert len(await harness.store.deeds.stories_of(nominee.id)) == 5


async def test_my_stories_and_pending_lists(harness: Harness) -> None:
    people = await harness.enrol(roster())
    proposer, head, office = people["P"], people["H"], people["O"]
    await propose(proposer, photos=1)
    mine = await proposer.send("/decucuatoi")
    assert (
        mine[0].text.splitlines()[1].startswith("#1 · Nguyễn Thị Hoa · Tuyến đầu chống dịch · ⏳")
    )
    pending = await head.send("/choduyet")
    assert pending[0].text.startswith(texts.DEED_PENDING_HEADER.format(count=1))
    opened = await head.press("Xem #1")
    assert texts_of(opened)[0] == "<sendPhoto 1>"
    assert (await office.send("/choduyet"))[0].text == texts.DEED_PENDING_NONE
    assert (await proposer.send("/choduyet"))[0].text.startswith("Lệnh này chỉ dành cho")


async def test_the_council_export_of_proposals(harness: Harness, tmp_path: Path) -> None:
    people = await harness.enrol(roster())
    await propose(people["P"], photos=1)
    await people["H"].press(texts.DEED_ENDORSE)
    await people["O"].press(texts.DEED_APPROVE)
    await people["O"].press(texts.DEED_FORMS["chairman"])
    await people["O"].send("45/QĐ-UBND")
    await people["O"].press(texts.DEED_TODAY)
    await propose(people["P"], photos=0)  # a second one, still waiting

    day = date(2026, 11, 23)
    assert (
        await export(harness.settings, "stories", (day, day), None, tmp_path / "de-xuat.xlsx", None)
        == 0
    )
    sheet = openpyxl.load_workbook(tmp_path / "de-xuat.xlsx").active
    assert sheet["A1"].value == "Sở Thử Nghiệm"
    assert sheet["A2"].value == texts.EXPORT_TITLES["stories"]
    assert sheet["A3"].value == "Từ ngày 23/11/2026 đến ngày 23/11/2026"
    assert [c.value for c in sheet[5]][:4] == [
        "Số",
        "Trạng thái",
        "Người đề xuất",
        "Người/đơn vị được đề xuất",
    ]
    assert sheet.freeze_panes == "A6"
    first = [c.value for c in sheet[6]]
    assert first[:11] == [
        1, "đã duyệt", "Phan Văn Đề", "Nguyễn Thị Hoa", "KHTC", "Phòng Kế hoạch - Tài chính",
        "Tuyến đầu chống dịch", "Giấy khen của Giám đốc Sở", "đột xuất",
        "Bằng khen của Chủ tịch UBND tỉnh", "45/QĐ-UBND",
    ]  # fmt: skip
    assert first[11] == "23/11/2026" and first[12] == "23/11/2026 07:00"
    assert [c.value for c in sheet[7]][:2] == [2, "chờ lãnh đạo đơn vị đề nghị"]
    assert sheet.max_row == 7

    await export(harness.settings, "stories", (day, day), "TCCB", tmp_path / "none.csv", None)
    assert (tmp_path / "none.csv").read_bytes().startswith(b"\xef\xbb\xbfS\xe1\xbb\x91,")
    assert len((tmp_path / "none.csv").read_text(encoding="utf-8-sig").splitlines()) == 1


async def test_a_prompt_does_not_wipe_out_a_proposal_in_progress(harness: Harness) -> None:
    people = await harness.enrol(roster())
    proposer = people["P"]
    harness.clock.current = harness.clock.current.replace(hour=7, minute=25)
    await proposer.send("/decu")
    await proposer.press(texts.DEED_NOMINEE_SELF)
    await proposer.press(texts.DEED_CATEGORIES["idea"])
    await harness.run_until("07:30")  # the morning prompt arrives in the middle
    await proposer.press("✅ Khỏe")  # declaring does not end the proposal either
    photos = await proposer.send(STORY)
    assert photos[0].text == texts.DEED_PHOTOS_ASK.format(maximum=3)


async def test_a_damaged_conversation_is_answered_never_a_traceback(harness: Harness) -> None:
    """A conversation row that no longer fits its flow (an older version, a damaged row): the
    flow starts over or says the button is stale; nothing is stored."""
    users = await harness.enrol(roster())
    proposer, office = users["P"], users["O"]
    inbox = harness.store.inbox
    now = harness.clock.now()
    await inbox.set_conversation(Channel.TELEGRAM, str(proposer.id), "deed", {"draft": 7}, now)
    assert (await proposer.press_data("dd:photos:done"))[0].text == texts.DEED_CANCELLED
    await inbox.set_conversation(
        Channel.TELEGRAM, str(office.id), "review", {"story": "1; DROP", "move": "?"}, now
    )
    assert (await office.send("một lý do"))[0].text == texts.DEED_UNKNOWN
    await inbox.set_conversation(
        Channel.TELEGRAM, str(office.id), "export", {"kind": "risk", "first": "hôm qua"}, now
    )
    assert (await office.press_data("xp:f:csv"))[0].text == texts.STALE_BUTTON
    assert await harness.store.deeds.stories_of(1) == []
