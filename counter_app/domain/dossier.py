"""The dossier, its statuses, the events that change it, and the projection rebuilding it.

A dossier row is a projection of its events (DESIGN §3): ``project(events)`` replays them in
a deterministic order and always gives the same dossier. Every change passes through
``apply_event``, which refuses a transition the status machine does not allow. Values that
need the calendar (a new due date after a supplement, an extension) are computed by the use
case and carried in the event payload, so the projection itself needs no calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from counter_app.domain.codes import parse_code
from counter_app.domain.digitisation import (
    ComponentScan,
    ReceiptSignature,
    is_digitised,
    with_scan,
    with_signature,
)
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Applicant, Channel, DocumentItem, Event, ReturnMethod
from counter_app.domain.processing_time import ProcessingTime
from counter_app.domain.register_numbers import register_label
from sync_protocol import status as status_machine


class NationalStatus(IntEnum):
    """The 10 status codes exchanged with the national portal (DVCQG)."""

    NEW_ONLINE = 1
    RECEIVED = 2
    NOT_RECEIVED = 3
    IN_PROGRESS = 4
    SUPPLEMENT_REQUESTED = 5
    FINANCIAL_OBLIGATION = 6
    WITHDRAWN = 7
    STOPPED = 8
    RESOLVED = 9
    RETURNED = 10


class Status(StrEnum):
    """Internal statuses (finer than the national ones)."""

    ONLINE_SUBMITTED = "online_submitted"
    GUIDED = "guided"  # incomplete at the counter: Mẫu 02 given, no code minted
    REFUSED = "refused"  # refused at the counter: Mẫu 03 given, no code minted
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"  # handed over to the deciding department
    SUPPLEMENT_REQUESTED = "supplement_requested"
    AWAITING_PAYMENT = "awaiting_payment"
    RESOLVED = "resolved"  # result back at the counter
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"  # stop notice, or closed after an unanswered supplement request

    @property
    def national(self) -> NationalStatus:
        return _NATIONAL[self]

    @property
    def is_open(self) -> bool:
        """True while processing goes on (the clock may be stopped)."""
        return self in _OPEN


_NATIONAL = {
    Status.ONLINE_SUBMITTED: NationalStatus.NEW_ONLINE,
    Status.GUIDED: NationalStatus.NOT_RECEIVED,
    Status.REFUSED: NationalStatus.NOT_RECEIVED,
    Status.RECEIVED: NationalStatus.RECEIVED,
    Status.IN_PROGRESS: NationalStatus.IN_PROGRESS,
    Status.SUPPLEMENT_REQUESTED: NationalStatus.SUPPLEMENT_REQUESTED,
    Status.AWAITING_PAYMENT: NationalStatus.FINANCIAL_OBLIGATION,
    Status.RESOLVED: NationalStatus.RESOLVED,
    Status.RETURNED: NationalStatus.RETURNED,
    Status.WITHDRAWN: NationalStatus.WITHDRAWN,
    Status.STOPPED: NationalStatus.STOPPED,
}
_OPEN = frozenset(Status(s) for s in status_machine.OPEN)


class EventKind(StrEnum):
    RECEIVED = "received"
    GUIDED = "guided"
    REFUSED = "refused"
    CORRECTED = "corrected"
    DUE_OVERRIDDEN = "due_overridden"
    HANDED_OVER = "handed_over"
    HANDED_BACK = "handed_back"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    PAYMENT_REQUESTED = "payment_requested"
    PAYMENT_RECEIVED = "payment_received"
    RESULT_RECEIVED = "result_received"
    APOLOGY_ISSUED = "apology_issued"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    SUPPLEMENT_EXPIRED = "supplement_expired"  # closed: supplement unanswered past the limit
    RETURNED = "returned"
    RATING_RECORDED = "rating_recorded"
    SLIP_PRINTED = "slip_printed"
    COMPONENT_DIGITISED = "component_digitised"
    COMPONENT_SIGNED = "component_signed"
    RECEIPT_SIGNED = "receipt_signed"
    CONFLICT_SETTLED = "conflict_settled"  # voids events (sync_protocol.projection)
    AUTHORITY_RECEIVED = "authority_received"  # the competent authority received it
    FEE_RECORDED = "fee_recorded"  # a fee collected, exempted or its amount set (domain.fees)
    APPROVAL_REQUESTED = "approval_requested"  # an officer's draft waiting for a leader
    APPROVAL_DECLINED = "approval_declined"  # the leader did not approve the draft


# kind -> (statuses it is allowed from, status after it; None keeps the status): the table
# of sync_protocol.status, which the province server replays too (issue 17).
TRANSITIONS: dict[EventKind, tuple[frozenset[Status], Status | None]] = {
    EventKind(kind): (frozenset(Status(s) for s in allowed), Status(to) if to else None)
    for kind, (allowed, to) in status_machine.TRANSITIONS.items()
}
CREATING_KINDS = {
    EventKind.RECEIVED: Status.RECEIVED,
    EventKind.GUIDED: Status.GUIDED,
    EventKind.REFUSED: Status.REFUSED,
}
_FINISHING = {
    EventKind.RESULT_RECEIVED,
    EventKind.WITHDRAWN,
    EventKind.STOPPED,
    EventKind.SUPPLEMENT_EXPIRED,
}


@dataclass(frozen=True, slots=True)
class Dossier:
    """The current state of a dossier, as projected from its events."""

    uuid: str
    code: str | None
    agency_id: str
    station_id: str
    procedure_code: str
    procedure_name: str
    procedure_field: str
    catalogue_version: str
    channel: Channel
    applicant: Applicant
    submitter: Applicant | None
    documents: tuple[DocumentItem, ...]
    sets: int
    return_method: ReturnMethod
    return_address: str
    fee: str
    received_at: datetime
    processing_time: ProcessingTime
    due_at: datetime | None
    original_due_at: datetime | None
    due_estimated: bool
    status: Status
    officer: str
    lookup_key: str
    rule_set: str
    reason: str = ""
    missing: tuple[str, ...] = ()
    apology_issued: bool = False
    supplement_count: int = 0
    paused_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    rating: str | None = None
    outcome: str | None = None
    updated_at: datetime | None = None
    last_event_seq: int = 0
    register_no: int | None = None
    register_prefix: str | None = None  # the receiving station's prefix (register_numbers)
    scans: tuple[ComponentScan, ...] = ()
    signed_receipt: ReceiptSignature | None = None
    # Cross-boundary dossiers (domain.cross_boundary): the scope ("" when not), the competent
    # authority as typed, when the dossier is transferred to it (the 15:00 rule), whether the
    # due date is only expected (its time runs from the authority's receipt, not recorded
    # yet), and that receipt.
    cross_boundary: str = ""
    authority: str = ""
    transfer_at: datetime | None = None
    due_expected: bool = False
    authority_received_at: datetime | None = None
    # Fees (issue 13, item 7; domain.fees): the amount due in đồng (None: unknown), what was
    # collected in all, the last payment's method, e-receipt number and day, the exemption.
    fee_due: int | None = None
    fee_collected: int = 0
    fee_method: str = ""
    fee_receipt_no: str = ""
    fee_exemption: str = ""
    fee_basis: str = ""
    fee_paid_at: datetime | None = None
    # Drafts waiting for a leader's approval (issue 13, item 8): each {"uuid", "action",
    # "request", "officer", "at"}; removed by the approving or declining event.
    pending: tuple[dict[str, Any], ...] = ()
    # Channels and identity (issue 13 item 6; models.ChannelDetail, IdentityCheck,
    # DataSource values, "" when the reception did not say).
    channel_detail: str = ""
    identity_check: str = ""
    data_source: str = ""

    @property
    def national_status(self) -> NationalStatus:
        return self.status.national

    @property
    def stats_due_at(self) -> datetime | None:
        """The due date statistics judge against: the one before any apology extension."""
        return self.original_due_at if self.apology_issued else self.due_at

    @property
    def register_label(self) -> str:
        """The register (Sổ theo dõi) number as printed, e.g. ``15-0042`` ("" when none); the
        prefix of the code stands in for a dossier minted before prefixes were recorded."""
        prefix = self.register_prefix
        if prefix is None and self.register_no and self.code:
            prefix = _code_prefix(self.code)
        return register_label(prefix, self.register_no)

    @property
    def digitised(self) -> bool:
        """Every required component digitised (``domain.digitisation`` rules)."""
        return is_digitised(self.documents, self.scans)


def _register_prefix(value: Any) -> str | None:
    """The stored prefix when it is one (digits only; any other value from the wire: none)."""
    if isinstance(value, str) and 1 <= len(value) <= 4 and value.isascii() and value.isdigit():
        return value
    return None


def _code_prefix(code: str) -> str | None:
    try:
        return parse_code(code).station_prefix
    except DomainError:
        return None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def dossier_from_snapshot(event: Event) -> Dossier:
    """Build the first state of a dossier from a creating event's payload."""
    p = event.payload
    status = CREATING_KINDS[EventKind(event.kind)]
    due = _dt(p.get("due_at"))
    submitter = p.get("submitter")
    return Dossier(
        uuid=event.dossier_uuid,
        code=p.get("code"),
        agency_id=p["agency_id"],
        station_id=event.station_id,
        procedure_code=p["procedure_code"],
        procedure_name=p["procedure_name"],
        procedure_field=p.get("procedure_field", ""),
        catalogue_version=p.get("catalogue_version", ""),
        channel=Channel(p.get("channel", Channel.DIRECT)),
        applicant=Applicant.from_json(p["applicant"]),
        submitter=Applicant.from_json(submitter) if submitter else None,
        documents=tuple(DocumentItem.from_json(d) for d in p.get("documents", [])),
        sets=int(p.get("sets", 1)),
        return_method=ReturnMethod(p.get("return_method", ReturnMethod.COUNTER)),
        return_address=p.get("return_address", ""),
        fee=p.get("fee", ""),
        received_at=event.at,
        processing_time=ProcessingTime.from_json(p["processing_time"]),
        due_at=due,
        original_due_at=due,
        due_estimated=bool(p.get("due_estimated", False)),
        status=status,
        officer=event.officer,
        lookup_key=p.get("lookup_key", ""),
        rule_set=p.get("rule_set", ""),
        reason=p.get("reason", ""),
        missing=tuple(p.get("missing", ())),
        register_no=p.get("register_no"),
        register_prefix=_register_prefix(p.get("register_prefix")),
        finished_at=event.at if status is not Status.RECEIVED else None,
        updated_at=event.at,
        last_event_seq=event.seq,
        cross_boundary=str(p.get("cross_boundary") or ""),
        authority=str(p.get("authority") or ""),
        transfer_at=_dt(p.get("transfer_at")),
        due_expected=bool(p.get("due_expected", False)),
        channel_detail=str(p.get("channel_detail") or ""),
        identity_check=str(p.get("identity_check") or ""),
        data_source=str(p.get("data_source") or ""),
        **fee_values(p.get("fee_payment"), due=p.get("fee_due"), at=event.at),
    )


def fee_values(
    payment: Any, *, due: Any = None, at: datetime, collected_before: int = 0
) -> dict[str, Any]:
    """The dossier's fee fields after a payment record (a reception's ``fee_payment`` and
    ``fee_due``, or a ``fee_recorded`` payload): amounts add up, the rest is the latest."""
    values: dict[str, Any] = {}
    if isinstance(due, int) and not isinstance(due, bool):
        values["fee_due"] = due
    if not isinstance(payment, dict):
        return values
    if isinstance(payment.get("due"), int):
        values["fee_due"] = int(payment["due"])
    collected = int(payment.get("collected") or 0)
    if collected:
        values.update(
            fee_collected=collected_before + collected,
            fee_method=str(payment.get("method") or ""),
            fee_receipt_no=str(payment.get("receipt_no") or ""),
            fee_paid_at=at,
        )
    elif payment.get("receipt_no"):
        values["fee_receipt_no"] = str(payment["receipt_no"])
    if payment.get("exemption"):
        values.update(
            fee_exemption=str(payment["exemption"]), fee_basis=str(payment.get("basis") or "")
        )
    return values


def check_allowed(dossier: Dossier, kind: EventKind) -> None:
    """Raise ACTION_NOT_ALLOWED unless ``kind`` may happen to ``dossier`` now."""
    allowed, _ = TRANSITIONS[kind]
    if dossier.status not in allowed:
        raise DomainError(ErrorCode.ACTION_NOT_ALLOWED, action=kind.value, status=dossier.status)
    if kind is EventKind.APOLOGY_ISSUED and dossier.apology_issued:
        raise DomainError(ErrorCode.APOLOGY_ALREADY_ISSUED)


_CORRECTABLE = {
    "applicant",
    "submitter",
    "documents",
    "sets",
    "return_method",
    "return_address",
    "fee",
}


def _corrected_values(changes: dict[str, Any]) -> dict[str, Any]:
    """The dossier fields a correction's ``changes`` set (keys not correctable are ignored)."""
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in _CORRECTABLE:
            continue
        if key in ("applicant", "submitter"):
            values[key] = Applicant.from_json(value) if value else None
        elif key == "documents":
            values[key] = tuple(DocumentItem.from_json(d) for d in value)
        elif key == "return_method":
            values[key] = ReturnMethod(value)
        elif key == "sets":
            values[key] = int(value)
        else:
            values[key] = str(value)
    return values


def _scan_from(event: Event) -> ComponentScan:
    p = event.payload
    return ComponentScan(
        component=int(p["component"]),
        name=str(p.get("name", "")),
        sha256=str(p["sha256"]),
        pages=int(p.get("pages", 0)),
        size=int(p.get("size", 0)),
        filename=str(p.get("filename", "")),
        at=event.at,
        officer=event.officer,
    )


def apply_event(dossier: Dossier, event: Event) -> Dossier:
    """Return the dossier after ``event``; refuse a transition the status machine forbids.

    The new values are gathered first and the dossier copied once (a dossier's projection
    replays every event through here: one copy per event, not one per changed field)."""
    kind = EventKind(event.kind)
    check_allowed(dossier, kind)
    _, to_status = TRANSITIONS[kind]
    p = event.payload
    latest = event.at if dossier.updated_at is None else max(dossier.updated_at, event.at)
    values: dict[str, Any] = {
        "updated_at": latest,
        "last_event_seq": max(dossier.last_event_seq, event.seq),
    }
    if to_status is not None:
        values["status"] = to_status
    if kind is EventKind.CORRECTED:
        values.update(_corrected_values(p.get("changes", {})))
        if dossier.signed_receipt is not None:
            values["signed_receipt"] = replace(dossier.signed_receipt, outdated=True)
    elif kind in (EventKind.DUE_OVERRIDDEN, EventKind.SUPPLEMENT_RECEIVED):
        due = _dt(p.get("due_at"))
        values.update(
            due_at=due, original_due_at=due, due_estimated=bool(p.get("due_estimated", False))
        )
        if kind is EventKind.SUPPLEMENT_RECEIVED:
            values["paused_at"] = None
    elif kind is EventKind.SUPPLEMENT_REQUESTED:
        values.update(paused_at=event.at, supplement_count=dossier.supplement_count + 1)
    elif kind is EventKind.APOLOGY_ISSUED:
        values.update(
            apology_issued=True, original_due_at=dossier.due_at, due_at=_dt(p["new_due_at"])
        )
    elif kind is EventKind.RETURNED:
        values["returned_at"] = event.at
    elif kind is EventKind.RATING_RECORDED:
        values["rating"] = str(p.get("rating"))
    elif kind is EventKind.AUTHORITY_RECEIVED:
        values["authority_received_at"] = _dt(p["received_at"])
        if p.get("due_at"):  # the rule set starts the time at this receipt: it fixes the date
            values.update(
                due_at=_dt(p["due_at"]),
                original_due_at=_dt(p["due_at"]),
                due_estimated=bool(p.get("due_estimated", False)),
                due_expected=False,
            )
    elif kind is EventKind.FEE_RECORDED:
        values.update(fee_values(p, at=event.at, collected_before=dossier.fee_collected))
    elif kind is EventKind.APPROVAL_REQUESTED:
        draft = {
            "uuid": event.uuid,
            "action": str(p.get("action")),
            "request": dict(p.get("request") or {}),
            "officer": event.officer,
            "at": event.at.isoformat(),
        }
        values["pending"] = (*dossier.pending, draft)
    elif kind is EventKind.COMPONENT_DIGITISED:
        values["scans"] = with_scan(dossier.scans, _scan_from(event))
    elif kind is EventKind.COMPONENT_SIGNED:
        values["scans"] = with_signature(
            dossier.scans,
            component=int(p["component"]),
            scan_sha256=str(p["scan_sha256"]),
            signed_sha256=str(p["sha256"]),
            signer=str(p.get("signer", "")),
            signed_at=_dt(p.get("signed_at")) or event.at,
        )
    elif kind is EventKind.RECEIPT_SIGNED:
        values["signed_receipt"] = ReceiptSignature(
            sha256=str(p["sha256"]),
            signer=str(p.get("signer", "")),
            signed_at=_dt(p.get("signed_at")) or event.at,
            officer=event.officer,
        )
    answered = p.get("approves") or p.get("draft")
    if answered and dossier.pending:
        values["pending"] = tuple(d for d in dossier.pending if d["uuid"] != answered)
    if kind in _FINISHING:
        values.update(finished_at=event.at, paused_at=None, outcome=p.get("outcome", kind.value))
    return replace(dossier, **values)


def project(events: Iterable[Event]) -> Dossier:
    """Rebuild a dossier from all its events, replayed in ``Event.order_key`` order.

    The creating event (received, guided or refused) comes first whatever its clock says; a
    stream that
    breaks the status machine raises ACTION_NOT_ALLOWED, so a projection is never half-right.
    """
    ordered = sorted(events, key=Event.order_key)
    if not ordered or ordered[0].kind not in CREATING_KINDS:
        raise DomainError(ErrorCode.ACTION_NOT_ALLOWED, action="project", status="none")
    dossier = dossier_from_snapshot(ordered[0])
    for event in ordered[1:]:
        dossier = apply_event(dossier, event)
    return dossier
