"""Channels and identity at reception (issue 13 item 6) and the ID card's secondary QR
fields (item 9): recorded in the received event, valid on both sides, carried by the shared
projection, kept in the stored dossier."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.idcard import parse_id_qr
from counter_app.domain.identity import reception_identity
from counter_app.domain.models import Channel
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import error_message
from counter_app.texts import identity as ti
from sync_protocol import EventWire
from sync_protocol.events import payload_problem
from sync_protocol.projection import project_state
from tests.conftest import make_applicant

BIRTH = "1.001193"  # khai sinh: online filing listed in the catalogue
NO_ONLINE = "1.001601"  # the catalogue lists no online filing
CARD_2024 = (
    "001090123456|123456789|NGUYỄN VĂN ĐỨC|01011990|Nam|Thôn Đông, xã Minh Hòa, tỉnh Phú Thọ"
    "|15042024|079123456789||Nguyễn Văn B|Trần Thị C"
)


def _receive(station: StationContext, **over: Any):  # type: ignore[no-untyped-def]
    request = ReceptionRequest(procedure_code=BIRTH, applicant=make_applicant())
    dossier, _ = receive_dossier(station, replace(request, **over), officer="canbo")
    events = station.store.dossiers.events_of(dossier.uuid)
    return station.store.dossiers.by_uuid(dossier.uuid), events[0]


def _wire(event) -> EventWire:  # type: ignore[no-untyped-def]
    return EventWire(
        uuid=event.uuid,
        dossier_uuid=event.dossier_uuid,
        kind=event.kind,
        station_id=event.station_id,
        seq=event.seq,
        officer=event.officer,
        at=event.at,
        payload=event.payload,
    )


def test_a_kiosk_filing_is_online_with_its_identity_and_data_source(
    station: StationContext,
) -> None:
    dossier, event = _receive(
        station, channel_detail="kiosk", identity_check="chip", data_source="national_db"
    )
    assert dossier.channel is Channel.ONLINE  # national code 2
    assert (dossier.channel_detail, dossier.identity_check, dossier.data_source) == (
        "kiosk",
        "chip",
        "national_db",
    )
    assert event.payload["channel"] == 2 and event.payload["channel_detail"] == "kiosk"
    assert payload_problem("received", event.payload, officer=event.officer) is None
    state = project_state([_wire(event)]).state
    assert state is not None
    assert (state.channel, state.channel_detail, state.identity_check, state.data_source) == (
        2,
        "kiosk",
        "chip",
        "national_db",
    )


def test_vneid_filing_and_papers_because_the_databases_were_down(
    station: StationContext,
) -> None:
    dossier, _ = _receive(
        station, channel_detail="vneid", identity_check="vneid", data_source="papers"
    )
    assert dossier.channel is Channel.ONLINE and dossier.channel_detail == "vneid"
    assert ti.data_source_label(dossier.data_source).startswith("Từ giấy tờ")
    assert ti.channel_label(dossier.channel, dossier.channel_detail) == "Ứng dụng VNeID"


def test_a_reception_that_says_nothing_stores_nothing_new(station: StationContext) -> None:
    dossier, event = _receive(station)
    assert dossier.channel is Channel.DIRECT
    assert (dossier.channel_detail, dossier.identity_check, dossier.data_source) == ("", "", "")
    for key in ("channel_detail", "identity_check", "data_source"):
        assert key not in event.payload
    assert "qr_extra" not in event.payload["applicant"]
    state = project_state([_wire(event)]).state
    assert state is not None and (state.channel, state.identity_check) == (1, "")


def test_kiosk_refused_where_the_catalogue_offers_no_online_filing(
    station: StationContext,
) -> None:
    with pytest.raises(DomainError) as caught:
        _receive(station, procedure_code=NO_ONLINE, channel_detail="kiosk")
    assert caught.value.code is ErrorCode.APPLICANT_FIELD_INVALID
    assert caught.value.params["field"] == "channel_detail"
    assert "ki-ốt" in error_message(caught.value)
    assert station.store.dossiers.count() == 0
    dossier, _ = _receive(station, procedure_code=NO_ONLINE, identity_check="qr")
    assert dossier.identity_check == "qr"  # at the counter it is fine


@pytest.mark.parametrize("check", ["card_seen", "qr"])
def test_at_a_kiosk_the_card_is_not_looked_at(station: StationContext, check: str) -> None:
    with pytest.raises(DomainError) as caught:
        _receive(station, channel_detail="kiosk", identity_check=check)
    assert caught.value.params["field"] == "identity_check"


def test_unknown_values_are_refused_naming_the_field() -> None:
    for field in ("channel_detail", "identity_check", "data_source"):
        with pytest.raises(DomainError) as caught:
            values: dict[str, Any] = {field: "telepathy"}
            reception_identity(channel=Channel.DIRECT, **values)
        assert caught.value.params["field"] == field
    with pytest.raises(DomainError):
        reception_identity(channel=Channel.POSTAL, channel_detail="vneid")


def test_an_older_stations_event_and_a_bad_value_on_the_wire() -> None:
    older = {  # what a station of the previous version sends: none of the new keys
        "code": "000.00.19.H56-261122-1500001",
        "agency_id": "000.00.19.H56",
        "procedure_code": BIRTH,
        "procedure_name": "Đăng ký khai sinh",
        "channel": 1,
        "applicant": {"name": "Nguyễn Văn A", "id_number": "001090123456"},
        "processing_time": {"unit": "same_day"},
    }
    assert payload_problem("received", older, officer="canbo") is None
    assert payload_problem("received", {**older, "identity_check": "chip"}, officer="x") is None
    problem = payload_problem("received", {**older, "identity_check": "eyes"}, officer="canbo")
    assert problem is not None and problem.field == "identity_check"
    raw = {**older["applicant"], "qr_extra": ["079123456789", "", "B", "C"]}  # type: ignore[dict-item]
    assert payload_problem("received", {**older, "applicant": raw}, officer="canbo") is None


def test_the_2024_cards_secondary_fields_are_stored_with_the_applicant(
    station: StationContext,
) -> None:
    card = parse_id_qr(CARD_2024)
    applicant = replace(card.to_applicant(), phone="0912345678")
    dossier, event = _receive(station, applicant=applicant, identity_check="qr")
    assert dossier.applicant.qr_extra == ("079123456789", "", "Nguyễn Văn B", "Trần Thị C")
    assert event.payload["applicant"]["qr_extra"] == list(dossier.applicant.qr_extra)
    assert payload_problem("received", event.payload, officer="canbo") is None
    again = station.store.dossiers.by_uuid(dossier.uuid)  # read back from the database
    assert again is not None and again.applicant.qr_extra == dossier.applicant.qr_extra
    assert ti.qr_extra_text(again.applicant.qr_extra) == (
        "(8) 079123456789; (10) Nguyễn Văn B; (11) Trần Thị C"
    )


def test_a_seven_part_card_has_no_secondary_fields() -> None:
    card = parse_id_qr(CARD_2024.rsplit("|", 4)[0])
    assert card.to_applicant().qr_extra == ()
    assert parse_id_qr(CARD_2024.rsplit("|", 4)[0] + "||||").to_applicant().qr_extra == ()
