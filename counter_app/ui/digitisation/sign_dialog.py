"""Ask where the officer's certificate is (USB token or .p12 file) and its PIN, for one signing.

The PIN lives only in the masked field until :meth:`SignDialog.take_request` hands it over; that
call, closing or cancelling the dialog all clear the field. It is never written to preferences,
logs or the database. The certificate source (library or file path) is remembered, the PIN not.
:func:`sign_in_background` runs the signing itself the same way for components and receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError
from counter_app.texts import digitisation_ui as td
from counter_app.ui.buttons import dialog_buttons
from counter_app.ui.digitisation.preferences import (
    KIND_PKCS11,
    KIND_PKCS12,
    WorkstationPreferences,
)
from counter_app.ui.errors import show_error
from counter_app.ui.workers import run_in_background

ERROR_STYLE = "color: #b00020;"
SIGNING_LANE = "signing"  # signing and signature checks, one at a time


def sign_in_background(
    job: Callable[[], tuple[bytes, str]],
    *,
    parent: QWidget,
    record: Callable[[bytes, str], Changes],
    on_recorded: Callable[[Changes], None],
    on_failed: Callable[[], None],
) -> None:
    """Run the signing ``job`` (``devices.signing_job``) on the signing lane with a delayed
    progress dialog, then ``record(signed, signer_name)`` on the GUI thread.

    ``on_recorded(changes)`` follows a stored copy. A failed job or a refused copy
    (DomainError from ``record``) calls ``on_failed()`` and shows the error.
    """

    def done(result: tuple[bytes, str]) -> None:
        signed, signer_name = result
        try:
            changes = record(signed, signer_name)
        except DomainError as exc:
            failed(exc)
            return
        on_recorded(changes)

    def failed(exc: BaseException) -> None:
        on_failed()
        show_error(parent, exc)

    run_in_background(
        job,
        on_success=done,
        on_error=failed,
        parent=parent,
        progress_label=td.SIGNING,
        lane=SIGNING_LANE,
    )


@dataclass(frozen=True)
class SignRequest:
    """One signing: ``kind`` is ``pkcs11`` or ``pkcs12``, ``path`` the library or the file."""

    kind: str
    path: str
    pin: str

    def __repr__(self) -> str:  # the PIN must never reach a log line
        return f"SignRequest(kind={self.kind!r}, path={self.path!r}, pin=<hidden>)"


class SignDialog(QDialog):
    """Non-blocking (``open()``); on ``accepted`` call :meth:`take_request` once."""

    def __init__(
        self,
        *,
        component_name: str,
        libraries: list[str],
        preferences: WorkstationPreferences,
        intro: str = td.SIGN_INTRO,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.preferences = preferences
        self._pending: SignRequest | None = None
        self.setWindowTitle(td.SIGN_TITLE)
        self.setMinimumWidth(560)
        self._build_ui(component_name, libraries, intro)
        self._load_preferences()
        self.pin_edit.setFocus()

    def _build_ui(self, component_name: str, libraries: list[str], intro_text: str) -> None:
        intro = QLabel(intro_text)
        intro.setWordWrap(True)
        heading = QLabel(td.sign_component(component_name))
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold;")
        self.token_radio = QRadioButton(td.SOURCE_TOKEN)
        self.file_radio = QRadioButton(td.SOURCE_FILE)
        self.source_group = QButtonGroup(self)
        self.source_group.addButton(self.token_radio)
        self.source_group.addButton(self.file_radio)
        self.library_combo = QComboBox()
        self.library_combo.setObjectName("library_combo")
        self.library_combo.setEditable(True)
        self.library_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for path in libraries:
            self.library_combo.addItem(path)
        library_edit = self.library_combo.lineEdit()
        if library_edit is not None:
            library_edit.setPlaceholderText(td.TOKEN_LIBRARY_NONE)
        self.library_button = QPushButton(td.BUTTON_BROWSE)
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("p12_edit")
        self.file_button = QPushButton(td.BUTTON_BROWSE)
        self.pin_label = QLabel(td.PIN_LABEL)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pin_edit")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setPlaceholderText(td.PIN_PLACEHOLDER)
        self.pin_edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        library_row = QHBoxLayout()
        library_row.addWidget(self.library_combo, 1)
        library_row.addWidget(self.library_button)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.file_button)
        form = QFormLayout()
        form.addRow(self.token_radio)
        form.addRow(td.TOKEN_LIBRARY_LABEL, library_row)
        form.addRow(self.file_radio)
        form.addRow(td.FILE_LABEL, file_row)
        form.addRow(self.pin_label, self.pin_edit)
        box, self.sign_button, _ = dialog_buttons(self, accept_text=td.BUTTON_SIGN_NOW)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        self.token_radio.toggled.connect(self._on_source_toggled)
        self.library_button.clicked.connect(self._on_library_button_clicked)
        self.file_button.clicked.connect(self._on_file_button_clicked)

    def _load_preferences(self) -> None:
        prefs = self.preferences
        if prefs.pkcs11_library:
            self.library_combo.setCurrentText(prefs.pkcs11_library)
        self.file_edit.setText(prefs.pkcs12_file)
        use_file = prefs.cert_kind == KIND_PKCS12 or (
            not prefs.pkcs11_library and not self.library_combo.count() and prefs.pkcs12_file
        )
        (self.file_radio if use_file else self.token_radio).setChecked(True)
        self._on_source_toggled()

    # --- state --------------------------------------------------------------------------------

    def kind(self) -> str:
        return KIND_PKCS12 if self.file_radio.isChecked() else KIND_PKCS11

    def source_path(self) -> str:
        if self.kind() == KIND_PKCS12:
            return self.file_edit.text().strip()
        return self.library_combo.currentText().strip()

    def choose_file(self, path: str) -> None:
        """Use the certificate file ``path`` (what "Chọn…" does after the file dialog)."""
        self.file_edit.setText(path)
        self.file_radio.setChecked(True)

    def choose_library(self, path: str) -> None:
        self.library_combo.setCurrentText(path)
        self.token_radio.setChecked(True)

    def _on_source_toggled(self, _checked: bool = False) -> None:
        token = self.kind() == KIND_PKCS11
        self.library_combo.setEnabled(token)
        self.library_button.setEnabled(token)
        self.file_edit.setEnabled(not token)
        self.file_button.setEnabled(not token)
        self.pin_label.setText(td.PIN_LABEL if token else td.PASSPHRASE_LABEL)
        self.pin_edit.setPlaceholderText(td.PIN_PLACEHOLDER if token else td.PASSPHRASE_PLACEHOLDER)

    def _on_library_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, td.LIBRARY_DIALOG_TITLE, "", td.LIBRARY_FILTER)
        if path:
            self.choose_library(path)

    def _on_file_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, td.P12_DIALOG_TITLE, "", td.P12_FILTER)
        if path:
            self.choose_file(path)

    # --- outcome ------------------------------------------------------------------------------

    def accept(self) -> None:
        """Stay open until a source and a PIN are given; remember the source (never the PIN)."""
        if not self.source_path():
            self.error_label.setText(td.SOURCE_REQUIRED)
            return
        if not self.pin_edit.text():
            self.error_label.setText(td.PIN_REQUIRED)
            self.pin_edit.setFocus()
            return
        self.preferences.cert_kind = self.kind()
        if self.kind() == KIND_PKCS11:
            self.preferences.pkcs11_library = self.source_path()
        else:
            self.preferences.pkcs12_file = self.source_path()
        self._pending = SignRequest(self.kind(), self.source_path(), self.pin_edit.text())
        self.pin_edit.clear()
        super().accept()

    def take_request(self) -> SignRequest | None:
        """The request once accepted (then forgotten here: a second call returns None)."""
        request, self._pending = self._pending, None
        return request

    def done(self, result: int) -> None:
        self.pin_edit.clear()
        if result != QDialog.DialogCode.Accepted:
            self._pending = None
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.pin_edit.clear()
        self._pending = None
        super().closeEvent(event)
