"""The consent notice's promises kept: withdraw, see and download, erase (the bytes gone from the
database file, its WAL and a backup taken afterwards), retention, purge, a new notice version."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import openpyxl
import pytest

from bot import cli_data
from core import texts
from core.domain import Role
from core.slots import SlotName, SlotRef
from scheduler import catch_up, housekeeping
from tests.conftest import Backend, roster_row
from tests.harness import FakeClock, Harness
from tests.test_checkin_day import HEALTHY, prompts, report_fever

MONDAY = date(2026, 11, 23)
UNIQUE = "ZQXW7 đau lạ"  # an answer label found nowhere else
SECRET_NAME = "Quách Thị Riêng Tư"


def roster() -> list[dict[str, str]]:
    return [
        roster_row("A1", "An Thành Viên"),
        roster_row("P", SECRET_NAME, phone="0912999888"),
        roster_row("H", "Hà Trưởng Phòng", roles="head"),
        roster_row("O", "Oanh Văn Phòng", unit="VP", roles="office"),
    ]


def questionnaire(folder: Path) -> Path:
    """The bundled form with one more symptom, whose words appear nowhere else."""
    form = json.loads(Path("bot/data/questionnaire.json").read_text(encoding="utf-8"))
    form["questions"][0]["options"].insert(0, {"id": "zqxw7", "label": UNIQUE, "alert": True})
    path = folder / "form.json"
    path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
async def private(tmp_path: Path, clock: FakeClock, backend: Backend) -> AsyncIterator[Harness]:
    bot = Harness(tmp_path, clock)
    bot.configure(questionnaire_path=questionnaire(tmp_path), **backend.settings())
    await bot.start()
    yield bot
    await bot.stop()


async def test_withdrawing_consent_stops_prompts_and_storage(harness: Harness) -> None:
    users = await harness.enrol(roster())
    a1, head = users["A1"], users["H"]
    asked = await a1.send("/rutdongy")
    assert asked[0].text == texts.WITHDRAW_ASK
    await a1.press(texts.WITHDRAW_BUTTON)
    assert a1.last.text == texts.WITHDRAWN  # the question, answered in place
    await harness.run_until("07:30")
    assert prompts(a1) == []
    refused = await a1.send("/khaibao")
    assert refused[0].text == texts.CONSENT_NEEDED
    ref = SlotRef(MONDAY, SlotName.MORNING)
    assert await harness.store.checkins.declaration_history(ref) == []
    await harness.run_until("09:00")
    summary = next(m.text for m in head.inbox if m.text.startswith("📊"))
    withdrawn = texts.SUMMARY_WITHDRAWN.format(count=1)
    assert f"{withdrawn}: An Thành Viên" in summary
    assert "⏳" not in summary or "An Thành Viên" not in summary.split("⏳")[1].split("\n")[0]
    assert (await harness.store.office.recent_audit())[0].action == "consent-withdrawn"

    await a1.send("/batdau")
    await a1.press(texts.CONSENT_YES)
    await harness.run_until("16:30")
    assert len(prompts(a1)) == 1  # consented again: prompted at the next slot


async def test_no_after_yes_asks_before_withdrawing(harness: Harness) -> None:
    users = await harness.enrol(roster())
    a1 = users["A1"]
    await a1.send("/batdau")
    assert (await a1.press_data("consent:no"))[0].text == texts.WITHDRAW_ASK
    await a1.press(texts.KEEP_BUTTON)
    assert a1.last.text == texts.KEPT
    assert await harness.store.people.has_consent(1, texts.CONSENT_VERSION)


async def test_my_data_lists_my_answers_and_the_workbook_holds_only_mine(
    private: Harness, tmp_path: Path
) -> None:
    users = await private.enrol(roster())
    await private.run_until("07:30")
    await users["A1"].press(HEALTHY)
    await report_fever(users["P"])
    shown = await users["P"].send("/dulieu")
    text = "\n".join(m.text for m in shown if m.method == "sendMessage")
    assert SECRET_NAME in text and "Sốt" in text and "23/11/2026" in text
    document = next(m for m in shown if m.method == "sendDocument")
    assert document.text == texts.MYDATA_FILE and document.document is not None
    path = tmp_path / "mine.xlsx"
    path.write_bytes(document.document[1])
    book = openpyxl.load_workbook(path)
    rows = list(book[texts.MYDATA_SHEETS["declarations"]].iter_rows(values_only=True))
    assert len(rows) == 2 and "Sốt" in str(rows[1])  # the header and my one declaration
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for c in row}  # fmt: skip
    assert "An Thành Viên" not in cells and SECRET_NAME in cells
    assert not [c for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"]


# What only this person's data holds: their name, their coded answer (as stored), and the
# answer as the texts about it say it (the form's labels themselves are in everyone's prompt).
MARKERS = (SECRET_NAME, '"zqxw7"]', f"Triệu chứng: {UNIQUE}")


def traces(db: Path) -> list[str]:
    """Where the person's data still stands: tables, the database file, its WAL."""
    found = []
    with sqlite3.connect(db) as conn:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                if any(marker in str(row) for marker in MARKERS):
                    found.append(table)
    for file in (db, db.with_name(db.name + "-wal")):
        if file.exists():
            data = file.read_bytes()
            found += [file.name for marker in MARKERS if marker.encode() in data]
    return found


async def pg_traces(bot: Harness) -> list[str]:
    """PostgreSQL: the organization's tables, the files on disk of every table, index and TOAST
    table of its schema (this machine's server; the tests run as root), and the statistics."""
    schema = f"org_{bot.settings.organization.lower()}"
    found = []
    tables = await bot.query("SELECT tablename FROM pg_tables WHERE schemaname = ?", (schema,))
    for (table,) in tables:
        for row in await bot.query(f"SELECT * FROM {table}"):
            if any(marker in str(row) for marker in MARKERS):
                found.append(table)
    stats = await bot.query(
        "SELECT CAST(most_common_vals AS TEXT), CAST(histogram_bounds AS TEXT) FROM pg_stats"
        " WHERE schemaname = ?",
        (schema,),
    )
    found += ["pg_stats" for row in stats if any(m in str(row) for m in MARKERS)]
    admin = await asyncpg.connect(bot.settings.database_url)
    await admin.execute("CHECKPOINT")  # what the server holds in memory reaches the files
    await admin.close()
    base = Path((await bot.query("SELECT current_setting('data_directory')"))[0][0])
    files = await bot.query(
        "SELECT pg_relation_filepath(c.oid) || ' ' || c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
        " UNION SELECT pg_relation_filepath(c.reltoastrelid) || ' ' || c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = ? AND c.reltoastrelid <> 0",
        (schema, schema),
    )
    return found + in_files(base, [tuple(named.split(" ", 1)) for (named,) in files if named])


def in_files(base: Path, relations: list[tuple[str, ...]]) -> list[str]:
    """The files (every segment and fork) holding a marker, with their relation's name."""
    found = []
    for relative, name in relations:
        for part in sorted(base.glob(f"{relative}*")):
            data = part.read_bytes()
            found += [f"file {part.name} ({name})" for m in MARKERS if m.encode() in data]
    return found


async def test_an_erasure_confirmed_by_the_office_leaves_no_byte_behind(
    private: Harness, tmp_path: Path
) -> None:
    users = await private.enrol(roster())
    person, office = users["P"], users["O"]
    await private.run_until("07:30")
    await person.press(UNIQUE)
    await person.press(texts.MULTI_DONE)
    await person.press("Không")
    await person.press("Tại cơ quan")  # an alert, with the unique answer, to the head and office
    await private.run_until("14:00")  # the risk sheet names them too
    db = private.settings.database_path
    on_postgres = bool(private.settings.database_url)
    before = (await pg_traces(private)) if on_postgres else traces(db)
    assert before and (not on_postgres or [t for t in before if t.startswith("file ")])
    asked = await person.send("/xoadulieu")
    assert asked[0].text == texts.ERASE_ASK
    await person.press(texts.ERASE_BUTTON)
    card = office.inbox[-1]
    assert SECRET_NAME in card.text and texts.ERASE_CONFIRM_BUTTON in str(card.buttons)
    await private.import_roster([r for r in roster() if r["staff_code"] != "P"])  # P has left
    await office.press(texts.ERASE_CONFIRM_BUTTON)
    assert card.text.startswith(texts.ERASE_DONE_OFFICE.split("{")[0])  # the card, answered
    assert person.last.text == texts.ERASE_DONE_PERSON.format(id=1)
    await private.pump()
    assert ((await pg_traces(private)) if on_postgres else traces(db)) == []
    copy = tmp_path / "after.db"
    await cli_data.make_backup(private.settings, copy)
    if on_postgres:  # pg_dump's file: the rows, as text
        assert not [m for m in MARKERS if m.encode() in copy.read_bytes()]
    else:
        assert traces(copy) == []
    audit = [e for e in await private.store.office.recent_audit(50) if e.action == "erase"]
    assert len(audit) == 1 and "declarations" in audit[0].detail
    assert UNIQUE not in audit[0].detail and SECRET_NAME not in audit[0].detail


async def test_the_office_declines_an_erasure_with_a_reason(harness: Harness) -> None:
    users = await harness.enrol(roster())
    person, office = users["P"], users["O"]
    await person.send("/xoadulieu")
    await person.press(texts.ERASE_BUTTON)
    asked = await office.press(texts.ERASE_DECLINE_BUTTON)
    assert asked[0].text == texts.ERASE_DECLINE_ASK.format(id=1)
    await office.send("Đang có thanh tra, cần giữ hồ sơ đến hết tháng.")
    told = texts.ERASE_DECLINED_PERSON.format(
        id=1, reason="Đang có thanh tra, cần giữ hồ sơ đến hết tháng."
    )
    assert person.last.text == told
    staff = await users["A1"].press_data("pv:ok:1")  # only the office decides
    assert texts.ROLE_NAMES[Role.OFFICE] in staff[0].text


async def a_leaver_with_a_fever(private: Harness) -> None:
    """P reports a fever at 07:30, then leaves the roster; leavers are erased after 30 days."""
    await private.stop()
    private.configure(leaver_days=30)
    await private.start()
    users = await private.enrol(roster())
    await private.run_until("07:30")
    await report_fever(users["P"])
    await private.import_roster([r for r in roster() if r["staff_code"] != "P"])


# What holds the erased rows visible: a session of the same database with a snapshot from
# before the erasure (another organization's export, an ANALYZE), or a transaction of any
# database of the server begun before it (every snapshot, VACUUM FULL's own included, counts
# it as running, so its rows deleted after it began stay "recently dead" and are copied).
OLDER = {
    "snapshot in this database": (
        "",
        "BEGIN ISOLATION LEVEL REPEATABLE READ",
        "SELECT count(*) FROM pg_class",
    ),
    "transaction in another database": ("postgres", "BEGIN", "SELECT pg_current_xact_id()"),
}


@pytest.mark.parametrize("older", OLDER)
async def test_an_erasure_waits_for_an_older_transaction_before_it_rewrites_the_tables(
    private: Harness, older: str
) -> None:
    if not private.settings.database_url:
        pytest.skip("snapshots and VACUUM FULL are PostgreSQL's; SQLite is tested above")
    database, begin, hold = OLDER[older]
    await a_leaver_with_a_fever(private)
    private.clock.advance(days=31)
    url = private.settings.database_url
    holder = await asyncpg.connect(url.rsplit("/", 1)[0] + "/" + database if database else url)
    try:
        await holder.execute(begin)
        await holder.fetchval(hold)  # its snapshot is taken, or its transaction id
        erasing = asyncio.create_task(housekeeping(private.running.bot_data.services))
        await asyncio.sleep(1.0)
        assert not erasing.done()  # waiting for the older transaction
        await holder.execute("COMMIT")
        await asyncio.wait_for(erasing, 30)
    finally:
        await holder.close()
    await private.pump()
    assert await pg_traces(private) == []


async def test_a_leaver_is_erased_by_the_nightly_housekeeping(private: Harness) -> None:
    await a_leaver_with_a_fever(private)
    services = private.running.bot_data.services
    private.clock.advance(days=29)
    await housekeeping(services)
    assert SECRET_NAME in str(await private.store.people.all_people())
    private.clock.advance(days=2)
    await housekeeping(services)
    await private.pump()
    on_postgres = bool(private.settings.database_url)
    assert (
        (await pg_traces(private)) if on_postgres else traces(private.settings.database_path)
    ) == []


async def test_purge_leaves_no_alert_confirmation_or_level_of_the_period(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = await harness.enrol(roster())
    await harness.run_until("07:30")
    await report_fever(users["P"])
    await harness.run_until("14:00")
    await users["H"].press(texts.RISK_CONFIRM_BUTTON)
    harness.clock.advance(days=3)
    deleted = await cli_data.purge(harness.settings, MONDAY + timedelta(days=1))
    assert deleted == 1
    for table in ("declarations", "checkins", "risk_levels", "risk_changes", "risk_rounds"):
        assert (await harness.query(f"SELECT count(*) FROM {table}"))[0][0] == 0, table
    payloads = " ".join(p for (p,) in await harness.query("SELECT payload FROM outbox"))
    assert "Sốt" not in payloads and "Đã ghi nhận" not in payloads


async def test_a_new_notice_asks_everyone_again_before_any_prompt(
    tmp_path: Path, clock: FakeClock, backend: Backend
) -> None:
    bot = Harness(tmp_path, clock)
    bot.configure(**backend.settings())
    await bot.start()
    users = await bot.enrol(roster())
    await bot.stop()
    bot.configure(consent_version="2027-01")
    await bot.start()
    try:
        await catch_up(bot.running.bot_data.services)  # as every start-up does
        await bot.pump()
        a1 = users["A1"]
        assert [m.text for m in a1.inbox][-2] == texts.CONSENT_ASK_AGAIN
        await bot.run_until("07:30")
        assert prompts(a1) == []  # not prompted before answering
        await a1.press(texts.CONSENT_YES)
        await bot.run_until("16:30")
        assert len(prompts(a1)) == 1
        assert prompts(users["P"]) == []  # has not answered
    finally:
        await bot.stop()


async def test_the_record_of_processing_for_the_impact_assessment(
    harness: Harness, tmp_path: Path
) -> None:
    import docx

    from bot.privacy_report import privacy_report

    users = await harness.enrol(roster())
    await harness.run_until("07:30")
    await users["A1"].press(HEALTHY)
    out = tmp_path / "ho-so.docx"
    assert await privacy_report(harness.settings, out) == 0
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Sở Thử Nghiệm" in text and "nước ngoài" in text and "365 ngày" in text
    assert "Cán bộ đang có trong danh sách: 4" in text and "Số lần khai báo đang lưu: 1" in text
    assert "An Thành Viên" not in text  # numbers, never people
    if harness.settings.database_url:  # where the data is, and what erasing does there
        assert f"schema org_{harness.settings.organization.lower()}" in text
        assert texts.PRIVACY_ERASURE_POSTGRES in text and "secure_delete" not in text
    else:
        assert str(harness.settings.database_path.resolve()) in text
        assert texts.PRIVACY_ERASURE_SQLITE in text
    assert (await harness.store.office.recent_audit())[0].action == "privacy-report"
