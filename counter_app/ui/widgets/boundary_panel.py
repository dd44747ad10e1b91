"""Cross-boundary reception (issue 13 item 2): whether the deciding authority is outside the
receiving office (another body of the province, or another province for the procedures on
the nationwide list), and its name.

One row under the identity choices, out of the Tab chain like them (the morning's keys do
not change): Alt+G reaches the choice. Under the Decree 309/2026 rule set the due panel then
shows the date expected from the transfer (the 15:00 rule), which the authority's receipt
fixes later (domain.cross_boundary).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from counter_app.domain.fields import clean_text
from counter_app.texts import rules as tr
from counter_app.ui.widgets.combos import narrow


class BoundaryPanel(QWidget):
    changed = Signal(str)  # the scope chosen ("" when not cross-boundary)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boundary_panel")
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("boundary_combo")
        self.scope_combo.addItem(tr.SCOPE_NONE, "")
        for value, label in tr.SCOPES.items():
            self.scope_combo.addItem(label, value)
        self.scope_combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        narrow(self.scope_combo)
        self.authority_edit = QLineEdit()
        self.authority_edit.setObjectName("authority_edit")
        self.authority_edit.setPlaceholderText(tr.AUTHORITY_PLACEHOLDER)
        self.authority_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        caption = QLabel(tr.LABEL_SCOPE)
        caption.setBuddy(self.scope_combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(caption)
        row.addWidget(self.scope_combo, 1)
        row.addWidget(QLabel(tr.LABEL_AUTHORITY))
        row.addWidget(self.authority_edit, 1)
        self.scope_combo.currentIndexChanged.connect(self._on_scope_combo_changed)
        self._on_scope_combo_changed(0)

    def scope(self) -> str:
        return str(self.scope_combo.currentData() or "")

    def authority(self) -> str:
        if not self.scope():
            return ""
        return clean_text("authority", self.authority_edit.text(), limit=300)

    def clear(self) -> None:
        self.scope_combo.setCurrentIndex(0)
        self.authority_edit.clear()

    def _on_scope_combo_changed(self, _index: int) -> None:
        self.authority_edit.setEnabled(bool(self.scope()))
        self.changed.emit(self.scope())
