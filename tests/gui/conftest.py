"""GUI tests: offscreen Qt, real widgets, a real SQLite station, printers that write files."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from counter_app.printing.printer import FolderPrinter
from counter_app.services.station import StationContext
from counter_app.ui.app import build_main_window
from counter_app.ui.main_window import MainWindow
from counter_app.ui.workers import wait_for_background
from tests.gui.helpers import message_boxes, officer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in item.nodeid:
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def folder_printer(tmp_path: Path) -> FolderPrinter:
    return FolderPrinter(tmp_path / "printed", name="QUAY-1")


@pytest.fixture
def make_window(qtbot: object, station: StationContext) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(printer: object, *, username: str = "canbo", idle_minutes: float = 10) -> MainWindow:
        window = build_main_window(
            station,
            officer(station, username),
            make_printer=lambda _name: printer,  # type: ignore[arg-type, return-value]
            idle_minutes=idle_minutes,
        )
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.show()
        windows.append(window)
        return window

    yield make
    wait_for_background()
    for box in message_boxes():
        box.close()
