"""Reception through the real service on a real SQLite file."""

from dataclasses import replace
from datetime import datetime

import pytest

from counter_app.domain.dossier import Status, project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import SAME_DAY
from counter_app.services import lookup
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from tests.conftest import make_applicant


def _receive(station: StationContext, **over: object):
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return receive_dossier(station, replace(request, **over), officer="canbo")[0]


def _table_counts(station: StationContext) -> tuple[int, ...]:
    conn = station.store.db.conn
    return tuple(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("dossiers", "events", "outbox", "audit_log", "counters")
    )


def test_receive_stores_row_event_outbox_and_audit_together(station: StationContext) -> None:
    dossier = _receive(station)
    assert dossier.code == "000.00.19.H56-260213-0000001"
    assert dossier.status is Status.RECEIVED
    # khai sinh: same day, received Fri 13/02/2026 10:00 -> closing time the same day
    assert dossier.due_at == datetime(2026, 2, 13, 17, 0, tzinfo=VN_TZ)
    assert not dossier.due_estimated
    assert len(dossier.lookup_key) == 6
    assert dossier.documents and all(d.received for d in dossier.documents)
    stored = station.store.dossiers.by_code(dossier.code)
    assert stored == dossier
    events = station.store.dossiers.events_of(dossier.uuid)
    assert [e.kind for e in events] == ["received"]
    assert project(events) == stored  # the row is the projection of its events
    assert station.store.dossiers.outbox_size() == 1
    audit = station.store.audit.entries(limit=1)[0]
    assert audit["action"] == "received" and audit["officer"] == "canbo"
    assert "001090123456" not in str(audit)  # no ID number in the audit trail


def test_codes_follow_each_other_per_agency_and_day(station: StationContext) -> None:
    first, second = _receive(station), _receive(station)
    other_agency = _receive(station, agency_id="H56.123.45")
    backdated = _receive(station, received_at=datetime(2026, 2, 12, 16, 0, tzinfo=VN_TZ))
    assert [d.code for d in (first, second, other_agency, backdated)] == [
        "000.00.19.H56-260213-0000001",
        "000.00.19.H56-260213-0000002",
        "H56.123.45-260213-0000001",
        "000.00.19.H56-260212-0000001",
    ]
    # received after 15:00 the day before: same-day procedure due next working day, closing
    assert backdated.due_at == datetime(2026, 2, 13, 17, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"procedure_code": "9.999999"}, ErrorCode.PROCEDURE_NOT_FOUND),
        ({"applicant": make_applicant(id_number="12345")}, ErrorCode.APPLICANT_FIELD_INVALID),
        ({"applicant": make_applicant(name="  ")}, ErrorCode.APPLICANT_FIELD_INVALID),
        ({"applicant": make_applicant(sex="X")}, ErrorCode.APPLICANT_FIELD_INVALID),
        ({"agency_id": "not-an-agency"}, ErrorCode.AGENCY_ID_INVALID),
        ({"received_at": datetime(2027, 1, 1, tzinfo=VN_TZ)}, ErrorCode.DATETIME_INVALID),
        ({"procedure_code": "2.001263"}, ErrorCode.TIME_UNKNOWN_FOR_PROCEDURE),
        ({"sets": 0}, ErrorCode.APPLICANT_FIELD_INVALID),
    ],
)
def test_bad_input_changes_nothing(station: StationContext, over: dict, code: ErrorCode) -> None:
    before = _table_counts(station)
    with pytest.raises(DomainError) as info:
        _receive(station, **over)
    assert info.value.code is code
    assert _table_counts(station) == before


def test_unknown_time_can_be_given_by_the_officer(station: StationContext) -> None:
    dossier = _receive(station, procedure_code="2.001263", time=SAME_DAY)
    assert dossier.processing_time == SAME_DAY


def test_search_is_diacritics_insensitive(station: StationContext) -> None:
    duc = _receive(station)
    thuy = _receive(station, applicant=make_applicant(name="Lê Thị Thủy", id_number="001190000111"))
    assert [d.uuid for d in lookup.search(station, "nguyen van duc")] == [duc.uuid]
    assert [d.uuid for d in lookup.search(station, "thuỷ")] == [thuy.uuid]
    assert [d.uuid for d in lookup.search(station, "THUY le")] == [thuy.uuid]
    assert {d.uuid for d in lookup.search(station, "khai sinh")} == {duc.uuid, thuy.uuid}
    assert [d.uuid for d in lookup.search(station, "001190000111")] == [thuy.uuid]
    assert [d.uuid for d in lookup.search(station, f" {duc.code.lower()}\n")] == [duc.uuid]
    assert lookup.search(station, "tran") == []
    with pytest.raises(DomainError):
        lookup.search(station, " .. ")


def test_supplement_request_and_refusal_mint_no_code(station: StationContext) -> None:
    from counter_app.services.intake import guide_dossier, refuse_dossier

    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    counters_before = station.store.counters.all()
    guided, _ = guide_dossier(
        station,
        request,
        missing=("Giấy chứng sinh", " ", "Tờ khai"),
        reason="Thiếu giấy tờ",
        officer="canbo",
    )
    refused, _ = refuse_dossier(station, request, reason="Không thuộc thẩm quyền", officer="canbo")
    assert guided.code is None and refused.code is None
    assert guided.status is Status.GUIDED and refused.status is Status.REFUSED
    assert guided.missing == ("Giấy chứng sinh", "Tờ khai")
    assert refused.reason == "Không thuộc thẩm quyền"
    assert {k for k in station.store.counters.all() if k.startswith("code|")} == {
        k for k in counters_before if k.startswith("code|")
    }
    assert station.store.dossiers.by_uuid(guided.uuid) == guided
    with pytest.raises(DomainError):
        guide_dossier(station, request, missing=(), reason="x", officer="canbo")
    with pytest.raises(DomainError):
        refuse_dossier(station, request, reason="  ", officer="canbo")
    assert _receive(station).code == "000.00.19.H56-260213-0000001"


def test_due_override_needs_a_reason_and_keeps_the_computed_date(station: StationContext) -> None:
    later = datetime(2026, 2, 27, 9, 0, tzinfo=VN_TZ)
    with pytest.raises(DomainError) as info:
        _receive(station, due_override=later)
    assert info.value.code is ErrorCode.ACTION_FIELD_MISSING
    dossier = _receive(station, due_override=later, due_override_reason="Hồ sơ nhiều trang")
    assert dossier.due_at == later
    payload = station.store.dossiers.events_of(dossier.uuid)[0].payload
    assert payload["due_override_reason"] == "Hồ sơ nhiều trang"
    assert payload["due_computed"].startswith("2026-02-13T17:00")


def test_register_numbers_run_through_the_year_and_restart_in_january(
    station: StationContext, clock
) -> None:
    from counter_app.domain.codes import register_position

    clock.at = datetime(2026, 12, 31, 9, 0, tzinfo=VN_TZ)
    last_year = [_receive(station).register_no for _ in range(3)]
    clock.at = datetime(2027, 1, 4, 9, 0, tzinfo=VN_TZ)
    new_year = [_receive(station).register_no for _ in range(2)]
    assert last_year == [1, 2, 3] and new_year == [1, 2]
    # restarts are not reset by a new book: book 2 continues at 501
    assert register_position(501, book_size=500) == (2, 501)
    assert register_position(500, book_size=500) == (1, 500)
    assert register_position(7, book_size=0) == (1, 7)


def test_a_calendar_year_confirmed_by_another_connection_is_used_at_once(
    station: StationContext, clock
) -> None:
    from counter_app.domain.calendar import YearCalendar
    from counter_app.storage.store import Store

    # Fri 16/04/2027 (Giỗ Tổ, estimated): a same-day procedure is due on Mon 19/04 and the
    # period crosses the estimated day.
    clock.at = datetime(2027, 4, 16, 9, 0, tzinfo=VN_TZ)
    assert _receive(station).due_estimated  # 16/04/2027 is not announced yet
    other = Store(station.store.data_dir, mirror_dir=station.store.mirror_dir)
    with other.db.atomic():  # e.g. the background sync pulling the province's calendar
        other.reference.save_calendar_year(
            YearCalendar(2027, frozenset(), frozenset(), True, "province"), at=clock.now()
        )
    other.close()
    assert not _receive(station).due_estimated
