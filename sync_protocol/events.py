"""One validator of dossier events, run by the counter before it commits and by the province
server before it accepts (stdlib only).

:func:`event_problem` answers None for a valid event, else an :class:`EventProblem`: a
reason code of :class:`sync_protocol.RejectReason` and the path of the offending field
(``applicant.name``, ``documents[3].form``, ``officer``). The server answers it as the
``reason`` of a ``rejected`` result, written ``<code>:<field>`` (:meth:`EventProblem.reason`);
the part before ``:`` is the code.

What is checked, for every kind of :data:`EVENT_KINDS`:

- the envelope's texts (``officer``; the kind itself must be known: ``unknown_kind``);
- the payload against the kind's schema: required fields present (``missing_field``), of the
  right type and range (``invalid_event``); texts bounded (``text_too_long``; the limits of
  :data:`sync_protocol.text.LIMITS` for what an officer types, generous ones for catalogue
  texts) and clean (``invalid_text``: controls but tab/line breaks in multi-line texts, bidi
  marks, lone surrogates, not NFC; :mod:`sync_protocol.text`);
- every kind may carry ``hlc``, its station's hybrid logical clock stamp
  (:mod:`sync_protocol.hlc`; events without one stay valid); ``conflict_settled`` carries
  ``voided``, 1 to 500 event uuids, and an optional ``note`` (:mod:`sync_protocol.projection`);
- keys a schema does not name are allowed (a newer counter may add some), but every text in
  them obeys the same character rules (so nothing stored can break PostgreSQL or a reader).

A payload that passes is one that ``counter_app.domain.dossier.apply_event`` and
``dossier_from_snapshot`` can read without a ``KeyError``/``TypeError``/``ValueError``. The
status machine (an event at a place where its dossier's status does not allow it) is not a
property of one event: a counter checks it before committing; after a merge of offline work,
the projection keeps such an event, marks it in conflict and skips it (DESIGN §7).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sync_protocol.hlc import HLC_KEY, Hlc
from sync_protocol.text import LIMITS, PROBLEM_TOO_LONG, has_bad_characters, text_problem
from sync_protocol.v1 import CREATING_KINDS, MAX_SEQ, MAX_TEXT, EventWire, RejectReason

CATALOGUE_TEXT = 8_000  # a procedure's or a paper's legal text (the longest is 4,710)
SHORT = 200  # identifiers, codes, enumerations typed by nobody
MAX_ITEMS = 500  # papers of a checklist, missing items
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_AGENCY_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SETTLE_KIND = "conflict_settled"


@dataclass(frozen=True, slots=True)
class EventProblem:
    """Why an event is refused: a :class:`RejectReason` value and the field's path."""

    code: str
    field: str
    limit: int | None = None  # the maximum passed (text_too_long)

    def reason(self) -> str:
        return f"{self.code}:{self.field}" if self.field else self.code


class _InvalidError(Exception):
    def __init__(self, code: str, path: str = "", limit: int | None = None) -> None:
        super().__init__(code, path)
        self.code = code
        self.path = path
        self.limit = limit


Check = Callable[[Any], None]  # raises _InvalidError (its path relative to the value)


def _type_error() -> _InvalidError:
    return _InvalidError(RejectReason.INVALID_EVENT)


# --- field checks -------------------------------------------------------------------------


def text(
    limit: int, *, required: bool = False, multiline: bool = False, nullable: bool = False
) -> Check:
    """A string of at most ``limit`` characters (``required``: not blank)."""

    def check(value: Any) -> None:
        if value is None and nullable:
            return
        if value is None and required:
            raise _InvalidError(RejectReason.MISSING_FIELD)
        if not isinstance(value, str):
            raise _type_error()
        problem = text_problem(value, limit=limit, multiline=multiline)
        if problem is not None:
            if problem == PROBLEM_TOO_LONG:
                raise _InvalidError(RejectReason.TEXT_TOO_LONG, limit=limit)
            raise _InvalidError(RejectReason.INVALID_TEXT)
        if required and not value.strip():
            raise _InvalidError(RejectReason.MISSING_FIELD)

    return check


def one_of(values: frozenset[Any], *, nullable: bool = False) -> Check:
    def check(value: Any) -> None:
        if value is None and nullable:
            return
        if isinstance(value, bool) or value not in values:
            raise _type_error()

    return check


def integer(low: int, high: int, *, nullable: bool = False) -> Check:
    def check(value: Any) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _type_error()

    return check


def number(low: float, high: float) -> Check:
    def check(value: Any) -> None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _type_error()
        if not low <= value <= high:
            raise _type_error()

    return check


def boolean(value: Any) -> None:
    if not isinstance(value, bool):
        raise _type_error()


def flag(value: Any) -> None:
    """A boolean, or 0/1 (older counters wrote some flags as integers)."""
    if not isinstance(value, bool | int) or value not in (0, 1):
        raise _type_error()


def instant(*, nullable: bool = True) -> Check:
    """An ISO 8601 time with a UTC offset (what ``datetime.fromisoformat`` reads back)."""

    def check(value: Any) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or len(value) > 40 or not value.isascii():
            raise _type_error()
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise _type_error() from None
        if parsed.utcoffset() is None:
            raise _type_error()

    return check


def day(value: Any) -> None:
    """A calendar date ``yyyy-mm-dd`` or null."""
    if value is None or value == "":
        return
    if not isinstance(value, str) or len(value) != 10 or not value.isascii():
        raise _type_error()
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _type_error() from None


def sha256(value: Any) -> None:
    if not isinstance(value, str) or not _SHA256_RE.match(value):
        raise _type_error()


def event_uuid(value: Any) -> None:
    """An event's uuid in canonical form (lower case, with dashes)."""
    if not isinstance(value, str) or not _UUID_RE.match(value):
        raise _type_error()


def voided(value: Any) -> None:
    """The events a settlement voids: 1 to MAX_ITEMS event uuids."""
    if isinstance(value, list) and not value:
        raise _InvalidError(RejectReason.MISSING_FIELD)
    items(event_uuid)(value)


def hlc_stamp(value: Any) -> None:
    """A hybrid logical clock stamp ``"<wall ms>.<logical>"`` (sync_protocol.hlc)."""
    if Hlc.parse(value) is None:
        raise _type_error()


def agency(value: Any) -> None:
    if not isinstance(value, str) or len(value) > 35 or not _AGENCY_RE.match(value):
        raise _type_error()


Fields = dict[str, tuple[Check, bool]]  # key -> (check, required)


def obj(fields: Fields, *, nullable: bool = False) -> Check:
    """An object whose named keys pass their checks; other keys only the character rules."""

    def check(value: Any) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, dict):
            raise _type_error()
        check_fields(value, fields)

    return check


def items(item: Check, *, max_items: int = MAX_ITEMS) -> Check:
    def check(value: Any) -> None:
        if not isinstance(value, list):
            raise _type_error()
        if len(value) > max_items:
            raise _InvalidError(RejectReason.TEXT_TOO_LONG, limit=max_items)
        for index, element in enumerate(value):
            try:
                item(element)
            except _InvalidError as invalid:
                invalid.path = _join(f"[{index}]", invalid.path)
                raise

    return check


def _join(key: str, sub: str) -> str:
    """``key`` then the path below it (``applicant`` + ``name``; ``documents`` + ``[3].form``)."""
    if not sub:
        return key
    return f"{key}{sub}" if sub.startswith("[") else f"{key}.{sub}"


def check_fields(data: dict[str, Any], fields: Fields) -> None:
    seen = 0
    for key, (check, required) in fields.items():
        if key in data:
            seen += 1
            try:
                check(data[key])
            except _InvalidError as invalid:
                invalid.path = _join(key, invalid.path)
                raise
        elif required:
            raise _InvalidError(RejectReason.MISSING_FIELD, key)
    if seen != len(data):
        for key, value in data.items():
            if key not in fields:
                _check_any(value, str(key), depth=0)


def _check_any(value: Any, path: str, *, depth: int) -> None:
    """A value no schema names: any JSON, but its texts (keys too) obey the character rules."""
    if depth > 16:
        raise _InvalidError(RejectReason.INVALID_EVENT, path)
    if isinstance(value, str):
        if has_bad_characters(value, multiline=True):
            raise _InvalidError(RejectReason.INVALID_TEXT, path)
    elif isinstance(value, dict):
        for key, element in value.items():
            if not isinstance(key, str) or has_bad_characters(key):
                raise _InvalidError(RejectReason.INVALID_TEXT, path)
            _check_any(element, _join(path, key), depth=depth + 1)
    elif isinstance(value, list):
        for element in value:
            _check_any(element, path, depth=depth + 1)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _InvalidError(RejectReason.INVALID_EVENT, path)
    elif value is not None and not isinstance(value, bool | int):
        raise _InvalidError(RejectReason.INVALID_EVENT, path)


def _any_object(value: Any) -> None:
    """A JSON object of any shape whose texts obey the character rules (a draft's request:
    checked again, whole, by the action that approves it)."""
    if not isinstance(value, dict):
        raise _type_error()
    _check_any(value, "", depth=0)


# --- schemas ------------------------------------------------------------------------------


def _limit(field: str) -> int:
    return LIMITS[field]


NOTE = text(_limit("note"), multiline=True)
REASON = text(_limit("reason"), multiline=True)
REQUIRED_REASON = text(_limit("reason"), multiline=True, required=True)
LINE = text(SHORT)
FORMS = frozenset({"original", "certified_copy", "copy", "original_and_copy"})
RETURN_METHODS = frozenset({"counter", "postal", "electronic", "vneid"})
TIME_UNITS = frozenset(
    {
        "working_days",
        "working_hours",
        "calendar_days",
        "months",
        "same_day",
        "no_due_date",
        "unknown",
    }
)
CHANNELS = frozenset({1, 2, 3})
CHANNEL_DETAILS = frozenset({"kiosk", "vneid"})
IDENTITY_CHECKS = frozenset({"card_seen", "qr", "chip", "vneid"})
DATA_SOURCES = frozenset({"national_db", "papers"})
CROSS_BOUNDARY = frozenset({"", "other_agency", "other_province"})

APPLICANT: Fields = {
    "name": (text(_limit("name"), required=True), True),
    "id_number": (text(_limit("id_number")), True),
    "birth_date": (day, False),
    "sex": (text(20, nullable=True), False),
    "address": (text(_limit("address"), nullable=True), False),
    "phone": (text(_limit("phone"), nullable=True), False),
    "old_id_number": (text(_limit("old_id_number"), nullable=True), False),
    "issue_date": (day, False),
    # The 2024 card's QR fields 8 and after, raw (issue 13 item 9; optional).
    "qr_extra": (items(text(300), max_items=16), False),
}
DOCUMENT: Fields = {
    "name": (text(CATALOGUE_TEXT, multiline=True), True),
    "form": (one_of(FORMS), False),
    "count": (integer(0, 999), False),
    "received": (flag, False),
    "group": (text(CATALOGUE_TEXT, multiline=True, nullable=True), False),
    "title": (text(CATALOGUE_TEXT, multiline=True, nullable=True), False),
    "show_only": (flag, False),
    "conditional": (flag, False),
}
DOCUMENTS = items(obj(DOCUMENT))
# What a correction may change (counter_app.domain.dossier._CORRECTABLE) and how.
CORRECTABLE: Fields = {
    "applicant": (obj(APPLICANT), False),
    "submitter": (obj(APPLICANT, nullable=True), False),
    "documents": (DOCUMENTS, False),
    "sets": (integer(1, 99), False),
    "return_method": (one_of(RETURN_METHODS), False),
    "return_address": (text(_limit("return_address")), False),
    "fee": (text(CATALOGUE_TEXT, multiline=True), False),
}
PAPER_REF: Fields = {
    "ref": (integer(0, MAX_ITEMS), True),
    "received": (flag, False),
    "count": (integer(0, 999), False),
    "form": (one_of(FORMS), False),
}


def _paper(value: Any) -> None:
    """One entry of ``papers``: an index, an index with what differs, or a whole paper."""
    if isinstance(value, dict) and "name" in value:
        obj(DOCUMENT)(value)
    elif isinstance(value, dict):
        obj(PAPER_REF)(value)
    else:
        integer(0, MAX_ITEMS)(value)


MAX_AMOUNT = 10_000_000_000  # dong (VND)
FEE_METHODS = frozenset({"cash", "transfer", "online"})
FEE_PAYMENT: Fields = {
    "due": (integer(0, MAX_AMOUNT, nullable=True), False),
    "collected": (integer(0, MAX_AMOUNT), False),
    "method": (one_of(FEE_METHODS), False),
    "receipt_no": (text(64), False),
    "exemption": (text(64), False),
    "basis": (text(_limit("reason")), False),
    "note": (NOTE, False),
}
APPROVABLE = frozenset({"apology", "correct"})


CREATING: Fields = {
    "code": (text(64, nullable=True), True),
    "agency_id": (agency, True),
    "procedure_code": (text(64, required=True), True),
    "procedure_name": (text(CATALOGUE_TEXT, multiline=True), True),
    "procedure_field": (text(CATALOGUE_TEXT, multiline=True), False),
    "catalogue_version": (LINE, False),
    "channel": (one_of(CHANNELS), False),
    "applicant": (obj(APPLICANT), True),
    "submitter": (obj(APPLICANT, nullable=True), False),
    "documents": (DOCUMENTS, False),
    "sets": (integer(1, 99), False),
    "return_method": (one_of(RETURN_METHODS), False),
    "return_address": (text(_limit("return_address"), nullable=True), False),
    "fee": (text(CATALOGUE_TEXT, multiline=True), False),
    "processing_time": (
        obj({"unit": (one_of(TIME_UNITS), True), "amount": (number(0, 1e6), False)}),
        True,
    ),
    "due_at": (instant(), False),
    "due_estimated": (flag, False),
    "lookup_key": (text(32), False),
    "rule_set": (LINE, False),
    "register_no": (integer(0, MAX_SEQ, nullable=True), False),
    "reason": (REASON, False),
    "missing": (items(text(_limit("reason"), multiline=True)), False),
    "due_computed": (instant(), False),
    "due_override_reason": (text(_limit("due_override_reason"), multiline=True), False),
    # The papers by reference to the catalogue checklist (counter_app.domain.paper_refs), in
    # place of ``documents``: a digest of the checklist, then per paper its index, or its index
    # with what differs, or the whole paper (one the officer typed).
    "checklist": (text(32, required=True), False),
    "papers": (items(_paper), False),
    # Channels and identity (issue 13 item 6, optional): where an online dossier was filed
    # (kiosk, VNeID), how the identity was checked, whether the data came from the national
    # databases or from papers because they could not be reached (Decree 309 Art. 4.2a).
    "channel_detail": (one_of(CHANNEL_DETAILS), False),
    "identity_check": (one_of(IDENTITY_CHECKS), False),
    "data_source": (one_of(DATA_SOURCES), False),
    # Cross-boundary reception (counter_app.domain.cross_boundary): the scope, the competent
    # authority, the transfer instant (15:00 rule) and whether ``due_at`` is only expected.
    "cross_boundary": (one_of(CROSS_BOUNDARY), False),
    "authority": (text(_limit("address")), False),
    "transfer_at": (instant(), False),
    "due_expected": (flag, False),
    # Fees (issue 13, counter_app.domain.fees): the amount due, what was paid at reception.
    "fee_due": (integer(0, MAX_AMOUNT, nullable=True), False),
    "fee_payment": (obj(FEE_PAYMENT), False),
}
_SIGNED: Fields = {
    "sha256": (sha256, True),
    "signer": (text(SHORT), False),
    "signed_at": (instant(), False),
}
PAYLOADS: dict[str, Fields] = {
    "received": {**CREATING, "code": (text(64, required=True), True)},
    "guided": CREATING,
    "refused": CREATING,
    "corrected": {
        "changes": (obj(CORRECTABLE), True),
        "reason": (REASON, False),
        "approves": (event_uuid, False),
    },
    "due_overridden": {
        "due_at": (instant(), False),
        "due_estimated": (flag, False),
        "reason": (REASON, False),
    },
    "handed_over": {"to": (text(_limit("address")), False), "note": (NOTE, False)},
    "handed_back": {"from": (text(_limit("address")), False), "note": (NOTE, False)},
    "supplement_requested": {
        "items": (items(text(_limit("reason"), multiline=True)), False),
        "reason": (REASON, False),
    },
    "supplement_received": {
        "due_at": (instant(), False),
        "due_estimated": (flag, False),
        "mode": (LINE, False),
        "note": (NOTE, False),
    },
    "payment_requested": {"note": (NOTE, False)},
    "payment_received": {"note": (NOTE, False)},
    "result_received": {
        "outcome": (LINE, False),
        "note": (NOTE, False),
        "result_number": (LINE, False),
    },
    "apology_issued": {
        "new_due_at": (instant(nullable=False), True),
        "reason": (REASON, False),
        "approves": (event_uuid, False),  # the officer's draft a leader approved
    },
    "withdrawn": {"reason": (REASON, False), "outcome": (LINE, False)},
    "stopped": {
        "reason": (REASON, False),
        "outcome": (LINE, False),
        "reason_key": (LINE, False),  # the stop reason chosen (counter_app.texts.forms)
    },
    "supplement_expired": {
        "requested_at": (instant(), False),  # the supplement request it closes
        "limit_at": (instant(), False),  # when the rule set's period ran out
        "amount": (integer(0, 10_000), False),
        "unit": (LINE, False),
        "rule_set": (LINE, False),
        "outcome": (LINE, False),
    },
    "returned": {
        "receiver_name": (text(_limit("name")), False),
        "receiver_is_applicant": (flag, False),
        "originals_returned": (flag, False),
        "note": (NOTE, False),
    },
    "rating_recorded": {
        "rating": (LINE, True),
        "comment": (NOTE, False),
        "reason": (REASON, False),  # why a second rating replaces the first
    },
    "fee_recorded": FEE_PAYMENT,
    "approval_requested": {
        "action": (one_of(APPROVABLE), True),
        "request": (_any_object, True),
        "note": (NOTE, False),
    },
    "approval_declined": {"draft": (event_uuid, True), "reason": (REASON, False)},
    "slip_printed": {
        "form": (LINE, False),
        "size": (LINE, False),
        "sha256": (text(64), False),
        "reprint": (flag, False),
        "template": (LINE, False),
        "reissue_after_correction": (flag, False),
    },
    "component_digitised": {
        "component": (integer(0, MAX_ITEMS), True),
        "name": (text(CATALOGUE_TEXT, multiline=True), False),
        "sha256": (sha256, True),
        "pages": (integer(0, 100_000), False),
        "size": (integer(0, MAX_SEQ), False),
        "filename": (text(1000), False),
    },
    "component_signed": {
        **_SIGNED,
        "component": (integer(0, MAX_ITEMS), True),
        "scan_sha256": (sha256, True),
    },
    "receipt_signed": _SIGNED,
    # The competent authority's receipt of a cross-boundary dossier: when (``received_at``)
    # and, when the dossier's rule set starts its time there, the due date it fixes.
    "authority_received": {
        "received_at": (instant(nullable=False), True),
        "due_at": (instant(), False),
        "due_estimated": (flag, False),
        "by": (text(_limit("name")), False),
        "note": (NOTE, False),
    },
    # A settlement of conflicts (sync_protocol.projection): the events it voids are skipped.
    SETTLE_KIND: {
        "voided": (voided, True),
        "note": (NOTE, False),
    },
}
# Every kind may carry the hybrid logical clock stamp of its station (sync_protocol.hlc).
for _fields in PAYLOADS.values():
    _fields[HLC_KEY] = (hlc_stamp, False)
EVENT_KINDS = frozenset(PAYLOADS)
FOLLOW_UP_KINDS = EVENT_KINDS - CREATING_KINDS
_OFFICER = text(MAX_TEXT)


def event_problem(event: EventWire) -> EventProblem | None:
    """None when ``event`` is valid (module docstring), else why not."""
    return payload_problem(event.kind, event.payload, officer=event.officer)


def payload_problem(kind: str, payload: Any, *, officer: str = "") -> EventProblem | None:
    """The same check on the parts of an event (the counter's, before it has a wire form)."""
    fields = PAYLOADS.get(kind)
    if fields is None:
        return EventProblem(RejectReason.UNKNOWN_KIND.value, "kind")
    try:
        try:
            _OFFICER(officer)
        except _InvalidError as invalid:
            invalid.path = "officer"
            raise
        if not isinstance(payload, dict):
            raise _InvalidError(RejectReason.INVALID_EVENT, "payload")
        check_fields(payload, fields)
    except _InvalidError as invalid:
        return EventProblem(str(invalid.code), invalid.path, invalid.limit)
    return None
