from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from counter_app.domain.dossier import (
    TRANSITIONS,
    EventKind,
    NationalStatus,
    Status,
    apply_event,
    dossier_from_snapshot,
    project,
)
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Event
from tests.conftest import make_applicant

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def _event(
    kind: EventKind,
    seq: int,
    payload: dict | None = None,
    *,
    hours: float = 0,
    station: str = "st-1",
) -> Event:
    return Event(
        uuid=f"e{seq}-{station}",
        dossier_uuid="d1",
        kind=kind.value,
        station_id=station,
        seq=seq,
        officer="canbo",
        at=T0 + timedelta(hours=hours),
        payload=payload or {},
    )


def _received() -> Event:
    return _event(
        EventKind.RECEIVED,
        1,
        {
            "code": "000.00.19.H56-260302-000001",
            "agency_id": "000.00.19.H56",
            "procedure_code": "1.001193",
            "procedure_name": "Thủ tục đăng ký khai sinh",
            "procedure_field": "Hộ tịch",
            "applicant": make_applicant().to_json(),
            "processing_time": {"unit": "working_days", "amount": 3},
            "due_at": "2026-03-05T09:00:00+07:00",
            "documents": [],
        },
    )


def test_every_internal_status_maps_to_a_national_code_and_all_ten_are_used() -> None:
    assert {s.national for s in Status} == set(NationalStatus)


def test_life_of_a_dossier_and_rebuild_from_events() -> None:
    events = [
        _received(),
        _event(EventKind.HANDED_OVER, 2, {"to": "Tư pháp"}, hours=1),
        _event(EventKind.SUPPLEMENT_REQUESTED, 3, {"reason": "thiếu"}, hours=2),
        _event(EventKind.SUPPLEMENT_RECEIVED, 4, {"due_at": "2026-03-09T11:00:00+07:00"}, hours=26),
        _event(EventKind.APOLOGY_ISSUED, 5, {"new_due_at": "2026-03-12T09:00:00+07:00"}, hours=27),
        _event(EventKind.RESULT_RECEIVED, 6, {"outcome": "approved"}, hours=50),
        _event(EventKind.RETURNED, 7, {"receiver": "Nguyễn Văn Đức"}, hours=51),
        _event(EventKind.RATING_RECORDED, 8, {"rating": "rat_hai_long"}, hours=51),
    ]
    dossier = project(events)
    assert dossier.status is Status.RETURNED
    assert dossier.national_status is NationalStatus.RETURNED
    assert dossier.supplement_count == 1
    assert dossier.apology_issued
    assert dossier.due_at == datetime(2026, 3, 12, 9, 0, tzinfo=VN_TZ)
    assert dossier.stats_due_at == datetime(2026, 3, 9, 11, 0, tzinfo=VN_TZ)
    assert dossier.finished_at == T0 + timedelta(hours=50)
    assert dossier.rating == "rat_hai_long"
    # order of arrival does not matter
    assert project(reversed(events)) == dossier


@pytest.mark.parametrize(
    ("before", "kind"),
    [
        ([], EventKind.RETURNED),  # returning an unresolved dossier
        ([], EventKind.SUPPLEMENT_RECEIVED),
        ([(EventKind.RESULT_RECEIVED, {})], EventKind.HANDED_OVER),
        ([(EventKind.WITHDRAWN, {})], EventKind.RESULT_RECEIVED),
        ([(EventKind.SUPPLEMENT_REQUESTED, {})], EventKind.APOLOGY_ISSUED),
    ],
)
def test_actions_not_allowed_in_the_current_status(before: list, kind: EventKind) -> None:
    dossier = dossier_from_snapshot(_received())
    for i, (k, payload) in enumerate(before, start=2):
        dossier = apply_event(dossier, _event(k, i, payload, hours=i))
    with pytest.raises(DomainError) as info:
        apply_event(dossier, _event(kind, 99, {"new_due_at": T0.isoformat()}, hours=99))
    assert info.value.code is ErrorCode.ACTION_NOT_ALLOWED


def test_second_apology_is_refused() -> None:
    dossier = dossier_from_snapshot(_received())
    payload = {"new_due_at": "2026-03-12T09:00:00+07:00"}
    dossier = apply_event(dossier, _event(EventKind.APOLOGY_ISSUED, 2, payload, hours=1))
    with pytest.raises(DomainError) as info:
        apply_event(dossier, _event(EventKind.APOLOGY_ISSUED, 3, payload, hours=2))
    assert info.value.code is ErrorCode.APOLOGY_ALREADY_ISSUED


def test_projection_needs_a_creating_event() -> None:
    with pytest.raises(DomainError):
        project([_event(EventKind.HANDED_OVER, 2)])


def test_correction_changes_only_correctable_fields() -> None:
    dossier = dossier_from_snapshot(_received())
    new_applicant = replace(make_applicant(), name="Nguyễn Văn Đông").to_json()
    corrected = apply_event(
        dossier,
        _event(
            EventKind.CORRECTED,
            2,
            {"changes": {"applicant": new_applicant, "code": "HACK", "sets": 2}},
            hours=1,
        ),
    )
    assert corrected.applicant.name == "Nguyễn Văn Đông"
    assert corrected.code == dossier.code
    assert corrected.sets == 2


def test_every_event_kind_is_handled() -> None:
    creating = {EventKind.RECEIVED, EventKind.GUIDED, EventKind.REFUSED}
    assert set(TRANSITIONS) | creating == set(EventKind)
