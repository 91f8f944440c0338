"""Period reports: a scripted month of three units (one person moving unit on the 15th, one
joining, one leaving) counted against an independent model of who belonged where each day; the
document in the administrative format and the workbook with the same figures; the command line."""

from __future__ import annotations

import asyncio
import csv
import random
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import docx
import openpyxl
import pytest

from bot.charts import latest_units, lowest_units, risk_timeliness, weekly_rates
from bot.cli import main
from bot.files import read_questionnaire
from bot.report_files import unit_rows, write_report_docx, write_report_xlsx
from core import texts
from core.declarations import Declaration, Leave
from core.domain import Channel
from core.reports import SLOTS, HeadTerm, PeriodReport, Tally, UnitReport
from core.roster import parse_roster, plan_import
from core.settings import Settings
from core.slots import SlotRef
from services import Services
from services.reports import period_report
from storage import Store
from tests.conftest import SQLITE, Backend, roster_row
from tests.harness import FakeClock

FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)
MOVED, JOINED, LEFT = date(2026, 11, 15), date(2026, 11, 16), date(2026, 11, 20)
UNITS = ("KHTC", "TCCB", "VP")
DECLARED_IN_MONTH: dict[tuple[date, str, str], bool] = {}  # what `month_on_disk` wrote


def roster(day: date) -> dict[str, str]:
    """The independent model: staff code → unit, as the roster stood on `day`."""
    people = {f"{unit}{n}": unit for unit in UNITS for n in range(1, 5)}
    if day >= MOVED:
        people["KHTC2"] = "TCCB"  # moved unit on the 15th
    if day >= JOINED:
        people["VP5"] = "VP"  # joined on the 16th
    if day >= LEFT:
        del people["TCCB4"]  # left on the 20th
    return people


def heads(day: date) -> set[str]:
    """Who heads their unit on `day`: KHTC changes head on the 15th."""
    return {"KHTC1" if day < MOVED else "KHTC3", "TCCB1"}


async def import_as_of(store: Store, day: date) -> None:
    rows = [roster_row(code, f"Cán Bộ {code}", unit=unit,
                       roles="head" if code in heads(day) else "staff")
            for code, unit in roster(day).items()]  # fmt: skip
    entries, errors = parse_roster(enumerate(rows, start=2))
    assert not errors
    plan = plan_import(await store.people.all_people(), entries)
    now = datetime.combine(day, time(1), UTC)
    await store.people.apply_import(plan, now, day)


async def scripted_month(
    tmp_path: Path, backend: Backend = SQLITE
) -> tuple[Services, dict[tuple[date, str, str], bool]]:
    """The month, written through the store; returns who declared (day, slot, code) → late."""
    store = await backend.open(tmp_path)
    clock = FakeClock(datetime(2026, 12, 1, 3, tzinfo=UTC))
    settings = backend.apply(Settings(database_path=tmp_path / "store.db"))
    services = Services(store, settings, clock, read_questionnaire(None))
    chance = random.Random(2026)
    declared: dict[tuple[date, str, str], bool] = {}
    await import_as_of(store, FIRST)
    day, n = FIRST, 0
    while day <= LAST:
        if day in (MOVED, JOINED, LEFT):
            await import_as_of(store, day)
        ids = {p.staff_code: p.id for p in await store.people.all_people()}
        if services.calendar.is_working_day(day):
            for code in roster(day):
                for slot in SLOTS:
                    if chance.random() < 0.25:
                        continue
                    late, alert = chance.random() < 0.1, chance.random() < 0.05
                    declared[(day, slot.value, code)] = late
                    n += 1
                    answer = Declaration(
                        ids[code], SlotRef(day, slot), {}, clock.now(), late, alert
                    )
                    await store.checkins.record_declaration(
                        answer, "byt", Channel.TELEGRAM, f"e{n}"
                    )
        day += timedelta(days=1)
    ids = {p.staff_code: p.id for p in await store.people.all_people()}
    await store.checkins.add_leave(
        Leave(ids["VP1"], date(2026, 11, 9), date(2026, 11, 11)), ids["VP1"], clock.now()
    )
    return services, declared


def expected_counts(
    services: Services, declared: dict[tuple[date, str, str], bool]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(unit, slot) → (declared, expected), from the model: each working day's roster, leave
    not expected."""
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    day = FIRST
    while day <= LAST:
        if services.calendar.is_working_day(day):
            for code, unit in roster(day).items():
                if code == "VP1" and date(2026, 11, 9) <= day <= date(2026, 11, 11):
                    continue
                for slot in SLOTS:
                    done, due = counts.get((unit, slot.value), (0, 0))
                    counts[(unit, slot.value)] = (done + ((day, slot.value, code) in declared),
                                                  due + 1)  # fmt: skip
        day += timedelta(days=1)
    return counts


async def test_a_month_counts_each_day_with_that_days_roster(
    tmp_path: Path, backend: Backend
) -> None:
    services, declared = await scripted_month(tmp_path, backend)
    report = await period_report(services, FIRST, LAST)
    want = expected_counts(services, declared)
    got = {
        (u.code, slot.value): (u.tally.declared[slot], u.tally.expected[slot])
        for u in report.units
        for slot in SLOTS
    }
    assert got == want
    moved = [p for p in report.people if p.member.staff_code == "KHTC2"]
    assert sorted(p.unit_code for p in moved) == ["KHTC", "TCCB"]  # a row in each unit
    assert {p.member.staff_code for p in report.people} >= {"VP5", "TCCB4"}
    vp1 = next(p for p in report.people if p.member.staff_code == "VP1")
    assert vp1.tally.leave_days == 3
    late = sum(1 for (day, _, code), was in declared.items() if was)
    assert report.total.late == late
    assert report.heads == [  # the roles were kept with their dates
        HeadTerm("KHTC", "Cán Bộ KHTC1", FIRST, MOVED - timedelta(days=1)),
        HeadTerm("KHTC", "Cán Bộ KHTC3", MOVED, LAST),
        HeadTerm("TCCB", "Cán Bộ TCCB1", FIRST, LAST),
    ]
    only = await period_report(services, FIRST, LAST, "TCCB")
    assert only.heads == [HeadTerm("TCCB", "Cán Bộ TCCB1", FIRST, LAST)]
    assert [u.code for u in only.units] == ["TCCB"]
    assert only.units[0].tally == next(u for u in report.units if u.code == "TCCB").tally
    await services.store.close()


async def written(tmp_path: Path) -> tuple[PeriodReport, Path, Path, Settings]:
    services, _ = await scripted_month(tmp_path)
    report = await period_report(services, FIRST, LAST)
    await services.store.close()
    settings = Settings(org_name="Sở Khoa học và Công nghệ", org_parent="UBND tỉnh Lào Cai",
                        org_place="Lào Cai", report_symbol="SKHCN", signer_title="Giám đốc",
                        signer_name="Nguyễn Văn Hùng")  # fmt: skip
    document, book = tmp_path / "bao-cao.docx", tmp_path / "bao-cao.xlsx"
    write_report_docx(report, settings, document, "01/12/2026")
    write_report_xlsx(report, book)
    return report, document, book, settings


async def test_the_document_is_in_the_administrative_format(tmp_path: Path) -> None:
    report, path, book, _ = await written(tmp_path)
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    for line in (texts.REPORT_NATION, texts.REPORT_MOTTO, "UBND TỈNH LÀO CAI",
                 "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số:       /BC-SKHCN",
                 "Lào Cai, ngày 01 tháng 12 năm 2026", texts.REPORT_KIND,
                 "từ ngày 01/11/2026 đến ngày 30/11/2026", texts.REPORT_RECIPIENTS, "GIÁM ĐỐC",
                 "Nguyễn Văn Hùng", texts.REPORT_HEADS_TITLE,
                 "Phòng Kế hoạch - Tài chính: Cán Bộ KHTC1 (01/11/2026–14/11/2026), Cán Bộ KHTC3"
                 " (15/11/2026–30/11/2026).", "Phòng Tổ chức cán bộ: Cán Bộ TCCB1."):  # fmt: skip
        assert line in text, line
    section = document.sections[0]
    width, left = section.page_width, section.left_margin
    assert width is not None and left is not None
    assert round(width.cm, 1) == 21.0 and round(left.cm, 1) == 3.0  # A4; the left margin 30 mm
    assert document.styles["Normal"].font.name == "Times New Roman"
    unit_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Đơn vị")
    shown = [[c.text for c in row.cells] for row in unit_table.rows[1:]]
    assert shown == [[str(v) for v in row] for row in unit_rows(report)]
    assert len(document.inline_shapes) == 3  # the charts
    sheet = openpyxl.load_workbook(book, read_only=True)[texts.REPORT_SHEET_UNITS]
    values = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
    empty_as_none = [[None if v == "" else v for v in row] for row in unit_rows(report)]
    assert values == empty_as_none  # the same figures
    terms = openpyxl.load_workbook(book, read_only=True)[texts.REPORT_SHEET_HEADS]
    assert [list(r) for r in terms.iter_rows(min_row=4, values_only=True)][1] == [
        "Phòng Kế hoạch - Tài chính", "Cán Bộ KHTC3", "15/11/2026", "30/11/2026"]  # fmt: skip


async def test_the_document_renders_to_pdf(tmp_path: Path) -> None:
    assert shutil.which("soffice"), "LibreOffice is needed (tests/system-deps.sh installs it)"
    _, path, _, _ = await written(tmp_path)
    out = tmp_path / "pdf"
    result = subprocess.run(  # noqa: ASYNC221 (the test waits for it; nothing else runs)
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pdf = out / "bao-cao.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


@pytest.fixture
def month_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: Backend) -> Path:
    """The scripted month in a database the command line finds (run from its folder)."""

    async def month() -> None:
        services, declared = await scripted_month(tmp_path, backend)
        DECLARED_IN_MONTH.clear()
        DECLARED_IN_MONTH.update(declared)
        await services.store.close()

    asyncio.run(month())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "store.db"))
    monkeypatch.setenv("DATABASE_URL", backend.url)
    monkeypatch.setenv("ORG", backend.org)
    for name in ("BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_report_command(month_on_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = month_on_disk
    assert main(["report", "--from", "01/11/2026", "--to", "30/11/2026", "--out", "t11.docx"]) == 0
    assert (tmp_path / "t11.docx").stat().st_size > 0
    capsys.readouterr()
    cases = [
        (["--from", "30/11/2026", "--to", "01/11/2026", "--out", "a.docx"], texts.EXPORT_BAD_RANGE),
        (
            ["--from", "01/01/2025", "--to", "30/11/2026", "--out", "a.docx"],
            texts.REPORT_RANGE_TOO_LONG,
        ),
        (["--from", "01/11/2026", "--to", "30/11/2026", "--out", "a.pdf"], "a.pdf"),
        (
            ["--from", "01/11/2026", "--to", "30/11/2026", "--unit", "NOPE", "--out", "a.xlsx"],
            "NOPE",
        ),
    ]
    for args, said in cases:
        assert main(["report", *args]) != 0
        err = capsys.readouterr().err
        assert said in err and err.strip().count("\n") == 0 and "Traceback" not in err
    assert not (tmp_path / "a.docx").exists() and not (tmp_path / "a.xlsx").exists()


def test_an_export_puts_each_declaration_in_that_days_unit(month_on_disk: Path) -> None:
    tmp_path = month_on_disk
    period = ["--from", "01/11/2026", "--to", "30/11/2026"]
    assert main(["export", "declarations", *period, "--unit", "KHTC", "--out", "khtc.csv"]) == 0
    assert main(["export", "declarations", *period, "--out", "all.csv"]) == 0
    with (tmp_path / "all.csv").open(encoding="utf-8-sig") as handle:
        rows = [r for r in csv.reader(handle) if len(r) > 4 and r[2] == "KHTC2"]
    units = {(date(int(r[0][6:]), int(r[0][3:5]), int(r[0][:2])) >= MOVED, r[4]) for r in rows}
    assert units == {(False, "KHTC"), (True, "TCCB")}  # moved on the 15th
    with (tmp_path / "khtc.csv").open(encoding="utf-8-sig") as handle:
        mine = [r for r in csv.reader(handle) if len(r) > 4 and r[2] == "KHTC2"]
    assert mine and len(mine) == len([r for r in rows if r[4] == "KHTC"])


def test_a_summaries_export_counts_each_day_with_that_days_roster(month_on_disk: Path) -> None:
    period = ["--from", "13/11/2026", "--to", "20/11/2026"]
    assert main(["export", "summaries", *period, "--out", "s.csv"]) == 0
    with (month_on_disk / "s.csv").open(encoding="utf-8-sig") as handle:
        rows = [r for r in csv.reader(handle) if len(r) > 6 and r[1] == "buổi sáng"]
    declared = {(r[0], r[2]): int(r[5]) for r in rows}
    # KHTC2 moved to TCCB on the 15th: Friday the 13th they count in KHTC, Monday 16th in TCCB
    model = {
        (f"{day:%d/%m/%Y}", unit): sum(
            1 for (d, slot, code) in DECLARED_IN_MONTH if d == day and slot == "morning"
            and roster(day).get(code) == unit
        )
        for day in (date(2026, 11, 13), date(2026, 11, 16), date(2026, 11, 20))
        for unit in UNITS
    }  # fmt: skip
    assert {k: v for k, v in declared.items() if k in model} == model


async def test_hostile_names_are_written_as_text(tmp_path: Path) -> None:
    """A roster name with markup, a formula and a control character: the document and the
    workbook hold it as plain text."""
    report, _, _, settings = await written(tmp_path)
    row = report.people[0]
    hostile = "<b>=1+1</b> & \x0bBobby"
    report.people[0] = replace(row, member=replace(row.member, full_name=hostile))
    path, book = tmp_path / "x.docx", tmp_path / "x.xlsx"
    write_report_docx(report, settings, path, "01/12/2026")
    write_report_xlsx(report, book)
    cells = [c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells]
    assert "<b>=1+1</b> & Bobby" in cells
    sheet = openpyxl.load_workbook(book)[texts.REPORT_SHEET_PEOPLE]
    names = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert any("=1+1" in str(n) for n in names)
    assert sheet.cell(row=4, column=1).data_type == "s"  # a text cell, never a formula


def test_the_charts_of_a_large_organization_draw_the_units_that_need_attention() -> None:
    """100 units are a tangle of lines and bars no one can read: the weekly chart draws the 8
    units with the lowest rate, the 15:00 chart the 15 that missed most, and says so."""
    monday = date(2026, 11, 2)
    weekly = {f"U{i:03d}": [(monday, (i + 1) / 100), (monday + timedelta(weeks=1), None)]
              for i in range(100)}  # fmt: skip
    weekly["U050"] = [(monday, 0.001)]  # the lowest of all
    assert lowest_units(weekly) == ["U000", "U001", "U002", "U003", "U004", "U005", "U006",
                                    "U050"]  # fmt: skip
    few = {code: weekly[code] for code in ("U001", "U099")}
    assert lowest_units(few) == ["U001", "U099"]  # a department's few units: all of them
    units = [UnitReport(f"U{i:03d}", f"Đơn vị {i:03d}", 3, Tally(), risk_missed=i % 20)
             for i in range(100)]  # fmt: skip
    drawn = latest_units(units)
    assert len(drawn) == 15 and all(u.risk_missed >= 15 for u in drawn)
    assert drawn == sorted(drawn, key=lambda u: u.code)  # in the report's order
    for picture in (weekly_rates(weekly, {}), risk_timeliness(units)):
        assert picture.startswith(b"\x89PNG")
