"""Signatures stack in the components panel (issue 12 item 8): a second officer signs a
component already signed; both signatures stay valid and the panel names both signers."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from counter_app import signing
from counter_app.services import digitisation
from counter_app.services.station import StationContext
from counter_app.texts.signing import SIGNATURE_STATUS_LABELS
from counter_app.ui.digitisation.components_model import SIGNATURE
from tests.gui.test_digitisation_ui import (
    PASSPHRASE,
    SIGNER,
    MakePanel,
    cell,
    digitised,
    make_p12,
    panel,
    prefs,
    record,
    sign_through_dialog,
)

__all__ = ["panel", "prefs"]  # fixtures
SECOND = "Lê Văn Cường"


def test_a_second_signature_in_the_panel_keeps_the_first(
    qtbot: QtBot, station: StationContext, panel: MakePanel, tmp_path: Path
) -> None:
    dossier = digitised(station, tmp_path)
    widget = panel(dossier)
    sign_through_dialog(qtbot, widget, make_p12(tmp_path / "a.p12"), PASSPHRASE)
    qtbot.waitUntil(lambda: record(station, dossier, 0).signed, timeout=20_000)
    first = digitisation.component_pdf(station, dossier.uuid, 0)
    assert first is not None

    second_p12 = make_p12(tmp_path / "b.p12", common_name=SECOND)
    sign_through_dialog(qtbot, widget, second_p12, PASSPHRASE)
    qtbot.waitUntil(lambda: record(station, dossier, 0).signed_by == SECOND, timeout=20_000)
    both = digitisation.component_pdf(station, dossier.uuid, 0)
    assert both is not None and both.startswith(first) and len(both) > len(first)
    report = signing.validate(both)
    assert [s.common_name for s in report.signatures] == [SIGNER, SECOND]
    assert all(s.intact and s.valid for s in report.signatures)
    untrusted = SIGNATURE_STATUS_LABELS["valid_untrusted"]
    expected = f"đã ký bởi {SIGNER}, {SECOND} — {untrusted}"
    qtbot.waitUntil(lambda: cell(widget, 0, SIGNATURE) == expected, timeout=20_000)
