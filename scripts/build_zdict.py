"""How the preset deflate dictionary of push bodies was built (``sync_protocol/zdict``).

The released file is the truth: a dictionary never changes once released (a counter and a
server that disagree on one byte cannot read each other's bodies), so this script writes a
*new* version only, and ``--check NAME`` tells whether it still rebuilds a released one from
today's resources (it stops doing so once the catalogue moves on; that is expected, and a
reason to release a new version, never to edit the old one).

What goes in, least likely first (deflate reaches back at most 32 KiB, and a near match costs
fewer bits than a far one, so the strings of every batch come last):

1. the payload keys of every event kind of ``sync_protocol.events.PAYLOADS`` (sorted, as the
   counter writes them) and the enumerations of their values;
2. generic applicant shapes: address words, the commonest family and middle names;
3. the catalogue texts a ``received`` payload carries (``procedure_name``, ``procedure_field``,
   ``fee``, ``processing_time``) of the commune's everyday procedures
   (``resources/catalogue/checklists.json``, most common last), and the rule set names;
4. a push batch skeleton: the envelope, a ``received`` event and the usual follow-ups
   (handed over, result received, returned) with empty values.

Nothing of a benchmark's random data (applicants, UUIDs, times) is in it.

Run: ``.venv/bin/python scripts/build_zdict.py NAME`` (writes ``sync_protocol/zdict/NAME.txt``,
refuses an existing name) or ``--check NAME``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counter_app.reference.catalogue import procedure_from_record  # noqa: E402
from sync_protocol import dumps  # noqa: E402
from sync_protocol.events import (  # noqa: E402
    CHANNEL_DETAILS,
    CROSS_BOUNDARY,
    DATA_SOURCES,
    FEE_METHODS,
    FORMS,
    IDENTITY_CHECKS,
    PAYLOADS,
    RETURN_METHODS,
    TIME_UNITS,
)
from sync_protocol.zdict import MAX_DICTIONARY_BYTES, dictionary_path  # noqa: E402

# The kinds of a dossier's everyday life, written last (in the skeleton); every other kind's
# keys go first.
EVERYDAY_KINDS = ("received", "handed_over", "result_received", "returned")
STATUSES = (
    "online_submitted",
    "guided",
    "refused",
    "received",
    "in_progress",
    "supplement_requested",
    "awaiting_payment",
    "resolved",
    "returned",
    "withdrawn",
    "stopped",
)
OTHER_VALUES = (
    "approved",
    "rat_hai_long",
    "hai_long",
    "khong_hai_long",
    "applicant_request",
    "databases_unreachable",
    "other",
    "apology",
    "correct",
    "receipt",
    "a5",
    "a4",
    "80mm",
)
# Generic address words and the commonest Vietnamese family and middle names (public
# statistics, not a benchmark's list).
ADDRESS_WORDS = (
    "Số nhà ",
    "Đường ",
    "Ngõ ",
    "Tổ dân phố ",
    "Khu phố ",
    "Ấp ",
    "Bản ",
    "Xóm ",
    "Thôn ",
    ", phường ",
    ", thị trấn ",
    ", xã ",
    ", tỉnh ",
    ", thành phố ",
)
FAMILY_NAMES = (
    "Ngô",
    "Dương",
    "Lý",
    "Bùi",
    "Đỗ",
    "Đặng",
    "Võ",
    "Vũ",
    "Phan",
    "Huỳnh",
    "Hoàng",
    "Phạm",
    "Lê",
    "Trần",
    "Nguyễn",
)
MIDDLE_NAMES = ("Hữu", "Quang", "Xuân", "Thanh", "Ngọc", "Đức", "Minh", "Thị", "Văn")
HANDOVER_TO = (
    "Công chức Địa chính - Xây dựng",
    "Công chức Văn hóa - Xã hội",
    "Phòng Kinh tế",
    "Phòng Văn hóa - Xã hội",
    "Văn phòng HĐND và UBND",
    "Công chức Tư pháp - Hộ tịch",
)


def _keys(fields: dict[str, Any]) -> str:
    return ",".join(f'"{key}":' for key in sorted(fields))


def rare_kinds() -> str:
    parts = []
    for kind, fields in sorted(PAYLOADS.items()):
        if kind not in EVERYDAY_KINDS:
            parts.append(f'"kind":"{kind}","station_id":"","payload":{{{_keys(fields)}}}')
    return "".join(parts)


def enumerations() -> str:
    values: list[str] = []
    for group in (
        sorted(FORMS),
        sorted(RETURN_METHODS),
        sorted(TIME_UNITS),
        sorted(FEE_METHODS),
        sorted(CHANNEL_DETAILS),
        sorted(IDENTITY_CHECKS),
        sorted(DATA_SOURCES),
        sorted(v for v in CROSS_BOUNDARY if v),
        STATUSES,
        OTHER_VALUES,
    ):
        values.extend(group)
    return ",".join(f'"{v}"' for v in values)


def people() -> str:
    return (
        "".join(ADDRESS_WORDS)
        + " ".join(FAMILY_NAMES + MIDDLE_NAMES)
        + "".join(f'"to":"{to}"' for to in HANDOVER_TO)
    )


def catalogue() -> str:
    """The catalogue texts of the everyday procedures, the most common last."""
    resources = ROOT / "resources"
    curated = json.loads((resources / "catalogue" / "checklists.json").read_text("utf-8"))
    records = json.loads((resources / "catalogue" / "procedures.json").read_text("utf-8"))
    by_code = {r["code"]: r for r in records}
    rules = json.loads((resources / "rules" / "rule_sets.json").read_text("utf-8"))
    parts = [f'"rule_set":"{r["name"]}"' for r in rules["rule_sets"]]
    latest = max(rules["rule_sets"], key=lambda r: str(r["in_force_from"]))["name"]
    for entry in reversed(curated["procedures"]):
        procedure = procedure_from_record(by_code[entry["code"]])
        papers = list(range(len(procedure.documents)))
        texts = {
            "procedure_name": procedure.name,
            "procedure_field": procedure.field,
            "fee": procedure.fee_text,
            "processing_time": dict(sorted(procedure.processing_time.to_json().items())),
        }
        parts.append(
            f'"papers":{dumps(papers)},"procedure_code":"{procedure.code}",'
            f'"register_no":1,"register_prefix":"","rule_set":"{latest}",'
            + dumps(texts)[1:-1]
            + "}}"
        )
    return "".join(parts)


def skeleton() -> str:
    """A one-dossier batch with its values left empty (the envelope's key order is
    ``EventWire.to_json``'s; payload keys sorted, the catalogue texts last)."""

    def event(kind: str, seq: int, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "uuid": "",
            "dossier_uuid": "",
            "kind": kind,
            "station_id": "",
            "seq": seq,
            "officer": "",
            "at": "+07:00",
            "payload": {"hlc": "", **payload} if seq > 1 else payload,
        }

    received = {
        "agency_id": "000.00.00.H",
        "applicant": {
            "address": "",
            "birth_date": "19",
            "id_number": "0",
            "name": "Nguyễn Thị ",
            "phone": "09",
            "sex": "Nam",
        },
        "catalogue_version": "national-2026-07-20",
        "checklist": "",
        "code": "-0000",
        "due_at": "+07:00",
        "fee_due": 0,
        "hlc": "",
        "lookup_key": "",
        "papers": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        "procedure_code": "1.00",
        "register_no": 1,
        "register_prefix": "",
        "rule_set": "",
    }
    events = [
        event("received", 1, received),
        event("handed_over", 2, {"note": "", "to": "Công chức "}),
        event("result_received", 3, {"note": "", "outcome": "approved", "result_number": ""}),
        event(
            "returned",
            4,
            {
                "note": "",
                "originals_returned": True,
                "receiver_is_applicant": True,
                "receiver_name": "Nguyễn Văn ",
            },
        ),
    ]
    batch = {"batch_id": "", "station_id": "", "events": events, "waiting": 0}
    chain = {"chain": {"head": {"pos": 1, "hash": ""}, "anchors": [{"pos": 1, "hash": ""}]}}
    return dumps(chain)[1:-1] + dumps(batch)


def build() -> bytes:
    text = "".join((rare_kinds(), enumerations(), people(), catalogue(), skeleton()))
    data = text.encode("utf-8")
    if len(data) > MAX_DICTIONARY_BYTES:
        raise SystemExit(f"dictionary of {len(data)} bytes > {MAX_DICTIONARY_BYTES}")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the version name, e.g. v2")
    parser.add_argument("--check", action="store_true", help="compare with the released file")
    args = parser.parse_args()
    path = dictionary_path(args.name)
    data = build()
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        same = path.exists() and path.read_bytes() == data
        sys.stdout.write(f"{args.name}: {'rebuilt identically' if same else 'DIFFERS'}\n")
        raise SystemExit(0 if same else 1)
    if path.exists():
        raise SystemExit(f"{path} exists: a released dictionary never changes; use a new name")
    path.write_bytes(data)
    sys.stdout.write(f"{path}: {len(data)} bytes, sha256 {digest}\n")


if __name__ == "__main__":
    main()
