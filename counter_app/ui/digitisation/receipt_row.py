"""The receipt line of the components panel: "Phiếu tiếp nhận (Mẫu 01)", its signature and
"Ký phiếu tiếp nhận…".

Signing renders the receipt and signs it on a worker (the certificate and its PIN asked each
time through the same dialog as the components, never kept), then records it on the main
thread; the service refuses a signed PDF that is no longer the dossier's current receipt. The
signed copy is re-validated in the background every time the line is refreshed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from counter_app.domain.changes import Changes
from counter_app.domain.digitisation import ReceiptSignature
from counter_app.services import receipt_signing
from counter_app.services.reading import in_worker
from counter_app.services.station import StationContext
from counter_app.texts import digitisation_ui as td
from counter_app.texts.digitisation import RECEIPT_SIGN_REASON
from counter_app.texts.signing import SIGNATURE_STATUS_LABELS
from counter_app.ui.digitisation import devices
from counter_app.ui.digitisation.components_model import STATUS_COLOURS, Validity
from counter_app.ui.digitisation.preferences import WorkstationPreferences
from counter_app.ui.digitisation.sign_dialog import (
    SIGNING_LANE,
    SignDialog,
    SignRequest,
    sign_in_background,
)
from counter_app.ui.workers import run_in_background


def receipt_text(
    available: bool, signed: ReceiptSignature | None, validity: Validity | None, *, here: bool
) -> str:
    """The state shown after "Phiếu tiếp nhận (Mẫu 01): "."""
    if signed is None:
        return td.SIGNATURE_NONE if available else td.RECEIPT_NONE
    who = td.signed_by(signed.signer)
    if not here:
        status = td.RECEIPT_NOT_HERE
    elif validity is None:
        status = td.SIGNATURE_CHECKING
    else:
        status = SIGNATURE_STATUS_LABELS.get(validity.status, validity.status)
    text = td.signature_state(who, status)
    return td.receipt_outdated(text) if signed.outdated else text


class ReceiptRow(QWidget):
    """``changes_applied(Changes)`` fires after the signed receipt is stored. Shows nothing
    until the first :meth:`refresh` (the components panel calls it with its own)."""

    changes_applied = Signal(object)

    def __init__(
        self,
        ctx: StationContext,
        *,
        dossier_uuid: str,
        officer: str,
        preferences: WorkstationPreferences,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_uuid = dossier_uuid
        self.officer = officer
        self.preferences = preferences
        self.sign_dialog: SignDialog | None = None
        self.validity: Validity | None = None
        self._generation = 0
        self._state = receipt_signing.ReceiptState(available=False, signed=None)
        self.receipt_label = QLabel()
        self.receipt_label.setObjectName("receipt_label")
        self.receipt_label.setWordWrap(True)
        self.sign_button = QPushButton(td.BUTTON_SIGN_RECEIPT)
        self.sign_button.setObjectName("sign_receipt_button")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.receipt_label, 1)
        layout.addWidget(self.sign_button)
        self.sign_button.clicked.connect(self.ask_to_sign)

    # --- state --------------------------------------------------------------------------------

    def set_dossier(self, dossier_uuid: str) -> None:
        """Show another dossier from the next :meth:`refresh` (the panel calls it)."""
        self.dossier_uuid = dossier_uuid

    def refresh(self) -> None:
        """Read the receipt's state again and re-check its signature in the background."""
        self._state = receipt_signing.receipt_state(self.ctx, self.dossier_uuid)
        self.validity = None
        self._show()
        self.sign_button.setEnabled(self._state.available)
        if self._state.signed is not None and self._state.here:
            self._validate()

    def _show(self) -> None:
        state = self._state
        text = receipt_text(state.available, state.signed, self.validity, here=state.here)
        self.receipt_label.setText(td.receipt_line(text))
        colour = STATUS_COLOURS.get(self.validity.status) if self.validity else None
        self.receipt_label.setStyleSheet(f"color: {colour.name()};" if colour else "")

    def _validate(self) -> None:
        self._generation += 1
        generation, uuid = self._generation, self.dossier_uuid

        def check(worker_ctx: StationContext) -> Validity | None:
            pdf = receipt_signing.signed_receipt_pdf(worker_ctx, uuid)
            return devices.validity_of(pdf) if pdf is not None else None

        def done(validity: Validity | None) -> None:
            if generation == self._generation and validity is not None:
                self.validity = validity
                self._show()

        def failed(_exc: BaseException) -> None:
            if generation == self._generation:
                self.validity = Validity(status="invalid")
                self._show()

        run_in_background(
            in_worker(self.ctx, check), on_success=done, on_error=failed, lane=SIGNING_LANE
        )

    # --- signing ------------------------------------------------------------------------------

    def ask_to_sign(self) -> SignDialog | None:
        if not self._state.available:
            return None
        dialog = SignDialog(
            component_name=td.RECEIPT_NAME,
            libraries=devices.pkcs11_libraries(),
            preferences=self.preferences,
            intro=td.RECEIPT_SIGN_INTRO,
            parent=self,
        )
        dialog.accepted.connect(lambda: self._on_sign_dialog_accepted(dialog))
        dialog.open()
        self.sign_dialog = dialog
        return dialog

    def _on_sign_dialog_accepted(self, dialog: SignDialog) -> None:
        request = dialog.take_request()
        if request is not None:
            self.sign(request)

    def sign(self, request: SignRequest) -> None:
        """Render and sign the receipt on a worker, then store the signed copy here."""
        uuid = self.dossier_uuid
        location = self.ctx.office().place_name
        render = in_worker(self.ctx, lambda w: receipt_signing.receipt_to_sign(w, uuid))
        self.sign_button.setEnabled(False)

        def job() -> tuple[bytes, str]:
            pdf = render()
            return devices.signing_job(
                request, pdf, reason=RECEIPT_SIGN_REASON, location=location
            )()

        def record(signed: bytes, signer_name: str) -> Changes:
            _record, changes = receipt_signing.record_receipt_signature(
                self.ctx, uuid, signed, signer_name=signer_name, officer=self.officer
            )
            return changes

        def recorded(changes: Changes) -> None:
            self.refresh()
            self.changes_applied.emit(changes)

        def failed() -> None:
            self.sign_button.setEnabled(self._state.available)

        sign_in_background(job, parent=self, record=record, on_recorded=recorded, on_failed=failed)
