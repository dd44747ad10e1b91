"""The reception's channel, identity check and data source (issue 13 item 6).

Three choices on one row: the channel (direct, postal, online, the kiosk and VNeID where the
catalogue lists online filing), how the identity was checked (a scanned card sets "QR read"),
where the data came from (the national databases, or papers because they could not be
reached). They stay out of the Tab chain of the form (the morning's keys do not change):
Alt+K, Alt+X and Alt+U reach them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from counter_app.domain.models import Channel, IdentityCheck
from counter_app.texts import identity as ti
from counter_app.ui.widgets.combos import fit_popup, narrow


class IdentityPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identity_panel")
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channel_combo")
        self.identity_combo = QComboBox()
        self.identity_combo.setObjectName("identity_combo")
        self.identity_combo.addItem(ti.NOT_RECORDED, "")
        for value, label in ti.IDENTITY_LABELS.items():
            self.identity_combo.addItem(label, value)
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("source_combo")
        self.source_combo.addItem(ti.NOT_RECORDED, "")
        for value, label in ti.DATA_SOURCE_LABELS.items():
            self.source_combo.addItem(label, value)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        captions = (ti.CHANNEL_LABEL, ti.IDENTITY_LABEL, ti.DATA_SOURCE_LABEL)
        combos = (self.channel_combo, self.identity_combo, self.source_combo)
        for caption, combo in zip(captions, combos, strict=True):
            combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            narrow(combo)
            caption_label = QLabel(caption)
            caption_label.setBuddy(combo)
            row.addWidget(caption_label)
            row.addWidget(combo, 1)
        self.set_online_allowed(None)

    def set_online_allowed(self, allowed: bool | None) -> None:
        """The channels the procedure's catalogue entry allows (None: not known, all)."""
        current = self.channel_combo.currentIndex()
        self.channel_combo.blockSignals(True)
        self.channel_combo.clear()
        for channel, detail, label in ti.CHANNEL_CHOICES:
            if allowed is False and channel is Channel.ONLINE:
                continue
            self.channel_combo.addItem(label, (int(channel), detail))
        self.channel_combo.setCurrentIndex(
            current if 0 <= current < self.channel_combo.count() else 0
        )
        self.channel_combo.blockSignals(False)
        fit_popup(self.channel_combo)

    def channel(self) -> tuple[Channel, str]:
        data = self.channel_combo.currentData()
        if not data:
            return Channel.DIRECT, ""
        code, detail = data
        return Channel(code), str(detail)

    def identity_check(self) -> str:
        return str(self.identity_combo.currentData() or "")

    def data_source(self) -> str:
        return str(self.source_combo.currentData() or "")

    def card_read(self) -> None:
        """The applicant's card was scanned: its QR was read (unless a chip or VNeID check
        was chosen, which says more)."""
        if self.identity_check() in ("", IdentityCheck.CARD_SEEN.value):
            self.identity_combo.setCurrentIndex(
                self.identity_combo.findData(IdentityCheck.QR_READ.value)
            )

    def clear(self) -> None:
        for combo in (self.channel_combo, self.identity_combo, self.source_combo):
            combo.setCurrentIndex(0)

    def has_input(self) -> bool:
        combos = (self.channel_combo, self.identity_combo, self.source_combo)
        return any(combo.currentIndex() > 0 for combo in combos)
