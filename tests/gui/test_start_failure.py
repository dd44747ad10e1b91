"""A station that cannot open says why in a window (never a traceback, never no window)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from counter_app import texts
from counter_app.app import open_station
from counter_app.cli.main import main
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.texts import faults as t
from tests.conftest import make_applicant
from tests.faults import read_only


def _start_and_read_the_window(folder: Path) -> tuple[int, str, str]:
    """Start the application on ``folder``; read the window it shows, close it with Enter."""
    seen: list[tuple[str, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer)
            return
        seen.append((box.windowTitle(), box.text()))
        focus = QApplication.focusWidget() or box
        QTest.keyClick(focus, Qt.Key.Key_Return)

    QTimer.singleShot(50, answer)
    code = main(["--data-dir", str(folder)])
    assert len(seen) == 1, seen
    return code, *seen[0]


def _station(folder: Path) -> None:
    ctx = open_station(folder)
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    receive_dossier(ctx, request, officer="canbo")
    ctx.store.close()


def test_a_read_only_data_folder_is_said_in_a_window(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "station"
    _station(folder)
    with read_only(folder):
        code, title, text = _start_and_read_the_window(folder)
    assert code == 2 and title == t.START_FAILED_TITLE
    expected = DomainError(ErrorCode.DATA_FOLDER_READ_ONLY, path=str(folder))
    assert text == texts.error_message(expected)
    assert "khôi phục" not in text and "hỏng" not in text


def test_a_missing_database_is_said_in_a_window(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "station"
    _station(folder)
    shutil.move(folder / "counter.db", tmp_path / "counter.db")
    code, title, text = _start_and_read_the_window(folder)
    assert code == 2 and title == t.START_FAILED_TITLE
    expected = DomainError(ErrorCode.DATABASE_MISSING, path=str(folder / "counter.db"))
    assert text == texts.error_message(expected)
    assert not (folder / "counter.db").exists()
