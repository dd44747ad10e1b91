"""Property: codes never repeat across stations, days, restarts and restores (real SQLite)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ
from counter_app.services import numbering
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.store import restore_backup
from tests.conftest import make_applicant

START = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)
_TEMPLATE: dict[str, Path] = {}


def _template() -> Path:
    """One seeded station folder, copied for each simulated station (seeding is slow)."""
    if "dir" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="station-template-"))
        open_station(folder / "st").store.close()
        _TEMPLATE["dir"] = folder / "st"
    return _TEMPLATE["dir"]


def _new_station(root: Path, index: int, clock: FixedClock) -> StationContext:
    target = root / f"station-{index}"
    shutil.copytree(_template(), target)
    ctx = open_station(target, clock=clock)
    office = replace(ctx.office(), station_prefix=f"{index + 1:02d}", station_id=f"st-{index}")
    with ctx.store.db.atomic():
        ctx.store.config.set("office", asdict(office))
    return ctx


operation = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("restart"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("backup"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("restore"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("disk_lost"), st.integers(0, 2), st.just(0)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operation, min_size=1, max_size=40))
def test_codes_never_repeat(ops: list[tuple[str, int, int]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="uniq-"))
    try:
        clock = FixedClock(START)
        stations = [_new_station(root, i, clock) for i in range(3)]
        backups: dict[int, Path] = {}
        minted: list[str] = []
        request = ReceptionRequest(procedure_code="1.000894", applicant=make_applicant())
        for op, index, days in ops:
            ctx = stations[index]
            if op == "receive":
                clock.at = START + timedelta(days=days, minutes=len(minted))
                dossier, _ = receive_dossier(ctx, request, officer="canbo")
                assert dossier.code is not None
                minted.append(dossier.code)
            elif op == "backup":
                backups[index] = ctx.store.backup()
            else:
                ctx.store.close()
                if op == "disk_lost" and index in backups:  # the live database is gone
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{ctx.store.db_path}{suffix}").unlink(missing_ok=True)
                if op in ("restore", "disk_lost") and index in backups:
                    restore_backup(
                        ctx.store.data_dir, backups[index], mirror_dir=paths.mirror_dir()
                    )
                stations[index] = open_station(ctx.store.data_dir, clock=clock)
                if numbering.numbering_state(stations[index]).pending:  # after a restore:
                    numbering.confirm_offline(stations[index], officer="quantri")  # issue 12
        assert len(minted) == len(set(minted)), "a code was minted twice"
        for ctx in stations:
            ctx.store.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
