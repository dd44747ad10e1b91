"""Page geometry, styles and the drawing of each slip section (used by ``slip.py``).

One :class:`Geometry` per paper size. A5 and A4 use the two-column administrative header and
a documents table; the 80 mm roll uses one centred column, a numbered list instead of the
table, a larger code text, and the barcode running down the roll beside the QR.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
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
from counter_app.texts import slips as t

if TYPE_CHECKING:
    from counter_app.printing.slip import PersonLines, SlipData

MARK_LINE_MM = 4.5


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

    def top_with_marks_mm(self, marks: int) -> float:
        """The top margin once ``marks`` marker lines (DEMO, reprint) are printed above it."""
        return self.top_mm + marks * MARK_LINE_MM


_SERIF_FACES = {"font": SERIF, "bold_font": SERIF_BOLD, "italic_font": SERIF_ITALIC}
GEOMETRIES: dict[PaperSize, Geometry] = {
    PaperSize.A5: Geometry(
        width_mm=148, height_mm=210, left_mm=13, right_mm=10, top_mm=8, bottom_mm=8,
        **_SERIF_FACES, body_pt=9.5, header_pt=9, title_pt=12, code_pt=11,
        barcode_mm=8, qr_mm=22, sign_space_mm=12, thermal=False,
    ),
    PaperSize.A4: Geometry(
        width_mm=210, height_mm=297, left_mm=25, right_mm=15, top_mm=12, bottom_mm=12,
        **_SERIF_FACES, body_pt=12.5, header_pt=12, title_pt=14, code_pt=13,
        barcode_mm=12, qr_mm=28, sign_space_mm=22, thermal=False,
    ),
    # Thermal roll: 72 mm printable; sans-serif reads better on thermal paper.
    PaperSize.THERMAL_80MM: Geometry(
        width_mm=80, height_mm=None, left_mm=4, right_mm=4, top_mm=3, bottom_mm=6,
        font=SANS, bold_font=SANS_BOLD, italic_font=SANS, body_pt=8.5, header_pt=8,
        title_pt=10.5, code_pt=12, barcode_mm=15, qr_mm=40, sign_space_mm=14, thermal=True,
    ),
}  # fmt: skip


Styles = dict[str, ParagraphStyle]


@functools.cache
def styles_for(geometry: Geometry) -> Styles:
    """Paragraph styles of a layout (cached: styles are immutable once made)."""
    size, font = geometry.body_pt, geometry.font
    base = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.18)
    centred = "thermal" if geometry.thermal else "paper"
    return {
        "body": ParagraphStyle("body", base, alignment=TA_LEFT, spaceBefore=size * 0.06),
        "just": ParagraphStyle(
            "just", base, alignment=TA_LEFT if geometry.thermal else TA_JUSTIFY
        ),
        "left": ParagraphStyle("left", base, alignment=TA_LEFT),
        "indent": ParagraphStyle("indent", base, leftIndent=size, alignment=TA_LEFT),
        "centre": ParagraphStyle("centre", base, alignment=TA_CENTER),
        "small": ParagraphStyle(
            f"small-{centred}",
            base,
            fontSize=size * 0.8,
            leading=size,
            alignment=TA_CENTER if geometry.thermal else TA_RIGHT,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=size * 0.92, leading=size * 1.1),
        "cell-c": ParagraphStyle(
            "cell-c", base, fontSize=size * 0.92, leading=size * 1.1, alignment=TA_CENTER
        ),
        "head": ParagraphStyle(
            "head", base, fontSize=geometry.header_pt, leading=geometry.header_pt * 1.2,
            alignment=TA_CENTER,
        ),
        "title": ParagraphStyle(
            "title", base, fontName=geometry.bold_font, fontSize=geometry.title_pt,
            leading=geometry.title_pt * 1.2, alignment=TA_CENTER, spaceBefore=size * 0.5,
        ),
        "code": ParagraphStyle(
            "code", base, fontName=geometry.bold_font, fontSize=geometry.code_pt,
            leading=geometry.code_pt * 1.25, alignment=TA_CENTER,
        ),
        "sign": ParagraphStyle("sign", base, alignment=TA_CENTER, leading=size * 1.15),
        "head-small": ParagraphStyle(
            "head-small", base, fontSize=geometry.header_pt * 0.85,
            leading=geometry.header_pt * 1.05, alignment=TA_CENTER,
        ),
        "note": ParagraphStyle("note", base, fontSize=size * 0.85, leading=size * 1.0),
    }  # fmt: skip


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _field(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b> {escape(value)}", style)


def _gap(geometry: Geometry, factor: float = 0.5) -> Spacer:
    return Spacer(1, geometry.body_pt * factor)


# --- Header and title ---------------------------------------------------------------------------


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest size ≤ ``size`` at which ``text`` fits in ``width`` on one line."""
    needed = stringWidth(text, font, size)
    return size if needed <= width else size * width / needed * 0.98


def header(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """Legal-basis caption, then issuing body (left) and national motto (right)."""
    return header_block(
        legal_basis=data.template.legal_basis,
        parent_body=data.parent_body,
        unit_name=data.unit_name,
        number=data.number,
        place_date=data.place_date,
        geometry=geometry,
        styles=styles,
    )


def header_block(
    *,
    legal_basis: str,
    parent_body: str,
    unit_name: str,
    number: str,
    place_date: str,
    geometry: Geometry,
    styles: Styles,
    width: float | None = None,
    left_extra: Sequence[str] = (),
) -> list[Flowable]:
    """The administrative header of any form: caption, issuing body and "Số" line on the left
    (plus ``left_extra`` lines, e.g. a letter's "V/v" subject), national motto on the right.
    ``width`` defaults to the geometry's frame width (pass it for landscape pages)."""
    head = styles["head"]
    caption = _p(f"<i>{escape(legal_basis)}</i>", styles["small"])
    if width is None:
        width = (geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm
    left = [
        _p(escape(parent_body), head),
        _p(f"<b><u>{escape(unit_name)}</u></b>", head),
        _p(escape(number or t.NUMBER_BLANK), head),
        *(_p(f"<i>{escape(line)}</i>", styles["head-small"]) for line in left_extra),
    ]
    right_share = 0.58 if width < 200 * mm else 0.5
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


def _code(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    if not (data.template.barcode and data.code):
        return []
    code_text = _p(escape(data.code), styles["code"])
    if geometry.thermal:
        return [_gap(geometry), _p(escape(t.LABEL_CODE), styles["centre"]), code_text,
                _gap(geometry, 0.4), *_thermal_symbols(data, geometry, styles)]  # fmt: skip
    bars = Code128Bars(data.code, height_mm=geometry.barcode_mm, vertical=False)
    bars.hAlign = "CENTER"
    return [_gap(geometry, 0.5), bars, code_text]


def _thermal_symbols(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """The roll's code block: barcode down the left, QR and lookup key on the right."""
    bars = Code128Bars(data.code, height_mm=geometry.barcode_mm, vertical=True)
    right: list[Flowable] = []
    after: list[Flowable] = []
    if data.template.qr and data.lookup_url:
        qr = QrSquares(data.lookup_url, size_mm=geometry.qr_mm)
        qr.hAlign = "CENTER"
        right = [qr, _lookup_key(data, styles), _gap(geometry, 0.6),
                 _p(f"<i>{escape(t.FOOTER_RECEIPT)}</i>", styles["centre"])]  # fmt: skip
        after = [_p(escape(data.lookup_base), styles["centre"])]
    width = (geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm
    left_width = geometry.barcode_mm * mm + 3 * mm
    table = Table([[bars, right]], colWidths=[left_width, width - left_width])
    table.setStyle(TableStyle([*_PLAIN.getCommands(), ("VALIGN", (1, 0), (1, 0), "MIDDLE")]))
    return [table, *after, _gap(geometry, 0.6)]


def _lookup_key(data: SlipData, styles: Styles, *, size: float | None = None) -> Paragraph:
    code = styles["code"]
    size = size or code.fontSize
    style = ParagraphStyle(
        f"key-{size}", code, fontName=styles["body"].fontName, fontSize=size, leading=size * 1.3
    )
    return _p(f"{escape(t.LABEL_LOOKUP_KEY)} <b>{escape(data.lookup_key)}</b>", style)


def _unit(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    return [_gap(geometry, 0.5), _field(t.LABEL_UNIT, data.unit_name, styles["body"])]


def _nobreak(label: str) -> str:
    return escape(label).replace(" ", "&nbsp;")


def _person(
    label: str, person: PersonLines, styles: Styles, *, same_address_as: str = ""
) -> list[Flowable]:
    body = styles["body"]
    ids = f"<b>{_nobreak(t.LABEL_ID_NUMBER)}</b> {escape(person.id_number)}"
    if person.phone:
        ids += f"&nbsp;&nbsp;&nbsp; <b>{_nobreak(t.LABEL_PHONE)}</b>&nbsp;{escape(person.phone)}"
    out: list[Flowable] = [_p(f"<b>{escape(label)} {escape(person.name)}</b>", body), _p(ids, body)]
    if person.address and person.address != same_address_as:
        out.append(_field(t.LABEL_ADDRESS, person.address, body))
    return out


def _applicant(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    return _person(t.LABEL_APPLICANT, data.applicant, styles)


def _submitter(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    if data.submitter is None:
        return []
    return _person(
        t.LABEL_SUBMITTER, data.submitter, styles, same_address_as=data.applicant.address
    )


def _procedure(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    return [_field(t.LABEL_PROCEDURE, data.procedure, styles["body"])]


def _documents(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    label = _p(f"<b>{escape(t.LABEL_DOCUMENTS)}</b>", styles["left"])
    if not data.documents:
        return [label, _p(escape(t.NOTHING), styles["indent"])]
    if geometry.thermal:
        items = [
            _p(f"{i}. {escape(d.name)} <i>({escape(d.form)}: {escape(d.count)})</i>",
               styles["indent"])
            for i, d in enumerate(data.documents, 1)
        ]  # fmt: skip
        return [label, *items]
    header_row = [t.COLUMN_NO, t.COLUMN_DOCUMENT, t.COLUMN_FORM, t.COLUMN_COUNT]
    rows = [[str(i), d.name, d.form, d.count] for i, d in enumerate(data.documents, 1)]
    widths = (0.07, 0.63, 0.18, 0.12)
    return [label, _gap(geometry, 0.2), grid(header_row, rows, widths, geometry, styles)]


def grid(
    header_row: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    geometry: Geometry,
    styles: Styles,
) -> Table:
    """A ruled table whose cells wrap; the header row repeats on a new page."""
    cell, centre = styles["cell"], styles["cell-c"]
    head = [_p(f"<b>{escape(h)}</b>", centre) for h in header_row]
    body = [[_p(escape(v), cell if j == 1 else centre) for j, v in enumerate(row)] for row in rows]
    width = (geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm
    table = Table([head, *body], colWidths=[width * w for w in widths], repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _simple(label: str, attr: str) -> Callable[[SlipData, Geometry, Styles], list[Flowable]]:
    def build(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
        return [_field(label, str(getattr(data, attr)), styles["body"])]

    return build


def _due(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    out: list[Flowable] = [_field(t.LABEL_DUE, data.due_at, styles["body"])]
    if data.due_note:
        out.append(_p(f"<i>{escape(data.due_note)}</i>", styles["indent"]))
    return out


def _missing(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    body = styles["body"]
    out: list[Flowable] = [_gap(geometry), _p(f"<b>{escape(t.SUPPLEMENT_INTRO)}</b>", body)]
    if geometry.thermal:
        out += [_p(f"{i}. {escape(m)}", styles["indent"]) for i, m in enumerate(data.missing, 1)]
    else:
        rows = [[str(i), m] for i, m in enumerate(data.missing, 1)]
        out += [_gap(geometry, 0.2), grid([t.COLUMN_NO, t.COLUMN_MISSING], rows,
                                          (0.08, 0.92), geometry, styles)]  # fmt: skip
    out += [_gap(geometry, 0.4), _field(t.LABEL_REASON, data.reason, body),
            _p(f"<i>{escape(t.SUPPLEMENT_GUIDANCE)}</i>", styles["just"])]  # fmt: skip
    return out


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
    Section.DUE_AT: _due,
    Section.RETURN_METHOD: _simple(t.LABEL_RETURN, "return_method"),
    Section.FEE: _simple(t.LABEL_FEE, "fee"),
    Section.MISSING: _missing,
    Section.REFUSAL: _refusal,
    Section.LOOKUP: _none,
}


# --- Signatures, lookup block, page marks -------------------------------------------------------


def signatures(data: SlipData, geometry: Geometry, styles: Styles) -> list[Flowable]:
    """One column per signer (the officer's printed name under the space); on A5/A4 the
    receipt's QR and lookup key take a column on the left, the footer line follows."""
    style = _sign_style(data, geometry, styles)
    cells: list[list[Flowable]] = []
    for signer in data.template.signatures:
        name = "" if signer == t.SIGN_APPLICANT else data.officer_name
        cells.append(
            [
                _p(f"<b>{escape(signer)}</b>", style),
                _p(f"<i>{escape(t.SIGN_NOTE)}</i>", style),
                Spacer(1, geometry.sign_space_mm * mm),
                _p(f"<b>{escape(name)}</b>", style),
            ]
        )
    width = (geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm
    with_qr = data.template.qr and bool(data.lookup_url) and not geometry.thermal
    lead = 0.0
    if with_qr:
        qr = QrSquares(data.lookup_url, size_mm=geometry.qr_mm)
        qr.hAlign = "CENTER"
        cells.insert(0, [qr, _lookup_key(data, styles, size=geometry.body_pt)])
        lead = qr.size + 3 * mm
    elif len(cells) == 1:
        cells.insert(0, [])
        lead = width / 2
    rest = (width - lead) / max(len(cells) - (1 if lead else 0), 1)
    widths = ([lead] if lead else []) + [rest] * (len(cells) - (1 if lead else 0))
    table = Table([cells], colWidths=widths)
    table.setStyle(_PLAIN)
    out: list[Flowable] = [_gap(geometry, 0.8), table]
    if with_qr:
        footer = f"<i>{escape(t.FOOTER_RECEIPT)}</i> {escape(data.lookup_base)}"
        out += [_gap(geometry, 0.4), _p(footer, styles["note"])]
    return out


def _sign_style(data: SlipData, geometry: Geometry, styles: Styles) -> ParagraphStyle:
    """The signature style, shrunk on the roll so each signer's title stays on one line."""
    style = styles["sign"]
    if not geometry.thermal:
        return style
    width = (geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm
    column = width / max(len(data.template.signatures), 2) - 2
    size = min(
        _fit(s, geometry.bold_font, style.fontSize, column) for s in data.template.signatures
    )
    return ParagraphStyle(f"sign-{size:.2f}", style, fontSize=size, leading=size * 1.2)


def mark_lines(*, demo: bool, reprint: str) -> list[str]:
    return [m for m in ((t.DEMO_MARK if demo else ""), reprint) if m]


def draw_page_marks(canvas: Canvas, geometry: Geometry, *, demo: bool, reprint: str) -> None:
    """On every page: a faint DEMO watermark, and the DEMO / reprint lines at the very top."""
    width, height = canvas._pagesize
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
    canvas.setFont(geometry.bold_font, geometry.body_pt * 0.9)
    y = height - 5 * mm
    for line in mark_lines(demo=demo, reprint=reprint):
        canvas.drawCentredString(width / 2, y, line)
        y -= MARK_LINE_MM * mm
    canvas.restoreState()


def measure(story: Sequence[Flowable], width: float) -> float:
    """The height the flowables take in a frame ``width`` wide (for the roll's length)."""
    canvas = Canvas(io.BytesIO())
    total = 0.0
    for flowable in story:
        _, height = flowable.wrapOn(canvas, width, 1e7)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total
