"""Component records and the digitisation rule, from events through the projection."""

from __future__ import annotations

from datetime import datetime, timedelta

from counter_app.domain.digitisation import (
    ComponentScan,
    DigitisationSummary,
    component_records,
    is_digitised,
    summarise,
    with_scan,
    with_signature,
)
from counter_app.domain.models import VN_TZ, DocumentItem

T0 = datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ)
DOCS = (
    DocumentItem("Tờ khai", received=True),
    DocumentItem("Giấy chứng sinh", received=True),
    DocumentItem("Giấy ủy quyền", received=False),
)


def _scan(component: int, sha: str = "a" * 64, name: str | None = None) -> ComponentScan:
    return ComponentScan(
        component=component,
        name=DOCS[component].name if name is None else name,
        sha256=sha,
        pages=2,
        size=1000,
        filename="scan.pdf",
        at=T0,
        officer="canbo",
    )


def test_digitised_only_when_every_required_component_is() -> None:
    assert not is_digitised(DOCS, ())
    assert not is_digitised(DOCS, (_scan(0),))
    assert not is_digitised(DOCS, (_scan(2),))  # the optional one alone
    assert is_digitised(DOCS, (_scan(0), _scan(1)))
    nothing_ticked = tuple(DocumentItem(d.name) for d in DOCS)
    assert not is_digitised(nothing_ticked, ())  # an empty requirement is no success
    assert is_digitised(nothing_ticked, (_scan(2),))


def test_records_follow_the_checklist() -> None:
    records = component_records(DOCS, (_scan(1),))
    assert [(r.index, r.required, r.digitised, r.pages) for r in records] == [
        (0, True, False, 0),
        (1, True, True, 2),
        (2, False, False, 0),
    ]


def test_a_scan_follows_its_item_when_a_correction_moves_it() -> None:
    moved = (DOCS[1], DOCS[0])
    records = component_records(moved, (_scan(1),))
    assert [r.digitised for r in records] == [True, False]
    assert component_records(DOCS[:1], (_scan(1),))[0].digitised is False  # item gone


def test_rescan_replaces_and_drops_the_signature_of_the_old_scan() -> None:
    scans = with_scan((), _scan(0, "a" * 64))
    signed = with_signature(
        scans,
        component=0,
        scan_sha256="a" * 64,
        signed_sha256="s" * 64,
        signer="Nguyễn Văn A",
        signed_at=T0,
    )
    assert signed[0].signed_by == "Nguyễn Văn A"
    rescanned = with_scan(signed, _scan(0, "b" * 64))
    assert len(rescanned) == 1 and rescanned[0].signed_sha256 is None
    stale = with_signature(
        rescanned,
        component=0,
        scan_sha256="a" * 64,
        signed_sha256="t" * 64,
        signer="X",
        signed_at=T0 + timedelta(hours=1),
    )
    assert stale == rescanned  # a signature of the old scan does not sign the new one


def test_scan_json_round_trip() -> None:
    scan = with_signature(
        (_scan(1),),
        component=1,
        scan_sha256="a" * 64,
        signed_sha256="s" * 64,
        signer="B",
        signed_at=T0,
    )[0]
    assert ComponentScan.from_json(scan.to_json()) == scan


def test_rate() -> None:
    summary = summarise([True, False, True, True])
    assert summary == DigitisationSummary(4, 3) and summary.rate == 0.75
    assert DigitisationSummary().rate is None
    assert (summary + DigitisationSummary(1, 1)).to_dict() == {
        "counted": 5,
        "digitised": 4,
        "rate": 0.8,
    }
