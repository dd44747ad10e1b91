"""Vietnamese texts of the stop notice (Mẫu 05), of Mẫu 02 during processing and of
supplements that expire (issue 13, items 3 and 4): slips, window, command line."""

from __future__ import annotations

from datetime import datetime

# --- Stop reasons (Mẫu 05) ------------------------------------------------------------------
# Decree 118/2025 Art. 21 (a stop asked by the applicant, in person or by post, until the
# decision) and Decree 309/2026 Art. 17.2.a, 4.2a (the data could not be retrieved from the
# national databases). "other": the officer types the reason.
STOP_APPLICANT_REQUEST = "applicant_request"
STOP_DATABASES = "databases_unreachable"
STOP_OTHER = "other"
STOP_REASONS = {
    STOP_APPLICANT_REQUEST: "Theo đề nghị dừng giải quyết hồ sơ của tổ chức, cá nhân",
    STOP_DATABASES: "Không khai thác được thông tin trong các cơ sở dữ liệu",
    STOP_OTHER: "Lý do khác",
}


def stop_reason_text(key: str, detail: str) -> str:
    """The reason printed on Mẫu 05: the chosen reason, then what the officer typed."""
    detail = detail.strip()
    if key == STOP_OTHER or key not in STOP_REASONS:
        return detail
    return f"{STOP_REASONS[key]}: {detail}" if detail else STOP_REASONS[key]


# --- Mẫu 05 on paper ----------------------------------------------------------------------------
TITLE_STOP = "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"
LABEL_STOP_APPLICANT = "Kính gửi Ông/Bà:"
STOP_INFORM = "Xin thông báo cho Ông/Bà được biết."
STOP_RETURN_PAPERS = (
    "Hồ sơ, giấy tờ đã nộp và phí, lệ phí (nếu có) được trả lại cho Ông/Bà theo quy định của "
    "pháp luật chuyên ngành."
)
SIGN_STOP_RECEIVER = "NGƯỜI NHẬN THÔNG BÁO"
SIGN_STOP_OFFICER = "NGƯỜI THÔNG BÁO"


def stop_statement(unit_name: str, when: datetime) -> str:
    return (
        f"{unit_name} thông báo dừng giải quyết hồ sơ nêu trên kể từ {when:%H} giờ {when:%M} "
        f"phút, ngày {when:%d/%m/%Y}, với lý do:"
    )


def expired_reason(requested: datetime, amount: int, unit: str) -> str:
    """The reason of Mẫu 05 for a dossier closed after an unanswered supplement request."""
    span = f"{amount} ngày làm việc" if unit == "working_days" else f"{amount} ngày"
    return (
        f"Quá {span} kể từ ngày yêu cầu bổ sung, hoàn thiện hồ sơ ({requested:%d/%m/%Y}) mà "
        "Ông/Bà chưa bổ sung, hoàn thiện hồ sơ (Điều 19 khoản 5 Nghị định 118/2025/NĐ-CP)."
    )


# --- Mẫu 02 during processing --------------------------------------------------------------------
LABEL_APPLICANT_IN_PROCESSING = "Tiếp nhận hồ sơ của Ông/Bà:"
LABEL_RECEIVED_ON = "Thời gian tiếp nhận hồ sơ:"


def supplement_deadline(requested: datetime, limit: datetime, amount: int, unit: str) -> str:
    """When the request was made and when, unanswered, it closes the dossier."""
    span = f"{amount} ngày làm việc" if unit == "working_days" else f"{amount} ngày"
    return (
        f"Yêu cầu ngày {requested:%d/%m/%Y}. Quá {span} (đến {limit:%H:%M} ngày "
        f"{limit:%d/%m/%Y}) mà Ông/Bà chưa bổ sung, hoàn thiện hồ sơ thì hồ sơ sẽ được đóng "
        "(dừng giải quyết) theo quy định."
    )


# --- The window: stop action and supplement reasons -----------------------------------------
ACT_STOP = "Dừng giải quyết (Alt+D)"
ACT_STOP_KEYS = "Alt+D"
STOP_TITLE = "Dừng giải quyết hồ sơ (Mẫu 05)"
STOP_REASON_CHOICE = "Lý do dừng:"
STOP_DETAIL = "Nội dung cụ thể (bắt buộc khi chọn «Lý do khác»):"
STOP_CONFIRM = "Dừng và in thông báo"
SUPPLEMENT_REASON_CHOICE = "Lý do yêu cầu bổ sung:"
SUPPLEMENT_REASON_TYPED = "Lý do khác (tự nhập bên dưới)"

# --- Reminders ------------------------------------------------------------------------------
REMINDERS_SUPPLEMENTS = "Chờ bổ sung"
REMINDERS_CLOSING = "Sắp đóng do quá hạn bổ sung (trong 3 ngày)"


def supplement_line(code: str, applicant: str, procedure: str, limit: datetime) -> str:
    return f"{code} — {applicant} — {procedure} — hạn bổ sung {limit:%H:%M %d/%m/%Y}"


def closed_summary(count: int) -> str:
    return (
        f"Đã đóng {count} hồ sơ quá hạn bổ sung (dừng giải quyết theo quy định)." if count else ""
    )


# --- Register (Sổ theo dõi hồ sơ) -----------------------------------------------------------
NOTE_SUPPLEMENT_EXPIRED = "Đóng hồ sơ do quá hạn bổ sung"

# --- Settings ------------------------------------------------------------------------------
SETTING_SUPPLEMENT_MODE = "Thời hạn giải quyết sau khi bổ sung:"
SUPPLEMENT_MODE_LABELS = {
    "rule_set": "Theo quy định áp dụng cho từng hồ sơ (mặc định)",
    "restart": "Tính lại từ đầu (Nghị định 118/2025)",
    "resume": "Tính tiếp phần thời gian còn lại",
}

# --- Command line --------------------------------------------------------------------------
CLI_REMINDERS = (
    "nhắc việc: hồ sơ chờ bổ sung, sắp đóng do quá hạn bổ sung; đóng các hồ sơ đã quá hạn bổ "
    "sung (in JSON)"
)
CLI_SLIP_FORM = (
    "loại phiếu: receipt (Mẫu 01), supplement (Mẫu 02: khi hướng dẫn bổ sung tại quầy hoặc "
    "yêu cầu bổ sung trong quá trình giải quyết), refusal (Mẫu 03), apology (Mẫu 04: văn bản "
    "xin lỗi), stop (Mẫu 05: thông báo dừng giải quyết), control_sheet (Mẫu 06: phiếu kiểm soát)"
)
CLI_REMINDERS_NO_CLOSE = "chỉ liệt kê, không đóng hồ sơ nào"
