"""Row <-> domain object mapping (JSON columns) for the storage layer."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime
from typing import Any

from counter_app.domain.digitisation import ComponentScan, ReceiptSignature
from counter_app.domain.dossier import Dossier, Status
from counter_app.domain.models import (
    Applicant,
    Channel,
    DocumentItem,
    Event,
    ReturnMethod,
)
from counter_app.domain.processing_time import ProcessingTime

_DATETIME_FIELDS = {
    "received_at",
    "due_at",
    "original_due_at",
    "paused_at",
    "finished_at",
    "returned_at",
    "updated_at",
    "transfer_at",
    "authority_received_at",
    "fee_paid_at",
}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def dossier_to_json(dossier: Dossier) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(dossier):
        value = getattr(dossier, f.name)
        if f.name in _DATETIME_FIELDS:
            value = iso(value)
        elif isinstance(value, Applicant | ProcessingTime):
            value = value.to_json()
        elif f.name in ("documents", "scans"):
            value = [d.to_json() for d in value]
        elif isinstance(value, ReceiptSignature):
            value = value.to_json()
        elif isinstance(value, Channel):
            value = int(value)
        elif isinstance(value, Status | ReturnMethod):
            value = value.value
        out[f.name] = value
    return out


def dossier_from_json(data: dict[str, Any]) -> Dossier:
    values = dict(data)
    for name in _DATETIME_FIELDS:
        raw = values.get(name)
        values[name] = datetime.fromisoformat(raw) if raw else None
    values["applicant"] = Applicant.from_json(values["applicant"])
    values["submitter"] = (
        Applicant.from_json(values["submitter"]) if values.get("submitter") else None
    )
    values["documents"] = tuple(DocumentItem.from_json(d) for d in values["documents"])
    values["processing_time"] = ProcessingTime.from_json(values["processing_time"])
    values["scans"] = tuple(ComponentScan.from_json(s) for s in values.get("scans", ()))
    receipt = values.get("signed_receipt")
    values["signed_receipt"] = ReceiptSignature.from_json(receipt) if receipt else None
    values["missing"] = tuple(values.get("missing", ()))
    values["pending"] = tuple(values.get("pending", ()))
    values["channel"] = Channel(values["channel"])
    values["status"] = Status(values["status"])
    values["return_method"] = ReturnMethod(values["return_method"])
    return Dossier(**values)


def event_to_row(event: Event) -> tuple[Any, ...]:
    return (
        event.uuid,
        event.dossier_uuid,
        event.kind,
        event.station_id,
        event.seq,
        event.officer,
        event.at.isoformat(),
        dumps(event.payload),
    )


def event_from_row(row: tuple[Any, ...]) -> Event:
    uuid, dossier_uuid, kind, station_id, seq, officer, at, payload = row
    return Event(
        uuid=uuid,
        dossier_uuid=dossier_uuid,
        kind=kind,
        station_id=station_id,
        seq=int(seq),
        officer=officer,
        at=datetime.fromisoformat(at),
        payload=json.loads(payload),
    )
