"""The office: chat and command-line exports, the audit log, announcements, backup, purge."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import docx
import openpyxl
import pytest

from bot import cli, cli_data
from core import texts
from core.declarations import Declaration
from core.domain import Channel
from core.slots import SlotName, SlotRef
from scheduler import job_specs
from tests.conftest import roster_row
from tests.fakes.telegram_api import Failure, Sent
from tests.harness import Harness, TgUser
from tests.test_checkin_day import HEALTHY

MONDAY = date(2026, 11, 23)


def roster() -> list[dict[str, str]]:
    return [
        roster_row("O", "Oanh Văn Phòng", unit="VP", roles="office"),
        roster_row("H", "Hải Trưởng Phòng", roles="head"),
        roster_row("A", "An Cán Bộ"),
        roster_row("B", "Bình Cán Bộ"),
        roster_row("T", "Tâm Tổ Chức", unit="TCCB"),
    ]


def table(sheet: Any) -> list[list[object]]:
    """The data rows of an exported sheet: those after the header (the first full row)."""
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(n for n, row in enumerate(rows) if row[1] is not None)
    return rows[header + 1 :]


def sheet_rows(document: Sent) -> list[list[object]]:
    assert document.document is not None
    return table(openpyxl.load_workbook(io.BytesIO(document.document[1])).active)


async def ask_export(user: TgUser, kind: str, period: str, unit: str, fmt: str) -> list[Sent]:
    await user.send("/xuat")
    await user.press(texts.EXPORT_KIND_NAMES[kind])
    await user.press(texts.EXPORT_PERIODS[period])
    await user.press(unit)
    return await user.press(fmt)


async def a_week_of_declarations(harness: Harness, people: dict[str, TgUser]) -> None:
    for day in (MONDAY, date(2026, 11, 25)):
        await harness.run_until("07:30", day=day)
        for code in ("O", "H", "A", "T"):
            await people[code].press(HEALTHY)
        await harness.run_until("16:30")
        if day == MONDAY:  # fever in the afternoon: three taps, no workplace question
            for label in ("Sốt", texts.MULTI_DONE, "Không"):
                await people["B"].press(label)
        else:
            await people["B"].press(HEALTHY)


async def test_the_office_exports_this_months_declarations(harness: Harness) -> None:
    people = await harness.enrol(roster())
    await a_week_of_declarations(harness, people)
    office = people["O"]
    replies = await ask_export(
        office, "declarations", "month", texts.EXPORT_ALL_UNITS, "Excel (XLSX)"
    )
    assert office.inbox[-2].text.startswith("⏳ Đang chuẩn bị tệp Nhật ký khai báo (01/11/2026")
    document = replies[-1]
    assert document.method == "sendDocument"
    assert document.document is not None and document.document[0].endswith(".xlsx")
    assert document.text == "📎 Nhật ký khai báo, 01/11/2026–25/11/2026, Tất cả đơn vị: 10 dòng."
    rows = sheet_rows(document)
    stored = [
        d
        for day in (MONDAY, date(2026, 11, 25))
        for s in SlotName
        for d in await harness.store.checkins.declaration_history(SlotRef(day, s))
    ]
    assert len(rows) == len(stored) == 10
    fever = next(r for r in rows if r[9] == "x")
    assert fever[:8] == [
        "23/11/2026",
        "buổi chiều",
        "B",
        "Bình Cán Bộ",
        "KHTC",
        "Phòng Kế hoạch - Tài chính",
        "23/11/2026 16:30",
        None,
    ]
    assert fever[10:] == ["Sốt", "Không", None, "Telegram"]
    assert not list(harness.settings.database_path.parent.glob("exports/*"))  # sent, then removed

    refused = await people["A"].send("/xuat")  # a head may export their unit (below)
    assert refused[0].text == texts.EXPORT_OFFICE_ONLY
    log = (await office.send("/nhatky"))[0].text.splitlines()
    assert log[0] == texts.AUDIT_HEADER
    assert [line.split(" · ", 2)[1:] for line in log[1:]] == [
        ["An Cán Bộ", "từ chối xuất"],
        ["Oanh Văn Phòng", "xuất dữ liệu declarations 01/11/2026–25/11/2026 (10 dòng)"],
    ]


async def test_the_command_line_export_matches_the_chat_export(
    harness: Harness, tmp_path: Path
) -> None:
    people = await harness.enrol(roster())
    await a_week_of_declarations(harness, people)
    chat = await ask_export(
        people["O"], "declarations", "week", "Phòng Kế hoạch - Tài chính", "Excel (XLSX)"
    )
    assert chat
    from_chat = sheet_rows(people["O"].inbox[-1])
    monday, today = MONDAY, date(2026, 11, 25)
    assert (
        await cli_data.export(
            harness.settings, "declarations", (monday, today), "KHTC", tmp_path / "week.xlsx", None
        )
        == 0
    )
    sheet = openpyxl.load_workbook(tmp_path / "week.xlsx").active
    assert table(sheet) == from_chat
    assert len(from_chat) == 6  # H, A, B: two days
    assert sheet["A4"].value == "Đơn vị: KHTC"

    assert (
        await cli_data.export(
            harness.settings, "declarations", (monday, today), "KHTC", tmp_path / "week.csv", None
        )
        == 0
    )
    lines = (tmp_path / "week.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Ngày,Buổi,Mã cán bộ,Họ và tên") and len(lines) == 7


async def test_other_exports(harness: Harness, tmp_path: Path) -> None:
    people = await harness.enrol(roster())
    await a_week_of_declarations(harness, people)
    await harness.run_until("14:00", day=date(2026, 11, 25))
    await people["H"].press(texts.RISK_CONFIRM_BUTTON)
    day, first = date(2026, 11, 25), MONDAY
    await cli_data.export(
        harness.settings, "risk", (day, day), "KHTC", tmp_path / "risk.xlsx", None
    )
    risk = table(openpyxl.load_workbook(tmp_path / "risk.xlsx").active)
    assert [r[9:] for r in risk] == [
        ["A", "An Cán Bộ", "Bình thường mới", "Bình thường mới"],
        ["B", "Bình Cán Bộ", "Bình thường mới", "Bình thường mới"],
        ["H", "Hải Trưởng Phòng", "Bình thường mới", "Bình thường mới"],
    ]
    assert risk[0][6] == "25/11/2026 14:00" and risk[0][7] == "đúng hạn"
    await cli_data.export(
        harness.settings, "summaries", (first, day), None, tmp_path / "sum.csv", None
    )
    lines = (tmp_path / "sum.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "23/11/2026,buổi sáng,KHTC,Phòng Kế hoạch - Tài chính,3,2,67%,0,0,0"
    assert (
        len(lines) == 1 + 2 * 2 * 3
    )  # Monday and Wednesday (24/11 is a holiday), 2 slots, 3 units
    # the command line stamps its audit entries with the real time
    everything = (date(2000, 1, 1), date(2100, 1, 1))
    await cli_data.export(harness.settings, "audit", everything, None, tmp_path / "audit.csv", None)
    audit = (tmp_path / "audit.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[2] for line in audit[1:]] == ["xuất dữ liệu", "xuất dữ liệu"]


async def test_announcement_with_preview_and_delivery_counts(harness: Harness) -> None:
    people = await harness.enrol(roster(), unlinked=["T"])
    harness.fake.failures.append(
        Failure("sendMessage", people["B"].id, 403, "Forbidden: bot was blocked by the user")
    )
    office = people["O"]
    await office.send("/thongbao")
    await office.press(texts.ANNOUNCE_EVERYONE)
    preview = await office.send("Chiều nay 15:00 họp giao ban toàn Sở tại hội trường.")
    assert preview[0].text.startswith("Xem trước — gửi tất cả mọi người:")
    own_copy = await office.press(texts.ANNOUNCE_SEND)
    assert own_copy[0].text.endswith("họp giao ban toàn Sở tại hội trường.")  # the office too
    assert preview[0].text == texts.ANNOUNCE_QUEUED.format(id=1, queued=4, unreachable=1)  # edited
    for code in ("H", "A"):
        assert people[code].last.text.endswith("họp giao ban toàn Sở tại hội trường.")
    status = await office.press(texts.ANNOUNCE_STATUS_BUTTON)
    assert status[0].text == texts.ANNOUNCE_STATUS.format(id=1, sent=3, pending=0, failed=1)
    assert (await people["A"].send("/thongbao"))[0].text.startswith(
        "Lệnh này chỉ dành cho văn phòng"
    )


async def test_backup_while_the_bot_writes_holds_every_committed_declaration(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.enrol(roster())
    store, now = harness.store, harness.clock.now()
    person = await store.people.person_by_code("A")
    assert person is not None
    committed, hundred = 0, asyncio.Event()

    async def writer() -> None:
        nonlocal committed
        for n in range(400):
            ref = SlotRef(
                MONDAY - timedelta(days=n // 2), SlotName.MORNING if n % 2 else SlotName.AFTERNOON
            )
            await store.checkins.record_declaration(
                Declaration(person.id, ref, {"sym": ()}, now, False, False),
                "v",
                Channel.TELEGRAM,
                f"k{n}",
            )
            committed += 1
            if committed == 100:
                hundred.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await hundred.wait()
    before = committed
    await cli_data.make_backup(harness.settings, tmp_path / "copy.db")
    await task
    if harness.settings.database_url:  # pg_dump's file, restored into a database of its own
        ids = await restored_ids(harness.settings.database_url, tmp_path / "copy.db")
    else:
        copy = sqlite3.connect(tmp_path / "copy.db")
        ids = [r[0] for r in copy.execute("SELECT id FROM declarations ORDER BY id")]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copy.close()
    assert len(ids) >= before and ids == list(range(1, len(ids) + 1))


async def restored_ids(url: str, dump: Path) -> list[int]:
    """The declarations' ids of a pg_dump file restored into a new database (dropped after)."""
    server, name = url.rsplit("/", 1)[0], f"restore_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(f"{server}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        restore = await asyncio.create_subprocess_exec(
            "pg_restore", "--no-owner", "--dbname", f"{server}/{name}", str(dump)
        )
        assert await restore.wait() == 0
        conn = await asyncpg.connect(f"{server}/{name}")
        schema = await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'org_%'")
        assert len(schema) == 1  # the organization's schema, and only it
        rows = await conn.fetch(f'SELECT id FROM "{schema[0][0]}".declarations ORDER BY id')
        await conn.close()
        return [r["id"] for r in rows]
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def test_purge_after_confirmation(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    people = await harness.enrol(roster())
    await a_week_of_declarations(harness, people)
    harness.point_the_command_line(monkeypatch)
    command = ["purge", "--before", "2026-11-25"]
    monkeypatch.setattr("builtins.input", lambda prompt: "không")
    assert await asyncio.to_thread(cli.main, command) == 1
    assert await harness.store.office.count_declarations_before(date(2026, 11, 25)) == 5
    monkeypatch.setattr("builtins.input", lambda prompt: "xoa")
    assert await asyncio.to_thread(cli.main, command) == 0
    assert (
        await harness.store.office.count_declarations_before(date(2026, 11, 26)) == 5
    )  # Wednesday's stay
    assert (await harness.store.office.recent_audit())[0].action == "purge"
    assert (await harness.store.office.recent_audit())[0].rows == 5


async def test_help_lists_the_office_commands_to_the_office_only(harness: Harness) -> None:
    people = await harness.enrol(roster())
    staff_help = (await people["A"].send("/help"))[0].text
    office_help = (await people["O"].send("/help"))[0].text
    assert "/xuat" not in staff_help and "/thongbao" not in staff_help and "/khaibao" in staff_help
    assert "/xuat" in office_help and "/thongbao" in office_help and "/nhatky" in office_help


async def test_a_head_gets_the_report_of_their_unit_as_a_document(harness: Harness) -> None:
    people = await harness.enrol(roster())
    await a_week_of_declarations(harness, people)
    head = people["H"]
    await head.send("/baocao")
    await head.press(texts.REPORT_PERIODS["month"])
    replies = await head.press("Word (DOCX)")  # one unit: no unit to choose
    document = replies[-1]
    assert document.method == "sendDocument" and document.document is not None
    assert document.document[0].endswith(".docx")
    assert document.text.startswith("📎 Báo cáo định kỳ, 01/11/2026–25/11/2026, KHTC")
    opened = docx.Document(io.BytesIO(document.document[1]))
    unit_table = next(t for t in opened.tables if t.rows[0].cells[0].text == "Đơn vị")
    names = [row.cells[0].text for row in unit_table.rows[1:]]
    assert names == ["Phòng Kế hoạch - Tài chính", texts.REPORT_TOTAL]  # theirs alone
    rates = [row.cells[4].text for row in unit_table.rows[1:]]
    # H and A declared each morning, B each afternoon: 6 of the 12 answers due on the 2 days
    assert rates == ["50%", "50%"]


async def test_a_head_cannot_reach_other_exports_through_the_report(harness: Harness) -> None:
    people = await harness.enrol(roster())
    head, staff = people["H"], people["A"]
    await head.send("/baocao")
    for forged in ("xp:k:audit", "xp:k:report", "xp:u:TCCB", "xp:u:*"):
        assert (await head.press_data(forged))[-1].text == texts.EXPORT_OFFICE_ONLY
    assert (await staff.send("/baocao"))[-1].text != texts.REPORT_PERIOD_ASK
    assert all(m.method != "sendDocument" for u in (head, staff) for m in u.inbox)


async def test_the_office_reports_on_every_unit_as_a_workbook(harness: Harness) -> None:
    people = await harness.enrol(roster())
    await a_week_of_declarations(harness, people)
    office = people["O"]
    await office.send("/baocao")
    await office.press(texts.REPORT_PERIODS["month"])
    await office.press(texts.EXPORT_ALL_UNITS)
    document = (await office.press("Excel (XLSX)"))[-1]
    assert document.document is not None and document.document[0].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(document.document[1]))
    units = [
        row[0] for row in book[texts.REPORT_SHEET_UNITS].iter_rows(min_row=4, values_only=True)
    ]
    assert units == ["Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ", "Văn phòng Sở",
                     texts.REPORT_TOTAL]  # fmt: skip


async def test_a_head_exports_their_own_units_declarations(harness: Harness) -> None:
    people = await harness.enrol(roster())
    await a_week_of_declarations(harness, people)
    head = people["H"]
    await head.send("/xuat")
    kinds = [label for label, _ in head.last.buttons]
    assert kinds == [texts.EXPORT_KIND_NAMES["declarations"], texts.EXPORT_KIND_NAMES["risk"]]
    await head.press(texts.EXPORT_KIND_NAMES["declarations"])
    await head.press(texts.EXPORT_PERIODS["month"])
    document = (await head.press("Excel (XLSX)"))[-1]  # their one unit: no unit to choose
    rows = sheet_rows(document)
    assert rows and {row[4] for row in rows} == {"KHTC"}  # T of TCCB is not in it
    assert (await head.press_data("xp:u:TCCB"))[-1].text == texts.EXPORT_OFFICE_ONLY


async def test_last_months_report_reaches_the_leadership_and_the_office_on_the_first_working_day(
    harness: Harness,
) -> None:
    """1/12/2026 is a Tuesday, the first working day of December: after the morning's close the
    leader and the office each get November's report as a Word document (the whole
    organization); nobody else does, and the next day sends nothing again."""
    rows = [*roster(), roster_row("GD", "Giám Đốc Sở", unit="VP", roles="leader")]
    people = await harness.enrol(rows)
    await a_week_of_declarations(harness, people)
    await harness.run_until("23:00", day=date(2026, 11, 30))  # a working day: nothing yet
    assert all(m.method != "sendDocument" for u in people.values() for m in u.inbox)
    await harness.run_until("11:00", day=date(2026, 12, 1))
    got = {code for code, u in people.items() for m in u.inbox if m.method == "sendDocument"}
    assert got == {"GD", "O"}
    document = next(m for m in people["GD"].inbox if m.method == "sendDocument")
    assert document.text.startswith("📎 Báo cáo định kỳ, 01/11/2026–30/11/2026, Tất cả đơn vị")
    assert document.document is not None and document.document[0].endswith(".docx")
    opened = docx.Document(io.BytesIO(document.document[1]))
    unit_table = next(t for t in opened.tables if t.rows[0].cells[0].text == "Đơn vị")
    assert [row.cells[0].text for row in unit_table.rows[1:]][-1] == texts.REPORT_TOTAL
    await harness.run_until("11:00", day=date(2026, 12, 2))
    documents = [m for u in people.values() for m in u.inbox if m.method == "sendDocument"]
    assert len(documents) == 2
    # down on the first working day of January (Friday 1/1 is a holiday, Monday 4/1 the first
    # working day): the report goes on the first working day the bot runs
    services = harness.running.bot_data.services
    monthly = next(j for j in job_specs(services) if j.name == "report:monthly")
    harness.clock.current = datetime(2027, 1, 5, 4, tzinfo=UTC)  # Tuesday 5/1, 11:00
    assert await monthly.run(services, harness.clock.now()) == 2
    await harness.pump()
    december = [m for m in people["GD"].inbox if m.method == "sendDocument"][-1]
    assert december.text.startswith("📎 Báo cáo định kỳ, 01/12/2026–31/12/2026")
