"""Digitisation at reception through the real widgets: scans of a component, the scanner's
folder, a SANE test scanner, signing with a PKCS#12 file, and the dossier's components panel."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

# SANE reads its configuration once per process: the ``test`` backend (two virtual devices),
# set before anything initialises libsane (tests/scanning/conftest.py does the same).
if "SANE_CONFIG_DIR" not in os.environ:
    _sane = Path(tempfile.mkdtemp(prefix="sane-config-"))
    (_sane / "dll.conf").write_text("test\n", encoding="ascii")
    (_sane / "test.conf").write_text("number_of_devices 2\n", encoding="ascii")
    os.environ["SANE_CONFIG_DIR"] = str(_sane)

import pypdfium2 as pdfium
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image, ImageStat
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from counter_app.domain.digitisation import ComponentRecord
from counter_app.domain.dossier import Dossier
from counter_app.domain.models import DocumentItem
from counter_app.printing.printer import FolderPrinter
from counter_app.services import digitisation
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts.signing import SIGNATURE_STATUS_LABELS
from counter_app.ui.digitisation.component_scans_dialog import ComponentScansDialog
from counter_app.ui.digitisation.components_model import COPY, SIGNATURE
from counter_app.ui.digitisation.components_panel import ComponentsPanel
from counter_app.ui.digitisation.page_strip import PageStrip, insertion_to_destination
from counter_app.ui.digitisation.preferences import WorkstationPreferences
from counter_app.ui.digitisation.sign_dialog import SignDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.workers import wait_for_background
from tests.conftest import make_applicant
from tests.gui.helpers import message_boxes

SEVEN_DAYS = "1.014061"
SIGNER = "Trần Thị Bình"
PASSPHRASE = "123456"
GREYS = (30, 90, 150)  # the three TIFF pages, told apart by their grey level
PNG_GREY = 200
MakeScans = Callable[..., ComponentScansDialog]
MakePanel = Callable[[Dossier], ComponentsPanel]


# --- fixtures ---------------------------------------------------------------------------------


def received(ctx: StationContext) -> Dossier:
    request = ReceptionRequest(
        procedure_code=SEVEN_DAYS,
        applicant=make_applicant(),
        documents=(
            DocumentItem(name="Tờ khai cấp thẻ căn cước", received=True),
            DocumentItem(name="Giấy khai sinh", received=True),
            DocumentItem(name="Giấy tờ khác", received=False),
        ),
    )
    return receive_dossier(ctx, request, officer="canbo")[0]


def write_tiff(path: Path) -> Path:
    pages = [Image.new("L", (400, 600), grey) for grey in GREYS]  # portrait
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(100, 100))
    return path


def write_png(path: Path, grey: int = PNG_GREY) -> Path:
    Image.new("L", (400, 600), grey).save(path, dpi=(100, 100))
    return path


def make_p12(path: Path, *, common_name: str = SIGNER, passphrase: str = PASSPHRASE) -> Path:
    """A self-signed certificate for signatures (digitalSignature), in a PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"officer",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    path.write_bytes(data)
    return path


@pytest.fixture
def prefs(tmp_path: Path) -> WorkstationPreferences:
    return WorkstationPreferences(tmp_path / "workstation.ini")


@pytest.fixture
def scans_dialog(
    qtbot: QtBot, station: StationContext, prefs: WorkstationPreferences
) -> Iterator[MakeScans]:
    def make(dossier: Dossier, component: int = 0) -> ComponentScansDialog:
        dialog = ComponentScansDialog(
            station,
            dossier_uuid=dossier.uuid,
            component=component,
            name=dossier.documents[component].name,
            officer="canbo",
            preferences=prefs,
        )
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    yield make
    wait_for_background()


def pdf_pages(data: bytes) -> list[tuple[float, float, float]]:
    """(width, height, mean grey) of every page."""
    document = pdfium.PdfDocument(data)
    try:
        found = []
        for page in document:
            width, height = page.get_size()
            image = page.render(scale=0.2).to_pil().convert("L")
            found.append((width, height, ImageStat.Stat(image).mean[0]))
        return found
    finally:
        document.close()


def record(ctx: StationContext, dossier: Dossier, component: int) -> ComponentRecord:
    return next(r for r in digitisation.components_of(ctx, dossier.uuid) if r.index == component)


# --- the page strip ---------------------------------------------------------------------------


def test_drop_slot_becomes_the_destination_of_the_moved_page() -> None:
    assert insertion_to_destination(0, 3) == 2  # first page dropped after the third
    assert insertion_to_destination(3, 0) == 0  # fourth page dropped before the first
    assert insertion_to_destination(2, 2) == 2  # dropped where it was


def test_strip_keys_ask_to_move_rotate_and_remove(qtbot: QtBot) -> None:
    strip = PageStrip()
    qtbot.addWidget(strip)
    png = Path(tempfile.mkdtemp()) / "p.png"
    write_png(png)
    strip.set_pages([png.read_bytes()] * 3, current=1)
    asked: list[tuple[str, int, int]] = []
    strip.page_moved.connect(lambda a, b: asked.append(("move", a, b)))
    strip.rotate_requested.connect(lambda a: asked.append(("rotate", a, a)))
    strip.remove_requested.connect(lambda a: asked.append(("remove", a, a)))
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(strip, Qt.Key.Key_Right, ctrl)
    qtbot.keyClick(strip, Qt.Key.Key_Left, ctrl)
    qtbot.keyClick(strip, Qt.Key.Key_R)
    qtbot.keyClick(strip, Qt.Key.Key_Delete)
    assert asked == [("move", 1, 2), ("move", 1, 0), ("rotate", 1, 1), ("remove", 1, 1)]
    assert [strip.item(i).text() for i in range(3)] == ["Trang 1", "Trang 2", "Trang 3"]
    assert not strip.item(0).icon().isNull()


# --- the scans of one component ---------------------------------------------------------------


def test_files_are_ordered_rotated_removed_and_saved_as_one_pdf(
    qtbot: QtBot, station: StationContext, scans_dialog: MakeScans, tmp_path: Path
) -> None:
    dossier = received(station)
    dialog = scans_dialog(dossier)
    assert dialog.page_count() == 0 and not dialog.save_button.isEnabled()
    added = dialog.add_files([write_tiff(tmp_path / "to-khai.tiff"), write_png(tmp_path / "p.png")])
    assert added == 4 and dialog.strip.count() == 4
    assert dialog.count_label.text() == "4 trang"
    assert not dialog.preview_label.pixmap().isNull()  # the first page is shown large
    dialog.strip.setCurrentRow(0)
    qtbot.mouseClick(dialog.rotate_button, Qt.MouseButton.LeftButton)
    dialog.strip.setCurrentRow(2)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.move_left_button, Qt.MouseButton.LeftButton)  # the PNG comes second
    assert dialog.strip.count() == 3 and dialog.strip.current_page() == 1
    assert dialog.save_button.isEnabled()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.message_label.text() == "Đã lưu bản điện tử."
    assert not dialog.save_button.isEnabled()
    component = record(station, dossier, 0)
    assert component.digitised and component.pages == 3 and not component.signed
    assert record(station, dossier, 1).digitised is False
    assert component.sha256 is not None
    pdf = station.store.blobs.get(component.sha256)
    assert pdf is not None and len(pdf) == component.size
    pages = pdf_pages(pdf)
    assert len(pages) == 3
    (w0, h0, g0), (w1, h1, g1), (w2, h2, g2) = pages
    assert w0 > h0 and h1 > w1 and h2 > w2  # only the first page was turned
    # Page order by grey level: TIFF page 1 (30), the PNG (200, lightest), TIFF page 2 (90).
    assert g0 < g2 < g1


def test_a_bad_file_is_refused_alone_in_vietnamese(
    station: StationContext, scans_dialog: MakeScans, tmp_path: Path
) -> None:
    dossier = received(station)
    dialog = scans_dialog(dossier)
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"not a pdf at all")
    added = dialog.add_files([write_png(tmp_path / "a.png"), broken])
    assert added == 1 and dialog.page_count() == 1
    assert "hong.pdf" in dialog.message_label.text()
    assert "color: #b00020" in dialog.message_label.styleSheet()


def test_reopening_a_digitised_component_starts_from_its_pages(
    station: StationContext, scans_dialog: MakeScans, tmp_path: Path
) -> None:
    dossier = received(station)
    first = scans_dialog(dossier, 1)
    first.add_files([write_tiff(tmp_path / "ks.tif")])
    assert first.save()
    first.close()
    again = scans_dialog(dossier, 1)
    assert again.page_count() == 3 and not again.save_button.isEnabled()
    again.remove_page(0)
    assert again.save()
    assert record(station, dossier, 1).pages == 2


def test_closing_with_unsaved_pages_asks_first(
    qtbot: QtBot, station: StationContext, scans_dialog: MakeScans, tmp_path: Path
) -> None:
    dossier = received(station)
    dialog = scans_dialog(dossier)
    dialog.add_files([write_png(tmp_path / "a.png")])
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    box = dialog.discard_box
    assert box.isVisible() and box.text().startswith("Các trang vừa thêm")
    keep = next(b for b in box.buttons() if b.text() == "Tiếp tục sửa")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert record(station, dossier, 0).digitised is False


def test_scanner_folder_picks_up_new_files_only(
    qtbot: QtBot,
    station: StationContext,
    scans_dialog: MakeScans,
    prefs: WorkstationPreferences,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "scanner-out"
    folder.mkdir()
    write_png(folder / "old-scan.png", grey=10)  # from an earlier dossier: not taken
    prefs.scanner_folder = folder
    dossier = received(station)
    dialog = scans_dialog(dossier)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert dialog.folder_button.isChecked()
    assert str(folder) in dialog.folder_label.text()

    write_png(folder / "scan-0001.png")
    qtbot.waitUntil(lambda: dialog.page_count() == 1, timeout=10_000)
    assert "scan-0001.png" not in dialog.message_label.text()  # says how many, not names
    assert dialog.message_label.text() == f"Đã lấy 1 tệp mới từ thư mục {folder.name}."
    assert dialog.save()
    stored = digitisation.component_pdf(station, dossier.uuid, 0)
    assert stored is not None
    (_w, _h, grey) = pdf_pages(stored)[0]
    assert grey > 150  # the new light page, not the old dark one

    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)  # stop watching
    write_png(folder / "scan-0002.png")
    qtbot.wait(3 * 1_500)
    assert dialog.page_count() == 1


def test_scanning_runs_in_the_background_and_adds_the_pages(
    qtbot: QtBot, station: StationContext, scans_dialog: MakeScans
) -> None:
    dossier = received(station)
    dialog = scans_dialog(dossier)
    qtbot.waitUntil(lambda: dialog.scan_button.isEnabled(), timeout=10_000)
    index = dialog.scanner_combo.findData("test:1")
    assert index >= 0
    dialog.scanner_combo.setCurrentIndex(index)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.page_count() == 1, timeout=15_000)
    assert dialog.preferences.scanner_id == "test:1"
    assert dialog.save()
    assert record(station, dossier, 0).pages == 1


# --- the components panel and signing ---------------------------------------------------------


def digitised(ctx: StationContext, tmp_path: Path) -> Dossier:
    dossier = received(ctx)
    draft = digitisation.ScanDraft()
    draft.add_files([write_tiff(tmp_path / "to-khai.tif")])
    digitisation.attach_component(ctx, dossier.uuid, 0, draft, officer="canbo")
    return dossier


def panels(
    qtbot: QtBot, station: StationContext, prefs: WorkstationPreferences, *, height: int
) -> Iterator[MakePanel]:
    """The body of a ``panel`` fixture: makes shown panels, then waits for their background
    work and closes any message box left open."""

    def make(dossier: Dossier) -> ComponentsPanel:
        widget = ComponentsPanel(
            station, dossier_uuid=dossier.uuid, officer="canbo", preferences=prefs
        )
        qtbot.addWidget(widget)
        widget.resize(900, height)
        widget.show()
        return widget

    yield make
    wait_for_background()
    for box in message_boxes():
        box.close()


@pytest.fixture
def panel(
    qtbot: QtBot, station: StationContext, prefs: WorkstationPreferences
) -> Iterator[MakePanel]:
    yield from panels(qtbot, station, prefs, height=320)


def cell(panel: ComponentsPanel, row: int, column: int) -> str:
    return str(panel.model.index(row, column).data())


def sign_through_dialog(qtbot: QtBot, panel: ComponentsPanel, p12: Path, pin: str) -> SignDialog:
    panel.table.selectRow(0)
    dialog = panel.ask_to_sign()
    assert dialog is not None and dialog.isVisible()
    dialog.choose_file(str(p12))
    assert dialog.pin_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.pin_edit.text() == ""  # cleared as soon as it was handed over
    return dialog


def test_panel_lists_components_with_their_state(
    station: StationContext, panel: MakePanel, tmp_path: Path
) -> None:
    widget = panel(digitised(station, tmp_path))
    assert widget.model.rowCount() == 3
    assert cell(widget, 0, COPY) == "3 trang"
    assert cell(widget, 1, COPY) == "chưa số hóa"
    assert cell(widget, 0, SIGNATURE) == "chưa ký"
    assert cell(widget, 0, 0) == "Tờ khai cấp thẻ căn cước (bắt buộc)"
    assert cell(widget, 2, 0) == "Giấy tờ khác"  # not handed over: not required
    assert widget.summary_label.text() == "Đã số hóa 1/3 giấy tờ, đã ký số 0/3."
    widget.table.selectRow(1)
    assert widget.scans_button.isEnabled() and not widget.sign_button.isEnabled()


def test_signing_with_a_p12_file_shows_the_signer_and_validity(
    qtbot: QtBot,
    station: StationContext,
    panel: MakePanel,
    prefs: WorkstationPreferences,
    tmp_path: Path,
) -> None:
    dossier = digitised(station, tmp_path)
    widget = panel(dossier)
    p12 = make_p12(tmp_path / "canbo.p12")
    changes: list[object] = []
    widget.changes_applied.connect(changes.append)

    sign_through_dialog(qtbot, widget, p12, PASSPHRASE)

    qtbot.waitUntil(lambda: record(station, dossier, 0).signed, timeout=20_000)
    component = record(station, dossier, 0)
    assert component.signed_by == SIGNER and len(changes) == 1
    untrusted = SIGNATURE_STATUS_LABELS["valid_untrusted"]
    qtbot.waitUntil(lambda: untrusted in cell(widget, 0, SIGNATURE), timeout=20_000)
    assert cell(widget, 0, SIGNATURE) == f"đã ký bởi {SIGNER} — {untrusted}"
    assert widget.summary_label.text() == "Đã số hóa 1/3 giấy tờ, đã ký số 1/3."
    # The source is remembered for next time; the passphrase nowhere.
    assert prefs.pkcs12_file == str(p12) and prefs.cert_kind == "pkcs12"
    assert PASSPHRASE not in prefs.path.read_text(encoding="utf-8")
    signed = digitisation.component_pdf(station, dossier.uuid, 0)
    scan = digitisation.component_pdf(station, dossier.uuid, 0, signed=False)
    assert signed is not None and scan is not None and signed.startswith(scan)


def test_a_wrong_passphrase_is_said_in_vietnamese_and_nothing_is_signed(
    qtbot: QtBot, station: StationContext, panel: MakePanel, tmp_path: Path
) -> None:
    dossier = digitised(station, tmp_path)
    widget = panel(dossier)
    p12 = make_p12(tmp_path / "canbo.p12")
    sign_through_dialog(qtbot, widget, p12, "sai-mat-khau")
    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=20_000)
    (box,) = message_boxes()
    assert "canbo.p12" in box.text() and "sai mật khẩu" in box.text()
    assert not record(station, dossier, 0).signed
    assert widget.sign_button.isEnabled()


def test_sign_dialog_needs_a_pin_and_forgets_it_when_cancelled(
    qtbot: QtBot, station: StationContext, panel: MakePanel, tmp_path: Path
) -> None:
    widget = panel(digitised(station, tmp_path))
    dialog = widget.ask_to_sign()
    assert dialog is not None
    dialog.choose_file(str(make_p12(tmp_path / "canbo.p12")))
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error_label.text() == "Hãy nhập mã PIN."
    qtbot.keyClicks(dialog.pin_edit, "9999")
    dialog.reject()
    assert dialog.pin_edit.text() == "" and dialog.take_request() is None


def test_a_copy_altered_after_signing_shows_as_modified(
    qtbot: QtBot, station: StationContext, panel: MakePanel, tmp_path: Path
) -> None:
    from counter_app.signing import open_pkcs12

    dossier = digitised(station, tmp_path)
    scan = digitisation.component_pdf(station, dossier.uuid, 0)
    assert scan is not None
    with open_pkcs12(make_p12(tmp_path / "canbo.p12"), PASSPHRASE) as signer:
        signed = signer.sign(scan, reason="x", location="y")
    marker = b"/Reason"
    at = signed.rindex(marker)
    tampered = signed[:at] + b"/Reasom" + signed[at + len(marker) :]  # one byte in the signed part
    digitisation.record_signature(
        station, dossier.uuid, 0, tampered, signer_name=SIGNER, officer="canbo"
    )
    widget = panel(dossier)
    checked = SIGNATURE_STATUS_LABELS.values()
    qtbot.waitUntil(lambda: cell(widget, 0, SIGNATURE).endswith(tuple(checked)), timeout=20_000)
    text = cell(widget, 0, SIGNATURE)
    assert SIGNATURE_STATUS_LABELS["valid_untrusted"] not in text
    assert SIGNATURE_STATUS_LABELS["valid"] not in text


# --- where the officer finds it ---------------------------------------------------------------


def test_dossier_dialog_has_the_components_tab(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    tmp_path: Path,
) -> None:
    window = make_window(folder_printer)
    dossier = digitised(station, tmp_path)
    dialog = window.open_dossier(dossier)
    panel = dialog.components_panel
    assert cell(panel, 0, COPY) == "3 trang"
    panel.table.selectRow(1)
    scans = panel.open_scans()
    assert scans is not None and scans.component == 1 and scans.isVisible()
    scans.add_files([write_png(tmp_path / "ks.png")])
    assert scans.save()
    assert cell(panel, 1, COPY) == "1 trang"
    history = [dialog.history_list.item(i).text() for i in range(dialog.history_list.count())]
    assert len(history) == 3  # received, and one line per digitised component


def test_reception_form_opens_the_scans_of_the_dossier_just_received(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:
    window = make_window(folder_printer)
    view = window.intake_view
    assert not view.digitise_button.isVisibleTo(view)
    dossier = received(station)
    view._after_save(dossier, "x")  # what F5 does once the dossier is stored
    assert view.digitise_button.isVisibleTo(view) and view.digitise_button.isEnabled()
    view.digitise_button.click()
    dialog = view.components_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.panel.model.rowCount() == 3
    assert dossier.code is not None and dossier.code in dialog.windowTitle()
    view.clear()
    assert not view.digitise_button.isVisibleTo(view)
