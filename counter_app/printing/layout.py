"""Page geometry, styles and the drawing of each slip section (used by ``slip.py``).

One :class:`Geometry` per paper size. A5, A4 and the halves of "A4, two copies side by side"
use the two-column administrative header and a ruled documents table; the 80 mm roll uses one
centred column, a numbered list instead of the table, a larger code text, and a code block
made of the barcode running down the roll beside the QR, the lookup key and the boxed
appointment, with the lookup sentence and its address under it at the roll's full width (a
sentence is never cut by the barcode).

Type is never smaller than :data:`MIN_PT` (9 pt) anywhere on a slip. :func:`denser` gives
the tighter variants of a paper geometry (smaller body type, down to 9 pt) that ``slip.py``
tries before letting a copy run onto a second sheet.
"""

from __future__ import annotations

import dataclasses
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from counter_app.printing.barcode import Code128Bars
from counter_app.printing.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC
from counter_app.printing.printer import PaperSize
from counter_app.printing.qr import QrSquares
from counter_app.printing.templates import Section
from counter_app.texts import forms as ft
from counter_app.texts import slips as t

if TYPE_CHECKING:
    from counter_app.printing.slip import PersonLines, SlipData

MARK_LINE_MM = 4.5
MIN_PT = 9.0  # the smallest type printed on a slip


@dataclass(frozen=True, slots=True)
class Geometry:
    """Paper and type sizes of one layout. ``height_mm`` None: as long as the content."""

    width_mm: float
    height_mm: float | None
    left_mm: float
    right_mm: float
    top_mm: float
    bottom_mm: float
    font: str
    bold_font: str
    italic_font: str
    body_pt: float
    header_pt: float
    title_pt: float
    code_pt: float
    barcode_mm: float
    qr_mm: float
    sign_space_mm: float
    thermal: bool
    papers_run_on: bool = False  # the papers as one numbered run-on paragraph, not a table
    leading: float = 1.0  # line spacing relative to the normal one (tighter below 1)

    def top_with_marks_mm(self, marks: int) -> float:
        """The top margin once ``marks`` marker lines (DEMO, reprint) are printed above it."""
        return self.top_mm + marks * MARK_LINE_MM


class _Faces(TypedDict):
    font: str
    bold_font: str
    italic_font: str


_SERIF_FACES = _Faces(font=SERIF, bold_font=SERIF_BOLD, italic_font=SERIF_ITALIC)
_A5 = Geometry(
    width_mm=148, height_mm=210, left_mm=12, right_mm=9, top_mm=6, bottom_mm=6,
    **_SERIF_FACES, body_pt=10, header_pt=9.5, title_pt=12, code_pt=11,
    barcode_mm=7, qr_mm=21, sign_space_mm=12, thermal=False,
)  # fmt: skip
GEOMETRIES: dict[PaperSize, Geometry] = {
    PaperSize.A5: _A5,
    PaperSize.A4: Geometry(
        width_mm=210, height_mm=297, left_mm=18, right_mm=12, top_mm=10, bottom_mm=10,
        **_SERIF_FACES, body_pt=12, header_pt=11.5, title_pt=14, code_pt=13,
        barcode_mm=11, qr_mm=27, sign_space_mm=20, thermal=False,
    ),
    # Each half of the landscape A4 sheet is an A5 page (297 / 2 = 148.5 mm wide).
    PaperSize.A4X2: dataclasses.replace(_A5, width_mm=148.5),
    # Thermal roll: 72 mm printable; sans-serif reads better on thermal paper.
    PaperSize.THERMAL_80MM: Geometry(
        width_mm=80, height_mm=None, left_mm=4, right_mm=4, top_mm=3, bottom_mm=6,
        font=SANS, bold_font=SANS_BOLD, italic_font=SANS, body_pt=9.5, header_pt=9,
        title_pt=11, code_pt=12.5, barcode_mm=14, qr_mm=36, sign_space_mm=14, thermal=True,
    ),
}  # fmt: skip


def denser(geometry: Geometry) -> list[Geometry]:
    """``geometry`` then its tighter variants: body type 0.5 pt smaller each time down to
    :data:`MIN_PT` (A4 in 1 pt steps), QR and bar height shrunk with it (the room to sign
    never under :data:`SIGN_ROOM_MM`); then the same sizes with the papers as a numbered
    run-on paragraph instead of the table (``papers_run_on``); last the 9 pt table again,
    the layout of a copy that runs over onto a second sheet. Never on the roll."""
    if geometry.thermal:
        return [geometry]
    step = 1.0 if geometry.body_pt >= 12 else 0.5
    tables = [geometry]
    body = geometry.body_pt - step
    while body >= MIN_PT - 0.01:
        ratio = body / geometry.body_pt
        tables.append(
            dataclasses.replace(
                geometry,
                body_pt=body,
                header_pt=max(MIN_PT, geometry.header_pt * ratio),
                title_pt=max(11.0, geometry.title_pt * ratio),
                code_pt=max(10.5, geometry.code_pt * ratio),
                sign_space_mm=max(SIGN_ROOM_MM, geometry.sign_space_mm * max(ratio, 0.8)),
                qr_mm=max(20.0, geometry.qr_mm * ratio),
                barcode_mm=max(7.0, geometry.barcode_mm * ratio),
            )
        )
        body -= step
    run_on = [dataclasses.replace(g, papers_run_on=True, leading=RUN_ON_LEADING) for g in tables]
    return [*tables, *run_on, tables[-1]]


RUN_ON_LEADING = 0.92  # the run-on variants also set their lines a little closer
SIGN_ROOM_MM = 12.0  # the least room left to sign in, between the note and the name


Styles = dict[str, ParagraphStyle]


def _at_least(size: float) -> float:
    return max(MIN_PT, size)


@functools.cache
def styles_for(geometry: Geometry) -> Styles:
    """Paragraph styles of a layout (cached: styles are immutable once made); none is
    smaller than :data:`MIN_PT`."""
    size, font, k = geometry.body_pt, geometry.font, geometry.leading
    base = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.16 * k)
    centred = "thermal" if geometry.thermal else "paper"
    cell = _at_least(size * 0.95)
    small = _at_least(size * 0.85)
    return {
        "body": ParagraphStyle("body", base, alignment=TA_LEFT, spaceBefore=size * 0.05),
        "just": ParagraphStyle(
            "just", base, alignment=TA_LEFT if geometry.thermal else TA_JUSTIFY
        ),
        "left": ParagraphStyle("left", base, alignment=TA_LEFT),
        "indent": ParagraphStyle("indent", base, leftIndent=size, alignment=TA_LEFT),
        "centre": ParagraphStyle("centre", base, alignment=TA_CENTER),
        "small": ParagraphStyle(
            f"small-{centred}",
            base,
            fontSize=small,
            leading=small * 1.15 * k,
            alignment=TA_CENTER if geometry.thermal else TA_RIGHT,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=cell, leading=cell * 1.12 * k),
        "cell-c": ParagraphStyle(
            "cell-c", base, fontSize=cell, leading=cell * 1.12 * k, alignment=TA_CENTER
        ),
        "head": ParagraphStyle(
            "head", base, fontSize=geometry.header_pt, leading=geometry.header_pt * 1.2 * k,
            alignment=TA_CENTER,
        ),
        "title": ParagraphStyle(
            "title", base, fontName=geometry.bold_font, fontSize=geometry.title_pt,
            leading=geometry.title_pt * 1.2 * k, alignment=TA_CENTER, spaceBefore=size * 0.4,
        ),
        "code": ParagraphStyle(
            "code", base, fontName=geometry.bold_font, fontSize=geometry.code_pt,
            leading=geometry.code_pt * 1.25 * k, alignment=TA_CENTER,
        ),
        "sign": ParagraphStyle("sign", base, alignment=TA_CENTER, leading=size * 1.15 * k),
        "head-small": ParagraphStyle(
            "head-small", base, fontSize=_at_least(geometry.header_pt * 0.9),
            leading=_at_least(geometry.header_pt * 0.9) * 1.15 * k, alignment=TA_CENTER,
        ),
        "note": ParagraphStyle("note", base, fontSize=small, leading=small * 1.15 * k),
        "appointment": ParagraphStyle(
            "appointment", base, fontName=geometry.bold_font, leading=size * 1.25 * k,
            alignment=TA_CENTER if geometry.thermal else TA_LEFT,
        ),
    }  # fmt: skip


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _field(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b> {escape(value)}", style)


def _gap(geometry: Geometry, factor: float = 0.5) -> Spacer:
    return Spacer(1, geometry.body_pt * factor)


# --- Header and title ---------------------------------------------------------------------------


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest size ≤ ``size`` (and ≥ :data:`MIN_PT`: below that the text wraps) at which
    ``text`` fits in ``width`` on one line."""
    needed = stringWidth(text, font, size)
    return size if needed <= width else max(MIN_PT, size * width / needed * 0.98)


def header(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """Legal-basis caption, then issuing body (left) and national motto (right)."""
    return header_block(
        legal_basis=data.caption,
        parent_body=data.parent_body,
        unit_name=data.unit_name,
        number=data.number or None,
        place_date=data.place_date,
        geometry=geometry,
        styles=styles,
    )


def header_block(
    *,
    legal_basis: str,
    parent_body: str,
    unit_name: str,
    number: str | None,
    place_date: str,
    geometry: Geometry,
    styles: Styles,
    width: float | None = None,
    left_extra: Sequence[str] = (),
) -> list[Flowable]:
    """The administrative header of any form: caption, issuing body and "Số" line on the left
    (plus ``left_extra`` lines, e.g. a letter's "V/v" subject), national motto on the right.
    ``number`` "" prints the blank "Số: ……/……" a clerk fills by hand; None prints no "Số" line
    (a slip without a register number). ``width`` defaults to the geometry's frame width
    (pass it for landscape pages)."""
    head = styles["head"]
    caption = _p(f"<i>{escape(legal_basis)}</i>", styles["small"])
    if width is None:
        width = (geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm
    left = [
        _p(escape(parent_body), head),
        _p(f"<b><u>{escape(unit_name)}</u></b>", head),
        *([] if number is None else [_p(escape(number or t.NUMBER_BLANK), head)]),
        *(_p(f"<i>{escape(line)}</i>", styles["head-small"]) for line in left_extra),
    ]
    right_share = 0.6 if width < 200 * mm else 0.5
    motto_width = width if geometry.thermal else width * right_share - 4
    motto_pt = _fit(t.MOTTO_COUNTRY, geometry.bold_font, geometry.header_pt, motto_width)
    motto = ParagraphStyle("motto", head, fontSize=motto_pt, leading=motto_pt * 1.25)
    right = [
        _p(f"<b>{escape(t.MOTTO_COUNTRY)}</b>", motto),
        _p(f"<b><u>{escape(t.MOTTO_SLOGAN)}</u></b>", head),
        _p(f"<i>{escape(place_date)}</i>", head),
    ]
    if geometry.thermal:
        return [caption, _gap(geometry, 0.3), *left, _gap(geometry, 0.4), *right]
    table = Table([[left, right]], colWidths=[width * (1 - right_share), width * right_share])
    table.setStyle(_PLAIN)
    return [caption, _gap(geometry, 0.3), table]


_PLAIN = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


def title(text: str, styles: Styles) -> list[Flowable]:
    return [_p(escape(text), styles["title"])]


class CopyLabel(Flowable):  # type: ignore[misc]
    """The "(Liên 1: Lưu)" line under the title.

    With a label it draws it; without one it only remembers where it sits, so that a copy
    laid out once (as a PDF form) can be stamped with each copy's label at that place.
    """

    def __init__(self, label: str, geometry: Geometry) -> None:
        super().__init__()
        self.label = label
        self.font = geometry.italic_font
        self.size = geometry.body_pt
        self.origin = (0.0, 0.0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.size * 1.3

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(self.width / 2, self.size * 0.35)
        self.origin = (x, y)
        if self.label:  # drawn in place (the canvas is already moved to this flowable)
            self.canv.setFont(self.font, self.size)
            self.canv.drawCentredString(self.width / 2, self.size * 0.35, f"({self.label})")

    def stamp(self, canvas: Canvas, label: str) -> None:
        if not label:
            return
        canvas.saveState()
        canvas.setFont(self.font, self.size)
        canvas.drawCentredString(self.origin[0], self.origin[1], f"({label})")
        canvas.restoreState()


# --- Sections -----------------------------------------------------------------------------------


def section(name: Section, data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """The flowables of one template section (empty when the slip has nothing for it)."""
    return _SECTIONS[name](data, geometry, styles)


def frame_width(geometry: Geometry) -> float:
    return float((geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm)


def _code(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    if not (data.template.barcode and data.code):
        return []
    code_text = _p(escape(data.code), styles["code"])
    if geometry.thermal:
        return [_gap(geometry, 0.4), _p(escape(t.LABEL_CODE), styles["centre"]), code_text,
                _gap(geometry, 0.3), *_thermal_symbols(data, geometry, styles)]  # fmt: skip
    bars = Code128Bars(data.code, height_mm=geometry.barcode_mm, vertical=False)
    bars.hAlign = "CENTER"
    return [_gap(geometry, 0.3), bars, code_text]


def _thermal_symbols(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """The roll's code block: the barcode down the left (the code does not fit across 72 mm
    at the minimum module width); on the right the QR, the lookup key and the boxed
    appointment. The lookup sentence and its address follow at the roll's full width."""
    bars = Code128Bars(data.code, height_mm=geometry.barcode_mm, vertical=True)
    width = frame_width(geometry)
    left_width = geometry.barcode_mm * mm + 3 * mm
    right: list[Flowable] = []
    after: list[Flowable] = []
    if data.template.qr and data.lookup_url:
        qr = QrSquares(data.lookup_url, size_mm=geometry.qr_mm)
        qr.hAlign = "CENTER"
        right = [qr, _lookup_key(data, styles), _gap(geometry, 0.6)]
        after = [_gap(geometry, 0.4), *_lookup_sentence(data, styles, centred=True)]
    if Section.DUE_AT in data.template.sections:  # not on Mẫu 02 in processing nor Mẫu 05
        right += appointment_box(data, geometry, styles, width=width - left_width)
    table = Table([[bars, right]], colWidths=[left_width, width - left_width])
    table.setStyle(TableStyle([*_PLAIN.getCommands(), ("VALIGN", (1, 0), (1, 0), "MIDDLE")]))
    return [table, *after, _gap(geometry, 0.6)]


def _lookup_sentence(data: SlipData, styles: Styles, *, centred: bool) -> list[Flowable]:
    """ "Mang theo phiếu này … tại" and the lookup address, never split apart."""
    style = styles["centre"] if centred else styles["note"]
    base = escape(data.lookup_base)
    if centred:  # the roll: the address on its own line, so it is never cut
        return [_p(f"<i>{escape(t.FOOTER_RECEIPT)}</i>", style), _p(f"<b>{base}</b>", style)]
    return [_p(f"<i>{escape(t.FOOTER_RECEIPT)}</i> <b>{base}</b>", style)]


def _lookup_key(data: SlipData, styles: Styles, *, size: float | None = None) -> Paragraph:
    code = styles["code"]
    size = size or code.fontSize
    style = ParagraphStyle(
        f"key-{size}", code, fontName=styles["body"].fontName, fontSize=size, leading=size * 1.3
    )
    return _p(f"{escape(t.LABEL_LOOKUP_KEY)} <b>{escape(data.lookup_key)}</b>", style)


def _unit(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    return [_gap(geometry, 0.3), _field(t.LABEL_UNIT, data.unit_name, styles["body"])]


def _nobreak(label: str) -> str:
    return escape(label).replace(" ", "&nbsp;")


def _person(
    label: str, person: PersonLines, styles: Styles, *, same_address_as: str = ""
) -> list[Flowable]:
    """Name, ID number and phone in one paragraph (it wraps when long), then the address."""
    body = styles["body"]
    line = f"<b>{escape(label)} {escape(person.name)}</b>; "
    line += f"<b>{_nobreak(t.LABEL_ID_NUMBER)}</b>&nbsp;{escape(person.id_number)}"
    if person.phone:
        line += f"; <b>{_nobreak(t.LABEL_PHONE)}</b>&nbsp;{escape(person.phone)}"
    out: list[Flowable] = [_p(line, body)]
    if person.address and person.address != same_address_as:
        out.append(_field(t.LABEL_ADDRESS, person.address, body))
    return out


def _applicant(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    return _person(data.template.applicant_label, data.applicant, styles)


def _submitter(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    if data.submitter is None:
        return []
    return _person(
        t.LABEL_SUBMITTER, data.submitter, styles, same_address_as=data.applicant.address
    )


def _procedure(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    return [_field(t.LABEL_PROCEDURE, data.procedure, styles["body"])]


def _documents(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """ "1. Thành phần hồ sơ nộp gồm:" and exactly the papers recorded as handed over; when
    none was recorded, a sentence says so (never the catalogue's checklist)."""
    label_text = f"<b>{escape(t.LABEL_DOCUMENTS)}</b>"
    if not data.documents:
        return [_p(label_text, styles["left"]), _p(escape(t.NO_PAPER_RECORDED), styles["indent"])]
    if geometry.thermal:
        items = [
            _p(f"{i}. {escape(d.name)} <i>({escape(d.form)}: {escape(d.count)})</i>",
               styles["indent"])
            for i, d in enumerate(data.documents, 1)
        ]  # fmt: skip
        return [_p(label_text, styles["left"]), *items]
    if geometry.papers_run_on:
        return [_p(label_text, styles["left"]), _run_on(data, styles)]
    header_row = [t.COLUMN_NO, t.COLUMN_DOCUMENT, t.COLUMN_FORM, t.COLUMN_COUNT]
    rows = [[str(i), d.name, d.form, d.count] for i, d in enumerate(data.documents, 1)]
    return [grid(header_row, rows, _document_widths(data, styles, geometry), geometry, styles,
                 caption=label_text)]  # fmt: skip


def _run_on(data: SlipData, styles: Styles) -> Paragraph:
    """The papers as one justified paragraph, "1) title — Bản chính, 01; 2) …" (the
    compact list of a copy whose table would not fit on one sheet); titles are never
    shortened."""
    items = [
        f"<b>{i})</b>&nbsp;{escape(d.name)}{t.RUN_ON_FORM_SEPARATOR}"
        f"<i>{_nobreak(d.form)},&nbsp;{escape(d.count)}</i>"
        for i, d in enumerate(data.documents, 1)
    ]
    return _p("; ".join(items) + ".", styles["just"])


def _document_widths(data: SlipData, styles: Styles, geometry: Geometry) -> tuple[float, ...]:
    """Column shares of the documents table: the "Hình thức" column as wide as its longest
    text on one line (within 15-28 % of the width), so a short paper takes one line; the
    paper's name gets the rest."""
    cell = styles["cell-c"]
    longest = max(stringWidth(d.form, cell.fontName, cell.fontSize) for d in data.documents)
    form = min(max((longest + 2 * _CELL_PAD + 1) / frame_width(geometry), 0.15), 0.28)
    return (0.06, 1 - 0.06 - form - 0.09, form, 0.09)


_CELL_PAD = 2.5  # points of padding left and right in a ruled table's cells


def grid(
    header_row: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    geometry: Geometry,
    styles: Styles,
    *,
    caption: str = "",
) -> Table:
    """A ruled table whose cells wrap. On a new page the header row repeats (with the
    ``caption`` line above it, which is the table's first, unruled row, so the caption is
    never left alone at the foot of a page); a row is never split across pages."""
    cell, centre = styles["cell"], styles["cell-c"]
    head = [_p(f"<b>{escape(h)}</b>", centre) for h in header_row]
    body = [[_p(escape(v), cell if j == 1 else centre) for j, v in enumerate(row)] for row in rows]
    width = frame_width(geometry)
    top: list[list[object]] = []
    if caption:
        top = [[_p(caption, styles["left"]), *([""] * (len(header_row) - 1))]]
    first = len(top)
    table = Table([*top, head, *body], colWidths=[width * w for w in widths], repeatRows=first + 1)
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, first), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, first), (-1, -1), _CELL_PAD),
        ("RIGHTPADDING", (0, first), (-1, -1), _CELL_PAD),
        ("TOPPADDING", (0, first), (-1, -1), 1),
        ("BOTTOMPADDING", (0, first), (-1, -1), 2),
    ]
    if caption:
        commands += [
            ("SPAN", (0, 0), (-1, 0)),
            ("LEFTPADDING", (0, 0), (-1, 0), 0),
            ("TOPPADDING", (0, 0), (-1, 0), 1),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 2),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _simple(label: str, attr: str) -> Callable[[SlipData, Geometry, Styles], list[Flowable]]:
    def build(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
        return [_field(label, str(getattr(data, attr)), styles["body"])]

    return build


def appointment_box(
    data: SlipData, geometry: Geometry, styles: Styles, *, width: float | None = None
) -> list[Flowable]:
    """The return appointment ("17 giờ 00, thứ Tư, ngày 02/12/2026") in a bold ruled box,
    with the estimated-calendar note under it when there is one."""
    style = styles["appointment"]
    big = ParagraphStyle(
        f"appointment-big-{style.fontSize}", style, fontSize=style.fontSize + 1,
        leading=(style.fontSize + 1) * 1.2,
    )  # fmt: skip
    if geometry.thermal:
        cells: list[Flowable] = [
            _p(escape(t.LABEL_APPOINTMENT), style),
            _p(escape(data.due_at), big),
        ]
    else:
        label = escape(t.LABEL_DUE)
        cells = [_p(f"{label} <font size={big.fontSize}>{escape(data.due_at)}</font>", style)]
    if data.due_note:
        note = ParagraphStyle("appointment-note", styles["note"], alignment=style.alignment)
        cells.append(_p(f"<i>{escape(data.due_note)}</i>", note))
    box = Table([[cells]], colWidths=[width or frame_width(geometry)])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ]
        )
    )
    return [_gap(geometry, 0.25), box, _gap(geometry, 0.25)]


def _due(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    if geometry.thermal:  # the box is in the code block beside the barcode
        return [_field(t.LABEL_DUE, data.due_at, styles["body"])]
    return appointment_box(data, geometry, styles)


def _fee(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """The fee as the catalogue or the officer gave it; unknown: a dotted line to fill in."""
    return [_field(t.LABEL_FEE, data.fee or t.FEE_BLANK, styles["body"])]


def _missing(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    body = styles["body"]
    intro = f"<b>{escape(t.SUPPLEMENT_INTRO)}</b>"
    out: list[Flowable] = [_gap(geometry)]
    if geometry.thermal:
        out.append(_p(intro, body))
        out += [_p(f"{i}. {escape(m)}", styles["indent"]) for i, m in enumerate(data.missing, 1)]
    else:
        rows = [[str(i), m] for i, m in enumerate(data.missing, 1)]
        out.append(grid([t.COLUMN_NO, t.COLUMN_MISSING], rows, (0.08, 0.92), geometry, styles,
                        caption=intro))  # fmt: skip
    out += [_gap(geometry, 0.4), _field(t.LABEL_REASON, data.reason, body)]
    if data.deadline:
        out.append(_p(f"<b>{escape(data.deadline)}</b>", styles["just"]))
    out.append(_p(f"<i>{escape(t.SUPPLEMENT_GUIDANCE)}</i>", styles["just"]))
    return out


def _stop(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """Mẫu 05: since when the processing stops and why, what is given back."""
    body = styles["just"]
    return [
        _gap(geometry),
        _p(escape(data.stopped_at), body),
        _p(f"<b>{escape(data.reason)}</b>", styles["indent"]),
        _gap(geometry, 0.4),
        _p(escape(ft.STOP_RETURN_PAPERS), body),
        _p(escape(ft.STOP_INFORM), body),
    ]


def _refusal(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    body = styles["just"]
    return [
        _gap(geometry),
        _p(escape(t.refusal_statement(data.unit_name)), body),
        _p(f"<b>{escape(data.reason)}</b>", styles["indent"]),
        _gap(geometry, 0.4),
        _p(escape(t.REFUSAL_INFORM), body),
        _p(f"<i>{escape(t.REFUSAL_GUIDANCE)}</i>", body),
    ]


def _none(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    return []


_SECTIONS: dict[Section, Callable[[SlipData, Geometry, Styles], list[Flowable]]] = {
    Section.CODE: _code,
    Section.UNIT: _unit,
    Section.APPLICANT: _applicant,
    Section.SUBMITTER: _submitter,
    Section.PROCEDURE: _procedure,
    Section.DOCUMENTS: _documents,
    Section.SETS: _simple(t.LABEL_SETS, "sets"),
    Section.PROCESSING_TIME: _simple(t.LABEL_TIME, "processing_time"),
    Section.RECEIVED_AT: _simple(t.LABEL_RECEIVED, "received_at"),
    Section.RECEIVED_ON: _simple(ft.LABEL_RECEIVED_ON, "received_at"),
    Section.DUE_AT: _due,
    Section.RETURN_METHOD: _simple(t.LABEL_RETURN, "return_method"),
    Section.FEE: _fee,
    Section.MISSING: _missing,
    Section.REFUSAL: _refusal,
    Section.STOP: _stop,
    Section.LOOKUP: _none,
}


# --- Signatures, lookup block, page marks -------------------------------------------------------


def signatures(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """One column per signer (the officer's printed name under the space), all in one block
    that never splits; on paper the receipt's QR and lookup key take a column on the left and
    the lookup sentence runs under the signers, beside the key."""
    width = frame_width(geometry)
    with_qr = data.template.qr and bool(data.lookup_url) and not geometry.thermal
    lead = 0.0
    if with_qr:
        qr = QrSquares(data.lookup_url, size_mm=geometry.qr_mm)
        qr.hAlign = "CENTER"
        key_width = stringWidth(
            f"{t.LABEL_LOOKUP_KEY} {data.lookup_key}", geometry.bold_font, geometry.body_pt
        )
        lead = max(qr.size, key_width) + 3 * mm  # the key on one line under the QR
    elif len(data.template.signatures) == 1:
        lead = width / 2
    column = (width - lead) / max(len(data.template.signatures), 2 if geometry.thermal else 1)
    style = _sign_style(data, geometry, styles, column=column)
    cells: list[list[Flowable]] = []
    for signer in data.template.signatures:
        name = "" if signer in (t.SIGN_APPLICANT, ft.SIGN_STOP_RECEIVER) else data.officer_name
        cells.append(
            [
                _p(f"<b>{escape(signer)}</b>", style),
                _p(f"<i>{escape(t.SIGN_NOTE)}</i>", style),
                Spacer(1, geometry.sign_space_mm * mm),
                _p(f"<b>{escape(name)}</b>", style),
            ]
        )
    if with_qr:
        cells.insert(0, [qr, _lookup_key(data, styles, size=geometry.body_pt)])
    elif len(cells) == 1:
        cells.insert(0, [])
    rest = (width - lead) / max(len(cells) - (1 if lead else 0), 1)
    widths = ([lead] if lead else []) + [rest] * (len(cells) - (1 if lead else 0))
    rows: list[list[object]] = [list(cells)]
    commands = list(_PLAIN.getCommands())
    if with_qr:
        rows.append(["", _lookup_sentence(data, styles, centred=False), *[""] * (len(cells) - 2)])
        commands += [
            ("SPAN", (0, 0), (0, 1)),
            ("SPAN", (1, 1), (-1, 1)),
            ("VALIGN", (1, 1), (-1, 1), "BOTTOM"),
            ("LEFTPADDING", (1, 1), (1, 1), 4),
            ("TOPPADDING", (1, 1), (1, 1), geometry.body_pt * 0.4),
        ]
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle(commands))
    return [_gap(geometry, 0.35), table]


def _sign_style(
    data: SlipData, geometry: Geometry, styles: Styles, *, column: float
) -> ParagraphStyle:
    """The signature style, shrunk (never under 9 pt) so each signer's title stays on one line
    of its ``column``."""
    style = styles["sign"]
    size = min(
        _fit(s, geometry.bold_font, style.fontSize, column - 2) for s in data.template.signatures
    )
    if size == style.fontSize:
        return style
    return ParagraphStyle(f"sign-{size:.2f}", style, fontSize=size, leading=size * 1.2)


class KeptTogether(Flowable):  # type: ignore[misc]
    """Flowables stacked as one block that never splits: it moves to the next page whole
    (the receipt's items 2-7 with the signatures and the QR, so a page that runs over never
    holds the signatures alone)."""

    def __init__(self, flowables: Sequence[Flowable]) -> None:
        super().__init__()
        self.flowables = list(flowables)
        self._placed: list[tuple[float, float, float]] = []  # (before, height, after)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._placed = []
        after = 0.0  # a frame overlaps one's space after with the next one's space before
        for index, flowable in enumerate(self.flowables):
            _, height = flowable.wrap(avail_width, avail_height)
            before = max(flowable.getSpaceBefore() - after, 0.0) if index else 0.0
            after = flowable.getSpaceAfter()
            self._placed.append((before, height, after))
        self.width, self.height = avail_width, sum(sum(p) for p in self._placed)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.flowables[0].getSpaceBefore()) if self.flowables else 0.0

    def draw(self) -> None:
        y = self.height
        for flowable, (before, height, after) in zip(self.flowables, self._placed, strict=True):
            y -= before + height
            flowable.drawOn(self.canv, 0, y)
            y -= after


def mark_lines(*, demo: bool, reprint: str) -> list[str]:
    return [m for m in ((t.DEMO_MARK if demo else ""), reprint) if m]


def draw_page_marks(
    canvas: Canvas,
    geometry: Geometry,
    *,
    demo: bool,
    reprint: str,
    box: tuple[float, float] | None = None,
) -> None:
    """On every page (or every ``box`` = (width, height) at the origin, e.g. each half of a
    sheet): a faint DEMO watermark, and the DEMO / reprint lines at the very top."""
    width, height = box or canvas._pagesize
    canvas.saveState()
    if demo:
        canvas.setFillColorRGB(0.91, 0.91, 0.91)
        size = min(width, height) / 3.2
        canvas.setFont(geometry.bold_font, size)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, -size / 3, t.DEMO_WATERMARK)
        canvas.rotate(-35)
        canvas.translate(-width / 2, -height / 2)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(geometry.bold_font, MIN_PT)
    y = height - 5 * mm
    for line in mark_lines(demo=demo, reprint=reprint):
        canvas.drawCentredString(width / 2, y, line)
        y -= MARK_LINE_MM * mm
    canvas.restoreState()


def measure(story: Sequence[Flowable], width: float) -> float:
    """The height the flowables take in a frame ``width`` wide (the roll's length; whether a
    copy fits on one sheet)."""
    canvas = Canvas(io.BytesIO())
    total = 0.0
    for flowable in story:
        _, height = flowable.wrapOn(canvas, width, 1e7)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def continuation_band(geometry: Geometry) -> float:
    """Height (points) kept at the top of a continuation page for its running header."""
    return geometry.body_pt * 2.2


def draw_continuation(
    canvas: Canvas, geometry: Geometry, *, top: float, parts: tuple[str, str, str], width: float
) -> None:
    """The running header of a continuation page under ``top``: (code, applicant, copy) as
    ``texts.slips.continued_header`` words it, on one line (the name shortened with "…" if
    even 9 pt is too wide), with a thin rule under it."""
    code, name, copy = parts
    x = geometry.left_mm * mm
    inner = width - (geometry.left_mm + geometry.right_mm) * mm
    text = t.continued_header(code, name, copy)
    font = geometry.italic_font
    while stringWidth(text, font, MIN_PT) > inner and len(name) > 1:
        name = name[:-2]
        text = t.continued_header(code, f"{name}{t.ELLIPSIS}", copy)
    size = _fit(text, font, geometry.body_pt, inner)
    canvas.saveState()
    canvas.setFont(font, size)
    canvas.drawString(x, top - geometry.body_pt, text)
    canvas.setLineWidth(0.5)
    canvas.line(x, top - geometry.body_pt * 1.5, x + inner, top - geometry.body_pt * 1.5)
    canvas.restoreState()


def draw_page_number(canvas: Canvas, geometry: Geometry, *, text: str, width: float) -> None:
    """ "Trang x/y" at the foot of a page of a copy that runs over."""
    canvas.saveState()
    canvas.setFont(geometry.italic_font, MIN_PT)
    canvas.drawRightString(width - geometry.right_mm * mm, geometry.bottom_mm * mm * 0.4, text)
    canvas.restoreState()


def draw_cut_line(canvas: Canvas, *, x: float, height: float) -> None:
    """The dashed line between the two halves of an "A4, two copies" sheet."""
    canvas.saveState()
    canvas.setLineWidth(0.6)
    canvas.setDash(4, 3)
    canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
    canvas.line(x, 3 * mm, x, height - 3 * mm)
    canvas.restoreState()
