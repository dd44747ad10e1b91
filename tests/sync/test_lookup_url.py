"""The lookup address in the enrolment answer and the reference answer: additive, optional."""

from __future__ import annotations

from datetime import UTC, datetime

from counter_app.services.setup import DEFAULT_LOOKUP_URL
from counter_app.services.station import StationContext
from counter_app.sync.engine import enrol
from sync_protocol import EnrolResponse, ReferenceResponse

ANSWER = EnrolResponse(
    token="t" * 43,
    agency_id="000.00.19.H56",
    station_id="2f1c2b8e-3c5e-4d4a-9a53-0d7c8f1e2a11",
    station_prefix="07",
    parent_body="",
    unit_name="UBND xã Minh Hòa",
    place_name="",
    server_time=datetime(2026, 2, 13, 2, 0, tzinfo=UTC).isoformat(),
)


class _Answer:
    def __init__(self, answer: EnrolResponse) -> None:
        self.answer = answer

    def enrol(self, code: str) -> EnrolResponse:
        return self.answer


def test_the_new_fields_round_trip_and_older_messages_still_read() -> None:
    with_url = EnrolResponse.from_json(
        {**ANSWER.to_json(), "lookup_url": "https://tc.gov.vn/tra-cuu"}
    )
    assert EnrolResponse.from_json(with_url.to_json()) == with_url
    old = ANSWER.to_json()
    del old["lookup_url"]  # what a server of the previous version answers
    assert EnrolResponse.from_json(old).lookup_url == ""
    reference = ReferenceResponse(0, (), (), None, (), ANSWER.server_time, "https://tc.gov.vn/")
    assert ReferenceResponse.from_json(reference.to_json()) == reference
    older = reference.to_json()
    del older["lookup_url"]
    assert ReferenceResponse.from_json(older).lookup_url == ""


def test_an_older_server_or_a_bad_address_leaves_the_station_its_own(
    station: StationContext,
) -> None:
    for sent in ("", "javascript:alert(1)", "https://"):
        answer = EnrolResponse.from_json({**ANSWER.to_json(), "lookup_url": sent})
        office = enrol(station, _Answer(answer), url="https://tinh.gov.vn", code="ABCD")  # type: ignore[arg-type]
        assert office.lookup_url == DEFAULT_LOOKUP_URL == station.office().lookup_url
    answer = EnrolResponse.from_json(
        {**ANSWER.to_json(), "lookup_url": " https://tc.gov.vn/tra-cuu "}
    )
    office = enrol(station, _Answer(answer), url="https://tinh.gov.vn", code="ABCD")  # type: ignore[arg-type]
    assert office.lookup_url == "https://tc.gov.vn/tra-cuu"
