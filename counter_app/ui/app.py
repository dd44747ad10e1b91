"""Start the window: QApplication, login, main window. The CLI calls :func:`run_window`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from counter_app import texts
from counter_app.domain.dossier import Dossier
from counter_app.domain.models import Officer
from counter_app.printing.printer import Printer
from counter_app.services.setup import is_set_up
from counter_app.services.station import StationContext
from counter_app.texts import faults as fault_texts
from counter_app.texts import window as window_texts
from counter_app.ui.dialogs.login_dialog import LoginDialog
from counter_app.ui.idle import DEFAULT_IDLE_MINUTES
from counter_app.ui.main_window import MainWindow
from counter_app.ui.qt_printer import system_printer
from counter_app.ui.session import Session
from counter_app.ui.translator import VietnameseQtTranslator
from counter_app.ui.wizard import SetupWizard

WINDOW_SIZE = (1366, 740)
BASE_POINT_SIZE = 10.5


def application(argv: list[str]) -> QApplication:
    """The QApplication (created once), named and with a font size readable at a counter."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv)
    if not any(isinstance(c, VietnameseQtTranslator) for c in app.children()):
        app.installTranslator(VietnameseQtTranslator(app))
    app.setApplicationName(texts.APP_NAME)
    app.setApplicationDisplayName(texts.APP_NAME)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
    app.setFont(font)
    return app


def show_start_failure(message: str, argv: list[str]) -> None:
    """Why the station cannot open, in a window of its own (before any login); Enter or Esc
    closes it. The caller exits with 2 afterwards."""
    application(argv)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        fault_texts.START_FAILED_TITLE,
        message,
        QMessageBox.StandardButton.NoButton,
    )
    box.setObjectName("start_failure_box")
    close = box.addButton(window_texts.BUTTON_CLOSE, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.exec()


def received_today(ctx: StationContext) -> list[Dossier]:
    """Dossiers received today at this station (newest first).

    One indexed query on the reception time, so a decade of dossiers does not slow it.
    """
    now = ctx.clock.now()
    start = datetime.combine(now.date(), time(0, 0), tzinfo=now.tzinfo)
    return ctx.store.dossiers.received_between(start, start + timedelta(days=1))


def build_main_window(
    ctx: StationContext,
    officer: Officer,
    *,
    make_printer: Callable[[str | None], Printer] = system_printer,
    idle_minutes: float = DEFAULT_IDLE_MINUTES,
) -> MainWindow:
    """The main window of ``officer`` (after login), wired to the station and the printer."""
    session = Session(ctx=ctx, officer=officer, make_printer=make_printer)
    window = MainWindow(session, load_today=lambda: received_today(ctx), idle_minutes=idle_minutes)
    window.resize(*WINDOW_SIZE)
    return window


def run_window(
    ctx: StationContext,
    argv: list[str],
    *,
    make_printer: Callable[[str | None], Printer] = system_printer,
    idle_minutes: float = DEFAULT_IDLE_MINUTES,
    offer_setup: bool = True,
) -> int:
    """Set up (first start), log in, then run the main window; the process exit code.

    On a station not yet set up (``services.setup.is_set_up``) the first-start wizard comes
    first, unless ``offer_setup`` is False (``counter-app --demo``, what ``scripts/run-app``
    passes: the seeded demo office opens as it is). Cancelling the wizard or the login exits
    with 0 and changes nothing.
    """
    app = application(argv)
    if offer_setup and not is_set_up(ctx):
        wizard = SetupWizard(ctx, make_printer=make_printer)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return 0
    login = LoginDialog(ctx)
    if login.exec() != QDialog.DialogCode.Accepted or login.officer is None:
        return 0
    window = build_main_window(
        ctx, login.officer, make_printer=make_printer, idle_minutes=idle_minutes
    )
    window.show()
    return app.exec()
