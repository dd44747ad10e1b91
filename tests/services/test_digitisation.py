"""Digitisation through the real services on a real SQLite file: scans stored as one PDF per
component, records projected from events, signatures, the rate in the register and report."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pypdf
import pytest
from PIL import Image

from counter_app.domain.dossier import Dossier, project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Channel, DocumentItem
from counter_app.services import digitisation as dg
from counter_app.services import register
from counter_app.services.exports import report_xlsx
from counter_app.services.intake import ReceptionRequest, guide_dossier, receive_dossier
from counter_app.services.reports import period_report, report
from counter_app.services.station import StationContext
from tests.conftest import make_applicant
from tests.imaging.helpers import (
    encode,
    jpeg_with_orientation,
    multipage_tiff,
    reportlab_pdf,
    text_page,
)

DAY = date(2026, 2, 13)


def _receive(station: StationContext, **over: object) -> Dossier:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return receive_dossier(station, replace(request, **over), officer="canbo")[0]


def _counts(station: StationContext) -> tuple[int, ...]:
    conn = station.store.db.conn
    return tuple(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("events", "outbox", "audit_log", "blobs")
    )


def _draft(tmp_path: Path) -> dg.ScanDraft:
    (tmp_path / "a.tif").write_bytes(multipage_tiff(3))
    (tmp_path / "b.jpg").write_bytes(jpeg_with_orientation(6))
    draft = dg.ScanDraft()
    assert draft.add_files([tmp_path / "a.tif", tmp_path / "b.jpg"]) == 4
    return draft


def test_attach_stores_one_pdf_and_the_record_in_one_go(
    station: StationContext, tmp_path: Path
) -> None:
    dossier = _receive(station)
    draft = _draft(tmp_path)
    draft.rotate(3, 90)
    draft.move(3, 0)
    draft.remove(1)
    record, changes = dg.attach_component(station, dossier.uuid, 0, draft, officer="canbo")
    assert changes.dossiers and record.digitised and record.pages == 3
    assert (
        record.name == dossier.documents[0].name and record.filename == "b.jpg"
    )  # the first page's file
    pdf = dg.component_pdf(station, dossier.uuid, 0)
    assert pdf is not None and len(pdf) == record.size
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    first = reader.pages[0].mediabox  # the photo, upright then turned 90°: landscape
    assert float(first.width) > float(first.height)
    stored = station.store.dossiers.by_uuid(dossier.uuid)
    assert stored is not None
    events = station.store.dossiers.events_of(dossier.uuid)
    assert [e.kind for e in events] == ["received", "component_digitised"]
    assert events[1].payload["sha256"] == record.sha256
    assert project(events) == stored  # another station rebuilds the same record
    info = station.store.blobs.info(record.sha256 or "")
    assert info is not None and info.mime == "application/pdf"
    records = dg.components_of(station, dossier.uuid)
    assert [r.digitised for r in records] == [True] + [False] * (len(records) - 1)


def test_bad_files_and_bad_targets_change_nothing(station: StationContext, tmp_path: Path) -> None:
    dossier = _receive(station)
    draft = dg.ScanDraft()
    draft.add_file(encode(text_page(), "PNG"), "tot.png")
    (tmp_path / "ghi-chu.txt").write_text("not a scan")
    (tmp_path / "hong.jpg").write_bytes(b"\xff\xd8\xff\xe0broken")
    before = _counts(station)
    for path, code in (
        (tmp_path / "ghi-chu.txt", ErrorCode.SCAN_FILE_TYPE_UNSUPPORTED),
        (tmp_path / "hong.jpg", ErrorCode.SCAN_FILE_UNREADABLE),
        (tmp_path / "missing.pdf", ErrorCode.SCAN_FILE_UNREADABLE),
    ):
        with pytest.raises(DomainError) as caught:
            draft.add_files([tmp_path / "ghi-chu.txt", path] if path.suffix != ".txt" else [path])
        assert caught.value.code in (code, ErrorCode.SCAN_FILE_TYPE_UNSUPPORTED)
    assert len(draft) == 1  # all files or none
    refusals = [
        (lambda: dg.attach_component(station, dossier.uuid, 0, b"x", officer="c", filename="a.txt"),
         ErrorCode.SCAN_FILE_TYPE_UNSUPPORTED),
        (lambda: dg.attach_component(station, dossier.uuid, 0, dg.ScanDraft(), officer="c"),
         ErrorCode.SCAN_NO_PAGES),
        (lambda: dg.attach_component(station, dossier.uuid, 99, draft, officer="c"),
         ErrorCode.COMPONENT_NOT_FOUND),
        (lambda: dg.attach_component(station, "no-such-uuid", 0, draft, officer="c"),
         ErrorCode.DOSSIER_NOT_FOUND),
        (lambda: draft.move(0, 5), ErrorCode.SCAN_PAGE_NOT_FOUND),
        (lambda: draft.rotate(0, 45), ErrorCode.SCAN_ROTATION_INVALID),
    ]  # fmt: skip
    for call, code in refusals:
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.code is code
    assert _counts(station) == before
    assert dg.components_of(station, dossier.uuid)[0].digitised is False


def test_a_refused_or_guided_dossier_cannot_be_digitised(station: StationContext) -> None:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    guided = guide_dossier(
        station, request, missing=("Tờ khai",), reason="Thiếu tờ khai", officer="canbo"
    )[0]
    with pytest.raises(DomainError) as caught:
        dg.attach_component(station, guided.uuid, 0, reportlab_pdf(1), officer="c")
    assert caught.value.code is ErrorCode.ACTION_NOT_ALLOWED


def test_a_light_pdf_file_is_kept_as_it_is(station: StationContext) -> None:
    dossier = _receive(station)
    original = reportlab_pdf(2)
    record, _ = dg.attach_component(
        station, dossier.uuid, 1, original, officer="canbo", filename="to-khai.pdf"
    )
    assert record.pages == 2 and dg.component_pdf(station, dossier.uuid, 1) == original


def test_signature_is_recorded_only_for_the_current_scan(
    station: StationContext, tmp_path: Path
) -> None:
    dossier = _receive(station)
    record, _ = dg.attach_component(station, dossier.uuid, 0, _draft(tmp_path), officer="canbo")
    scan = dg.component_pdf(station, dossier.uuid, 0)
    assert scan is not None
    signed = scan + b"\n% incremental update: signature\n"
    before = _counts(station)
    for data, code in (
        (b"not a pdf", ErrorCode.SIGNED_PDF_INVALID),
        (reportlab_pdf(1), ErrorCode.SIGNED_PDF_MISMATCH),
    ):
        with pytest.raises(DomainError) as caught:
            dg.record_signature(station, dossier.uuid, 0, data, signer_name="A", officer="c")
        assert caught.value.code is code
    with pytest.raises(DomainError) as caught:
        dg.record_signature(station, dossier.uuid, 1, signed, signer_name="A", officer="c")
    assert caught.value.code is ErrorCode.COMPONENT_NOT_DIGITISED
    assert _counts(station) == before
    done, _ = dg.record_signature(
        station, dossier.uuid, 0, signed, signer_name="Trần Thị Bình", officer="canbo"
    )
    assert done.signed_by == "Trần Thị Bình" and done.signed_at is not None
    assert done.sha256 == record.sha256 and done.signed_sha256 != record.sha256
    assert dg.component_pdf(station, dossier.uuid, 0) == signed
    assert dg.component_pdf(station, dossier.uuid, 0, signed=False) == scan
    # scanning again drops the signature (it signed the old pages)
    again, _ = dg.attach_component(station, dossier.uuid, 0, reportlab_pdf(1), officer="canbo")
    assert again.signed_by is None and again.pages == 1


def test_rate_in_the_period_report_and_the_register(
    station: StationContext, tmp_path: Path
) -> None:
    docs = (DocumentItem("Tờ khai", received=True), DocumentItem("Bản sao", received=False))
    full = _receive(station, documents=docs)
    half = _receive(station, documents=docs)
    _receive(station, documents=docs)
    online = _receive(station, documents=docs, channel=Channel.ONLINE)
    dg.attach_component(station, full.uuid, 0, reportlab_pdf(1), officer="canbo")
    dg.attach_component(station, half.uuid, 1, reportlab_pdf(1), officer="canbo")
    dg.attach_component(station, online.uuid, 0, reportlab_pdf(1), officer="canbo")
    stats = period_report(station, start=DAY, end=DAY)
    assert (stats.digitisation.counted, stats.digitisation.digitised) == (3, 1)  # paper only
    data = report(station, start=DAY, end=DAY).to_dict()
    assert data["digitisation"] == {"counted": 3, "digitised": 1, "rate": 0.3333}
    xlsx = report_xlsx(station, report(station, start=DAY, end=DAY))
    assert any(v.endswith("1/3 (33,3%)") for v in _xlsx_strings(xlsx))
    rows = register.register_rows(station, year=2026, book_size=0)
    assert [r.digitised for r in rows] == [True, False, False, True]
    assert rows[0].note.endswith("Đã số hóa") and "Đã số hóa" not in rows[1].note
    summary = register.register_digitisation(station, year=2026)
    assert (summary.counted, summary.digitised) == (3, 1)
    sheet = register.register_sheet(station, year=2026, book_size=0)
    assert sheet.summary.endswith("1/3 (33,3%)")


def _xlsx_strings(xlsx: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


def test_scanner_images_and_thumbnails(station: StationContext) -> None:
    draft = dg.ScanDraft()
    assert draft.add_images([text_page(), text_page(colour=True)], dpi=200) == 2
    previews = draft.thumbnails(64)
    assert len(previews) == 2
    with Image.open(io.BytesIO(previews[0])) as image:
        assert max(image.size) == 64
    assert len(pypdf.PdfReader(io.BytesIO(draft.to_pdf())).pages) == 2


def test_watched_folder_reports_each_file_once_when_its_size_is_stable(tmp_path: Path) -> None:
    folder = tmp_path / "scanner"
    folder.mkdir()
    seen: dict[str, tuple[int, int] | None] = {}
    (folder / "scan1.pdf").write_bytes(b"%PDF-1.4 partial")
    (folder / "notes.txt").write_text("x")
    (folder / ".tmp.jpg").write_bytes(b"x")
    assert dg.new_scans(folder, seen) == []  # first sight: maybe still being written
    with (folder / "scan1.pdf").open("ab") as growing:
        growing.write(b" more bytes")
    os.utime(folder / "scan1.pdf", ns=(1, 2))
    assert dg.new_scans(folder, seen) == []  # it grew: wait another poll
    assert dg.new_scans(folder, seen) == [folder / "scan1.pdf"]
    assert dg.new_scans(folder, seen) == []  # reported once
    (folder / "scan1.pdf").unlink()
    assert dg.new_scans(folder, seen) == [] and seen == {}
    with pytest.raises(DomainError) as caught:
        dg.new_scans(tmp_path / "absent", seen)
    assert caught.value.code is ErrorCode.SCAN_FOLDER_UNREADABLE
