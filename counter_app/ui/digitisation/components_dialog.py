"""The components panel on its own, for the reception form right after a dossier is received."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from counter_app.services.station import StationContext
from counter_app.texts import digitisation_ui as td
from counter_app.texts import window as t
from counter_app.ui.digitisation.components_panel import ComponentsPanel


class ComponentsDialog(QDialog):
    """Non-modal; the panel's ``changes_applied`` is the one to connect."""

    def __init__(
        self,
        ctx: StationContext,
        *,
        dossier_uuid: str,
        code: str,
        officer: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{td.COMPONENTS_TITLE} {code}".strip())
        self.resize(900, 460)
        self.panel = ComponentsPanel(ctx, dossier_uuid=dossier_uuid, officer=officer)
        box = QDialogButtonBox()
        box.addButton(t.BUTTON_CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(box)
        self.panel.table.setFocus()
