"""Loading the shipped procedure catalogue (resources/catalogue/procedures.json).

The mapping from the crawl's fields to processing times is documented in
resources/catalogue/PROVENANCE.md. Checklists: the curated ones of resources/catalogue/
checklists.json (versioned, ``CHECKLISTS_VERSION``), else derived from the crawled rows by the
rules of :mod:`counter_app.domain.checklist`; the curated procedures' order there is their
everyday rank in the search (:mod:`counter_app.domain.procedure_search`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from counter_app.domain.checklist import (
    CuratedChecklist,
    CuratedPaper,
    RawPaper,
    curated_checklist,
    derive_checklist,
)
from counter_app.domain.models import DocumentForm, DocumentItem, Procedure
from counter_app.domain.processing_time import (
    SAME_DAY,
    UNKNOWN,
    ProcessingTime,
    TimeUnit,
)
from counter_app.domain.text import fold, nfc

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


def checklists_path() -> Path:
    return resources_dir() / "catalogue" / "checklists.json"


def _curated_entry(entry: dict[str, Any], rank: int) -> CuratedChecklist:
    papers = tuple(
        CuratedPaper(
            source=int(p["source"]),
            title=nfc(p["title"]),
            show_only=bool(p.get("show_only", False)),
            conditional=bool(p.get("conditional", False)),
            form=DocumentForm(p["form"]) if p.get("form") else None,
            count=int(p["count"]) if p.get("count") else None,
        )
        for p in entry.get("papers", [])
    )
    return CuratedChecklist(
        code=entry["code"],
        papers=papers,
        everyday_rank=rank,
        derive_rest=bool(entry.get("derive_rest", False)),
    )


@lru_cache(maxsize=1)
def curated_checklists() -> dict[str, CuratedChecklist]:
    """The curated checklists by procedure code (their order is the everyday rank, from 1)."""
    with checklists_path().open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {e["code"]: _curated_entry(e, rank) for rank, e in enumerate(data["procedures"], 1)}


def checklists_version() -> str:
    with checklists_path().open(encoding="utf-8") as handle:
        return str(json.load(handle)["version"])


def _raw_papers(record: dict[str, Any]) -> list[RawPaper]:
    return [
        RawPaper(
            name=nfc(doc.get("name") or ""),
            form=_FORMS.get(doc.get("form", ""), DocumentForm.ORIGINAL),
            count=max(int(doc.get("count") or 1), 1),
            group=doc.get("group"),
            note=bool(doc.get("is_note")),
        )
        for doc in record.get("documents", [])
    ]


def _documents(record: dict[str, Any]) -> tuple[DocumentItem, ...]:
    raw = _raw_papers(record)
    curated = curated_checklists().get(record.get("code", ""))
    if curated is not None and curated.papers:
        items = curated_checklist(raw, curated)
        if items is not None:
            return items
    return derive_checklist(raw)


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
        everyday_rank=_everyday_rank(record.get("code", "")),
    )


def _everyday_rank(code: str) -> int:
    curated = curated_checklists().get(code)
    return curated.everyday_rank if curated else 0


_ONLINE_CHANNEL = "truc tuyen"


@lru_cache(maxsize=1)
def _online_filing() -> dict[str, bool]:
    with catalogue_path().open(encoding="utf-8") as handle:
        records = json.load(handle)
    out = {}
    for record in records:
        rows = record.get("processing_by_channel") or []
        names = {fold(str(row.get("channel") or "")) for row in rows if isinstance(row, dict)}
        if names:
            out[str(record.get("code"))] = _ONLINE_CHANNEL in names
    return out


def online_filing(code: str) -> bool | None:
    """Whether the shipped catalogue lists online filing ("Trực tuyến") among the channels of
    procedure ``code``: the kiosk and VNeID are offered then (``domain.identity``). None when
    the catalogue lists no channel for it (or does not know the code)."""
    return _online_filing().get(code)


def load_catalogue(path: Path | None = None) -> list[Procedure]:
    """Every procedure of the shipped catalogue (or of ``path``), in file order."""
    with (path or catalogue_path()).open(encoding="utf-8") as handle:
        records = json.load(handle)
    return [procedure_from_record(r) for r in records]
