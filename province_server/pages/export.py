"""The leaders' workbook (.xlsx, openpyxl): Biểu 06 consolidated for the province and the
Decree 224/2026 Art. 19 indicators, for one period.

Sheet "Biểu 06" (1-based rows): 1 the province body and the form's name, 2 its basis, 4 the
title, 5 the period, 6 the unit; 7–9 the headings (the counters' layout: STT, the office,
the three groups and their columns), 10 the column numbers (1)…(13); from
:data:`FIRST_DATA_ROW` one row per office (agency identifier and name), then the province's
total row; under it, of the resolved, the withdrawn, stopped and supplement-expired ones.
Columns C–M hold the 11 figures as integers, in ``sync_protocol.statistics.COLUMNS`` order.

Sheet "Chỉ tiêu Điều 19": one row per office then the province: received in the period, of
them online and the rate, resolved, the mean processing days, the on-time rate (and the 766
variant counting dossiers in progress in time), paper dossiers, digitised and the rate,
ratings, satisfied and the rate. Rates are percentages with one decimal; empty when there is
nothing to divide by.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from province_server import texts
from province_server.pages.leaders import Counts, Province

HEADER_TOP = 7
FIRST_DATA_ROW = 11
FONT = "Times New Roman"
NUMBER_FORMAT = "#,##0"
_SPANS = (  # (first column, first row, last column, last row), 1-based, header rows 1..3
    (1, 1, 1, 3),
    (2, 1, 2, 3),
    (3, 1, 6, 1),
    (7, 1, 10, 1),
    (11, 1, 13, 1),
    (3, 2, 3, 3),
    (4, 2, 6, 2),
    (7, 2, 7, 3),
    (8, 2, 8, 3),
    (9, 2, 9, 3),
    (10, 2, 10, 3),
    (11, 2, 11, 3),
    (12, 2, 12, 3),
    (13, 2, 13, 3),
)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def indicator_values(counts: Counts) -> list[object]:
    """The Art. 19 sheet's figures of one row (after STT and the office)."""
    return [
        counts.received_online + counts.received_direct_postal,
        counts.received_online,
        _rate(counts.online_rate),
        counts.resolved_total,
        _days(counts.processing_days),
        _rate(counts.on_time_rate),
        _rate(counts.in_time_rate),
        counts.paper,
        counts.digitised,
        _rate(counts.digitisation_rate),
        counts.rated,
        counts.satisfied,
        _rate(counts.satisfaction_rate),
    ]


def workbook(province: Province, period_text: str, generated: datetime) -> bytes:
    book = Workbook()
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    plain, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
    italic = Font(name=FONT, size=11, italic=True)
    grey = PatternFill("solid", fgColor="EDEDED")

    # The data cells take named styles (one lookup each): setting a font and a border per
    # cell made openpyxl hash them 18,000 times, a second for 300 offices.
    for name, font, number_format, horizontal in (
        ("qmc-text", plain, "General", "left"),
        ("qmc-text-bold", bold, "General", "left"),
        ("qmc-number", plain, NUMBER_FORMAT, "right"),
        ("qmc-number-bold", bold, NUMBER_FORMAT, "right"),
        ("qmc-rate", plain, "0.0", "right"),
        ("qmc-rate-bold", bold, "0.0", "right"),
    ):
        book.add_named_style(
            NamedStyle(
                name=name,
                font=font,
                border=box,
                number_format=number_format,
                alignment=Alignment(horizontal=horizontal, vertical="top", wrap_text=True),
            )
        )

    ws = book.active
    ws.title = texts.LEADERS_SHEET_06

    def put(cell: str, value: object, font: Font, span: str, align: Alignment = centre) -> None:
        ws.merge_cells(span)
        ws[cell] = value
        ws[cell].font, ws[cell].alignment = font, align

    put("A1", texts.LEADERS_XLSX_BODY, bold, "A1:E1")
    put("I1", texts.LEADERS_XLSX_FORM, bold, "I1:M1")
    put("I2", texts.LEADERS_XLSX_BASIS, italic, "I2:M2")
    put("A4", texts.LEADERS_XLSX_TITLE, Font(name=FONT, size=13, bold=True), "A4:M4")
    put("A5", period_text, italic, "A5:M5")
    put("A6", texts.LEADERS_XLSX_UNIT, italic, "A6:M6", Alignment(horizontal="right"))
    for r, heading in enumerate(texts.LEADERS_XLSX_HEADERS):
        for c, text in enumerate(heading, 1):
            cell = ws.cell(row=HEADER_TOP + r, column=c, value=text or None)
            cell.font, cell.alignment, cell.border, cell.fill = bold, centre, box, grey
    for c in range(1, 14):
        cell = ws.cell(row=HEADER_TOP + 3, column=c, value=f"({c})")
        cell.font, cell.alignment, cell.border, cell.fill = italic, centre, box, grey
    for c0, r0, c1, r1 in _SPANS:
        ws.merge_cells(
            start_row=HEADER_TOP + r0 - 1,
            start_column=c0,
            end_row=HEADER_TOP + r1 - 1,
            end_column=c1,
        )
    row = FIRST_DATA_ROW
    lines = [(str(i), f"{o.unit_name} ({o.agency_id})" if o.unit_name else o.agency_id,
              o.counts, plain) for i, o in enumerate(province.offices, 1)]  # fmt: skip
    lines.append(("", texts.LEADERS_PROVINCE_TOTAL, province.total, bold))
    for number, label, counts, font in lines:
        suffix = "-bold" if font is bold else ""
        for c, item in enumerate([number or None, label, *counts.columns()], 1):
            one = ws.cell(row=row, column=c, value=item)
            one.style = ("qmc-number" if c > 2 else "qmc-text") + suffix
        row += 1
    total = province.total
    closed = texts.LEADERS_XLSX_CLOSED.format(
        w=total.withdrawn, s=total.stopped, x=total.supplement_expired
    )
    put(f"A{row + 1}", closed, italic, f"A{row + 1}:M{row + 1}", Alignment(horizontal="left"))
    for index, width in enumerate((6, 44, *([11] * 11)), 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{HEADER_TOP}:{FIRST_DATA_ROW - 1}"

    sheet = book.create_sheet(texts.LEADERS_SHEET_19)
    sheet.merge_cells("A1:O1")
    sheet["A1"] = texts.LEADERS_19_TITLE
    sheet["A1"].font, sheet["A1"].alignment = Font(name=FONT, size=13, bold=True), centre
    sheet.merge_cells("A2:O2")
    sheet["A2"] = period_text
    sheet["A2"].font, sheet["A2"].alignment = italic, centre
    for c, text in enumerate(texts.LEADERS_19_HEADERS, 1):
        cell = sheet.cell(row=4, column=c, value=text)
        cell.font, cell.alignment, cell.border, cell.fill = bold, centre, box, grey
    r = 5
    for number, label, counts, font in lines:
        values = [number or None, label, *indicator_values(counts)]
        suffix = "-bold" if font is bold else ""
        for c, figure in enumerate(values, 1):
            one = sheet.cell(row=r, column=c, value=figure)
            kind = (
                "qmc-rate" if isinstance(figure, float) else "qmc-number" if c > 2 else "qmc-text"
            )
            one.style = kind + suffix
        r += 1
    sheet.merge_cells(f"A{r + 1}:O{r + 1}")
    sheet[f"A{r + 1}"] = texts.LEADERS_19_NOTE
    sheet[f"A{r + 1}"].font = italic
    sheet[f"A{r + 1}"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[r + 1].height = 45
    sheet.row_dimensions[4].height = 60
    for index, width in enumerate((6, 44, *([13] * 13)), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=5, column=3)
    book.properties.title = texts.LEADERS_XLSX_TITLE
    book.properties.created = generated.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
