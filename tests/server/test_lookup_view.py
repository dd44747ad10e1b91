"""The lookup page's view of a projected dossier, without a server: events in conflict are
not steps (the page only says there is a conflict), steps follow the shared order even when
the events arrive shuffled, and events that are not public steps stay out."""

from __future__ import annotations

import random
import uuid

from province_server import texts
from province_server.pages import lookup
from sync_protocol import EventWire
from sync_protocol.projection import project_state

DOSSIER = str(uuid.uuid4())
STATION = str(uuid.uuid4())
RECEIVED = {
    "code": "000.00.19.H56-260213-0010001",
    "agency_id": "000.00.19.H56",
    "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "applicant": {"name": "Nguyễn Văn Đức", "id_number": "001090123456"},
    "processing_time": {"unit": "working_days", "amount": 3},
    "due_at": "2026-02-18T16:30:00+07:00",
    "lookup_key": "ABC123",
}


def _event(seq: int, kind: str, hour: int, payload: dict[str, object]) -> EventWire:
    at = f"2026-02-13T{hour:02d}:00:00+07:00"
    return EventWire(str(uuid.uuid4()), DOSSIER, kind, STATION, seq, "canbo", at, payload)


def _view(events: list[EventWire]) -> lookup.LookupView:
    outcome = project_state(events)
    view = lookup._view(  # the part of find() after the key matched
        RECEIVED["code"],  # type: ignore[arg-type]
        outcome,
        {e.uuid: e for e in events},
        {(STATION, "canbo"): "Trần Thị Bình"},
        "UBND xã Minh Hòa",
    )
    assert view is not None
    return view


def test_conflicts_and_private_events_are_not_steps_and_order_is_the_projection() -> None:
    events = [
        _event(1, "received", 8, RECEIVED),
        _event(2, "returned", 9, {"receiver_name": "Nguyễn Văn Đức"}),  # before any result
        _event(3, "slip_printed", 9, {"form": "receipt"}),
        _event(4, "handed_over", 10, {"to": "Công chức Tư pháp - Hộ tịch", "note": "gấp"}),
        _event(5, "result_received", 11, {"outcome": "approved"}),
    ]
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    for given in (events, shuffled):
        view = _view(given)
        assert view.conflicts == 1 and view.status == 9
        assert [s.label for s in view.steps] == [
            "Tiếp nhận hồ sơ",
            "Chuyển hồ sơ đến cơ quan giải quyết",
            "Đã có kết quả giải quyết",
        ]
        assert [lookup.vn_short(s.at)[:5] for s in view.steps] == ["08:00", "10:00", "11:00"]
        assert view.steps[1].detail == "Nơi nhận: Công chức Tư pháp - Hộ tịch"
        assert view.officer == "Trần Thị Bình" and view.deciding_body.startswith("Công chức")
        assert view.result_at == view.steps[2].at and view.returned_at is None
    html = lookup.view_page(view).body.decode()
    assert texts.LOOKUP_CONFLICT in html and "Nguyễn Văn Đức" not in html and "gấp" not in html
    assert html.index("Tiếp nhận hồ sơ") < html.index("Chuyển hồ sơ") < html.index("Đã có kết")
