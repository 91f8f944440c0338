"""Enrolment end to end, through the real python-telegram-bot pipeline and the fake Bot API."""

from __future__ import annotations

from pathlib import Path

from core import texts
from core.domain import Channel, Person
from core.messages import Reply
from handlers.router import Ctx
from tests.conftest import roster_row
from tests.fakes.zalo_api import ZALO_TOKEN
from tests.harness import FakeClock, Harness

ROSTER = [
    roster_row("CB001", "Nguyễn Văn An", phone="0912345678"),
    roster_row("CB002", "Trần Thị Bình", phone="0987654321"),
    roster_row("CB003", "Lê Văn Cường", unit="TCCB", roles="staff;head"),
]


async def test_enrol_by_deep_link_code_then_consent(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    code = await harness.invite("CB001")
    an = harness.user(501, "An")

    replies = await an.send(f"/start {code}")

    assert "Nguyễn Văn An" in replies[0].text and "Kế hoạch" in replies[0].text
    assert "Luật Bảo vệ dữ liệu cá nhân" in replies[1].text
    assert [label for label, _ in replies[1].buttons] == [texts.CONSENT_YES, texts.CONSENT_NO]
    welcome = await an.press(texts.CONSENT_YES)
    assert "đồng ý lúc 07:00" in welcome[0].text and "hai lần mỗi ngày" in welcome[0].text
    assert harness.fake.answered, "the button press is acknowledged"
    person = await linked(harness, "501")
    assert person is not None and person.staff_code == "CB001"
    assert await harness.store.people.has_consent(person.id, texts.CONSENT_VERSION)


async def test_enrol_by_typed_code_in_lower_case(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    code = await harness.invite("CB002")
    binh = harness.user(502, "Bình")
    replies = await binh.send(f"  {code[:4].lower()} {code[4:].lower()} ")
    assert "Trần Thị Bình" in replies[0].text


async def test_enrol_by_own_phone_in_international_form(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    an = harness.user(501, "An")

    hello = await an.send("/start")
    assert hello[0].asks_contact and "Chia sẻ số điện thoại" in hello[0].text

    replies = await an.share_contact("+84912345678")
    assert "Nguyễn Văn An" in replies[0].text
    assert replies[0].reply_markup == {"remove_keyboard": True}
    assert replies[1].buttons[0][1] == "consent:yes"


async def test_telegram_sends_phone_without_plus(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    replies = await harness.user(502, "Bình").share_contact("84987654321")
    assert "Trần Thị Bình" in replies[0].text


async def test_someone_elses_contact_is_refused(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    an = harness.user(501, "An")
    replies = await an.share_contact("0987654321", owner_id=999)
    assert replies[0].text == texts.CONTACT_NOT_YOURS
    assert await linked(harness, "501") is None


async def test_forwarded_contact_is_refused(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    an = harness.user(501, "An")
    harness.fake.message(
        an.user,
        contact={"phone_number": "0912345678", "first_name": "An", "user_id": 501},
        forward_origin={"type": "hidden_user", "date": 1, "sender_user_name": "X"},
    )
    await harness.pump()
    assert an.new()[0].text == texts.FORWARDED_REFUSED
    assert await linked(harness, "501") is None


async def test_unknown_person_and_unknown_phone(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    stranger = harness.user(777, "Lạ")
    assert (await stranger.send("/me"))[0].text == texts.NOT_ENROLLED
    assert (await stranger.send("xin chào"))[0].text == texts.NOT_ENROLLED
    replies = await stranger.share_contact("0900000000")
    assert replies[0].text == texts.CONTACT_NOT_FOUND.format(phone="0900000000")
    assert (await stranger.send("/start ZZZZZZZZ"))[0].text == texts.INVITE_UNKNOWN


async def test_expired_code(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    code = await harness.invite("CB001", days=14)
    harness.clock.advance(days=15)
    replies = await harness.user(501, "An").send(f"/start {code}")
    assert replies[0].text == texts.INVITE_EXPIRED


async def test_reused_code_and_relinking_a_new_account(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    code = await harness.invite("CB001")
    old_phone, new_phone = harness.user(501, "An"), harness.user(601, "An mới")
    await old_phone.send(f"/start {code}")

    assert (await new_phone.send(f"/start {code}"))[0].text == texts.INVITE_USED
    again = await old_phone.send(f"/start {code}")  # their own code again: no error
    assert again[0].buttons[0][1] == "consent:yes"

    second = await harness.invite("CB001")
    await new_phone.send(f"/start {second}")
    assert await linked(harness, "601") is not None
    assert await linked(harness, "501") is None  # unlinked


async def test_nothing_health_related_before_consent(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    an = harness.user(501, "An")
    await an.send(f"/start {await harness.invite('CB001')}")
    await an.press(texts.CONSENT_NO)
    person = await linked(harness, "501")
    assert person is not None
    assert not await harness.store.people.has_consent(person.id, texts.CONSENT_VERSION)

    replies = await an.send("/me")
    assert "chưa đồng ý" in replies[0].text


async def test_help_lists_commands_by_role_and_me_shows_unit(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    cuong = harness.user(503, "Cường")
    await cuong.send(f"/start {await harness.invite('CB003')}")
    await cuong.press(texts.CONSENT_YES)

    help_text = (await cuong.send("/help"))[0].text
    assert "/me" in help_text and "/start" in help_text
    me = (await cuong.send("/me"))[0].text
    assert "Lê Văn Cường" in me and "Phòng Tổ chức cán bộ (TCCB)" in me
    assert "lãnh đạo đơn vị" in me and "Telegram" in me and "đã đồng ý" in me


async def test_same_update_delivered_twice_is_handled_once(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    an = harness.user(501, "An")
    harness.fake.text(an.user, "/start")
    duplicate = dict(harness.fake.updates[-1])
    await harness.pump()
    harness.fake.updates.append(duplicate)  # Telegram redelivers an unconfirmed update
    await harness.pump()
    assert len(an.new()) == 1


async def test_group_chat_gets_only_a_pointer(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    an = harness.user(501, "An")
    group = {"id": -100123, "type": "supergroup", "title": "Phòng KHTC"}
    harness.fake.message(
        an.user,
        chat=group,
        text="/start",
        entities=[{"type": "bot_command", "offset": 0, "length": 6}],
    )
    harness.fake.message(an.user, chat=group, text="chào cả nhà")
    await harness.pump()
    to_group = harness.fake.to(-100123)
    assert len(to_group) == 1 and "t.me/SoKhoeTestBot" in to_group[0].text


async def test_free_text_sticker_and_forged_button(harness: Harness) -> None:
    await harness.import_roster(ROSTER)
    an = harness.user(501, "An")
    await an.send(f"/start {await harness.invite('CB001')}")
    await an.press(texts.CONSENT_YES)
    assert (await an.send("hello bot"))[0].text == texts.FREE_TEXT_HINT
    assert (await an.press_data("zz:1:2"))[0].text == texts.FORGED_BUTTON
    assert (await an.send("/khongcolenh"))[0].text == texts.UNKNOWN_COMMAND
    harness.fake.message(
        an.user,
        sticker={
            "file_id": "x",
            "file_unique_id": "y",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        },
    )
    await harness.pump()
    assert an.new()[0].text == texts.UNSUPPORTED


async def linked(harness: Harness, account: str) -> Person | None:
    """The person a Telegram account is linked to."""
    return (
        await harness.store.inbox.caller(Channel.TELEGRAM, account, texts.CONSENT_VERSION)
    ).person


async def test_a_failing_event_does_not_sink_its_batch(harness: Harness) -> None:
    async def boom(ctx: Ctx) -> list[Reply]:
        await ctx.store.people.record_consent(1, "half-done", Channel.TELEGRAM, ctx.now)  # undone
        raise RuntimeError("a bug in a flow")

    harness.running.bot_data.router.command(("boom",), boom, role=None, consent=False)
    await harness.import_roster(ROSTER)
    an, binh = harness.user(501, "An"), harness.user(502, "Bình")
    harness.fake.text(an.user, "/start")
    harness.fake.text(binh.user, "/boom")
    harness.fake.text(an.user, "/help")
    await harness.pump()
    assert [m.text for m in binh.inbox] == [texts.INTERNAL_ERROR]
    assert len(an.inbox) == 2  # both of An's events, around the failing one
    assert not await harness.store.people.has_consent(1, "half-done")


async def test_one_error_policy_for_every_messenger(tmp_path: Path, clock: FakeClock) -> None:
    """A flow that fails, on Telegram (a button press) and on Zalo (a message): logged, the
    person gets an apology, the admin chat is told, the press is still acknowledged."""

    async def boom(ctx: Ctx) -> list[Reply]:
        raise RuntimeError("a bug in a flow")

    harness = Harness(tmp_path, clock)
    harness.configure(zalo_bot_token=ZALO_TOKEN, zalo_send_rate=0, admin_chat_id=-100)
    await harness.start()
    try:
        router = harness.running.bot_data.router
        router.command(("boom",), boom, role=None, consent=False)
        router.choice("boom", boom, role=None, consent=False)
        an = harness.user(501, "An")
        harness.fake.press(an.user, "boom:1")
        query = harness.fake.updates[-1]["callback_query"]["id"]
        await harness.pump()
        assert query in harness.fake.answered
        assert [m.text for m in an.inbox] == [texts.INTERNAL_ERROR]
        zalo = harness.zalo_user("z-501")
        assert [m.text for m in await zalo.send("/boom")] == [texts.INTERNAL_ERROR]
        admin = [m.text for m in harness.fake.to(-100)]
        assert len(admin) == 2 and all("RuntimeError" in text for text in admin)
    finally:
        await harness.stop()
