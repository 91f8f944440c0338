"""A period report as a Word document in the administrative format of Decree 30/2020/NĐ-CP
(A4; Times New Roman 13; the parent agency and the agency at the top left, the national heading
and motto at the top right; number and symbol; place and date; title; body; "Nơi nhận"; the
signature block), with charts; and as a workbook with the same tables."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import xlsxwriter
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.charts import report_charts
from bot.files import xlsx_row
from core import texts
from core.reports import SLOTS, PeriodReport, PersonReport, Tally, UnitReport, percent
from core.settings import Settings

FONT = "Times New Roman"
TABLE_STYLE = "Report Table Text"  # the paragraphs of the tables' rows
TABLE_STYLE_ID = "ReportTableText"
ROWS_AT_ONCE = 500
DOCUMENT_PART = "word/document.xml"
PEOPLE_MARK = "SOKHOE-PERSON-ROWS"  # where the person table's rows are written in


def unit_rows(report: PeriodReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for unit in [*report.units]:
        rows.append(_unit_row(unit.name, unit.members, unit.tally, unit))
    rows.append(_unit_row(texts.REPORT_TOTAL, sum(u.members for u in report.units), report.total))
    return rows


def _unit_row(
    name: str, members: int, tally: Tally, unit: UnitReport | None = None
) -> list[object]:
    rates = [percent(tally.rate(slot)) for slot in SLOTS]
    risk = f"{unit.risk_on_time}/{unit.risk_late}/{unit.risk_missed}" if unit is not None else ""
    stories = f"{unit.proposed}/{unit.approved}" if unit is not None else ""
    return [name, members, *rates, percent(tally.rate()), tally.late, tally.missing,
            tally.leave_days, tally.alerts, risk, stories]  # fmt: skip


def person_rows(people: Sequence[PersonReport], units: dict[str, str]) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in people:
        tally = p.tally
        done = f"{sum(tally.declared.values())}/{sum(tally.expected.values())}"
        rows.append([p.member.full_name, p.member.staff_code, units.get(p.unit_code, p.unit_code),
                     done, percent(tally.rate()), tally.late, tally.missing, tally.leave_days,
                     tally.alerts])  # fmt: skip
    return rows


def head_lines(report: PeriodReport) -> list[str]:
    """One line per unit: who headed it in the period (with their days, unless the whole)."""
    names = {u.code: u.name for u in report.units}
    by_unit: dict[str, list[str]] = {}
    for term in report.heads:
        whole = term.first == report.first and term.last >= report.last
        name = term.full_name
        if not whole:
            name = texts.REPORT_HEAD_TERM.format(
                name=name, first=f"{term.first:%d/%m/%Y}", last=f"{term.last:%d/%m/%Y}"
            )
        by_unit.setdefault(term.unit_code, []).append(name)
    return [
        texts.REPORT_HEADS_LINE.format(unit=names[code], heads=", ".join(heads))
        for code, heads in by_unit.items()
        if code in names
    ]


def write_report_xlsx(report: PeriodReport, path: Path) -> int:
    """Four sheets: by unit, by person, by week, and who headed each unit; the same figures
    as the document."""
    book = xlsxwriter.Workbook(str(path))
    try:
        bold = book.add_format({"bold": True})
        title = texts.REPORT_SUBJECT.format(
            first=f"{report.first:%d/%m/%Y}", last=f"{report.last:%d/%m/%Y}"
        )
        units = {u.code: u.name for u in report.units}
        weeks: list[list[object]] = [
            [units.get(code, code), f"{monday:%d/%m/%Y}", percent(rate)]
            for code, points in sorted(report.weekly.items())
            for monday, rate in points
        ]
        people = person_rows(report.people, units)
        heads: list[list[object]] = [
            [units[t.unit_code], t.full_name, f"{t.first:%d/%m/%Y}", f"{t.last:%d/%m/%Y}"]
            for t in report.heads
            if t.unit_code in units
        ]
        sheets: list[tuple[str, Sequence[str], list[list[object]]]] = [
            (texts.REPORT_SHEET_UNITS, texts.REPORT_UNIT_HEADER, unit_rows(report)),
            (texts.REPORT_SHEET_PEOPLE, texts.REPORT_PERSON_HEADER, people),
            (texts.REPORT_SHEET_WEEKS, texts.REPORT_WEEK_HEADER, weeks),
            (texts.REPORT_SHEET_HEADS, texts.REPORT_HEADS_HEADER, heads),
        ]
        for name, header, rows in sheets:
            sheet = book.add_worksheet(name)
            sheet.write_string(0, 0, title, bold)
            xlsx_row(sheet, 2, header)
            for line, row in enumerate(rows, start=3):
                xlsx_row(sheet, line, row)
            sheet.set_column(0, 0, 32)
            sheet.set_column(1, len(header), 14)
    finally:
        book.close()
    return len(report.people)


def write_report_docx(report: PeriodReport, settings: Settings, path: Path, day: str) -> int:
    """`day`: the date line's date, "dd/mm/yyyy"."""
    document = docx.Document()
    _page(document)
    _heading(document, settings, day)
    _paragraph(document, texts.REPORT_KIND, bold=True, size=14, align="center", before=12)
    subject = texts.REPORT_SUBJECT.format(first=f"{report.first:%d/%m/%Y}",
                                          last=f"{report.last:%d/%m/%Y}")  # fmt: skip
    _paragraph(document, subject, bold=True, align="center", after=12)
    total = report.total
    _paragraph(document, texts.REPORT_PART_GENERAL, bold=True)
    _paragraph(document, texts.REPORT_GENERAL.format(
        days=report.working_days, units=len(report.units),
        people=sum(u.members for u in report.units), rate=percent(total.rate()),
        morning=percent(total.rate(SLOTS[0])), afternoon=percent(total.rate(SLOTS[1])),
        late=total.late, missing=total.missing, leave=total.leave_days, alerts=total.alerts,
        on_time=sum(u.risk_on_time for u in report.units),
        risk_late=sum(u.risk_late for u in report.units),
        missed=sum(u.risk_missed for u in report.units),
        proposed=sum(u.proposed for u in report.units),
        approved=sum(u.approved for u in report.units),
    ), indent=True, justify=True)  # fmt: skip
    _paragraph(document, texts.REPORT_PART_UNITS, bold=True)
    _table(document, texts.REPORT_UNIT_HEADER, unit_rows(report), size=10)
    _paragraph(document, texts.REPORT_UNIT_NOTE, italic=True, size=11)
    lines = head_lines(report)
    if lines:
        _paragraph(document, texts.REPORT_HEADS_TITLE, italic=True, size=11)
        for line in lines:
            _paragraph(document, line, size=11, before=0, indent=True)
    for chart, caption in zip(report_charts(report), texts.REPORT_CHART_CAPTIONS, strict=True):
        document.add_picture(io.BytesIO(chart), width=Cm(16))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _paragraph(document, caption, italic=True, size=11, align="center")
    _paragraph(document, texts.REPORT_PART_PEOPLE, bold=True)
    people = _table(document, texts.REPORT_PERSON_HEADER, [], size=10)
    people._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}><w:tc><w:p><w:r><w:t>{PEOPLE_MARK}"
                                 "</w:t></w:r></w:p></w:tc></w:tr>"))  # fmt: skip
    _closing(document, settings)
    skeleton = io.BytesIO()
    document.save(skeleton)
    units = {u.code: u.name for u in report.units}
    _write_with_rows(skeleton, path, person_rows(report.people, units))
    return len(report.people)


def _write_with_rows(skeleton: io.BytesIO, path: Path, rows: Sequence[Sequence[object]]) -> None:
    """The document, with the person table's rows written straight into its XML a few hundred
    at a time where the mark row stands: a large organization's ten thousand rows are never
    held as a tree (python-docx would hold every cell as several objects)."""
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != DOCUMENT_PART:
                target.writestr(info, data)
                continue
            xml = data.decode("utf-8")
            mark = xml.index(PEOPLE_MARK)
            start = xml.rindex("<w:tr", 0, mark)
            end = xml.index("</w:tr>", mark) + len("</w:tr>")
            with target.open(DOCUMENT_PART, "w") as out:
                out.write(xml[:start].encode())
                for first in range(0, len(rows), ROWS_AT_ONCE):
                    chunk = rows[first : first + ROWS_AT_ONCE]
                    out.write("".join(_row_xml(row) for row in chunk).encode())
                out.write(xml[end:].encode())


def _page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    cells = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = style
    cells.font.size = Pt(10)
    cells.element.set(qn("w:styleId"), TABLE_STYLE_ID)


def _heading(document: docx.document.Document, settings: Settings, day: str) -> None:
    """The two columns of the top: who issues it, and the national heading; then the number
    and symbol, and the place and date."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    if settings.org_parent:
        _cell(left, settings.org_parent.upper(), size=12)
    _cell(left, settings.org_name.upper(), bold=True, size=12, first=not settings.org_parent)
    _cell(left, texts.REPORT_RULE_SHORT, size=8)
    _cell(right, texts.REPORT_NATION, bold=True, size=12, first=True)
    _cell(right, texts.REPORT_MOTTO, bold=True, size=13)
    _cell(right, texts.REPORT_RULE_LONG, size=8)
    number, dated = table.rows[1].cells
    symbol = f"BC-{settings.report_symbol}" if settings.report_symbol else "BC"
    _cell(number, texts.REPORT_NUMBER.format(symbol=symbol), size=13, first=True)
    place = settings.org_place or texts.REPORT_PLACE_UNSET
    d, m, y = day.split("/")
    _cell(dated, texts.REPORT_DATE_LINE.format(place=place, d=d, m=m, y=y), italic=True,
          size=13, first=True)  # fmt: skip


def _closing(document: docx.document.Document, settings: Settings) -> None:
    table = document.add_table(rows=1, cols=2)
    recipients, signer = table.rows[0].cells
    _cell(recipients, texts.REPORT_RECIPIENTS, bold=True, italic=True, size=12, first=True,
          align="left")  # fmt: skip
    for line in texts.REPORT_RECIPIENT_LINES:
        _cell(recipients, line, size=11, align="left")
    _cell(signer, settings.signer_title.upper(), bold=True, size=13, first=True)
    for _ in range(3):
        _cell(signer, "", size=13)
    _cell(signer, settings.signer_name, bold=True, size=13)


def _cell(
    cell: _Cell,
    text: str,
    bold: bool = False,
    italic: bool = False,
    size: int = 13,
    first: bool = False,
    align: str = "center",
) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    _runs(paragraph, text, bold, italic, size, align)


def _paragraph(
    document: docx.document.Document,
    text: str,
    bold: bool = False,
    italic: bool = False,
    size: int = 13,
    align: str = "left",
    before: int = 6,
    after: int = 0,
    indent: bool = False,
    justify: bool = False,
) -> None:
    paragraph = document.add_paragraph()
    _runs(paragraph, text, bold, italic, size, "justify" if justify else align)
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)


def _runs(paragraph: Paragraph, text: str, bold: bool, italic: bool, size: int, align: str) -> None:
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    run = paragraph.add_run(xml_safe(text))
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    run.font.name = FONT


def _table(
    document: docx.document.Document,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    size: int,
) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, bold=True, size=size, first=True)
    # the rows as WordprocessingML, a few hundred at a time: python-docx builds a cell in
    # about a millisecond, and a person table of a large organization has tens of thousands
    for first in range(0, len(rows), ROWS_AT_ONCE):
        body = "".join(_row_xml(row) for row in rows[first : first + ROWS_AT_ONCE])
        for element in list(parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")):
            table._tbl.append(element)
    return table


def xml_safe(text: str) -> str:
    """Without the control characters XML cannot hold (a roster name may carry one)."""
    return "".join(c for c in text if c >= " " or c == "\t")


def _row_xml(row: Sequence[object]) -> str:
    """One row, each cell a paragraph of the table-text style (its font and size come from
    the style, not from every run: a smaller document to build and to hold)."""
    cells = []
    for value in row:
        text = xml_safe(str(value))
        words = isinstance(value, str) and not text[:1].isdigit()
        cells.append(
            f'<w:tc><w:p><w:pPr><w:pStyle w:val="{TABLE_STYLE_ID}"/>'
            f'<w:jc w:val="{"left" if words else "center"}"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
        )
    return f"<w:tr>{''.join(cells)}</w:tr>"
