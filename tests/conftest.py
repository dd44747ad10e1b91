"""Shared fixtures: real SQLite stations in temporary folders, a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Applicant
from counter_app.services.station import StationContext


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does may touch the real user folders."""
    monkeypatch.setenv("COUNTER_APP_MIRROR_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("COUNTER_APP_DATA_DIR", str(tmp_path / "default-station"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ))


@pytest.fixture
def station(tmp_path: Path, clock: FixedClock) -> Iterator[StationContext]:
    ctx = open_station(tmp_path / "station", clock=clock)
    yield ctx
    ctx.store.close()


def make_applicant(**over: object) -> Applicant:
    values: dict[str, object] = {
        "name": "Nguyễn Văn Đức",
        "id_number": "001090123456",
        "birth_date": date(1990, 1, 1),
        "sex": "Nam",
        "address": "Thôn Đông, xã Minh Hòa",
        "phone": "0912345678",
    }
    values.update(over)
    return Applicant(**values)  # type: ignore[arg-type]
