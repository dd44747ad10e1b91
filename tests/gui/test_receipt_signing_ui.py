"""The receipt line of the components panel: state, signing through the dialog, validity."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from counter_app.services import receipt_signing
from counter_app.services.intake import ReceptionRequest, refuse_dossier
from counter_app.services.station import StationContext
from counter_app.signing import SignatureStatus, validate
from counter_app.texts.signing import SIGNATURE_STATUS_LABELS
from counter_app.ui.digitisation.components_panel import ComponentsPanel
from counter_app.ui.digitisation.preferences import WorkstationPreferences
from tests.conftest import make_applicant
from tests.gui.helpers import message_boxes
from tests.gui.test_digitisation_ui import (
    PASSPHRASE,
    SIGNER,
    MakePanel,
    make_p12,
    panels,
    received,
)


@pytest.fixture
def panel(qtbot: QtBot, station: StationContext, tmp_path: Path) -> Iterator[MakePanel]:
    prefs = WorkstationPreferences(tmp_path / "workstation.ini")
    yield from panels(qtbot, station, prefs, height=360)


def _sign(qtbot: QtBot, widget: ComponentsPanel, p12: Path, pin: str) -> None:
    row = widget.receipt_row
    assert row.sign_button.isEnabled() and row.sign_button.text() == "Ký phiếu tiếp nhận…"
    qtbot.mouseClick(row.sign_button, Qt.MouseButton.LeftButton)
    dialog = row.sign_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.choose_file(str(p12))
    assert dialog.pin_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.pin_edit.text() == ""


def test_signing_the_receipt_from_the_panel_shows_signer_and_validity(
    qtbot: QtBot, station: StationContext, panel: MakePanel, tmp_path: Path
) -> None:
    dossier = received(station)
    widget = panel(dossier)
    label = widget.receipt_row.receipt_label
    assert label.text() == "Phiếu tiếp nhận (Mẫu 01): chưa ký"
    changes: list[object] = []
    widget.changes_applied.connect(changes.append)

    _sign(qtbot, widget, make_p12(tmp_path / "canbo.p12"), PASSPHRASE)

    untrusted = SIGNATURE_STATUS_LABELS["valid_untrusted"]
    qtbot.waitUntil(lambda: untrusted in label.text(), timeout=20_000)
    assert label.text() == f"Phiếu tiếp nhận (Mẫu 01): đã ký bởi {SIGNER} — {untrusted}"
    assert len(changes) == 1
    state = receipt_signing.receipt_state(station, dossier.uuid)
    assert state.signed is not None and state.signed.signer == SIGNER and state.here
    signed = receipt_signing.signed_receipt_pdf(station, dossier.uuid)
    assert signed is not None and validate(signed).status is SignatureStatus.VALID_UNTRUSTED
    assert PASSPHRASE not in (tmp_path / "workstation.ini").read_text(encoding="utf-8")


def test_a_wrong_passphrase_leaves_the_receipt_unsigned(
    qtbot: QtBot, station: StationContext, panel: MakePanel, tmp_path: Path
) -> None:
    dossier = received(station)
    widget = panel(dossier)
    _sign(qtbot, widget, make_p12(tmp_path / "canbo.p12"), "sai-mat-khau")
    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=20_000)
    (box,) = message_boxes()
    assert "sai mật khẩu" in box.text()
    assert receipt_signing.receipt_state(station, dossier.uuid).signed is None
    assert widget.receipt_row.sign_button.isEnabled()
    assert widget.receipt_row.receipt_label.text() == "Phiếu tiếp nhận (Mẫu 01): chưa ký"


def test_a_refused_dossier_has_no_receipt_to_sign(
    station: StationContext, panel: MakePanel
) -> None:
    request = ReceptionRequest(procedure_code="1.014061", applicant=make_applicant())
    refused = refuse_dossier(station, request, reason="Không thuộc thẩm quyền", officer="c")[0]
    widget = panel(refused)
    row = widget.receipt_row
    assert not row.sign_button.isEnabled() and row.ask_to_sign() is None
    assert row.receipt_label.text().startswith("Phiếu tiếp nhận (Mẫu 01): không có")
