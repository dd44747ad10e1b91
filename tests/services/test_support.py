"""Support: the log file keeps personal data out; the diagnostic text lists what support needs."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app import __version__
from counter_app.services import maintenance, support
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import set_station_token
from counter_app.storage.sync_repository import SyncAttempt
from counter_app.texts import support as ts
from tests.conftest import make_applicant

NAME, ID_NUMBER, OLD_ID, PHONE = "Hoàng Thị Mai Anh", "038196004321", "186543210", "0987654321"
ADDRESS = "Số 12 ngõ 34 phố Hàng Bạc"


@pytest.fixture
def logged(station: StationContext) -> Iterator[Path]:
    path = support.setup_logging(station.store.data_dir)
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "baseFilename", "") == str(path)]:
        root.removeHandler(handler)
        handler.close()


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_log_holds_no_personal_data_after_a_reception(
    station: StationContext, logged: Path
) -> None:
    applicant = make_applicant(name=NAME, id_number=ID_NUMBER, phone=PHONE, address=ADDRESS)
    request = ReceptionRequest(procedure_code="1.001193", applicant=applicant)
    dossier, _ = receive_dossier(station, request, officer="canbo")
    backup = maintenance.write_backup(station.store, kind="manual", extra_dir=None).path
    maintenance.restore_station(station, backup, officer="quantri")
    # A careless line and a traceback carrying the numbers: the safety net masks them.
    log = logging.getLogger("counter_app.test")
    log.warning("applicant id %s, old id %s, phone %s", ID_NUMBER, OLD_ID, PHONE)
    try:
        raise ValueError(f"bad phone 0987 654 321 / +84 987.654.321 for {ID_NUMBER}")
    except ValueError:
        log.exception("reception of %s failed", dossier.code)
    _flush()
    text = logged.read_text(encoding="utf-8")
    assert "backup manual written" in text and "restored" in text
    assert dossier.code is not None and dossier.code in text  # a code is not personal
    for secret in (NAME, ID_NUMBER, OLD_ID, PHONE, ADDRESS, "654 321", "987.654.321"):
        assert secret not in text, secret
    assert "038*********" in text and "186******" in text and "098*******" in text


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("id 001090123456 ok", "id 001********* ok"),
        ("cmnd 012345678.", "cmnd 012******."),
        ("phone 0912 345 678", "phone 091* *** ***"),
        ("phone +84 912.345.678", "phone +84 9**.***.***"),
        ("landline 024-3825-1234", "landline 024-****-****"),
    ],
)
def test_redaction_masks_id_and_phone_numbers(line: str, masked: str) -> None:
    assert support.redact(line) == masked


@pytest.mark.parametrize(
    "line",
    [
        "received 000.00.19.H56-261122-070001 at 2026-02-13T10:00:00+07:00",
        "dossier 0f8e2c1a-93b4-4d6e-8a2f-5c7d9e1b3a40 seq 12345",
        "H56.123.45-260213-001234",
    ],
)
def test_redaction_keeps_codes_uuids_and_times(line: str) -> None:
    assert support.redact(line) == line


def test_log_rotates_by_size(station: StationContext, logged: Path) -> None:
    handler = next(
        h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == str(logged)
    )
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert handler.maxBytes == support.LOG_MAX_BYTES and handler.backupCount > 0
    assert logged.parent == station.store.data_dir / "logs"


def test_diagnostics_list_versions_paths_sync_state_and_errors(
    station: StationContext, logged: Path
) -> None:
    store = station.store
    set_station_token(store.data_dir, "tok-SECRET-123")  # kept out of the database (issue 17)
    with store.db.atomic():
        store.config.set(
            "sync", {"url": "https://tinh.example.vn", "token": "tok-SECRET-123", "enrolled_at": ""}
        )
        now = station.clock.now()
        store.sync.log_attempt(
            SyncAttempt(
                started_at=now - timedelta(minutes=1),
                finished_at=now,
                status="failed",
                pushed=0,
                duplicates=0,
                rejected=0,
                pulled=0,
                waiting=1,
                server_time=None,
                error="sync_unreachable (detail='connection refused')",
            )
        )
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    dossier, _ = receive_dossier(station, request, officer="canbo")
    logging.getLogger("counter_app.test").error("printer jammed on QUAY-1")
    _flush()

    diag = support.collect_diagnostics(station, qt_version="Qt 6.x")
    text = support.diagnostics_text(diag)

    assert diag.app_version == __version__ and __version__ in text
    assert str(store.data_dir) in text and str(store.db_path) in text
    assert diag.station_id == station.office().station_id and diag.station_id in text
    assert diag.migrations[-1] in text
    assert diag.events_waiting == store.sync.waiting() > 0
    assert diag.last_sync_status == "failed" and "connection refused" in text
    assert diag.last_sync_success is None and ts.DIAG_NEVER in text
    assert "https://tinh.example.vn" in text and "tok-SECRET-123" not in text
    assert dossier.code is not None and dossier.code in text
    assert any("printer jammed" in line for line in diag.error_lines)
    for key in ts.DIAG_LABELS:
        assert ts.DIAG_LABELS[key] in text
    assert make_applicant().name not in text and make_applicant().id_number not in text
