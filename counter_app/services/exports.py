"""The period report as files: Excel (.xlsx, openpyxl) and PDF (A4 landscape), in the layout
of Biểu số 06/VPCP/KSTT.

Sheet layout (1-based rows): 1–2 the issuing body (A:E) and the form's name and basis (I:M);
4 the title, 5 the period, 6 "Đơn vị tính: Số hồ sơ TTHC" (each merged over A:M); 7–10 the
headings (:data:`HEADER_TOP` …): STT, the subject column, the three merged groups "Số hồ sơ
nhận giải quyết / đã giải quyết / đang giải quyết" and their columns, then the column numbers
(1)…(13); from :data:`FIRST_DATA_ROW` one row per line of the report, then the total row.
Figures are integers with a thousands format; the panes are frozen under the headings.
Files are written durably (temporary file, fsync, rename).
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from counter_app import texts
from counter_app.domain.models import VN_TZ
from counter_app.domain.statistics import COLUMNS as BIEU_06_COLUMNS
from counter_app.domain.statistics import Counts
from counter_app.printing.printer import write_durably
from counter_app.printing.tables import (
    REPORT_HEADER_ROWS,
    REPORT_SPANS,
    ReportLine,
    ReportSheet,
    render_report,
    report_header_rows,
)
from counter_app.services.reports import PeriodReport
from counter_app.services.station import StationContext
from counter_app.texts import digitisation as dt
from counter_app.texts import fees as ft
from counter_app.texts import reports as t
from counter_app.texts import slips as slip_texts

HEADER_TOP = 7
FIRST_DATA_ROW = HEADER_TOP + REPORT_HEADER_ROWS
COLUMNS = 13
NUMBER_FORMAT = "#,##0"
FONT = "Times New Roman"
COLUMN_WIDTHS = (6, 46, *([11] * 11))

COUNT_FIELDS = BIEU_06_COLUMNS  # Biểu 06's 11 numeric columns, in the form's order


def values(counts: Counts) -> tuple[int, ...]:
    """The 11 figures of a row in the order of columns (3)…(13)."""
    return tuple(int(getattr(counts, name)) for name in COUNT_FIELDS)


def report_lines(report: PeriodReport) -> tuple[tuple[ReportLine, ...], ReportLine]:
    lines = tuple(
        ReportLine(r.number, r.label, values(r.counts), bold=r.level == 0 and
                   report.by.value == "procedure", indent=r.level > 0)
        for r in report.rows
    )  # fmt: skip
    total = ReportLine("", t.ROW_TOTAL, values(report.totals), bold=True)
    return lines, total


FEE_FIELDS = ("dossiers", "due", "collected", "outstanding", "exempt", "unknown")


def fee_lines(report: PeriodReport) -> tuple[tuple[ReportLine, ...], ReportLine | None]:
    """The fee table's lines (fields bold, procedures indented) and total; no total when the
    period has no dossier."""
    if not report.fees:
        return (), None
    lines = tuple(
        ReportLine(r.number, r.label, tuple(getattr(r.totals, f) for f in FEE_FIELDS),
                   bold=r.level == 0, indent=r.level > 0)
        for r in report.fees
    )  # fmt: skip
    totals = report.fee_total
    total = ReportLine("", ft.REPORT_FEES_TOTAL, tuple(getattr(totals, f) for f in FEE_FIELDS),
                       bold=True)  # fmt: skip
    return lines, total


def closed_note(totals: Counts) -> str:
    """The line under the table: of the resolved, withdrawn / stopped / supplement-expired."""
    return t.closed_line(totals.withdrawn, totals.stopped, totals.supplement_expired)


def report_sheet(ctx: StationContext, report: PeriodReport) -> ReportSheet:
    office = ctx.office()
    lines, total = report_lines(report)
    rate = report.statistics.digitisation
    now = ctx.clock.now().astimezone(VN_TZ)
    fees, fee_total = fee_lines(report)
    return ReportSheet(
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_date=slip_texts.place_date(office.place_name, now),
        period=t.report_period(report.start, report.end),
        lines=lines,
        total=total,
        demo=office.is_demo,
        note=dt.report_rate(rate.digitised, rate.counted),
        closed_note=closed_note(report.totals),
        fee_title=ft.REPORT_FEES_TITLE,
        fee_headers=ft.REPORT_FEES_HEADERS,
        fee_lines=fees,
        fee_total=fee_total,
    )


def report_pdf(ctx: StationContext, report: PeriodReport) -> bytes:
    """Biểu 06 as PDF bytes (A4 landscape)."""
    return render_report(report_sheet(ctx, report))


def report_xlsx(ctx: StationContext, report: PeriodReport) -> bytes:
    """Biểu 06 as .xlsx bytes (one sheet, see the module docstring for the cells)."""
    sheet_data = report_sheet(ctx, report)
    book = Workbook()
    ws = book.active
    ws.title = t.REPORT_SHEET
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    plain, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
    italic = Font(name=FONT, size=11, italic=True)

    def put(cell: str, value: object, font: Font, align: Alignment | None = None) -> None:
        ws[cell] = value
        ws[cell].font = font
        ws[cell].alignment = align or centre

    ws.merge_cells("A1:E1")
    put("A1", sheet_data.parent_body, plain)
    ws.merge_cells("A2:E2")
    put("A2", sheet_data.unit_name, bold)
    ws.merge_cells("I1:M1")
    put("I1", t.REPORT_FORM, bold)
    ws.merge_cells("I2:M2")
    put("I2", t.REPORT_FORM_BASIS, italic)
    ws.merge_cells("A4:M4")
    put("A4", t.REPORT_TITLE, Font(name=FONT, size=13, bold=True))
    ws.merge_cells("A5:M5")
    put("A5", sheet_data.period, italic)
    ws.merge_cells("A6:M6")
    put("A6", t.REPORT_UNIT, italic, Alignment(horizontal="right"))

    grey = PatternFill("solid", fgColor="EDEDED")
    for r, row in enumerate(report_header_rows()):
        for c, text in enumerate(row):
            cell = ws.cell(row=HEADER_TOP + r, column=c + 1, value=text or None)
            cell.font = italic if r == REPORT_HEADER_ROWS - 1 else bold
            cell.alignment = centre
            cell.border = box
            cell.fill = grey
    for c0, r0, c1, r1 in REPORT_SPANS:
        ws.merge_cells(
            start_row=HEADER_TOP + r0,
            start_column=c0 + 1,
            end_row=HEADER_TOP + r1,
            end_column=c1 + 1,
        )

    row_number = FIRST_DATA_ROW
    for line in (*sheet_data.lines, sheet_data.total):
        font = bold if line.bold else plain
        first = ws.cell(row=row_number, column=1, value=line.number or None)
        first.font, first.alignment = font, Alignment(horizontal="center", vertical="top")
        label = ws.cell(row=row_number, column=2, value=line.label)
        label.font = font
        label.alignment = Alignment(wrap_text=True, vertical="top", indent=2 if line.indent else 0)
        for offset, number in enumerate(line.values):
            cell = ws.cell(row=row_number, column=3 + offset, value=number)
            cell.font, cell.number_format = font, NUMBER_FORMAT
            cell.alignment = Alignment(horizontal="right", vertical="top")
        for column in range(1, COLUMNS + 1):
            ws.cell(row=row_number, column=column).border = box
        row_number += 1
    total_row = row_number - 1
    ws.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=2)
    ws.cell(row=total_row, column=1, value=t.ROW_TOTAL).font = bold
    ws.cell(row=total_row, column=1).alignment = Alignment(horizontal="center")
    for column in range(1, COLUMNS + 1):
        ws.cell(row=total_row, column=column).fill = grey
    if sheet_data.note:  # the digitisation rate, under the table
        ws.merge_cells(start_row=total_row + 2, start_column=1, end_row=total_row + 2,
                       end_column=COLUMNS)  # fmt: skip
        put(f"A{total_row + 2}", sheet_data.note, italic, Alignment(horizontal="left"))
    if sheet_data.closed_note:  # of the resolved: withdrawn, stopped, supplement expired
        ws.merge_cells(start_row=total_row + 3, start_column=1, end_row=total_row + 3,
                       end_column=COLUMNS)  # fmt: skip
        put(f"A{total_row + 3}", sheet_data.closed_note, italic, Alignment(horizontal="left"))

    for index, width in enumerate(COLUMN_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for r in range(HEADER_TOP, FIRST_DATA_ROW - 1):
        ws.row_dimensions[r].height = 32
    ws.row_dimensions[4].height = 34
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)
    ws.print_options.horizontalCentered = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{HEADER_TOP}:{FIRST_DATA_ROW - 1}"
    _fee_sheet(book, sheet_data)
    book.properties.creator = texts.APP_NAME
    book.properties.title = t.REPORT_TITLE
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fee_sheet(book: Workbook, sheet_data: ReportSheet) -> None:
    """The second sheet, "Phí, lệ phí": title, period, unit, headings, one row per field and
    procedure, the total (amounts in đồng, counts of dossiers)."""
    ws = book.create_sheet(ft.REPORT_FEES_SHEET)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    plain, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
    italic = Font(name=FONT, size=11, italic=True)
    last = get_column_letter(len(ft.REPORT_FEES_HEADERS))
    for row, (text, font) in enumerate(
        ((sheet_data.unit_name, bold), (ft.REPORT_FEES_TITLE, Font(name=FONT, size=13, bold=True)),
         (sheet_data.period, italic), (ft.REPORT_FEES_UNIT, italic)), 1
    ):  # fmt: skip
        ws.merge_cells(f"A{row}:{last}{row}")
        ws[f"A{row}"] = text
        ws[f"A{row}"].font = font
        ws[f"A{row}"].alignment = Alignment(horizontal="center")
    header = 6
    grey = PatternFill("solid", fgColor="EDEDED")
    for column, text in enumerate(ft.REPORT_FEES_HEADERS, 1):
        cell = ws.cell(row=header, column=column, value=text)
        cell.font, cell.border, cell.fill = bold, box, grey
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = header + 1
    total = sheet_data.fee_total
    for line in (*sheet_data.fee_lines, *((total,) if total else ())):
        font = bold if line.bold else plain
        number = ft.REPORT_FEES_TOTAL if line is total else line.number or None
        ws.cell(row=row, column=1, value=number).font = font
        if line is not total:
            label = ws.cell(row=row, column=2, value=line.label)
            label.font = font
            label.alignment = Alignment(wrap_text=True, indent=2 if line.indent else 0)
        for offset, value in enumerate(line.values):
            cell = ws.cell(row=row, column=3 + offset, value=value)
            cell.font, cell.number_format = font, NUMBER_FORMAT
        for column in range(1, len(ft.REPORT_FEES_HEADERS) + 1):
            ws.cell(row=row, column=column).border = box
            if line is total:
                ws.cell(row=row, column=column).fill = grey
        row += 1
    for index, width in enumerate((6, 52, 10, 14, 14, 14, 12, 12), 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[header].height = 32
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1


def write_report(
    ctx: StationContext,
    report: PeriodReport,
    *,
    xlsx: Path | None = None,
    pdf: Path | None = None,
) -> dict[str, str]:
    """Write the asked files durably; returns {"xlsx": path, "pdf": path} of those written."""
    written: dict[str, str] = {}
    if xlsx is not None:
        write_durably(xlsx, report_xlsx(ctx, report))
        written["xlsx"] = str(xlsx)
    if pdf is not None:
        write_durably(pdf, report_pdf(ctx, report))
        written["pdf"] = str(pdf)
    return written
