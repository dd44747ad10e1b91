"""Slips rendered from dossiers received through the real services, read back like a scanner.

Every PDF is rasterised at 150 dpi with ``pdftoppm`` (a cheap office scan) and decoded with
zxing-cpp; text is read with ``pdftotext``; page sizes with pypdfium2.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from counter_app.domain.dossier import Dossier, EventKind
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import DocumentForm, DocumentItem
from counter_app.printing import fonts, slip_archive
from counter_app.printing.printer import FolderPrinter, PaperSize, Printer, PrinterContract
from counter_app.printing.qr import lookup_url
from counter_app.services import archive, intake, slips
from counter_app.services.setup import DEMO_PASSWORD
from counter_app.services.station import StationContext
from counter_app.texts import slips as t
from tests.conftest import make_applicant

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is needed to read slips back",
)
ROOT = Path(__file__).resolve().parents[2]
PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh
LONG_NAME_PROCEDURE = "1.013980"  # a 1,094-character procedure name
MISSING = (
    "Giấy chứng sinh (bản chính)",
    "Giấy tờ chứng minh nơi cư trú của người đi đăng ký",
    "Văn bản ủy quyền được chứng thực",
)
REASON = "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã"
DOCS = (
    DocumentItem("Tờ khai đăng ký khai sinh theo mẫu", DocumentForm.ORIGINAL, 1, True),
    DocumentItem("Giấy chứng sinh", DocumentForm.ORIGINAL, 1, True),
    DocumentItem("Văn bản ủy quyền", DocumentForm.CERTIFIED_COPY, 1, True),
)
MM_PER_PT = 25.4 / 72


def _request(procedure: str = PROCEDURE, **over: object) -> intake.ReceptionRequest:
    values: dict[str, object] = {
        "procedure_code": procedure,
        "applicant": make_applicant(),
        "documents": DOCS,
    }
    values.update(over)
    return intake.ReceptionRequest(**values)  # type: ignore[arg-type]


def received(ctx: StationContext, procedure: str = PROCEDURE) -> Dossier:
    return intake.receive_dossier(ctx, _request(procedure), officer="canbo")[0]


def guided(ctx: StationContext) -> Dossier:
    return intake.guide_dossier(
        ctx, _request(), missing=MISSING, reason="Hồ sơ chưa đủ thành phần", officer="canbo"
    )[0]


def refused(ctx: StationContext) -> Dossier:
    return intake.refuse_dossier(ctx, _request(), reason=REASON, officer="canbo")[0]


MAKERS = {
    slips.SlipForm.RECEIPT: received,
    slips.SlipForm.SUPPLEMENT: guided,
    slips.SlipForm.REFUSAL: refused,
}


# --- Reading a PDF back -------------------------------------------------------------------------


@contextlib.contextmanager
def readable(pdf: Path) -> Iterator[Path]:
    """``pdf`` itself, or for an archived compact file (``….cpdf``, below
    ``<data>/slips/<yyyy>/<mm>/``) its PDF read back through the archive, in a temporary file."""
    if pdf.suffix != slip_archive.COMPACT_SUFFIX:
        yield pdf
        return
    data = slip_archive.read_archived(pdf.parents[2], pdf)
    with archive.printable(data, name=pdf.stem) as path:
        yield path


def pdf_text(pdf: Path) -> str:
    with readable(pdf) as path:
        out = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode("utf-8")
    return " ".join(unicodedata.normalize("NFC", out).split())


def archived_pdf(station: StationContext, path: Path, folder: Path) -> Path:
    """The archived slip ``path`` read back through the archive, as a PDF file in ``folder``."""
    target = folder / f"{path.stem}.pdf"
    target.write_bytes(archive.read_archived(station.store.data_dir, path))
    return target


def page_texts(pdf: Path) -> list[str]:
    return [" ".join(p.split()) for p in pdf_text_raw(pdf).split("\f") if p.strip()]


def pdf_text_raw(pdf: Path) -> str:
    with readable(pdf) as path:
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def scans(pdf: Path, folder: Path) -> list[Image.Image]:
    """Every page as a 150 dpi PNG, as an office scanner would give it."""
    prefix = folder / pdf.stem
    with readable(pdf) as path:
        command = ["pdftoppm", "-r", "150", "-png", str(path), str(prefix)]
        subprocess.run(command, check=True, timeout=60)
    return [Image.open(p) for p in sorted(folder.glob(f"{pdf.stem}*.png"))]


def decoded(image: Image.Image) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(image):
        found.setdefault(result.format.name, []).append(result.text)
    return found


def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [
            (document[i].get_width() * MM_PER_PT, document[i].get_height() * MM_PER_PT)
            for i in range(len(document))
        ]
    finally:
        document.close()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- Each form on each paper --------------------------------------------------------------------


def _check_size(size: PaperSize, pages: list[tuple[float, float]]) -> None:
    for width, height in pages:
        if size is PaperSize.A5:
            assert (round(width), round(height)) == (148, 210)
        elif size is PaperSize.A4:
            assert (round(width), round(height)) == (210, 297)
        elif size is PaperSize.A4X2:
            assert (round(width), round(height)) == (297, 210)
        else:
            assert round(width) == 80 and height > 100


@pytest.mark.parametrize("size", list(PaperSize))
@pytest.mark.parametrize("form", list(MAKERS))
def test_every_form_on_every_paper_reads_back(
    station: StationContext, tmp_path: Path, form: slips.SlipForm, size: PaperSize
) -> None:
    dossier = MAKERS[form](station)
    pdf = write(
        tmp_path, f"{form}-{size}.pdf", slips.render(station, dossier, form=form, size=size)
    )
    text = pdf_text(pdf)
    assert "Nguyễn Văn Đức" in text
    assert "Thủ tục đăng ký khai sinh" in text
    assert t.DEMO_MARK in text
    assert "BẢN IN LẠI" not in text
    pages = page_sizes_mm(pdf)
    _check_size(size, pages)
    images = scans(pdf, tmp_path)
    if form is slips.SlipForm.RECEIPT:
        per_page = 2 if size is PaperSize.A4X2 else 1  # A4x2: both copies on one sheet
        assert len(pages) == 2 // per_page  # Liên 1: Lưu, Liên 2: Giao người nộp hồ sơ
        assert t.COPY_KEEP in page_texts(pdf)[0] and t.COPY_APPLICANT in page_texts(pdf)[-1]
        url = lookup_url(
            base=station.office().lookup_url, code=str(dossier.code), key=dossier.lookup_key
        )
        for image in images:
            codes = decoded(image)
            assert codes.get("Code128") == [dossier.code] * per_page
            assert codes.get("QRCode") == [url] * per_page
        assert f"{t.LABEL_LOOKUP_KEY} {dossier.lookup_key}" in text
        assert "Tờ khai đăng ký khai sinh theo mẫu" in text
    else:
        assert len(pages) == 1
        assert all(decoded(image) == {} for image in images)  # no code: no barcode, no QR
    if form is slips.SlipForm.SUPPLEMENT:
        assert all(item in text for item in MISSING)
        assert t.SIGN_GUIDE in text
    if form is slips.SlipForm.REFUSAL:
        assert REASON in text and t.REFUSAL_INFORM in text


def test_rendering_is_deterministic(station: StationContext) -> None:
    dossier = received(station)
    first = slips.render(station, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
    again = slips.render(station, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
    assert first == again


@pytest.mark.parametrize("size", list(PaperSize))
def test_a_very_long_procedure_name_wraps_and_each_copy_starts_a_page(
    station: StationContext, tmp_path: Path, size: PaperSize
) -> None:
    dossier = received(station, LONG_NAME_PROCEDURE)
    assert len(dossier.procedure_name) > 1000
    form = slips.SlipForm.RECEIPT
    pdf = write(tmp_path, "long.pdf", slips.render(station, dossier, form=form, size=size))
    text = pdf_text(pdf)
    assert " ".join(dossier.procedure_name.split()[-12:]) in text  # the end is printed too
    pages = page_texts(pdf)
    keep = [i for i, p in enumerate(pages) if f"({t.COPY_KEEP})" in p]  # under the title
    give = [i for i, p in enumerate(pages) if f"({t.COPY_APPLICANT})" in p]
    assert len(keep) == len(give) == 1
    if size is PaperSize.A4X2:  # A5 halves in order: a copy of one half shares its sheet
        assert keep[0] <= give[0]
    else:
        assert keep[0] < give[0]
        assert pages[give[0]].startswith(t.DEMO_MARK)  # the second copy opens a fresh page


def test_a_procedure_with_dozens_of_long_documents_renders(station: StationContext) -> None:
    dossier = intake.receive_dossier(
        station, _request("1.013236", documents=None), officer="canbo"
    )[0]
    assert len(dossier.documents) > 20
    for size in PaperSize:
        pdf = slips.render(station, dossier, form=slips.SlipForm.RECEIPT, size=size)
        assert pdf.startswith(b"%PDF-")


# --- Issuing: archive, reprint, events ----------------------------------------------------------


def test_issue_archives_hashes_and_marks_the_second_print_as_reprint(
    station: StationContext, tmp_path: Path
) -> None:
    dossier = received(station)
    form, size = slips.SlipForm.RECEIPT, PaperSize.A5
    first, first_path, changes = slips.issue_slip(
        station, dossier, form=form, size=size, officer="canbo"
    )
    second, second_path, _ = slips.issue_slip(
        station, dossier, form=form, size=size, officer="canbo"
    )
    assert changes.dossiers
    assert (first.reprint, second.reprint) == (False, True)
    assert first_path != second_path and first_path.exists() and second_path.exists()
    expected = station.store.data_dir / "slips" / "2026" / "02"
    assert first_path == expected / f"{dossier.code}-receipt-1.cpdf"
    for record, path in ((first, first_path), (second, second_path)):
        pdf = archive.read_archived(station.store.data_dir, path)
        assert hashlib.sha256(pdf).hexdigest() == record.sha256
        assert station.store.data_dir / record.path == path
    assert station.store.prints.of_dossier(dossier.uuid) == [first, second]
    assert "BẢN IN LẠI" not in pdf_text(archived_pdf(station, first_path, tmp_path))
    assert t.reprint_mark(station.clock.now()) in pdf_text(second_path)  # read back by helper
    events = [e for e in station.store.dossiers.events_of(dossier.uuid)]
    printed = [e for e in events if e.kind == EventKind.SLIP_PRINTED]
    assert [e.payload["reprint"] for e in printed] == [False, True]
    assert {k: v for k, v in printed[1].payload.items() if k != "hlc"} == {
        "form": "receipt",
        "size": "a5",
        "sha256": second.sha256,
        "reprint": True,
        "template": "TT03-2025/01@2",
    }
    actions = [a["action"] for a in station.store.audit.entries(limit=5)]
    assert actions[:2] == ["slip_printed", "slip_printed"]


def test_supplement_and_refusal_consume_no_dossier_code(station: StationContext) -> None:
    before = {k: v for k, v in station.store.counters.all().items() if k.startswith("code|")}
    for maker, form in ((guided, slips.SlipForm.SUPPLEMENT), (refused, slips.SlipForm.REFUSAL)):
        dossier = maker(station)
        assert dossier.code is None
        _, path, _ = slips.issue_slip(
            station, dossier, form=form, size=PaperSize.A5, officer="canbo"
        )
        assert path.name == f"{dossier.uuid}-{form.value}-1.cpdf"
    after = {k: v for k, v in station.store.counters.all().items() if k.startswith("code|")}
    assert after == before
    assert str(received(station).code).endswith("-0000001")


def test_a_form_the_dossier_does_not_have_is_refused_and_writes_nothing(
    station: StationContext,
) -> None:
    dossier = guided(station)
    assert slips.allowed_forms(dossier) == (slips.SlipForm.SUPPLEMENT,)
    with pytest.raises(DomainError) as caught:
        slips.issue_slip(
            station, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
        )
    assert caught.value.code is ErrorCode.SLIP_NOT_AVAILABLE
    assert station.store.prints.of_dossier(dossier.uuid) == []
    assert not (station.store.data_dir / "slips").exists()
    assert slips.allowed_forms(refused(station)) == (slips.SlipForm.REFUSAL,)
    assert slips.allowed_forms(received(station)) == (
        slips.SlipForm.RECEIPT,
        slips.SlipForm.CONTROL_SHEET,
    )


# --- Glyphs -------------------------------------------------------------------------------------


def _literal_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = ast.walk(tree)
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _catalogue_strings() -> list[str]:
    catalogue = json.loads((ROOT / "resources/catalogue/procedures.json").read_text("utf-8"))
    strings: list[str] = []
    for record in catalogue:
        strings.append(record["name"])
        strings += [d["name"] for d in record.get("documents", [])]
        strings.append(record.get("fee_text") or "")
    return strings


def _missing_in_any_face(strings: list[str]) -> dict[str, set[str]]:
    characters = "".join(sorted(set("".join(strings))))
    assert "ữ" in characters and "Đ" in characters
    missing = {face: fonts.missing_glyphs(characters, font=face) for face in fonts.register_fonts()}
    return {face: chars for face, chars in missing.items() if chars}


def test_everything_printed_has_a_glyph_in_every_bundled_face() -> None:
    """Slip texts, the main catalogue's texts (error messages, labels) and catalogue names."""
    texts = ROOT / "counter_app" / "texts"
    strings = _literal_strings(texts / "slips.py") + _literal_strings(texts / "__init__.py")
    assert _missing_in_any_face(strings + _catalogue_strings()) == {}


def test_every_string_of_every_texts_module_has_a_glyph() -> None:
    """DESIGN §6: every character of every text must render with the bundled fonts."""
    strings = [
        s for p in (ROOT / "counter_app" / "texts").glob("*.py") for s in _literal_strings(p)
    ]
    assert _missing_in_any_face(strings) == {}


def test_slip_texts_are_nfc() -> None:
    strings = _literal_strings(ROOT / "counter_app" / "texts" / "slips.py")
    assert all(unicodedata.is_normalized("NFC", s) for s in strings)


# --- Printers -----------------------------------------------------------------------------------


class TestFolderPrinter(PrinterContract):
    def make_printer(self, tmp_path: Path) -> Printer:
        return FolderPrinter(tmp_path / "printed")

    def make_offline_printer(self, tmp_path: Path) -> Printer:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x")
        return FolderPrinter(blocker / "queue", name="offline")

    def printed(self, printer: Printer) -> list[bytes]:
        assert isinstance(printer, FolderPrinter)
        return [job.read_bytes() for job in printer.jobs()]


def test_folder_printer_prints_an_archived_slip(station: StationContext, tmp_path: Path) -> None:
    dossier = received(station)
    record, path, _ = slips.issue_slip(
        station, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )
    printer = FolderPrinter(tmp_path / "queue")
    with archive.printable(archive.read_archived(station.store.data_dir, path), name="s") as pdf:
        printer.print_pdf(pdf, size=PaperSize.A5, copies=1, title=str(dossier.code))
    (job,) = printer.jobs()
    assert hashlib.sha256(job.read_bytes()).hexdigest() == record.sha256


# --- Command line -------------------------------------------------------------------------------


def _officer_signs_in() -> bool:
    """Whether the CLI asks the acting officer's password (``--password-stdin``)."""
    from counter_app.cli import common

    return hasattr(common, "add_officer_options")


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``counter-app ARGS`` on the test station; ``slip`` records who printed, so the demo
    officer gives the password on standard input when the CLI asks for one."""
    env = {
        **os.environ,
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
        "COUNTER_APP_DATA_DIR": str(tmp_path / "cli-station"),
        "PYTHONIOENCODING": "utf-8",
    }
    stdin = None
    if _officer_signs_in() and args[:1] == ("slip",):
        args, stdin = (*args, "--password-stdin"), f"{DEMO_PASSWORD}\n"
    return subprocess.run(
        [sys.executable, "-m", "counter_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        input=stdin,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


@pytest.fixture
def cli_dossiers(tmp_path: Path) -> dict[str, Dossier]:
    """Dossiers stored in the folder the CLI subprocess will open."""
    from counter_app.app import open_station

    ctx = open_station(tmp_path / "cli-station")
    try:
        return {"received": received(ctx), "refused": refused(ctx)}
    finally:
        ctx.store.close()


def test_cli_slip_writes_a_readable_pdf(tmp_path: Path, cli_dossiers: dict[str, Dossier]) -> None:
    dossier = cli_dossiers["received"]
    out = tmp_path / "out" / "slip.pdf"
    result = run_cli(tmp_path, "slip", str(dossier.code), "--size", "80mm", "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["code"] == dossier.code and report["reprint"] is False
    assert (report["form"], report["size"], report["out"]) == ("receipt", "80mm", str(out))
    assert hashlib.sha256(out.read_bytes()).hexdigest() == report["sha256"]
    archived = archive.read_archived(tmp_path / "cli-station", Path(report["archived"]))
    assert archived == out.read_bytes()
    for image in scans(out, tmp_path):
        assert decoded(image)["Code128"] == [dossier.code]
    again = run_cli(tmp_path, "slip", str(dossier.code), "--out", str(out))
    assert json.loads(again.stdout)["reprint"] is True


def test_cli_slip_of_a_refused_dossier_by_uuid(
    tmp_path: Path, cli_dossiers: dict[str, Dossier]
) -> None:
    dossier = cli_dossiers["refused"]
    out = tmp_path / "refusal.pdf"
    result = run_cli(tmp_path, "slip", dossier.uuid, "--form", "refusal", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert REASON in pdf_text(out)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("000.00.19.H56-260213-009999",), "Không tìm thấy hồ sơ"),
        (("not-a-code",), "không phải là mã số hồ sơ"),
        (("{code}", "--form", "bogus"), "Mẫu phiếu «bogus» không có"),
        (("{code}", "--size", "b5"), "Khổ giấy «b5» không có"),
        (("{code}", "--form", "refusal"), "không có loại phiếu này"),
    ],
)
def test_cli_slip_refuses_in_vietnamese(
    tmp_path: Path, cli_dossiers: dict[str, Dossier], args: tuple[str, ...], expected: str
) -> None:
    code = str(cli_dossiers["received"].code)
    out = tmp_path / "never.pdf"
    argv = [a.format(code=code) for a in args]
    result = run_cli(tmp_path, "slip", *argv, "--out", str(out))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_slip_prints_two_copies_side_by_side_on_a4(
    tmp_path: Path, cli_dossiers: dict[str, Dossier]
) -> None:
    dossier = cli_dossiers["received"]
    out = tmp_path / "a4x2.pdf"
    result = run_cli(tmp_path, "slip", str(dossier.code), "--size", "a4x2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["size"] == "a4x2"
    assert [(round(w), round(h)) for w, h in page_sizes_mm(out)] == [(297, 210)]
    (image,) = scans(out, tmp_path)
    assert decoded(image)["Code128"] == [dossier.code, dossier.code]
