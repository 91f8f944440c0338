"""Reading and writing the office's tables: CSV (UTF-8, with or without BOM) and XLSX."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import tzinfo
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

from core import texts
from core.exports import Kind, answer_text, local, spreadsheet_text
from core.privacy import MyData
from core.questionnaire import Questionnaire, parse_questionnaire


def read_questionnaire(path: Path | None) -> Questionnaire:
    """The organization's questionnaire, or the bundled Ministry of Health form."""
    if path is None:
        text = resources.files("bot").joinpath("data/questionnaire.json").read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return parse_questionnaire(text)


PROGRESS_EVERY = 10_000  # rows between two progress reports


class TableError(Exception):
    """The file cannot be read as a table; the message says what to do."""


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header row and each data row with its line number (the header is line 1)."""
    if not path.exists():
        raise TableError(texts.FILE_NOT_FOUND.format(path=path))
    if path.is_dir():
        raise TableError(texts.FILE_IS_FOLDER.format(path=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            dialect = _dialect(handle.read(4096))
            handle.seek(0)
            reader = csv.reader(handle, dialect)
            lines = list(reader)
    except UnicodeDecodeError:
        raise TableError(texts.ROSTER_NOT_UTF8) from None
    except OSError as err:
        raise TableError(texts.ROSTER_UNREADABLE.format(path=path, error=err.strerror)) from None
    return _rows(lines)


class _Semicolon(csv.excel):
    delimiter = ";"


def _dialect(sample: str) -> type[csv.Dialect]:
    """Excel in a Vietnamese locale may write `;` between columns."""
    first = sample.partition("\n")[0]
    return _Semicolon if first.count(";") > first.count(",") else csv.excel


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The values Excel last computed; a formula it never computed (a file written by a
    program, not saved in Excel) is named, not read as an empty cell."""
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        error = type(err).__name__
        raise TableError(texts.ROSTER_UNREADABLE.format(path=path, error=error)) from None
    try:
        lines, uncomputed = [], []
        rows = zip(
            values.worksheets[0].iter_rows(values_only=True),
            formulas.worksheets[0].iter_rows(values_only=True),
            strict=False,
        )
        for number, (computed, written) in enumerate(rows, start=1):
            lines.append([_cell(v) for v in computed])
            uncomputed += [
                f"{number}:{column + 1}"
                for column, (value, formula) in enumerate(zip(computed, written, strict=False))
                if value is None and isinstance(formula, str) and formula.startswith("=")
            ]
    finally:
        values.close()
        formulas.close()
    if uncomputed:
        raise TableError(texts.ROSTER_UNCOMPUTED.format(cells=", ".join(uncomputed[:5])))
    return _rows(lines)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed as a number comes back as 912345678.0
    return str(value)


def _rows(lines: Sequence[Sequence[str]]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if not lines:
        return [], []
    header = [h.strip() for h in lines[0]]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        rows.append((number, {h: (line[i] if i < len(line) else "") for i, h in enumerate(header)}))
    return header, rows


# --- every cell written goes through these two: text a person typed never becomes a formula --


def csv_fields(row: Iterable[Any]) -> list[Any]:
    """A CSV row safe to open in Excel: text that starts like a formula gets a leading
    apostrophe (OWASP's convention for CSV injection)."""
    return [spreadsheet_text(v) if isinstance(v, str) else v for v in row]


def xlsx_row(sheet: Any, line: int, row: Iterable[Any]) -> None:
    """One XLSX row: text as string cells (never formulas), numbers as numbers."""
    for column, value in enumerate(row):
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            sheet.write_string(line, column, str(value))
        else:
            sheet.write_number(line, column, value)


def write_table(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], suffix: str = ""
) -> int:
    """CSV with a BOM (Excel then reads Vietnamese correctly) or XLSX, by `suffix` (or the
    file's own)."""
    count = 0
    if (suffix or path.suffix).lower() == ".xlsx":
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        try:
            sheet = book.add_worksheet()
            xlsx_row(sheet, 0, header)
            for row in rows:
                count += 1
                xlsx_row(sheet, count, row)
        finally:
            book.close()
        return count
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(csv_fields(row))
            count += 1
    return count


def part_of(out: Path) -> Path:
    """Where a file is written until it is complete: beside it, so that renaming is atomic and
    a file cut short (a crash, a kill) never looks whole."""
    return out.with_name(out.name + ".part")


async def write_export(
    path: Path,
    suffix: str,
    heading: Sequence[str],
    kind: Kind,
    rows: AsyncIterator[Sequence[Any]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stream rows into an XLSX (title lines on top, a frozen header row, fitting widths; the
    constant-memory mode keeps only the current row) or a CSV with a BOM (`suffix`). Every
    text is written as text: nothing a person typed becomes a formula."""
    count = 0
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(kind.headers)
            async for row in rows:
                writer.writerow(csv_fields(row))
                count += 1
                if progress and count % PROGRESS_EVERY == 0:
                    progress(count)
        return count
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        sheet = book.add_worksheet(kind.name)
        bold = book.add_format({"bold": True})
        title = book.add_format({"bold": True, "font_size": 13})
        header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        for column, width in enumerate(kind.widths):
            sheet.set_column(column, column, width)
        for line, text in enumerate(heading):
            sheet.write_string(line, 0, text, title if line == 1 else bold)
        top = len(heading) + 1
        sheet.write_row(top, 0, kind.headers, header)
        sheet.freeze_panes(top + 1, 0)
        async for row in rows:
            count += 1
            xlsx_row(sheet, top + count, row)
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
    finally:
        book.close()
    return count


def write_my_data(path: Path, data: MyData, form: Questionnaire, tz: tzinfo) -> int:
    """One person's data as a workbook, a sheet per kind, text never a formula; the rows."""
    person, heads = data.person, texts.MYDATA_HEADERS
    roles = ", ".join(texts.ROLE_NAMES[r] for r in sorted(person.roles))
    profile: list[tuple[object, ...]] = [
        (heads["name"], person.full_name),
        (heads["code"], person.staff_code),
        (heads["unit"], person.unit.name),
        (heads["roles"], roles),
        (heads["phone"], person.phone),
        *((heads["account"], texts.CHANNEL_NAMES[a.channel]) for a in data.accounts),
    ]
    declarations: list[tuple[object, ...]] = [
        (
            f"{d.ref.day:%d/%m/%Y}",
            texts.SLOT_NAMES[d.ref.slot],
            local(d.declared_at, tz),
            texts.EXPORT_YES if d.late else "",
            *(answer_text(q, d.answers.get(q.id)) for q in form.questions),
        )
        for d in data.declarations
    ]
    leaves: list[tuple[object, ...]] = [
        (f"{x.first_day:%d/%m/%Y}", f"{x.last_day:%d/%m/%Y}") for x in data.leaves
    ]
    levels: list[tuple[object, ...]] = [
        (f"{v.day:%d/%m/%Y}", v.round, texts.RISK_NAMES.get(v.suggested, v.suggested),
         texts.RISK_NAMES.get(v.level, v.level))
        for v in data.levels
    ]  # fmt: skip
    consents: list[tuple[object, ...]] = [
        (c.version, local(c.accepted_at, tz), local(c.withdrawn_at, tz)) for c in data.consents
    ]
    stories: list[tuple[object, ...]] = [
        (s.id, texts.DEED_STATES.get(s.state, s.state), s.draft.nominee_name, s.draft.text)
        for s in data.stories
    ]
    questions = tuple(q.short for q in form.questions)
    sheets: list[tuple[str, tuple[str, ...], list[tuple[object, ...]]]] = [
        ("profile", texts.MYDATA_COLUMNS["profile"], profile),
        ("declarations", (*texts.MYDATA_COLUMNS["declarations"], *questions), declarations),
        ("leaves", texts.MYDATA_COLUMNS["leaves"], leaves),
        ("levels", texts.MYDATA_COLUMNS["levels"], levels),
        ("consents", texts.MYDATA_COLUMNS["consents"], consents),
        ("stories", texts.MYDATA_COLUMNS["stories"], stories),
    ]
    count = 0
    book = xlsxwriter.Workbook(str(path))
    try:
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        for key, header, lines in sheets:
            sheet = book.add_worksheet(texts.MYDATA_SHEETS[key])
            sheet.set_column(0, len(header) - 1, 22)
            for column, title in enumerate(header):
                sheet.write_string(0, column, title, bold)
            for number, line in enumerate(lines, start=1):
                xlsx_row(sheet, number, line)
                count += 1
    finally:
        book.close()
    return count
