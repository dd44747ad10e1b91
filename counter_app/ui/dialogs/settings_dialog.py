"""Office settings (administrators only), over services.settings."""

from __future__ import annotations

from PySide6.QtCore import QTime, Signal
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError
from counter_app.services.settings import (
    PAPER_SIZES,
    OfficeSettings,
    read_settings,
    require_admin,
    update_settings,
)
from counter_app.services.setup import lookup_url_warning
from counter_app.services.station import StationContext
from counter_app.texts import forms as ft
from counter_app.texts import identity as ti
from counter_app.texts import support as ts
from counter_app.texts import window as t
from counter_app.ui.buttons import dialog_buttons

TIME_FORMAT = "HH:mm"


def _time_edit(value: str) -> QTimeEdit:
    edit = QTimeEdit(QTime.fromString(value, TIME_FORMAT))
    edit.setDisplayFormat(TIME_FORMAT)
    return edit


class SettingsDialog(QDialog):
    """Refuses to open for a non-administrator (``require_admin`` raises before building)."""

    settings_saved = Signal(object)  # Changes

    def __init__(self, ctx: StationContext, *, officer: str, parent: QWidget | None) -> None:
        require_admin(ctx, officer)
        super().__init__(parent)
        self.ctx = ctx
        self.officer = officer
        self.setWindowTitle(t.SETTINGS_TITLE)
        self.setMinimumWidth(640)
        self._build_ui(read_settings(ctx))

    def _show_lookup_warning(self, url: str) -> None:
        warning = lookup_url_warning(self.ctx, url)
        self.lookup_warning_label.setText(warning or "")
        self.lookup_warning_label.setVisible(warning is not None)

    def _build_ui(self, current: OfficeSettings) -> None:
        labels = t.SETTINGS_LABELS
        self.edits: dict[str, QLineEdit] = {}
        office = QFormLayout()
        for key in ("agency_id", "parent_body", "unit_name", "place_name", "lookup_url"):
            edit = QLineEdit(getattr(current, key))
            edit.setObjectName(f"{key}_edit")
            self.edits[key] = edit
            office.addRow(labels[key], edit)
        self.lookup_warning_label = QLabel()  # the QR leads to a placeholder address
        self.lookup_warning_label.setObjectName("lookup_warning_label")
        self.lookup_warning_label.setStyleSheet("color: #b00020;")
        self.lookup_warning_label.setWordWrap(True)
        office.addRow(self.lookup_warning_label)
        self.edits["lookup_url"].textChanged.connect(self._show_lookup_warning)
        self._show_lookup_warning(current.lookup_url)
        self.paper_combo = QComboBox()
        for size in PAPER_SIZES:
            self.paper_combo.addItem(t.PAPER_LABELS[size], size)
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(current.paper_size)))
        self.printer_combo = QComboBox()
        self.printer_combo.setEditable(True)
        self.printer_combo.addItem(t.PRINTER_DEFAULT, "")
        for name in QPrinterInfo.availablePrinterNames():
            self.printer_combo.addItem(name, name)
        found = self.printer_combo.findData(current.printer)
        if found < 0:
            self.printer_combo.addItem(current.printer, current.printer)
            found = self.printer_combo.count() - 1
        self.printer_combo.setCurrentIndex(found)
        printing = QFormLayout()
        printing.addRow(labels["paper_size"], self.paper_combo)
        printing.addRow(labels["printer"], self.printer_combo)
        hours = QFormLayout()
        self.session_edits: list[tuple[QTimeEdit, QTimeEdit]] = []
        for key, (start, end) in zip(("morning", "afternoon"), current.sessions, strict=False):
            pair = (_time_edit(start), _time_edit(end))
            self.session_edits.append(pair)
            row = QHBoxLayout()
            row.addWidget(pair[0])
            row.addWidget(QLabel(t.HOURS_TO))
            row.addWidget(pair[1])
            row.addStretch(1)
            hours.addRow(labels[key], row)
        self.cutoff_edit = _time_edit(current.cutoff)
        cutoff = QHBoxLayout()
        cutoff.addWidget(self.cutoff_edit)
        cutoff.addStretch(1)
        hours.addRow(labels["cutoff"], cutoff)
        self.culture_day_check = QCheckBox(ti.SETTING_CULTURE_DAY)
        self.culture_day_check.setObjectName("culture_day_check")
        self.culture_day_check.setToolTip(ti.SETTING_CULTURE_DAY_TIP)
        self.culture_day_check.setChecked(current.culture_day_made_up)
        hours.addRow(self.culture_day_check)
        self.supplement_mode_combo = QComboBox()
        self.supplement_mode_combo.setObjectName("supplement_mode_combo")
        for mode, label in ft.SUPPLEMENT_MODE_LABELS.items():
            self.supplement_mode_combo.addItem(label, mode)
        self.supplement_mode_combo.setCurrentIndex(
            max(0, self.supplement_mode_combo.findData(current.supplement_mode))
        )
        hours.addRow(ft.SETTING_SUPPLEMENT_MODE, self.supplement_mode_combo)
        backup = self._backup_form(current.backup_dir)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        box, self.save_button, _ = dialog_buttons(self, accept_text=t.BUTTON_SAVE)
        layout = QVBoxLayout(self)
        for title, form in (
            (t.SETTINGS_OFFICE_GROUP, office),
            (t.SETTINGS_PRINT_GROUP, printing),
            (t.SETTINGS_HOURS_GROUP, hours),
            (ts.SETTINGS_BACKUP_GROUP, backup),
        ):
            group = QGroupBox(title)
            group.setLayout(form)
            layout.addWidget(group)
        layout.addWidget(self.error_label)
        layout.addWidget(box)

    def _backup_form(self, current: str) -> QFormLayout:
        self.backup_dir_edit = QLineEdit(current)
        self.backup_dir_edit.setObjectName("backup_dir_edit")
        self.backup_dir_edit.setPlaceholderText(ts.SETTINGS_BACKUP_DIR_HINT)
        browse = QPushButton(ts.SETTINGS_BACKUP_BROWSE)
        browse.clicked.connect(self._on_backup_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.backup_dir_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(ts.SETTINGS_BACKUP_DIR, row)
        return form

    def _on_backup_browse_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, ts.SETTINGS_BACKUP_DIR, self.backup_dir_edit.text()
        )
        if chosen:
            self.backup_dir_edit.setText(chosen)

    def printer_name(self) -> str:
        text = self.printer_combo.currentText().strip()
        return "" if text == t.PRINTER_DEFAULT else text

    def values(self) -> OfficeSettings:
        return OfficeSettings(
            **{key: edit.text() for key, edit in self.edits.items()},
            paper_size=self.paper_combo.currentData(),
            printer=self.printer_name(),
            sessions=tuple(
                (a.time().toString(TIME_FORMAT), b.time().toString(TIME_FORMAT))
                for a, b in self.session_edits
            ),
            cutoff=self.cutoff_edit.time().toString(TIME_FORMAT),
            backup_dir=self.backup_dir_edit.text(),
            culture_day_made_up=self.culture_day_check.isChecked(),
            supplement_mode=str(self.supplement_mode_combo.currentData()),
        )

    def accept(self) -> None:
        try:
            _saved, changes = update_settings(self.ctx, self.values(), officer=self.officer)
        except DomainError as exc:
            self.error_label.setText(t.settings_error(exc, texts.error_message(exc)))
            return
        self.settings_saved.emit(changes or Changes(config=True))
        super().accept()
