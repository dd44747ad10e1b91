"""Vietnamese texts: digitisation (scans of the dossier's components, their records, the rate
in the register and the period report)."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

DIGITISATION_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.SCAN_FILE_TYPE_UNSUPPORTED: (
        "Tệp «{filename}» không phải là bản quét: chỉ nhận tệp PDF, JPEG, PNG hoặc TIFF."
    ),
    ErrorCode.SCAN_FILE_UNREADABLE: (
        "Không đọc được tệp «{filename}»: tệp bị hỏng hoặc không đúng định dạng. "
        "Hãy quét lại hoặc chọn tệp khác."
    ),
    ErrorCode.SCAN_FILE_TOO_LARGE: (
        "Tệp «{filename}» quá lớn (tối đa {limit_mb} MB hoặc {limit_mp} triệu điểm ảnh mỗi trang)."
    ),
    ErrorCode.SCAN_PDF_ENCRYPTED: (
        "Tệp PDF «{filename}» có mật khẩu; hãy mở khóa tệp hoặc quét lại giấy tờ."
    ),
    ErrorCode.SCAN_NO_PAGES: "Chưa có trang nào: hãy quét hoặc chọn tệp giấy tờ trước.",
    ErrorCode.SCAN_PAGE_NOT_FOUND: "Không có trang số {page} trong bản quét.",
    ErrorCode.SCAN_ROTATION_INVALID: "Chỉ xoay trang được theo bội số của 90 độ.",
    ErrorCode.SCAN_FOLDER_UNREADABLE: (
        "Không đọc được thư mục nhận bản quét «{path}»; hãy kiểm tra đường dẫn trong phần cài đặt."
    ),
    ErrorCode.COMPONENT_NOT_FOUND: "Hồ sơ không có thành phần giấy tờ số {component}.",
    ErrorCode.COMPONENT_NOT_DIGITISED: (
        "Thành phần giấy tờ số {component} chưa được số hóa; hãy quét giấy tờ trước khi ký số."
    ),
    ErrorCode.SIGNED_PDF_INVALID: "Tệp đã ký số không phải là tệp PDF hợp lệ.",
    ErrorCode.SIGNED_PDF_MISMATCH: (
        "Tệp đã ký số không phải là bản số hóa hiện tại của thành phần giấy tờ số {component}; "
        "hãy ký lại đúng bản quét đã lưu."
    ),
    ErrorCode.SIGNER_NAME_MISSING: "Thiếu họ tên người ký số bản số hóa.",
    ErrorCode.RECEIPT_NOT_AVAILABLE: (
        "Hồ sơ {code} không có phiếu tiếp nhận và hẹn trả kết quả (Mẫu 01) để ký số: hồ sơ "
        "chưa được tiếp nhận (đã hướng dẫn bổ sung hoặc từ chối tiếp nhận) hoặc người nộp đã "
        "nhận kết quả. Chưa có gì bị thay đổi."
    ),
    ErrorCode.RECEIPT_SIGNED_MISMATCH: (
        "Tệp đã ký số không phải là phiếu tiếp nhận hiện tại của hồ sơ {code} (thông tin hồ sơ "
        "vừa thay đổi); hãy ký lại phiếu tiếp nhận."
    ),
}

# --- Event labels (history of a dossier) ---------------------------------------------------------

EVENT_COMPONENT_DIGITISED = "số hóa thành phần hồ sơ"
EVENT_COMPONENT_SIGNED = "ký số bản số hóa"
EVENT_RECEIPT_SIGNED = "ký số phiếu tiếp nhận"

# --- The signed receipt (reason written into the PDF signature) ---------------------------------

RECEIPT_SIGN_REASON = "Cán bộ tiếp nhận ký số phiếu tiếp nhận và hẹn trả kết quả hồ sơ"

# --- Register and period report ------------------------------------------------------------------

NOTE_DIGITISED = "Đã số hóa"


def rate_percent(digitised: int, total: int) -> str:
    """``12/20 (60,0%)``; ``0/0`` when nothing was counted (a rate of nothing is no rate)."""
    if not total:
        return "0/0"
    percent = f"{digitised * 100 / total:.1f}".replace(".", ",")
    return f"{digitised}/{total} ({percent}%)"


def register_rate(digitised: int, total: int) -> str:
    return (
        "Tỷ lệ hồ sơ giấy được số hóa đầy đủ thành phần trong năm: "
        f"{rate_percent(digitised, total)}"
    )


def report_rate(digitised: int, total: int) -> str:
    return (
        "Tỷ lệ hồ sơ giấy tiếp nhận trong kỳ được số hóa đầy đủ thành phần: "
        f"{rate_percent(digitised, total)}"
    )
