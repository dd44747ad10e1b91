"""Slips fit their paper (issue 11): one sheet per copy, 9 pt at least, the appointment boxed
with its weekday, the register number, blank unknown fee, wording of Mẫu 02/03, the A4x2
sheet with its cut line, rows never split, the 80 mm roll. Every PDF is rendered from dossiers
received through the real services and read back (pdftotext, pypdfium2, zxing-cpp)."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from PIL import Image

from counter_app.domain.dossier import Dossier
from counter_app.domain.models import VN_TZ, DocumentForm, DocumentItem, ReturnMethod
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.printing.printer import PaperSize
from counter_app.services import intake, slips
from counter_app.services.station import StationContext
from counter_app.texts import slips as t
from tests.conftest import make_applicant
from tests.printing.test_slips import (
    ROOT,
    decoded,
    guided,
    page_sizes_mm,
    page_texts,
    pdf_text,
    refused,
    scans,
    write,
)

PAPER = (PaperSize.A5, PaperSize.A4, PaperSize.A4X2)
# What an officer ticks for everyday commune procedures (the catalogue's names are the portal's
# legal texts; its checklists are being curated, so the test names its own papers).
EVERYDAY_PAPERS = (
    "Tờ khai đăng ký khai sinh theo mẫu",
    "Giấy chứng sinh do cơ sở y tế nơi trẻ em sinh ra cấp",
    "Văn bản ủy quyền theo quy định của pháp luật trong trường hợp ủy quyền thực hiện việc "
    "đăng ký hộ tịch",
    "Giấy tờ chứng minh nơi cư trú trong trường hợp không khai thác được thông tin về cư trú",
    "Biên bản xác nhận việc trẻ bị bỏ rơi do Ủy ban nhân dân cấp xã nơi phát hiện lập",
    "Văn bản thỏa thuận về việc mang thai hộ",
    "Bản sao có chứng thực giấy chứng nhận kết hôn của cha, mẹ trẻ",
    "Giấy tờ tùy thân của người đi đăng ký (hộ chiếu, thẻ căn cước hoặc giấy tờ khác có dán "
    "ảnh do cơ quan có thẩm quyền cấp, còn giá trị sử dụng)",
)
TYPICAL = (  # (procedure, papers ticked, papers): a submitter and a postal address too
    *((code, count, size) for size in PAPER
      for code, count in (("1.001193", 3), ("1.000894", 5), ("2.000815", 2))),
    ("1.001193", 8, PaperSize.A4),  # eight papers: one A4 sheet (two A5 sheets on A5)
)  # fmt: skip
MM = 72 / 25.4


def receive(
    ctx: StationContext,
    code: str,
    *,
    documents: tuple[DocumentItem, ...] | None = None,
    submitter: bool = True,
    name: str = "Nguyễn Văn Đức",
) -> Dossier:
    """A dossier of ``code`` with ``documents`` (default: the whole checklist, ticked)."""
    procedure = intake.procedure_or_error(ctx, code)
    if documents is None:
        documents = tuple(replace(d, received=True) for d in procedure.documents)
    unknown = procedure.processing_time.unit is TimeUnit.UNKNOWN
    request = intake.ReceptionRequest(
        procedure_code=code,
        applicant=make_applicant(name=name),
        submitter=make_applicant(name="Trần Thị Bích Ngọc", id_number="001190654321")
        if submitter
        else None,
        documents=documents,
        time=ProcessingTime(TimeUnit.WORKING_DAYS, 5) if unknown else None,
        return_method=ReturnMethod.POSTAL,
        return_address="Số 12, ngõ 34, thôn Đông, xã Minh Hòa, tỉnh Ninh Bình",
    )
    return intake.receive_dossier(ctx, request, officer="canbo")[0]


def receipt(ctx: StationContext, dossier: Dossier, size: PaperSize, tmp_path: Path) -> Path:
    pdf = slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=size)
    return write(tmp_path, f"receipt-{dossier.register_no}-{size}.pdf", pdf)


def page_count(pdf: Path) -> int:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def half_text(pdf: Path, *, page: int, right: bool) -> str:
    """pdftotext of the left or right half of a landscape A4x2 sheet."""
    x = int(148.5 * MM) if right else 0
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-x", str(x), "-y", "0",
         "-W", str(int(148.5 * MM)), "-H", str(int(210 * MM)), str(pdf), "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout.decode("utf-8")  # fmt: skip
    return " ".join(unicodedata.normalize("NFC", out).split())


# --- One sheet per copy -------------------------------------------------------------------------


def everyday(count: int) -> tuple[DocumentItem, ...]:
    forms = (DocumentForm.ORIGINAL, DocumentForm.CERTIFIED_COPY, DocumentForm.ORIGINAL_AND_COPY)
    return tuple(
        DocumentItem(name, forms[i % 3], 1 + i % 2, True)
        for i, name in enumerate(EVERYDAY_PAPERS[:count])
    )


@pytest.mark.parametrize(("code", "papers", "size"), TYPICAL)
def test_typical_receipts_take_one_sheet_per_copy(
    station: StationContext, tmp_path: Path, code: str, papers: int, size: PaperSize
) -> None:
    """A submitter, postal return address and up to 8 papers: still one sheet per copy."""
    dossier = receive(station, code, documents=everyday(papers))
    pdf = receipt(station, dossier, size, tmp_path)
    assert page_count(pdf) == (1 if size is PaperSize.A4X2 else 2)
    text = pdf_text(pdf)
    assert f"({t.COPY_KEEP})" in text and f"({t.COPY_APPLICANT})" in text
    assert f"({t.CONTINUED})" not in text and "Trang 1/" not in text
    # (a wrapped cell reads back interleaved with its row's other cells: check its start)
    assert all(" ".join(name.split()[:4]) in text for name in EVERYDAY_PAPERS[:papers])
    assert text.count(t.SIGN_OFFICER) == 2 and text.count(str(dossier.code)) >= 2


@pytest.mark.parametrize("size", list(PaperSize))
@pytest.mark.parametrize("form", list(slips.SlipForm)[:3])
def test_type_is_never_smaller_than_9_pt(
    station: StationContext, tmp_path: Path, form: slips.SlipForm, size: PaperSize
) -> None:
    maker = {slips.SlipForm.SUPPLEMENT: guided, slips.SlipForm.REFUSAL: refused}
    dossier = (
        maker[form](station)
        if form in maker
        else receive(station, "1.001193", documents=everyday(3))
    )
    pdf = write(tmp_path, "x.pdf", slips.render(station, dossier, form=form, size=size))
    document = pdfium.PdfDocument(str(pdf))
    sizes: set[float] = set()
    try:
        for page in document:
            text = page.get_textpage()
            for i in range(text.count_chars()):
                if text.get_text_range(i, 1).strip():
                    sizes.add(round(pdfium_raw.FPDFText_GetFontSize(text.raw, i), 2))
    finally:
        document.close()
    assert sizes and min(sizes) >= 8.99, sorted(sizes)[:5]


# --- Content ------------------------------------------------------------------------------------


def test_the_appointment_is_boxed_with_its_weekday(station: StationContext, tmp_path: Path) -> None:
    dossier = receive(
        station, "1.001193", documents=everyday(3)
    )  # same day: Friday 13/02/2026, 17:00
    assert dossier.due_at is not None
    expected = t.appointment(dossier.due_at.astimezone(VN_TZ))
    assert expected == "17 giờ 00, thứ Sáu, ngày 13/02/2026"
    pdf = receipt(station, dossier, PaperSize.A5, tmp_path)
    assert f"{t.LABEL_DUE} {expected}" in page_texts(pdf)[0]
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        width = page.get_width()
        boxes = [
            o.get_bounds()
            for o in page.get_objects(max_depth=4)
            if o.type == pdfium_raw.FPDF_PAGEOBJ_PATH
        ]
        text = page.get_textpage()
        found = text.search(expected)
        hit = found.get_next()
        assert hit is not None
        char = text.get_charbox(hit[0])
    finally:
        document.close()
    rules = [b for b in boxes if b[2] - b[0] > width * 0.8 and 1.2 <= b[3] - b[1] < 3]
    above = [b for b in rules if char[3] <= b[1] < char[3] + 8 * MM]
    below = [b for b in rules if char[1] - 8 * MM < b[3] <= char[1]]
    boxed = above and below  # the bold box's top and bottom rules (1.4 pt) round the date
    assert boxed, "no ruled box around the appointment"


def test_the_number_is_the_register_number(station: StationContext, tmp_path: Path) -> None:
    first, second = (
        receive(station, "1.001193", documents=everyday(3)),
        receive(station, "2.000815", documents=everyday(2)),
    )
    assert (first.register_no, second.register_no) == (1, 2)
    for dossier in (first, second):
        text = pdf_text(receipt(station, dossier, PaperSize.A5, tmp_path))
        # the office-wide register number: this counter's prefix, then its own number
        prefix = station.office().station_prefix
        assert dossier.register_label == f"{prefix}-{dossier.register_no:04d}"
        assert f"Số: {dossier.register_label}/2026" in text
        assert "……/……" not in text
    events = station.store.dossiers.events_of(first.uuid)
    sheet = slips.render(station, first, form=slips.SlipForm.CONTROL_SHEET, size=PaperSize.A4)
    control = pdf_text(write(tmp_path, "control.pdf", sheet))
    assert events and f"Số: {first.register_label}/2026" in control


@pytest.mark.parametrize("maker", [guided, refused])
def test_supplement_and_refusal_do_not_say_received(
    station: StationContext, tmp_path: Path, maker: object
) -> None:
    dossier = maker(station)  # type: ignore[operator]
    form = slips.allowed_forms(dossier)[0]
    text = pdf_text(write(tmp_path, "x.pdf", slips.render(station, dossier, form=form,
                                                         size=PaperSize.A5)))  # fmt: skip
    assert "Tiếp nhận hồ sơ của" not in text
    assert f"{t.LABEL_APPLICANT_NOT_RECEIVED} Nguyễn Văn Đức" in text
    assert "……/……" not in text and "Số:" not in text.split(t.MOTTO_COUNTRY)[0]


def _procedure_with_fee(fee: str) -> str:
    catalogue = json.loads((ROOT / "resources/catalogue/procedures.json").read_text("utf-8"))
    return next(r["code"] for r in catalogue if (r.get("fee_text") or "") == fee)


def test_an_unknown_fee_is_left_blank_to_fill_by_hand(
    station: StationContext, tmp_path: Path
) -> None:
    dossier = receive(station, _procedure_with_fee("Không có thông tin"), documents=everyday(2))
    text = pdf_text(receipt(station, dossier, PaperSize.A5, tmp_path))
    assert f"{t.LABEL_FEE} {t.FEE_BLANK}" in text
    assert "Không có thông tin" not in text
    known = receive(station, _procedure_with_fee("Miễn phí"), documents=everyday(2))
    assert f"{t.LABEL_FEE} Miễn phí" in pdf_text(receipt(station, known, PaperSize.A5, tmp_path))


def test_the_receipt_lists_exactly_the_papers_ticked(
    station: StationContext, tmp_path: Path
) -> None:
    papers = tuple(replace(d, received=i in (0, 2)) for i, d in enumerate(everyday(5)))
    dossier = receive(station, "1.001193", documents=papers)
    text = pdf_text(receipt(station, dossier, PaperSize.A5, tmp_path))
    for i, paper in enumerate(papers):
        assert (" ".join(paper.name.split()[:4]) in text) is (i in (0, 2)), paper.name
    nothing = tuple(replace(d, received=False) for d in papers)
    empty = receive(station, "1.001193", documents=nothing)
    text = pdf_text(receipt(station, empty, PaperSize.A5, tmp_path))
    assert t.NO_PAPER_RECORDED in text
    assert not any(" ".join(p.name.split()[:4]) in text for p in papers)
    assert t.COLUMN_DOCUMENT not in text
    procedure = intake.procedure_or_error(station, "1.001193")  # nor the catalogue's papers
    assert not any(" ".join(p.name.split()[:6]) in text for p in procedure.documents)


def test_letters_on_a4x2_paper_print_on_the_a4_sheet(
    station: StationContext, tmp_path: Path
) -> None:
    dossier = receive(station, "1.001193", documents=everyday(2))
    pdf = slips.render(station, dossier, form=slips.SlipForm.CONTROL_SHEET, size=PaperSize.A4X2)
    sizes = page_sizes_mm(write(tmp_path, "control.pdf", pdf))
    assert [(round(w), round(h)) for w, h in sizes] == [(210, 297)]


# --- A4, two copies side by side ----------------------------------------------------------------


def test_a4x2_puts_each_copy_on_one_half_with_a_dashed_cut_line(
    station: StationContext, tmp_path: Path
) -> None:
    dossier = receive(station, "1.001193", documents=everyday(3))
    pdf = receipt(station, dossier, PaperSize.A4X2, tmp_path)
    assert page_count(pdf) == 1
    left, right = half_text(pdf, page=1, right=False), half_text(pdf, page=1, right=True)
    assert f"({t.COPY_KEEP})" in left and t.COPY_APPLICANT not in left
    assert f"({t.COPY_APPLICANT})" in right and t.COPY_KEEP not in right
    for half in (left, right):
        assert str(dossier.code) in half and t.TITLE_RECEIPT in half
    (image,) = scans(pdf, tmp_path)
    grey = image.convert("L")
    width, height = grey.size
    for box in ((0, 0, width // 2, height), (width // 2, 0, width, height)):
        codes = decoded(grey.crop(box))
        assert codes.get("Code128") == [str(dossier.code)] and len(codes["QRCode"]) == 1
    assert _dashes(grey, x=width // 2) >= 30


def _dashes(image: Image.Image, *, x: int) -> int:
    """Dark runs down column ``x`` (±1 px) away from the text: a dashed line has dozens."""
    height = image.size[1]
    dark = [min(image.getpixel((x + dx, y)) for dx in (-1, 0, 1)) < 160 for y in range(height)]  # type: ignore[operator]
    return sum(1 for y in range(1, height) if dark[y] and not dark[y - 1])


# --- Running over -------------------------------------------------------------------------------


def _long_papers(count: int) -> tuple[DocumentItem, ...]:
    filler = "bản sao có chứng thực hoặc bản sao kèm bản chính để đối chiếu theo quy định " * 2
    return tuple(
        DocumentItem(f"Giấy tờ số {i:02d}: {filler}(hết giấy tờ {i:02d})",
                     DocumentForm.CERTIFIED_COPY, 1, True)
        for i in range(1, count + 1)
    )  # fmt: skip


@pytest.mark.parametrize("size", [PaperSize.A5, PaperSize.A4])
def test_a_long_table_never_splits_a_row_and_repeats_code_name_and_header(
    station: StationContext, tmp_path: Path, size: PaperSize
) -> None:
    papers = _long_papers(40)
    long_name = "Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Ngọc Bảo Trâm Khánh Linh"
    dossier = receive(station, "1.001193", documents=papers, name=long_name)
    pdf = receipt(station, dossier, size, tmp_path)
    assert _rightmost_text_mm(pdf) <= (148 if size is PaperSize.A5 else 210) - 5
    pages = page_texts(pdf)
    per_copy = len(pages) // 2
    assert per_copy >= 2
    for copy, label in enumerate((t.COPY_KEEP, t.COPY_APPLICANT)):
        mine = pages[copy * per_copy : (copy + 1) * per_copy]
        assert f"({label})" in mine[0]
        for number, page in enumerate(mine, 1):
            assert t.page_of(number, per_copy) in page
            assert t.COLUMN_DOCUMENT in page or number == per_copy  # header row repeated
            if number > 1:  # the running header: code, (shortened) name, copy
                running = t.continued_header(str(dossier.code), "", label).split(" — ")
                assert running[0] in page and running[-1] in page and long_name[:20] in page
        for i in range(1, len(papers) + 1):  # each row wholly on one page
            start, end = f"Giấy tờ số {i:02d}:", f"(hết giấy tờ {i:02d})"
            holders = [p for p in mine if start in p]
            assert len(holders) == 1 and end in holders[0], i
        assert t.SIGN_OFFICER in mine[-1] and str(dossier.code) in mine[-1]
    images = scans(pdf, tmp_path)
    last = decoded(images[per_copy - 1])
    assert len(last.get("QRCode", [])) == 1  # the QR with the signatures, under the code line


def test_papers_that_overflow_the_table_run_on_and_keep_one_sheet_at_9_pt(
    station: StationContext, tmp_path: Path
) -> None:
    """12 papers of ~90 characters overflow the A5 table even at 9 pt: they are listed as one
    numbered run-on paragraph, every title whole, and each copy keeps to one sheet."""
    papers = tuple(
        DocumentItem(f"Giấy tờ số {i:02d} về xác nhận thông tin cư trú của người có yêu cầu "
                     f"theo mẫu quy định (kết thúc {i:02d})", DocumentForm.COPY, 1, True)
        for i in range(1, 13)
    )  # fmt: skip
    dossier = receive(station, "1.001193", documents=papers)
    pdf = receipt(station, dossier, PaperSize.A5, tmp_path)
    assert page_count(pdf) == 2
    pages = page_texts(pdf)
    for page in pages:
        assert t.COLUMN_DOCUMENT not in page and "Trang 1/" not in page
        for i in range(1, 13):  # numbered, whole, with its form and count
            assert (
                f"{i}) Giấy tờ số {i:02d}" in page and f"(kết thúc {i:02d}) — Bản sao, 01" in page
            )
        assert t.SIGN_OFFICER in page and str(dossier.code) in page


def _rightmost_text_mm(pdf: Path) -> float:
    """The right edge (mm) of the rightmost printed character on any page."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        edges = [0.0]
        for page in document:
            chars = page.get_textpage()
            edges += [chars.get_charbox(i)[2] / MM for i in range(chars.count_chars())
                      if chars.get_text_range(i, 1).strip()]  # fmt: skip
        return max(edges)
    finally:
        document.close()


# --- 80 mm roll ---------------------------------------------------------------------------------


def test_the_roll_keeps_every_sentence_whole_and_inside_the_paper(
    station: StationContext, tmp_path: Path
) -> None:
    dossier = receive(station, "1.001193", documents=everyday(3))
    pdf = receipt(station, dossier, PaperSize.THERMAL_80MM, tmp_path)
    text = pdf_text(pdf)
    assert f"{t.FOOTER_RECEIPT} {station.office().lookup_url}" in text
    assert f"{t.LABEL_APPOINTMENT} {t.appointment(dossier.due_at.astimezone(VN_TZ))}" in text  # type: ignore[union-attr]
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        width = page.get_width()
        chars = page.get_textpage()
        rights = [chars.get_charbox(i)[2] for i in range(chars.count_chars())
                  if chars.get_text_range(i, 1).strip()]  # fmt: skip
        bars = max(
            (o.get_bounds() for o in page.get_objects(max_depth=4)
             if o.type == pdfium_raw.FPDF_PAGEOBJ_PATH),
            key=lambda b: b[3] - b[1],
        )  # fmt: skip
        hit = chars.search(t.FOOTER_RECEIPT.split()[0]).get_next()
        assert hit is not None
        sentence_top = chars.get_charbox(hit[0])[3]
    finally:
        document.close()
    assert max(rights) <= width - 3 * MM  # nothing reaches the roll's right edge
    assert bars[3] - bars[1] > 80 * MM  # the vertical barcode...
    assert sentence_top < bars[1]  # ...and the lookup sentence starts below it, whole
    (image, _) = scans(pdf, tmp_path)
    assert decoded(image).get("Code128") == [str(dossier.code)]
