"""An applicant block (applicant or authorised submitter) with its ID-card scan field.

The birth date is typed ``dd/mm/yyyy`` (the placeholder says so, and so does the message
when it cannot be read); a date after today is refused as such. Name, address and the other
texts are cleaned and bounded by ``domain.fields.clean_text`` (the same check as the
service), so a refusal names the field and never shows what was typed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fields import clean_text, parse_birth_date
from counter_app.domain.idcard import SEX_FEMALE, SEX_MALE, IdCardData, parse_id_qr
from counter_app.domain.models import Applicant
from counter_app.texts import window as t

DATE_SHOWN = "%d/%m/%Y"
REQUIRED = ("name", "id_number", "birth_date", "sex", "address")


class ApplicantForm(QGroupBox):
    """Fields of one person. The scan field takes what a USB 2D scanner types (ends with
    Enter): an ID-card QR fills the block; anything else changes nothing and emits
    ``scan_failed(DomainError)``."""

    card_scanned = Signal(object)
    scan_failed = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._issue_date: date | None = None
        # The 2024 card's QR fields 8 and after (raw) and the ID number of the card they came
        # with: kept with the applicant while the ID field still holds that number.
        self._qr_extra: tuple[str, ...] = ()
        self._card_id = ""
        self._build_ui()
        self.scan_edit.returnPressed.connect(self._on_scan_edit_return_pressed)

    def _build_ui(self) -> None:
        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("scan_edit")
        self.scan_edit.setPlaceholderText(t.SCAN_PLACEHOLDER)
        self.name_edit = QLineEdit()
        self.id_edit = QLineEdit()
        self.id_edit.setMaxLength(12)
        self.old_id_edit = QLineEdit()
        self.old_id_edit.setMaxLength(12)
        self.birth_edit = QLineEdit()
        self.birth_edit.setPlaceholderText(t.BIRTH_PLACEHOLDER)
        self.birth_edit.setMaxLength(10)
        self.sex_combo = QComboBox()
        self.sex_combo.addItem("", None)
        self.sex_combo.addItem(t.SEX_MALE, SEX_MALE)
        self.sex_combo.addItem(t.SEX_FEMALE, SEX_FEMALE)
        self.address_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(15)
        scan = QFormLayout()
        scan.addRow(t.SCAN_LABEL, self.scan_edit)
        grid = QGridLayout(self)
        grid.addLayout(scan, 0, 0, 1, 4)
        rows = (
            (t.NAME_LABEL, self.name_edit, t.SEX_LABEL, self.sex_combo),
            (t.ID_LABEL, self.id_edit, t.OLD_ID_LABEL, self.old_id_edit),
            (t.BIRTH_LABEL, self.birth_edit, t.PHONE_LABEL, self.phone_edit),
        )
        for row, (label_a, widget_a, label_b, widget_b) in enumerate(rows, start=1):
            grid.addWidget(QLabel(label_a), row, 0)
            grid.addWidget(widget_a, row, 1)
            grid.addWidget(QLabel(label_b), row, 2)
            grid.addWidget(widget_b, row, 3)
        grid.addWidget(QLabel(t.ADDRESS_LABEL), 4, 0)
        grid.addWidget(self.address_edit, 4, 1, 1, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)

    def fields(self) -> dict[str, QWidget]:
        return {
            "name": self.name_edit,
            "id_number": self.id_edit,
            "old_id_number": self.old_id_edit,
            "birth_date": self.birth_edit,
            "sex": self.sex_combo,
            "address": self.address_edit,
            "phone": self.phone_edit,
        }

    def fill_from_card(self, card: IdCardData) -> None:
        self.name_edit.setText(card.name)
        self.id_edit.setText(card.id_number)
        self.old_id_edit.setText(card.old_id_number or "")
        self.birth_edit.setText(card.birth_date.strftime(DATE_SHOWN))
        self.sex_combo.setCurrentIndex(max(0, self.sex_combo.findData(card.sex)))
        self.address_edit.setText(card.address)
        self._issue_date = card.issue_date
        self._qr_extra = card.to_applicant().qr_extra
        self._card_id = card.id_number

    def clear(self) -> None:
        for edit in (self.scan_edit, self.name_edit, self.id_edit, self.old_id_edit):
            edit.clear()
        for edit in (self.birth_edit, self.address_edit, self.phone_edit):
            edit.clear()
        self.sex_combo.setCurrentIndex(0)
        self._issue_date = None
        self._qr_extra = ()
        self._card_id = ""

    def is_empty(self) -> bool:
        return not any((self.name_edit.text(), self.id_edit.text(), self.address_edit.text()))

    def has_input(self) -> bool:
        """Anything typed or scanned in the block (the phone and the sex included)."""
        edits = (self.name_edit, self.id_edit, self.old_id_edit, self.birth_edit)
        others = (self.address_edit, self.phone_edit, self.scan_edit)
        return any(e.text().strip() for e in (*edits, *others)) or self.sex_combo.currentIndex() > 0

    def id_number(self) -> str:
        return self.id_edit.text().strip()

    def applicant(self, *, today: date) -> Applicant:
        """The person as typed; a missing or unreadable field raises with its key."""
        edits = {
            "name": self.name_edit,
            "id_number": self.id_edit,
            "birth_date": self.birth_edit,
            "address": self.address_edit,
        }
        values = {key: clean_text(key, edit.text()) for key, edit in edits.items()}
        values["sex"] = self.sex_combo.currentData() or ""
        for key in REQUIRED:
            if not values[key]:
                raise DomainError(ErrorCode.APPLICANT_FIELD_MISSING, field=key)
        birth = parse_birth_date(values["birth_date"], today=today)
        return Applicant(
            name=values["name"],
            id_number=values["id_number"],
            birth_date=birth,
            sex=values["sex"],
            address=values["address"],
            phone=clean_text("phone", self.phone_edit.text()) or None,
            old_id_number=clean_text("old_id_number", self.old_id_edit.text()) or None,
            issue_date=self._issue_date,
            qr_extra=self._qr_extra if values["id_number"] == self._card_id else (),
        )

    def _on_scan_edit_return_pressed(self) -> None:
        text = self.scan_edit.text()
        self.scan_edit.clear()
        try:
            card = parse_id_qr(text)
        except DomainError as exc:
            self.scan_failed.emit(exc)
            return
        self.fill_from_card(card)
        self.card_scanned.emit(card)
