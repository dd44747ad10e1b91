"""Scans live as content-addressed files beside the database (storage/blobs.py): written
durably before their row, checked by ``check``, left out of database backups and carried by
the backup to the second place (a USB stick), from which a restore on a new disk brings them
back."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.services import digitisation as dg
from counter_app.services import maintenance
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.settings import read_settings, update_settings
from counter_app.services.station import StationContext
from counter_app.storage.blobs import blob_path, sha256_hex
from tests.conftest import make_applicant
from tests.imaging.helpers import reportlab_pdf

PASSPHRASE = "mật khẩu sao lưu của xã"


def _digitised(station: StationContext) -> tuple[str, bytes]:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    dossier, _ = receive_dossier(station, request, officer="canbo")
    pdf = reportlab_pdf(2)
    record, _ = dg.attach_component(station, dossier.uuid, 0, pdf, officer="canbo")
    assert record.sha256 is not None
    return dossier.uuid, dg.component_pdf(station, dossier.uuid, 0) or b""


def test_a_scan_is_a_file_named_by_its_hash_and_not_a_database_row(
    station: StationContext,
) -> None:
    _uuid, pdf = _digitised(station)
    digest = sha256_hex(pdf)
    path = blob_path(station.store.data_dir / "scans", digest)
    assert path.read_bytes() == pdf
    columns = [r[1] for r in station.store.db.conn.execute("PRAGMA table_info(blobs)")]
    assert "data" not in columns
    assert station.store.check() == []
    assert station.store.blobs.unlisted_files() == []


def test_a_rolled_back_transaction_leaves_no_row_and_only_an_unlisted_file(
    station: StationContext,
) -> None:
    data = b"%PDF-1.4 not committed"
    with pytest.raises(RuntimeError), station.store.db.atomic():
        digest = station.store.blobs.put(data, "application/pdf", at=station.clock.now())
        raise RuntimeError("power cut before commit")
    assert not station.store.blobs.has(digest)
    assert station.store.blobs.get(digest) is None
    assert [p.name for p in station.store.blobs.unlisted_files()] == [digest]
    assert station.store.check() == []


def test_check_reports_a_missing_or_damaged_scan(station: StationContext) -> None:
    uuid, pdf = _digitised(station)
    path = blob_path(station.store.data_dir / "scans", sha256_hex(pdf))
    path.write_bytes(pdf[:-1] + b"X")
    problems = station.store.check()
    assert len(problems) == 1 and "damaged" in problems[0]
    assert dg.component_pdf(station, uuid, 0) is None
    path.unlink()
    problems = station.store.check()
    assert len(problems) == 1 and "missing" in problems[0]


def test_database_backups_stay_small_and_the_usb_copy_carries_the_scans(
    station: StationContext, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    update_settings(
        station, replace(read_settings(station), backup_dir=str(usb)), officer="quantri"
    )
    maintenance.set_backup_passphrase(station, PASSPHRASE, by="quantri")
    uuid, pdf = _digitised(station)
    outcome = maintenance.write_backup(
        station.store, kind="manual", extra_dir=maintenance.extra_backup_dir(station)
    )
    assert pdf not in outcome.path.read_bytes()
    own = maintenance.extra_backup_dir(station)
    assert own is not None and own.parent == usb
    sealed_scan = blob_path(own / "scans.sealed", sha256_hex(pdf))  # sealed (issue 17)
    assert sealed_scan.exists() and pdf not in sealed_scan.read_bytes()
    assert not (own / "scans").exists()

    # The disk dies: a new data folder, restored from the USB stick.
    data_dir = station.store.data_dir
    station.store.close()
    shutil.rmtree(data_dir)
    backup_on_usb = outcome.copy_path  # the point of the chain, sealed on the stick
    assert backup_on_usb is not None
    maintenance.restore(
        data_dir,
        backup_on_usb,
        mirror_dir=station.store.mirror_dir,
        officer="quantri",
        passphrase=PASSPHRASE,
    )
    clock = station.clock
    assert isinstance(clock, FixedClock)
    reopened = open_station(data_dir, clock=clock)
    try:
        assert dg.component_pdf(reopened, uuid, 0) == pdf
        assert reopened.store.check() == []
    finally:
        reopened.store.close()
