"""The dossier's document components: digitised or not, pages, who signed, is it still valid.

"Quét / đính kèm…" opens the scans of the selected component (a scan made at another counter
of the office is fetched from the province first, with a progress window: ``scan_fetch``,
then kept here); "Ký số…" asks for the
certificate and its PIN every time (never kept) and signs on a worker; each signed copy is
validated in the background whenever the panel is shown, so a copy altered afterwards shows
up red at once. Below the table, the receipt (Mẫu 01) line signs the dossier's receipt the
same way (``receipt_row``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import digitisation, scan_fetch
from counter_app.services.reading import in_worker
from counter_app.services.station import StationContext
from counter_app.texts import digitisation_ui as td
from counter_app.texts import scan_fetch as tf
from counter_app.ui.digitisation import devices
from counter_app.ui.digitisation.component_scans_dialog import ComponentScansDialog
from counter_app.ui.digitisation.components_model import (
    COPY,
    NAME,
    SIGNATURE,
    ComponentsModel,
    Validity,
)
from counter_app.ui.digitisation.preferences import WorkstationPreferences
from counter_app.ui.digitisation.receipt_row import ReceiptRow
from counter_app.ui.digitisation.scan_fetch import ScanFetchDialog
from counter_app.ui.digitisation.sign_dialog import (
    SIGNING_LANE,
    SignDialog,
    SignRequest,
    sign_in_background,
)
from counter_app.ui.errors import show_error
from counter_app.ui.workers import run_in_background


class ComponentsPanel(QGroupBox):
    """``changes_applied(Changes)`` fires after each stored copy or signature."""

    changes_applied = Signal(object)

    def __init__(
        self,
        ctx: StationContext,
        *,
        dossier_uuid: str,
        officer: str,
        preferences: WorkstationPreferences | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(td.COMPONENTS_TITLE, parent)
        self.ctx = ctx
        self.dossier_uuid = dossier_uuid
        self.officer = officer
        self.preferences = preferences or WorkstationPreferences.of_station(ctx)
        self.scans_dialog: ComponentScansDialog | None = None
        self.fetch_dialog: ScanFetchDialog | None = None
        self.sign_dialog: SignDialog | None = None
        self._generation = 0
        self._build_ui()
        self.refresh()

    def _build_ui(self) -> None:
        self.model = ComponentsModel(self)
        self.table = QTableView()
        self.table.setObjectName("components_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # rows, not cells: Tab goes on to the buttons
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COPY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SIGNATURE, QHeaderView.ResizeMode.Stretch)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("components_summary")
        self.summary_label.setWordWrap(True)
        self.scans_button = QPushButton(td.BUTTON_OPEN_SCANS)
        self.sign_button = QPushButton(td.BUTTON_SIGN)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary_label, 1)
        buttons.addWidget(self.scans_button)
        buttons.addWidget(self.sign_button)
        self.receipt_row = ReceiptRow(
            self.ctx,
            dossier_uuid=self.dossier_uuid,
            officer=self.officer,
            preferences=self.preferences,
        )
        self.receipt_row.changes_applied.connect(self.changes_applied)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.receipt_row)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.scans_button.clicked.connect(self.open_scans)
        self.sign_button.clicked.connect(self.ask_to_sign)

    # --- state --------------------------------------------------------------------------------

    def set_dossier(self, dossier_uuid: str) -> None:
        self.dossier_uuid = dossier_uuid
        self.receipt_row.set_dossier(dossier_uuid)
        self.refresh()

    def refresh(self) -> None:
        """Read the components again and re-check every signature in the background."""
        row = max(self.table.currentIndex().row(), 0)
        records = digitisation.components_of(self.ctx, self.dossier_uuid)
        self.model.set_rows(records)
        self.table.resizeRowsToContents()
        if records:
            self.table.selectRow(min(row, len(records) - 1))
        digitised = sum(1 for r in records if r.digitised)
        signed = sum(1 for r in records if r.digitised and r.signed)
        self.summary_label.setText(
            td.components_summary(digitised, signed, len(records)) if records else td.NO_COMPONENTS
        )
        self._update_buttons()
        self._validate([r for r in records if r.digitised and r.signed])
        self.receipt_row.refresh()

    def current_record(self) -> Any | None:
        return self.model.record(self.table.currentIndex().row())

    def select_component(self, component: int) -> None:
        for row, record in enumerate(self.model.rows()):
            if record.index == component:
                self.table.selectRow(row)

    def _update_buttons(self, *_args: object) -> None:
        record = self.current_record()
        self.scans_button.setEnabled(record is not None)
        self.sign_button.setEnabled(record is not None and bool(record.digitised))

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.open_scans()

    # --- validity -----------------------------------------------------------------------------

    def _validate(self, records: list[Any]) -> None:
        self._generation += 1
        generation, uuid = self._generation, self.dossier_uuid
        components = [r.index for r in records]
        if not components:
            return

        def check(worker_ctx: StationContext) -> dict[int, Validity]:
            found = {}
            for component in components:
                pdf = digitisation.component_pdf(worker_ctx, uuid, component)
                if pdf is not None:  # not downloaded from another station yet: unknown
                    found[component] = devices.validity_of(pdf)
            return found

        def done(found: dict[int, Validity]) -> None:
            if generation == self._generation:
                for component, validity in found.items():
                    self.model.set_validity(component, validity)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                for component in components:
                    self.model.set_validity(component, Validity(status="invalid"))

        run_in_background(
            in_worker(self.ctx, check), on_success=done, on_error=failed, lane=SIGNING_LANE
        )

    # --- scans --------------------------------------------------------------------------------

    def fetch_first(self, record: Any, then: Callable[[], object]) -> bool:
        """When the component's PDFs were made at another counter and are not here yet, fetch
        them (progress window, can be stopped) and call ``then`` once they are stored; True
        when a fetch was started (or runs already), False when everything is here."""
        if self.fetch_dialog is not None:
            self.fetch_dialog.raise_()
            return True
        try:
            missing = scan_fetch.missing_parts(self.ctx, self.dossier_uuid, record.index)
        except DomainError as exc:
            show_error(self, exc)
            return True
        if not missing:
            return False
        dialog = ScanFetchDialog(
            self.ctx,
            dossier_uuid=self.dossier_uuid,
            component=record.index,
            name=record.name,
            parent=self,
        )

        def over() -> None:
            self.fetch_dialog = None
            self.window().activateWindow()  # back from the progress window, on the button
            self.scans_button.setFocus()

        def fetched(_count: int) -> None:
            over()
            self.refresh()
            self.select_component(record.index)
            then()

        def failed(exc: BaseException) -> None:
            over()
            show_error(self, exc)

        def stopped() -> None:
            over()
            self.summary_label.setText(tf.FETCH_CANCELLED_NOTE)

        dialog.fetched.connect(fetched)
        dialog.failed.connect(failed)
        dialog.stopped.connect(stopped)
        self.fetch_dialog = dialog
        dialog.start()
        return True

    def open_scans(self) -> ComponentScansDialog | None:
        """The scans of the selected component; None while they are fetched first."""
        record = self.current_record()
        if record is None:
            return None
        if record.digitised and self.fetch_first(record, self.open_scans):
            return None
        shown = self.scans_dialog
        if shown is not None and shown.isVisible() and shown.component == record.index:
            shown.raise_()
            shown.activateWindow()
            return shown
        dialog = ComponentScansDialog(
            self.ctx,
            dossier_uuid=self.dossier_uuid,
            component=record.index,
            name=record.name,
            officer=self.officer,
            preferences=self.preferences,
            parent=self,
        )
        dialog.saved.connect(self._on_scans_dialog_saved)
        dialog.show()
        self.scans_dialog = dialog
        return dialog

    def _on_scans_dialog_saved(self, changes: object) -> None:
        self.refresh()
        self.changes_applied.emit(changes)

    # --- signing ------------------------------------------------------------------------------

    def ask_to_sign(self) -> SignDialog | None:
        record = self.current_record()
        if record is None or not record.digitised:
            return None
        if self.fetch_first(record, self.ask_to_sign):  # sign what was made elsewhere
            return None
        dialog = SignDialog(
            component_name=record.name,
            libraries=devices.pkcs11_libraries(),
            preferences=self.preferences,
            parent=self,
        )
        component = record.index
        dialog.accepted.connect(lambda: self._on_sign_dialog_accepted(dialog, component))
        dialog.open()
        self.sign_dialog = dialog
        return dialog

    def _on_sign_dialog_accepted(self, dialog: SignDialog, component: int) -> None:
        request = dialog.take_request()
        if request is None:
            return
        try:
            pdf = digitisation.pdf_to_sign(self.ctx, self.dossier_uuid, component)
            if pdf is None:
                raise DomainError(ErrorCode.COMPONENT_NOT_DIGITISED, component=component + 1)
        except DomainError as exc:
            show_error(self, exc)
            return
        self.sign(component, request, pdf)

    def sign(self, component: int, request: SignRequest, pdf: bytes) -> None:
        """Sign ``pdf`` on a worker (a token can take seconds), then store the signed copy."""
        location = self.ctx.office().place_name
        uuid = self.dossier_uuid
        self.sign_button.setEnabled(False)

        def record(signed: bytes, signer_name: str) -> Changes:
            _record, changes = digitisation.record_signature(
                self.ctx, uuid, component, signed, signer_name=signer_name, officer=self.officer
            )
            return changes

        def recorded(changes: Changes) -> None:
            self.refresh()
            self.select_component(component)
            self.changes_applied.emit(changes)

        sign_in_background(
            devices.signing_job(request, pdf, reason=td.SIGN_REASON, location=location),
            parent=self,
            record=record,
            on_recorded=recorded,
            on_failed=self._update_buttons,
        )
