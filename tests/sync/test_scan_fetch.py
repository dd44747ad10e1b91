"""Scans follow the dossier (issue 12 item 5), and one register per office (item 6).

Real stations (SQLite files), the real server (uvicorn + PostgreSQL, tests/server fixtures):
station A digitises a component and syncs; station B of the same office pulls the dossier,
then ``counter-app scan-pdf`` fetches the PDF on demand (progress on standard error, checked
against its SHA-256, cached: the second run downloads nothing); a download stopped half-way
stores nothing; a station of another office is refused by the server, said in Vietnamese.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

import httpx
import pytest
from PIL import Image

from counter_app import texts
from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import digitisation, register, scan_fetch
from counter_app.services.station import StationContext
from counter_app.sync.attachments import fetch_blob
from counter_app.sync.engine import run_sync
from province_server.testing import ServerProcess
from tests.cli.test_cli import as_officer
from tests.server import conftest as server_fixtures
from tests.server.conftest import EnrolledStation, client_for, new_agency
from tests.server.helpers import receive

pytestmark = pytest.mark.server
province_db = server_fixtures.province_db
server = server_fixtures.server
issue_code = server_fixtures.issue_code
enrolled_station = server_fixtures.enrolled_station


def scan_draft(seed: int, pages: int = 2) -> digitisation.ScanDraft:
    """Pages of grey noise: about 420 KB each once in the PDF (several pieces to download)."""
    rng = random.Random(seed)
    images = [Image.frombytes("L", (1000, 1400), rng.randbytes(1000 * 1400)) for _ in range(pages)]
    draft = digitisation.ScanDraft()
    draft.add_images(images, dpi=150)
    return draft


def sync(*stations: StationContext) -> None:
    with httpx.Client(timeout=30) as http:
        for ctx in stations:
            report = run_sync(ctx, client_for(ctx, http))
            assert report.ok, report.errors


def digitised_at_a(a: StationContext, seed: int = 1) -> tuple[Dossier, bytes]:
    dossier = receive(a)[0]
    record, _ = digitisation.attach_component(a, dossier.uuid, 0, scan_draft(seed), officer="cb")
    pdf = digitisation.component_pdf(a, dossier.uuid, 0)
    assert pdf is not None and record.sha256 == hashlib.sha256(pdf).hexdigest()
    return dossier, pdf


def scan_pdf(ctx: StationContext, code: str, out: Path) -> subprocess.CompletedProcess[str]:
    """``counter-app scan-pdf`` run at ``ctx``'s data folder, as the officer types it."""
    args, stdin = as_officer(("scan-pdf", code, "--component", "1", "--out", str(out)), None)
    env = {
        **os.environ,  # COUNTER_APP_MIRROR_DIR: the tests' (tests/conftest.py)
        "COUNTER_APP_DATA_DIR": str(ctx.store.data_dir),
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "counter_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_a_scan_made_at_a_fetched_by_b_through_the_command_and_kept(
    enrolled_station: EnrolledStation, tmp_path: Path, server: ServerProcess
) -> None:
    a, b = enrolled_station("a"), enrolled_station("b")
    dossier, pdf = digitised_at_a(a)
    sha = hashlib.sha256(pdf).hexdigest()
    sync(a, b)
    assert dossier.code is not None
    record = digitisation.components_of(b, dossier.uuid)[0]
    assert record.digitised and record.sha256 == sha  # the events came...
    assert digitisation.component_pdf(b, dossier.uuid, 0) is None  # ...not the bytes
    assert scan_fetch.missing_parts(b, dossier.uuid, 0) == [sha]

    out = tmp_path / "ban-so-hoa.pdf"
    result = scan_pdf(b, dossier.code, out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == pdf
    answer = json.loads(result.stdout)
    assert answer["sha256"] == sha and answer["size"] == len(pdf)
    lines = result.stderr.strip().splitlines()
    assert all(unicodedata.is_normalized("NFC", line) for line in lines)
    progress = [line for line in lines if line.startswith("Đang tải bản số hóa từ máy chủ tỉnh")]
    assert len(progress) >= 3, lines  # 0 %, some tenths, 100 %
    assert progress[0].endswith(f"0% (0,0/{len(pdf) / 1e6:.1f} MB)".replace(".", ","))
    assert "100%" in progress[-1] and "Traceback" not in result.stderr
    assert lines[-1].startswith("Đã tải về và kiểm tra mã băm")
    info = b.store.blobs.info(sha)
    assert info is not None and info.origin == "remote"  # cached, never sent back
    assert scan_fetch.missing_parts(b, dossier.uuid, 0) == []

    again = scan_pdf(b, dossier.code, tmp_path / "lan-hai.pdf")
    assert again.returncode == 0 and again.stderr == ""  # from the cache: nothing downloaded
    assert (tmp_path / "lan-hai.pdf").read_bytes() == pdf


def test_a_stopped_download_stores_nothing_and_another_office_is_refused(
    enrolled_station: EnrolledStation, clock: FixedClock, server: ServerProcess
) -> None:
    a, b = enrolled_station("a"), enrolled_station("b")
    stranger = enrolled_station("c", agency=new_agency())
    dossier, pdf = digitised_at_a(a, seed=2)
    sha = hashlib.sha256(pdf).hexdigest()
    sync(a, b)

    seen: list[scan_fetch.FetchProgress] = []
    with pytest.raises(DomainError) as stopped:
        scan_fetch.fetch_component(
            b, dossier.uuid, 0, progress=seen.append, cancelled=lambda: len(seen) >= 3
        )
    assert stopped.value.code is ErrorCode.ATTACHMENT_FETCH_CANCELLED
    assert seen[-1].total == len(pdf) and 0 < seen[-1].received < len(pdf)
    assert not b.store.blobs.has(sha)  # nothing half-stored
    assert scan_fetch.missing_parts(b, dossier.uuid, 0) == [sha]
    assert scan_fetch.fetch_component(b, dossier.uuid, 0, progress=seen.append) == 1
    assert seen[-1].received == seen[-1].total == len(pdf) and seen[-1].percent == 100
    assert digitisation.component_pdf(b, dossier.uuid, 0) == pdf

    with pytest.raises(DomainError) as refused:
        fetch_blob(stranger, sha)
    assert refused.value.code is ErrorCode.ATTACHMENT_OTHER_OFFICE
    message = texts.error_message(refused.value)
    assert "đơn vị khác" in message and unicodedata.is_normalized("NFC", message)
    assert not stranger.store.blobs.has(sha)


def test_the_register_of_the_office_numbers_each_counter_apart(
    enrolled_station: EnrolledStation, clock: FixedClock, server: ServerProcess
) -> None:
    a, b = enrolled_station("a"), enrolled_station("b")
    first_a = receive(a)[0]
    clock.advance(minutes=5)
    first_b = receive(b)[0]
    clock.advance(minutes=5)
    second_a = receive(a)[0]
    pa, pb = a.office().station_prefix, b.office().station_prefix
    assert pa != pb
    # Each counter numbers from 1, offline: the labels differ by the counter's prefix.
    assert (first_a.register_no, first_b.register_no, second_a.register_no) == (1, 1, 2)
    assert first_a.register_label == f"{pa}-0001" and first_b.register_label == f"{pb}-0001"
    sync(a, b, a)
    for ctx in (a, b):  # both counters print the same register: by reception time
        rows = register.register_rows(ctx, year=2026, book_size=0)
        assert [r.label for r in rows] == [f"{pa}-0001", f"{pb}-0001", f"{pa}-0002"]
        assert [r.code for r in rows] == [first_a.code, first_b.code, second_a.code]
