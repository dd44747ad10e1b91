"""The register (Mẫu 07), the period report (Biểu 06) with its .xlsx / PDF exports, and the
Mẫu 04 / Mẫu 06 forms, on dossiers received and processed through the REAL services.

The fixture is computed by hand (period 01/03/2026 – 31/03/2026, 5 working days each, no
holiday in March 2026; Mon–Fri):

====  =========  =====================  ================================  =================
 id   field      received (channel)     what happens                      bucket
====  =========  =====================  ================================  =================
 A    Hộ tịch    Wed 25/02 (direct)     due Wed 04/03; result 04/03       carried / on time
 K    Hộ tịch    Thu 26/02 (direct)     due Thu 05/03; still open         carried / overdue
 B    Hộ tịch    Mon 02/03 (online)     due Mon 09/03; result Thu 05/03   online / early
 C    Hộ tịch    Mon 02/03 (direct)     due 09/03; result Wed 11/03       direct / late
 F    Hộ tịch    Mon 02/03 (direct)     supplement 04/03→06/03 14:00:      direct / early
                                        due restarts → Fri 13/03 14:00;
                                        result Thu 12/03
 G    Hộ tịch    Mon 02/03 (direct)     apology 05/03 → new due 16/03;    direct / late
                                        result Wed 11/03 (judged vs 09/03)
 D    Chứng thực Tue 03/03 (postal)     due Tue 10/03; still open         direct+postal / overdue
 E    Chứng thực Mon 30/03 (direct)     due Mon 06/04; still open         direct / in time
 H    Chứng thực Tue 03/03 (direct)     withdrawn Thu 05/03 (due 10/03)   direct / on time
                                        (withdrawn counts as on time,
                                        one-stop-rules §5.2)
 X    Hộ tịch    Thu 05/02              result Tue 10/02 (before period)  not counted
 Y    Hộ tịch    Wed 01/04              after the period                  not counted
 Z    —          Mon 02/03 (guided)     never received                    not counted
====  =========  =====================  ================================  =================
"""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.domain.statistics import period_statistics
from counter_app.printing.printer import PaperSize
from counter_app.services import archive, exports, register, slips
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, guide_dossier, receive_dossier
from counter_app.services.reports import GroupBy, period_report, report
from counter_app.services.station import StationContext
from counter_app.texts import reports as rt
from counter_app.texts import slips as st
from tests.conftest import make_applicant

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is needed to read PDFs back"
)
FIVE = ProcessingTime(TimeUnit.WORKING_DAYS, 5)
CIVIL = "1.001193"  # Hộ tịch
CERTIFY = "2.000815"  # Chứng thực
START, END = date(2026, 3, 1), date(2026, 3, 31)
DELAY = "Công chức Tư pháp - Hộ tịch chờ kết quả xác minh nơi cư trú"


def at(day: int, month: int = 3, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


def archived(station: StationContext, path: Path) -> bytes:
    """An archived slip's PDF, read back through the archive (its compact file)."""
    return archive.read_archived(station.store.data_dir, path)


def pdf_text(data: bytes, tmp_path: Path, name: str, *, layout: bool = False) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    mode = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *mode, str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def flat(text: str) -> str:
    return " ".join(text.split())


class Office:
    """Receives and processes the fixture's dossiers on a station."""

    def __init__(self, station: StationContext) -> None:
        self.ctx = station

    def receive(
        self,
        procedure: str,
        when: datetime,
        *,
        channel: Channel = Channel.DIRECT,
        name: str = "Nguyễn Văn Đức",
    ) -> Dossier:
        request = ReceptionRequest(
            procedure_code=procedure,
            applicant=make_applicant(name=name),
            time=FIVE,
            channel=channel,
            received_at=when,
        )
        return receive_dossier(self.ctx, request, officer="canbo")[0]

    def act(self, dossier: Dossier, action: Action, when: datetime, **payload: object) -> Dossier:
        officer = "lanhdao" if action in (Action.APOLOGY, Action.CORRECT) else "canbo"
        return record_action(self.ctx, dossier, action, officer=officer, payload=payload, at=when)[
            0
        ]


@pytest.fixture
def fixture(station: StationContext, clock: FixedClock) -> dict[str, Dossier]:
    clock.at = datetime(2026, 4, 2, 12, 0, tzinfo=VN_TZ)
    o = Office(station)
    d: dict[str, Dossier] = {}
    d["X"] = o.receive(CIVIL, at(5, 2), name="Trần Thị Xuân")
    d["X"] = o.act(d["X"], Action.RESULT, at(10, 2, 15))
    d["A"] = o.receive(CIVIL, at(25, 2), name="Lê Văn An")
    d["K"] = o.receive(CIVIL, at(26, 2), name="Phạm Thị Kim")
    d["B"] = o.receive(CIVIL, at(2), channel=Channel.ONLINE, name="Hoàng Văn Bình")
    d["C"] = o.receive(CIVIL, at(2), name="Vũ Thị Cúc")
    d["F"] = o.receive(CIVIL, at(2), name="Đỗ Văn Phúc")
    d["G"] = o.receive(CIVIL, at(2), name="Ngô Thị Giang")
    d["D"] = o.receive(CERTIFY, at(3), channel=Channel.POSTAL, name="Bùi Văn Dũng")
    d["H"] = o.receive(CERTIFY, at(3), name="Đặng Thị Hà")
    d["E"] = o.receive(CERTIFY, at(30), name="Dương Văn Em")
    d["Y"] = o.receive(CIVIL, at(1, 4), name="Lý Thị Yến")
    guide_dossier(
        station,
        ReceptionRequest(procedure_code=CIVIL, applicant=make_applicant(), received_at=at(2)),
        missing=("Giấy chứng sinh",),
        reason="Thiếu giấy chứng sinh",
        officer="canbo",
    )
    # The due dates the buckets rest on (5 working days, Mon–Fri, no holiday in March).
    assert d["A"].due_at == at(4) and d["K"].due_at == at(5)
    assert d["B"].due_at == d["C"].due_at == d["F"].due_at == d["G"].due_at == at(9)
    assert d["D"].due_at == d["H"].due_at == at(10) and d["E"].due_at == at(6, 4)

    d["A"] = o.act(d["A"], Action.HANDOVER, at(25, 2, 11), to="Công chức Tư pháp - Hộ tịch")
    d["A"] = o.act(d["A"], Action.HANDBACK, at(4, 3, 9), note="Đã ký")
    d["A"] = o.act(d["A"], Action.RESULT, at(4, 3, 15), result_number="12/TLKS")
    d["B"] = o.act(d["B"], Action.RESULT, at(5))
    d["C"] = o.act(d["C"], Action.RESULT, at(11))
    d["F"] = o.act(d["F"], Action.SUPPLEMENT_REQUEST, at(4, 3, 9), items=["Tờ khai"], reason="x")
    d["F"] = o.act(d["F"], Action.SUPPLEMENT_RECEIVED, at(6, 3, 14))
    assert d["F"].due_at == at(13, 3, 14)  # the clock restarts from zero
    d["F"] = o.act(d["F"], Action.RESULT, at(12))
    d["G"] = o.act(d["G"], Action.HANDOVER, at(2, 3, 11), to="Công chức Tư pháp - Hộ tịch")
    d["G"] = o.act(d["G"], Action.APOLOGY, at(5, 3, 9), new_due="2026-03-16T10:00", reason=DELAY)
    assert d["G"].due_at == at(16) and d["G"].stats_due_at == at(9)
    d["G"] = o.act(d["G"], Action.RESULT, at(11, 3, 15), result_number="31/TLKS")
    d["G"] = o.act(d["G"], Action.RETURN, at(12, 3, 9), receiver_name="Ngô Thị Giang")
    d["H"] = o.act(d["H"], Action.WITHDRAW, at(5), reason="Người nộp xin rút")
    return d


# Hand-computed figures (see the module docstring), in the column order (3)…(13).
CIVIL_ROW = (6, 1, 3, 2, 5, 2, 1, 2, 1, 0, 1)
CERTIFY_ROW = (3, 0, 3, 0, 1, 0, 1, 0, 2, 1, 1)
TOTAL_ROW = (9, 1, 6, 2, 6, 2, 2, 2, 3, 1, 2)


def _as_row(figures: dict[str, dict[str, int]]) -> tuple[int, ...]:
    r, s, p = figures["received"], figures["resolved"], figures["in_progress"]
    return (
        r["total"], r["online"], r["direct_postal"], r["carried_over"],
        s["total"], s["early"], s["on_time"], s["late"],
        p["total"], p["in_time"], p["overdue"],
    )  # fmt: skip


def test_the_json_figures_number_by_number(
    station: StationContext, fixture: dict[str, Dossier]
) -> None:
    data = report(station, start=START, end=END).to_dict()
    assert data["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert data["received"] == {"total": 9, "online": 1, "direct_postal": 6, "carried_over": 2}
    assert data["resolved"] == {"total": 6, "early": 2, "on_time": 2, "late": 2}
    assert data["in_progress"] == {"total": 3, "in_time": 1, "overdue": 2}
    assert list(data["by_field"]) == ["Chứng thực", "Hộ tịch"]
    assert _as_row(data["by_field"]["Hộ tịch"]) == CIVIL_ROW
    assert _as_row(data["by_field"]["Chứng thực"]) == CERTIFY_ROW
    assert data["by"] == "field" and "by_procedure" not in data
    # period_report (what the window shows) gives the same figures
    assert period_report(station, start=START, end=END).to_dict() == {
        k: v for k, v in data.items() if k not in ("by", "digitisation", "fees")
    }


def test_the_report_columns_hold_the_same_facts_as_the_dossiers(
    station: StationContext, fixture: dict[str, Dossier]
) -> None:
    """The report reads columns only; they must say what the full dossiers say."""
    from counter_app.domain.dossier import Status
    from counter_app.domain.statistics import DossierFacts

    truth = {
        d.uuid: DossierFacts(
            uuid=d.uuid,
            field=d.procedure_field,
            channel=d.channel,
            received_at=d.received_at,
            due_at=d.stats_due_at,
            finished_at=d.finished_at,
            withdrawn=d.status in (Status.WITHDRAWN, Status.STOPPED),
            closed_as={Status.WITHDRAWN: "withdrawn", Status.STOPPED: "stopped"}.get(d.status, ""),
        )
        for d in station.store.dossiers.iter_all()
        if d.status not in (Status.GUIDED, Status.REFUSED)
    }
    for start, end in ((START, END), (date(2026, 2, 1), date(2026, 2, 28)), (END, END)):
        fast = [f for _, _, f in station.store.dossiers.report_facts(start=start, end=end)]
        assert fast and all(f == truth[f.uuid] for f in fast)
        assert period_statistics(fast, start=start, end=end) == period_statistics(
            truth.values(), start=start, end=end
        )


def test_by_procedure_nests_procedures_under_their_field(
    station: StationContext, fixture: dict[str, Dossier]
) -> None:
    result = report(station, start=START, end=END, by=GroupBy.PROCEDURE)
    numbers = [(r.number, r.level, r.code) for r in result.rows]
    assert numbers == [("1", 0, ""), ("1.1", 1, CERTIFY), ("2", 0, ""), ("2.1", 1, CIVIL)]
    entries = result.to_dict()["by_procedure"]
    assert isinstance(entries, list)
    assert [(e["field"], e["code"]) for e in entries] == [
        ("Chứng thực", CERTIFY),
        ("Hộ tịch", CIVIL),
    ]
    assert _as_row(entries[1]) == CIVIL_ROW and _as_row(entries[0]) == CERTIFY_ROW
    assert entries[1]["name"] == fixture["A"].procedure_name


def test_the_xlsx_cell_by_cell(
    station: StationContext, fixture: dict[str, Dossier], tmp_path: Path
) -> None:
    result = report(station, start=START, end=END)
    path = tmp_path / "bieu06.xlsx"
    path.write_bytes(exports.report_xlsx(station, result))
    ws = openpyxl.load_workbook(path).active
    office = station.office()
    assert ws.title == rt.REPORT_SHEET
    assert (ws["A1"].value, ws["A2"].value) == (office.parent_body, office.unit_name)
    assert (ws["I1"].value, ws["I2"].value) == (rt.REPORT_FORM, rt.REPORT_FORM_BASIS)
    assert ws["A4"].value == rt.REPORT_TITLE
    assert ws["A5"].value == "(Từ ngày 01/03/2026 đến ngày 31/03/2026)"
    assert ws["A6"].value == "Đơn vị tính: Số hồ sơ TTHC"
    heads = {
        "A7": "STT", "B7": "Lĩnh vực, công việc giải quyết theo cấp",
        "C7": "Số hồ sơ nhận giải quyết", "G7": "Số hồ sơ đã giải quyết",
        "K7": "Số hồ sơ đang giải quyết",
        "C8": "Tổng số", "D8": "Trong đó", "G8": "Tổng số", "H8": "Trước hạn",
        "I8": "Đúng hạn", "J8": "Quá hạn", "K8": "Tổng số", "L8": "Trong hạn", "M8": "Quá hạn",
        "D9": "Trực tuyến", "E9": "Trực tiếp, dịch vụ bưu chính", "F9": "Từ kỳ trước",
    }  # fmt: skip
    for cell, text in heads.items():
        assert ws[cell].value == text, cell
    for cell in ("E7", "F8", "C9", "G9", "A9", "B8"):
        assert ws[cell].value is None, cell  # covered by a merge
    assert [ws.cell(row=10, column=c).value for c in range(1, 14)] == [
        f"({i})" for i in range(1, 14)
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A7:A9", "B7:B9", "C7:F7", "G7:J7", "K7:M7", "C8:C9", "D8:F8", "G8:G9", "H8:H9",
            "I8:I9", "J8:J9", "K8:K9", "L8:L9", "M8:M9", "A4:M4", "A5:M5", "A6:M6",
            "A13:B13"} <= merged  # fmt: skip
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 14)] for r in range(11, 14)]
    assert rows[0] == ["1", "Chứng thực", *CERTIFY_ROW]
    assert rows[1] == ["2", "Hộ tịch", *CIVIL_ROW]
    assert rows[2] == ["Tổng cộng", None, *TOTAL_ROW]
    assert ws.max_row == 16  # the total, the digitisation rate line (issue 6), the closed
    assert str(ws["A15"].value).startswith("Tỷ lệ hồ sơ giấy") and "A15:M15" in merged
    # of the resolved, counted separately (one-stop-rules 5.2): H was withdrawn
    assert (
        ws["A16"].value == "Trong đó: rút hồ sơ 1; dừng giải quyết 0; đóng do quá hạn bổ sung 0"
        and "A16:M16" in merged
    )
    assert all(ws.cell(row=r, column=c).number_format == "#,##0"
               for r in range(11, 14) for c in range(3, 14))  # fmt: skip
    assert ws.cell(row=13, column=3).font.b
    assert ws.freeze_panes == "C11"
    assert ws.column_dimensions["B"].width == 46 and ws.column_dimensions["M"].width == 11
    assert ws.page_setup.orientation == "landscape"


def test_the_report_pdf_reads_back(
    station: StationContext, fixture: dict[str, Dossier], tmp_path: Path
) -> None:
    result = report(station, start=START, end=END, by=GroupBy.PROCEDURE)
    text = pdf_text(exports.report_pdf(station, result), tmp_path, "bieu06.pdf", layout=True)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert rt.REPORT_TITLE in flat(text)
    assert "(Từ ngày 01/03/2026 đến ngày 31/03/2026)" in flat(text)
    assert "Đơn vị tính: Số hồ sơ TTHC" in flat(text)
    for heading in ("Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Trực tuyến"):
        assert heading in flat(text)
    figures = " ".join(str(v) for v in TOTAL_ROW)
    assert any(line.startswith("Tổng cộng") and line.endswith(figures) for line in lines)
    assert any(line.startswith("2 Hộ tịch " + " ".join(map(str, CIVIL_ROW))) for line in lines)
    assert "Trang 1/1" in text
    assert "Trong đó: rút hồ sơ 1; dừng giải quyết 0; đóng do quá hạn bổ sung 0" in flat(text)


def test_the_register_numbers_books_and_restart_in_january(
    station: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    clock.at = datetime(2027, 1, 5, 12, 0, tzinfo=VN_TZ)
    o = Office(station)
    first = [o.receive(CIVIL, datetime(2026, 12, 29, 8 + i, tzinfo=VN_TZ)) for i in range(5)]
    new_year = [o.receive(CERTIFY, datetime(2027, 1, 4, 8 + i, tzinfo=VN_TZ)) for i in range(3)]
    rows = register.register_rows(station, year=2026, book_size=2)
    assert [(r.book, r.number) for r in rows] == [(1, 1), (1, 2), (2, 3), (2, 4), (3, 5)]
    assert [r.code for r in rows] == [d.code for d in first]
    rows27 = register.register_rows(station, year=2027, book_size=0)
    assert [(r.book, r.number, r.code) for r in rows27] == [
        (1, i + 1, d.code) for i, d in enumerate(new_year)
    ]
    row = rows[0]
    assert (row.applicant_name, row.phone, row.sets) == ("Nguyễn Văn Đức", "0912345678", 1)
    assert row.received_at == datetime(2026, 12, 29, 8, tzinfo=VN_TZ)
    text = pdf_text(
        register.render_register_pdf(station, year=2026, book_size=2), tmp_path, "reg.pdf"
    )
    pages = [flat(p) for p in text.split("\f") if p.strip()]
    assert len(pages) == 3  # one page per book here
    assert all(rt.REGISTER_TITLE in p and "STT" in p and "Ghi chú" in p for p in pages)
    assert "Năm 2026 — Quyển số: 02" in pages[1] and "Trang 2/3" in pages[1]
    assert str(first[2].code) in pages[1] and str(first[4].code) in pages[2]


def test_the_register_of_the_fixture(
    station: StationContext, fixture: dict[str, Dossier], tmp_path: Path
) -> None:
    rows = register.register_rows(station, year=2026, book_size=0)
    by_code = {r.code: r for r in rows}
    assert [r.number for r in rows] == list(range(1, 12))  # guided Z never enters the register
    g, h, b = (by_code[str(fixture[k].code)] for k in "GHB")
    assert g.result_at == at(11, 3, 15) and g.returned_at == at(12, 3, 9)
    assert g.due_at == at(16) and "Đã xin lỗi" in g.note and "09/03/2026 10:00" in g.note
    assert h.result_at is None and rt.NOTE_WITHDRAWN in h.note
    assert rt.NOTE_ONLINE in b.note
    assert "Bổ sung 1 lần" in by_code[str(fixture["F"].code)].note
    text = flat(
        pdf_text(register.render_register_pdf(station, year=2026, book_size=0), tmp_path, "r.pdf")
    )
    assert str(fixture["G"].code) in text and "Ngô Thị Giang" in text


def test_apology_letter_mau_04(
    station: StationContext, fixture: dict[str, Dossier], tmp_path: Path
) -> None:
    g = station.store.dossiers.by_uuid(fixture["G"].uuid)
    assert g is not None
    assert slips.allowed_forms(g) == (slips.SlipForm.APOLOGY, slips.SlipForm.CONTROL_SHEET)
    pdf = slips.render(station, g, form=slips.SlipForm.APOLOGY, size=PaperSize.A5)
    text = flat(pdf_text(pdf, tmp_path, "apology.pdf"))
    for expected in (
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN",
        "Mẫu số 04 Phụ lục I, Thông tư số 03/2025/TT-VPCP",
        "Kính gửi: Ông/Bà Ngô Thị Giang",
        "Ngày 02 tháng 03 năm 2026",
        f"mã hồ sơ {g.code}",
        "Thủ tục đăng ký khai sinh",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 09 tháng 03 năm 2026",
        f"Lý do: {DELAY}",
        "xin lỗi Ông/Bà",
        "Thời gian hẹn trả kết quả lại: 10 giờ 00 phút, ngày 16 tháng 03 năm 2026",
        "Trân trọng",
        "Nơi nhận:",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "ngày 05 tháng 03 năm 2026",  # dated by the apology event
    ):
        assert expected in text, expected
    # Only dossiers with an apology have Mẫu 04, and it is not printed on the roll.
    c = station.store.dossiers.by_uuid(fixture["C"].uuid)
    assert c is not None and slips.SlipForm.APOLOGY not in slips.allowed_forms(c)
    for dossier, size in ((c, PaperSize.A5), (g, PaperSize.THERMAL_80MM)):
        with pytest.raises(DomainError) as caught:
            slips.render(station, dossier, form=slips.SlipForm.APOLOGY, size=size)
        assert caught.value.code is ErrorCode.SLIP_NOT_AVAILABLE


def test_apology_refusals_still_refuse(
    station: StationContext, clock: FixedClock, fixture: dict[str, Dossier]
) -> None:
    o = Office(station)
    d = o.receive(CIVIL, at(30, 3, 9))  # due Mon 06/04 09:00
    d = o.act(d, Action.APOLOGY, at(1, 4, 9), new_due="2026-04-10T09:00", reason=DELAY)
    with pytest.raises(DomainError) as twice:
        o.act(d, Action.APOLOGY, at(2, 4, 9), new_due="2026-04-14T09:00", reason=DELAY)
    assert twice.value.code is ErrorCode.APOLOGY_ALREADY_ISSUED
    late = station.store.dossiers.by_uuid(fixture["D"].uuid)  # due 10/03, now 02/04
    assert late is not None
    with pytest.raises(DomainError) as too_late:
        o.act(late, Action.APOLOGY, at(2, 4, 9), new_due="2026-04-14T09:00", reason=DELAY)
    assert too_late.value.code is ErrorCode.APOLOGY_TOO_LATE
    assert slips.SlipForm.APOLOGY not in slips.allowed_forms(late)


def test_control_sheet_mau_06(
    station: StationContext, fixture: dict[str, Dossier], tmp_path: Path
) -> None:
    a = station.store.dossiers.by_uuid(fixture["A"].uuid)
    assert a is not None
    pdf = slips.render(station, a, form=slips.SlipForm.CONTROL_SHEET, size=PaperSize.A4)
    raw = pdf_text(pdf, tmp_path, "control.pdf")
    text = flat(raw)
    for expected in (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Mẫu số 06 Phụ lục I",
        "Kèm theo hồ sơ của: Lê Văn An",
        f"Mã hồ sơ: {a.code}",
        "Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 25 tháng 02 năm 2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 04 tháng 03 năm 2026",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Công chức Tư pháp - Hộ tịch",
        "TÊN CƠ QUAN",
        "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "11 giờ 00 phút, ngày 25/02/2026",
        "09 giờ 00 phút, ngày 04/03/2026",
        "15 giờ 00 phút, ngày 04/03/2026",
    ):
        assert expected in text, expected
    assert "Số văn bản: 12/TLKS" in text
    assert text.count("1. Giao:") == 3  # hand-over, hand-back, result (no blank rows: done)
    assert text.count("Người giao") == 3
    # hand-over 25/02 and hand-back 04/03 before/at the due date, result on it
    assert text.count("Trước hạn") == 2 and text.count("Đúng hạn") >= 1
    g = station.store.dossiers.by_uuid(fixture["G"].uuid)
    assert g is not None
    g_text = flat(
        pdf_text(
            slips.render(station, g, form=slips.SlipForm.CONTROL_SHEET, size=PaperSize.A5),
            tmp_path,
            "control-g.pdf",
        )
    )
    # the result of 11/03 is late against 09/03, the due date before the apology
    assert "Quá hạn" in g_text and "Số văn bản: 31/TLKS" in g_text


def test_control_sheet_of_an_open_dossier_has_blank_rows(
    station: StationContext, fixture: dict[str, Dossier], tmp_path: Path
) -> None:
    e = station.store.dossiers.by_uuid(fixture["E"].uuid)
    assert e is not None
    text = flat(
        pdf_text(
            slips.render(station, e, form=slips.SlipForm.CONTROL_SHEET, size=PaperSize.A4),
            tmp_path,
            "open.pdf",
        )
    )
    assert text.count("1. Giao:") == 2  # no step yet: two rows to fill by hand


def test_issue_apology_and_a_corrected_reissue_of_the_receipt(
    station: StationContext, clock: FixedClock, fixture: dict[str, Dossier], tmp_path: Path
) -> None:
    e = station.store.dossiers.by_uuid(fixture["E"].uuid)
    assert e is not None
    _first, first_path, _ = slips.issue_slip(
        station, e, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )
    _again, again_path, _ = slips.issue_slip(
        station, e, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )
    assert "BẢN IN LẠI" in flat(pdf_text(archived(station, again_path), tmp_path, "again.pdf"))
    Office(station).act(e, Action.CORRECT, clock.now(), changes={"sets": 2}, reason="Sai số bộ")
    e = station.store.dossiers.by_uuid(e.uuid)
    assert e is not None and e.sets == 2
    fixed, fixed_path, _ = slips.issue_slip(
        station, e, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )
    text = flat(pdf_text(archived(station, fixed_path), tmp_path, "fixed.pdf"))
    assert st.corrected_reissue_mark(clock.now()) in text and "02 (bộ)" in text
    assert fixed.reprint and first_path.exists() and again_path.exists() and fixed_path.exists()
    events = [
        ev.payload for ev in station.store.dossiers.events_of(e.uuid) if ev.kind == "slip_printed"
    ]
    assert [p.get("reissue_after_correction", False) for p in events] == [False, False, True]
    # the next print, with no correction since, is an ordinary reprint again
    _, later, _ = slips.issue_slip(
        station, e, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )
    assert "CẤP LẠI" not in flat(pdf_text(archived(station, later), tmp_path, "later.pdf"))
    g = station.store.dossiers.by_uuid(fixture["G"].uuid)
    assert g is not None
    record, path, _ = slips.issue_slip(
        station, g, form=slips.SlipForm.APOLOGY, size=PaperSize.A5, officer="canbo"
    )
    assert path.name == f"{g.code}-apology-1.cpdf" and not record.reprint
    printed = [ev for ev in station.store.dossiers.events_of(g.uuid) if ev.kind == "slip_printed"]
    assert printed[-1].payload["template"] == "TT03-2025/04@1"


def test_a_reversed_period_is_refused(station: StationContext) -> None:
    with pytest.raises(DomainError) as caught:
        report(station, start=END, end=START)
    assert caught.value.code is ErrorCode.DATE_INVALID


def test_report_json_is_serialisable(station: StationContext, fixture: dict[str, Dossier]) -> None:
    for by in GroupBy:
        json.dumps(report(station, start=START, end=END, by=by).to_dict(), ensure_ascii=False)
