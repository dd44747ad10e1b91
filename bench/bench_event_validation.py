"""Cost of the shared event validator on the push path (issue 17), per event.

The events are those of ``bench_sync.py`` (real receptions: a ``received`` event of about
3 KB, then ``handed_over``, ``result_received``, ``returned``), read from a station's outbox
as the engine sends them. For each one, interleaved over ``--repeats`` rounds:

- **baseline**: ``EventWire.from_json(event.to_json())``, the envelope parsing the server
  already does for every pushed event;
- **validate**: ``sync_protocol.events.event_problem``, what the server (and the counter
  before sending) now adds.

Output: median µs per event of each (all kinds, and received events alone), the ratio
validate / baseline, and the events per second validation alone allows (the push target is
2,000 events/s end to end; see ``bench_sync.py`` for the whole path).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import _fill

from counter_app.app import open_station
from counter_app.sync.engine import _to_wire
from sync_protocol import EventWire
from sync_protocol.events import event_problem


def _per_event_us(events: list[EventWire], fn: Any) -> float:
    started = time.perf_counter()
    for event in events:
        fn(event)
    return (time.perf_counter() - started) / len(events) * 1e6


def run(dossiers: int, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COUNTER_APP_MIRROR_DIR"] = str(Path(tmp) / "mirror")
        ctx = open_station(Path(tmp) / "station")
        _fill(ctx, dossiers)
        events = [_to_wire(e) for e in ctx.store.sync.pending(10**9, max_events=10**6)]
        ctx.store.close()
    assert all(event_problem(e) is None for e in events)
    received = [e for e in events if e.kind == "received"]

    def baseline(e: EventWire) -> None:
        EventWire.from_json(e.to_json())

    samples: dict[str, list[float]] = {k: [] for k in ("base", "val", "base_rec", "val_rec")}
    for _ in range(repeats):
        samples["base"].append(_per_event_us(events, baseline))
        samples["val"].append(_per_event_us(events, event_problem))
        samples["base_rec"].append(_per_event_us(received, baseline))
        samples["val_rec"].append(_per_event_us(received, event_problem))
    med = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "events": len(events),
        "received_events": len(received),
        "repeats": repeats,
        "all_kinds": {
            "baseline_parse_us": round(med["base"], 2),
            "validate_us": round(med["val"], 2),
            "ratio": round(med["val"] / med["base"], 2),
            "validation_alone_events_per_s": round(1e6 / med["val"]),
        },
        "received_only": {
            "baseline_parse_us": round(med["base_rec"], 2),
            "validate_us": round(med["val_rec"], 2),
            "ratio": round(med["val_rec"] / med["base_rec"], 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(json.dumps(run(args.dossiers, args.repeats), indent=2))


if __name__ == "__main__":
    main()
