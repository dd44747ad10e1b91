"""Actions after reception, on a real station: allowed ones stored whole, refused ones not."""

from datetime import datetime, timedelta

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Status, project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services import lookup
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import error_message
from counter_app.texts import followup as followup_texts
from tests.conftest import make_applicant

FIVE_DAYS = ProcessingTime(TimeUnit.WORKING_DAYS, 5)


def _receive(station: StationContext):
    request = ReceptionRequest(
        procedure_code="1.004873", applicant=make_applicant(), time=FIVE_DAYS
    )
    return receive_dossier(station, request, officer="canbo")[0]


def _act(station, dossier, action, **payload):
    # An apology is the leader's (issue 13 item 8; tests/services/test_roles.py)
    officer = "lanhdao" if action is Action.APOLOGY else "canbo"
    return record_action(station, dossier, action, officer=officer, payload=payload)[0]


def test_a_dossier_from_reception_to_rating(station: StationContext, clock: FixedClock) -> None:
    d = _receive(station)  # Fri 13/02/2026 10:00, 5 working days over Tết -> Fri 27/02 10:00
    assert d.due_at == datetime(2026, 2, 27, 10, 0, tzinfo=VN_TZ)
    clock.advance(hours=1)
    d = _act(station, d, Action.HANDOVER, to="Công chức Tư pháp - Hộ tịch")
    assert d.status is Status.IN_PROGRESS
    clock.at = datetime(2026, 2, 23, 9, 0, tzinfo=VN_TZ)
    d = _act(station, d, Action.SUPPLEMENT_REQUEST, items=["Tờ khai"], reason="Thiếu chữ ký")
    assert d.status is Status.SUPPLEMENT_REQUESTED and d.paused_at is not None
    clock.at = datetime(2026, 2, 24, 14, 0, tzinfo=VN_TZ)
    d = _act(station, d, Action.SUPPLEMENT_RECEIVED)
    # restart (Decree 118/2025): 5 working days from Tue 24/02 14:00 -> Tue 03/03 14:00
    assert d.due_at == datetime(2026, 3, 3, 14, 0, tzinfo=VN_TZ)
    clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
    d = _act(station, d, Action.APOLOGY, new_due="2026-03-06T10:00", reason="Chờ xác minh")
    assert d.apology_issued and d.due_at == datetime(2026, 3, 6, 10, 0, tzinfo=VN_TZ)
    assert d.stats_due_at == datetime(2026, 3, 3, 14, 0, tzinfo=VN_TZ)
    clock.at = datetime(2026, 3, 5, 9, 0, tzinfo=VN_TZ)
    d = _act(station, d, Action.RESULT, outcome="approved")
    d = _act(station, d, Action.RETURN, receiver_name="Nguyễn Văn Đức")
    d = _act(station, d, Action.RATING, rating="rat_hai_long", comment="Nhanh")
    assert d.status is Status.RETURNED and d.rating == "rat_hai_long"
    stored = station.store.dossiers.by_uuid(d.uuid)
    assert stored == d == project(station.store.dossiers.events_of(d.uuid))
    assert station.store.dossiers.outbox_size() == 8  # one per event


@pytest.mark.parametrize(
    ("setup", "action", "payload", "code"),
    [
        ([], Action.RETURN, {"receiver_name": "A"}, ErrorCode.ACTION_NOT_ALLOWED),
        (
            [(Action.APOLOGY, {"new_due": "2026-03-06T10:00", "reason": "x"})],
            Action.APOLOGY,
            {"new_due": "2026-03-09T10:00", "reason": "y"},
            ErrorCode.APOLOGY_ALREADY_ISSUED,
        ),
        (
            [],
            Action.APOLOGY,
            {"new_due": "2026-02-20T10:00", "reason": "x"},
            ErrorCode.APOLOGY_DATE_NOT_LATER,
        ),
        ([], Action.APOLOGY, {"new_due": "2026-03-06T10:00"}, ErrorCode.ACTION_FIELD_MISSING),
        ([], Action.HANDOVER, {}, ErrorCode.ACTION_FIELD_MISSING),
        ([], Action.RATING, {"rating": "tuyet_voi"}, ErrorCode.ACTION_FIELD_INVALID),
        ([], Action.SUPPLEMENT_RECEIVED, {}, ErrorCode.ACTION_NOT_ALLOWED),
        ([(Action.WITHDRAW, {"reason": "rút"})], Action.RESULT, {}, ErrorCode.ACTION_NOT_ALLOWED),
    ],
)
def test_refused_actions_change_nothing(station, setup, action, payload, code) -> None:
    d = _receive(station)
    for step, body in setup:
        d = _act(station, d, step, **body)
    events_before = len(station.store.dossiers.events_of(d.uuid))
    with pytest.raises(DomainError) as info:
        _act(station, d, action, **payload)
    assert info.value.code is code
    assert len(station.store.dossiers.events_of(d.uuid)) == events_before
    assert station.store.dossiers.by_uuid(d.uuid) == d


def test_apology_after_the_deadline_is_refused(station, clock: FixedClock) -> None:
    d = _receive(station)  # due Fri 27/02/2026 10:00
    clock.at = datetime(2026, 2, 27, 8, 0, tzinfo=VN_TZ)  # the due day itself: too late
    with pytest.raises(DomainError) as info:
        _act(station, d, Action.APOLOGY, new_due="2026-03-06T10:00", reason="x")
    assert info.value.code is ErrorCode.APOLOGY_TOO_LATE
    clock.at -= timedelta(days=1)  # Thu 26/02: at least one day before, allowed
    assert _act(station, d, Action.APOLOGY, new_due="2026-03-06T10:00", reason="x").apology_issued


def test_correction_updates_search_and_keeps_history(station, clock) -> None:
    d = _receive(station)
    clock.advance(minutes=5)
    d = _act(
        station,
        d,
        Action.CORRECT,
        changes={"applicant": {"name": "Nguyễn Văn Đông"}},
        reason="Sai tên",
    )
    assert d.applicant.name == "Nguyễn Văn Đông"
    assert [x.uuid for x in lookup.search(station, "nguyen van dong")] == [d.uuid]
    assert lookup.search(station, "nguyen van duc") == []
    kinds = [e.kind for e in station.store.dossiers.events_of(d.uuid)]
    assert kinds == ["received", "corrected"]
    with pytest.raises(DomainError):
        _act(station, d, Action.CORRECT, changes={"applicant": {"id_number": "12"}})


def test_future_or_pre_reception_times_are_refused(station, clock) -> None:
    d = _receive(station)
    for when in (clock.now() + timedelta(hours=1), d.received_at - timedelta(hours=1)):
        with pytest.raises(DomainError) as info:
            record_action(
                station, d, Action.HANDOVER, officer="canbo", payload={"to": "X"}, at=when
            )
        assert info.value.code is ErrorCode.DATETIME_INVALID


def test_period_report_counts_stored_dossiers(station: StationContext, clock) -> None:
    from datetime import date

    from counter_app.services.reports import period_report

    early = _receive(station)
    clock.advance(minutes=1)
    _receive(station)  # stays in progress
    clock.at = datetime(2026, 2, 16, 9, 0, tzinfo=VN_TZ)
    _act(station, early, Action.RESULT)
    stats = period_report(station, start=date(2026, 2, 1), end=date(2026, 2, 27)).to_dict()
    assert stats["received"] == {"total": 2, "online": 0, "direct_postal": 2, "carried_over": 0}
    assert stats["resolved"] == {"total": 1, "early": 1, "on_time": 0, "late": 0}
    assert stats["in_progress"] == {"total": 1, "in_time": 1, "overdue": 0}
    assert list(stats["by_field"]) == ["Hộ tịch"]


def test_an_action_field_is_named_without_blaming_the_applicant(station) -> None:
    """A missing receiver or an unknown rating is the officer's entry: the message names the
    field by its label and does not say the applicant's information is missing."""
    d = _receive(station)
    with pytest.raises(DomainError) as info:
        _act(station, d, Action.HANDOVER)
    message = error_message(info.value)
    assert info.value.code is ErrorCode.ACTION_FIELD_MISSING
    assert followup_texts.ACTION_FIELD_LABELS["to"] in message
    applicant = error_message(DomainError(ErrorCode.APPLICANT_FIELD_MISSING, field="to"))
    assert applicant.split(":")[0] not in message
    with pytest.raises(DomainError) as info:
        _act(station, d, Action.RATING, rating="tuyet_voi")
    assert followup_texts.ACTION_FIELD_LABELS["rating"] in error_message(info.value)
