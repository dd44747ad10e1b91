"""The wizard's printing pages: printer and paper size, then the test slip (last page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPushButton, QVBoxLayout

from counter_app.printing.printer import PaperSize
from counter_app.services.settings import PAPER_SIZES
from counter_app.services.setup import (
    PrintingAnswers,
    check_printing,
    printer_test_code,
    write_printer_test,
)
from counter_app.texts import window as w
from counter_app.texts import wizard as t
from counter_app.ui.wizard.pages import WizardPage, show_refusal
from counter_app.ui.workers import run_in_background

if TYPE_CHECKING:
    from counter_app.ui.wizard.setup_wizard import SetupWizard


class PrinterPage(WizardPage):
    """The print queue (QPrinterInfo's list, or the system default) and the paper size."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, title=t.PRINTER_TITLE, subtitle=t.PRINTER_SUBTITLE)
        current_printer = str(wizard.ctx.setting("printer", "") or "")
        current_paper = str(wizard.ctx.setting("paper_size", PAPER_SIZES[0]))
        self.paper_combo = QComboBox()
        self.paper_combo.setObjectName("paper_combo")
        for size in PAPER_SIZES:
            self.paper_combo.addItem(w.PAPER_LABELS[size], size)
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(current_paper)))
        self.printer_combo = QComboBox()
        self.printer_combo.setObjectName("printer_combo")
        self.printer_combo.addItem(w.PRINTER_DEFAULT, "")
        for name in QPrinterInfo.availablePrinterNames():
            self.printer_combo.addItem(name, name)
        self.printer_combo.setCurrentIndex(max(0, self.printer_combo.findData(current_printer)))
        form = QFormLayout()
        form.addRow(w.SETTINGS_LABELS["printer"], self.printer_combo)
        form.addRow(w.SETTINGS_LABELS["paper_size"], self.paper_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error_label)

    def answers(self) -> PrintingAnswers:
        return PrintingAnswers(
            printer=str(self.printer_combo.currentData() or ""),
            paper_size=str(self.paper_combo.currentData()),
        )

    def validatePage(self) -> bool:
        return self.passes(lambda: check_printing(self.answers()))


class TestSlipPage(WizardPage):
    """A summary of what «Hoàn tất» saves, and the test slip button (any number of times)."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, title=t.TEST_TITLE, subtitle=t.TEST_SUBTITLE)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        self.print_button = QPushButton(t.TEST_BUTTON)
        self.print_button.setObjectName("print_button")
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.printed_title = ""  # the job title of the last test slip sent
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addSpacing(12)
        layout.addWidget(self.print_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        self.status_label.clear()
        self.error_label.clear()
        office = self.setup_wizard.office_to_be()
        admin = self.setup_wizard.admin_page.edits["username"].text().strip()
        mode = self.setup_wizard.mode()
        self.summary_label.setText(
            t.summary(
                mode=mode.value,
                unit_name=office.unit_name,
                agency_id=office.agency_id,
                prefix=office.station_prefix,
                admin="" if mode.value == "demo" else admin,
            )
        )

    def nextId(self) -> int:
        return -1

    def _on_print_button_clicked(self) -> None:
        wizard = self.setup_wizard
        self.error_label.clear()
        self.status_label.setText(t.TEST_PRINTING)
        self.print_button.setEnabled(False)
        printing = wizard.printer_page.answers()
        size = PaperSize(printing.paper_size)
        office = wizard.office_to_be()
        ctx = wizard.ctx
        title = f"{printer_test_code(office, ctx.clock.now())}-{office.station_id[:8]}"
        make_printer = wizard.make_printer

        def job() -> str:
            pdf = write_printer_test(ctx, office, size=size)
            printer = make_printer(printing.printer or None)
            printer.print_pdf(pdf, size=size, copies=1, title=title)
            return printer.name or printing.printer or w.PRINTER_DEFAULT

        self.printed_title = title
        run_in_background(
            job,
            on_success=self._on_printed,
            on_error=self._on_failed,
            parent=self,
            progress_label=t.TEST_PRINTING,
        )

    def _on_printed(self, printer_name: str) -> None:
        self.print_button.setEnabled(True)
        self.status_label.setText(t.test_printed(printer_name))

    def _on_failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(True)
        self.status_label.clear()
        show_refusal(self.error_label, exc)
