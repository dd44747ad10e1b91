"""Cost per event of the shared total projection (issue 12) on a 1,000-event dossier.

One dossier: a ``received`` event (a 12-paper checklist, about 3 KB of JSON), then follow-ups
written at three stations with hybrid logical clock stamps, shuffled (arrival order does not
matter): hand-over and hand-back cycles, supplement requests and answers, slips printed,
corrections, about 5 % of actions the status machine refuses at their place (in conflict),
one settlement voiding a few of them; the last events close it (result, return, rating).

Measured per event, interleaved over ``--repeats`` rounds (median):

- **baseline**: ``json.loads`` of each event's stored JSON text (what reading the events
  costs at the least);
- **counter**: ``counter_app.domain.total_projection.project_total`` (the shared projection
  with the counter's ``Dossier`` fold), what ``sync.engine.reproject`` runs after a pull;
- **server**: ``sync_protocol.projection.project_state`` over ``EventWire`` (the push's
  ``dossier_states`` refresh and the lookup page);
- **order**: sorting alone by ``sync_protocol.order.order_key``.

Output: µs per event of each and its ratio to the baseline, and the whole dossier's time.
``--smoke``: a 60-event dossier, 2 rounds (seconds; tests/bench runs it).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from counter_app.domain.models import VN_TZ, Event
from counter_app.domain.total_projection import project_total
from sync_protocol import EventWire
from sync_protocol.hlc import HLC_KEY, Hlc, wall_ms
from sync_protocol.order import order_key
from sync_protocol.projection import project_state

START = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)
STATIONS = [str(uuid.UUID(int=i + 1, version=4)) for i in range(3)]
PAPER = {
    "name": "Tờ khai đăng ký theo mẫu ban hành kèm theo Thông tư (bản chính)",
    "form": "original",
    "count": 1,
    "received": True,
    "group": "Giấy tờ phải nộp",
}
RECEIVED: dict[str, Any] = {
    "code": "000.00.20.H56-260302-1010001",
    "agency_id": "000.00.20.H56",
    "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "procedure_field": "Hộ tịch",
    "catalogue_version": "2026.1",
    "channel": 1,
    "applicant": {
        "name": "Nguyễn Văn Đức",
        "id_number": "001090123456",
        "birth_date": "1990-01-01",
        "sex": "Nam",
        "address": "Thôn Đông, xã Minh Hòa, tỉnh Phú Thọ",
        "phone": "0912345678",
    },
    "submitter": None,
    "documents": [{**PAPER, "name": f"{PAPER['name']} {i}"} for i in range(12)],
    "sets": 1,
    "return_method": "counter",
    "return_address": "",
    "fee": "Miễn lệ phí",
    "processing_time": {"unit": "working_days", "amount": 3},
    "due_at": "2026-03-05T08:00:00+07:00",
    "due_estimated": False,
    "lookup_key": "ABC234",
    "rule_set": "ND118-2025/TT03-2025",
    "register_no": 7,
}
CYCLE: list[tuple[str, dict[str, Any]]] = [
    ("handed_over", {"to": "Phòng Tư pháp", "note": ""}),
    ("slip_printed", {"form": "receipt", "size": "a5", "reprint": True}),
    ("handed_back", {"from": "Phòng Tư pháp", "note": "Thiếu chữ ký"}),
    ("supplement_requested", {"items": ["Bản sao giấy chứng sinh"], "reason": "Thiếu giấy"}),
    (
        "supplement_received",
        {"due_at": "2026-03-09T08:00:00+07:00", "due_estimated": False, "mode": "restart"},
    ),
    ("corrected", {"changes": {"sets": 2}, "reason": "Sửa số bộ"}),
]
REFUSED = ("returned", {"receiver_name": "Nguyễn Văn Đức"})  # before any result: a conflict
CLOSING: list[tuple[str, dict[str, Any]]] = [
    ("result_received", {"outcome": "approved", "note": "", "result_number": "12/QĐ"}),
    ("returned", {"receiver_name": "Nguyễn Văn Đức", "receiver_is_applicant": True}),
    ("rating_recorded", {"rating": "hai_long", "comment": ""}),
]


def dossier_events(count: int, seed: int = 12) -> list[Event]:
    """The dossier's ``count`` events (module docstring), shuffled."""
    rng = random.Random(seed)
    dossier = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    seqs = [0, 0, 0]
    clock = Hlc(wall_ms(START), 0)
    events: list[Event] = []
    conflicts: list[str] = []

    def add(kind: str, payload: dict[str, Any], station: int) -> None:
        nonlocal clock
        seqs[station] += 1
        clock = Hlc(clock.wall_ms + rng.randint(0, 2000), 0)
        at = START + timedelta(milliseconds=clock.wall_ms - wall_ms(START))
        at += timedelta(minutes=rng.randint(-10, 10))  # the station's clock error
        event = Event(
            uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            dossier_uuid=dossier,
            kind=kind,
            station_id=STATIONS[station],
            seq=seqs[station],
            officer="canbo",
            at=at,
            payload={**payload, HLC_KEY: clock.text()},
        )
        events.append(event)
        if kind == REFUSED[0]:
            conflicts.append(event.uuid)

    add("received", RECEIVED, 0)
    body = count - 1 - len(CLOSING) - 1
    index = 0
    while len(events) < 1 + body:
        station = rng.randrange(3)
        if rng.random() < 0.05:
            add(*REFUSED, station)
            continue
        add(*CYCLE[index % len(CYCLE)], station)
        index += 1
    add("conflict_settled", {"voided": conflicts[:3] or [events[0].uuid], "note": "Nhầm"}, 1)
    for kind, payload in CLOSING:
        add(kind, payload, rng.randrange(3))
    rng.shuffle(events)
    return events[:count]


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


def _text(event: Event) -> str:
    return json.dumps(_wire(event).to_json(), ensure_ascii=False)


def _timed(fn: Any, arg: Any) -> float:
    started = time.perf_counter()
    fn(arg)
    return time.perf_counter() - started


def run(events_count: int, repeats: int) -> dict[str, Any]:
    events = dossier_events(events_count)
    wires = [_wire(e) for e in events]
    texts = [_text(e) for e in events]
    result = project_total(events)
    server = project_state(wires)
    assert result.dossier is not None and result.dossier.status.value == server.status
    assert [c.event_uuid for c in result.conflicts] == [c.event_uuid for c in server.conflicts]

    def baseline(items: list[str]) -> None:
        for item in items:
            json.loads(item)

    cases = {
        "baseline_json_loads": (baseline, texts),
        "counter_project_total": (project_total, events),
        "server_project_state": (project_state, wires),
        "order_only": (lambda items: sorted(items, key=order_key), wires),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, (fn, arg) in cases.items():
            samples[name].append(_timed(fn, arg))
    median = {name: statistics.median(values) for name, values in samples.items()}
    base = median["baseline_json_loads"]
    return {
        "events": len(events),
        "repeats": repeats,
        "status": server.status,
        "conflicts": len(server.conflicts),
        "settled": len(server.settled),
        "bytes_per_event": round(sum(len(t.encode()) for t in texts) / len(texts)),
        "us_per_event": {n: round(m / len(events) * 1e6, 2) for n, m in median.items()},
        "ratio_to_baseline": {n: round(m / base, 2) for n, m in median.items()},
        "dossier_ms": {n: round(m * 1e3, 2) for n, m in median.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:
        args.events, args.repeats = 60, 2
    print(json.dumps(run(args.events, args.repeats), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
