"""Slips of a dossier: which forms it has, their printable data, rendering, and issuing.

Guarantees:

- a dossier only gets the forms of its state (:func:`allowed_forms`); asking another raises
  ``SLIP_NOT_AVAILABLE`` and nothing is written;
- :func:`render` is pure (reads the store, writes nothing);
- :func:`issue_slip` archives the PDF durably (temp file, fsync, rename) under
  ``<data_dir>/slips/<yyyy>/<mm>/`` before the database records it, then records the print,
  the ``slip_printed`` event (queued for sync) and the audit entry in ONE transaction. Every
  print is kept; a later print of the same form is a reprint and is marked so on paper.
- Sending the archived file to a printer is the caller's job, afterwards: a printer failure
  never loses the dossier or the archived slip.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from counter_app.domain.changes import Changes
from counter_app.domain.dossier import Dossier, EventKind, Status, apply_event
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Applicant, Office
from counter_app.printing import templates
from counter_app.printing.printer import PaperSize, write_durably
from counter_app.printing.qr import lookup_url
from counter_app.printing.slip import DocumentRow, PersonLines, SlipData, render_slip
from counter_app.services.station import StationContext
from counter_app.storage.repositories import PrintRecord
from counter_app.texts import describe_time
from counter_app.texts import slips as t

SLIP_DIR = "slips"


class SlipForm(StrEnum):
    RECEIPT = "receipt"  # Mẫu 01
    SUPPLEMENT = "supplement"  # Mẫu 02
    REFUSAL = "refusal"  # Mẫu 03

    @classmethod
    def parse(cls, value: str) -> SlipForm:
        """The form named ``value`` (case and spaces ignored) or SLIP_FORM_INVALID."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise DomainError(ErrorCode.SLIP_FORM_INVALID, value=value) from None


TEMPLATE_OF = {
    SlipForm.RECEIPT: templates.RECEIPT,
    SlipForm.SUPPLEMENT: templates.SUPPLEMENT,
    SlipForm.REFUSAL: templates.REFUSAL,
}
# A receipt is printed while the dossier is being processed and until its result is
# collected (the citizen brings the slip to collect it); not after it is closed.
_RECEIPT_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
        Status.RESOLVED,
    }
)


def allowed_forms(dossier: Dossier) -> tuple[SlipForm, ...]:
    """The slips this dossier can have now: receipt, supplement request or refusal."""
    if dossier.status is Status.GUIDED:
        return (SlipForm.SUPPLEMENT,)
    if dossier.status is Status.REFUSED:
        return (SlipForm.REFUSAL,)
    if dossier.status in _RECEIPT_STATUSES and dossier.code:
        return (SlipForm.RECEIPT,)
    return ()


def _check_allowed(dossier: Dossier, form: SlipForm) -> None:
    if form not in allowed_forms(dossier):
        raise DomainError(ErrorCode.SLIP_NOT_AVAILABLE, code=dossier.code or dossier.uuid)


def _person(person: Applicant) -> PersonLines:
    return PersonLines(
        name=person.name,
        id_number=person.id_number,
        address=person.address,
        phone=person.phone or "",
    )


def _officer_name(ctx: StationContext, username: str) -> str:
    found = ctx.store.officers.get(username)
    return found[0].full_name if found else username


def _documents(dossier: Dossier) -> tuple[DocumentRow, ...]:
    handed = [d for d in dossier.documents if d.received] or list(dossier.documents)
    return tuple(
        DocumentRow(name=d.name, form=t.document_form(d.form), count=t.copies_count(d.count))
        for d in handed
    )


def _lookup(office: Office, dossier: Dossier) -> str:
    if not (dossier.code and dossier.lookup_key):
        return ""
    return lookup_url(base=office.lookup_url, code=dossier.code, key=dossier.lookup_key)


def slip_data(
    ctx: StationContext,
    dossier: Dossier,
    *,
    form: SlipForm,
    reprint: bool,
    printed_at: datetime,
) -> SlipData:
    """The printable values of ``form`` for ``dossier`` (SLIP_NOT_AVAILABLE if it has none)."""
    _check_allowed(dossier, form)
    office = ctx.office()
    received = dossier.received_at.astimezone(VN_TZ)
    due = dossier.due_at.astimezone(VN_TZ) if dossier.due_at else None
    return SlipData(
        template=TEMPLATE_OF[form],
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_date=t.place_date(office.place_name, received),
        number="",
        code=dossier.code or "",
        lookup_url=_lookup(office, dossier),
        lookup_base=office.lookup_url,
        lookup_key=dossier.lookup_key,
        applicant=_person(dossier.applicant),
        submitter=_person(dossier.submitter) if dossier.submitter else None,
        procedure=dossier.procedure_name,
        documents=_documents(dossier),
        sets=t.sets_count(dossier.sets),
        processing_time=describe_time(dossier.processing_time),
        received_at=t.moment(received),
        due_at=t.moment(due) if due else t.NO_DUE_DATE,
        due_note=t.DUE_ESTIMATED_NOTE if due and dossier.due_estimated else "",
        return_method=t.return_method(dossier.return_method, address=dossier.return_address),
        fee=dossier.fee.strip() or t.FEE_NONE,
        missing=dossier.missing,
        reason=dossier.reason,
        officer_name=_officer_name(ctx, dossier.officer),
        reprint=t.reprint_mark(printed_at.astimezone(VN_TZ)) if reprint else "",
        demo=office.is_demo,
    )


def render(
    ctx: StationContext,
    dossier: Dossier,
    *,
    form: SlipForm,
    size: PaperSize,
    reprint: bool = False,
) -> bytes:
    """The slip as PDF bytes, dated now by the station clock. Writes nothing."""
    data = slip_data(ctx, dossier, form=form, reprint=reprint, printed_at=ctx.clock.now())
    return render_slip(data, size=size)


def _archive_path(dossier: Dossier, *, form: SlipForm, at: datetime, number: int) -> Path:
    """``slips/<yyyy>/<mm>/<code or uuid>-<form>-<n>.pdf``, relative to the data folder."""
    name = f"{dossier.code or dossier.uuid}-{form.value}-{number}.pdf"
    return Path(SLIP_DIR) / f"{at:%Y}" / f"{at:%m}" / name


def issue_slip(
    ctx: StationContext,
    dossier: Dossier,
    *,
    form: SlipForm,
    size: PaperSize,
    officer: str,
) -> tuple[PrintRecord, Path, Changes]:
    """Render, archive and record one print of a slip; returns the record and the PDF path.

    The second and later prints of the same form are reprints (marked on paper, in the
    record and in the event). See the module docstring for the durability guarantees.
    """
    store = ctx.store
    current = store.dossiers.by_uuid(dossier.uuid) or dossier
    _check_allowed(current, form)
    earlier = [p for p in store.prints.of_dossier(current.uuid) if p.form == form.value]
    reprint = bool(earlier)
    now = ctx.clock.now().astimezone(VN_TZ)
    data = slip_data(ctx, current, form=form, reprint=reprint, printed_at=now)
    pdf = render_slip(data, size=size)
    digest = hashlib.sha256(pdf).hexdigest()
    relative = _archive_path(current, form=form, at=now, number=len(earlier) + 1)
    absolute = store.data_dir / relative
    write_durably(absolute, pdf)
    record = PrintRecord(
        dossier_uuid=current.uuid,
        form=form.value,
        size=PaperSize(size).value,
        sha256=digest,
        path=relative.as_posix(),
        reprint=reprint,
        printed_at=now,
        officer=officer,
    )
    with store.db.atomic():
        _record_print(ctx, current, record, template_id=data.template.template_id)
    return record, absolute, Changes(dossiers=True)


def _record_print(
    ctx: StationContext, dossier: Dossier, record: PrintRecord, *, template_id: str
) -> None:
    """The print row, the ``slip_printed`` event and the audit entry (inside a transaction)."""
    store = ctx.store
    store.prints.add(record)
    payload = {
        "form": record.form,
        "size": record.size,
        "sha256": record.sha256,
        "reprint": record.reprint,
        "template": template_id,
    }
    event = ctx.new_event(
        dossier_uuid=dossier.uuid,
        kind=EventKind.SLIP_PRINTED.value,
        officer=record.officer,
        at=record.printed_at,
        payload=payload,
    )
    store.dossiers.append(apply_event(dossier, event), event, queued_at=record.printed_at)
    store.audit.record(
        at=record.printed_at,
        officer=record.officer,
        action=EventKind.SLIP_PRINTED.value,
        dossier_uuid=dossier.uuid,
        detail={"code": dossier.code, **payload},
    )
