"""A whole simulated day of check-ins, through the real bot and the fake Bot API."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core import texts
from core.buttons import CheckinButton
from core.declarations import Leave
from core.slots import SlotName, SlotRef
from tests.conftest import HCM, roster_row
from tests.fakes.telegram_api import Sent
from tests.harness import Harness, TgUser

MONDAY = date(2026, 11, 23)
HEALTHY = "✅ Khỏe"


def twenty() -> list[dict[str, str]]:
    """Two units of ten; the first of each is its head, the second of KHTC is the office."""
    rows = []
    for unit in ("KHTC", "TCCB"):
        for i in range(1, 11):
            roles = "head" if i == 1 else ("office" if unit == "KHTC" and i == 2 else "")
            rows.append(
                roster_row(f"{unit}{i:02d}", f"Cán Bộ {unit} Số {i}", unit=unit, roles=roles)
            )
    return rows


def prompts(user: TgUser) -> list[str]:
    """The prompts (not the reminders) a person received."""
    heads = tuple(h.split()[0] for h in texts.PROMPT_HEADER.values())
    return [m.text for m in user.inbox if m.text.startswith(heads)]


async def report_fever(user: TgUser) -> list[Sent]:
    """Four taps; returns what the last one brought."""
    await user.press("Sốt")
    await user.press(texts.MULTI_DONE)
    await user.press("Không")
    return await user.press("Tại cơ quan")


async def test_a_morning_for_twenty_people(harness: Harness) -> None:
    people = await harness.enrol(twenty())
    on_leave = await harness.store.people.person_by_code("TCCB10")
    assert on_leave is not None
    await harness.store.checkins.add_leave(
        Leave(on_leave.id, MONDAY, MONDAY), on_leave.id, harness.clock.now()
    )

    await harness.run_until("07:30")
    prompted = [code for code, user in people.items() if prompts(user)]
    assert len(prompted) == 19 and "TCCB10" not in prompted
    assert all(len(prompts(u)) == 1 for u in people.values() if prompts(u))

    codes = sorted(people)
    healthy, sick, silent = codes[:8] + codes[10:17], ["KHTC09", "TCCB08"], ["KHTC10", "TCCB09"]
    assert len(healthy) == 15
    harness.clock.advance(minutes=12)
    for code in healthy:
        people[code].new()
        confirmed = await people[code].tap(HEALTHY)  # the prompt, edited into the receipt
        assert "Đã ghi nhận khai báo buổi sáng lúc 07:42" in confirmed.text
    for code in sick:
        people[code].new()
        replies = await report_fever(people[code])
        assert texts.GUIDANCE in [m.text for m in replies]

    alert = texts.ALERT.split("\n")[0]
    alerts = {
        code: [m.text for m in u.inbox if m.text.startswith(alert)] for code, u in people.items()
    }
    assert [len(alerts[c]) for c in ("KHTC01", "TCCB01", "KHTC02")] == [1, 1, 2]
    for head in ("KHTC01", "TCCB01"):  # and the unit's risk update opens at once
        assert any(m.text.startswith("🚨 Cảnh báo ở") for m in people[head].inbox)
    assert all(not alerts[c] for c in codes if c not in ("KHTC01", "TCCB01", "KHTC02"))
    assert "Cán Bộ TCCB Số 8" in alerts["TCCB01"][0] and "Sốt" in alerts["TCCB01"][0]
    assert "Phòng Tổ chức cán bộ" in alerts["TCCB01"][0]

    for user in people.values():
        user.new()
    await harness.run_until("08:15")
    reminded = [code for code, user in people.items() if user.new()]
    assert sorted(reminded) == silent

    await harness.run_until("09:10")
    late = await people["KHTC10"].tap(HEALTHY)
    assert texts.DECLARED_LATE in late.text
    stored = {
        d.person_id: d
        for d in await harness.store.checkins.declaration_history(SlotRef(MONDAY, SlotName.MORNING))
    }
    assert len(stored) == 18
    khtc10 = await harness.store.people.person_by_code("KHTC10")
    assert khtc10 is not None and stored[khtc10.id].late
    assert sum(d.late for d in stored.values()) == 1
    assert sum(d.alert for d in stored.values()) == 2


async def test_a_declaration_can_be_changed_until_close_and_history_is_kept(
    harness: Harness,
) -> None:
    people = await harness.enrol([roster_row("A1", "Nguyễn Văn An")])
    an = people["A1"]
    await harness.run_until("07:30")
    await an.press(HEALTHY)
    harness.clock.advance(minutes=10)
    await an.press(texts.REDO)
    await report_fever(an)
    ref = SlotRef(MONDAY, SlotName.MORNING)
    history = await harness.store.checkins.declaration_history(ref)
    assert [d.alert for d in history] == [False, True]
    person = await harness.store.people.person_by_code("A1")
    assert person is not None
    latest = await harness.store.checkins.declarations_of(person.id, MONDAY, MONDAY)
    assert [d.alert for d in latest] == [True]  # the latest counts


async def test_symptom_buttons_edit_the_prompt_in_place(harness: Harness) -> None:
    an = (await harness.enrol([roster_row("A1", "Nguyễn Văn An")]))["A1"]
    await harness.run_until("16:30")
    prompt, _ = an.last, an.new()
    edited = await an.press("Ho")
    assert edited == []  # nothing new in the chat: the prompt itself changed
    edits = [e for e in harness.fake.edits if e.message_id == prompt.message_id]
    assert any(label.startswith("☑️ Ho") for label, _ in edits[-1].buttons)


async def test_no_prompts_on_days_off_but_on_a_makeup_saturday(harness: Harness) -> None:
    saturday = date(2026, 11, 28)
    await harness.stop()
    harness.configure(makeup_days=frozenset({saturday}), days_off=frozenset({date(2026, 11, 27)}))
    await harness.start()
    an = (await harness.enrol([roster_row("A1", "Nguyễn Văn An")]))["A1"]
    for day in (date(2026, 11, 21), date(2026, 9, 2), date(2026, 2, 17), date(2026, 11, 27)):
        harness.clock.current = datetime.combine(day, datetime.min.time(), HCM)
        await harness.run_until("18:00")
        assert prompts(an) == [], day
    harness.clock.current = datetime.combine(saturday, datetime.min.time(), HCM)
    await harness.run_until("18:00")
    assert len(prompts(an)) == 2  # morning and afternoon


async def test_free_text_stale_and_forged_buttons(harness: Harness) -> None:
    an = (await harness.enrol([roster_row("A1", "Nguyễn Văn An")]))["A1"]
    await harness.run_until("07:30")
    assert (await an.send("tôi khỏe"))[0].text == texts.FREE_TEXT_HINT
    yesterday = SlotRef(MONDAY - timedelta(days=3), SlotName.AFTERNOON)
    stale = await an.press_data(f"ck:{yesterday.code}:ok")
    assert stale[0].text.startswith(texts.STALE_PROMPT)
    assert stale[0].buttons[0][1] == f"ck:{MONDAY:%Y%m%d}m:ok"  # the current prompt instead
    assert (await an.press_data(f"ck:{MONDAY:%Y%m%d}m:sym:plague"))[0].text == texts.FORGED_BUTTON
    assert (await an.press_data("ck:garbage"))[0].text == texts.FORGED_BUTTON
    assert await harness.store.checkins.declaration_history(SlotRef(MONDAY, SlotName.MORNING)) == []


async def test_declare_command_history_and_leave(harness: Harness) -> None:
    people = await harness.enrol(
        [roster_row("H1", "Lê Trưởng", roles="head"), roster_row("A1", "Nguyễn Văn An")]
    )
    head, an = people["H1"], people["A1"]
    harness.clock.current = datetime(2026, 11, 23, 7, 5, tzinfo=HCM)  # before the prompt
    screen = await an.send("/khaibao")
    assert "buổi sáng" in screen[0].text
    await an.press(HEALTHY)
    assert screen[0].text.startswith("✅ Đã ghi nhận")  # the screen was edited into the receipt
    await harness.run_until("07:30")
    assert prompts(an) == []  # declared early: no prompt

    history = (await an.send("/lichsu"))[0].text
    assert "T2 23/11: Sáng ✅  Chiều —" in history

    assert (await an.send("/nghi 25/11 26/11"))[0].text.startswith("🌴 Đã ghi nhận nghỉ phép")
    assert (await an.send("/nghi 31/02"))[0].text == texts.LEAVE_BAD_DATE.format(text="31/02")
    assert (await an.send("/nghi H1 25/11"))[0].text == texts.LEAVE_NOT_HEAD
    await head.send("/nghi A1 27/11")
    assert "Lê Trưởng đã ghi nhận bạn nghỉ phép từ 27/11/2026" in an.last.text
    person = await harness.store.people.person_by_code("A1")
    assert person is not None
    assert await harness.store.checkins.on_leave(date(2026, 11, 26)) == {person.id}
    await harness.run_until("18:00", day=date(2026, 11, 27))
    # Monday afternoon only: Tuesday 24/11 is a public holiday, then leave every day
    assert [p.split("\n")[0] for p in prompts(an)] == ["🌇 Khai báo y tế cuối ngày 23/11."]
    assert len(prompts(head)) == 8  # both slots on Monday, Wednesday, Thursday, Friday


async def test_the_morning_one_tap_says_where_the_person_works(harness: Harness) -> None:
    people = await harness.enrol(twenty()[:3])
    await harness.run_until("07:30")
    at_office, remote = people["KHTC01"], people["KHTC02"]
    labels = [label for label, _ in remote.last.buttons[:2]]
    assert labels == ["✅ Khỏe — tại cơ quan", "✅ Khỏe — làm việc từ xa"]
    await at_office.tap("tại cơ quan")
    confirmed = await remote.tap("làm việc từ xa")
    assert "Nơi làm việc: Làm việc từ xa" in confirmed.text
    stored = {
        d.person_id: d.answers["place"]
        for d in await harness.store.checkins.declaration_history(SlotRef(MONDAY, SlotName.MORNING))
    }
    ids = {code: (await harness.store.people.person_by_code(code)) for code in ("KHTC01", "KHTC02")}
    assert {stored[p.id] for p in ids.values() if p} == {"office", "remote"}
    await harness.run_until("16:30")  # no place is asked in the afternoon: one healthy tap
    assert next(label for label, _ in remote.last.buttons) == texts.HEALTHY_LABEL
    morning = SlotRef(MONDAY, SlotName.MORNING)
    await remote.press_data(CheckinButton(morning, "ok:leave").encode())  # not a one-tap place
    latest = (await harness.store.checkins.declaration_history(morning))[-1]
    assert latest.answers["place"] == "remote"
