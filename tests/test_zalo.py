"""Zalo beside Telegram, through the real bot, a fake Zalo Bot API and the fake Telegram one."""

from __future__ import annotations

from datetime import date

import httpx

from bot.channels.zalo import ZaloWebhook
from bot.channels.zalo.events import zalo_wording
from core import texts
from core.domain import Channel
from core.messages import Reply
from core.slots import SlotName, SlotRef
from tests.conftest import roster_row
from tests.harness import Harness
from tests.test_checkin_day import HEALTHY

MONDAY = date(2026, 11, 23)


def roster() -> list[dict[str, str]]:
    return [
        roster_row("H", "Hà Trưởng Phòng", roles="head"),
        roster_row("Z", "Dương Dùng Zalo"),
        roster_row("T", "Tú Dùng Telegram"),
        roster_row("O", "Oanh Văn Phòng", unit="VP", roles="office"),
    ]


async def enrol_on_zalo(both: Harness, code: str, user: str) -> None:
    zalo = both.zalo_user(user)
    await zalo.send(await both.invite(code))
    await zalo.send("1")  # "Tôi đồng ý"


async def test_enrolment_by_typed_code_and_numbered_consent(both: Harness) -> None:
    await both.import_roster(roster())
    zalo = both.zalo_user("zl-501")
    hello = await zalo.send("/start")
    assert hello[0].text == texts.START_UNKNOWN_ZALO.format(org="Sở Thử Nghiệm")
    code = await both.invite("Z")
    linked = await zalo.send(code.lower())
    assert linked[0].text.startswith("Xin chào Dương Dùng Zalo")
    consent = f"1. {texts.CONSENT_YES}\n2. {texts.CONSENT_NO}\n{texts.ZALO_ANSWER_HINT}"
    assert linked[1].text.endswith(consent)
    welcome = await zalo.send("1")
    assert welcome[0].text.startswith("Cảm ơn bạn! Đã ghi nhận sự đồng ý")
    caller = await both.store.inbox.caller(Channel.ZALO, "zl-501", texts.CONSENT_VERSION)
    assert caller.person is not None
    assert caller.consented


async def test_symptoms_by_numbers_alert_the_head_on_zalo_and_the_office_on_telegram(
    both: Harness,
) -> None:
    people = await both.enrol(roster(), unlinked=["H", "Z"])
    await enrol_on_zalo(both, "H", "zl-head")
    await enrol_on_zalo(both, "Z", "zl-dz")
    head, staff, office = both.zalo_user("zl-head"), both.zalo_user("zl-dz"), people["O"]
    await both.run_until("07:30")
    prompt = staff.last.text
    assert prompt.startswith("☀️ Chào buổi sáng!")
    office_tap, remote_tap = (
        texts.ONE_TAP_AT.format(place=p) for p in ("tại cơ quan", "làm việc từ xa")
    )
    assert f"1. {office_tap}\n2. {remote_tap}\n3. Sốt\n4. Ho\n" in prompt
    assert "10. Không có triệu chứng nào ➡️" in prompt

    typed = ["3 4", "xong", "1", "1"]  # fever and cough, done, no exposure, at the office
    replies = []
    for message in typed:
        replies = await staff.send(message)
    assert replies[0].text.startswith("✅ Đã ghi nhận khai báo buổi sáng lúc 07:30")
    assert "Triệu chứng: Sốt, Ho" in replies[0].text
    assert any(r.text == texts.GUIDANCE for r in replies)
    assert any(m.text.startswith("🚨 Cảnh báo y tế") and "Sốt, Ho" in m.text for m in head.inbox)
    assert any(m.text.startswith("🚨") and "Dương Dùng Zalo" in m.text for m in office.inbox)
    stored = await both.store.checkins.declaration_history(SlotRef(MONDAY, SlotName.MORNING))
    assert [d.answers["sym"] for d in stored] == [("fever", "cough")]
    # the menu is gone; said in Zalo's words (no buttons there)
    assert (await staff.send("7"))[0].text == zalo_wording(texts.FREE_TEXT_HINT)


async def test_zalo_and_telegram_in_one_summary(both: Harness) -> None:
    people = await both.enrol(roster(), unlinked=["H", "Z"])
    await enrol_on_zalo(both, "H", "zl-head")
    await enrol_on_zalo(both, "Z", "zl-dz")
    staff, head = both.zalo_user("zl-dz"), both.zalo_user("zl-head")
    await both.run_until("07:30")
    assert staff.last.text.startswith("☀️")
    assert people["T"].last.text.startswith("☀️")
    assert (await staff.send("1"))[0].text.startswith("✅ Đã ghi nhận")
    await people["T"].press(HEALTHY)
    await both.run_until("09:00")
    summary = next(m.text for m in head.inbox if m.text.startswith("📊"))
    assert "Đã khai báo: 2/3" in summary
    assert "⏳ Chưa khai báo (1): Hà Trưởng Phòng" in summary
    assert "1. 🔔 Nhắc người chưa khai báo" in summary


async def test_a_redelivered_update_counts_once_and_one_messenger_is_used(both: Harness) -> None:
    await both.enrol(roster(), unlinked=["Z"])
    await enrol_on_zalo(both, "Z", "zl-dz")
    await both.run_until("07:30")
    update = both.zalo.update("zl-dz", "1", message_id="same-id")
    both.zalo.updates += [update, update]
    await both.pump()
    assert (
        len(await both.store.checkins.declaration_history(SlotRef(MONDAY, SlotName.MORNING))) == 1
    )
    assert sum(m.text.startswith("✅ Đã ghi nhận") for m in both.zalo.to("zl-dz")) == 1

    # linked on both: prompts follow the messenger the person answered on last, never both
    telegram = both.user(9001, "Dương")
    await telegram.send(f"/start {await both.invite('Z')}")
    await both.run_until("16:30")
    on_telegram = [m for m in telegram.inbox if m.text.startswith("🌇")]
    on_zalo = [m for m in both.zalo.to("zl-dz") if m.text.startswith("🌇")]
    assert (len(on_telegram), len(on_zalo)) == (1, 0)
    chosen = await telegram.send("/kenh")
    assert [label for label, _ in chosen[0].buttons] == ["Telegram", "Zalo"]
    assert (await telegram.press("Zalo"))[0].text == texts.CHANNEL_SET.format(channel="Zalo")
    await both.run_until("17:00")  # the reminder
    assert both.zalo.to("zl-dz")[-1].text.startswith("⏰ Bạn chưa khai báo buổi chiều")


async def test_long_texts_are_split_and_documents_are_not_sent(both: Harness) -> None:
    await both.enrol(roster(), unlinked=["O"])
    await enrol_on_zalo(both, "O", "zl-office")
    office = both.zalo_user("zl-office")
    await office.send("/thongbao")
    await office.send("1")  # everyone
    long = "Thông báo họp giao ban. " * 100  # 2,400 characters
    preview = await office.send(long)
    assert len(preview) == 2
    assert all(len(p.text) <= 2000 for p in preview)
    assert " ".join(p.text for p in preview).count("họp giao ban") == 100  # nothing cut off
    refused = await office.send("/xuat")
    assert refused[0].text == texts.DOCUMENTS_NOT_ON_CHANNEL


async def test_the_webhook_refuses_a_wrong_secret_and_keeps_a_right_one(both: Harness) -> None:
    zalo = both.running.bot_data.zalo
    assert zalo is not None
    webhook = await ZaloWebhook(zalo.intake, "s3cret-token").start("127.0.0.1", 0)
    port = webhook.port
    update = both.zalo.update("zl-x", "xin chào", message_id="hook-1")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            guess = {"X-Bot-Api-Secret-Token": "guess"}
            right = {"X-Bot-Api-Secret-Token": "s3cret-token"}
            refused = await client.post("/zalo", json=update, headers=guess)
            kept = await client.post("/zalo", json=update, headers=right)
    finally:
        await webhook.stop()
    assert (refused.status_code, kept.status_code) == (403, 200)
    assert [key for key, _ in await both.store.inbox.held(Channel.ZALO)] == ["zl:hook-1"]
    await zalo.intake.take()
    await zalo.sender.drain()
    assert both.zalo.to("zl-x")[0].text == texts.NOT_ENROLLED_ZALO


async def test_the_monthly_quota_warns_the_admins_once(both: Harness) -> None:
    await both.stop()
    both.configure(zalo_monthly_quota=10)
    await both.start()
    rows = [*roster(), roster_row("AD", "An Quản Trị", unit="VP", roles="admin")]
    people = await both.enrol(rows)
    now = both.clock.now()
    await both.store.outbox.enqueue_many(
        [(Channel.ZALO, f"zl-{n}", Reply("x")) for n in range(9)], now
    )
    await both.pump()
    warnings = [m for m in people["AD"].inbox if m.text.startswith("⚠️ Zalo")]
    assert len(warnings) == 1
    assert "9/10" in warnings[0].text
    await both.store.outbox.enqueue_many([(Channel.ZALO, "zl-y", Reply("y"))], now)
    await both.pump()
    assert len([m for m in people["AD"].inbox if m.text.startswith("⚠️ Zalo")]) == 1


async def test_zalo_alone_without_a_telegram_token(both: Harness) -> None:
    await both.stop()
    both.configure(bot_token=None)
    both.fake.calls.clear()
    await both.start()
    await both.import_roster(roster())
    await enrol_on_zalo(both, "Z", "zl-only")
    await both.run_until("07:30")
    staff = both.zalo_user("zl-only")
    assert staff.last.text.startswith("☀️ Chào buổi sáng!")
    assert (await staff.send("1"))[0].text.startswith("✅ Đã ghi nhận khai báo buổi sáng")
    assert both.fake.calls == []  # nothing ever went to Telegram


async def test_a_photo_sent_on_zalo_joins_a_proposal(both: Harness) -> None:
    await both.enrol(roster(), unlinked=["Z"])
    await enrol_on_zalo(both, "Z", "zl-dz")
    staff = both.zalo_user("zl-dz")
    await staff.send("/decu")
    await staff.send("1")  # myself
    await staff.send("3")  # a creative idea
    await staff.send("Anh Dương đã đề xuất lịch trực luân phiên giúp cả phòng không ai quá tải.")
    both.zalo.updates.append(both.zalo.update("zl-dz", photo="https://zalo.example/a.jpg"))
    await both.pump()
    assert staff.last.text.startswith(texts.DEED_PHOTO_SAVED.format(count=1, maximum=3))
