"""Every Vietnamese word of the register (Mẫu 07), the period report (Biểu 06/VPCP/KSTT) and
their command-line options. All strings are NFC."""

from __future__ import annotations

from datetime import date, datetime

# --- Register (Sổ theo dõi hồ sơ, Mẫu số 07 Phụ lục I, TT 03/2025) -----------------------------

REGISTER_FORM = "Mẫu số 07 Phụ lục I, Thông tư số 03/2025/TT-VPCP"
REGISTER_TITLE = "SỔ THEO DÕI HỒ SƠ"
REGISTER_COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Nội dung (TTHC)",
    "Số lượng (bộ)",
    "Họ tên chủ hồ sơ",
    "Địa chỉ",
    "Số điện thoại",
    "Ngày nhận",
    "Hẹn trả",
    "Ngày có kết quả",
    "Ngày trả",
    "Ghi chú",
)
REGISTER_EMPTY = "Không có hồ sơ nào được vào sổ trong năm."
NOTE_ONLINE = "Nộp trực tuyến"
NOTE_POSTAL = "Nộp qua bưu chính"
NOTE_WITHDRAWN = "Đã rút hồ sơ"
NOTE_STOPPED = "Dừng giải quyết"
NOTE_REFUSED_RESULT = "Từ chối giải quyết"
NOTE_IN_SUPPLEMENT = "Đang chờ bổ sung"


def register_subtitle(year: int, book: int) -> str:
    return f"Năm {year} — Quyển số: {book:02d}"


def note_supplements(count: int) -> str:
    return f"Bổ sung {count} lần"


def note_apology(original_due: str) -> str:
    return f"Đã xin lỗi, hẹn lại (hẹn cũ {original_due})"


def short_moment(when: datetime) -> str:
    """``13/02/2026 10:00`` (the register's narrow date columns)."""
    return f"{when:%d/%m/%Y %H:%M}"


def page_of(page: int, pages: int) -> str:
    return f"Trang {page}/{pages}"


# --- Period report (Biểu số 06/VPCP/KSTT, Thông tư 01/2020/TT-VPCP) ---------------------------

REPORT_FORM = "Biểu số 06/VPCP/KSTT"
REPORT_FORM_BASIS = "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020"
REPORT_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
REPORT_UNIT = "Đơn vị tính: Số hồ sơ TTHC"
COL_NO = "STT"
COL_SUBJECT = "Lĩnh vực, công việc giải quyết theo cấp"
GROUP_RECEIVED = "Số hồ sơ nhận giải quyết"
GROUP_RESOLVED = "Số hồ sơ đã giải quyết"
GROUP_IN_PROGRESS = "Số hồ sơ đang giải quyết"
COL_TOTAL = "Tổng số"
COL_OF_WHICH = "Trong đó"
COL_ONLINE = "Trực tuyến"
COL_DIRECT_POSTAL = "Trực tiếp, dịch vụ bưu chính"
COL_CARRIED_OVER = "Từ kỳ trước"
COL_EARLY = "Trước hạn"
COL_ON_TIME = "Đúng hạn"
COL_LATE = "Quá hạn"
COL_IN_TIME = "Trong hạn"
COL_OVERDUE = "Quá hạn"
ROW_TOTAL = "Tổng cộng"
NO_FIELD = "(Chưa phân lĩnh vực)"
REPORT_SHEET = "Biểu 06"
SIGN_MAKER = "NGƯỜI LẬP BIỂU"
SIGN_HEAD = "THỦ TRƯỞNG ĐƠN VỊ"
SIGN_NOTE = "(Ký, ghi rõ họ tên)"
SIGN_HEAD_NOTE = "(Ký, ghi rõ họ tên và đóng dấu)"


def report_period(start: date, end: date) -> str:
    return f"(Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y})"


def column_number(index: int) -> str:
    return f"({index})"


def procedure_label(name: str, code: str) -> str:
    return f"{name} ({code})" if code else name


# --- Command line -------------------------------------------------------------------------------

CLI_REPORT = (
    "báo cáo tình hình giải quyết hồ sơ trong kỳ (Biểu 06/VPCP/KSTT): JSON, và tệp Excel/PDF "
    "nếu được yêu cầu"
)
CLI_REPORT_XLSX = "ghi thêm biểu báo cáo ra tệp Excel (.xlsx)"
CLI_REPORT_PDF = "ghi thêm biểu báo cáo ra tệp PDF (A4 ngang)"
CLI_REPORT_BY = "chia dòng theo: field (lĩnh vực, mặc định) hoặc procedure (từng thủ tục)"
CLI_REGISTER = "in (xuất PDF) Sổ theo dõi hồ sơ (Mẫu 07) của một năm"
CLI_REGISTER_YEAR = "năm của sổ, ví dụ 2026"
CLI_REGISTER_BOOK = "số hồ sơ mỗi quyển sổ (0 = một quyển cho cả năm)"
CLI_REGISTER_PDF = "tệp PDF cần ghi"
METAVAR_XLSX = "TỆP.xlsx"
METAVAR_PDF = "TỆP.pdf"
METAVAR_BY = "CÁCH-CHIA"
METAVAR_YEAR = "NĂM"
METAVAR_COUNT = "SỐ"


def cli_file_failed(path: str) -> str:
    return f"Không ghi được tệp «{path}»."


def cli_by_invalid(value: str) -> str:
    return f"Cách chia «{value}» không có; hãy dùng field (lĩnh vực) hoặc procedure (thủ tục)."


def cli_year_invalid(value: str) -> str:
    return f"Năm «{value}» không hợp lệ; hãy viết dạng 2026."


def report_legal_basis() -> str:
    """The caption above the report's title: form number and the circular it comes from."""
    return f"{REPORT_FORM} — {REPORT_FORM_BASIS}"


def closed_line(withdrawn: int, stopped: int, supplement_expired: int) -> str:
    """Under the table (one-stop-rules §5.2): of the resolved dossiers, those finished without a
    result, counted separately (they are counted as resolved on time)."""
    return (
        f"Trong đó: rút hồ sơ {withdrawn:,}; dừng giải quyết {stopped:,}; "
        f"đóng do quá hạn bổ sung {supplement_expired:,}"
    ).replace(",", ".")
