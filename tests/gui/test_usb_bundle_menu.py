"""The window's USB bundle actions driven by key events only (issue 15 item 2).

Ctrl+Shift+U opens the export's file dialog (Qt's own), the path is typed, Enter: the
bundle is written on a worker thread and the window says what was done. Ctrl+Shift+R
imports a return bundle (made here with the province's keys, acknowledging every event):
the outbox empties and the summary says so. A damaged return bundle gets its message and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from counter_app.printing.printer import FolderPrinter
from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import set_station_token
from counter_app.sync.usb_bundle import remember_province_key
from counter_app.ui.main_window import MainWindow
from sync_protocol import PushResponse, PushResult, PushStatus
from sync_protocol import bundle as wire
from sync_protocol.codes import MarksResponse
from tests.gui.helpers import message_boxes
from tests.gui.keyboard import CTRL, SHIFT, focused, key, keys, wait_focus_in
from tests.server.helpers import receive

SERVER_TIME = "2026-02-13T03:00:00+00:00"


def _enrolled(ctx: StationContext) -> wire.BundleKeys:
    """What enrolment leaves (a sync address nobody answers, a token, the province's key)."""
    province = wire.BundleKeys.generate()
    set_station_token(ctx.store.data_dir, "token-of-the-station")
    with ctx.store.db.atomic():
        ctx.store.config.set("sync", {"url": "https://127.0.0.1:9", "enrolled_at": "x"})
        remember_province_key(ctx, province.public_text())
    return province


def _choose(qtbot, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Type ``path`` into the file dialog that just opened and press Enter."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QFileDialog))
    dialog = QApplication.activeModalWidget()
    dialog.activateWindow()  # what a window manager does with a new dialog (offscreen: not)
    wait_focus_in(qtbot, dialog)
    assert focused().objectName() == "fileNameEdit"
    key(Qt.Key.Key_A, CTRL)
    keys(str(path))

    key(Qt.Key.Key_Return)


def _in_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The reminders shown at start (dossiers due) closed with Esc, as an officer does; the
    focus back in the main window."""
    reminders = window.followup.reminders_dialog
    qtbot.wait(50)
    if reminders.isVisible():
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        if focused().window() is reminders:
            key(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not reminders.isVisible())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.waitUntil(lambda: focused().window() is window)


def _summary(qtbot) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=15_000)
    box = message_boxes()[0]
    text = box.text()
    box.close()
    return text


def _return_bundle(ctx: StationContext, exported: bytes, province: wire.BundleKeys) -> bytes:
    """The province's answer acknowledging every event of ``exported``."""
    header = wire.read_header(exported)
    content = wire.StationContent.from_json(
        wire.open_bundle(exported, signer=header.signer, recipient=province)
    )
    results = tuple(
        PushResponse(
            b.batch_id,
            tuple(PushResult(e.uuid, PushStatus.ACCEPTED) for e in b.events),
            SERVER_TIME,
        )
        for b in content.batches
    )
    answer = wire.ReturnContent(results=results, pages=(), marks=MarksResponse((), SERVER_TIME))
    station = wire.PublicKeys.parse(header.reply_to)
    return wire.seal(
        wire.BundleHeader(
            kind=wire.RETURN,
            bundle_id="0b0c2f7e-5a4d-4f57-9d7c-2b9c6a1d2e3f",
            station_id=header.station_id,
            agency_id=header.agency_id,
            created_at=SERVER_TIME,
            signer=province.public().signing,
            recipient=station.agreement,
            in_reply_to=header.bundle_id,
        ),
        answer.to_json(),
        signer=province,
    )


def test_export_and_import_by_keyboard(
    qtbot,  # type: ignore[no-untyped-def]
    station: StationContext,
    make_window: Callable[..., MainWindow],
    folder_printer: FolderPrinter,
    tmp_path: Path,
) -> None:
    province = _enrolled(station)
    receive(station, 3)
    window = make_window(folder_printer)
    _in_window(qtbot, window)
    stick = tmp_path / "usb"
    stick.mkdir()

    key(Qt.Key.Key_U, CTRL | SHIFT)
    _choose(qtbot, stick / "goi.qmcsync")
    text = _summary(qtbot)
    assert "Đã xuất gói đồng bộ số 1" in text and "3 thay đổi mới" in text
    exported = (stick / "goi.qmcsync").read_bytes()
    assert station.store.sync.waiting() == 3  # exporting sends nothing away

    damaged = stick / "hong.qmcsync"
    returned = _return_bundle(station, exported, province)
    damaged.write_bytes(returned[:-5])
    _in_window(qtbot, window)
    key(Qt.Key.Key_R, CTRL | SHIFT)
    _choose(qtbot, damaged)
    text = _summary(qtbot)
    assert "bị cắt cụt" in text and "Không có gì thay đổi" in text
    assert station.store.sync.waiting() == 3

    good = stick / "tra-ve.qmcsync"
    good.write_bytes(returned)
    _in_window(qtbot, window)
    key(Qt.Key.Key_R, CTRL | SHIFT)
    _choose(qtbot, good)
    text = _summary(qtbot)
    assert "tỉnh xác nhận đã lưu 3 thay đổi" in text
    assert "Không còn thay đổi nào chờ gửi" in text
    assert station.store.sync.waiting() == 0
