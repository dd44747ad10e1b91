"""Wide ruled documents on A4 landscape: the register (Sổ theo dõi hồ sơ, Mẫu 07) and the
period report (Biểu số 06/VPCP/KSTT).

Guarantees: pure and deterministic (reportlab ``invariant=1``); the administrative header on
the first page of each book / of the report; the table header repeats on every page; every
page carries "Trang x/y" at its foot; long cells wrap. Values arrive as prepared text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from counter_app import texts
from counter_app.printing import layout
from counter_app.printing.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from counter_app.texts import reports as t

__all__ = [
    "LANDSCAPE",
    "RegisterBook",
    "RegisterSheet",
    "ReportLine",
    "ReportSheet",
    "render_register",
    "render_report",
]

LANDSCAPE = layout.Geometry(
    width_mm=297, height_mm=210, left_mm=15, right_mm=12, top_mm=10, bottom_mm=14,
    font=SERIF, bold_font=SERIF_BOLD, italic_font=SERIF_ITALIC, body_pt=9, header_pt=10.5,
    title_pt=13, code_pt=10, barcode_mm=8, qr_mm=20, sign_space_mm=18, thermal=False,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RegisterBook:
    """One book (quyển) of the year's register; ``rows`` hold the 12 columns as text."""

    book: int
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class RegisterSheet:
    parent_body: str
    unit_name: str
    place_date: str
    year: int
    books: tuple[RegisterBook, ...]
    demo: bool
    summary: str = ""  # a closing line under the last book (the digitisation rate)


@dataclass(frozen=True, slots=True)
class ReportLine:
    """A row of Biểu 06: number, label and the 11 figures; ``bold`` for field and total
    rows, ``indent`` for a procedure under its field."""

    number: str
    label: str
    values: tuple[int, ...]
    bold: bool = False
    indent: bool = False


@dataclass(frozen=True, slots=True)
class ReportSheet:
    parent_body: str
    unit_name: str
    place_date: str
    period: str
    lines: tuple[ReportLine, ...]
    total: ReportLine
    demo: bool
    note: str = ""  # a line under the table (the digitisation rate)
    closed_note: str = ""  # under it: withdrawn / stopped / supplement-expired, of the resolved
    # The fee table (issue 13): its title, headings, lines (figures in đồng and counts) and
    # total; none when empty.
    fee_title: str = ""
    fee_headers: tuple[str, ...] = ()
    fee_lines: tuple[ReportLine, ...] = ()
    fee_total: ReportLine | None = None


def _frame_width() -> float:
    return float((LANDSCAPE.width_mm - LANDSCAPE.left_mm - LANDSCAPE.right_mm) * mm)


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Keeps every page until the end, then stamps "Trang x/y" on each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setFont(LANDSCAPE.italic_font, 8.5)
            self.drawRightString(
                (LANDSCAPE.width_mm - LANDSCAPE.right_mm) * mm,
                LANDSCAPE.bottom_mm * mm * 0.45,
                t.page_of(number, total),
            )
            super().showPage()
        super().save()


def _build(story: list[Flowable], *, title: str, subject: str, author: str, demo: bool) -> bytes:
    g = LANDSCAPE
    width, height = g.width_mm * mm, (g.height_mm or 0) * mm
    top = g.top_with_marks_mm(1 if demo else 0) * mm
    frame = Frame(
        g.left_mm * mm, g.bottom_mm * mm, _frame_width(), height - top - g.bottom_mm * mm,
        id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        invariant=1,
        title=title,
        author=author,
        subject=subject,
        creator=texts.APP_NAME,
    )

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        layout.draw_page_marks(canvas, g, demo=demo, reprint="")

    doc.addPageTemplates([PageTemplate(id="wide", frames=[frame], onPage=on_page)])
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _header(
    *, legal_basis: str, parent_body: str, unit_name: str, place_date: str
) -> list[Flowable]:
    return layout.header_block(
        legal_basis=legal_basis,
        parent_body=parent_body,
        unit_name=unit_name,
        number="",
        place_date=place_date,
        geometry=LANDSCAPE,
        styles=layout.styles_for(LANDSCAPE),
        width=_frame_width(),
    )


def _ruled(header_rows: int, extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
            ("VALIGN", (0, header_rows), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            *extra,
        ]
    )


# --- Register -----------------------------------------------------------------------------------

_REGISTER_WIDTHS_MM = (15, 39, 40, 11, 28, 31, 20, 17, 17, 17, 17, 15)  # STT: "150-0042"
_LEFT_COLUMNS = {2, 4, 5, 11}  # procedure, name, address, note: left-aligned


def render_register(sheet: RegisterSheet) -> bytes:
    """The year's register: each book starts a page with the header and its title, rows in
    register order, the column header repeated on every page."""
    register_fonts()
    styles = layout.styles_for(LANDSCAPE)
    cell = ParagraphStyle("reg-cell", styles["cell"], fontSize=8, leading=9.4)
    centre = ParagraphStyle("reg-cell-c", styles["cell-c"], fontSize=8, leading=9.4)
    scale = _frame_width() / (sum(_REGISTER_WIDTHS_MM) * mm)
    widths = [w * mm * scale for w in _REGISTER_WIDTHS_MM]
    story: list[Flowable] = []
    books = sheet.books or (RegisterBook(1, ()),)
    for index, book in enumerate(books):
        if index:
            story.append(PageBreak())
        story += _header(
            legal_basis=t.REGISTER_FORM,
            parent_body=sheet.parent_body,
            unit_name=sheet.unit_name,
            place_date=sheet.place_date,
        )
        story += layout.title(t.REGISTER_TITLE, styles)
        subtitle = t.register_subtitle(sheet.year, book.book)
        story += [Paragraph(f"<b>{escape(subtitle)}</b>", styles["centre"]), Spacer(1, 6)]
        head = [Paragraph(f"<b>{escape(h)}</b>", centre) for h in t.REGISTER_COLUMNS]
        body = [
            [
                Paragraph(escape(v), cell if j in _LEFT_COLUMNS else centre)
                for j, v in enumerate(row)
            ]
            for row in book.rows
        ]
        if not body:
            story.append(Paragraph(escape(t.REGISTER_EMPTY), styles["centre"]))
            continue
        table = Table([head, *body], colWidths=widths, repeatRows=1, splitInRow=1)
        table.setStyle(_ruled(1, [("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93))]))
        story.append(table)
    if sheet.summary:
        story += [Spacer(1, 6), Paragraph(f"<i>{escape(sheet.summary)}</i>", styles["body"])]
    return _build(
        story,
        title=f"{t.REGISTER_TITLE} {sheet.year}",
        subject=t.REGISTER_FORM,
        author=sheet.unit_name,
        demo=sheet.demo,
    )


# --- Period report (Biểu 06) --------------------------------------------------------------------

REPORT_HEADER_ROWS = 4  # three rows of headings, then the column numbers (1)…(13)


def report_header_rows() -> list[list[str]]:
    """The 4 heading rows of Biểu 06 as text ("" under a merged cell); the xlsx uses them too."""
    return [
        [t.COL_NO, t.COL_SUBJECT, t.GROUP_RECEIVED, "", "", "", t.GROUP_RESOLVED, "", "", "",
         t.GROUP_IN_PROGRESS, "", ""],
        ["", "", t.COL_TOTAL, t.COL_OF_WHICH, "", "", t.COL_TOTAL, t.COL_EARLY, t.COL_ON_TIME,
         t.COL_LATE, t.COL_TOTAL, t.COL_IN_TIME, t.COL_OVERDUE],
        ["", "", "", t.COL_ONLINE, t.COL_DIRECT_POSTAL, t.COL_CARRIED_OVER, "", "", "", "", "",
         "", ""],
        [t.column_number(i) for i in range(1, 14)],
    ]  # fmt: skip


# (first column, first row, last column, last row) of each merged heading, 0-based.
REPORT_SPANS: tuple[tuple[int, int, int, int], ...] = (
    (0, 0, 0, 2),
    (1, 0, 1, 2),
    (2, 0, 5, 0),
    (6, 0, 9, 0),
    (10, 0, 12, 0),
    (2, 1, 2, 2),
    (3, 1, 5, 1),
    (6, 1, 6, 2),
    (7, 1, 7, 2),
    (8, 1, 8, 2),
    (9, 1, 9, 2),
    (10, 1, 10, 2),
    (11, 1, 11, 2),
    (12, 1, 12, 2),
)


def render_report(sheet: ReportSheet) -> bytes:
    """Biểu 06 on A4 landscape: header, title, period, unit line, the 13-column table with
    its merged group headings (repeated on each page), one row per line, the total row,
    and the two signatures."""
    register_fonts()
    styles = layout.styles_for(LANDSCAPE)
    head_style = ParagraphStyle("rep-head", styles["cell-c"], fontSize=8.3, leading=9.6)
    cell = ParagraphStyle("rep-cell", styles["cell"], fontSize=8.8, leading=10.4)
    indent = ParagraphStyle("rep-indent", cell, leftIndent=8)
    number = ParagraphStyle("rep-num", cell, alignment=TA_RIGHT)
    centre = styles["cell-c"]
    story = _header(
        legal_basis=t.report_legal_basis(),
        parent_body=sheet.parent_body,
        unit_name=sheet.unit_name,
        place_date=sheet.place_date,
    )
    story += layout.title(t.REPORT_TITLE, styles)
    story.append(Paragraph(f"<i>{escape(sheet.period)}</i>", styles["centre"]))
    unit = ParagraphStyle("rep-unit", styles["body"], alignment=TA_RIGHT)
    story += [Paragraph(f"<i>{escape(t.REPORT_UNIT)}</i>", unit), Spacer(1, 3)]
    rows: list[list[Any]] = []
    for r, texts_row in enumerate(report_header_rows()):
        bold = r < REPORT_HEADER_ROWS - 1
        rows.append([Paragraph(f"<b>{escape(h)}</b>" if bold else escape(h), head_style)
                     for h in texts_row])  # fmt: skip
    extra: list[tuple[Any, ...]] = [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in REPORT_SPANS]
    grey = colors.Color(0.93, 0.93, 0.93)
    extra.append(("BACKGROUND", (0, 0), (-1, REPORT_HEADER_ROWS - 1), grey))
    for line in (*sheet.lines, sheet.total):
        wrap = (lambda s: f"<b>{s}</b>") if line.bold else (lambda s: s)
        label_style = indent if line.indent else cell
        figures = [Paragraph(wrap(f"{v:,}".replace(",", ".")), number) for v in line.values]
        if line is sheet.total:  # the label spans the STT and subject columns
            rows.append([Paragraph(wrap(escape(line.label)), centre), "", *figures])
            continue
        rows.append(
            [Paragraph(wrap(escape(line.number)), centre),
             Paragraph(wrap(escape(line.label)), label_style), *figures]
        )  # fmt: skip
    total_row = len(rows) - 1
    extra.append(("SPAN", (0, total_row), (1, total_row)))
    extra.append(("BACKGROUND", (0, total_row), (-1, total_row), grey))
    width = _frame_width()
    first, label = 11 * mm, 78 * mm
    rest = (width - first - label) / 11
    table = Table(rows, colWidths=[first, label, *([rest] * 11)], repeatRows=REPORT_HEADER_ROWS)
    table.setStyle(_ruled(REPORT_HEADER_ROWS, extra))
    story.append(table)
    if sheet.note:
        story += [Spacer(1, 4), Paragraph(f"<i>{escape(sheet.note)}</i>", styles["body"])]
    if sheet.closed_note:
        story += [Spacer(1, 2), Paragraph(f"<i>{escape(sheet.closed_note)}</i>", styles["body"])]
    if sheet.fee_total is not None:
        story += _fee_table(sheet, styles, width, cell=cell, indent=indent, number=number)
    story += [Spacer(1, 10), _report_signatures(styles, width)]
    return _build(
        story,
        title=t.REPORT_TITLE,
        subject=t.REPORT_FORM,
        author=sheet.unit_name,
        demo=sheet.demo,
    )


def _fee_table(
    sheet: ReportSheet,
    styles: layout.Styles,
    width: float,
    *,
    cell: ParagraphStyle,
    indent: ParagraphStyle,
    number: ParagraphStyle,
) -> list[Any]:
    """The fees of the period's dossiers under the main table (issue 13)."""
    centre = styles["cell-c"]
    rows: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", centre) for h in sheet.fee_headers]]
    assert sheet.fee_total is not None
    for line in (*sheet.fee_lines, sheet.fee_total):
        wrap = (lambda x: f"<b>{x}</b>") if line.bold else (lambda x: x)
        figures = [Paragraph(wrap(f"{v:,}".replace(",", ".")), number) for v in line.values]
        rows.append(
            [Paragraph(wrap(escape(line.number)), centre),
             Paragraph(wrap(escape(line.label)), indent if line.indent else cell), *figures]
        )  # fmt: skip
    first, label = 11 * mm, 100 * mm
    rest = (width - first - label) / max(1, len(sheet.fee_headers) - 2)
    table = Table(rows, colWidths=[first, label, *([rest] * (len(sheet.fee_headers) - 2))],
                  repeatRows=1)  # fmt: skip
    grey = colors.Color(0.93, 0.93, 0.93)
    last = len(rows) - 1
    shade = [("BACKGROUND", (0, 0), (-1, 0), grey), ("BACKGROUND", (0, last), (-1, last), grey)]
    table.setStyle(_ruled(1, shade))
    heading = ParagraphStyle("fee-title", styles["body"], alignment=TA_LEFT)
    return [Spacer(1, 8), Paragraph(f"<b>{escape(sheet.fee_title)}</b>", heading), Spacer(1, 3),
            table]  # fmt: skip


def _report_signatures(styles: layout.Styles, width: float) -> Table:
    sign = styles["sign"]
    cells = [
        [Paragraph(f"<b>{escape(title)}</b>", sign), Paragraph(f"<i>{escape(note)}</i>", sign)]
        for title, note in ((t.SIGN_MAKER, t.SIGN_NOTE), (t.SIGN_HEAD, t.SIGN_HEAD_NOTE))
    ]
    table = Table([cells], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    table.keepWithNext = False
    return table
