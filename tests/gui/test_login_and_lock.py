"""Login with cached accounts (offline, argon2) and the idle lock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from counter_app.printing.printer import FolderPrinter
from counter_app.services.setup import DEMO_PASSWORD
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui import app as ui_app
from counter_app.ui.dialogs.login_dialog import LoginDialog
from counter_app.ui.main_window import MainWindow
from tests.gui.helpers import message_boxes
from tests.gui.keyboard import CTRL, SHIFT, focused, key, keys, wait_focus_in
from tests.gui.test_intake_view import ready


def test_good_password_logs_in(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.officer_combo.count() == 3
    dialog.select_username("lanhdao")
    qtbot.keyClicks(dialog.password_edit, DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        dialog.login_button.click()
    assert dialog.officer is not None and dialog.officer.username == "lanhdao"
    assert dialog.login_button.text() == "Đăng nhập" and dialog.quit_button.text() == "Thoát"


def test_the_demo_office_says_so_at_login(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    def labels(dialog: LoginDialog) -> list[str]:
        return [label.text() for label in dialog.findChildren(QLabel)]

    demo = LoginDialog(station)
    qtbot.addWidget(demo)
    assert any("DEMO" in text and station.office().unit_name in text for text in labels(demo))
    stored = station.store.config.get("office")
    assert stored["is_demo"] is True
    with station.store.db.atomic():
        station.store.config.set("office", {**stored, "is_demo": False})
    assert not station.office().is_demo
    other = LoginDialog(station)
    qtbot.addWidget(other)
    assert not any("DEMO" in text for text in labels(other))


def test_wrong_password_is_refused_in_vietnamese(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.password_edit, "sai-mat-khau")
    dialog.login_button.click()
    assert dialog.isVisible() and dialog.officer is None
    assert dialog.error_label.text() == "Sai mật khẩu."
    actions = [e["action"] for e in station.store.audit.entries(limit=5)]
    assert "login_failed" in actions


def test_run_window_logs_in_by_keys_and_the_focus_lands_in_the_procedure_field(
    qtbot, monkeypatch: pytest.MonkeyPatch, station: StationContext, folder_printer: FolderPrinter
) -> None:  # type: ignore[no-untyped-def]
    seen: list[MainWindow] = []
    focus: list[object] = []

    class _App:
        """Stands for the QApplication's main loop (quitting the real one breaks later tests)."""

        def exec(self) -> int:
            windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
            seen.extend(w for w in windows if w.isVisible())
            for window in seen:
                window.followup.reminders_dialog.hide()
                qtbot.waitUntil(
                    lambda w=window: QApplication.focusWidget() is w.intake_view.picker.search_edit
                )
                focus.append(QApplication.focusWidget())
                key(Qt.Key.Key_F1)  # the shortcuts work at once (no mouse needed first)
                qtbot.waitUntil(lambda: bool(message_boxes()))
                for box in message_boxes():
                    box.close()
                window.close()
            return 0

    def log_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LoginDialog)
        assert focused() is dialog.password_edit
        keys(DEMO_PASSWORD)
        key(Qt.Key.Key_Return)

    assert ui_app.application([]) is QApplication.instance()
    monkeypatch.setattr(ui_app, "application", lambda _argv: _App())
    QTimer.singleShot(100, log_in)
    code = ui_app.run_window(station, [], make_printer=lambda _n: folder_printer, offer_setup=False)
    assert code == 0
    assert seen and seen[0].officer_label.text().startswith("Cán bộ: Nguyễn Thị Hoà")
    assert focus == [seen[0].intake_view.picker.search_edit]
    assert seen[0].sync_label.text() == t.SYNC_NOT_CONNECTED
    assert seen[0].size().width() == 1366


def test_the_demo_office_says_demo_in_the_title_and_status_bar_at_once(
    make_window: Callable[..., MainWindow], folder_printer: FolderPrinter
) -> None:
    window = make_window(folder_printer)
    assert "DEMO" in window.windowTitle()
    assert window.demo_label.isVisible() and "DEMO" in window.demo_label.text()


def test_ctrl_l_locks_with_its_own_message_and_another_officer_takes_over(
    qtbot, make_window: Callable[..., MainWindow], folder_printer: FolderPrinter
) -> None:  # type: ignore[no-untyped-def]
    window = ready(qtbot, make_window, folder_printer).window()
    assert isinstance(window, MainWindow)
    key(Qt.Key.Key_L, CTRL)
    lock = window.lock_dialog
    assert lock is not None and lock.isVisible() and window.lock_cover.isVisible()
    assert "Ctrl+L" in lock.prompt_label.text() and "phút" not in lock.prompt_label.text()
    assert wait_focus_in(qtbot, lock) is lock.password_edit
    key(Qt.Key.Key_Escape)  # Esc keeps the screen locked
    assert lock.isVisible()
    key(Qt.Key.Key_F5)  # the reception keys do nothing behind the lock
    assert window.intake_view.message_label.text() == ""
    key(Qt.Key.Key_Tab, SHIFT)
    assert focused() is lock.officer_combo
    key(Qt.Key.Key_End)  # the last officer: Lê Minh Thuỷ (quantri, administrator)
    key(Qt.Key.Key_Tab)
    keys("sai")
    key(Qt.Key.Key_Return)
    assert lock.isVisible() and lock.error_label.text() == "Sai mật khẩu."
    keys(DEMO_PASSWORD)
    key(Qt.Key.Key_Return)
    assert window.lock_dialog is None and not window.lock_cover.isVisible()
    assert window.session.officer.username == "quantri"
    assert window.officer_label.text().startswith("Cán bộ: Lê Minh Thuỷ")
    assert window.settings_action.isEnabled()  # the administrator's rights now
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.intake_view.picker.search_edit)


def test_idle_lock_covers_the_window_until_the_same_password(
    qtbot, make_window: Callable[..., MainWindow], folder_printer: FolderPrinter
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, idle_minutes=0.005)  # 300 ms
    qtbot.waitUntil(lambda: window.lock_dialog is not None, timeout=3000)
    lock = window.lock_dialog
    assert lock is not None and lock.isVisible()
    assert window.lock_cover.isVisible()
    assert "Không có thao tác trong 1 phút" in lock.prompt_label.text()
    assert lock.unlock_button.text() == t.LOCK_UNLOCK
    lock.reject()  # Escape keeps the screen locked
    assert lock.isVisible()
    lock.password_edit.setText("sai")
    lock.unlock_button.click()
    assert lock.isVisible() and lock.error_label.text() == "Sai mật khẩu."
    lock.password_edit.setText(DEMO_PASSWORD)
    lock.unlock_button.click()
    assert window.lock_dialog is None and not window.lock_cover.isVisible()
    assert window.isVisible()


def test_the_lock_hides_the_windows_that_show_a_dossier(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    from counter_app.services.intake import ReceptionRequest, receive_dossier
    from tests.conftest import make_applicant

    request = ReceptionRequest(procedure_code="1.014061", applicant=make_applicant())
    dossier, _ = receive_dossier(station, request, officer="canbo")
    window = ready(qtbot, make_window, folder_printer).window()
    assert isinstance(window, MainWindow)
    details = window.open_dossier(dossier)  # (opened from the list)
    qtbot.waitUntil(details.isVisible)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    key(Qt.Key.Key_L, CTRL)
    assert window.lock_dialog is not None and not details.isVisible()
    wait_focus_in(qtbot, window.lock_dialog)
    keys(DEMO_PASSWORD)
    key(Qt.Key.Key_Return)
    assert window.lock_dialog is None and details.isVisible()
