"""The register of received dossiers (Sổ theo dõi hồ sơ, Mẫu 07 of TT 03/2025) of one year.

Guarantees: one row per dossier received in the year at any counter of the office (the
station holds its colleagues' dossiers by sync), sorted by reception time
(``domain.register_numbers.register_order``). Each row's number is the one minted at its
counter: that station's prefix and its own yearly number (``Dossier.register_label``, e.g.
``15-0042``; 1 on the first reception of the year, restarting on 1 January), unique in the
office even offline. The book (quyển) of each row comes from ``domain.codes.register_position``
of its place in that order — a new book continues the lines. Reads only;
:func:`render_register_pdf` is pure like every renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from counter_app.domain.codes import register_position
from counter_app.domain.digitisation import DigitisationSummary, summarise
from counter_app.domain.dossier import Dossier, EventKind, Status
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.register_numbers import register_order
from counter_app.printing.tables import RegisterBook, RegisterSheet, render_register
from counter_app.services.station import StationContext
from counter_app.texts import digitisation as dt
from counter_app.texts import forms as ft
from counter_app.texts import reports as t
from counter_app.texts import slips as slip_texts


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One line of the register (one-stop-rules §2.7 columns); times in Vietnam time."""

    book: int
    number: int  # the receiving station's own yearly number
    code: str
    procedure: str
    sets: int
    applicant_name: str
    address: str
    phone: str
    received_at: datetime
    due_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    note: str
    digitised: bool = False  # every required component digitised (issue 6)
    paper: bool = True  # received at the counter or by post (counts in the rate)
    label: str = ""  # the register number as printed: station prefix + number ("15-0042")


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(VN_TZ) if value is not None else None


def _note(dossier: Dossier) -> str:
    notes: list[str] = []
    if dossier.channel is Channel.ONLINE:
        notes.append(t.NOTE_ONLINE)
    elif dossier.channel is Channel.POSTAL:
        notes.append(t.NOTE_POSTAL)
    if dossier.supplement_count:
        notes.append(t.note_supplements(dossier.supplement_count))
    if dossier.status is Status.SUPPLEMENT_REQUESTED:
        notes.append(t.NOTE_IN_SUPPLEMENT)
    if dossier.apology_issued and dossier.original_due_at is not None:
        notes.append(t.note_apology(t.short_moment(dossier.original_due_at.astimezone(VN_TZ))))
    if dossier.status is Status.WITHDRAWN:
        notes.append(t.NOTE_WITHDRAWN)
    elif dossier.status is Status.STOPPED:
        expired = dossier.outcome == EventKind.SUPPLEMENT_EXPIRED.value
        notes.append(ft.NOTE_SUPPLEMENT_EXPIRED if expired else t.NOTE_STOPPED)
    elif dossier.outcome == "refused":
        notes.append(t.NOTE_REFUSED_RESULT)
    if dossier.digitised:
        notes.append(dt.NOTE_DIGITISED)
    return "; ".join(notes)


def register_row(dossier: Dossier, *, book_size: int, line: int = 0) -> RegisterRow:
    """The register line of ``dossier``, the ``line``-th of the year's office register (its
    own number when ``line`` is 0)."""
    number = dossier.register_no or 0
    book, _ = register_position(max(line or number, 1), book_size=book_size)
    has_result = dossier.status in (Status.RESOLVED, Status.RETURNED)
    return RegisterRow(
        book=book,
        number=number,
        code=dossier.code or "",
        procedure=dossier.procedure_name,
        sets=dossier.sets,
        applicant_name=dossier.applicant.name,
        address=dossier.applicant.address,
        phone=dossier.applicant.phone or "",
        received_at=dossier.received_at.astimezone(VN_TZ),
        due_at=_local(dossier.due_at),
        result_at=_local(dossier.finished_at) if has_result else None,
        returned_at=_local(dossier.returned_at),
        note=_note(dossier),
        digitised=dossier.digitised,
        paper=dossier.channel is not Channel.ONLINE,
        label=dossier.register_label,
    )


def register_rows(ctx: StationContext, *, year: int, book_size: int) -> list[RegisterRow]:
    """The office's register of the year (every counter), sorted by reception time."""
    dossiers = ctx.store.dossiers.register_of_year(year=year)
    dossiers.sort(key=lambda d: register_order(d.received_at, d.register_prefix, d.register_no))
    return [register_row(d, book_size=book_size, line=line) for line, d in enumerate(dossiers, 1)]


def _when(value: datetime | None) -> str:
    return t.short_moment(value) if value is not None else ""


def _cells(row: RegisterRow) -> tuple[str, ...]:
    return (
        row.label or str(row.number),
        row.code,
        row.procedure,
        f"{row.sets:02d}",
        row.applicant_name,
        row.address,
        row.phone,
        _when(row.received_at),
        _when(row.due_at),
        _when(row.result_at),
        _when(row.returned_at),
        row.note,
    )


def register_sheet(ctx: StationContext, *, year: int, book_size: int) -> RegisterSheet:
    office = ctx.office()
    rows = register_rows(ctx, year=year, book_size=book_size)
    books = tuple(
        RegisterBook(book, tuple(_cells(r) for r in items))
        for book, items in groupby(rows, key=lambda r: r.book)
    )
    now = ctx.clock.now().astimezone(VN_TZ)
    rate = summarise(r.digitised for r in rows if r.paper)
    return RegisterSheet(
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_date=slip_texts.place_date(office.place_name, now),
        year=year,
        books=books,
        demo=office.is_demo,
        summary=dt.register_rate(rate.digitised, rate.counted) if rows else "",
    )


def register_digitisation(ctx: StationContext, *, year: int) -> DigitisationSummary:
    """The year's digitisation rate at this station: of the paper dossiers in the register
    (not online ones), those with every required component digitised."""
    rows = register_rows(ctx, year=year, book_size=0)
    return summarise(r.digitised for r in rows if r.paper)


def render_register_pdf(ctx: StationContext, *, year: int, book_size: int) -> bytes:
    """The register of ``year`` as a PDF on A4 landscape (each book starts a new page)."""
    return render_register(register_sheet(ctx, year=year, book_size=book_size))
