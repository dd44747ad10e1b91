"""The shared event validator (sync_protocol.events), kind by kind, and the total projection.

Every good payload below is what the counter's use cases write; every bad one is a payload
the old server accepted and that broke (or could break) a station's projection.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta
from typing import Any

import pytest

from counter_app.domain.dossier import EventKind, project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Event
from counter_app.domain.total_projection import project_total
from sync_protocol import EventWire
from sync_protocol.events import EVENT_KINDS, PAYLOADS, payload_problem
from sync_protocol.status import replay
from sync_protocol.text import LIMITS, text_problem
from tests.conftest import make_applicant

AT = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
SHA = "a" * 64
RECEIVED: dict[str, Any] = {
    "code": "000.00.20.H56-260302-0001",
    "agency_id": "000.00.20.H56",
    "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "procedure_field": "Hộ tịch",
    "catalogue_version": "",
    "channel": 1,
    "applicant": make_applicant().to_json(),
    "submitter": None,
    "documents": [
        {"name": "Tờ khai đăng ký khai sinh", "form": "original", "count": 1, "received": True}
    ],
    "sets": 1,
    "return_method": "counter",
    "return_address": "",
    "fee": "Miễn lệ phí",
    "processing_time": {"unit": "working_days", "amount": 3},
    "due_at": "2026-03-05T09:00:00+07:00",
    "due_estimated": False,
    "lookup_key": "ABC234",
    "rule_set": "ND118-2025/TT03-2025",
    "register_no": 7,
}
GOOD: dict[str, dict[str, Any]] = {
    "received": RECEIVED,
    "guided": {**RECEIVED, "code": None, "lookup_key": "", "reason": "Thiếu", "missing": ["A"]},
    "refused": {**RECEIVED, "code": None, "lookup_key": "", "reason": "Không thuộc thẩm quyền"},
    "corrected": {"changes": {"applicant": make_applicant().to_json(), "sets": 2}, "reason": ""},
    "due_overridden": {"due_at": "2026-03-06T09:00:00+07:00", "due_estimated": False},
    "handed_over": {"to": "Phòng Tư pháp", "note": "dòng 1\ndòng 2\tcột"},
    "handed_back": {"from": "", "note": ""},
    "supplement_requested": {"items": ["Bản sao giấy chứng sinh"], "reason": "Thiếu giấy"},
    "supplement_received": {"due_at": None, "due_estimated": True, "mode": "restart", "note": ""},
    "payment_requested": {},
    "payment_received": {},
    "result_received": {"outcome": "approved", "note": "", "result_number": "12/QĐ"},
    "apology_issued": {"new_due_at": "2026-03-09T09:00:00+07:00", "reason": "Chậm"},
    "withdrawn": {"reason": "Công dân xin rút"},
    "stopped": {"reason": "Dừng"},
    "authority_received": {
        "received_at": "2026-03-03T09:00:00+07:00",
        "due_at": "2026-03-06T09:00:00+07:00",
        "due_estimated": False,
        "by": "Văn thư Sở Tư pháp",
    },
    "supplement_expired": {
        "requested_at": "2026-03-02T09:00:00+07:00",
        "limit_at": "2026-03-17T09:00:00+07:00",
        "amount": 15,
        "unit": "calendar_days",
        "rule_set": "ND118-2025/TT03-2025",
        "outcome": "supplement_expired",
    },
    "returned": {
        "receiver_name": "Nguyễn Văn Đức",
        "receiver_is_applicant": True,
        "originals_returned": True,
        "note": "",
    },
    "rating_recorded": {"rating": "hai_long", "comment": ""},
    "slip_printed": {"form": "receipt", "size": "a5", "sha256": SHA, "reprint": False},
    "component_digitised": {
        "component": 0,
        "name": "Tờ khai",
        "sha256": SHA,
        "pages": 2,
        "size": 1234,
        "filename": "to-khai.pdf",
    },
    "component_signed": {
        "component": 0,
        "sha256": SHA,
        "scan_sha256": "b" * 64,
        "signer": "Nguyễn Văn A",
        "signed_at": "2026-03-02T10:00:00+07:00",
    },
    "receipt_signed": {"sha256": SHA, "signer": "Nguyễn Văn A", "signed_at": None},
    "conflict_settled": {"voided": ["33333333-3333-4333-8333-333333333333"], "note": "Nhầm"},
    # Fees and drafts (issue 13 items 7 and 8)
    "fee_recorded": {
        "due": 20000,
        "collected": 20000,
        "method": "cash",
        "receipt_no": "BL-0001",
        "note": "",
    },
    "approval_requested": {
        "action": "apology",
        "request": {"new_due": "2026-03-06T10:00", "reason": "Chờ xác minh"},
    },
    "approval_declined": {"draft": "33333333-3333-4333-8333-333333333333", "reason": "Chưa đủ"},
}


def with_value(payload: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``payload`` with ``path`` (``a.b``) set to ``value`` (… deleted)."""
    out = copy.deepcopy(payload)
    *parents, leaf = path.split(".")
    node = out
    for key in parents:
        node = node[key]
    if value is ...:
        del node[leaf]
    else:
        node[leaf] = value
    return out


def test_every_kind_of_the_domain_has_a_schema_and_its_good_payload_passes() -> None:
    assert EVENT_KINDS == {k.value for k in EventKind} == set(GOOD)
    for kind, payload in GOOD.items():
        assert payload_problem(kind, payload, officer="canbo") is None, kind


# (kind, path, value, expected reason): ... deletes the field.
BAD = [
    ("received", "code", None, "missing_field:code"),  # the poisoned event
    ("authority_received", "received_at", ..., "missing_field:received_at"),
    ("authority_received", "received_at", "2026-03-03T09:00:00", "invalid_event:received_at"),
    ("received", "cross_boundary", "elsewhere", "invalid_event:cross_boundary"),
    ("received", "procedure_code", ..., "missing_field:procedure_code"),
    ("received", "applicant", ..., "missing_field:applicant"),
    ("received", "applicant", "Nguyễn", "invalid_event:applicant"),
    ("received", "applicant.name", "Nguyễn\x00Văn", "invalid_text:applicant.name"),
    ("received", "applicant.name", "x" * 1_000_000, "text_too_long:applicant.name"),
    ("received", "applicant.name", "Nguyễn\nVăn", "invalid_text:applicant.name"),
    ("received", "applicant.name", "\u202eNguyễn", "invalid_text:applicant.name"),
    ("received", "applicant.name", "Nguy\ud800n", "invalid_text:applicant.name"),
    ("received", "applicant.name", "Nguye\u0302\u0303n", "invalid_text:applicant.name"),  # NFD
    ("received", "applicant.name", "   ", "missing_field:applicant.name"),
    ("received", "applicant.birth_date", "31/01/1990", "invalid_event:applicant.birth_date"),
    ("received", "applicant.address", "a" * 301, "text_too_long:applicant.address"),
    ("received", "agency_id", "x; drop", "invalid_event:agency_id"),
    ("received", "channel", "1", "invalid_event:channel"),
    ("received", "sets", True, "invalid_event:sets"),
    ("received", "sets", 0, "invalid_event:sets"),
    ("received", "return_method", None, "invalid_event:return_method"),
    ("received", "processing_time", {"unit": "weeks"}, "invalid_event:processing_time.unit"),
    ("received", "processing_time", ..., "missing_field:processing_time"),
    ("received", "due_at", "2026-03-05T09:00:00", "invalid_event:due_at"),  # no offset
    ("received", "due_at", 5, "invalid_event:due_at"),
    ("received", "documents", {"name": "x"}, "invalid_event:documents"),
    ("received", "documents", [{"form": "copy"}], "missing_field:documents[0].name"),
    ("received", "documents", [{"name": "x", "form": "?"}], "invalid_event:documents[0].form"),
    ("received", "register_no", "7", "invalid_event:register_no"),
    ("received", "extra", {"k": "a\x01b"}, "invalid_text:extra.k"),  # unknown keys: texts
    ("guided", "missing", None, "invalid_event:missing"),
    ("guided", "missing", ["ok", 3], "invalid_event:missing[1]"),
    ("corrected", "changes", ..., "missing_field:changes"),
    ("corrected", "changes", {"applicant": None}, "invalid_event:changes.applicant"),
    ("corrected", "changes", {"return_method": "fax"}, "invalid_event:changes.return_method"),
    ("handed_over", "note", "a\x07b", "invalid_text:note"),
    ("handed_over", "note", "a" * 2001, "text_too_long:note"),
    ("supplement_requested", "items", ["a"] * 501, "text_too_long:items"),
    ("apology_issued", "new_due_at", ..., "missing_field:new_due_at"),
    ("apology_issued", "new_due_at", None, "invalid_event:new_due_at"),
    ("returned", "receiver_name", "a" * 101, "text_too_long:receiver_name"),
    ("rating_recorded", "rating", ..., "missing_field:rating"),
    ("fee_recorded", "collected", -1, "invalid_event:collected"),
    ("fee_recorded", "method", "cheque", "invalid_event:method"),
    ("approval_requested", "action", "withdraw", "invalid_event:action"),
    ("approval_declined", "draft", "not-a-uuid", "invalid_event:draft"),
    ("component_digitised", "component", "0", "invalid_event:component"),
    ("component_digitised", "sha256", "not-a-digest", "invalid_event:sha256"),
    ("component_signed", "scan_sha256", ..., "missing_field:scan_sha256"),
    ("receipt_signed", "signed_at", "yesterday", "invalid_event:signed_at"),
]


@pytest.mark.parametrize(("kind", "path", "value", "reason"), BAD)
def test_a_bad_payload_is_refused_with_its_reason_and_field(
    kind: str, path: str, value: Any, reason: str
) -> None:
    problem = payload_problem(kind, with_value(GOOD[kind], path, value), officer="canbo")
    assert problem is not None and problem.reason() == reason


def test_kind_officer_and_payload_type_are_checked_too() -> None:
    assert payload_problem("deleted", {}).reason() == "unknown_kind:kind"  # type: ignore[union-attr]
    problem = payload_problem("withdrawn", {}, officer="can\x00bo")
    assert problem is not None and problem.reason() == "invalid_text:officer"
    problem = payload_problem("withdrawn", ["reason"])
    assert problem is not None and problem.reason() == "invalid_event:payload"


def test_the_text_rules_and_limits_are_those_of_the_form() -> None:
    assert (LIMITS["name"], LIMITS["address"], LIMITS["note"]) == (100, 300, 2000)
    assert text_problem("Nguyễn Văn Đức", limit=100) is None
    assert text_problem("dòng 1\r\ndòng 2\tcột", limit=100, multiline=True) is None
    assert text_problem("dòng 1\ndòng 2", limit=100) == "characters"
    assert text_problem("a\x85b", limit=100, multiline=True) == "characters"  # C1 control
    assert text_problem("a\u2066b", limit=100, multiline=True) == "characters"
    assert text_problem("e\u0301", limit=100) == "not_nfc"
    assert text_problem("x" * 101, limit=100) == "too_long"
    assert PAYLOADS["received"]["applicant"][1] is True


def _event(kind: str, payload: dict[str, Any], minutes: int, seq: int) -> Event:
    return Event(
        uuid=f"00000000-0000-4000-8000-{seq:012d}",
        dossier_uuid="11111111-1111-4111-8111-111111111111",
        kind=kind,
        station_id="22222222-2222-4222-8222-222222222222",
        seq=seq,
        officer="canbo",
        at=AT + timedelta(minutes=minutes),
        payload=payload,
    )


def test_the_total_projection_skips_what_cannot_be_applied_and_says_why() -> None:
    events = [
        _event("received", RECEIVED, 0, 1),
        _event("result_received", GOOD["result_received"], 10, 2),
        _event("withdrawn", GOOD["withdrawn"], 11, 3),  # after the result: not allowed
        _event("apology_issued", {}, 12, 4),  # a KeyError for the old projection
        _event("returned", GOOD["returned"], 13, 5),
        _event("received", RECEIVED, 14, 6),  # a second creating event
        _event("payment_requested", {"note": "a\x00"}, 15, 7),
    ]
    with pytest.raises((DomainError, KeyError)):  # the old projection stops on them
        project(events)
    with pytest.raises(DomainError) as refused:
        project(events[:3])
    assert refused.value.code is ErrorCode.ACTION_NOT_ALLOWED
    result = project_total(events)
    assert result.dossier is not None and result.dossier.status == "returned"
    reasons = {c.event_uuid[-1]: c.reason for c in result.conflicts}
    assert reasons == {
        "3": "action_not_allowed",
        "4": "missing_field:new_due_at",
        "6": "duplicate_dossier",
        "7": "invalid_text:note",
    }
    assert project_total(list(reversed(events))) == result  # any arrival order, same result


def test_a_dossier_without_a_usable_creating_event_is_set_aside_whole() -> None:
    bad = {**RECEIVED, "code": None}  # the poisoned event of the issue
    events = [_event("received", bad, 0, 1), _event("handed_over", {"to": "Phòng"}, 1, 2)]
    result = project_total(events)
    assert result.dossier is None
    assert [c.reason for c in result.conflicts] == ["missing_field:code", "no_creating_event"]


def _wire(event: Event) -> EventWire:
    return EventWire(
        event.uuid,
        event.dossier_uuid,
        event.kind,
        event.station_id,
        event.seq,
        event.officer,
        event.at.isoformat(),
        event.payload,
    )


def test_the_shared_status_replay_agrees_with_the_counters_total_projection() -> None:
    rng = random.Random(17)
    kinds = [k for k in GOOD if k not in ("received", "guided", "refused")]
    seen: set[str] = set()
    for _ in range(300):
        events = []
        for seq in range(1, rng.randint(1, 12)):
            kind = rng.choice(kinds) if seq > 1 or rng.random() < 0.1 else "received"
            payload = GOOD[kind] if rng.random() > 0.1 else {"note": "a\x00"}
            if rng.random() < 0.05:
                kind, payload = "received", RECEIVED  # a second creating event
            events.append(_event(kind, payload, rng.randint(0, 30), seq))
        counter = project_total(events)
        server = replay([_wire(e) for e in events])
        assert server.status == (counter.dossier.status if counter.dossier else None)
        assert list(server.conflicts) == [(c.event_uuid, c.reason) for c in counter.conflicts]
        seen |= {str(server.status)} | {reason for _, reason in server.conflicts}
    assert {"returned", "withdrawn", "action_not_allowed", "duplicate_dossier"} <= seen
    assert {"apology_already_issued", "no_creating_event", "invalid_text:note"} <= seen
