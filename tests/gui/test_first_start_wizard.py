"""The first-start wizard driven like a user: offline set-up and enrolment with the real
province server (tests/server), each ending with a test slip printed on the real CUPS-PDF
queue whose barcode reads back; the demo choice; the wizard before the login."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Role
from counter_app.printing.printer import FolderPrinter
from counter_app.services.officers import authenticate
from counter_app.services.setup import (
    DEMO_PASSWORD,
    is_set_up,
    lookup_url_warning,
    printer_test_code,
)
from counter_app.services.station import StationContext
from counter_app.texts import slips as slip_texts
from counter_app.texts import wizard as t
from counter_app.ui import app as ui_app
from counter_app.ui.dialogs.login_dialog import LoginDialog
from counter_app.ui.wizard import SetupWizard
from counter_app.ui.wizard.pages import (
    ADMIN_PAGE,
    CHOICE_PAGE,
    ENROL_PAGE,
    OFFICE_PAGE,
    PRINTER_PAGE,
    TEST_PAGE,
)
from counter_app.ui.workers import wait_for_background
from province_server.testing import ServerProcess
from tests.gui import test_qt_printer_cups as printer_tests
from tests.gui.helpers import type_text
from tests.gui.test_qt_printer_cups import _pdfs, _wait_for_new_pdf
from tests.printing.test_slips import decoded, pdf_text, scans
from tests.server import conftest as server_fixtures
from tests.server.conftest import IssueCode, new_agency

# The real province server of the sync tests, and the CUPS-PDF queue of the printer tests.
province_db = server_fixtures.province_db
server = server_fixtures.server
issue_code = server_fixtures.issue_code
cups_queue = printer_tests.cups_queue

PASSWORD = "mat-khau-2026"


def error_message(code: ErrorCode, **params: object) -> str:
    return texts.error_message(DomainError(code, **params))


def make_wizard(qtbot: QtBot, station: StationContext, **kwargs: object) -> SetupWizard:
    wizard = SetupWizard(station, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def press_next(wizard: SetupWizard) -> None:
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    button = commit if commit.isVisible() else wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    button.click()


def fill_admin(wizard: SetupWizard, qtbot: QtBot, *, again: str = PASSWORD) -> None:
    page = wizard.admin_page
    for key in page.edits:
        page.edits[key].clear()
    qtbot.keyClicks(page.edits["username"], "nguyenvana")
    type_text(page.edits["full_name"], "Nguyễn Văn An")
    qtbot.keyClicks(page.edits["password"], PASSWORD)
    qtbot.keyClicks(page.edits["password_again"], again)


def choose_printer(wizard: SetupWizard, queue: str) -> None:
    page = wizard.printer_page
    index = page.printer_combo.findData(queue)
    assert index > 0, "the CUPS queue is listed by QPrinterInfo"
    page.printer_combo.setCurrentIndex(index)
    page.paper_combo.setCurrentIndex(page.paper_combo.findData("a5"))


def print_test_slip_on_cups(wizard: SetupWizard, qtbot: QtBot, queue: str, tmp_path: Path) -> str:
    """Click «In phiếu thử»; the barcode of the PDF cups-pdf wrote, read back."""
    page = wizard.test_page
    before = _pdfs()
    page.print_button.click()
    qtbot.waitUntil(lambda: page.status_label.text() == t.test_printed(queue), timeout=60_000)
    assert page.error_label.text() == ""
    token = page.printed_title.rsplit("-", 1)[1]
    printed = _wait_for_new_pdf(before, token=token)
    folder = tmp_path / f"scan-{time.time_ns()}"
    folder.mkdir()
    codes = decoded(scans(printed, folder)[0])
    assert len(codes.get("Code128", [])) == 1
    return codes["Code128"][0]


def test_offline_setup_through_the_wizard_ends_with_a_test_slip_that_reads_back(
    qtbot: QtBot, station: StationContext, cups_queue: str, tmp_path: Path
) -> None:
    wizard = make_wizard(qtbot, station)
    assert wizard.currentId() == CHOICE_PAGE
    assert wizard.button(QWizard.WizardButton.NextButton).text() == t.BUTTON_NEXT
    wizard.choice_page.buttons["offline"].click()  # type: ignore[index]
    press_next(wizard)
    assert wizard.currentId() == OFFICE_PAGE

    edits = wizard.office_page.edits
    qtbot.keyClicks(edits["agency_id"], "h56.123.45")
    qtbot.keyClicks(edits["station_prefix"], "150")  # an enrolled station's number
    type_text(edits["parent_body"], "UBND XÃ HÒA BÌNH")
    type_text(edits["unit_name"], "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ HÒA BÌNH")
    type_text(edits["place_name"], "Hòa Bình")
    press_next(wizard)  # refused, in Vietnamese, naming the field; the field gets the focus
    assert wizard.currentId() == OFFICE_PAGE
    assert wizard.office_page.error_label.text() == error_message(
        ErrorCode.OFFLINE_PREFIX_INVALID, field="station_prefix", value="150"
    )
    assert "Số hiệu quầy tạm" in wizard.office_page.error_label.text()
    assert edits["station_prefix"].selectedText() == "150"  # selected, to be typed over
    qtbot.keyClicks(edits["station_prefix"], "07")  # replaces the selected number
    assert edits["station_prefix"].text() == "07"
    press_next(wizard)
    assert wizard.currentId() == ADMIN_PAGE

    fill_admin(wizard, qtbot, again="mat-khau-2025")
    press_next(wizard)
    assert wizard.currentId() == ADMIN_PAGE
    assert wizard.admin_page.error_label.text() == error_message(ErrorCode.SETUP_PASSWORDS_DIFFER)
    fill_admin(wizard, qtbot)
    press_next(wizard)
    assert wizard.currentId() == PRINTER_PAGE

    choose_printer(wizard, cups_queue)
    press_next(wizard)
    assert wizard.currentId() == TEST_PAGE
    summary = wizard.test_page.summary_label.text()
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ HÒA BÌNH" in summary and "H56.123.45" in summary
    assert station.office().is_demo and not is_set_up(station)  # nothing written so far

    code = print_test_slip_on_cups(wizard, qtbot, cups_queue, tmp_path)
    assert code == "H56.123.45-260213-000070000"

    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    office = station.office()
    assert wizard.office == office and is_set_up(station)
    assert (office.agency_id, office.station_prefix, office.is_demo) == (
        "H56.123.45",
        "00007",
        False,
    )
    assert office.place_name == "Hòa Bình"
    assert station.setting("printer", "") == cups_queue
    assert authenticate(station, username="nguyenvana", password=PASSWORD).role is Role.ADMIN


@pytest.mark.server
def test_enrolment_through_the_wizard_against_the_real_server(
    qtbot: QtBot,
    station: StationContext,
    server: ServerProcess,
    issue_code: IssueCode,
    cups_queue: str,
    tmp_path: Path,
) -> None:
    agency = new_agency()
    issued = issue_code(agency)
    wizard = make_wizard(qtbot, station)
    press_next(wizard)  # «Đăng ký với máy chủ tỉnh» is the default choice
    assert wizard.currentId() == ENROL_PAGE
    page = wizard.enrol_page
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()

    qtbot.keyClicks(page.url_edit, server.url)
    qtbot.keyClicks(page.code_edit, "SAI-MA-0000")
    page.enrol_button.click()
    qtbot.waitUntil(lambda: page.error_label.text() != "", timeout=30_000)
    assert page.error_label.text() == error_message(ErrorCode.SYNC_ENROL_REFUSED)
    assert station.office().is_demo and station.setting("sync", None) is None

    page.code_edit.setText(issued.code)
    page.enrol_button.click()
    qtbot.waitUntil(lambda: page.enrolled_office is not None, timeout=30_000)
    enrolled, lookup = page.status_label.text().split("\n")
    assert enrolled == t.enrolled("UBND xã Minh Hòa", agency, issued.station_prefix)
    # the test server has no public address: the QR would lead to 127.0.0.1, the admin is told
    assert station.office().lookup_url == f"{server.url}/tra-cuu"
    assert lookup == lookup_url_warning(station) and "PROVINCE_LOOKUP_URL" in lookup
    assert station.office().agency_id == agency and not station.office().is_demo

    wizard.reject()  # the officer stops here: the next start resumes at the administrator
    assert not is_set_up(station)
    wizard = make_wizard(qtbot, station)
    assert wizard.currentId() == ADMIN_PAGE and wizard.admin_page.note_label.isVisibleTo(wizard)

    fill_admin(wizard, qtbot)
    press_next(wizard)
    choose_printer(wizard, cups_queue)
    press_next(wizard)
    assert wizard.currentId() == TEST_PAGE
    code = print_test_slip_on_cups(wizard, qtbot, cups_queue, tmp_path)
    assert code == f"{agency}-260213-{issued.station_prefix}0000"

    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert is_set_up(station) and station.setting("setup", {})["mode"] == "enrolled"
    assert authenticate(station, username="nguyenvana", password=PASSWORD).role is Role.ADMIN
    with pytest.raises(DomainError):
        authenticate(station, username="quantri", password=DEMO_PASSWORD)


def test_the_demo_choice_prints_a_demo_test_slip_and_keeps_the_demo(
    qtbot: QtBot, station: StationContext, tmp_path: Path
) -> None:
    printer = FolderPrinter(tmp_path / "printed", name="QUAY-1")
    wizard = make_wizard(qtbot, station, make_printer=lambda _name: printer)
    wizard.choice_page.buttons["demo"].click()  # type: ignore[index]
    press_next(wizard)
    assert wizard.currentId() == PRINTER_PAGE
    press_next(wizard)
    page = wizard.test_page
    page.print_button.click()
    qtbot.waitUntil(lambda: page.status_label.text() == t.test_printed("QUAY-1"), timeout=30_000)
    (job,) = printer.jobs()
    text = pdf_text(job)
    assert slip_texts.DEMO_MARK in text and t.TEST_SLIP_MARK in text
    (tmp_path / "scan").mkdir()
    code = printer_test_code(station.office(), station.clock.now())
    assert decoded(scans(job, tmp_path / "scan")[0]).get("Code128") == [code]
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert is_set_up(station) and station.office().is_demo


def test_a_real_setup_is_refused_on_a_station_with_demo_dossiers(
    qtbot: QtBot, station: StationContext
) -> None:
    from tests.services.test_setup import receive

    receive(station, "canbo")
    wizard = make_wizard(qtbot, station)
    wizard.choice_page.buttons["offline"].click()  # type: ignore[index]
    press_next(wizard)
    assert wizard.currentId() == CHOICE_PAGE
    assert wizard.choice_page.error_label.text() == error_message(
        ErrorCode.SETUP_HAS_DOSSIERS, count=1
    )


def test_run_window_shows_the_wizard_before_the_login_on_a_station_not_set_up(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, station: StationContext
) -> None:
    seen: list[type] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog))
        assert dialog is not None
        dialog.close()

    class _App:
        def exec(self) -> int:
            raise AssertionError("the main window must not open")

    monkeypatch.setattr(ui_app, "application", lambda _argv: _App())
    QTimer.singleShot(50, cancel)
    assert ui_app.run_window(station, []) == 0
    assert seen == [SetupWizard]
    assert not is_set_up(station)

    seen.clear()
    QTimer.singleShot(50, cancel)  # --demo: straight to the login, no questions
    assert ui_app.run_window(station, [], offer_setup=False) == 0
    assert seen == [LoginDialog]
    wait_for_background()
