"""Scans still to upload, where the administrator looks at sync: the JSON of
``counter-app sync`` and the diagnostics text (real station files; the dialog is in
tests/gui/test_sync_dialog_attachments.py)."""

from __future__ import annotations

from counter_app.cli.sync_cmd import sync_summary
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import digitisation, support
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.sync.attachments import AttachmentReport
from counter_app.sync.engine import SyncReport
from counter_app.texts import support as ts
from tests.conftest import make_applicant
from tests.signing.conftest import make_pdf


def scan_two_components(station: StationContext) -> None:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    dossier = receive_dossier(station, request, officer="canbo")[0]
    for component in (0, 1):
        pdf = make_pdf(pages=component + 1)
        digitisation.attach_component(
            station, dossier.uuid, component, pdf, officer="canbo", filename="a.pdf"
        )


def _report(station: StationContext, attachments: AttachmentReport | None) -> SyncReport:
    now = station.clock.now()
    return SyncReport(
        pushed=3,
        duplicates=0,
        rejected=0,
        pulled=0,
        waiting=0,
        server_time=None,
        started_at=now,
        finished_at=now,
        attachments=attachments,
    )


def test_sync_json_says_how_many_scans_wait(station: StationContext) -> None:
    scan_two_components(station)
    # A round without an attachment step: the count is read from the upload queue.
    summary = sync_summary(station, _report(station, None))
    assert summary["attachments_waiting"] == 2 and summary["attachments_error"] is None
    assert summary["pushed"] == 3 and summary["waiting"] == 0
    # A round that uploaded one and was cut: what the round left, and why it stopped.
    cut = AttachmentReport(uploaded=1, waiting=1, error=DomainError(ErrorCode.SYNC_UNREACHABLE))
    summary = sync_summary(station, _report(station, cut))
    assert summary["attachments_waiting"] == 1
    assert summary["attachments_error"] == "sync_unreachable"


def test_diagnostics_list_the_scans_waiting(station: StationContext) -> None:
    before = support.collect_diagnostics(station)
    assert before.attachments_waiting == 0
    scan_two_components(station)
    diag = support.collect_diagnostics(station)
    assert diag.attachments_waiting == 2
    assert f"{ts.DIAG_LABELS['attachments_waiting']}: 2" in support.diagnostics_text(diag)
