"""The reception form: procedure, applicant (scan), checklist, return, fee, due date, outcome.

Each outcome is one service call (receive / guide / refuse), then the slip is issued and sent
to the printer. Once saved, the form stays filled (read-only) until the officer starts a new
dossier, so a failed print never loses anything and never saves the dossier twice.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Procedure, ReturnMethod
from counter_app.services import intake
from counter_app.services.intake import ReceptionRequest
from counter_app.texts import digitisation_ui as td
from counter_app.texts import window as t
from counter_app.ui.dialogs.preview_dialog import PreviewDialog
from counter_app.ui.dialogs.reason_dialog import ReasonDialog
from counter_app.ui.digitisation.components_dialog import ComponentsDialog
from counter_app.ui.errors import message_for, show_error
from counter_app.ui.session import Session
from counter_app.ui.slip_desk import SlipDesk
from counter_app.ui.widgets.applicant_form import ApplicantForm
from counter_app.ui.widgets.checklist_widget import ChecklistWidget
from counter_app.ui.widgets.due_panel import DuePanel
from counter_app.ui.widgets.outcome_bar import OutcomeBar
from counter_app.ui.widgets.procedure_picker import ProcedurePicker

ERROR_STYLE = "color: #b00020;"
INFO_STYLE = "color: #1b5e20;"


class IntakeView(QWidget):
    """``dossier_saved(Dossier)`` fires once per stored dossier."""

    dossier_saved = Signal(object)

    def __init__(self, session: Session, desk: SlipDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ctx = session.ctx
        self.desk = desk
        self.saved: Dossier | None = None
        self.slip_path: Path | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.preview_dialog: PreviewDialog | None = None
        self.components_dialog: ComponentsDialog | None = None
        self._build_ui()
        self._connect_signals()
        self.refresh()

    # --- building -----------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.picker = ProcedurePicker(self.ctx.store.reference)
        procedure_box = QGroupBox(t.PROCEDURE_LABEL)
        QVBoxLayout(procedure_box).addWidget(self.picker)
        self.applicant_form = ApplicantForm(t.APPLICANT_TITLE)
        self.submitter_check = QCheckBox(t.SUBMITTER_TOGGLE)
        self.submitter_form = ApplicantForm(t.SUBMITTER_TITLE)
        self.submitter_form.hide()
        self.checklist = ChecklistWidget()
        self.sets_spin = QSpinBox()
        self.sets_spin.setRange(1, 99)
        self.return_combo = QComboBox()
        for method in ReturnMethod:
            self.return_combo.addItem(t.RETURN_LABELS[method], method)
        self.return_address_edit = QLineEdit()
        self.return_address_edit.setPlaceholderText(t.RETURN_ADDRESS_PLACEHOLDER)
        self.fee_edit = QLineEdit()
        self.due_panel = DuePanel(self.ctx)
        options = QFormLayout()
        options.addRow(t.SETS_LABEL, self.sets_spin)
        options.addRow(t.RETURN_LABEL, self.return_combo)
        options.addRow(t.RETURN_ADDRESS_LABEL, self.return_address_edit)
        options.addRow(t.FEE_LABEL, self.fee_edit)
        left = QVBoxLayout()
        for widget in (procedure_box, self.applicant_form, self.submitter_check):
            left.addWidget(widget)
        left.addWidget(self.submitter_form)
        left.addLayout(options)
        left.addWidget(self.due_panel)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(self.checklist, 1)
        self.form_widget = QWidget()
        self.form_widget.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidget(self.form_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.outcome_bar = OutcomeBar()
        self.receive_button = QPushButton(t.BUTTON_RECEIVE)
        self.guide_button = QPushButton(t.BUTTON_GUIDE)
        self.refuse_button = QPushButton(t.BUTTON_REFUSE)
        self.receive_button.setDefault(True)
        self.digitise_button = QPushButton(td.BUTTON_DIGITISE)
        actions = QHBoxLayout()
        actions.addWidget(self.message_label, 1)
        actions.addWidget(self.digitise_button)
        for button in (self.refuse_button, self.guide_button, self.receive_button):
            button.setMinimumHeight(34)
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.outcome_bar)
        layout.addLayout(actions)

    def _connect_signals(self) -> None:
        self.picker.procedure_chosen.connect(self._on_picker_procedure_chosen)
        self.picker.failed.connect(self.show_message_error)
        for form in (self.applicant_form, self.submitter_form):
            form.scan_failed.connect(self.show_message_error)
            form.card_scanned.connect(lambda _card: self.show_message(t.CARD_FILLED))
        self.submitter_check.toggled.connect(self.submitter_form.setVisible)
        self.return_combo.currentIndexChanged.connect(self._on_return_combo_changed)
        self.receive_button.clicked.connect(self._on_receive_button_clicked)
        self.guide_button.clicked.connect(self._on_guide_button_clicked)
        self.refuse_button.clicked.connect(self._on_refuse_button_clicked)
        self.digitise_button.clicked.connect(self.open_components)
        self.outcome_bar.print_button.clicked.connect(self._on_print_button_clicked)
        self.outcome_bar.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.outcome_bar.new_button.clicked.connect(self.clear)
        self.desk.print_succeeded.connect(self._on_desk_print_succeeded)
        self.desk.print_failed.connect(self._on_desk_print_failed)
        for keys, slot in (
            ("F5", self.receive_button.click),
            ("F6", self.guide_button.click),
            ("F7", self.refuse_button.click),
            ("F10", self.digitise_button.click),
            ("Ctrl+N", self.outcome_bar.new_button.click),
            ("Ctrl+P", self._on_print_button_clicked),
            ("Ctrl+K", self.picker.focus),
            ("Ctrl+Q", self.applicant_form.scan_edit.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # --- state --------------------------------------------------------------------------------

    def refresh(self) -> None:
        editing = self.saved is None
        self.form_widget.setEnabled(editing)
        for button in (self.receive_button, self.guide_button, self.refuse_button):
            button.setEnabled(editing)
        self.return_address_edit.setEnabled(editing and self.return_method() is ReturnMethod.POSTAL)
        received = self.saved is not None and self.saved.code is not None
        self.digitise_button.setVisible(received)
        self.digitise_button.setEnabled(received)
        if editing:
            self.outcome_bar.hide()

    def return_method(self) -> ReturnMethod:
        return ReturnMethod(self.return_combo.currentData())

    def clear(self) -> None:
        """Start a new dossier: every field empty, the picker focused."""
        self.saved = None
        self.slip_path = None
        self.picker.clear()
        self.applicant_form.clear()
        self.submitter_form.clear()
        self.submitter_check.setChecked(False)
        self.checklist.model.set_items([])
        self.sets_spin.setValue(1)
        self.return_combo.setCurrentIndex(0)
        self.return_address_edit.clear()
        self.fee_edit.clear()
        self.due_panel.clear()
        self.message_label.clear()
        self.refresh()
        self.picker.focus()

    def show_message(self, text: str) -> None:
        self.message_label.setStyleSheet(INFO_STYLE)
        self.message_label.setText(text)

    def show_message_error(self, exc: BaseException) -> None:
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.setText(message_for(exc))
        field = exc.params.get("field") if isinstance(exc, DomainError) else None
        widget = self.applicant_form.fields().get(str(field)) if field else None
        if widget is not None:
            widget.setFocus()

    # --- building the request -----------------------------------------------------------------

    def _procedure(self) -> Procedure:
        procedure = self.picker.procedure()
        if procedure is None:
            typed = self.picker.search_edit.text().strip()
            if not typed:
                self.picker.focus()
                raise _FormRefusalError(t.PROCEDURE_REQUIRED)
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, code=typed)
        return procedure

    def request(self) -> ReceptionRequest:
        """What the officer entered, as the service takes it (raises on a missing field)."""
        procedure = self._procedure()
        applicant = self.applicant_form.applicant()
        submitter = self.submitter_form.applicant() if self.submitter_check.isChecked() else None
        due_override, reason = self.due_panel.override()
        return ReceptionRequest(
            procedure_code=procedure.code,
            applicant=applicant,
            submitter=submitter,
            documents=self.checklist.model.items(),
            sets=self.sets_spin.value(),
            return_method=self.return_method(),
            return_address=self.return_address_edit.text(),
            fee=self.fee_edit.text().strip(),
            due_override=due_override,
            due_override_reason=reason,
        )

    def _checked_request(self) -> ReceptionRequest | None:
        try:
            return self.request()
        except _FormRefusalError as refusal:
            self.message_label.setStyleSheet(ERROR_STYLE)
            self.message_label.setText(str(refusal))
        except DomainError as exc:
            self.show_message_error(exc)
        return None

    # --- outcomes -----------------------------------------------------------------------------

    def _on_receive_button_clicked(self) -> None:
        request = self._checked_request()
        if request is None:
            return
        try:
            dossier, changes = intake.receive_dossier(
                self.ctx, request, officer=self.session.username
            )
        except DomainError as exc:
            self.show_message_error(exc)
            return
        self.session.events.changes_applied.emit(changes)
        due = t.format_due(dossier.due_at)
        self._after_save(dossier, t.received_banner(dossier.code or "", due))

    def _on_guide_button_clicked(self) -> None:
        if self._checked_request() is None:
            return
        self.reason_dialog = ReasonDialog(
            title=t.GUIDE_TITLE,
            reason_label=t.GUIDE_REASON,
            confirm_text=t.BUTTON_CONFIRM_GUIDE,
            missing=self.checklist.model.missing(),
            reason=t.GUIDE_REASON_DEFAULT,
            parent=self,
        )
        self.reason_dialog.accepted.connect(self._on_guide_dialog_accepted)
        self.reason_dialog.open()

    def _on_guide_dialog_accepted(self) -> None:
        dialog, request = self.reason_dialog, self._checked_request()
        if dialog is None or request is None:
            return
        try:
            dossier, changes = intake.guide_dossier(
                self.ctx,
                request,
                missing=dialog.missing(),
                reason=dialog.reason(),
                officer=self.session.username,
            )
        except DomainError as exc:
            self.show_message_error(exc)
            return
        self.session.events.changes_applied.emit(changes)
        self._after_save(dossier, t.guided_banner(dossier.applicant.name))

    def _on_refuse_button_clicked(self) -> None:
        if self._checked_request() is None:
            return
        self.reason_dialog = ReasonDialog(
            title=t.REFUSE_TITLE,
            reason_label=t.REFUSE_REASON,
            confirm_text=t.BUTTON_CONFIRM_REFUSE,
            parent=self,
        )
        self.reason_dialog.accepted.connect(self._on_refuse_dialog_accepted)
        self.reason_dialog.open()

    def _on_refuse_dialog_accepted(self) -> None:
        dialog, request = self.reason_dialog, self._checked_request()
        if dialog is None or request is None:
            return
        try:
            dossier, changes = intake.refuse_dossier(
                self.ctx, request, reason=dialog.reason(), officer=self.session.username
            )
        except DomainError as exc:
            self.show_message_error(exc)
            return
        self.session.events.changes_applied.emit(changes)
        self._after_save(dossier, t.refused_banner(dossier.applicant.name))

    def _after_save(self, dossier: Dossier, title: str) -> None:
        self.saved = dossier
        self.message_label.clear()
        self.refresh()
        self.outcome_bar.show_saved(title)
        self.dossier_saved.emit(dossier)
        self._issue_and_send()

    # --- slips --------------------------------------------------------------------------------

    def _issue_and_send(self) -> None:
        dossier = self.saved
        if dossier is None:
            return
        form = self.desk.first_form(dossier)
        try:
            if self.slip_path is None:
                self.slip_path = self.desk.issue(dossier, form)
        except DomainError as exc:
            self.outcome_bar.set_print_failed()
            show_error(self, exc)
            return
        title = dossier.code or dossier.applicant.name
        self.desk.send(self.slip_path, form=form, title=title, parent=self)

    def open_components(self) -> ComponentsDialog | None:
        """The scans and signatures of the dossier just received (Decree 118 Art. 17.1.c)."""
        dossier = self.saved
        if dossier is None or dossier.code is None:
            return None
        self.components_dialog = ComponentsDialog(
            self.ctx,
            dossier_uuid=dossier.uuid,
            code=dossier.code,
            officer=self.session.username,
            parent=self,
        )
        self.components_dialog.panel.changes_applied.connect(self.session.events.changes_applied)
        self.components_dialog.show()
        return self.components_dialog

    def _on_print_button_clicked(self) -> None:
        if self.saved is not None:
            self.outcome_bar.note_label.setText(t.PRINTING)
            self._issue_and_send()

    def _on_preview_button_clicked(self) -> None:
        if self.slip_path is not None:
            self.desk.preview(self.slip_path, parent=self, on_ready=self._show_preview)

    def _show_preview(self, images: list[QImage]) -> None:
        self.preview_dialog = PreviewDialog(images, self)
        self.preview_dialog.print_requested.connect(self._on_print_button_clicked)
        self.preview_dialog.open()

    def _on_desk_print_succeeded(self, path: Path, copies: int) -> None:
        if path == self.slip_path:
            self.outcome_bar.set_printed(copies)

    def _on_desk_print_failed(self, path: Path, _exc: BaseException) -> None:
        if path == self.slip_path:
            self.outcome_bar.set_print_failed()

    # --- catalogue-driven fields --------------------------------------------------------------

    def _on_picker_procedure_chosen(self, procedure: Procedure) -> None:
        self.checklist.model.set_items(list(procedure.documents))
        self.fee_edit.setText(procedure.fee_text)
        self.due_panel.set_procedure(procedure)
        self.message_label.clear()
        self.applicant_form.scan_edit.setFocus()

    def _on_return_combo_changed(self, _index: int) -> None:
        self.refresh()


class _FormRefusalError(Exception):
    """A form-level refusal with its sentence already in Vietnamese (no service involved)."""
