"""Bytes of a push batch holding one dossier's events (issue 16 item 5: ≤ 1 KB).

Run: ``python bench/bench_wire.py [--dossiers 20] [--smoke]``. A temporary station receives
``--dossiers`` dossiers of everyday commune procedures (``receive_dossier``, the whole
checklist handed over) and gives each the three usual status events (handed over, result
received, returned). For each dossier, its four events are taken from the outbox as the sync
engine sends them (``SyncRepository.pending``) into one ``PushRequest`` and encoded with
``encode_push`` in the encoding the counter sends (``DICT_ENCODING``: deflate with the preset
dictionary ``sync_protocol/zdict/v1.txt``). Every event passes the shared validator the server
runs (``sync_protocol.events.event_problem``).

Baselines in the same run: the same batch in gzip (what older counters send, and every counter
before the dictionary), and the same batch with the received event in its former shape (the
checklist in full, ``documents``: what every event carried before the papers went by
reference), in gzip. Prints one JSON object: median and max bytes of each, their ratios;
``meets_target`` is on the max of the dictionary encoding.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_save import _applicants

from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.dossier import apply_event
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.sync.engine import _to_wire
from sync_protocol import DICT_ENCODING, PushRequest, dumps, encode_push
from sync_protocol.events import event_problem

TARGET_BYTES = 1_024
# Everyday commune procedures (birth, marriage, death registration, copies, certification).
PROCEDURES = ("1.001193", "1.000894", "1.000656", "2.000908", "2.000815")
STEPS = (
    ("handed_over", {"to": "Phòng Tư pháp", "note": ""}),
    ("result_received", {"outcome": "resolved", "result_number": "123/GKS"}),
    ("returned", {"receiver_name": "Nguyễn Văn Đức", "originals_returned": True}),
)


def _sizes(batch: PushRequest) -> tuple[int, int, int]:
    """JSON, gzip and dictionary-encoded bytes of ``batch``."""
    raw = len(dumps(batch.to_json()).encode())
    return raw, len(encode_push(batch)), len(encode_push(batch, encoding=DICT_ENCODING))


def run(dossiers: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-wire-"))
    os.environ[paths.MIRROR_DIR_ENV] = str(work / "mirror")
    os.environ[paths.DATA_DIR_ENV] = str(work / "unused-default-station")
    rng = random.Random(20261202)
    try:
        ctx = open_station(work / "station")
        store = ctx.store
        store.db.conn.execute("PRAGMA synchronous = OFF")  # filling is not what is measured
        known = [c for c in PROCEDURES if store.reference.procedure(c) is not None]
        for i, applicant in enumerate(_applicants(dossiers, rng)):
            request = ReceptionRequest(procedure_code=known[i % len(known)], applicant=applicant)
            dossier, _ = receive_dossier(ctx, request, officer="canbo")
            with store.db.atomic():
                for kind, payload in STEPS:
                    event = ctx.new_event(
                        dossier_uuid=dossier.uuid,
                        kind=kind,
                        officer="canbo",
                        at=ctx.clock.now(),
                        payload=payload,
                    )
                    dossier = apply_event(dossier, event)
                    store.dossiers.append(dossier, event, queued_at=ctx.clock.now())
        by_dossier: dict[str, list[Any]] = {}
        for event in store.sync.pending(10**9, max_events=10**6):
            by_dossier.setdefault(event.dossier_uuid, []).append(event)
        now_raw, now_gzip, now_dict, old_raw, old_gzip = [], [], [], [], []
        station = ctx.office().station_id
        for events in by_dossier.values():
            wires = tuple(_to_wire(e) for e in events)
            problems = [event_problem(w) for w in wires]
            assert problems == [None] * len(wires), problems
            raw, gz, small = _sizes(PushRequest(ctx.new_id(), station, wires))
            now_raw.append(raw)
            now_gzip.append(gz)
            now_dict.append(small)
            former = tuple(_to_wire(store.dossiers.expanded(e)) for e in events)
            raw, gz, _ = _sizes(PushRequest(ctx.new_id(), station, former))
            old_raw.append(raw)
            old_gzip.append(gz)
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = statistics.median
    return {
        "dossiers": dossiers,
        "procedures": known,
        "events_per_batch": 1 + len(STEPS),
        "encoding": DICT_ENCODING,
        "one_dossier_batch": {
            "median": median(now_dict),
            "max": max(now_dict),
            "json_median": median(now_raw),
        },
        "baseline_gzip_batch": {"median": median(now_gzip), "max": max(now_gzip)},
        "baseline_full_checklist_batch": {
            "gzip_median": median(old_gzip),
            "gzip_max": max(old_gzip),
            "json_median": median(old_raw),
        },
        "ratio_to_gzip_medians": round(median(now_dict) / median(now_gzip), 2),
        "ratio_gzip_medians": round(median(now_gzip) / median(old_gzip), 2),
        "target_bytes": TARGET_BYTES,
        "meets_target": max(now_dict) <= TARGET_BYTES,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    sys.stdout.write(json.dumps(run(5 if args.smoke else args.dossiers), indent=2) + "\n")


if __name__ == "__main__":
    main()
