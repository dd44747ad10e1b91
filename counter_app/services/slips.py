"""Slips of a dossier: which forms it has, their printable data, rendering, and issuing.

Guarantees:

- a dossier only gets the forms of its state (:func:`allowed_forms`); asking another raises
  ``SLIP_NOT_AVAILABLE`` and nothing is written;
- :func:`render` is pure (reads the store, writes nothing);
- :func:`prepare_slip` archives the PDF durably (temp file, fsync, rename) under
  ``<data_dir>/slips/<yyyy>/<mm>/`` as a compact file whose fonts are shared by every slip
  (printing/slip_archive.py; read back through services/archive.py) and records nothing;
  :func:`record_print`, called only once the printer confirmed the job, records the print,
  the ``slip_printed`` event (queued for sync) and the audit entry in ONE transaction
  (:func:`issue_slip` does both at once, for file output). So a print the printer refused
  or lost is never logged as printed. Every recorded print is kept; a later print of the
  same form is a reprint and is marked so on paper only if an earlier one really printed; a
  reprint after a ``corrected`` event is marked as a re-issue after correction instead.
- Mẫu 04 (apology) exists once the dossier has its ``apology_issued`` event and is printed
  from that event; Mẫu 06 (control sheet) exists once the dossier is received and lists its
  hand-overs, hand-backs and result. Both are printed on A5 or A4 (not on the 80 mm roll).
- Sending the slip to a printer is the caller's job, between the two (``PreparedSlip.pdf``
  holds its bytes; ``archive.printable`` writes them for a print spooler): a printer
  failure never loses the dossier, and the next attempt renders the slip again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from counter_app.domain.changes import Changes
from counter_app.domain.dossier import (
    Dossier,
    EventKind,
    Status,
    apply_event,
    dossier_from_snapshot,
)
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Applicant, Event, Office
from counter_app.printing import slip_archive, templates
from counter_app.printing.letters import (
    LETTER_SIZES,
    ApologyData,
    ControlRow,
    ControlSheetData,
    render_apology,
    render_control_sheet,
)
from counter_app.printing.printer import PaperSize
from counter_app.printing.qr import lookup_url
from counter_app.printing.slip import DocumentRow, PersonLines, SlipData, render_slip
from counter_app.reference.rules import dossier_rules
from counter_app.services.station import StationContext
from counter_app.services.supplements import expiry_limit, rule_set_of
from counter_app.storage.repositories import PrintRecord
from counter_app.texts import describe_time
from counter_app.texts import fees as fee_texts
from counter_app.texts import forms as ft
from counter_app.texts import rules as rt
from counter_app.texts import slips as t

SLIP_DIR = "slips"


class SlipForm(StrEnum):
    RECEIPT = "receipt"  # Mẫu 01
    SUPPLEMENT = "supplement"  # Mẫu 02
    REFUSAL = "refusal"  # Mẫu 03
    APOLOGY = "apology"  # Mẫu 04: apology letter and new return date
    STOP = "stop"  # Mẫu 05: notice that the processing stops
    CONTROL_SHEET = "control_sheet"  # Mẫu 06: control sheet of the processing

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
    SlipForm.APOLOGY: templates.APOLOGY,
    SlipForm.CONTROL_SHEET: templates.CONTROL_SHEET,
    SlipForm.STOP: templates.STOP,
}
LETTERS = frozenset({SlipForm.APOLOGY, SlipForm.CONTROL_SHEET})
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


_RECEIVED_STATUSES = _RECEIPT_STATUSES | {Status.RETURNED, Status.WITHDRAWN, Status.STOPPED}


def allowed_forms(dossier: Dossier) -> tuple[SlipForm, ...]:
    """The slips this dossier can have now: supplement request or refusal (not received);
    once received: the receipt (while the result is not collected), the supplement request
    of the latest request during processing (once one was made), the apology letter (when
    one was issued), the stop notice (once stopped, or closed after an unanswered
    supplement request) and the control sheet."""
    if dossier.status is Status.GUIDED:
        return (SlipForm.SUPPLEMENT,)
    if dossier.status is Status.REFUSED:
        return (SlipForm.REFUSAL,)
    if dossier.status not in _RECEIVED_STATUSES or not dossier.code:
        return ()
    forms = [SlipForm.RECEIPT] if dossier.status in _RECEIPT_STATUSES else []
    if dossier.supplement_count:
        forms.append(SlipForm.SUPPLEMENT)
    if dossier.apology_issued:
        forms.append(SlipForm.APOLOGY)
    if dossier.status is Status.STOPPED:
        forms.append(SlipForm.STOP)
    forms.append(SlipForm.CONTROL_SHEET)
    return tuple(forms)


def _letter_size(size: PaperSize) -> PaperSize:
    """Mẫu 04 and 06 are single documents: on "A4, two copies side by side" paper they are
    printed on the A4 sheet itself."""
    return PaperSize.A4 if PaperSize(size) is PaperSize.A4X2 else PaperSize(size)


def _check_allowed(dossier: Dossier, form: SlipForm, size: PaperSize | None = None) -> None:
    letter_on_roll = form in LETTERS and size is not None and _letter_size(size) not in LETTER_SIZES
    if form not in allowed_forms(dossier) or letter_on_roll:
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
    """Exactly the papers recorded as handed over, under their short title (the legal text
    stays in the dossier; papers the officer typed have no title: their name); none ticked
    gives none (the slip then says no paper was recorded), never the checklist."""
    return tuple(
        DocumentRow(name=d.label, form=t.document_form(d.form), count=t.copies_count(d.count))
        for d in dossier.documents
        if d.received
    )


_FEE_PARTS = re.compile("; (?=(?:" + "|".join(t.FEE_CHANNEL_LABELS.values()) + "): )")


def _fee(dossier: Dossier) -> str:
    """The fee text, or "" (a dotted line on paper, for the officer to fill in by hand) when
    it is unknown: empty, or the catalogue's "Không có thông tin". A catalogue fee given per
    channel ("Trực tuyến: …; Dịch vụ bưu chính: …; Trực tiếp: …") prints only the part of
    the dossier's channel when it has one."""
    fee = dossier.fee.strip()
    label = t.FEE_CHANNEL_LABELS.get(dossier.channel, "")
    for part in _FEE_PARTS.split(fee):
        if label and part.startswith(f"{label}: "):
            fee = part.removeprefix(f"{label}: ").strip()
            break
    text = "" if fee.casefold().rstrip(".") in t.FEE_UNKNOWN_TEXTS else fee
    # What was recorded (issue 13 item 7) says more than the catalogue: the amount due, what
    # was collected with its e-receipt, or the exemption and its basis; nothing recorded
    # leaves the text (blank when unknown: a dotted line).
    return fee_texts.slip_fee(
        text=text,
        due=dossier.fee_due,
        collected=dossier.fee_collected,
        receipt_no=dossier.fee_receipt_no,
        exemption_basis=dossier.fee_basis if dossier.fee_exemption else "",
    )


def _number(dossier: Dossier) -> str:
    """The "Số:" line: the dossier's register (Sổ theo dõi) number and year; "" when it has
    none (Mẫu 02/03: a dossier that was not received is not in the register)."""
    if not dossier.register_no:
        return ""
    return t.register_number(dossier.register_label, dossier.received_at.astimezone(VN_TZ).year)


def caption(dossier: Dossier, form: SlipForm) -> str:
    """The form's legal-basis caption under the dossier's own rule set ("" when the rule set
    names none: the template's own is printed)."""
    rules = dossier_rules(dossier.rule_set, dossier.received_at)
    return rules.form_captions.get(form.value, "")


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
    reissue: bool = False,
) -> SlipData:
    """The printable values of ``form`` for ``dossier`` (SLIP_NOT_AVAILABLE if it has none).

    ``reissue``: the reprint follows a correction, and is marked as a corrected re-issue."""
    _check_allowed(dossier, form)
    if form in LETTERS:
        raise DomainError(ErrorCode.SLIP_NOT_AVAILABLE, code=dossier.code or dossier.uuid)
    office = ctx.office()
    received = dossier.received_at.astimezone(VN_TZ)
    due = dossier.due_at.astimezone(VN_TZ) if dossier.due_at else None
    after = _after_reception(ctx, dossier, form, office)
    return SlipData(
        template=after.template or TEMPLATE_OF[form],
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_date=t.place_date(office.place_name, after.dated or received),
        number=_number(dossier),
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
        due_at=_appointment(dossier, due),
        due_note=_due_note(dossier, due, ctx),
        return_method=t.return_method(dossier.return_method, address=dossier.return_address),
        fee=_fee(dossier),
        missing=after.missing if after.template else dossier.missing,
        reason=after.reason if after.template else dossier.reason,
        officer_name=after.officer or _officer_name(ctx, dossier.officer),
        reprint=_mark(printed_at, reprint=reprint, reissue=reissue),
        demo=office.is_demo,
        legal_basis=caption(dossier, form),
        deadline=after.deadline,
        stopped_at=after.stopped_at,
    )


@dataclass(frozen=True, slots=True)
class _AfterReception:
    """What Mẫu 02 during processing and Mẫu 05 print from the dossier's events (no
    ``template``: the form is the one given at the counter, from the creating event)."""

    template: templates.SlipTemplate | None = None
    missing: tuple[str, ...] = ()
    reason: str = ""
    deadline: str = ""
    stopped_at: str = ""
    officer: str = ""
    dated: datetime | None = None  # the day the notice is given (the request, the stop)


_STOP_KINDS = frozenset({EventKind.STOPPED.value, EventKind.SUPPLEMENT_EXPIRED.value})


def _after_reception(
    ctx: StationContext, dossier: Dossier, form: SlipForm, office: Office
) -> _AfterReception:
    if form is SlipForm.SUPPLEMENT and dossier.status is not Status.GUIDED:
        events = ctx.store.dossiers.events_of(dossier.uuid)
        request = [e for e in events if e.kind == EventKind.SUPPLEMENT_REQUESTED.value][-1]
        p = request.payload
        asked = request.at.astimezone(VN_TZ)
        rules = rule_set_of(dossier)
        limit = expiry_limit(ctx, request.at, rules).astimezone(VN_TZ)
        amount, unit = rules.supplement_expiry_amount, rules.supplement_expiry_unit
        return _AfterReception(
            template=templates.SUPPLEMENT_PROCESSING,
            missing=tuple(str(i) for i in p.get("items", ())),
            reason=str(p.get("reason", "")),
            deadline=ft.supplement_deadline(asked, limit, amount, unit),
            officer=_officer_name(ctx, request.officer),
            dated=asked,
        )
    if form is SlipForm.STOP:
        events = ctx.store.dossiers.events_of(dossier.uuid)
        stop = [e for e in events if e.kind in _STOP_KINDS][-1]
        when = stop.at.astimezone(VN_TZ)
        if stop.kind == EventKind.SUPPLEMENT_EXPIRED.value:
            reason = ft.expired_reason(
                datetime.fromisoformat(str(stop.payload["requested_at"])).astimezone(VN_TZ)
                if stop.payload.get("requested_at")
                else when,
                int(stop.payload.get("amount") or 0),
                str(stop.payload.get("unit", "")),
            )
        else:
            reason = str(stop.payload.get("reason", ""))
        return _AfterReception(
            template=templates.STOP,
            reason=reason,
            stopped_at=ft.stop_statement(office.unit_name, when),
            officer=_officer_name(ctx, stop.officer),
            dated=when,
        )
    return _AfterReception()


def _appointment(dossier: Dossier, due: datetime | None) -> str:
    """The boxed appointment; "(dự kiến)" while a cross-boundary dossier's time waits for
    the authority's receipt (domain.cross_boundary)."""
    if due is None:
        return t.NO_DUE_DATE
    return rt.expected_appointment(due) if dossier.due_expected else t.appointment(due)


def _due_note(dossier: Dossier, due: datetime | None, ctx: StationContext) -> str:
    """Under the appointment: the transfer and from when the period runs (an expected date),
    then the estimated-calendar warning naming the days still estimated in the period."""
    notes = []
    if due is not None and dossier.due_expected and dossier.transfer_at is not None:
        notes.append(rt.transfer_note(dossier.transfer_at.astimezone(VN_TZ), dossier.authority))
    if due is not None and dossier.due_estimated:
        first = dossier.received_at.astimezone(VN_TZ).date()
        notes.append(t.due_estimated_note(ctx.calendar().estimated_days(first, due.date())))
    return " ".join(notes)


def _mark(printed_at: datetime, *, reprint: bool, reissue: bool) -> str:
    when = printed_at.astimezone(VN_TZ)
    if reissue:
        return t.corrected_reissue_mark(when)
    return t.reprint_mark(when) if reprint else ""


# --- Mẫu 04 and Mẫu 06 --------------------------------------------------------------------------


def apology_data(
    ctx: StationContext,
    dossier: Dossier,
    *,
    events: list[Event],
    reprint: bool,
    printed_at: datetime,
) -> ApologyData:
    """Mẫu 04 from the dossier's (single) ``apology_issued`` event."""
    _check_allowed(dossier, SlipForm.APOLOGY)
    apology = [e for e in events if e.kind == EventKind.APOLOGY_ISSUED.value][-1]
    office = ctx.office()
    issued = apology.at.astimezone(VN_TZ)
    received = dossier.received_at.astimezone(VN_TZ)
    before = dossier.original_due_at
    new_due = datetime.fromisoformat(apology.payload["new_due_at"]).astimezone(VN_TZ)
    return ApologyData(
        template=templates.APOLOGY,
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_date=t.place_date(office.place_name, issued),
        number="",
        applicant=_person(dossier.applicant),
        received_sentence=t.apology_received(
            office.unit_name, received, dossier.procedure_name, dossier.code or ""
        ),
        original_due=t.apology_original_due(
            t.moment(before.astimezone(VN_TZ)) if before else t.NO_DUE_DATE
        ),
        reason=str(apology.payload.get("reason", "")),
        new_due=t.moment(new_due),
        return_place=t.return_method(dossier.return_method, address=dossier.return_address),
        reprint=_mark(printed_at, reprint=reprint, reissue=False),
        demo=office.is_demo,
        legal_basis=caption(dossier, SlipForm.APOLOGY),
    )


_HAND_KINDS = frozenset(
    {EventKind.HANDED_OVER.value, EventKind.HANDED_BACK.value, EventKind.RESULT_RECEIVED.value}
)


def _outcome(at: datetime, due: datetime | None) -> str:
    """Trước hạn / Đúng hạn / Quá hạn by Vietnam calendar date, as the statistics judge."""
    if due is None:
        return t.OUTCOME_ON_TIME
    done, limit = at.astimezone(VN_TZ).date(), due.astimezone(VN_TZ).date()
    if done == limit:
        return t.OUTCOME_ON_TIME
    return t.OUTCOME_EARLY if done < limit else t.OUTCOME_LATE


def control_rows(ctx: StationContext, events: list[Event]) -> tuple[tuple[ControlRow, ...], str]:
    """One row per hand-over, hand-back and result, replayed in event order; each judged
    against the due date in force just before it (before any apology extension). Also
    returns the first body the dossier was handed to (the deciding body)."""
    creating = [e for e in events if e.kind == EventKind.RECEIVED.value]
    if not creating:
        return (), ""
    state = dossier_from_snapshot(creating[0])
    holder, first_body = t.ONE_STOP_UNIT, ""
    rows: list[ControlRow] = []
    for event in events:
        if event is creating[0]:
            continue
        if event.kind in _HAND_KINDS:
            rows.append(_control_row(ctx, event, state, holder))
            if event.kind == EventKind.HANDED_OVER.value:
                holder = str(event.payload.get("to", "")) or t.DECIDING_BODY
                first_body = first_body or holder
            else:
                holder = t.ONE_STOP_UNIT
        try:
            state = apply_event(state, event)
        except DomainError:  # a stream the machine refuses is left as it was projected
            continue
    return tuple(rows), first_body


def _control_row(ctx: StationContext, event: Event, state: Dossier, holder: str) -> ControlRow:
    p = event.payload
    officer = _officer_name(ctx, event.officer)
    when = t.hand_time(event.at.astimezone(VN_TZ))
    outcome = _outcome(event.at, state.stats_due_at)
    note = str(p.get("note", ""))
    if event.kind == EventKind.HANDED_OVER.value:
        taker = str(p.get("to", "")) or t.DECIDING_BODY
        return ControlRow(t.ONE_STOP_UNIT, taker, when, officer, "", outcome, note)
    giver = str(p.get("from", "")) or (holder if holder != t.ONE_STOP_UNIT else t.DECIDING_BODY)
    if event.kind == EventKind.RESULT_RECEIVED.value:
        result = t.RESULT_REFUSED if p.get("outcome") == "refused" else t.RESULT_APPROVED
        number = str(p.get("result_number", ""))
        parts = [result, f"{t.LABEL_RESULT_NUMBER} {number}" if number else "", note]
        note = "; ".join(x for x in parts if x)
    return ControlRow(giver, t.ONE_STOP_UNIT, when, "", officer, outcome, note)


def control_sheet_data(
    ctx: StationContext,
    dossier: Dossier,
    *,
    events: list[Event],
    reprint: bool,
    printed_at: datetime,
) -> ControlSheetData:
    """Mẫu 06 of a received dossier, with its steps so far and blank rows for the next."""
    _check_allowed(dossier, SlipForm.CONTROL_SHEET)
    office = ctx.office()
    rows, body = control_rows(ctx, events)
    received = dossier.received_at.astimezone(VN_TZ)
    due = dossier.due_at.astimezone(VN_TZ) if dossier.due_at else None
    return ControlSheetData(
        template=templates.CONTROL_SHEET,
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_date=t.place_date(office.place_name, received),
        number=_number(dossier),
        code=dossier.code or "",
        applicant=_person(dossier.applicant),
        procedure=dossier.procedure_name,
        received_at=t.moment(received),
        due_at=t.moment(due) if due else t.NO_DUE_DATE,
        deciding_body=body,
        rows=rows,
        blank_rows=0 if dossier.finished_at else 2,
        reprint=_mark(printed_at, reprint=reprint, reissue=False),
        demo=office.is_demo,
        legal_basis=caption(dossier, SlipForm.CONTROL_SHEET),
    )


def _render_form(
    ctx: StationContext,
    dossier: Dossier,
    *,
    form: SlipForm,
    size: PaperSize,
    reprint: bool,
    printed_at: datetime,
    reissue: bool = False,
) -> tuple[bytes, str]:
    """(PDF bytes, template id) of one form of ``dossier``."""
    _check_allowed(dossier, form, size)
    if form is SlipForm.APOLOGY or form is SlipForm.CONTROL_SHEET:
        size = _letter_size(size)
        events = ctx.store.dossiers.events_of(dossier.uuid)
        if form is SlipForm.APOLOGY:
            letter = apology_data(
                ctx, dossier, events=events, reprint=reprint, printed_at=printed_at
            )
            return render_apology(letter, size=size), letter.template.template_id
        sheet = control_sheet_data(
            ctx, dossier, events=events, reprint=reprint, printed_at=printed_at
        )
        return render_control_sheet(sheet, size=size), sheet.template.template_id
    data = slip_data(
        ctx, dossier, form=form, reprint=reprint, printed_at=printed_at, reissue=reissue
    )
    return render_slip(data, size=size), data.template.template_id


def render(
    ctx: StationContext,
    dossier: Dossier,
    *,
    form: SlipForm,
    size: PaperSize,
    reprint: bool = False,
) -> bytes:
    """The slip as PDF bytes, dated now by the station clock. Writes nothing."""
    pdf, _ = _render_form(
        ctx, dossier, form=form, size=size, reprint=reprint, printed_at=ctx.clock.now()
    )
    return pdf


def _archive_path(dossier: Dossier, *, form: SlipForm, at: datetime, number: int) -> Path:
    """``slips/<yyyy>/<mm>/<code or uuid>-<form>-<n>.cpdf`` (a compact file: the PDF with its
    fonts shared, printing/slip_archive.py), relative to the data folder. Older versions
    archived ``….pdf`` files; services/archive.py reads both."""
    name = f"{dossier.code or dossier.uuid}-{form.value}-{number}{slip_archive.COMPACT_SUFFIX}"
    return Path(SLIP_DIR) / f"{at:%Y}" / f"{at:%m}" / name


@dataclass(frozen=True, slots=True)
class PreparedSlip:
    """A slip rendered and archived for one print attempt, not yet recorded as printed.

    ``path``: the archived (compact) file; ``pdf``: the slip's bytes, what the printer gets
    (``archive.printable``). ``record`` is what :func:`record_print` stores once the printer
    confirms the job."""

    path: Path
    record: PrintRecord
    template_id: str
    reissue: bool
    pdf: bytes = b""


def prepare_slip(
    ctx: StationContext,
    dossier: Dossier,
    *,
    form: SlipForm,
    size: PaperSize,
    officer: str,
) -> PreparedSlip:
    """Render and archive one print attempt of a slip; nothing is recorded in the database.

    The slip is marked as a reprint only when an earlier print of the same form was recorded,
    i.e. really printed: after failed attempts the next one is still the original. Attempt
    ``n`` (``n - 1`` recorded prints) is archived as ``<code>-<form>-<n>.cpdf``; a failed
    attempt's file is overwritten by the next attempt.
    """
    store = ctx.store
    current = store.dossiers.by_uuid(dossier.uuid) or dossier
    _check_allowed(current, form, size)
    earlier = [p for p in store.prints.of_dossier(current.uuid) if p.form == form.value]
    reprint = bool(earlier)
    reissue = reprint and form is SlipForm.RECEIPT and _corrected_since_print(ctx, current, form)
    now = ctx.clock.now().astimezone(VN_TZ)
    pdf, template_id = _render_form(
        ctx, current, form=form, size=size, reprint=reprint, printed_at=now, reissue=reissue
    )
    relative = _archive_path(current, form=form, at=now, number=len(earlier) + 1)
    absolute = store.data_dir / relative
    slip_archive.write_archived(store.data_dir / SLIP_DIR, absolute, pdf)
    record = PrintRecord(
        dossier_uuid=current.uuid,
        form=form.value,
        size=PaperSize(size).value,
        sha256=hashlib.sha256(pdf).hexdigest(),
        path=relative.as_posix(),
        reprint=reprint,
        printed_at=now,
        officer=officer,
    )
    return PreparedSlip(
        path=absolute, record=record, template_id=template_id, reissue=reissue, pdf=pdf
    )


def record_print(ctx: StationContext, prepared: PreparedSlip) -> tuple[PrintRecord, Changes]:
    """Record a prepared slip as printed (call it once the printer confirmed the job): the
    print row, the ``slip_printed`` event and the audit entry, in one transaction."""
    store = ctx.store
    current = store.dossiers.by_uuid(prepared.record.dossier_uuid)
    if current is None:
        raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, code=prepared.record.dossier_uuid)
    with store.db.atomic():
        _record_print(
            ctx,
            current,
            prepared.record,
            template_id=prepared.template_id,
            reissue=prepared.reissue,
        )
    return prepared.record, Changes(dossiers=True)


def issue_slip(
    ctx: StationContext,
    dossier: Dossier,
    *,
    form: SlipForm,
    size: PaperSize,
    officer: str,
) -> tuple[PrintRecord, Path, Changes]:
    """Render, archive and record one print of a slip at once; returns the record and the
    archived file's path (its PDF: ``archive.read_archived``). For output that cannot fail
    after the file is written (the command line's ``slip --out``); a real printer goes
    through :func:`prepare_slip`, then :func:`record_print` once it confirmed the job.

    The second and later prints of the same form are reprints (marked on paper, in the
    record and in the event). See the module docstring for the durability guarantees.
    """
    prepared = prepare_slip(ctx, dossier, form=form, size=size, officer=officer)
    record, changes = record_print(ctx, prepared)
    return record, prepared.path, changes


def _corrected_since_print(ctx: StationContext, dossier: Dossier, form: SlipForm) -> bool:
    """True when a ``corrected`` event follows the last print of ``form`` (event order)."""
    corrected_after = False
    for event in ctx.store.dossiers.events_of(dossier.uuid):
        if event.kind == EventKind.SLIP_PRINTED.value and event.payload.get("form") == form.value:
            corrected_after = False
        elif event.kind == EventKind.CORRECTED.value:
            corrected_after = True
    return corrected_after


def _record_print(
    ctx: StationContext,
    dossier: Dossier,
    record: PrintRecord,
    *,
    template_id: str,
    reissue: bool = False,
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
    if reissue:
        payload["reissue_after_correction"] = True
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
