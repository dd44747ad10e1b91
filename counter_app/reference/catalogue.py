"""Loading the shipped procedure catalogue (resources/catalogue/procedures.json).

The mapping from the crawl's fields to processing times is documented in
resources/catalogue/PROVENANCE.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from counter_app.domain.models import DocumentForm, DocumentItem, Procedure
from counter_app.domain.processing_time import (
    SAME_DAY,
    UNKNOWN,
    ProcessingTime,
    TimeUnit,
)
from counter_app.domain.text import nfc

CATALOGUE_VERSION = "national-2026-07-20"
_SAME_DAY_FIELDS = {"Chứng thực"}
# Statutory same-day procedures the crawl has no time for (one-stop-rules.md §4.2).
_SAME_DAY_CODES = {"2.000635", "2.000908", "2.000815", "2.000884"}
_FORMS = {
    "ban chinh": DocumentForm.ORIGINAL,
    "ban sao": DocumentForm.COPY,
    "ban chinh + ban sao": DocumentForm.ORIGINAL_AND_COPY,
}


def resources_dir() -> Path:
    """The resources folder: beside the package in a checkout, inside a frozen bundle."""
    return Path(__file__).resolve().parents[2] / "resources"


def catalogue_path() -> Path:
    return resources_dir() / "catalogue" / "procedures.json"


def processing_time_of(record: dict[str, Any]) -> ProcessingTime:
    """The processing time the counter uses for one catalogue record."""
    unit, days = record.get("processing_unit"), record.get("processing_days")
    amount = record.get("processing_amount")
    if unit == "working_day" and days is not None:
        return SAME_DAY if days == 0 else ProcessingTime(TimeUnit.WORKING_DAYS, float(days))
    if unit == "day" and days is not None:
        return SAME_DAY if days == 0 else ProcessingTime(TimeUnit.CALENDAR_DAYS, float(days))
    if unit == "hour" and amount:
        return ProcessingTime(TimeUnit.WORKING_HOURS, float(amount))
    if record.get("processing_days_source") == "portal_time_months" and amount:
        return ProcessingTime(TimeUnit.MONTHS, float(amount))
    if record.get("field") in _SAME_DAY_FIELDS or record.get("code") in _SAME_DAY_CODES:
        return SAME_DAY
    return UNKNOWN


def _documents(record: dict[str, Any]) -> tuple[DocumentItem, ...]:
    items = []
    for doc in record.get("documents", []):
        if doc.get("is_note") or not doc.get("name"):
            continue
        items.append(
            DocumentItem(
                name=nfc(doc["name"]),
                form=_FORMS.get(doc.get("form", ""), DocumentForm.ORIGINAL),
                count=max(int(doc.get("count") or 1), 1),
                group=doc.get("group"),
            )
        )
    return tuple(items)


def procedure_from_record(record: dict[str, Any]) -> Procedure:
    return Procedure(
        code=record["code"],
        name=nfc(record["name"]),
        field=nfc(record.get("field") or ""),
        level=record.get("level") or "",
        processing_time=processing_time_of(record),
        processing_text=record.get("processing_time_text") or "",
        documents=_documents(record),
        fee_text=record.get("fee_text") or "",
        decision_no=record.get("decision_no"),
        catalogue_version=CATALOGUE_VERSION,
    )


def load_catalogue(path: Path | None = None) -> list[Procedure]:
    """Every procedure of the shipped catalogue (or of ``path``), in file order."""
    with (path or catalogue_path()).open(encoding="utf-8") as handle:
        records = json.load(handle)
    return [procedure_from_record(r) for r in records]
