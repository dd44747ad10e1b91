"""Reception use cases: validate, then one transaction, then return what changed.

``receive_dossier`` mints the dossier code in the same transaction that stores the dossier,
its first event and its outbox entry: after a crash either all of them exist or none does,
and a minted number is never minted again (see storage/ledger.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from counter_app.domain.changes import Changes
from counter_app.domain.codes import make_code, validate_agency_id
from counter_app.domain.cross_boundary import (
    check_scope,
    clock_starts_at_authority,
    cutoff_time,
    expected_due,
    transfer_instant,
)
from counter_app.domain.dossier import Dossier, EventKind, dossier_from_snapshot
from counter_app.domain.due import DueDate, compute_due
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fees import amount_due, check_payment
from counter_app.domain.fields import check_birth_date, clean_text
from counter_app.domain.idcard import SEX_FEMALE, SEX_MALE
from counter_app.domain.identity import reception_identity
from counter_app.domain.models import (
    VN_TZ,
    Applicant,
    Channel,
    DocumentItem,
    Procedure,
    ReturnMethod,
)
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.domain.text import fold, nfc
from counter_app.reference.catalogue import online_filing
from counter_app.reference.rules import shipped_rule_book
from counter_app.services.station import StationContext, new_lookup_key
from counter_app.storage.recovery import mint_counter

_ID_RE = re.compile(r"^(\d{12}|\d{9}|[A-Z]\d{7,8})$")
_PHONE_RE = re.compile(r"^\+?\d{9,12}$")
_SEXES = {"nam": SEX_MALE, "nu": SEX_FEMALE}


@dataclass(frozen=True, slots=True)
class ReceptionRequest:
    """What the officer entered. ``documents`` None means the catalogue checklist, all handed
    over; ``time`` overrides the catalogue's processing time; ``received_at`` None is now."""

    procedure_code: str
    applicant: Applicant
    submitter: Applicant | None = None
    documents: tuple[DocumentItem, ...] | None = None
    sets: int = 1
    channel: Channel = Channel.DIRECT
    return_method: ReturnMethod = ReturnMethod.COUNTER
    return_address: str = ""
    fee: str | None = None
    received_at: datetime | None = None
    agency_id: str | None = None
    time: ProcessingTime | None = None
    due_override: datetime | None = None
    due_override_reason: str = ""
    # Fees (domain.fees): the amount due in đồng typed by the officer (None: the catalogue's
    # for the channel, when it gives one) and what was recorded at the desk (FeePayment's
    # JSON: collected, method, receipt_no, exemption; amounts may be typed text).
    fee_due: int | str | None = None
    fee_payment: dict[str, Any] | None = None
    # Cross-boundary reception (domain.cross_boundary): "" (no), "other_agency" or
    # "other_province", and the competent authority's name.
    cross_boundary: str = ""
    authority: str = ""
    # Channels and identity (domain.identity): "kiosk"/"vneid" (an online filing), how the
    # identity was checked, where the data came from ("" : not said).
    channel_detail: str = ""
    identity_check: str = ""
    data_source: str = ""


def applicant_from_json(data: Any) -> Applicant:
    """Validate an applicant given as JSON (the CLI's applicant file); refuse clearly."""
    if not isinstance(data, dict):
        raise DomainError(ErrorCode.JSON_INVALID, detail="object_expected")
    for key in ("name", "id_number", "birth_date", "sex", "address"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DomainError(ErrorCode.APPLICANT_FIELD_MISSING, field=key)
    try:
        birth = date.fromisoformat(data["birth_date"].strip())
    except ValueError:
        raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="birth_date") from None
    phone = data.get("phone")
    if phone is not None and not isinstance(phone, str):
        raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="phone")
    applicant = Applicant(
        name=nfc(data["name"]),
        id_number=data["id_number"].strip().upper(),
        birth_date=birth,
        sex=data["sex"],
        address=nfc(data["address"]),
        phone=phone.strip() if phone else None,
        old_id_number=data.get("old_id_number") or None,
    )
    return validate_applicant(applicant)


def validate_applicant(applicant: Applicant, *, today: date | None = None) -> Applicant:
    """Return the applicant normalised (NFC, sex spelled Nam/Nữ) or raise with the field.

    Name and address go through ``domain.fields.clean_text`` (control characters and bidi
    marks refused, name ≤ 100, address ≤ 300 characters), as in the reception form.
    """
    name = clean_text("name", applicant.name)
    address = clean_text("address", applicant.address)
    if not name or any(ch.isdigit() for ch in name):
        raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="name")
    id_number = applicant.id_number.strip().upper()
    if not _ID_RE.match(id_number):
        raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="id_number")
    sex = applicant.sex
    if sex is not None:
        sex = _SEXES.get(fold(nfc(sex)))
        if sex is None:
            raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="sex")
    limit = today or datetime.now(VN_TZ).date()
    if applicant.birth_date:
        check_birth_date(applicant.birth_date, today=limit)
    phone = applicant.phone
    if phone:
        phone = re.sub(r"[\s.\-]", "", phone)
        if not _PHONE_RE.match(phone):
            raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="phone")
    return replace(
        applicant,
        name=name,
        id_number=id_number,
        sex=sex,
        address=address,
        phone=phone or None,
    )


def procedure_or_error(ctx: StationContext, code: str) -> Procedure:
    procedure = ctx.store.reference.procedure(code)
    if procedure is None:
        raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, code=code)
    return procedure


def due_for(
    ctx: StationContext, *, received_at: datetime, time: ProcessingTime, cross_boundary: str = ""
) -> DueDate:
    """The due date of a dossier received at ``received_at`` with ``time`` (no writing); for
    a cross-boundary dossier whose rule set starts the time at the authority's receipt, the
    date expected from the transfer (domain.cross_boundary)."""
    rules = shipped_rule_book().for_reception(received_at)
    if clock_starts_at_authority(rules, check_scope(cross_boundary)):
        return expected_due(
            received_at=received_at.astimezone(VN_TZ),
            time=time,
            rules=rules,
            calendar=ctx.calendar(),
            hours=ctx.hours(),
        )[1]
    return compute_due(
        received_at=received_at.astimezone(VN_TZ),
        time=time,
        calendar=ctx.calendar(),
        hours=ctx.hours(),
    )


def _snapshot(
    request: ReceptionRequest,
    procedure: Procedure,
    *,
    code: str | None,
    agency_id: str,
    time: ProcessingTime,
    due: DueDate | None,
    received_at: datetime,
) -> dict[str, Any]:
    documents = request.documents
    if documents is None:
        documents = tuple(replace(d, received=True) for d in procedure.documents)
    return {
        "code": code,
        "agency_id": agency_id,
        "procedure_code": procedure.code,
        "procedure_name": procedure.name,
        "procedure_field": procedure.field,
        "catalogue_version": procedure.catalogue_version,
        "channel": int(request.channel),
        **_identity(request)[1],
        "applicant": request.applicant.to_json(),
        "submitter": request.submitter.to_json() if request.submitter else None,
        "documents": [d.to_json() for d in documents],
        "sets": request.sets,
        "return_method": request.return_method.value,
        "return_address": request.return_address,
        "fee": procedure.fee_text if request.fee is None else request.fee,
        "processing_time": time.to_json(),
        "due_at": due.due.isoformat() if due and due.due else None,
        "due_estimated": bool(due and due.estimated),
        "lookup_key": new_lookup_key() if code else "",
        # The rules in force at reception follow the dossier for life (domain/rules.py).
        "rule_set": shipped_rule_book().for_reception(received_at).name,
    }


def online_filing_allowed(procedure_code: str) -> bool | None:
    """Whether the catalogue lists online filing for the procedure (the kiosk and VNeID are
    offered then); None when it lists no channel."""
    return online_filing(procedure_code)


def _identity(
    request: ReceptionRequest, *, online_allowed: bool | None = None
) -> tuple[Channel, dict[str, str]]:
    return reception_identity(
        channel=request.channel,
        channel_detail=request.channel_detail,
        identity_check=request.identity_check,
        data_source=request.data_source,
        online_allowed=online_allowed,
    )


def _validated(ctx: StationContext, request: ReceptionRequest) -> ReceptionRequest:
    channel, _ = _identity(request, online_allowed=online_filing(request.procedure_code))
    request = replace(request, channel=channel)  # a kiosk or VNeID filing is online
    if request.sets < 1 or request.sets > 99:
        raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="sets")
    if request.return_method is ReturnMethod.POSTAL and not nfc(request.return_address):
        raise DomainError(ErrorCode.APPLICANT_FIELD_MISSING, field="return_address")
    today = ctx.clock.now().date()
    submitter = validate_applicant(request.submitter, today=today) if request.submitter else None
    return replace(
        request, applicant=validate_applicant(request.applicant, today=today), submitter=submitter
    )


def check_request(ctx: StationContext, request: ReceptionRequest) -> None:
    """Refuse now what any outcome would refuse (the window checks before asking a reason)."""
    _validated(ctx, request)
    procedure_or_error(ctx, request.procedure_code)


def _cross_boundary(
    ctx: StationContext,
    request: ReceptionRequest,
    *,
    received_at: datetime,
    time: ProcessingTime,
    due: DueDate,
) -> tuple[DueDate, dict[str, Any]]:
    """A cross-boundary dossier's fields, and its due date: under a rule set that starts its
    time at the authority's receipt, the date expected from the transfer (15:00 rule), to be
    fixed once that receipt is recorded (an officer's override stays as typed)."""
    scope = check_scope(request.cross_boundary)
    if not scope:
        return due, {}
    rules = shipped_rule_book().for_reception(received_at)
    calendar, hours = ctx.calendar(), ctx.hours()
    extra: dict[str, Any] = {"cross_boundary": scope, "authority": nfc(request.authority)}
    if clock_starts_at_authority(rules, scope) and request.due_override is None:
        transfer, due = expected_due(
            received_at=received_at, time=time, rules=rules, calendar=calendar, hours=hours
        )
        extra["due_expected"] = due.due is not None
    else:
        transfer = transfer_instant(
            received_at, calendar=calendar, hours=hours, cutoff=cutoff_time(rules)
        )
    extra["transfer_at"] = transfer.isoformat()
    return due, extra


def _received_at(ctx: StationContext, request: ReceptionRequest) -> datetime:
    now = ctx.clock.now()
    received_at = (request.received_at or now).astimezone(VN_TZ)
    if received_at > now:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=received_at.isoformat())
    return received_at


def _due(
    ctx: StationContext, request: ReceptionRequest, *, received_at: datetime, time: ProcessingTime
) -> tuple[DueDate, dict[str, Any]]:
    """The computed due date, or the officer's override with its reason kept in the payload."""
    due = due_for(ctx, received_at=received_at, time=time)
    if request.due_override is None:
        return due, {}
    reason = nfc(request.due_override_reason)
    if not reason:
        raise DomainError(ErrorCode.ACTION_FIELD_MISSING, field="due_override_reason")
    override = request.due_override.astimezone(VN_TZ)
    if override <= received_at:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=override.isoformat())
    extra = {
        "due_computed": due.due.isoformat() if due.due else None,
        "due_override_reason": reason,
    }
    return DueDate(override, due.years_used, due.estimated), extra


def reception_fees(
    request: ReceptionRequest, procedure: Procedure, *, received_at: datetime
) -> dict[str, Any]:
    """The received event's fee fields: ``fee_due`` (the officer's amount, else the
    catalogue's for the channel; left out when unknown) and ``fee_payment`` (validated under
    the rule set in force at reception: an exemption outside its dates is refused here)."""
    typed = {} if request.fee_due in (None, "") else {"due": request.fee_due}
    raw = {**(request.fee_payment or {}), **typed}
    if "due" not in raw:
        raw["due"] = amount_due(procedure.fee_text, int(request.channel))
    payment = check_payment(
        raw,
        rules=shipped_rule_book().for_reception(received_at),
        received_on=received_at.astimezone(VN_TZ).date(),
        channel=int(request.channel),
        procedure_code=procedure.code,
    )
    out: dict[str, Any] = {}
    if payment.due is not None:
        out["fee_due"] = payment.due
    recorded = payment.to_json()
    recorded.pop("due", None)
    if recorded != {"collected": 0}:
        out["fee_payment"] = recorded
    return out


def receive_dossier(
    ctx: StationContext, request: ReceptionRequest, *, officer: str
) -> tuple[Dossier, Changes]:
    """Receive a complete dossier: mint its code, compute its due date, store it whole.

    Guarantees: validation happens before anything is written; the code, the dossier row,
    its ``received`` event, its outbox entry, its search entry and the audit entry are
    committed in one transaction; a refused request changes nothing. An overridden due date
    needs a reason; the computed one stays in the event for the history.
    """
    request = _validated(ctx, request)
    procedure = procedure_or_error(ctx, request.procedure_code)
    office = ctx.office()
    agency_id = validate_agency_id(request.agency_id or office.agency_id)
    time = request.time or procedure.processing_time
    if time.unit is TimeUnit.UNKNOWN:
        raise DomainError(ErrorCode.TIME_UNKNOWN_FOR_PROCEDURE, code=procedure.code)
    received_at = _received_at(ctx, request)
    due, override = _due(ctx, request, received_at=received_at, time=time)
    fee_fields = reception_fees(request, procedure, received_at=received_at)
    due, boundary = _cross_boundary(ctx, request, received_at=received_at, time=time, due=due)
    override.update(boundary)
    store = ctx.store
    with store.db.atomic():
        day = received_at.date()
        counter = mint_counter(store.config, store.counters, agency_id=agency_id, day=day)
        code = str(
            make_code(agency_id=agency_id, day=day, prefix=office.station_prefix, counter=counter)
        )
        payload = _snapshot(
            request,
            procedure,
            code=code,
            agency_id=agency_id,
            time=time,
            due=due,
            received_at=received_at,
        )
        payload.update(override)
        payload.update(fee_fields)
        # One register sequence per office, unique offline: this station's prefix + its own
        # yearly number (domain.register_numbers), both stored as minted.
        payload["register_no"] = store.counters.next(f"register|{office.station_id}|{day:%Y}")
        payload["register_prefix"] = office.station_prefix
        dossier = _store_new(
            ctx,
            EventKind.RECEIVED,
            payload,
            officer=officer,
            at=received_at,
            station_id=office.station_id,
        )
        store.reference.count_use(procedure.code)
    return dossier, Changes(dossiers=True)


def _store_new(
    ctx: StationContext,
    kind: EventKind,
    payload: dict[str, Any],
    *,
    officer: str,
    at: datetime,
    station_id: str | None = None,
) -> Dossier:
    event = ctx.new_event(
        dossier_uuid=ctx.new_id(),
        kind=kind.value,
        officer=officer,
        at=at,
        payload=payload,
        station_id=station_id,
    )
    dossier = dossier_from_snapshot(event)
    now = ctx.clock.now()
    ctx.store.dossiers.insert_new(dossier, event, queued_at=now, snapshot=True)
    ctx.store.audit.record(
        at=now,
        officer=officer,
        action=kind.value,
        dossier_uuid=dossier.uuid,
        detail={"code": dossier.code, "procedure": dossier.procedure_code},
    )
    return dossier


def _not_received(
    ctx: StationContext,
    request: ReceptionRequest,
    kind: EventKind,
    *,
    reason: str,
    missing: tuple[str, ...],
    officer: str,
) -> Dossier:
    request = _validated(ctx, request)
    procedure = procedure_or_error(ctx, request.procedure_code)
    if not nfc(reason):
        raise DomainError(ErrorCode.ACTION_FIELD_MISSING, field="reason")
    received_at = _received_at(ctx, request)
    agency_id = validate_agency_id(request.agency_id or ctx.office().agency_id)
    time = request.time or procedure.processing_time
    payload = _snapshot(
        request,
        procedure,
        code=None,
        agency_id=agency_id,
        time=time,
        due=None,
        received_at=received_at,
    )
    payload.update({"reason": nfc(reason), "missing": [nfc(m) for m in missing]})
    with ctx.store.db.atomic():
        return _store_new(ctx, kind, payload, officer=officer, at=received_at)


def guide_dossier(
    ctx: StationContext,
    request: ReceptionRequest,
    *,
    missing: tuple[str, ...],
    reason: str,
    officer: str,
) -> tuple[Dossier, Changes]:
    """Incomplete at the counter (Mẫu 02): record every missing item at once, with the reason.

    No dossier code is minted; the record keeps the applicant and the procedure so that the
    supplement request can be printed and reprinted.
    """
    items = tuple(m for m in (nfc(x) for x in missing) if m)
    if not items:
        raise DomainError(ErrorCode.ACTION_FIELD_MISSING, field="missing")
    dossier = _not_received(
        ctx, request, EventKind.GUIDED, reason=reason, missing=items, officer=officer
    )
    return dossier, Changes(dossiers=True)


def refuse_dossier(
    ctx: StationContext, request: ReceptionRequest, *, reason: str, officer: str
) -> tuple[Dossier, Changes]:
    """Not eligible (Mẫu 03): record the refusal and its reason. No dossier code is minted."""
    dossier = _not_received(
        ctx, request, EventKind.REFUSED, reason=reason, missing=(), officer=officer
    )
    return dossier, Changes(dossiers=True)
