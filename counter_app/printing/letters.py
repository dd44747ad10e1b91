"""Forms issued after reception: Mẫu 04 (apology letter and new return date) and Mẫu 06
(control sheet of the processing), rendered to PDF bytes on A5 or A4.

Same guarantees as ``slip.py``: pure (the same data give the same bytes, reportlab
``invariant=1``), bundled fonts embedded, the administrative header of ``layout.header_block``,
DEMO and reprint marks on every page; long texts wrap and a long control table continues on
the next page with its header row repeated. The service prepares every value as text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from counter_app import texts
from counter_app.printing import layout
from counter_app.printing.barcode import Code128Bars
from counter_app.printing.fonts import register_fonts
from counter_app.printing.printer import PaperSize
from counter_app.printing.slip import PersonLines
from counter_app.printing.templates import SlipTemplate
from counter_app.texts import slips as t

__all__ = [
    "LETTER_SIZES",
    "ApologyData",
    "ControlRow",
    "ControlSheetData",
    "render_apology",
    "render_control_sheet",
]

LETTER_SIZES = (PaperSize.A5, PaperSize.A4)


@dataclass(frozen=True, slots=True)
class ApologyData:
    """Mẫu 04 as printed: every value already formatted (see services/slips.py)."""

    template: SlipTemplate
    parent_body: str
    unit_name: str
    place_date: str
    number: str
    applicant: PersonLines
    received_sentence: str
    original_due: str
    reason: str
    new_due: str
    return_place: str
    reprint: str
    demo: bool
    legal_basis: str = ""  # the dossier's rule-set caption ("": the template's)

    @property
    def caption(self) -> str:
        return self.legal_basis or self.template.legal_basis


@dataclass(frozen=True, slots=True)
class ControlRow:
    """One hand-over (or hand-back, or result) of the dossier between two bodies."""

    giver: str
    taker: str
    time: str
    giver_name: str
    taker_name: str
    outcome: str
    note: str


@dataclass(frozen=True, slots=True)
class ControlSheetData:
    """Mẫu 06 as printed; ``blank_rows`` empty rows follow for hand-written steps."""

    template: SlipTemplate
    parent_body: str
    unit_name: str
    place_date: str
    number: str
    code: str
    applicant: PersonLines
    procedure: str
    received_at: str
    due_at: str
    deciding_body: str
    rows: tuple[ControlRow, ...]
    blank_rows: int
    reprint: str
    demo: bool
    legal_basis: str = ""  # the dossier's rule-set caption ("": the template's)

    @property
    def caption(self) -> str:
        return self.legal_basis or self.template.legal_basis


def _geometry(size: PaperSize) -> layout.Geometry:
    size = PaperSize(size)
    if size not in LETTER_SIZES:
        raise ValueError(f"letters are printed on A5 or A4, not {size.value}")
    return layout.GEOMETRIES[size]


def _build(
    story: list[Flowable],
    *,
    geometry: layout.Geometry,
    title: str,
    subject: str,
    author: str,
    demo: bool,
    reprint: str,
) -> bytes:
    marks = len(layout.mark_lines(demo=demo, reprint=reprint))
    width, height = geometry.width_mm * mm, (geometry.height_mm or 0) * mm
    top = geometry.top_with_marks_mm(marks) * mm
    bottom = geometry.bottom_mm * mm
    frame = Frame(
        geometry.left_mm * mm, bottom, width - (geometry.left_mm + geometry.right_mm) * mm,
        height - top - bottom, id="body", leftPadding=0, rightPadding=0, topPadding=0,
        bottomPadding=0,
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
        layout.draw_page_marks(canvas, geometry, demo=demo, reprint=reprint)

    doc.addPageTemplates([PageTemplate(id="letter", frames=[frame], onPage=on_page)])
    doc.build(story)
    return buffer.getvalue()


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _field(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b> {escape(value)}", style)


def _frame_width(geometry: layout.Geometry) -> float:
    return float((geometry.width_mm - geometry.left_mm - geometry.right_mm) * mm)


_PLAIN = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


def _balanced_title(text: str, geometry: layout.Geometry, styles: layout.Styles) -> Paragraph:
    """The title on one line when it fits, else broken into two lines of similar length
    (never a lone last word)."""
    style = styles["title"]
    width = _frame_width(geometry)
    if stringWidth(text, style.fontName, style.fontSize) <= width:
        return _p(escape(text), style)
    words = text.split()
    best = min(
        range(1, len(words)),
        key=lambda i: abs(
            stringWidth(" ".join(words[:i]), style.fontName, style.fontSize)
            - stringWidth(" ".join(words[i:]), style.fontName, style.fontSize)
        ),
    )
    lines = (escape(" ".join(words[:best])), escape(" ".join(words[best:])))
    return _p("<br/>".join(lines), style)


# --- Mẫu 04 -------------------------------------------------------------------------------------


def render_apology(data: ApologyData, *, size: PaperSize) -> bytes:
    """Mẫu 04 as PDF bytes: header with the "V/v" line, Kính gửi, the facts, the reason, the
    apology, the new return time, Trân trọng, Nơi nhận and the head of unit's signature."""
    register_fonts()
    geometry = _geometry(size)
    styles = layout.styles_for(geometry)
    body = ParagraphStyle(
        "letter", styles["just"], firstLineIndent=geometry.body_pt * 1.5, spaceBefore=2
    )
    story = layout.header_block(
        legal_basis=data.caption,
        parent_body=data.parent_body,
        unit_name=data.unit_name,
        number=data.number,
        place_date=data.place_date,
        geometry=geometry,
        styles=styles,
        left_extra=(t.APOLOGY_SUBJECT,),
    )
    story.append(_balanced_title(data.template.title, geometry, styles))
    story.append(Spacer(1, geometry.body_pt * 0.8))
    dear = f"{escape(t.LABEL_DEAR)} <b>{escape(data.applicant.name)}</b>"
    story.append(_p(dear, styles["centre"]))
    contact = t.contact_line(data.applicant.address, data.applicant.phone)
    if contact:
        story.append(_p(escape(contact), styles["centre"]))
    story.append(Spacer(1, geometry.body_pt * 0.6))
    story += [
        _p(escape(data.received_sentence), body),
        _p(escape(data.original_due), body),
        _p(escape(t.APOLOGY_LATE), body),
        _p(f"<b>{escape(t.LABEL_DELAY_REASON)}</b> {escape(data.reason)}", body),
        _p(escape(t.apology_sorry(data.unit_name)), body),
        _p(f"<b>{escape(t.LABEL_NEW_DUE)} {escape(data.new_due)}</b>", body),
        _p(f"<b>{escape(t.LABEL_RETURN_PLACE)}</b> {escape(data.return_place)}", body),
        _p(escape(t.APOLOGY_UNDERSTANDING), body),
        _p(escape(t.REGARDS), body),
        Spacer(1, geometry.body_pt * 0.6),
    ]
    note = styles["note"]
    recipients = [_p(f"<b><i>{escape(t.LABEL_RECIPIENTS)}</i></b>", note)]
    recipients += [_p(escape(line), note) for line in t.RECIPIENTS]
    sign = styles["sign"]
    signer = [
        _p(f"<b>{escape(data.template.signatures[0])}</b>", sign),
        _p(f"<i>{escape(t.SIGN_HEAD_NOTE)}</i>", sign),
        Spacer(1, geometry.sign_space_mm * mm * 1.3),
    ]
    width = _frame_width(geometry)
    table = Table([[recipients, signer]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(_PLAIN)
    story.append(table)
    return _build(
        story,
        geometry=geometry,
        title=data.template.title,
        subject=data.template.template_id,
        author=data.unit_name,
        demo=data.demo,
        reprint=data.reprint,
    )


# --- Mẫu 06 -------------------------------------------------------------------------------------


def render_control_sheet(data: ControlSheetData, *, size: PaperSize) -> bytes:
    """Mẫu 06 as PDF bytes: the dossier's identity and times, then one table row per
    hand-over with both signature spaces, the outcome and a note; then blank rows."""
    register_fonts()
    geometry = _geometry(size)
    styles = layout.styles_for(geometry)
    body = styles["body"]
    story = layout.header_block(
        legal_basis=data.caption,
        parent_body=data.parent_body,
        unit_name=data.unit_name,
        number=data.number,
        place_date=data.place_date,
        geometry=geometry,
        styles=styles,
    )
    story += layout.title(data.template.title, styles)
    if data.code and data.template.barcode:
        bars = Code128Bars(data.code, height_mm=geometry.barcode_mm * 0.8, vertical=False)
        bars.hAlign = "CENTER"
        story += [Spacer(1, geometry.body_pt * 0.4), bars]
    story.append(_p(f"{escape(t.LABEL_CODE)} <b>{escape(data.code)}</b>", styles["centre"]))
    story.append(Spacer(1, geometry.body_pt * 0.4))
    person = data.applicant
    story.append(_p(f"<b>{escape(t.LABEL_ATTACHED_TO)} {escape(person.name)}</b>", body))
    contact = t.contact_line(person.address, person.phone)
    if contact:
        story.append(_p(escape(contact), body))
    story += [
        _field(t.LABEL_PROCEDURE, data.procedure, body),
        _field(t.LABEL_RECEIVED.split(" ", 1)[1], data.received_at, body),
        _field(t.LABEL_DUE.split(" ", 1)[1], data.due_at, body),
        _field(t.LABEL_DECIDING_BODY, data.deciding_body or t.BLANK_LINE, body),
        _field(t.LABEL_COOPERATING, t.BLANK_LINE, body),
        Spacer(1, geometry.body_pt * 0.5),
        _control_table(data, geometry, styles),
    ]
    return _build(
        story,
        geometry=geometry,
        title=data.template.title,
        subject=data.template.template_id,
        author=data.unit_name,
        demo=data.demo,
        reprint=data.reprint,
    )


def _control_table(
    data: ControlSheetData, geometry: layout.Geometry, styles: layout.Styles
) -> Table:
    cell, centre = styles["cell"], styles["cell-c"]
    small = ParagraphStyle(
        "cell-small", centre, fontSize=centre.fontSize * 0.9, leading=centre.leading * 0.95
    )
    width = _frame_width(geometry)
    shares = (0.27, 0.36, 0.19, 0.18)
    widths = [width * s for s in shares]
    head = [
        _p(f"<b>{escape(h)}</b>", small)
        for h in (t.COLUMN_BODY, t.COLUMN_HANDOVER_TIME, t.COLUMN_OUTCOME, t.COLUMN_NOTE)
    ]
    sign_space = geometry.sign_space_mm * mm * 0.55

    def signatures(giver: str, taker: str) -> Table:
        inner = Table(
            [
                [_p(f"<i>{escape(t.SIGN_GIVER)}</i>", small),
                 _p(f"<i>{escape(t.SIGN_TAKER)}</i>", small)],
                [Spacer(1, sign_space), Spacer(1, sign_space)],
                [_p(escape(giver), small), _p(escape(taker), small)],
            ],
            colWidths=[widths[1] / 2 - 3, widths[1] / 2 - 3],
        )  # fmt: skip
        inner.setStyle(_PLAIN)
        return inner

    def bodies(giver: str, taker: str) -> list[Paragraph]:
        return [
            _p(f"<b>{escape(t.HANDOVER_GIVE)}</b> {escape(giver)}", cell),
            _p(f"<b>{escape(t.HANDOVER_TAKE)}</b> {escape(taker)}", cell),
        ]

    rows: list[list[object]] = [list(head)]
    for row in data.rows:
        rows.append(
            [
                bodies(row.giver, row.taker),
                [_p(escape(row.time), small), signatures(row.giver_name, row.taker_name)],
                _p(escape(row.outcome), centre),
                _p(escape(row.note), cell),
            ]
        )
    for _ in range(data.blank_rows):
        rows.append([bodies("", ""), [_p("", small), signatures("", "")], "", ""])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_ruled())
    return table


def _ruled(extra: Sequence[tuple[object, ...]] = ()) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *extra,
        ]
    )
