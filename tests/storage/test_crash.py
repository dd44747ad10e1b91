"""Kill a receiving process with SIGKILL at random moments, many times: every dossier stays
whole (row, events, outbox), every printed code survives, none is ever minted twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter_app.app import open_station

ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(data_dir: Path, rng: random.Random) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_child", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0.05, 0.6))
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return [line for line in out.splitlines() if line]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_sigkill_never_loses_or_reuses_a_code(tmp_path: Path) -> None:
    rng = random.Random(20261122)
    data_dir = tmp_path / "station"
    open_station(data_dir).store.close()  # seed once, outside the kill loop
    printed: list[str] = []
    for _ in range(12):
        printed += _run_and_kill(data_dir, rng)
    assert len(printed) > 12, "the child should have received dossiers before being killed"
    assert len(set(printed)) == len(printed), "a code was minted twice"

    ctx = open_station(data_dir)
    conn = ctx.store.db.conn
    assert ctx.store.check() == []
    stored = {row[0] for row in conn.execute("SELECT code FROM dossiers")}
    assert set(printed) <= stored, "a printed dossier was lost"
    # every dossier is whole: one creating event and its outbox entry
    broken = conn.execute(
        "SELECT count(*) FROM dossiers d WHERE (SELECT count(*) FROM events e JOIN outbox o "
        "ON o.event_uuid = e.uuid WHERE e.dossier_uuid = d.uuid AND e.kind = 'received') != 1"
    ).fetchone()[0]
    assert broken == 0
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == len(stored)
    # after the restarts, the next code is new
    from counter_app.services.intake import ReceptionRequest, receive_dossier
    from tests.conftest import make_applicant

    dossier, _ = receive_dossier(
        ctx,
        ReceptionRequest(procedure_code="1.000894", applicant=make_applicant()),
        officer="canbo",
    )
    assert dossier.code not in stored
