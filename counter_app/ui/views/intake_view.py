"""The reception form: procedure, applicant (scan), checklist, return, fee, due date, outcome.

Each outcome is one service call (receive / guide / refuse), then the slip is issued and sent
to the printer. Once saved, the outcome bar keeps the dossier just saved (its code, its print
status, Ctrl+P to print again, its preview) and the form is emptied for the next citizen,
with the focus in the procedure field: a failed print never loses anything (the slip is
archived and printed again from the bar or the history) and a dossier is never saved twice.

Keyboard (window-level shortcuts, active while this tab is shown, wherever the focus is): F5
receive, F6 supplement request, F7 refusal, F10 digitise, Ctrl+N (and F2) new dossier, Ctrl+P
print again, Ctrl+K procedure field, Ctrl+Q ID-card scan field, Ctrl+G the papers' checklist
(Space ticks, Down moves on), Ctrl+T the stated time (procedures without one). The focus lands
in the procedure field after login, after each save, after each dialog and after a new dossier.

A clean form for every citizen:
- Ctrl+N / F2 always give an empty form; with typed, unsaved data they ask first (Enter or
  Esc = back to the form, Alt+B = discard);
- a new procedure resets what belongs to the procedure: papers, fee, sets, due-date override
  and stated time (picking the same procedure again changes nothing);
- a new ID card (a different ID number) resets what belongs to the previous citizen: phone,
  authorised submitter, postal return and its address, due-date override;
- an ID-card QR scanned into any field of the form (ui/scan_filter.py) fills the applicant
  block (or the submitter block when scanned there) and never stays in the field;
- refusals never repeat what was typed (personal data): they name the field.

F5 with no paper ticked asks first (Enter = back to the checklist, Alt+T = receive without
any paper). The supplement and refusal reasons are asked only once the form is complete, and
a refusal by the service keeps the reason dialog open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fees import counter_fee
from counter_app.domain.fields import clean_text
from counter_app.domain.idcard import IdCardData
from counter_app.domain.models import Procedure, ReturnMethod
from counter_app.services import intake, numbering
from counter_app.services.intake import ReceptionRequest
from counter_app.services.supplements import reasons_for
from counter_app.texts import codes as tc
from counter_app.texts import digitisation_ui as td
from counter_app.texts import identity as ti
from counter_app.texts import window as t
from counter_app.ui.buttons import confirm_box
from counter_app.ui.dialogs.preview_dialog import PreviewDialog
from counter_app.ui.dialogs.reason_dialog import ReasonDialog
from counter_app.ui.digitisation.components_dialog import ComponentsDialog
from counter_app.ui.errors import message_for, show_error
from counter_app.ui.models.checklist_model import RECEIVED
from counter_app.ui.session import Session
from counter_app.ui.slip_desk import SlipDesk
from counter_app.ui.widgets.applicant_form import ApplicantForm
from counter_app.ui.widgets.boundary_panel import BoundaryPanel
from counter_app.ui.widgets.checklist_widget import ChecklistWidget
from counter_app.ui.widgets.due_panel import DuePanel
from counter_app.ui.widgets.fee_row import FeeRow
from counter_app.ui.widgets.identity_panel import IdentityPanel
from counter_app.ui.widgets.outcome_bar import OutcomeBar
from counter_app.ui.widgets.procedure_picker import ProcedurePicker

FOCUS_GRACE_MS = 1000
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
        self.confirm: QMessageBox | None = None
        self._procedure_code: str | None = None
        self._restoring = False  # the procedure field put back after a scan into it
        self._next_field: QWidget | None = None
        self._build_ui()
        self._connect_signals()
        self.picker.search_edit.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
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
        self.fee_row = FeeRow(  # amounts due, collected, exemption (issue 13 item 7)
            self.ctx,
            procedure_code=lambda: self._procedure_code,
            channel=lambda: int(self.identity_panel.channel()[0]),
        )
        options.addRow(self.fee_row)
        self.identity_panel = IdentityPanel()  # channel, identity check, data source
        options.addRow(self.identity_panel)
        self.boundary_panel = BoundaryPanel()  # cross-boundary reception (issue 13 item 2)
        options.addRow(self.boundary_panel)
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
        self.applicant_form.card_scanned.connect(
            lambda card: self.take_card(card, self.applicant_form.scan_edit)
        )
        self.submitter_form.card_scanned.connect(
            lambda card: self.take_card(card, self.submitter_form.scan_edit)
        )
        self.submitter_check.toggled.connect(self.submitter_form.setVisible)
        self.return_combo.currentIndexChanged.connect(self._on_return_combo_changed)
        self.boundary_panel.changed.connect(self.due_panel.set_cross_boundary)
        self.identity_panel.channel_combo.currentIndexChanged.connect(self.fee_row.refresh)
        self.receive_button.clicked.connect(self._on_receive_button_clicked)
        self.guide_button.clicked.connect(self._on_guide_button_clicked)
        self.refuse_button.clicked.connect(self._on_refuse_button_clicked)
        self.digitise_button.clicked.connect(self.open_components)
        self.outcome_bar.print_button.clicked.connect(self._on_print_button_clicked)
        self.outcome_bar.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.outcome_bar.new_button.clicked.connect(self.new_dossier)
        self.desk.print_succeeded.connect(self._on_desk_print_succeeded)
        self.desk.print_failed.connect(self._on_desk_print_failed)

    def shortcuts(self) -> list[tuple[str, Callable[[], object]]]:
        """The reception keys; the main window binds them while this tab is shown."""
        return [
            ("F5", self.receive_button.click),
            ("F6", self.guide_button.click),
            ("F7", self.refuse_button.click),
            ("F10", self.digitise_button.click),
            ("Ctrl+N", self.new_dossier),
            ("Ctrl+P", self._on_print_button_clicked),
            ("Ctrl+K", self.picker.focus),
            ("Ctrl+Q", self.focus_scan),
            ("Ctrl+G", self.focus_checklist),
            ("Ctrl+T", self.focus_stated_time),
        ]

    # --- state --------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.return_address_edit.setEnabled(self.return_method() is ReturnMethod.POSTAL)
        received = self.saved is not None and self.saved.code is not None
        self.digitise_button.setVisible(received)
        self.digitise_button.setEnabled(received)
        if self.saved is None:
            self.outcome_bar.hide()

    def return_method(self) -> ReturnMethod:
        return ReturnMethod(self.return_combo.currentData())

    def focus_form(self) -> None:
        """Where the officer starts: the procedure field (after login, a save, a dialog)."""
        self._activate()
        self.picker.focus()

    def _activate(self) -> None:
        """A closed dialog or pop-up gives the keyboard back to this window."""
        window = self.window()
        if window.isVisible() and not window.isActiveWindow():
            window.activateWindow()

    def focus_stated_time(self) -> None:
        """Ctrl+T: the stated time's amount, for a procedure the catalogue gives no time."""
        if self.due_panel.needs_time():
            self.due_panel.stated_amount.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.due_panel.stated_amount.selectAll()

    def focus_scan(self) -> None:
        self.applicant_form.scan_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def has_input(self) -> bool:
        """Typed or scanned data that is not saved yet (asked about before it is dropped)."""
        return bool(
            self.picker.search_edit.text().strip()
            or self.applicant_form.has_input()
            or self.submitter_check.isChecked()
            or self.return_combo.currentIndex() != 0
            or self.return_address_edit.text().strip()
            or self.due_panel.override_check.isChecked()
            or any(item.received for item in self.checklist.model.items())
        )

    def new_dossier(self) -> QMessageBox | None:
        """Ctrl+N / F2: an empty form; asks first when typed data would be lost."""
        if self.confirm is not None and self.confirm.isVisible():
            return self.confirm
        if not self.has_input():
            self.clear()
            return None
        self._ask(
            title=t.DISCARD_TITLE,
            text=t.DISCARD_TEXT,
            back_text=t.DISCARD_BACK,
            go_text=t.DISCARD_CONFIRM,
            on_go=self.clear,
            on_back=self.focus_form,
        )
        return self.confirm

    def _ask(self, **question: Any) -> None:
        """One question at a time (the previous box is deleted)."""
        if self.confirm is not None:
            self.confirm.deleteLater()
        self.confirm = confirm_box(self, **question)

    def clear(self) -> None:
        """Start a new dossier: every field empty, the outcome bar closed, the picker focused."""
        self.saved = None
        self.slip_path = None
        self._clear_form()
        self.message_label.clear()
        self.refresh()
        self.focus_form()

    def _clear_form(self) -> None:
        self._procedure_code = None
        self.picker.clear()
        self.applicant_form.clear()
        self._reset_procedure_fields()
        self._reset_person_fields()

    def _reset_procedure_fields(self) -> None:
        """What belongs to the procedure: papers, fee, sets, override and stated time."""
        self.checklist.model.set_items([])
        self.sets_spin.setValue(1)
        self.fee_edit.clear()
        self.fee_row.clear()
        self.boundary_panel.clear()
        self.due_panel.clear()

    def _reset_person_fields(self) -> None:
        """What belongs to the citizen beyond the card: phone, submitter, return, override."""
        self.applicant_form.phone_edit.clear()
        self.submitter_form.clear()
        self.submitter_check.setChecked(False)
        self.return_combo.setCurrentIndex(0)
        self.return_address_edit.clear()
        self.due_panel.override_check.setChecked(False)
        self.due_panel.reason_edit.clear()
        self.identity_panel.clear()

    def show_message(self, text: str) -> None:
        self.message_label.setStyleSheet(INFO_STYLE)
        self.message_label.setText(text)

    def show_refusal(self, text: str) -> None:
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.setText(text)

    def show_message_error(self, exc: BaseException, form: ApplicantForm | None = None) -> None:
        """The refusal's sentence (never what was typed), the focus on the field it names."""
        if isinstance(exc, DomainError) and exc.code is ErrorCode.PROCEDURE_NOT_FOUND:
            self.show_refusal(t.PROCEDURE_NOT_MATCHED)  # "code" is what was typed or scanned
            self.picker.focus()
            return
        text = t.field_error(exc) if isinstance(exc, DomainError) else None
        self.show_refusal(text or message_for(exc))
        field = exc.params.get("field") if isinstance(exc, DomainError) else None
        widget = self._field_widget(str(field), form) if field else None
        if widget is not None:
            self._clear_when_changed(widget, self.message_label.text())
            widget.setFocus()

    def _clear_when_changed(self, widget: QWidget, said: str) -> None:
        """The refusal naming ``widget`` goes once the officer changes that field (a red
        "thiếu giới tính" must not stay beside a sex chosen since), unless another message
        took its place meanwhile."""
        signal = (
            widget.currentIndexChanged
            if isinstance(widget, QComboBox)
            else widget.valueChanged
            if isinstance(widget, QSpinBox)
            else widget.textChanged
            if isinstance(widget, QLineEdit)
            else None
        )
        if signal is None:
            return

        def changed(*_: object) -> None:
            signal.disconnect(changed)
            if self.message_label.text() == said:
                self.message_label.clear()

        signal.connect(changed)

    def _field_widget(self, field: str, form: ApplicantForm | None) -> QWidget | None:
        others: dict[str, QWidget] = {
            "return_address": self.return_address_edit,
            "fee": self.fee_edit,
            "sets": self.sets_spin,
            "due_override_reason": self.due_panel.reason_edit,
        }
        return (form or self.applicant_form).fields().get(field) or others.get(field)

    # --- ID-card scans ------------------------------------------------------------------------

    def take_card(self, card: IdCardData, widget: QWidget | None) -> None:
        """An ID-card QR scanned into ``widget``: fill the block it belongs to.

        Scanned into the submitter block, it fills the submitter; anywhere else in the form,
        the applicant. A card of another person than the one in the applicant block resets
        what belonged to the previous citizen (phone, submitter, postal return, override).
        """
        if widget is self.picker.search_edit:
            self._restore_picker()
        in_submitter = widget is not None and self.submitter_form.isAncestorOf(widget)
        if in_submitter:
            self.submitter_form.fill_from_card(card)
            self.submitter_form.phone_edit.clear()
        else:
            if self.applicant_form.id_number() != card.id_number:
                self._reset_person_fields()
            self.applicant_form.fill_from_card(card)
            self.identity_panel.card_read()
        self.show_message(ti.CARD_REPAIRED if card.keyboard_repaired else t.CARD_FILLED)
        target = self.submitter_form if in_submitter else self.applicant_form
        target.phone_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def card_failed(self, exc: BaseException, widget: QWidget | None) -> None:
        if widget is self.picker.search_edit:
            self._restore_picker()
        in_submitter = widget is not None and self.submitter_form.isAncestorOf(widget)
        self.show_refusal(message_for(exc))
        (self.submitter_form if in_submitter else self.applicant_form).scan_edit.setFocus()

    def _restore_picker(self) -> None:
        """The procedure field as it was before the scan (the scanned text never stays)."""
        code = self._procedure_code
        procedure = self.ctx.store.reference.procedure(code) if code else None
        if procedure is None:
            self.picker.clear()
            return
        self._restoring = True
        try:
            self.picker.choose(procedure)
        finally:
            self._restoring = False

    # --- building the request -----------------------------------------------------------------

    def _procedure(self) -> Procedure:
        procedure = self.picker.procedure()
        if procedure is None:
            self.picker.focus()
            typed = self.picker.search_edit.text().strip()
            raise _FormRefusalError(t.PROCEDURE_NOT_MATCHED if typed else t.PROCEDURE_REQUIRED)
        return procedure

    def request(self) -> ReceptionRequest:
        """What the officer entered, as the service takes it (raises on a missing field)."""
        procedure = self._procedure()
        today = self.ctx.clock.now().date()
        applicant = self.applicant_form.applicant(today=today)
        submitter = None
        if self.submitter_check.isChecked():
            try:
                submitter = self.submitter_form.applicant(today=today)
            except DomainError as exc:
                raise _BlockError(exc, self.submitter_form) from None
        due_override, reason = self.due_panel.override()
        return ReceptionRequest(
            procedure_code=procedure.code,
            applicant=applicant,
            submitter=submitter,
            documents=self.checklist.model.items(),
            sets=self.sets_spin.value(),
            return_method=self.return_method(),
            return_address=clean_text("return_address", self.return_address_edit.text()),
            fee=clean_text("fee", self.fee_edit.text()),
            time=self.due_panel.stated_time(),
            due_override=due_override,
            due_override_reason=reason,
            cross_boundary=self.boundary_panel.scope(),
            authority=self.boundary_panel.authority(),
            fee_payment=self.fee_row.payment,
            **self._identity(),
        )

    def _identity(self) -> dict[str, Any]:
        channel, detail = self.identity_panel.channel()
        return {
            "channel": channel,
            "channel_detail": detail,
            "identity_check": self.identity_panel.identity_check(),
            "data_source": self.identity_panel.data_source(),
        }

    def _checked_request(self) -> ReceptionRequest | None:
        """The request once the form and the service's checks accept it (else None, said)."""
        try:
            request = self.request()
            intake.check_request(self.ctx, request)
        except _FormRefusalError as refusal:
            self.show_refusal(str(refusal))
        except _BlockError as error:
            self.show_message_error(error.error, error.form)
        except DomainError as exc:
            self.show_message_error(exc)
        else:
            return request
        return None

    # --- outcomes -----------------------------------------------------------------------------

    def _on_receive_button_clicked(self) -> None:
        request = self._checked_request()
        if request is None:
            return
        if request.documents is not None and not any(d.received for d in request.documents):
            self._ask(
                title=t.NO_PAPER_TITLE,
                text=t.NO_PAPER_TEXT,
                back_text=t.NO_PAPER_BACK,
                go_text=t.NO_PAPER_RECEIVE,
                on_go=lambda: self._receive(request),
                on_back=self.focus_checklist,
            )
            return
        self._receive(request)

    def focus_checklist(self) -> None:
        self._activate()
        table = self.checklist.table
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not table.currentIndex().isValid() and self.checklist.model.rowCount():
            table.setCurrentIndex(self.checklist.model.index(0, RECEIVED))

    def _receive(self, request: ReceptionRequest) -> None:
        try:
            dossier, changes = intake.receive_dossier(
                self.ctx, request, officer=self.session.username
            )
        except DomainError as exc:
            self.show_message_error(exc)
            if exc.code is ErrorCode.CODES_RECOVERY_PENDING:
                self._ask_offline_numbering(request, str(exc.params.get("reason", "")))
            return
        self.session.events.changes_applied.emit(changes)
        due = t.format_due(dossier.due_at)
        self._after_save(dossier, t.received_banner(dossier.code or "", due))

    def _ask_offline_numbering(self, request: ReceptionRequest, reason: str) -> None:
        """After a loss no code is minted until a sync; the officer may choose to work
        offline: codes then come from a recovery block (storage/recovery.py)."""

        def go() -> None:
            try:
                block, changes = numbering.confirm_offline(self.ctx, officer=self.session.username)
            except DomainError as exc:
                self.show_message_error(exc)
                return
            self.session.events.changes_applied.emit(changes)
            before = self.saved
            self._receive(request)
            if self.saved is not before:  # received: say where its code comes from
                said = self.message_label.text()
                note = tc.recovery_active(block, "offline")
                self.message_label.setText(f"{said}\n{note}" if said else note)

        self._ask(
            title=tc.CONFIRM_OFFLINE_TITLE,
            text=tc.confirm_offline_question(reason),
            back_text=tc.CONFIRM_OFFLINE_BACK,
            go_text=tc.CONFIRM_OFFLINE_GO,
            on_go=go,
            on_back=self.focus_form,
        )

    def _open_reason(
        self,
        dialog: ReasonDialog,
        request: ReceptionRequest,
        store: Callable[[ReasonDialog, ReceptionRequest], None],
    ) -> None:
        """Ask the reason of a checked request; the service's refusal keeps the dialog open."""

        def submit(filled: ReasonDialog) -> None:
            store(filled, request)

        dialog.submit = submit
        dialog.finished.connect(lambda _r: self.focus_form())
        self.reason_dialog = dialog
        dialog.open()

    def _on_guide_button_clicked(self) -> None:
        request = self._checked_request()  # check first, then ask
        if request is None:
            return
        dialog = ReasonDialog(
            title=t.GUIDE_TITLE,
            reason_label=t.GUIDE_REASON,
            confirm_text=t.BUTTON_CONFIRM_GUIDE,
            missing=self.checklist.model.missing(),
            reason=t.GUIDE_REASON_DEFAULT,
            reasons=reasons_for(self.ctx),  # of the rule set in force (Decree 309's too)
            parent=self,
        )
        self._open_reason(dialog, request, self._store_guided)

    def _store_guided(self, dialog: ReasonDialog, request: ReceptionRequest) -> None:
        dossier, changes = intake.guide_dossier(
            self.ctx,
            request,
            missing=dialog.missing(),
            reason=dialog.reason(),
            officer=self.session.username,
        )
        self.session.events.changes_applied.emit(changes)
        self._after_save(dossier, t.guided_banner(dossier.applicant.name))

    def _on_refuse_button_clicked(self) -> None:
        request = self._checked_request()  # check first, then ask
        if request is None:
            return
        dialog = ReasonDialog(
            title=t.REFUSE_TITLE,
            reason_label=t.REFUSE_REASON,
            confirm_text=t.BUTTON_CONFIRM_REFUSE,
            parent=self,
        )
        self._open_reason(dialog, request, self._store_refused)

    def _store_refused(self, dialog: ReasonDialog, request: ReceptionRequest) -> None:
        dossier, changes = intake.refuse_dossier(
            self.ctx, request, reason=dialog.reason(), officer=self.session.username
        )
        self.session.events.changes_applied.emit(changes)
        self._after_save(dossier, t.refused_banner(dossier.applicant.name))

    def _after_save(self, dossier: Dossier, title: str) -> None:
        """The dossier is stored: the bar shows it, the form is emptied for the next citizen."""
        self.saved = dossier
        self.slip_path = None
        self._next_field = None  # the saved citizen's next field is nobody's now
        self._clear_form()
        self.message_label.clear()
        self.refresh()
        self.outcome_bar.show_saved(title)
        self.dossier_saved.emit(dossier)
        self.focus_form()
        self._issue_and_send()

    # --- slips --------------------------------------------------------------------------------

    def _issue_and_send(self) -> None:
        dossier = self.saved
        if dossier is None:
            return
        form = self.desk.first_form(dossier)
        try:  # rendered again each time: "BẢN IN LẠI" only once a print really printed
            self.slip_path = self.desk.print_slip(dossier, form, parent=self)
        except DomainError as exc:
            self.outcome_bar.set_print_failed()
            show_error(self, exc)

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
        self.components_dialog.finished.connect(lambda _r: self.focus_form())
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
        self.preview_dialog.finished.connect(lambda _r: self.focus_form())
        self.preview_dialog.open()

    def _on_desk_print_succeeded(self, path: Path, copies: int) -> None:
        if path == self.slip_path:
            self.outcome_bar.set_printed(copies)

    def _on_desk_print_failed(self, path: Path, _exc: BaseException) -> None:
        if path == self.slip_path:
            self.outcome_bar.set_print_failed()

    # --- catalogue-driven fields --------------------------------------------------------------

    def _on_picker_procedure_chosen(self, procedure: Procedure) -> None:
        """A new procedure resets the procedure's fields; the same one again changes nothing."""
        if procedure.code != self._procedure_code:
            self._procedure_code = procedure.code
            self._reset_procedure_fields()
            self.checklist.model.set_items(list(procedure.documents))
            self.fee_edit.setText(counter_fee(procedure.fee_text))
            self.fee_edit.setToolTip(procedure.fee_text)
            self.due_panel.set_procedure(procedure)
            self.identity_panel.set_online_allowed(intake.online_filing_allowed(procedure.code))
            self.fee_row.refresh()
            self.message_label.clear()
        if not self._restoring:  # once the completer has closed its pop-up
            QTimer.singleShot(0, lambda code=procedure.code: self._focus_after_procedure(code))

    def _focus_after_procedure(self, code: str) -> None:
        """The next field to fill: the stated time, the card scan, or the checklist.

        Deferred: when it runs late (the officer was faster, the dossier is saved and the form
        empty again), the procedure it was meant for is gone and it does nothing."""
        if code != self._procedure_code or self.picker.procedure() is None:
            return
        if self.due_panel.needs_time():
            target: QWidget = self.due_panel.stated_amount
        elif self.applicant_form.is_empty():
            target = self.applicant_form.scan_edit
        else:
            self.focus_checklist()
            target = self.checklist.table
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        # Under X11 the window manager gives the window back its activation once the
        # completer's pop-up is gone, and Qt then puts the focus back into the procedure
        # field: that one time, the focus goes on to the next field.
        self._next_field = target
        QTimer.singleShot(FOCUS_GRACE_MS, self._forget_next_field)

    def _forget_next_field(self) -> None:
        self._next_field = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.picker.search_edit
            and event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and event.reason() is Qt.FocusReason.ActiveWindowFocusReason
            and self._next_field is not None
        ):
            target, self._next_field = self._next_field, None
            QTimer.singleShot(0, lambda: self._move_on(target))
        return super().eventFilter(watched, event)

    def _move_on(self, target: QWidget) -> None:
        if self.picker.search_edit.hasFocus():  # nobody went elsewhere meanwhile
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """The officer left the next field for another one: nothing to put right any more."""
        if old is not None and old is self._next_field and new is not self.picker.search_edit:
            self._next_field = None

    def _on_return_combo_changed(self, _index: int) -> None:
        self.refresh()


class _FormRefusalError(Exception):
    """A form-level refusal with its sentence already in Vietnamese (no service involved)."""


class _BlockError(Exception):
    """A refusal of a field of the submitter block (the focus goes to that block's field)."""

    def __init__(self, error: DomainError, form: ApplicantForm) -> None:
        super().__init__(error.code.value)
        self.error = error
        self.form = form
