"""The first-start wizard: enrol or set up offline (or train on the demo), first admin,
printer and paper, test slip; «Hoàn tất» runs ``services.setup.complete_setup``."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget, QWizard

from counter_app.domain.errors import DomainError
from counter_app.domain.models import Office
from counter_app.printing.printer import Printer
from counter_app.services.setup import (
    SetupAnswers,
    SetupMode,
    complete_setup,
    enrolled_unfinished,
)
from counter_app.services.station import StationContext
from counter_app.texts import wizard as t
from counter_app.ui.qt_printer import system_printer
from counter_app.ui.wizard.pages import (
    ADMIN_PAGE,
    CHOICE_PAGE,
    ENROL_PAGE,
    OFFICE_PAGE,
    PRINTER_PAGE,
    TEST_PAGE,
    AdminPage,
    ChoicePage,
    EnrolPage,
    OfficePage,
    show_refusal,
)
from counter_app.ui.wizard.printing_pages import PrinterPage, TestSlipPage

WIZARD_SIZE = (760, 560)


class SetupWizard(QWizard):
    """Accepted only once the station is set up; :attr:`office` is then its office.

    Cancelling writes nothing (except an enrolment already accepted by the server: the wizard
    then resumes at the administrator page on the next start).
    """

    def __init__(
        self,
        ctx: StationContext,
        *,
        make_printer: Callable[[str | None], Printer] = system_printer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.make_printer = make_printer
        self.office: Office | None = None
        self.resumed = enrolled_unfinished(ctx)
        self.setWindowTitle(t.WIZARD_TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in (
            (QWizard.WizardButton.BackButton, t.BUTTON_BACK),
            (QWizard.WizardButton.NextButton, t.BUTTON_NEXT),
            (QWizard.WizardButton.CommitButton, t.BUTTON_NEXT),
            (QWizard.WizardButton.FinishButton, t.BUTTON_FINISH),
            (QWizard.WizardButton.CancelButton, t.BUTTON_CANCEL),
        ):
            self.setButtonText(button, text)
        self.choice_page = ChoicePage(self)
        self.enrol_page = EnrolPage(self)
        self.office_page = OfficePage(self)
        self.admin_page = AdminPage(self)
        self.printer_page = PrinterPage(self)
        self.test_page = TestSlipPage(self)
        for page_id, page in (
            (CHOICE_PAGE, self.choice_page),
            (ENROL_PAGE, self.enrol_page),
            (OFFICE_PAGE, self.office_page),
            (ADMIN_PAGE, self.admin_page),
            (PRINTER_PAGE, self.printer_page),
            (TEST_PAGE, self.test_page),
        ):
            self.setPage(page_id, page)
        if self.resumed:
            self.admin_page.note_label.setVisible(True)
            self.setStartId(ADMIN_PAGE)
        self.resize(*WIZARD_SIZE)

    def mode(self) -> SetupMode:
        if self.resumed:
            return SetupMode.ENROLLED
        return self.choice_page.mode()

    def office_to_be(self) -> Office:
        """The office the station will have: the typed one (offline) or the stored one."""
        if self.mode() is SetupMode.OFFLINE and self.office_page.office is not None:
            return self.office_page.office
        return self.ctx.office()

    def answers(self) -> SetupAnswers:
        mode = self.mode()
        return SetupAnswers(
            mode=mode,
            office=self.office_page.answers() if mode is SetupMode.OFFLINE else None,
            admin=self.admin_page.answers() if mode is not SetupMode.DEMO else None,
            printing=self.printer_page.answers(),
        )

    def accept(self) -> None:
        """«Hoàn tất»: one transaction; a refusal stays on the page and writes nothing."""
        try:
            self.office, _changes = complete_setup(self.ctx, self.answers())
        except DomainError as exc:
            show_refusal(self.test_page.error_label, exc)
            return
        super().accept()
