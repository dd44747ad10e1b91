"""Texts of the work after reception: dossier list, actions, reminders, report view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from counter_app.domain.errors import ErrorCode

# --- Menu and tabs ----------------------------------------------------------------------------
TAB_LIST = "Danh sách hồ sơ (F8)"
TAB_REPORT = "Báo cáo (F9)"
ACTION_LIST = "Danh sách hồ sơ"
ACTION_REPORT = "Báo cáo thống kê"
ACTION_REMINDERS = "Nhắc việc: hồ sơ đến hạn, quá hạn"

# --- Dossier list -----------------------------------------------------------------------------
FILTER_STATUS = "Trạng thái"
FILTER_PROCEDURE = "Thủ tục"
FILTER_OFFICER = "Cán bộ tiếp nhận"
FILTER_FROM = "Tiếp nhận từ"
FILTER_TO = "đến"
FILTER_DATES = "Lọc theo ngày tiếp nhận"
FILTER_ALL = "Tất cả"
FILTER_CLEAR = "Bỏ lọc"
QUICK_ALL = "Tất cả hồ sơ"
QUICK_DUE_TODAY = "Đến hạn hôm nay"
QUICK_DUE_NEXT = "Đến hạn ngày làm việc tới"
QUICK_OVERDUE = "Quá hạn"
COL_DEADLINE = "Tình trạng hạn"
COL_OFFICER = "Cán bộ"
DEADLINE_OVERDUE = "QUÁ HẠN"
DEADLINE_TODAY = "Đến hạn hôm nay"
DEADLINE_NEXT = "Sắp đến hạn"
DEADLINE_PAUSED = "Tạm dừng (chờ bổ sung)"
LIST_MORE = "cuộn xuống để xem thêm"
LIST_END = "đã hiển thị hết"
LIST_EMPTY = "Không có hồ sơ nào khớp bộ lọc."


def overdue_days(days: int) -> str:
    return f"QUÁ HẠN {days} ngày" if days > 0 else DEADLINE_OVERDUE


def list_count(count: int, more: bool) -> str:
    return f"{count:,} hồ sơ — {LIST_MORE if more else LIST_END}".replace(",", ".")


def next_day_label(day: date) -> str:
    return f"{QUICK_DUE_NEXT} ({day:%d/%m})"


# --- Barcode scan -----------------------------------------------------------------------------
def scan_not_found(code: str) -> str:
    return f"Không tìm thấy hồ sơ có mã {code} trên máy này."


# --- Dossier actions --------------------------------------------------------------------------
ACTIONS_TITLE = "Xử lý hồ sơ"
ACT_HANDOVER = "Chuyển phòng chuyên môn"
ACT_HANDBACK = "Nhận lại từ phòng"
ACT_RESULT = "Nhận kết quả"
ACT_SUPPLEMENT_REQUEST = "Yêu cầu bổ sung"
ACT_SUPPLEMENT_RECEIVED = "Nhận bổ sung"
ACT_APOLOGY = "Xin lỗi, hẹn lại"
ACT_WITHDRAW = "Rút hồ sơ"
ACT_RETURN = "Trả kết quả"
ACT_RATING = "Đánh giá"
ACT_CORRECT = "Sửa thông tin"

HANDOVER_TITLE = "Chuyển hồ sơ cho phòng chuyên môn"
HANDOVER_TO = "Chuyển cho (phòng, bộ phận, cán bộ)"
HANDOVER_NOTE = "Ghi chú"
HANDOVER_CONFIRM = "Chuyển và in phiếu kiểm soát"
HANDOVER_CONFIRM_NO_SHEET = "Chuyển hồ sơ"
HANDBACK_TITLE = "Nhận lại hồ sơ từ phòng chuyên môn"
HANDBACK_FROM = "Nhận từ"
HANDBACK_CONFIRM = "Nhận lại"
RESULT_TITLE = "Nhận kết quả giải quyết"
RESULT_OUTCOME = "Kết quả"
RESULT_APPROVED = "Giải quyết (có kết quả cho công dân)"
RESULT_REFUSED = "Từ chối giải quyết (có văn bản trả lời)"
RESULT_NUMBER = "Số văn bản, giấy tờ kết quả"
RESULT_NOTE = "Ghi chú"
RESULT_CONFIRM = "Ghi nhận kết quả"
SUPPLEMENT_TITLE = "Yêu cầu bổ sung hồ sơ (tạm dừng tính thời hạn)"
SUPPLEMENT_REASON = "Lý do yêu cầu bổ sung"
SUPPLEMENT_CONFIRM = "Yêu cầu bổ sung"
SUPPLEMENT_RECEIVED_TITLE = "Nhận giấy tờ bổ sung (tính lại thời hạn)"
SUPPLEMENT_RECEIVED_NOTE = "Ghi chú về giấy tờ đã nhận"
SUPPLEMENT_RECEIVED_CONFIRM = "Đã nhận đủ bổ sung"
APOLOGY_TITLE = "Xin lỗi và hẹn lại ngày trả kết quả"
APOLOGY_NEW_DUE = "Ngày hẹn trả mới"
APOLOGY_REASON = "Lý do chậm trả kết quả"
APOLOGY_CONFIRM = "Lập văn bản xin lỗi và in"
APOLOGY_RULE = "Chỉ được xin lỗi và hẹn lại một lần, chậm nhất 01 ngày trước ngày hẹn trả kết quả."
WITHDRAW_TITLE = "Công dân rút hồ sơ"
WITHDRAW_REASON = "Lý do rút hồ sơ"
WITHDRAW_CONFIRM = "Ghi nhận rút hồ sơ"
RETURN_TITLE = "Trả kết quả cho công dân"
RETURN_RECEIVER = "Người nhận kết quả"
RETURN_IS_APPLICANT = "Người nhận là người nộp hồ sơ"
RETURN_ORIGINALS = "Đã trả lại bản gốc giấy tờ cho công dân"
RETURN_NOTE = "Ghi chú"
RETURN_CONFIRM = "Ghi nhận trả kết quả"
RATING_TITLE = "Đánh giá của công dân"
RATING_COMMENT = "Ý kiến của công dân (nếu có)"
RATING_CONFIRM = "Ghi nhận đánh giá"
RATING_LABELS = {
    "rat_hai_long": "Rất hài lòng",
    "hai_long": "Hài lòng",
    "khong_hai_long": "Không hài lòng",
}
CORRECT_TITLE = "Sửa thông tin người nộp hồ sơ"
CORRECT_NAME = "Họ và tên"
CORRECT_ID = "Số định danh"
CORRECT_ADDRESS = "Địa chỉ"
CORRECT_PHONE = "Điện thoại"
CORRECT_REASON = "Lý do sửa"
CORRECT_CONFIRM = "Sửa và in lại giấy tiếp nhận"
CORRECT_NOTHING = "Chưa có thông tin nào thay đổi."
ACTION_DONE = "Đã ghi nhận."


def action_done(label: str) -> str:
    return f"Đã ghi nhận: {label}."


def procedure_choice(code: str, name: str) -> str:
    return f"{code} — {name}" if name else code


def with_detail(line: str, detail: str) -> str:
    """A history line followed by what the event said (handed to whom, the reason…)."""
    return f"{line} — {detail}" if detail else line


def event_detail(kind: str, payload: dict[str, Any]) -> str:
    """A short human summary of an event's payload, shown in the dossier history."""
    parts: list[str] = []
    if kind == "handed_over" and payload.get("to"):
        parts.append(f"cho {payload['to']}")
    elif kind == "handed_back" and payload.get("from"):
        parts.append(f"từ {payload['from']}")
    elif kind == "result_received":
        parts.append(RESULT_APPROVED if payload.get("outcome") == "approved" else RESULT_REFUSED)
    elif kind == "supplement_requested":
        parts.append("; ".join(str(i) for i in payload.get("items", ())))
    elif kind == "supplement_received" and payload.get("due_at"):
        parts.append(f"hẹn trả mới {datetime.fromisoformat(payload['due_at']):%d/%m/%Y %H:%M}")
    elif kind == "apology_issued" and payload.get("new_due_at"):
        new_due = datetime.fromisoformat(payload["new_due_at"])
        parts.append(f"hẹn lại {new_due:%d/%m/%Y %H:%M}")
    elif kind == "returned":
        parts.append(f"người nhận: {payload.get('receiver_name', '')}")
        if payload.get("originals_returned"):
            parts.append("đã trả bản gốc")
    elif kind == "rating_recorded":
        parts.append(RATING_LABELS.get(str(payload.get("rating")), str(payload.get("rating"))))
    elif kind == "authority_received" and payload.get("received_at"):
        parts.append(f"lúc {datetime.fromisoformat(payload['received_at']):%d/%m/%Y %H:%M}")
        if payload.get("due_at"):
            parts.append(f"hẹn trả {datetime.fromisoformat(payload['due_at']):%d/%m/%Y %H:%M}")
        if payload.get("by"):
            parts.append(f"người nhận: {payload['by']}")
    for key in ("reason", "note", "comment"):
        if payload.get(key):
            parts.append(str(payload[key]))
    return "; ".join(p for p in parts if p)


# --- Reminders --------------------------------------------------------------------------------
REMINDERS_TITLE = "Nhắc việc"
REMINDERS_OVERDUE = "Quá hạn"
REMINDERS_TODAY = "Đến hạn hôm nay"
REMINDERS_NONE = "Không có hồ sơ nào đến hạn hay quá hạn. "
REMINDERS_APOLOGY_BUTTON = "Lập văn bản xin lỗi cho hồ sơ đã chọn"
REMINDERS_OPEN = "Mở hồ sơ"
REMINDERS_APOLOGY_HINT = (
    "Hồ sơ hẹn trả vào ngày làm việc tới: hôm nay là ngày cuối cùng được xin lỗi và hẹn lại "
    "nếu không kịp trả kết quả."
)


def reminders_next(day: date) -> str:
    return f"Đến hạn ngày làm việc tới ({day:%d/%m/%Y})"


def reminders_summary(overdue: int, today: int, upcoming: int) -> str:
    return f"Quá hạn: {overdue} — Đến hạn hôm nay: {today} — Đến hạn ngày làm việc tới: {upcoming}"


def reminder_line(code: str, name: str, procedure: str, due: datetime | None) -> str:
    when = f"{due:%d/%m/%Y %H:%M}" if due else ""
    return f"{code} — hẹn trả {when} — {name} — {procedure}"


def section_title(title: str, count: int) -> str:
    return f"{title} ({count})"


# --- Report -----------------------------------------------------------------------------------
REPORT_HEADING = "Tình hình giải quyết hồ sơ (Biểu số 06/VPCP/KSTT)"
REPORT_FROM = "Từ ngày"
REPORT_TO = "đến ngày"
REPORT_THIS_MONTH = "Tháng này"
REPORT_LAST_MONTH = "Tháng trước"
REPORT_RUN = "Xem báo cáo"
REPORT_EXPORT_XLSX = "Xuất Excel…"
REPORT_EXPORT_PDF = "Xuất PDF…"
REPORT_PRINT_REGISTER = "In sổ theo dõi…"
REPORT_COMPUTING = "Đang tính số liệu báo cáo…"
REPORT_CANCEL_HINT = "Esc: hủy"
REPORT_CANCELLED = "Đã hủy tính báo cáo; bấm «Xem báo cáo» để tính lại."
REPORT_EXPORTING = "Đang xuất báo cáo…"
REPORT_FIELD = "Lĩnh vực"
REPORT_TOTAL = "Tổng cộng"
REPORT_NO_DATA = "Không có hồ sơ nào trong kỳ."
REPORT_COLUMNS = (
    "Nhận:\ntổng số",
    "Trực\ntuyến",
    "Trực tiếp,\nbưu chính",
    "Kỳ trước\nchuyển qua",
    "Đã giải\nquyết",
    "Trước\nhạn",
    "Đúng\nhạn",
    "Giải quyết\nquá hạn",
    "Đang giải\nquyết",
    "Đang,\ntrong hạn",
    "Đang,\nquá hạn",
)
CHART_BARS = ("Trước hạn", "Đúng hạn", "Giải quyết quá hạn", "Đang, trong hạn", "Đang, quá hạn")
CHART_TITLE = "Kết quả giải quyết"
XLSX_FILTER = "Tệp Excel (*.xlsx)"
PDF_FILTER = "Tệp PDF (*.pdf)"


def report_period(start: date, end: date, *, empty: bool = False) -> str:
    period = f"Kỳ báo cáo: từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    return f"{period} — {REPORT_NO_DATA}" if empty else period


def report_saved(path: str) -> str:
    return f"Đã lưu: {path}"


def report_file_name(start: date, end: date, extension: str) -> str:
    return f"bao-cao-{start:%Y%m%d}-{end:%Y%m%d}.{extension}"


# --- the officer's own fields of an action (not the applicant's information) --------------------
ACTION_FIELD_LABELS = {
    "to": "nơi nhận hồ sơ chuyển đến",
    "from": "nơi chuyển hồ sơ về",
    "note": "ghi chú",
    "outcome": "kết quả giải quyết (được giải quyết hoặc từ chối)",
    "result_number": "số văn bản kết quả",
    "missing": "danh sách giấy tờ cần bổ sung",
    "reason": "lý do",
    "reason_key": "lý do dừng xử lý (chọn trong danh sách)",
    "due_override_reason": "lý do sửa ngày hẹn trả",
    "receiver_name": "họ và tên người nhận kết quả",
    "originals_returned": "đã trả lại bản gốc (có hoặc không)",
    "rating": "mức đánh giá (rất hài lòng, hài lòng, không hài lòng)",
    "comment": "ý kiến của người dân",
    "action": "việc trình lãnh đạo phê duyệt",
    "changes": "nội dung cần sửa",
    "by": "người tiếp nhận của cơ quan có thẩm quyền",
}

ACTION_FIELD_ERRORS = {
    ErrorCode.ACTION_FIELD_MISSING: "Thiếu {field_label}. Không có gì được ghi.",
    ErrorCode.ACTION_FIELD_INVALID: "Không hợp lệ: {field_label}. Không có gì được ghi.",
}
