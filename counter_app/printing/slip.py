"""Rendering a slip (Mẫu 01, 02, 03) to PDF bytes, for A5, A4 or an 80 mm thermal roll.

Guarantees:

- pure: :func:`render_slip` reads only its argument and the bundled fonts, writes nothing,
  and returns the same bytes for the same input (reportlab ``invariant=1``);
- every copy ("liên") of the template starts on a new page of the one PDF;
- long texts (procedure names, document names, addresses, reasons) wrap, never clip; a slip
  longer than one page continues on the next page (A5/A4) or lengthens the roll (80 mm);
- the barcode (Code 128, ≥ 0.33 mm modules) and the QR (lookup URL) appear only when the
  template asks for them and the slip has a dossier code; on the 80 mm roll the barcode runs
  down the roll because the code does not fit across 72 mm at that module width.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
)

from counter_app import texts
from counter_app.printing import layout
from counter_app.printing.fonts import register_fonts
from counter_app.printing.printer import PaperSize
from counter_app.printing.templates import SlipTemplate

__all__ = ["DocumentRow", "PersonLines", "SlipData", "page_size_mm", "render_slip"]


@dataclass(frozen=True, slots=True)
class PersonLines:
    """An applicant or submitter as printed (all fields already formatted)."""

    name: str
    id_number: str
    address: str
    phone: str


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One row of the documents table: name, how it was handed over, how many."""

    name: str
    form: str
    count: str


@dataclass(frozen=True, slots=True)
class SlipData:
    """Everything printed on a slip, as plain prepared values (see services/slips.py).

    Empty strings mean "not printed": ``code`` and ``lookup_url`` are empty on Mẫu 02/03,
    ``due_note`` when the due date is confirmed, ``reprint`` on a first print.
    """

    template: SlipTemplate
    parent_body: str
    unit_name: str
    place_date: str
    number: str
    code: str
    lookup_url: str
    lookup_base: str
    lookup_key: str
    applicant: PersonLines
    submitter: PersonLines | None
    procedure: str
    documents: tuple[DocumentRow, ...]
    sets: str
    processing_time: str
    received_at: str
    due_at: str
    due_note: str
    return_method: str
    fee: str
    missing: tuple[str, ...]
    reason: str
    officer_name: str
    reprint: str
    demo: bool


def page_size_mm(size: PaperSize) -> tuple[float, float | None]:
    """(width, height) in mm; the thermal roll's height is None (as long as needed)."""
    geometry = layout.GEOMETRIES[size]
    return geometry.width_mm, geometry.height_mm


def render_slip(data: SlipData, *, size: PaperSize) -> bytes:
    """The slip as PDF bytes (one page per copy, more if a copy is long)."""
    register_fonts()
    page = _Page.of(data, PaperSize(size))
    fast = _render_one_page_copies(data, page)
    return fast if fast is not None else _render_flowing(data, page)


@dataclass(frozen=True, slots=True)
class _Page:
    geometry: layout.Geometry
    width: float
    height: float
    top: float

    @classmethod
    def of(cls, data: SlipData, size: PaperSize) -> _Page:
        geometry = layout.GEOMETRIES[size]
        marks = len(layout.mark_lines(demo=data.demo, reprint=data.reprint))
        top = geometry.top_with_marks_mm(marks) * mm
        width = geometry.width_mm * mm
        if geometry.height_mm is not None:
            return cls(geometry, width, geometry.height_mm * mm, top)
        # The roll: as long as one copy, plus a little slack so it never spills over.
        frame_width = width - (geometry.left_mm + geometry.right_mm) * mm
        content = layout.measure(_copy(data, geometry, "x"), frame_width)
        return cls(geometry, width, content + top + (geometry.bottom_mm + 4) * mm, top)

    def frame(self) -> Frame:
        g = self.geometry
        x, bottom = g.left_mm * mm, g.bottom_mm * mm
        width = self.width - (g.left_mm + g.right_mm) * mm
        return Frame(x, bottom, width, self.height - self.top - bottom, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip


def _canvas(buffer: io.BytesIO, data: SlipData, page: _Page) -> Canvas:
    canvas = Canvas(buffer, pagesize=(page.width, page.height), invariant=1)
    canvas.setTitle(data.template.title)
    canvas.setAuthor(data.unit_name)
    canvas.setSubject(data.template.template_id)
    canvas.setCreator(texts.APP_NAME)
    return canvas


def _render_one_page_copies(data: SlipData, page: _Page) -> bytes | None:
    """Lay the copy out once as a PDF form and stamp it on one page per copy.

    Returns None when a copy does not fit on one page (the caller then lets it flow).
    """
    slot = layout.CopyLabel("", page.geometry)
    story = _copy(data, page.geometry, slot)
    buffer = io.BytesIO()
    canvas = _canvas(buffer, data, page)
    canvas.beginForm("copy")
    page.frame().addFromList(story, canvas)
    canvas.endForm()
    if story:
        return None
    for label in data.template.copies:
        layout.draw_page_marks(canvas, page.geometry, demo=data.demo, reprint=data.reprint)
        canvas.doForm("copy")
        slot.stamp(canvas, label)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _render_flowing(data: SlipData, page: _Page) -> bytes:
    """Each copy flows over as many pages as it needs; every copy starts a new page."""
    story: list[Flowable] = []
    for index, label in enumerate(data.template.copies):
        copy = _copy(data, page.geometry, layout.CopyLabel(label, page.geometry))
        story += [PageBreak(), *copy] if index else copy
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(page.width, page.height),
        invariant=1,
        title=data.template.title,
        author=data.unit_name,
        subject=data.template.template_id,
        creator=texts.APP_NAME,
    )

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        layout.draw_page_marks(canvas, page.geometry, demo=data.demo, reprint=data.reprint)

    doc.addPageTemplates([PageTemplate(id="slip", frames=[page.frame()], onPage=on_page)])
    doc.build(story)
    return buffer.getvalue()


def _copy(
    data: SlipData, geometry: layout.Geometry, label: layout.CopyLabel | str
) -> list[Flowable]:
    """The flowables of one copy ("liên") of the slip."""
    styles = layout.styles_for(geometry)
    if isinstance(label, str):
        label = layout.CopyLabel(label, geometry)
    story = layout.header(data, geometry, styles)
    story += layout.title(data.template.title, styles)
    if any(data.template.copies):
        story.append(label)
    for section in data.template.sections:
        story += layout.section(section, data, geometry, styles)
    story += layout.signatures(data, geometry, styles)
    return story
