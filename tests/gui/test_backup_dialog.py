"""The System menu: backup now, restore (what a backup holds, then confirmation), database
check, diagnostic information; automatic daily and on-exit backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.printing.printer import FolderPrinter
from counter_app.services import maintenance, numbering
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import BACKUP_KEY, station_secrets
from counter_app.storage.store import parse_backup_name
from counter_app.texts import support as ts
from counter_app.ui.dialogs.backup_dialog import (
    DOSSIERS,
    KIND,
    LAST_CODE,
    MADE_AT,
    PLACE,
    PassphraseDialog,
)
from counter_app.ui.main_window import MainWindow
from counter_app.ui.workers import wait_for_background
from tests.conftest import make_applicant
from tests.gui.helpers import message_boxes
from tests.gui.keyboard import CTRL, key, keys


def _receive(ctx: StationContext) -> str:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    code = receive_dossier(ctx, request, officer="canbo")[0].code
    assert code is not None
    return code


def _kinds(ctx: StationContext) -> list[str]:
    found = [parse_backup_name(p) for p in ctx.store.backups()]
    return [b.kind for b in found if b is not None]


def test_window_makes_the_daily_backup_once_and_one_on_exit(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    qtbot.waitUntil(lambda: window.backups.last_outcome is not None)
    assert _kinds(station) == ["daily"]
    assert (
        ts.backup_done(str(station.store.backups()[0]), None) in window.statusBar().currentMessage()
    )
    assert not window.backups.backup_if_due()  # already made today: the hourly check skips
    window.close()  # returns at once: the on-exit backup runs on its own thread
    window.backups.wait_for_exit_backup(30)
    assert sorted(_kinds(station)) == ["daily", "exit"]


def test_restore_dialog_shows_what_each_backup_holds_and_restores(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="quantri")
    qtbot.waitUntil(lambda: window.backups.last_outcome is not None)  # the daily one, empty
    first = _receive(station)
    second = _receive(station)
    usb = tmp_path / "usb"
    with station.store.db.atomic():
        station.store.config.set("backup_dir", str(usb))
    maintenance.set_backup_passphrase(station, "mật khẩu sao lưu của xã", by="quantri")
    manual = maintenance.write_backup(
        station.store,
        kind="manual",
        extra_dir=maintenance.extra_backup_dir(station),
        now=station.clock.now(),
    )
    printed_after = _receive(station)
    assert window.restore_action.isEnabled()

    window.restore_action.trigger()
    dialog = window.backups.dialogs[-1]
    model = dialog.model
    rows = [
        [model.index(r, c).data() for c in (KIND, MADE_AT, DOSSIERS, LAST_CODE, PLACE)]
        for r in range(model.rowCount())
    ]
    manual_row = next(r for r in rows if r[0] == ts.BACKUP_KIND_LABELS["manual"])
    assert manual_row[2:4] == ["2", second]
    assert manual_row[1] == "13/02/2026 10:00:00"  # the station clock, Vietnam time
    daily_row = next(r for r in rows if r[0] == ts.BACKUP_KIND_LABELS["daily"])
    assert daily_row[2:4] == ["0", ts.RESTORE_NO_CODE]
    usb_row = [r for r in rows if r[4] == ts.RESTORE_PLACE_EXTRA]
    sealed = [ts.RESTORE_SEALED, ts.RESTORE_SEALED, ts.RESTORE_PLACE_EXTRA]  # issue 17
    # The stick holds the chain the manual point needs (issue 16): the daily base, then it.
    assert manual.copied and [*manual_row[:2], *sealed] in usb_row
    assert sorted(r[0] for r in usb_row) == sorted(
        ts.BACKUP_KIND_LABELS[k] for k in ("manual", "daily")
    )

    row = next(r for r in range(model.rowCount()) if model.entry(r).path == manual.path)
    dialog.table.selectRow(row)
    box = dialog.ask_confirmation()
    assert box is not None and second in box.text() and "2 hồ sơ" in box.text()
    assert station.store.dossiers.count() == 3  # nothing restored before confirming
    with qtbot.waitSignal(dialog.restore_confirmed):
        dialog.confirm_yes_button.click()

    assert window.backups.restored
    assert station.store.dossiers.count() == 2
    numbering.confirm_offline(station, officer="quantri")  # minting waits after a restore
    new = _receive(station)
    assert new not in (first, second, printed_after)
    done = [b for b in message_boxes() if b.text() == ts.RESTORE_DONE]
    assert len(done) == 1
    backups_before_close = len(station.store.backups())
    done[0].buttons()[0].click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert len(station.store.backups()) == backups_before_close  # no exit backup of it


def test_restore_is_for_administrators(
    qtbot,
    make_window: Callable[..., MainWindow],
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="canbo")
    assert not window.restore_action.isEnabled()
    assert window.backup_now_action.isEnabled() and window.check_action.isEnabled()


def test_backup_now_tells_when_the_second_copy_failed(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "stale-usb"
    blocked.write_text("not a folder")
    with station.store.db.atomic():
        station.store.config.set("backup_dir", str(blocked / "backups"))
    maintenance.set_backup_passphrase(station, "mật khẩu sao lưu của xã", by="quantri")
    window = make_window(folder_printer)
    qtbot.waitUntil(lambda: window.backups.last_outcome is not None)
    for box in message_boxes():
        box.close()
    window.backup_now_action.trigger()
    qtbot.waitUntil(lambda: window.backups.last_outcome.kind == "manual")
    texts = [b.text() for b in message_boxes()]
    assert any("Đã sao lưu vào thư mục dữ liệu" in t and str(blocked) in t for t in texts)
    assert window.backups.last_outcome.path.exists()
    assert station.store.audit.entries(limit=1)[0]["action"] == "backup"


def test_check_database_shows_the_result(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    _receive(station)
    window = make_window(folder_printer)
    window.check_action.trigger()
    expected = ts.check_ok(1)
    qtbot.waitUntil(lambda: any(b.text() == expected for b in message_boxes()), timeout=20_000)


def test_diagnostics_are_shown_and_copied(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    window.diagnostics_action.trigger()
    dialog = window.backups.dialogs[-1]
    shown = dialog.text_edit.toPlainText()
    assert str(station.store.db_path) in shown and ts.DIAG_LABELS["events_waiting"] in shown
    QApplication.clipboard().clear()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == shown
    assert dialog.status_label.text() == ts.DIAG_COPIED
    wait_for_background()


def test_settings_set_the_second_backup_folder(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="quantri")
    dialog = window.open_settings()
    assert dialog is not None
    dialog.backup_dir_edit.setText("relative/usb")
    dialog.save_button.click()
    assert dialog.isVisible() and "không hợp lệ" in dialog.error_label.text()
    assert station.setting("backup_dir", None) is None
    dialog.backup_dir_edit.setText(str(tmp_path / "usb"))
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert maintenance.extra_backup_dir(station) == tmp_path / "usb" / _station_folder(station)


def _station_folder(station: StationContext) -> str:
    office = station.office()
    return f"{office.agency_id}-quay{office.station_prefix}-{office.station_id[:8]}"


def test_a_sealed_usb_backup_is_restored_with_the_office_passphrase(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: the stick's copy is sealed; a station without the office key (a new PC, or
    the key lost) asks the passphrase, refuses a wrong one and restores with the right one."""
    passphrase = "mat khau sao luu xa 2026"
    window = make_window(folder_printer, username="quantri")
    qtbot.waitUntil(lambda: window.backups.last_outcome is not None)
    code = _receive(station)
    with station.store.db.atomic():
        station.store.config.set("backup_dir", str(tmp_path / "usb"))
    maintenance.set_backup_passphrase(station, passphrase, by="quantri")
    outcome = maintenance.write_backup(
        station.store, kind="manual", extra_dir=maintenance.extra_backup_dir(station)
    )
    assert outcome.copied
    station_secrets(station.store.data_dir).delete(BACKUP_KEY)  # this PC has no key
    outcome.path.unlink()  # nor the plain copy: only the stick is left
    _receive(station)

    window.restore_action.trigger()
    dialog = window.backups.dialogs[-1]
    model = dialog.model
    row = next(r for r in range(model.rowCount()) if model.entry(r).sealed)
    dialog.table.selectRow(row)
    box = dialog.ask_confirmation()
    assert box is not None and ts.RESTORE_SEALED.strip("()") in box.text()
    dialog.confirm_yes_button.click()
    ask = window.backups.dialogs[-1]
    assert isinstance(ask, PassphraseDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is ask.passphrase_edit)
    keys("doan thu")
    key(Qt.Key.Key_Return)
    assert "không đúng" in ask.error_label.text() and ask.isVisible()
    assert station.store.dossiers.count() == 2  # nothing restored
    key(Qt.Key.Key_A, CTRL)
    keys(passphrase)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.backups.restored)
    assert station.store.dossiers.count() == 1
    assert station.store.dossiers.by_code(code) is not None
    done = [b for b in message_boxes() if b.text() == ts.RESTORE_DONE]
    assert len(done) == 1
    done[0].buttons()[0].click()
