"""Every dialog: the focus starts in the first field, Enter confirms (from any field, even
with Hủy/Thoát focused), Esc cancels. Key events only, sent to the focused widget."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.settings import read_settings
from counter_app.services.setup import DEMO_PASSWORD
from counter_app.services.station import StationContext
from counter_app.ui.dialogs.action_dialogs import HandoverDialog
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.dialogs.login_dialog import LoginDialog
from counter_app.ui.dialogs.reason_dialog import ReasonDialog
from counter_app.ui.dialogs.settings_dialog import SettingsDialog
from counter_app.ui.session import Session
from counter_app.ui.slip_desk import SlipDesk
from tests.conftest import make_applicant
from tests.gui.helpers import officer
from tests.gui.keyboard import SHIFT, focused, key, keys, wait_focus_in


def shown(qtbot, dialog: QDialog) -> QWidget:  # type: ignore[no-untyped-def]
    if dialog.parent() is None:
        qtbot.addWidget(dialog)
    dialog.open()
    return wait_focus_in(qtbot, dialog)


def tab_to(widget: QWidget, limit: int = 12) -> None:
    for _ in range(limit):
        if focused() is widget:
            return
        key(Qt.Key.Key_Tab)
    assert focused() is widget


def test_login_enter_logs_in_and_thoat_is_never_the_default(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(station)
    assert shown(qtbot, dialog) is dialog.password_edit
    assert dialog.login_button.isDefault() and not dialog.quit_button.isDefault()
    keys("sai")
    tab_to(dialog.quit_button)
    key(Qt.Key.Key_Return)  # Enter on a focused Thoát still logs in: it never quits
    assert dialog.isVisible() and dialog.error_label.text() == "Sai mật khẩu."
    assert focused() is dialog.password_edit
    keys(DEMO_PASSWORD)
    key(Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.officer is not None and dialog.officer.username == "canbo"


def test_login_escape_leaves(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(station)
    shown(qtbot, dialog)
    key(Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.officer is None


def test_a_hand_over_is_never_cancelled_by_tab_and_enter(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    sent: list[dict[str, Any]] = []
    dialog = HandoverDialog(back=False, confirm_text="Chuyển", submit=sent.append, parent=parent)
    assert shown(qtbot, dialog) is dialog.who_edit  # the first field, not a button
    keys("Phong Tu phap")
    key(Qt.Key.Key_Tab)
    keys("Kem 3 bo")
    for _ in range(3):  # Tab past the last field, onto the buttons (Hủy included)
        key(Qt.Key.Key_Tab)
        key(Qt.Key.Key_Return)
        if sent:
            break
    assert sent == [{"to": "Phong Tu phap", "note": "Kem 3 bo"}]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_an_action_dialog_escape_cancels_and_sends_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    sent: list[dict[str, Any]] = []
    dialog = HandoverDialog(back=True, confirm_text="Nhận lại", submit=sent.append, parent=parent)
    shown(qtbot, dialog)
    keys("Phong Tu phap")
    key(Qt.Key.Key_Escape)
    assert sent == [] and dialog.result() == QDialog.DialogCode.Rejected


def test_reason_dialog_enter_confirms_and_shift_enter_adds_a_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    dialog = ReasonDialog(
        title="Từ chối",
        reason_label="Lý do",
        confirm_text="Lưu",
        submit=lambda d: seen.append(d.reason()),
    )
    assert shown(qtbot, dialog) is dialog.reason_edit
    keys("Dong 1")
    key(Qt.Key.Key_Return, SHIFT)
    keys("Dong 2")
    key(Qt.Key.Key_Return)
    assert seen == ["Dong 1\nDong 2"] and dialog.result() == QDialog.DialogCode.Accepted


def test_settings_enter_saves_and_escape_cancels(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(station, officer="quantri", parent=None)
    assert shown(qtbot, dialog) is dialog.edits["agency_id"]
    key(Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    again = SettingsDialog(station, officer="quantri", parent=None)
    shown(qtbot, again)
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_End)
    keys(" X")  # the parent body
    with qtbot.waitSignal(again.settings_saved):
        key(Qt.Key.Key_Return)
    assert again.result() == QDialog.DialogCode.Accepted
    assert read_settings(station).parent_body.endswith(" X")


def test_history_names_officers_by_full_name(
    qtbot, station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    request = ReceptionRequest(procedure_code="1.014061", applicant=make_applicant())
    dossier, _ = receive_dossier(station, request, officer="canbo")
    session = Session(ctx=station, officer=officer(station), make_printer=lambda _n: folder_printer)
    dialog = DossierDialog(station, SlipDesk(session), dossier, None)
    qtbot.addWidget(dialog)
    line = dialog.history_list.item(0).text()
    assert "Nguyễn Thị Hoà" in line and "canbo" not in line
