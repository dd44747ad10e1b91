"""The slip archive (issue 12, item 7): compact files with shared fonts, read back byte for byte.

Real slips of a real station, read back with pdftotext and zxing-cpp; old plain PDFs (as a
station archived them before) are read and compacted; a damaged archive is refused, never
given back as other bytes.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Applicant
from counter_app.printing import fonts, slip_archive
from counter_app.printing.printer import PaperSize
from counter_app.services import archive, intake, slips
from counter_app.services.station import StationContext

RECEIPT, A5 = slips.SlipForm.RECEIPT, PaperSize.A5
NAMES = ("Nguyễn Văn Đức", "Trần Thị Hồng Nhung", "Lê Quang Vĩnh")


def receive(station: StationContext, name: str, procedure: str = "1.001193") -> Dossier:
    applicant = Applicant(name=name, id_number="001090123456", address="Thôn Đông, xã Minh Hòa")
    request = intake.ReceptionRequest(procedure_code=procedure, applicant=applicant)
    return intake.receive_dossier(station, request, officer="canbo")[0]


def issue(station: StationContext, dossier: Dossier) -> tuple[Path, str]:
    record, path, _ = slips.issue_slip(station, dossier, form=RECEIPT, size=A5, officer="canbo")
    return path, record.sha256


def text_and_codes(pdf: bytes, folder: Path, name: str) -> tuple[str, list[dict[str, list[str]]]]:
    """pdftotext's text and, per page at 150 dpi, what zxing-cpp decodes."""
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(source), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(source), str(folder / name)], check=True, timeout=60
    )
    pages = []
    for png in sorted(folder.glob(f"{name}-*.png")):
        found: dict[str, list[str]] = {}
        for result in zxingcpp.read_barcodes(Image.open(png)):
            found.setdefault(result.format.name, []).append(result.text)
        pages.append(found)
    return text, pages


def test_receipts_are_compact_files_sharing_their_fonts_and_read_back_as_printed(
    station: StationContext, tmp_path: Path
) -> None:
    printed = []
    for index, name in enumerate(NAMES):
        dossier = receive(station, name)
        prepared = slips.prepare_slip(station, dossier, form=RECEIPT, size=A5, officer="canbo")
        printed.append((dossier, prepared))
        assert prepared.path.suffix == ".cpdf" and prepared.pdf.startswith(b"%PDF-")
        assert not prepared.path.read_bytes().startswith(b"%PDF-")
        back = archive.read_archived(station.store.data_dir, prepared.record.path)
        assert back == prepared.pdf
        assert hashlib.sha256(back).hexdigest() == prepared.record.sha256
        assert prepared.path.stat().st_size < 12 * 1024, index
    shared = station.store.data_dir / "slips" / "shared"
    parts = [p for p in shared.rglob("*") if p.is_file()]
    # Three receipts, three different applicants: the same font parts, stored once.
    assert 3 <= len(parts) <= 12
    for part in parts:
        assert hashlib.sha256(part.read_bytes()).hexdigest() == part.name
    dossier, prepared = printed[0]
    text, pages = text_and_codes(prepared.pdf, tmp_path, "receipt")
    assert dossier.code is not None
    assert "Nguyễn Văn Đức" in text and dossier.code in text
    assert len(pages) == 2 and all(page["Code128"] == [dossier.code] for page in pages)
    assert all(len(page["QRCode"]) == 1 for page in pages)


def test_a_character_outside_the_fixed_subset_still_prints_and_reads_back(
    station: StationContext, tmp_path: Path
) -> None:
    """A name with a letter no Vietnamese word has goes to a second subset of its own."""
    odd = "Nguy\u1ec5n \u00c5sa \u0141\u00f3d\u017a"
    assert {"\u0141", "\u017a"} - set(fonts.fixed_characters(fonts_face()))
    path, sha = issue(station, receive(station, odd))
    pdf = archive.read_archived(station.store.data_dir, path)
    assert hashlib.sha256(pdf).hexdigest() == sha
    text, _ = text_and_codes(pdf, tmp_path, "odd")
    assert odd in text


def fonts_face() -> object:
    from reportlab.pdfbase import pdfmetrics

    fonts.register_fonts()
    return pdfmetrics.getFont(fonts.SERIF).face


def test_every_vietnamese_letter_is_in_the_fixed_subset_of_every_face() -> None:
    from reportlab.pdfbase import pdfmetrics

    fonts.register_fonts()
    for name in fonts.FONT_FILES:
        fixed = fonts.fixed_characters(pdfmetrics.getFont(name).face)
        assert len(fixed) == 159, name  # 256 codes: .notdef, 96 ASCII, 159 of these
        assert set(map(chr, fonts.VIETNAMESE_LETTERS)) <= set(fixed), name
        assert len(fonts.VIETNAMESE_LETTERS) == 134


def test_old_plain_pdfs_are_read_and_compacted_by_the_migration(
    station: StationContext, tmp_path: Path
) -> None:
    """A station upgraded from a version that archived plain ``….pdf`` files."""
    dossier = receive(station, NAMES[1])
    with fonts.dynamic_subsets():  # the slips of the older version: per-document subsets
        old = slips.render(station, dossier, form=RECEIPT, size=A5)
    month = station.store.data_dir / "slips" / "2026" / "02"
    month.mkdir(parents=True, exist_ok=True)
    plain = month / f"{dossier.code}-receipt-1.pdf"
    plain.write_bytes(old)
    relative = plain.relative_to(station.store.data_dir)
    assert archive.read_archived(station.store.data_dir, relative) == old

    done = archive.compact_archive(station.store.data_dir)
    assert done.files == 1 and done.bytes_after < done.bytes_before
    assert not plain.exists() and plain.with_suffix(".cpdf").is_file()
    # the print record still names the .pdf: the reader follows it to the compact file
    assert archive.read_archived(station.store.data_dir, relative) == old
    assert archive.compact_archive(station.store.data_dir).files == 0  # nothing left to do


def test_a_damaged_archive_is_refused_never_read_as_other_bytes(
    station: StationContext,
) -> None:
    path, _ = issue(station, receive(station, NAMES[0]))
    data_dir = station.store.data_dir
    parts = sorted(p for p in (data_dir / "slips" / "shared").rglob("*") if p.is_file())
    biggest = max(parts, key=lambda p: p.stat().st_size)
    original = biggest.read_bytes()
    biggest.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(DomainError) as changed:
        archive.read_archived(data_dir, path)
    assert changed.value.code is ErrorCode.FILE_UNREADABLE
    biggest.unlink()
    with pytest.raises(DomainError) as missing:
        archive.read_archived(data_dir, path)
    assert missing.value.code is ErrorCode.FILE_UNREADABLE
    biggest.write_bytes(original)
    assert archive.read_archived(data_dir, path).startswith(b"%PDF-")
    compact = path.read_bytes()
    path.write_bytes(compact[: len(compact) // 2])
    with pytest.raises(DomainError):
        archive.read_archived(data_dir, path)


def test_the_next_slip_repairs_a_missing_or_changed_shared_part(station: StationContext) -> None:
    first, sha = issue(station, receive(station, NAMES[0]))
    data_dir = station.store.data_dir
    parts = sorted(p for p in (data_dir / "slips" / "shared").rglob("*") if p.is_file())
    parts[0].unlink()
    damaged = parts[1].read_bytes()
    parts[1].write_bytes(damaged[:-1] + bytes([damaged[-1] ^ 1]))  # same size, other bytes
    with pytest.raises(DomainError):
        archive.read_archived(data_dir, first)
    issue(station, receive(station, NAMES[2]))  # the same fonts: the parts are written again
    assert hashlib.sha256(archive.read_archived(data_dir, first)).hexdigest() == sha


def test_pack_gives_back_any_bytes() -> None:
    """The reader is total over what the writer makes, whatever the PDF looks like."""
    samples = [
        b"",
        b"%PDF-1.4\n",
        b"%PDF-1.4\n1 0 obj\n<<\n/Length 5\n>>\nstream\nabc",  # cut short
        b"%PDF-1.4\n" + b"1 0 obj\n<<\n/Length1 3 /Length 500\n>>\nstream\n" + b"x" * 500
        + b"endstream\nendobj\n" * 2,
    ]  # fmt: skip
    for sample in samples:
        compact, parts = slip_archive.pack(sample)
        assert slip_archive.unpack(compact, parts.__getitem__) == sample
    compact, parts = slip_archive.pack(samples[-1])
    assert len(parts) == 1  # the font-like object of 500+ bytes is shared
