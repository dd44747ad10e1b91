"""Rendering a slip (Mẫu 01, 02, 03) to PDF bytes: A5, A4, "A4, two copies side by side"
(landscape A4 holding two A5 halves, cut along a dashed line) or an 80 mm thermal roll.

Guarantees:

- pure: :func:`render_slip` reads only its argument and the bundled fonts, writes nothing,
  and returns the same bytes for the same input (reportlab ``invariant=1``);
- every copy ("liên") of the template starts on a new page (on A4x2: a new half; Liên 1 on
  the left, Liên 2 on the right of the same sheet when each copy takes one half);
- a copy is laid out on ONE sheet whenever it can be: if it does not fit at the paper's type
  size, tighter variants (``layout.denser``: down to 9 pt, never smaller) are tried first,
  then the same sizes with the papers as one numbered run-on paragraph ("1) title — Bản
  chính, 01; 2) …", every title whole) instead of the table;
- only a copy that still does not fit runs over: each continuation page starts with a
  running header (dossier code, applicant, copy, "tiếp theo") and every page of that copy
  says "Trang x/y"; table rows are never split across pages (a row taller than a whole page
  is the one exception) and the table's header row repeats; the signatures and the QR stay
  one block, on a page that carries the code;
- long texts (procedure names, document names, addresses, reasons) wrap, never clip; the
  80 mm roll is as long as its content;
- the barcode (Code 128, ≥ 0.33 mm modules) and the QR (lookup URL) appear only when the
  template asks for them and the slip has a dossier code; on the 80 mm roll the barcode runs
  down the roll because the code does not fit across 72 mm at that module width, and no
  sentence runs beside it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Table

from counter_app import texts
from counter_app.printing import layout
from counter_app.printing.fonts import register_fonts
from counter_app.printing.printer import PaperSize
from counter_app.printing.templates import Section, SlipTemplate
from counter_app.texts import slips as slip_texts

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
    # The form's legal-basis caption from the dossier's rule set (domain/rules.py); "" keeps
    # the template's own (a test slip, a slip with no dossier).
    legal_basis: str = ""
    # Mẫu 02 during processing: until when the applicant may answer; Mẫu 05: since when the
    # processing stops ("" on the other forms).
    deadline: str = ""
    stopped_at: str = ""

    @property
    def caption(self) -> str:
        return self.legal_basis or self.template.legal_basis


def page_size_mm(size: PaperSize) -> tuple[float, float | None]:
    """(width, height) in mm of one page of the PDF; the thermal roll's height is None (as
    long as needed); A4x2 is a landscape A4 sheet."""
    if PaperSize(size) is PaperSize.A4X2:
        return SHEET_A4X2_MM
    geometry = layout.GEOMETRIES[size]
    return geometry.width_mm, geometry.height_mm


SHEET_A4X2_MM = (297.0, 210.0)


def render_slip(data: SlipData, *, size: PaperSize) -> bytes:
    """The slip as PDF bytes: one page per copy (one half-sheet per copy on A4x2), more only
    for a copy that cannot fit on one sheet even in 9 pt type."""
    register_fonts()
    size = PaperSize(size)
    marks = len(layout.mark_lines(demo=data.demo, reprint=data.reprint))
    variants = layout.denser(layout.GEOMETRIES[size])
    number = 0
    while True:
        variant = variants[number]
        copy = _laid_out(data, variant, marks)
        buffer = io.BytesIO()
        canvas = _canvas(buffer, data, size, copy)
        forms, left = copy.draw_forms(canvas, one_page=number < len(variants) - 1)
        if forms:
            break
        number = _next_variant(copy, left, variants, number)
    halves = [(label, index) for label in data.template.copies for index in range(len(forms))]
    per_sheet = 2 if size is PaperSize.A4X2 else 1
    for first in range(0, len(halves), per_sheet):
        for slot, (label, index) in enumerate(halves[first : first + per_sheet]):
            canvas.saveState()
            canvas.translate(slot * copy.width, 0)
            copy.draw_page(canvas, data, forms[index], index=index, label=label)
            canvas.restoreState()
        if per_sheet == 2:
            layout.draw_cut_line(canvas, x=copy.width, height=canvas._pagesize[1])
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _next_variant(
    copy: _LaidOut, left: list[Flowable], variants: list[layout.Geometry], number: int
) -> int:
    """The next variant worth trying after ``variants[number]`` overflowed by ``left``: the
    next smaller type of the same kind (table, then run-on papers), or that kind's densest at
    once when even a quadratic shrink of the type could not make the copy fit; after the
    densest, the next kind (the last variant, the 9 pt table that runs over, comes after
    both)."""
    current = variants[number]
    last = max(i for i, v in enumerate(variants[:-1]) if v.papers_run_on == current.papers_run_on)
    available = copy.body_height(0)
    needed = available + layout.measure(left, layout.frame_width(copy.geometry))
    shrink = (variants[last].body_pt / current.body_pt) ** 2
    if number < last and needed * shrink <= available:
        return number + 1
    return last if number < last else last + 1


def _canvas(buffer: io.BytesIO, data: SlipData, size: PaperSize, copy: _LaidOut) -> Canvas:
    width, height = page_size_mm(size)
    page = (width * mm, height * mm if height is not None else copy.height)
    canvas = Canvas(buffer, pagesize=page, invariant=1)
    canvas.setTitle(data.template.title)
    canvas.setAuthor(data.unit_name)
    canvas.setSubject(data.template.template_id)
    canvas.setCreator(texts.APP_NAME)
    return canvas


@dataclass(slots=True)
class _LaidOut:
    """One copy laid out once, label-free: its geometry, page box, story and the slot where
    each copy's label is stamped."""

    geometry: layout.Geometry
    width: float
    height: float
    top: float
    story: list[Flowable]
    slot: layout.CopyLabel
    pages: int = 1

    def body_height(self, index: int) -> float:
        """The frame height of page ``index`` (a continuation keeps a band for its header)."""
        band = layout.continuation_band(self.geometry) if index else 0.0
        return float(self.height - self.top - band - self.geometry.bottom_mm * mm)

    def frame(self, index: int) -> Frame:
        g = self.geometry
        bottom = g.bottom_mm * mm
        return Frame(g.left_mm * mm, bottom, layout.frame_width(g), self.body_height(index),
                     id=f"page{index}", leftPadding=0, rightPadding=0, topPadding=0,
                     bottomPadding=0)  # fmt: skip

    def draw_forms(self, canvas: Canvas, *, one_page: bool) -> tuple[list[str], list[Flowable]]:
        """Draw the copy into PDF forms, one per page: (their names, []). With ``one_page``,
        ([], what did not fit) when the copy does not fit on one page (the canvas is then
        spoilt)."""
        story, names = list(self.story), list[str]()
        while story or not names:
            name = f"copy-page-{len(names) + 1}"
            canvas.beginForm(name, 0, 0, self.width, self.height)
            _fill(self.frame(len(names)), story, canvas)
            canvas.endForm()
            names.append(name)
            if story and one_page:
                return [], story
        self.pages = len(names)
        return names, []

    def draw_page(
        self, canvas: Canvas, data: SlipData, form: str, *, index: int, label: str
    ) -> None:
        """One page (or half-sheet) of one copy: marks, the laid-out form, the copy's label
        (first page) or the running header (continuation), "Trang x/y" when it runs over."""
        g, box = self.geometry, (self.width, self.height)
        layout.draw_page_marks(canvas, g, demo=data.demo, reprint=data.reprint, box=box)
        canvas.doForm(form)
        if index == 0:
            self.slot.stamp(canvas, label)
        else:
            parts = (data.code or data.template.title, data.applicant.name, label)
            layout.draw_continuation(
                canvas, g, top=self.height - self.top, parts=parts, width=self.width
            )
        pages = self.pages
        if pages > 1:
            layout.draw_page_number(
                canvas, g, text=slip_texts.page_of(index + 1, pages), width=self.width
            )


def _laid_out(data: SlipData, geometry: layout.Geometry, marks: int) -> _LaidOut:
    """One copy's story in ``geometry``; on the roll, a page exactly as long as the copy."""
    slot = layout.CopyLabel("", geometry)
    story = _copy(data, geometry, slot)
    top = geometry.top_with_marks_mm(marks) * mm
    if geometry.height_mm is not None:
        height = geometry.height_mm * mm
    else:  # the roll: as long as the copy, plus a little slack so it never spills over
        needed = layout.measure(story, layout.frame_width(geometry))
        height = needed + top + (geometry.bottom_mm + 4) * mm
    return _LaidOut(geometry, geometry.width_mm * mm, height, top, story, slot)


def _fill(frame: Frame, story: list[Flowable], canvas: Canvas) -> None:
    """Move flowables from the head of ``story`` into ``frame`` until it is full, splitting
    what splits (tables, at row boundaries only). A flowable too tall for an empty frame is
    split anyway (a table inside its rows) or, failing that, drawn clipped: never a loop."""
    placed = False
    while story:
        head = story[0]
        if frame.add(head, canvas, trySplit=1):
            story.pop(0)
            placed = True
            continue
        parts = frame.split(head, canvas)
        if not parts and not placed and isinstance(head, Table):
            head.splitInRow = 1  # one row taller than a whole page: split inside it
            parts = frame.split(head, canvas)
        if len(parts) > 1 and frame.add(parts[0], canvas, trySplit=1):
            story[0:1] = parts[1:]
            placed = True
            continue
        if not placed:
            story.pop(0)
            _, height = head.wrapOn(canvas, frame._width, frame._height)
            head.drawOn(canvas, frame._x, frame._y - height)
        return


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
    after: list[Flowable] | None = None  # what follows the documents, kept with the signers
    for section in data.template.sections:
        flowables = layout.section(section, data, geometry, styles)
        if after is None:
            story += flowables
        else:
            after += flowables
        if section is Section.DOCUMENTS:
            after = []
    block = [*(after or []), *layout.signatures(data, geometry, styles)]
    return [*story, layout.KeptTogether(block)]
