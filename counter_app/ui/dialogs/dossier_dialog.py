"""One dossier: its details, its history, its printed slips; reprint and preview."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.dossier import Dossier, EventKind
from counter_app.domain.errors import DomainError
from counter_app.services.station import StationContext
from counter_app.texts import digitisation_ui as td
from counter_app.texts import fees as fee_texts
from counter_app.texts import identity as ti
from counter_app.texts import rules as tr
from counter_app.texts import window as t
from counter_app.texts.followup import event_detail, with_detail
from counter_app.ui.dialogs.preview_dialog import PreviewDialog
from counter_app.ui.digitisation.components_panel import ComponentsPanel
from counter_app.ui.errors import show_error
from counter_app.ui.slip_desk import SlipDesk
from counter_app.ui.widgets.action_panel import ActionPanel


def _event_label(kind: str) -> str:
    try:
        return texts.EVENT_LABELS[EventKind(kind)]
    except ValueError:
        return kind


def _due_text(d: Dossier) -> str:
    """The due date; for a cross-boundary dossier, marked as expected until the authority's
    receipt, then that receipt (issue 13 item 2)."""
    due = t.format_due(d.due_at)
    if d.due_at is not None and d.due_expected:
        due = f"{due} ({tr.EXPECTED})"
    if d.cross_boundary:
        when = t.short_datetime(d.authority_received_at) or tr.AUTHORITY_NOT_YET
        due = f"{due}\n{tr.LABEL_AUTHORITY_RECEIVED} {when}"
    return due


class DossierDialog(QDialog):
    """Non-modal details of a dossier. "In lại phiếu" issues a new print (marked as a reprint
    by the slip service when the form was printed before) and sends it to the printer."""

    def __init__(
        self, ctx: StationContext, desk: SlipDesk, dossier: Dossier, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.desk = desk
        self.dossier = dossier
        self.preview_dialog: PreviewDialog | None = None
        self.setWindowTitle(f"{t.DOSSIER_TITLE} {dossier.code or ''}".strip())
        self.resize(860, 660)
        self._build_ui()
        self.refresh()

    def _build_ui(self) -> None:
        self.fields = QFormLayout()
        captions = (*t.DOSSIER_FIELDS, *ti.DOSSIER_FIELDS, fee_texts.DOSSIER_FEE)
        self.value_labels = [QLabel() for _ in captions]
        for caption, label in zip(captions, self.value_labels, strict=True):
            label.setWordWrap(True)
            self.fields.addRow(caption, label)
        self.history_list = QListWidget()
        self.prints_list = QListWidget()
        tabs = QTabWidget()
        tabs.addTab(self.history_list, t.DOSSIER_HISTORY)
        tabs.addTab(self.prints_list, t.DOSSIER_PRINTS)
        self.components_panel = ComponentsPanel(
            self.ctx, dossier_uuid=self.dossier.uuid, officer=self.desk.session.username
        )
        self.components_panel.setTitle("")
        self.components_panel.changes_applied.connect(self.desk.session.events.changes_applied)
        self.components_panel.changes_applied.connect(lambda _c: self.refresh())
        tabs.addTab(self.components_panel, td.COMPONENTS_TITLE)
        self.reprint_button = QPushButton(t.DOSSIER_REPRINT)
        self.preview_button = QPushButton(t.DOSSIER_PREVIEW)
        box = QDialogButtonBox()
        box.addButton(t.BUTTON_CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        box.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.reprint_button)
        actions.addWidget(self.preview_button)
        actions.addStretch(1)
        actions.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addLayout(self.fields)
        layout.addWidget(tabs, 1)
        self.action_panel = ActionPanel(self.desk, self.dossier, self)
        self.action_panel.dossier_changed.connect(lambda _d: self.refresh())
        layout.addWidget(self.action_panel)
        layout.addLayout(actions)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.desk.print_succeeded.connect(self._on_desk_print_succeeded)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)

    def refresh(self) -> None:
        found = self.ctx.store.dossiers.by_uuid(self.dossier.uuid)
        d = self.dossier = found or self.dossier
        values = (
            d.code or t.NO_CODE,
            texts.STATUS_LABELS[d.status],
            t.procedure_choice(d.procedure_code, d.procedure_name),
            d.applicant.name,
            d.applicant.id_number,
            t.short_datetime(d.received_at),
            _due_text(d) if d.code else "",
            "\n".join((d.reason, *d.missing)).strip(),
            *ti.dossier_values(d),
            fee_texts.dossier_fee(d) if d.code else "",  # issue 13 item 7
        )
        for label, value in zip(self.value_labels, values, strict=True):
            label.setText(value)
        self.history_list.clear()
        names = {o.username: o.full_name for o in self.ctx.store.officers.all()}
        for event in self.ctx.store.dossiers.events_of(d.uuid):
            officer = names.get(event.officer, event.officer)  # full name, not the login
            line = t.history_line(event.at, _event_label(event.kind), officer)
            detail = event_detail(event.kind, event.payload)
            self.history_list.addItem(with_detail(line, detail))
        if hasattr(self, "action_panel"):
            self.action_panel.set_dossier(d)
        self.prints_list.clear()
        for record in self.ctx.store.prints.of_dossier(d.uuid):
            self.prints_list.addItem(
                t.print_line(record.printed_at, record.form, record.size, record.reprint)
            )

    def _on_reprint_button_clicked(self) -> None:
        try:
            form = self.desk.first_form(self.dossier)
            self.desk.print_slip(self.dossier, form, parent=self)
        except DomainError as exc:
            show_error(self, exc)

    def _on_desk_print_succeeded(self, _path: object, _pages: int) -> None:
        self.refresh()  # a print is listed once the printer confirmed it

    def _on_preview_button_clicked(self) -> None:
        try:
            pdf = self.desk.render(self.dossier, self.desk.first_form(self.dossier))
        except DomainError as exc:
            show_error(self, exc)
            return
        self.desk.preview(pdf, parent=self, on_ready=self._show_preview)

    def _show_preview(self, images: list[QImage]) -> None:
        self.preview_dialog = PreviewDialog(images, self)
        self.preview_dialog.print_requested.connect(self._on_reprint_button_clicked)
        self.preview_dialog.open()
