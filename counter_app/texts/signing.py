"""Vietnamese texts of scanners and digital signatures (issue 6).

``SIGNING_ERRORS`` is part of the error catalogue (``counter_app.texts.error_message``).
``SIGNATURE_STATUS_LABELS`` is keyed by the values of ``counter_app.signing.SignatureStatus``
(a ``StrEnum``, so the enum members themselves work as keys).
"""

from __future__ import annotations

from datetime import datetime

from counter_app.domain.errors import ErrorCode

SIGNING_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.SCANNER_NOT_FOUND: (
        "Không tìm thấy máy quét «{scanner}». Hãy kiểm tra máy quét đã bật và đã cắm cáp vào máy "
        "tính, rồi chọn lại máy quét."
    ),
    ErrorCode.SCANNER_FAILED: (
        "Máy quét báo lỗi khi quét ({detail}). Hãy kiểm tra giấy và nắp máy quét rồi quét lại; "
        "các trang đã quét trước đó không bị mất."
    ),
    ErrorCode.SCANNER_FEEDER_EMPTY: (
        "Khay nạp giấy của máy quét đang trống. Hãy đặt giấy tờ vào khay rồi quét lại."
    ),
    ErrorCode.SCANNER_NO_FEEDER: (
        "Máy quét này không có khay nạp giấy tự động; hãy đặt từng trang lên mặt kính để quét."
    ),
    ErrorCode.SCANNER_UNSUPPORTED: (
        "Máy tính này chưa dùng được máy quét: cần SANE (Linux) hoặc WIA (Windows)."
    ),
    ErrorCode.SIGNING_LIBRARY_NOT_FOUND: (
        "Không tìm thấy trình điều khiển của thiết bị ký số (USB token) «{path}». Hãy cài phần "
        "mềm đi kèm token hoặc chọn đúng tệp trình điều khiển."
    ),
    ErrorCode.SIGNING_TOKEN_NOT_FOUND: (
        "Không tìm thấy thiết bị ký số (USB token). Hãy cắm token vào máy tính rồi thử lại."
    ),
    ErrorCode.SIGNING_KEY_NOT_FOUND: (
        "Trên thiết bị ký số không có khóa bí mật kèm chứng thư số dùng được để ký."
    ),
    ErrorCode.SIGNING_PIN_WRONG: (
        "Mã PIN không đúng. Chưa có gì bị thay đổi; hãy nhập lại mã PIN của thiết bị ký số."
    ),
    ErrorCode.SIGNING_PIN_FINAL_TRY: (
        "Mã PIN không đúng. Chỉ còn 01 lần thử: nếu nhập sai lần nữa, thiết bị ký số sẽ bị khóa. "
        "Chưa có gì bị thay đổi."
    ),
    ErrorCode.SIGNING_PIN_LOCKED: (
        "Thiết bị ký số đã bị khóa do nhập sai mã PIN quá số lần cho phép. Hãy liên hệ tổ chức "
        "cung cấp dịch vụ chứng thực chữ ký số để mở khóa."
    ),
    ErrorCode.SIGNING_PKCS12_UNREADABLE: (
        "Không mở được tệp chứng thư số «{path}»: sai mật khẩu, hoặc tệp không phải tệp PKCS#12 "
        "(.p12, .pfx). Chưa có gì bị thay đổi."
    ),
    ErrorCode.SIGNING_CERT_EXPIRED: (
        "Chứng thư số của «{common_name}» đã hết hạn ngày {not_after}; không thể dùng để ký. Hãy "
        "gia hạn chứng thư số."
    ),
    ErrorCode.SIGNING_CERT_NOT_YET_VALID: (
        "Chứng thư số của «{common_name}» chưa có hiệu lực (có hiệu lực từ ngày {not_before})."
    ),
    ErrorCode.SIGNING_CERT_NOT_FOR_SIGNING: (
        "Chứng thư số của «{common_name}» không được cấp để ký số tài liệu (thiếu mục đích sử "
        "dụng khóa «chữ ký số»)."
    ),
    ErrorCode.SIGNING_PDF_INVALID: (
        "Tệp PDF bị hỏng hoặc không đúng định dạng, không thể ký hay kiểm tra chữ ký."
    ),
    ErrorCode.SIGNING_FAILED: (
        "Ký số không thành công ({detail}). Tài liệu chưa bị thay đổi; hãy thử ký lại."
    ),
}

# Keyed by counter_app.signing.SignatureStatus values.
SIGNATURE_STATUS_LABELS: dict[str, str] = {
    "valid": "Chữ ký hợp lệ",
    "valid_untrusted": "Chữ ký hợp lệ, chưa xác minh được chứng thư gốc",
    "modified": "Tài liệu đã bị sửa sau khi ký",
    "invalid": "Chữ ký không hợp lệ",
    "none": "Chưa ký",
}

COVERAGE_WHOLE_DOCUMENT = "Chữ ký bao trùm toàn bộ tài liệu"
COVERAGE_PARTIAL = "Có nội dung được thêm vào tài liệu sau chữ ký này"


def signature_line(common_name: str, signed_at: datetime | None) -> str:
    """One line for a signature in the dossier: who signed and when (local time as given)."""
    if signed_at is None:
        return f"Người ký: {common_name}"
    return f"Người ký: {common_name}, lúc {signed_at:%H:%M} ngày {signed_at:%d/%m/%Y}"
