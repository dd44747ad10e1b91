"""A scan made at counter A opened in counter B's window (issue 12 item 5), keys only.

Real stations, the real server (uvicorn + PostgreSQL): A digitises and syncs, B pulls. In
B's main window the officer finds the dossier (F4, its code, Enter), goes to the components
tab and presses "Quét / đính kèm…": a progress window fetches the PDF from the province;
Escape stops it (nothing stored, said under the table); pressing the button again fetches it,
the scans window opens on its pages, and the PDF stays at B.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRunnable, Qt
from PySide6.QtWidgets import QApplication, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import Dossier
from counter_app.printing.printer import FolderPrinter
from counter_app.services import digitisation
from counter_app.services.station import StationContext
from counter_app.texts import scan_fetch as tf
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.digitisation.component_scans_dialog import ComponentScansDialog
from counter_app.ui.digitisation.scan_fetch import FETCH_LANE, ScanFetchDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.workers import pool
from tests.gui.keyboard import focused, key, keys, wait_focus_in
from tests.server import conftest as server_fixtures
from tests.server.conftest import EnrolledStation
from tests.sync.test_scan_fetch import digitised_at_a, sync

pytestmark = [pytest.mark.server, pytest.mark.gui]
province_db = server_fixtures.province_db
server = server_fixtures.server
issue_code = server_fixtures.issue_code
enrolled_station = server_fixtures.enrolled_station


@pytest.fixture
def office(enrolled_station: EnrolledStation) -> tuple[StationContext, StationContext]:
    return enrolled_station("a"), enrolled_station("b")


@pytest.fixture
def station(office: tuple[StationContext, StationContext]) -> StationContext:
    """The window's station (``make_window``): counter B."""
    return office[1]


class _Gate(QRunnable):
    """Holds the attachments lane (one thread) until opened: the download waits behind it."""

    def __init__(self) -> None:
        super().__init__()
        self.open = threading.Event()

    def run(self) -> None:
        self.open.wait(30)


@pytest.fixture
def gate() -> Iterator[_Gate]:
    held = _Gate()
    yield held
    held.open.set()


def tab_to(qtbot: QtBot, widget: QWidget, limit: int = 60) -> None:
    """Press Tab until ``widget`` has the keyboard focus."""
    for _ in range(limit):
        if QApplication.focusWidget() is widget:
            return
        key(Qt.Key.Key_Tab)
        qtbot.wait(5)
    assert QApplication.focusWidget() is widget, focused()


def open_in_window(qtbot: QtBot, window: MainWindow, dossier: Dossier) -> DossierDialog:
    key(Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: focused() is window.search_view.search_edit)
    assert dossier.code is not None
    keys(dossier.code)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DossierDialog)))
    dialog = next(d for d in window.findChildren(DossierDialog) if d.isVisible())
    wait_focus_in(qtbot, dialog)
    bar = dialog.findChild(QTabBar)
    assert bar is not None
    tab_to(qtbot, bar)
    while bar.currentIndex() < bar.count() - 1:  # the components tab is the last one
        key(Qt.Key.Key_Right)
    return dialog


def test_b_fetches_a_scan_made_at_a_with_a_progress_window(
    qtbot: QtBot,
    office: tuple[StationContext, StationContext],
    make_window: Callable[..., MainWindow],
    folder_printer: FolderPrinter,
    gate: _Gate,
    tmp_path: Path,
) -> None:
    a, b = office
    dossier, pdf = digitised_at_a(a)
    sha = hashlib.sha256(pdf).hexdigest()
    sync(a, b)
    window = make_window(folder_printer)
    window.followup.reminders.can_show = lambda: False  # B's reminders are not the point here
    window.followup.reminders_dialog.hide()
    window.activateWindow()
    qtbot.waitUntil(lambda: focused().window() is window)
    dialog = open_in_window(qtbot, window, dossier)
    panel = dialog.components_panel
    tab_to(qtbot, panel.scans_button)

    pool(FETCH_LANE).start(gate)  # the download waits: time to stop it
    key(Qt.Key.Key_Space)
    fetching = panel.fetch_dialog
    assert isinstance(fetching, ScanFetchDialog)
    qtbot.waitUntil(fetching.isVisible)
    assert fetching.windowTitle() == tf.FETCH_TITLE and "quầy khác" in fetching.labelText()
    qtbot.waitUntil(lambda: focused() is fetching.cancel_button)
    key(Qt.Key.Key_Escape)
    assert fetching.labelText() == tf.FETCH_STOPPING and fetching.isVisible()
    gate.open.set()
    qtbot.waitUntil(lambda: panel.fetch_dialog is None, timeout=20_000)
    assert panel.summary_label.text() == tf.FETCH_CANCELLED_NOTE
    assert not b.store.blobs.has(sha)  # stopped: nothing stored
    assert not any(d.isVisible() for d in window.findChildren(ComponentScansDialog))

    tab_to(qtbot, panel.scans_button)
    key(Qt.Key.Key_Space)  # again: this time to the end
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(ComponentScansDialog)),
        timeout=30_000,
    )
    scans = panel.scans_dialog
    assert scans is not None and scans.page_count() == 2  # A's pages, shown at B
    assert digitisation.component_pdf(b, dossier.uuid, 0) == pdf  # kept at B
    info = b.store.blobs.info(sha)
    assert info is not None and info.origin == "remote"
