"""The window's sync indicator against the real server (tests/server fixtures): what waits,
"sync now" in the background, a server that is down, refused events, a station clock off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer

from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ
from counter_app.printing.printer import FolderPrinter
from counter_app.services.station import StationContext
from counter_app.sync.engine import run_sync
from counter_app.texts import sync_status as s
from counter_app.texts.sync import REJECT_REASONS
from counter_app.ui.app import build_main_window
from counter_app.ui.dialogs.sync_dialog import SyncDialog
from counter_app.ui.main_window import MainWindow
from province_server.testing import free_port
from tests.gui.helpers import officer
from tests.server import conftest as server_fixtures
from tests.server.conftest import EnrolledStation, client_for
from tests.server.helpers import receive
from tests.sync.fault_proxy import FaultProxy

pytestmark = pytest.mark.server
# The real server of tests/server (throwaway PostgreSQL database + uvicorn child process).
province_db = server_fixtures.province_db
server = server_fixtures.server
issue_code = server_fixtures.issue_code
enrolled_station = server_fixtures.enrolled_station


@pytest.fixture
def clock() -> FixedClock:
    """The station's clock agrees with the server's (no skew warning unless a test wants one)."""
    return FixedClock(datetime.now(VN_TZ))


@pytest.fixture
def open_window(qtbot, tmp_path: Path) -> Iterator[Callable[[StationContext], MainWindow]]:  # type: ignore[no-untyped-def]
    def make(ctx: StationContext) -> MainWindow:
        printer = FolderPrinter(tmp_path / "printed", name="QUAY-1")
        window = build_main_window(ctx, officer(ctx), make_printer=lambda _name: printer)
        qtbot.addWidget(window)
        window.sync.stop()  # no automatic first attempt: each test decides when to sync
        window.show()
        return window

    yield make


def _text(window: MainWindow) -> str:
    return window.sync_indicator.text()


def test_waiting_changes_are_shown_before_any_sync(
    enrolled_station: EnrolledStation, open_window: Callable[[StationContext], MainWindow]
) -> None:
    ctx = enrolled_station("waiting")
    receive(ctx, 3)
    window = open_window(ctx)
    assert _text(window) == s.never_synced(3, timedelta(0))
    assert "3 thay đổi chờ gửi" in _text(window)


def test_a_station_not_enrolled_says_so(
    station: StationContext, open_window: Callable[[StationContext], MainWindow]
) -> None:
    window = open_window(station)
    assert _text(window) == s.NOT_ENROLLED
    assert not window.sync.sync_now()


def test_sync_now_runs_in_the_background_and_shows_success(
    qtbot,  # type: ignore[no-untyped-def]
    server: object,
    enrolled_station: EnrolledStation,
    open_window: Callable[[StationContext], MainWindow],
) -> None:
    with FaultProxy(server.port, seed=1) as slow:  # type: ignore[attr-defined]
        slow.delay_s = 0.5  # a slow link: every request takes at least half a second
        ctx = enrolled_station("now", url=slow.url)
        receive(ctx, 3)
        window = open_window(ctx)
        ticks: list[int] = []
        heartbeat = QTimer()
        heartbeat.timeout.connect(lambda: ticks.append(1))
        heartbeat.start(50)
        assert window.sync_now_action.shortcut().toString() == "F12"
        window.sync_now_action.trigger()  # menu "Đồng bộ" → "Đồng bộ ngay" (F12)
        assert window.sync.running and _text(window).startswith(s.SYNCING)
        qtbot.waitUntil(lambda: not window.sync.running, timeout=15_000)
        heartbeat.stop()
    assert len(ticks) >= 10  # the GUI thread kept processing events during the sync
    assert _text(window).startswith("Đồng bộ lúc ")
    assert _text(window).endswith(s.NOTHING_WAITING)
    assert ctx.store.sync.waiting() == 0
    assert window.sync.retry_in() is not None and window.sync.retry_in() <= timedelta(seconds=61)


def test_a_server_down_shows_the_failure_and_the_back_off(
    qtbot,  # type: ignore[no-untyped-def]
    enrolled_station: EnrolledStation,
    open_window: Callable[[StationContext], MainWindow],
) -> None:
    ctx = enrolled_station("down", url=f"http://127.0.0.1:{free_port()}")  # nobody listens
    receive(ctx, 2)
    window = open_window(ctx)
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sync.running, timeout=15_000)
    text = _text(window)
    assert text.startswith("Chưa đồng bộ được: mất kết nối (thử lại sau ")
    assert text.endswith("· 2 thay đổi chờ gửi")
    retry = window.sync.retry_in()
    assert retry is not None and timedelta(seconds=10) <= retry <= timedelta(seconds=31)
    assert "giây" in text


def test_a_refused_event_is_listed_in_the_details(
    qtbot,  # type: ignore[no-untyped-def]
    enrolled_station: EnrolledStation,
    open_window: Callable[[StationContext], MainWindow],
) -> None:
    first = enrolled_station("first")
    copied = enrolled_station("copied")  # e.g. an installation copied from the first one
    office = copied.store.config.get("office")
    office["station_prefix"] = first.office().station_prefix
    copied.store.config.set("office", office)
    (original,) = receive(first)
    (clash,) = receive(copied)
    assert clash.code == original.code
    with httpx.Client() as http:
        assert run_sync(first, client_for(first, http)).ok
    window = open_window(copied)
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sync.running, timeout=15_000)
    assert _text(window).endswith(s.rejected_badge(1))
    qtbot.mouseClick(window.sync_label, Qt.MouseButton.LeftButton)
    dialog = next(d for d in window.dialogs if isinstance(d, SyncDialog))
    model = dialog.model
    assert model.rowCount() == 1
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    # A copied installation mints with the other station's prefix: its codes are not its own.
    assert row[:3] == [clash.code, "tiếp nhận hồ sơ", REJECT_REASONS["foreign_code"]]
    dialog.close()


def test_a_station_clock_off_by_more_than_five_minutes_is_flagged(
    qtbot,  # type: ignore[no-untyped-def]
    enrolled_station: EnrolledStation,
    open_window: Callable[[StationContext], MainWindow],
) -> None:
    ctx = enrolled_station("late")
    ctx.clock = FixedClock(datetime.now(VN_TZ) - timedelta(minutes=10))
    window = open_window(ctx)
    assert not window.sync_indicator.clock_label.isVisible()
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sync.running, timeout=15_000)
    label = window.sync_indicator.clock_label
    assert label.isVisible()
    assert label.text().startswith("Cảnh báo: đồng hồ máy chậm 10 phút so với máy chủ tỉnh")
