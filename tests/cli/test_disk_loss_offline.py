"""Disk loss with no link to the province (issue 12 item 3), as the officer types it.

The data folder and the ledger mirror are both lost; the USB backup is restored with
``counter-app restore``; ``counter-app receive`` refuses to mint (one Vietnamese sentence,
nothing written) until ``counter-app codes-offline`` is confirmed by an officer; the next
reception's code comes from the recovery block and was never used before.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from counter_app import texts
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.codes import parse_code
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import maintenance
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.setup import DEMO_PASSWORD
from tests.cli.test_cli import APPLICANT, refused, run
from tests.conftest import make_applicant

PASSPHRASE = "cum-tu-sao-luu-cua-xa-2026"


def test_disk_loss_offline_needs_the_officers_word_then_never_reuses_a_code(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder, usb = tmp_path / "station", tmp_path / "usb"
    ctx = open_station(folder, clock=clock)
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    try:
        minted = [str(receive_dossier(ctx, request, officer="canbo")[0].code) for _ in range(3)]
        maintenance.set_backup_passphrase(ctx, PASSPHRASE, by="quantri")
        maintenance.backup(ctx, extra_dir=usb, officer="canbo")
        minted += [str(receive_dossier(ctx, request, officer="canbo")[0].code) for _ in range(60)]
    finally:
        ctx.store.close()
    shutil.rmtree(folder)
    shutil.rmtree(tmp_path / "mirror")
    (sealed,) = (p for p in usb.rglob("*") if p.is_file() and "counter-" in p.name)
    restored = run(  # no database left: no officer to authenticate, only the passphrase
        tmp_path,
        "restore",
        str(sealed),
        "--passphrase-stdin",
        password=None,
        stdin=PASSPHRASE + "\n",
    )
    assert restored.returncode == 0, restored.stderr

    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    receive = ("receive", "--procedure", "1.001193", "--applicant-json", str(applicant))
    message = refused(tmp_path, *receive, "--at", "2026-02-13T10:30")
    assert message == texts.error_message(DomainError(ErrorCode.CODES_RECOVERY_PENDING))

    confirmed = run(
        tmp_path, "codes-offline", "--officer", "canbo", "--password-stdin",
        password=None, stdin=DEMO_PASSWORD + "\n",
    )  # fmt: skip
    assert confirmed.returncode == 0, confirmed.stderr
    block = json.loads(confirmed.stdout)["recovery_block"]
    assert "dải khôi phục" in confirmed.stderr

    received = run(tmp_path, *receive, "--at", "2026-02-13T10:35")
    assert received.returncode == 0, received.stderr
    code = json.loads(received.stdout)["code"]
    assert code not in minted
    assert parse_code(code).day == parse_code(minted[0]).day  # the same day's numbering
    assert parse_code(code).sequence == f"0009{block:04d}001"  # demo prefix 000, then 9 HHMM n
