"""Digitisation of a dossier's components at reception (Decree 118/2025 Art. 17.1.c).

A *component* is one item of the dossier's document checklist (``Dossier.documents``),
addressed by its position (0-based) and named for the record. The events
``component_digitised`` and ``component_signed`` leave one :class:`ComponentScan` per
digitised component in the dossier (``Dossier.scans``); :func:`component_records` joins them
with the checklist into the :class:`ComponentRecord` a screen or a report shows.

Rules decided here:

* the **required** components are those ticked as handed over (``received=True``);
* a dossier is **digitised** when every required component is digitised and at least one
  component is — a dossier with nothing ticked and nothing scanned is not digitised (an empty
  checklist must not count as a success);
* scanning a component again replaces its scan and drops its signature (the signature was
  of the old scan); a signature is kept only when it signs the component's current scan;
* a scan is matched to the checklist by position and name; if a correction moved the item,
  by name; a scan whose item is gone no longer counts;
* the officer's signed copy of the receipt (``receipt_signed``) is a :class:`ReceiptSignature`
  (``Dossier.signed_receipt``); a later signature replaces it, a correction marks it outdated;
* the **rate** of a set of dossiers is digitised / counted (:class:`DigitisationSummary`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from counter_app.domain.models import DocumentItem


@dataclass(frozen=True, slots=True)
class ComponentScan:
    """What the events say about one digitised component (kept in the dossier)."""

    component: int
    name: str
    sha256: str
    pages: int
    size: int
    filename: str
    at: datetime
    officer: str
    signed_sha256: str | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "name": self.name,
            "sha256": self.sha256,
            "pages": self.pages,
            "size": self.size,
            "filename": self.filename,
            "at": self.at.isoformat(),
            "officer": self.officer,
            "signed_sha256": self.signed_sha256,
            "signed_by": self.signed_by,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ComponentScan:
        signed_at = data.get("signed_at")
        return cls(
            component=int(data["component"]),
            name=str(data.get("name", "")),
            sha256=str(data["sha256"]),
            pages=int(data.get("pages", 0)),
            size=int(data.get("size", 0)),
            filename=str(data.get("filename", "")),
            at=datetime.fromisoformat(data["at"]),
            officer=str(data.get("officer", "")),
            signed_sha256=data.get("signed_sha256"),
            signed_by=data.get("signed_by"),
            signed_at=datetime.fromisoformat(signed_at) if signed_at else None,
        )


@dataclass(frozen=True, slots=True)
class ReceiptSignature:
    """The officer's signed electronic copy of the dossier's receipt (Mẫu 01).

    ``sha256`` names the signed PDF in the blob store; ``signer`` is the certificate holder.
    ``outdated``: the dossier was corrected after the signature, so the signed copy no longer
    shows its current data (the same rule that marks a paper receipt printed again after a
    correction as a re-issue); signing again gives a current one.
    """

    sha256: str
    signer: str
    signed_at: datetime
    officer: str
    outdated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "signer": self.signer,
            "signed_at": self.signed_at.isoformat(),
            "officer": self.officer,
            "outdated": self.outdated,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReceiptSignature:
        return cls(
            sha256=str(data["sha256"]),
            signer=str(data.get("signer", "")),
            signed_at=datetime.fromisoformat(data["signed_at"]),
            officer=str(data.get("officer", "")),
            outdated=bool(data.get("outdated", False)),
        )


@dataclass(frozen=True, slots=True)
class ComponentRecord:
    """One component of a dossier as the officer sees it: digitised or not, how, by whom.

    ``sha256`` and ``size`` are those of the scanned PDF; ``signed_sha256`` of the signed
    PDF (the one to forward) when the officer has signed it.
    """

    index: int
    name: str
    required: bool
    digitised: bool
    pages: int = 0
    sha256: str | None = None
    size: int = 0
    filename: str = ""
    signed_by: str | None = None
    signed_at: datetime | None = None
    signed_sha256: str | None = None

    @property
    def signed(self) -> bool:
        return self.signed_sha256 is not None


def matched_index(documents: Sequence[DocumentItem], scan: ComponentScan) -> int | None:
    """The checklist position ``scan`` belongs to now, or None when its item is gone."""
    if 0 <= scan.component < len(documents) and documents[scan.component].name == scan.name:
        return scan.component
    for index, item in enumerate(documents):
        if item.name == scan.name:
            return index
    if not scan.name and 0 <= scan.component < len(documents):
        return scan.component
    return None


def component_records(
    documents: Sequence[DocumentItem], scans: Iterable[ComponentScan]
) -> tuple[ComponentRecord, ...]:
    """One record per checklist item, in checklist order (see the module rules)."""
    by_index: dict[int, ComponentScan] = {}
    for each in scans:
        position = matched_index(documents, each)
        if position is not None:
            by_index[position] = each
    records = []
    for index, item in enumerate(documents):
        scan = by_index.get(index)
        if scan is None:
            records.append(ComponentRecord(index, item.name, item.received, False))
            continue
        records.append(
            ComponentRecord(
                index=index,
                name=item.name,
                required=item.received,
                digitised=True,
                pages=scan.pages,
                sha256=scan.sha256,
                size=scan.size,
                filename=scan.filename,
                signed_by=scan.signed_by,
                signed_at=scan.signed_at,
                signed_sha256=scan.signed_sha256,
            )
        )
    return tuple(records)


def is_digitised(documents: Sequence[DocumentItem], scans: Iterable[ComponentScan]) -> bool:
    """True when every required component is digitised and at least one component is."""
    records = component_records(documents, scans)
    if not any(r.digitised for r in records):
        return False
    return all(r.digitised for r in records if r.required)


def with_scan(scans: Sequence[ComponentScan], scan: ComponentScan) -> tuple[ComponentScan, ...]:
    """The scans after ``scan``: it replaces the component's earlier scan (and signature)."""
    kept = tuple(s for s in scans if s.component != scan.component)
    return tuple(sorted((*kept, scan), key=lambda s: s.component))


def with_signature(
    scans: Sequence[ComponentScan],
    *,
    component: int,
    scan_sha256: str,
    signed_sha256: str,
    signer: str,
    signed_at: datetime,
) -> tuple[ComponentScan, ...]:
    """The scans after a signature of ``component``'s scan ``scan_sha256``; a signature of
    another (older) scan changes nothing."""
    return tuple(
        replace(s, signed_sha256=signed_sha256, signed_by=signer, signed_at=signed_at)
        if s.component == component and s.sha256 == scan_sha256
        else s
        for s in scans
    )


@dataclass(frozen=True, slots=True)
class DigitisationSummary:
    """How many of ``counted`` dossiers are digitised; ``rate`` is None when none counted."""

    counted: int = 0
    digitised: int = 0

    @property
    def rate(self) -> float | None:
        return self.digitised / self.counted if self.counted else None

    def __add__(self, other: DigitisationSummary) -> DigitisationSummary:
        return DigitisationSummary(self.counted + other.counted, self.digitised + other.digitised)

    def to_dict(self) -> dict[str, object]:
        rate = self.rate
        return {
            "counted": self.counted,
            "digitised": self.digitised,
            "rate": round(rate, 4) if rate is not None else None,
        }


def summarise(flags: Iterable[bool]) -> DigitisationSummary:
    """The summary of one digitised-or-not flag per counted dossier."""
    counted = digitised = 0
    for flag in flags:
        counted += 1
        digitised += bool(flag)
    return DigitisationSummary(counted, digitised)
