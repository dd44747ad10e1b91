"""The wizard's identity pages: how to start, enrolment, offline office, first administrator.

Each page checks its answers in ``validatePage`` through ``services.setup`` (nothing is written
there) and shows a refusal in its red ``error_label``; only the enrolment writes, because the
province server spends the one-time code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Office
from counter_app.services.setup import (
    AdminAnswers,
    OfficeAnswers,
    SetupMode,
    check_admin,
    check_office,
    check_real_setup_allowed,
    lookup_url_warning,
)
from counter_app.sync.client import HttpSyncClient, make_http, normalise_url
from counter_app.sync.engine import enrol
from counter_app.sync.transport import SyncTransport
from counter_app.texts import window as w
from counter_app.texts import wizard as t
from counter_app.texts.lookup import enrolled_lookup
from counter_app.ui.dialogs.login_dialog import error_label
from counter_app.ui.errors import message_for
from counter_app.ui.workers import SYNC_LANE, run_in_background
from sync_protocol import EnrolResponse

if TYPE_CHECKING:
    from counter_app.ui.wizard.setup_wizard import SetupWizard

CHOICE_PAGE, ENROL_PAGE, OFFICE_PAGE, ADMIN_PAGE, PRINTER_PAGE, TEST_PAGE = range(6)


def show_refusal(label: QLabel, exc: BaseException) -> None:
    """The refusal's sentence (a settings field is named, as in the settings dialog)."""
    text = message_for(exc)
    if isinstance(exc, DomainError) and exc.code is ErrorCode.SETTING_INVALID:
        text = w.settings_error(exc, text)
    label.setText(text)


def edit_form(labels: Mapping[str, str]) -> tuple[QFormLayout, dict[str, QLineEdit]]:
    """A form with one line edit per ``key: label`` (named ``<key>_edit``), in order."""
    form = QFormLayout()
    edits: dict[str, QLineEdit] = {}
    for key, label in labels.items():
        edits[key] = QLineEdit()
        edits[key].setObjectName(f"{key}_edit")
        form.addRow(label, edits[key])
    return form, edits


class WizardPage(QWizardPage):
    """A page that knows its wizard (for the station context and the collected answers)."""

    def __init__(self, wizard: SetupWizard, *, title: str, subtitle: str) -> None:
        super().__init__()
        self.setup_wizard = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.error_label = error_label()

    def passes(self, check: Callable[[], object]) -> bool:
        """Clear the error, run ``check``; False with its refusal shown if it raises one."""
        self.error_label.clear()
        try:
            check()
        except DomainError as exc:
            show_refusal(self.error_label, exc)
            return False
        return True


class ChoicePage(WizardPage):
    """Enrol with the province, set up offline, or train on the demo office."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, title=t.CHOICE_TITLE, subtitle=t.CHOICE_SUBTITLE)
        self.buttons: dict[SetupMode, QRadioButton] = {}
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for mode, text in (
            (SetupMode.ENROLLED, t.CHOICE_ENROL),
            (SetupMode.OFFLINE, t.CHOICE_OFFLINE),
            (SetupMode.DEMO, t.CHOICE_DEMO),
        ):
            button = QRadioButton(text)
            button.setObjectName(f"{mode.value}_radio")
            self.group.addButton(button)
            self.buttons[mode] = button
            layout.addWidget(button)
        self.buttons[SetupMode.ENROLLED].setChecked(True)
        layout.addStretch(1)
        layout.addWidget(self.error_label)

    def mode(self) -> SetupMode:
        return next(m for m, b in self.buttons.items() if b.isChecked())

    def validatePage(self) -> bool:
        def check() -> None:
            if self.mode() is not SetupMode.DEMO:
                check_real_setup_allowed(self.setup_wizard.ctx)

        return self.passes(check)

    def nextId(self) -> int:
        return {
            SetupMode.ENROLLED: ENROL_PAGE,
            SetupMode.OFFLINE: OFFICE_PAGE,
            SetupMode.DEMO: PRINTER_PAGE,
        }[self.mode()]


class _Answered:
    """A transport that returns the server's answer fetched off the GUI thread, so the
    engine can check it and store the enrolment on the GUI thread's connection."""

    def __init__(self, answer: EnrolResponse) -> None:
        self.answer = answer

    def enrol(self, code: str, **_former: tuple[str, ...]) -> EnrolResponse:
        return self.answer


class EnrolPage(WizardPage):
    """Server URL + one-time code; the request runs on the sync worker lane."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, title=t.ENROL_TITLE, subtitle=t.ENROL_SUBTITLE)
        self.enrolled_office: Office | None = None
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("url_edit")
        self.url_edit.setPlaceholderText("https://")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("code_edit")
        self.enrol_button = QPushButton(t.ENROL_BUTTON)
        self.enrol_button.setObjectName("enrol_button")
        self.enrol_button.clicked.connect(self._on_enrol_button_clicked)
        self.url_edit.returnPressed.connect(self.code_edit.setFocus)
        self.code_edit.returnPressed.connect(self._on_code_edit_return_pressed)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(t.ENROL_URL, self.url_edit)
        form.addRow(t.ENROL_CODE, self.code_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.enrol_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        self.setCommitPage(True)  # the code is spent: no way back to another choice

    def isComplete(self) -> bool:
        return self.enrolled_office is not None

    def validatePage(self) -> bool:
        if self.enrolled_office is None:
            self.error_label.setText(t.ENROL_NEEDED)
            return False
        return True

    def nextId(self) -> int:
        return ADMIN_PAGE

    def _on_code_edit_return_pressed(self) -> None:
        """Enter after the code enrols (once: afterwards Enter goes on to the next page)."""
        if self.enrolled_office is None and self.enrol_button.isEnabled():
            self._on_enrol_button_clicked()

    def _on_enrol_button_clicked(self) -> None:
        self.error_label.clear()
        code = self.code_edit.text().strip()
        try:
            url = normalise_url(self.url_edit.text())
        except DomainError as error:
            insecure = error.code is ErrorCode.SYNC_INSECURE_URL  # says https is needed
            show_refusal(
                self.error_label,
                error
                if insecure
                else DomainError(ErrorCode.SETUP_SERVER_URL_INVALID, value=self.url_edit.text()),
            )
            return
        if not code:
            show_refusal(self.error_label, DomainError(ErrorCode.SETUP_ENROL_CODE_EMPTY))
            return
        try:
            check_real_setup_allowed(self.setup_wizard.ctx)
        except DomainError as exc:
            show_refusal(self.error_label, exc)
            return

        def fetch() -> EnrolResponse:
            with make_http() as http:
                return HttpSyncClient(url, None, http).enrol(code)

        self._set_busy(True)
        run_in_background(
            fetch,
            on_success=lambda answer: self._on_answer(answer, url=url, code=code),
            on_error=self._on_failed,
            parent=self,
            progress_label=t.ENROL_PROGRESS,
            lane=SYNC_LANE,
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.enrol_button, self.url_edit, self.code_edit):
            widget.setEnabled(not busy)
        if busy:
            self.status_label.setText(t.ENROL_PROGRESS)
            self.setCursor(Qt.CursorShape.WaitCursor)
        else:
            self.unsetCursor()

    def _on_answer(self, answer: EnrolResponse, *, url: str, code: str) -> None:
        try:
            # the engine only calls enrol() here
            transport = cast(SyncTransport, _Answered(answer))
            office = enrol(self.setup_wizard.ctx, transport, url=url, code=code)
        except DomainError as exc:
            self._on_failed(exc)
            return
        self.unsetCursor()
        self.enrolled_office = office
        lookup = lookup_url_warning(self.setup_wizard.ctx) or enrolled_lookup(office.lookup_url)
        self.status_label.setText(
            t.enrolled(office.unit_name, office.agency_id, office.station_prefix) + "\n" + lookup
        )
        self.completeChanged.emit()
        self.setup_wizard.button(QWizard.WizardButton.CommitButton).setFocus()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.status_label.clear()
        show_refusal(self.error_label, exc)


OFFICE_FIELDS = ("agency_id", "station_prefix", "parent_body", "unit_name", "place_name")


class OfficePage(WizardPage):
    """The office identity of an offline set-up (checked like the settings dialog checks it)."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, title=t.OFFICE_TITLE, subtitle=t.OFFICE_SUBTITLE)
        self.office: Office | None = None
        keys = (*OFFICE_FIELDS, "lookup_url")
        form, self.edits = edit_form({key: t.OFFICE_LABELS[key] for key in keys})
        for key, edit in self.edits.items():
            edit.setPlaceholderText(t.OFFICE_PLACEHOLDERS[key])
        self.edits["station_prefix"].setMaxLength(5)  # 07, or the whole prefix 00007
        self.edits["lookup_url"].setText(wizard.ctx.office().lookup_url)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error_label)

    def answers(self) -> OfficeAnswers:
        return OfficeAnswers(**{key: edit.text() for key, edit in self.edits.items()})

    def validatePage(self) -> bool:
        self.error_label.clear()
        try:
            self.office = check_office(self.setup_wizard.ctx, self.answers())
        except DomainError as exc:
            show_refusal(self.error_label, exc)
            field = exc.params.get("field")
            if isinstance(field, str) and field in self.edits:  # the refused field gets focus
                self.edits[field].setFocus()
                self.edits[field].selectAll()
            return False
        return True

    def nextId(self) -> int:
        return ADMIN_PAGE


class AdminPage(WizardPage):
    """The first administrator: user name, full name, password twice."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, title=t.ADMIN_TITLE, subtitle=t.ADMIN_SUBTITLE)
        self.note_label = QLabel(t.ADMIN_ENROLLED_NOTE)
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(False)
        form, self.edits = edit_form(t.ADMIN_LABELS)
        for key, edit in self.edits.items():
            if key.startswith("password"):
                edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note_label)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error_label)

    def answers(self) -> AdminAnswers:
        return AdminAnswers(**{key: edit.text() for key, edit in self.edits.items()})

    def validatePage(self) -> bool:
        return self.passes(lambda: check_admin(self.setup_wizard.ctx, self.answers()))

    def nextId(self) -> int:
        return PRINTER_PAGE


__all__ = [
    "ADMIN_PAGE",
    "CHOICE_PAGE",
    "ENROL_PAGE",
    "OFFICE_PAGE",
    "PRINTER_PAGE",
    "TEST_PAGE",
    "AdminPage",
    "ChoicePage",
    "EnrolPage",
    "OfficePage",
]
