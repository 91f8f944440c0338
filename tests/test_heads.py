"""Unit heads and the office through the real bot: summaries, commands, the 15:00 deadline."""

from __future__ import annotations

from datetime import date
from typing import Any

from core import texts
from core.declarations import Leave
from core.slots import SlotName
from scheduler import job_specs
from services.summaries import close_slot
from tests.conftest import roster_row
from tests.fakes.telegram_api import Failure, Sent
from tests.harness import Harness, TgUser
from tests.test_checkin_day import HEALTHY, report_fever

MONDAY = date(2026, 11, 23)


def morning_roster() -> list[dict[str, str]]:
    khtc = [
        roster_row("H", "Hà Trưởng Phòng", roles="head"),
        roster_row("A", "An Nghỉ Phép"),
        roster_row("B", "Bình Chặn Bot"),
        roster_row("C", "Cường Chưa Đăng Ký"),
        roster_row("D", "Dung Khỏe"),
        roster_row("E", "Em Khỏe"),
        roster_row("F", "Phúc Sốt"),
        roster_row("G", "Giang Im Lặng"),
    ]
    tccb = [roster_row(f"T{i}", f"Tổ Chức {i}", unit="TCCB") for i in (1, 2, 3)]
    return [*khtc, *tccb, roster_row("V", "Vân Văn Phòng", unit="VP", roles="office")]


def summaries(user: TgUser) -> list[Sent]:
    return [m for m in user.inbox if m.text.startswith("📊")]


async def test_the_0900_summary_of_a_scripted_morning(harness: Harness) -> None:
    people = await harness.enrol(morning_roster(), unlinked=["C"])
    annual = await harness.store.people.person_by_code("A")
    assert annual is not None
    await harness.store.checkins.add_leave(
        Leave(annual.id, MONDAY, MONDAY), annual.id, harness.clock.now()
    )
    harness.fake.failures.append(
        Failure("sendMessage", people["B"].id, 403, "Forbidden: bot was blocked by the user")
    )
    await harness.run_until("07:30")
    for code in ("H", "D", "E", "T1", "T2", "T3", "V"):
        await people[code].press(HEALTHY)
    await report_fever(people["F"])

    await harness.run_until("09:00")
    head = summaries(people["H"])
    assert len(head) == 1
    text = head[0].text
    assert text.splitlines()[0] == "📊 Phòng Kế hoạch - Tài chính — khai báo buổi sáng 23/11"
    assert "Đã khai báo: 4/7 (57%)" in text
    assert "🌴 Nghỉ phép (1): An Nghỉ Phép" in text
    assert (
        "📵 Không liên lạc được (2; chặn bot hoặc chưa đăng ký): Bình Chặn Bot, Cường Chưa Đăng Ký"
        in text
    )
    assert "⏳ Chưa khai báo (1): Giang Im Lặng" in text
    assert "• Phúc Sốt: Sốt" in text
    assert [label for label, _ in head[0].buttons] == [texts.NUDGE_BUTTON]

    office = [m.text for m in people["V"].inbox if m.text.startswith("🏢")]
    assert len(office) == 1
    lines = office[0].splitlines()
    assert lines[1] == "Đã khai báo: 8/11 (73%)"
    assert lines[3:] == [
        "• Phòng Kế hoạch - Tài chính: 4/7 (57%) ⚠️1",
        "• Phòng Tổ chức cán bộ: 3/3 (100%)",
        "• Văn phòng Sở: 1/1 (100%)",
    ]
    assert summaries(people["T1"]) == []  # not a head

    harness.clock.advance(minutes=2)
    nudged = await people["H"].press(texts.NUDGE_BUTTON)
    assert nudged[0].text == texts.NUDGED.format(count=1, unit="KHTC")
    assert people["G"].last.text.startswith(texts.NUDGE_HEADER.format(slot="buổi sáng"))
    again = await people["H"].send("/nhac")
    assert again[0].text == texts.NUDGE_TOO_SOON.format(unit="KHTC", time="09:02", minutes=10)
    harness.clock.advance(minutes=11)
    assert (await people["H"].send("/nhac"))[0].text.startswith("🔔 Đã nhắc 1")


async def test_head_commands_and_refusals(harness: Harness) -> None:
    people = await harness.enrol(morning_roster())
    await harness.run_until("07:30")
    await people["D"].press(HEALTHY)
    status = await people["H"].send("/tinhhinh")
    assert "Đã khai báo: 1/8" in status[0].text
    assert status[1].text == texts.RISK_NO_SHEET.format(unit="KHTC")
    missing = await people["H"].send("/chuakhai")
    assert missing[0].text.startswith("⏳ KHTC — chưa khai báo buổi sáng 23/11 (7):")
    office = await people["V"].send("/status")
    assert office[0].text.startswith("🏢 Toàn Sở")

    refused = await people["D"].send("/chuakhai")
    assert refused[0].text == texts.NOT_ALLOWED.format(role="lãnh đạo đơn vị hoặc văn phòng")
    assert (await people["D"].send("/nhac"))[0].text == texts.NOT_ALLOWED.format(
        role="lãnh đạo đơn vị hoặc văn phòng"
    )
    assert (await people["H"].send("/tinhhinh TCCB"))[0].text == texts.NOT_YOUR_UNIT
    assert (await people["H"].press_data("hd:nu:TCCB"))[0].text == texts.NOT_YOUR_UNIT
    assert (await people["D"].press_data("hd:nu:KHTC"))[0].text.startswith("Lệnh này chỉ dành cho")
    assert (await people["H"].press_data("rk:ok:TCCB:20261123:1"))[0].text == texts.NOT_YOUR_UNIT


async def test_a_head_of_two_units_chooses_one(harness: Harness) -> None:
    rows = morning_roster()
    rows[0] = roster_row("H", "Hà Trưởng Phòng", roles="head;head:TCCB")
    people = await harness.enrol(rows)
    choose = await people["H"].send("/tinhhinh")
    assert choose[0].text == texts.CHOOSE_UNIT
    assert [data for _, data in choose[0].buttons] == ["hd:st:KHTC", "hd:st:TCCB"]
    tccb = await people["H"].press("TCCB")
    assert tccb[0].text.startswith("📊 Phòng Tổ chức cán bộ")


async def test_long_lists_are_cut_with_the_full_list_one_tap_away(harness: Harness) -> None:
    rows = [roster_row("H", "Hà Trưởng", roles="head")]
    rows += [roster_row(f"S{i:02d}", f"Người Số {i:02d}") for i in range(1, 16)]
    people = await harness.enrol(rows)
    await harness.run_until("09:00")
    summary = summaries(people["H"])[0]
    assert "⏳ Chưa khai báo (16): " in summary.text
    assert summary.text.count("Người Số") == 9  # and Hà Trưởng: ten names
    assert summary.text.endswith("và 6 người khác")
    full = await people["H"].press(texts.FULL_LIST_BUTTON)
    assert full[0].text.count("Người Số") == 15


def three_units() -> list[dict[str, str]]:
    rows = []
    for unit in ("U1", "U2", "U3"):
        rows.append(roster_row(f"{unit}H", f"Trưởng {unit}", unit=unit, roles="head"))
        rows += [roster_row(f"{unit}S{i}", f"Cán Bộ {unit} {i}", unit=unit) for i in (1, 2)]
    rows.append(roster_row("OF", "Văn Phòng Sở", unit="U1", roles="office"))
    return rows


async def rounds(harness: Harness) -> list[tuple[Any, ...]]:
    return await harness.query(
        "SELECT unit_code, round, reason, confirmed_at, late FROM risk_rounds"
        " ORDER BY unit_code, round"
    )


async def test_the_1500_deadline_for_three_units(harness: Harness) -> None:
    people = await harness.enrol(three_units())
    heads = {u: people[f"{u}H"] for u in ("U1", "U2", "U3")}
    await harness.run_until("07:30")
    for user in people.values():
        await user.press(HEALTHY)

    await harness.run_until("14:00")
    for head in heads.values():
        assert head.last.text.startswith("🗺️ Cập nhật mức nguy cơ lên bản đồ")
        assert "Mức của đơn vị (gợi ý): Bình thường mới\nBình thường mới (" in head.last.text
    await harness.run_until("14:10")
    done = await heads["U1"].press(texts.RISK_CONFIRM_BUTTON)
    assert done[-1].text == texts.RISK_CONFIRMED.format(unit="Đơn vị U1", time="14:10", day="23/11")

    for head in heads.values():
        head.new()
    await harness.run_until("14:45")
    reminded = [u for u, head in heads.items() if any(m.text.startswith("⏰") for m in head.new())]
    assert reminded == ["U2", "U3"]

    await harness.run_until("14:50")
    await heads["U2"].press(texts.RISK_CONFIRM_BUTTON)
    await harness.run_until("15:00")
    escalation = [m.text for m in people["OF"].inbox if m.text.startswith("⛔")]
    assert escalation == [
        texts.RISK_MISSED_OFFICE.format(deadline="15:00", count=1, units="• Đơn vị U3")
    ]
    assert heads["U3"].last.text.startswith("⛔ Đã quá 15:00: Đơn vị U3")
    assert not any(m.text.startswith("⛔") for u in ("U1", "U2") for m in heads[u].inbox)

    await harness.run_until("15:20")
    late = await heads["U3"].press(texts.RISK_CONFIRM_BUTTON)
    assert late[-1].text.endswith(texts.RISK_CONFIRMED_LATE.format(deadline="15:00"))
    confirmed = {(u, n): (c, lt) for u, n, _, c, lt in (await rounds(harness))}
    assert confirmed[("U1", 1)] == ("2026-11-23T07:10:00.000000Z", 0)
    assert confirmed[("U2", 1)][1] == 0
    assert confirmed[("U3", 1)] == ("2026-11-23T08:20:00.000000Z", 1)

    await harness.run_until("16:00")
    heads["U1"].new()
    await people["U1S1"].send("/khaibao")
    await report_fever(people["U1S1"])
    reopened = heads["U1"].new()
    assert any(m.text.startswith("🚨 Cảnh báo y tế") for m in reopened)
    sheet = next(m for m in reopened if m.text.startswith("🚨 Có cảnh báo mới"))
    assert "Cán Bộ U1 1 (16:00)" in sheet.text and "Nguy cơ (1): Cán Bộ U1 1" in sheet.text
    assert ("U1", 2, "alert", None, None) in (await rounds(harness))
    assert not heads["U2"].new()  # other units are not re-opened
    await heads["U1"].press(texts.RISK_CONFIRM_BUTTON)
    assert (await rounds(harness))[1][4] == 0  # a re-opened round is due at once, never "late"


async def test_changing_a_level_before_confirming_is_recorded(harness: Harness) -> None:
    people = await harness.enrol(three_units()[:3])
    head = people["U1H"]
    await harness.run_until("07:30")
    await people["U1S1"].press(HEALTHY)
    await harness.run_until("14:00")
    assert "Nguy cơ (2): Cán Bộ U1 2 (chưa khai báo), Trưởng U1 (chưa khai báo)" in head.last.text
    await head.press(texts.RISK_EDIT_BUTTON)
    await head.press("Cán Bộ U1 1")
    edited = await head.press("Nguy cơ cao")
    assert edited == []  # the sheet message itself changes
    set_by_head = "Nguy cơ cao (1): Cán Bộ U1 1 [trưởng đơn vị đặt; gợi ý: Bình thường mới]"
    assert set_by_head + "\n" in head.last.text
    await head.press(texts.RISK_CONFIRM_BUTTON)
    levels = dict(
        await harness.query(
            "SELECT p.staff_code, suggested || level FROM risk_levels r"
            " JOIN people p ON p.id = r.person_id"
        )
    )
    assert levels == {"U1H": "rr", "U1S1": "nh", "U1S2": "rr"}

    await harness.run_until("07:30", day=date(2026, 11, 25))  # Tuesday is a holiday
    await people["U1S1"].press(HEALTHY)
    await harness.run_until("14:00")
    # the head's level holds the next days while the person's answers stay what they were
    assert set_by_head + "\n" in head.last.text
    assert "Nguy cơ (2): Cán Bộ U1 2 (chưa khai báo), Trưởng U1 (chưa khai báo)\n" in head.last.text
    await head.press(texts.RISK_CONFIRM_BUTTON)
    await harness.run_until("07:30", day=date(2026, 11, 26))
    await report_fever(people["U1S1"])  # their own declaration changes it
    await harness.run_until("14:00")
    assert "Nguy cơ (3): Cán Bộ U1 1 (có triệu chứng) 🆕, " in head.last.text


async def test_the_weekly_summary_on_friday(harness: Harness) -> None:
    people = await harness.enrol(three_units()[:3])
    for day in (MONDAY, date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)):
        await harness.run_until("07:30", day=day)
        await people["U1S1"].press(HEALTHY)
        if day != MONDAY:
            await people["U1H"].press(HEALTHY)
    await harness.run_until("17:30", day=date(2026, 11, 27))
    weekly = [m.text for m in people["U1H"].inbox if m.text.startswith("🗓️")]
    assert len(weekly) == 1  # Tuesday 24/11 is a holiday; only Friday's close sends it
    lines = weekly[0].splitlines()
    assert lines[0] == "🗓️ Tổng kết tuần 23/11–27/11 — Đơn vị U1"
    assert lines[1] == "Theo ngày: T2 17% · T4 33% · T5 33% · T6 33%"
    assert lines[2:] == ["• Cán Bộ U1 2: 0/8", "• Trưởng U1: 3/8", "• Cán Bộ U1 1: 4/8"]
    head_id = people["U1H"].id
    # and a chart of the unit's weeks, as a picture
    chart = next(m for m in harness.fake.sent if m.method == "sendPhoto" and m.chat_id == head_id)
    upload = chart.photos[0]
    assert isinstance(upload, dict) and upload["content"].startswith(b"\x89PNG")
    assert chart.text == "📈 Đơn vị U1: tỷ lệ khai báo 8 tuần gần nhất"
    assert not list((harness.tmp_path / "charts").glob("*.png"))  # deleted once delivered
    # drawn before the close's transaction (weeks of history must not hold the database):
    # the close itself queues no picture, and a second run of the close draws none
    services = harness.running.bot_data.services
    friday = date(2026, 11, 27)
    async with harness.store.transaction():
        assert await close_slot(services, friday, SlotName.AFTERNOON) > 0
    await harness.pump()
    close = next(j for j in job_specs(services) if j.name == "afternoon:close")
    assert await close.run(services, harness.clock.now()) == 0
    await harness.pump()
    photos = [m for m in harness.fake.sent if m.method == "sendPhoto" and m.chat_id == head_id]
    assert len(photos) == 1 and not list((harness.tmp_path / "charts").glob("*.png"))


async def test_the_leadership_gets_tables_and_one_digest_not_each_alert(harness: Harness) -> None:
    rows = [*three_units(), roster_row("GD", "Giám Đốc Sở", unit="U1", roles="leader")]
    people = await harness.enrol(rows)
    leader, office = people["GD"], people["OF"]
    await harness.run_until("07:30", day=MONDAY)
    sick = ["U1S1", "U1S2", "U2S1", "U2S2", "U3S1"]
    for code in sick:  # five alerts in the morning
        await report_fever(people[code])
    await harness.run_until("09:00")
    alerts_to_office = [m for m in office.inbox if m.text.startswith(texts.ALERT.split("{")[0])]
    assert len(alerts_to_office) == 5  # the office hears of each at once
    assert not any(m.text.startswith(texts.ALERT.split("{")[0]) for m in leader.inbox)
    assert any(m.text.startswith("🏢") for m in leader.inbox)  # the organization's table
    await harness.run_until("17:30")
    digests = [m.text for m in leader.inbox if m.text.startswith("⚠️ Khai báo có triệu chứng")]
    assert len(digests) == 1 and digests[0].startswith(
        "⚠️ Khai báo có triệu chứng hoặc tiếp xúc ngày 23/11 (5):"
    )
    assert all(f"Cán Bộ {code[:2]} {code[-1]}" in digests[0] for code in sick)
    assert not any(m.text.startswith("⚠️ Khai báo có triệu chứng") for m in office.inbox)
    await leader.send("/baocao")  # and the period report of the whole organization
    await leader.press(texts.REPORT_PERIODS["month"])
    await leader.press(texts.EXPORT_ALL_UNITS)
    document = (await leader.press("Excel (XLSX)"))[-1]
    assert document.method == "sendDocument"
    await harness.run_until("17:30", day=date(2026, 11, 27))  # Friday: the organization's chart
    charts = [m for m in harness.fake.sent if m.method == "sendPhoto" and m.chat_id == leader.id]
    assert [m.text for m in charts] == ["📈 🏢 Toàn Sở: tỷ lệ khai báo 8 tuần gần nhất"]


async def test_a_sheet_of_forty_lists_everyone(harness: Harness) -> None:
    rows = [roster_row("BH", "Trưởng Đơn Vị Lớn", unit="BIG", roles="head")]
    rows += [roster_row(f"B{i:02d}", f"Người Thứ {i:02d}", unit="BIG") for i in range(1, 40)]
    people = await harness.enrol(rows)
    await harness.run_until("07:30")
    for code in ("B01", "B02", "B03"):
        await people[code].press(HEALTHY)
    await harness.run_until("14:00")
    sheet = "\n".join(m.text for m in people["BH"].inbox if "Người Thứ" in m.text)
    names = ["Trưởng Đơn Vị Lớn", *(f"Người Thứ {i:02d}" for i in range(1, 40))]
    assert all(name in sheet for name in names)  # all 40, none counted only
    assert "Bình thường mới (3): Người Thứ 01, Người Thứ 02, Người Thứ 03" in sheet


async def test_an_alert_on_a_saturday_opens_the_update_at_once(harness: Harness) -> None:
    people = await harness.enrol(three_units()[:3])
    saturday = date(2026, 11, 28)
    await harness.run_until("10:00", day=saturday)
    staff = people["U1S1"]
    await staff.send("/khaibao")
    await report_fever(staff)
    opened = [m for m in people["U1H"].inbox if m.text.startswith("🚨 Cảnh báo ở Đơn vị U1")]
    assert len(opened) == 1 and "Cán Bộ U1 1 (10:00)" in opened[0].text
    assert "Nguy cơ (3): Cán Bộ U1 1 (có triệu chứng)" in opened[0].text

    async def saturday_rounds() -> list[tuple[Any, ...]]:
        return await harness.query(
            "SELECT unit_code, round, reason FROM risk_rounds WHERE day = ? ORDER BY 1, 2",
            (saturday.isoformat(),),
        )

    assert (await saturday_rounds()) == [("U1", 1, "daily")]  # opened at 10:00, before the sheets
    await harness.run_until("14:00")  # the day's sheet: sent again, no second round
    assert (await saturday_rounds()) == [("U1", 1, "daily")]
    assert people["U1H"].last.text.startswith("🗺️ Cập nhật mức nguy cơ")


async def test_the_office_nudges_a_unit_or_the_whole_organization(harness: Harness) -> None:
    people = await harness.enrol(three_units())
    office = people["OF"]
    await harness.run_until("07:30")
    await people["U1S1"].press(HEALTHY)
    harness.clock.advance(minutes=20)
    await office.send("/nhac")
    assert [label for label, _ in office.last.buttons] == ["U1", "U2", "U3", texts.WHOLE_ORG]
    before = {code: len(u.inbox) for code, u in people.items()}
    answer = "\n".join(m.text for m in await office.press(texts.WHOLE_ORG))
    for unit in ("U1", "U2", "U3"):
        assert texts.NUDGED.format(count=3, unit=unit) in answer  # U1: the office too
    nudged = {code for code, u in people.items() if len(u.inbox) > before[code]} - {"OF"}
    assert "U1S1" not in nudged  # declared
    assert {"U1S2", "U2S1", "U2S2", "U3S1", "U3S2", "U2H", "U3H"} <= nudged
    again = await office.send("/nhac U2")  # once per NUDGE_MINUTES per unit, whoever asks
    assert again[-1].text.startswith(texts.NUDGE_TOO_SOON.split("{")[0])


async def test_a_leader_may_choose_each_alert(harness: Harness) -> None:
    rows = [*three_units(), roster_row("GD", "Giám Đốc Sở", unit="U1", roles="leader")]
    people = await harness.enrol(rows)
    leader = people["GD"]
    assert (await leader.send("/canhbao"))[0].text.startswith(texts.ALERT_CHOICE_DIGEST)
    assert (await leader.send("/canhbao ngay"))[0].text == texts.ALERT_CHOICE_EACH
    await harness.run_until("07:30", day=MONDAY)
    await report_fever(people["U2S1"])
    assert any(m.text.startswith("🚨 Cảnh báo y tế") for m in leader.inbox)  # at once
    await harness.run_until("17:30")
    assert not any(m.text.startswith("⚠️ Khai báo có triệu chứng") for m in leader.inbox)
    refused = await people["U1S1"].send("/canhbao ngay")  # the leadership's choice only
    assert refused[0].text != texts.ALERT_CHOICE_EACH
