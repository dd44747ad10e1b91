"""Vietnamese texts of sync with the province server: errors, rejected events, CLI help.

``SYNC_ERRORS`` is part of the error catalogue (``counter_app.texts.error_message``).
"""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

SYNC_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.SYNC_PROTOCOL_MISMATCH: (
        "Phiên bản ứng dụng này không còn tương thích với máy chủ tỉnh. Hãy cập nhật ứng dụng "
        "Quầy Một Cửa lên phiên bản mới nhất; dữ liệu tại quầy vẫn được giữ nguyên và sẽ được "
        "gửi sau khi cập nhật."
    ),
    ErrorCode.SYNC_UNAUTHORIZED: (
        "Máy chủ tỉnh không chấp nhận quầy này (quầy đã bị thu hồi quyền đồng bộ). Hãy liên hệ "
        "quản trị viên của tỉnh để được cấp mã đăng ký mới rồi đăng ký lại quầy. Dữ liệu tại "
        "quầy vẫn được giữ nguyên."
    ),
    ErrorCode.SYNC_UNREACHABLE: (
        "Không kết nối được máy chủ tỉnh. Quầy vẫn làm việc bình thường; các thay đổi đang chờ "
        "sẽ được gửi khi có kết nối."
    ),
    ErrorCode.SYNC_ENROL_REFUSED: (
        "Máy chủ tỉnh từ chối mã đăng ký quầy: mã không đúng, đã được dùng hoặc đã hết hạn. "
        "Hãy đề nghị quản trị viên của tỉnh cấp mã mới."
    ),
    ErrorCode.SYNC_NOT_ENROLLED: (
        "Quầy chưa được đăng ký với máy chủ tỉnh. Hãy chạy lệnh: counter-app enrol "
        "<địa chỉ máy chủ> <mã đăng ký>."
    ),
    ErrorCode.SYNC_SERVER_ERROR: (
        "Máy chủ tỉnh đang gặp sự cố hoặc trả lời không hợp lệ. Các thay đổi vẫn được giữ tại "
        "quầy và sẽ được gửi lại sau."
    ),
    ErrorCode.SYNC_INSECURE_URL: (
        "Địa chỉ máy chủ tỉnh «{url}» không dùng kết nối bảo mật: hãy nhập địa chỉ bắt đầu bằng "
        "https://. Chỉ trên mạng thử nghiệm, quản trị viên mới có thể cho phép http:// bằng "
        "cách đặt biến môi trường COUNTER_APP_ALLOW_HTTP=1."
    ),
}

# Why the province server refused one event (sync_protocol.RejectReason), shown to the officer.
REJECT_REASONS: dict[str, str] = {
    "forbidden_agency": "hồ sơ thuộc cơ quan khác, quầy này không được ghi vào",
    "wrong_station": "sự kiện không do quầy này tạo ra",
    "duplicate_code": "mã số hồ sơ đã được một hồ sơ khác sử dụng",
    "unknown_dossier": "máy chủ chưa có hồ sơ gốc của sự kiện này",
    "invalid_event": "dữ liệu hồ sơ không hợp lệ",
    "event_too_large": "dữ liệu quá lớn để gửi lên máy chủ",
    # The content of one event (sync_protocol.events; the reason reads "<code>:<field>").
    "unknown_kind": "loại sự kiện không được máy chủ nhận biết",
    "missing_field": "thiếu một thông tin bắt buộc",
    "invalid_text": "có ký tự điều khiển, ký tự ẩn hoặc ký tự không hợp lệ",
    "text_too_long": "một thông tin dài quá mức cho phép",
    "duplicate_dossier": "hồ sơ đã có sự kiện tạo lập khác",
    "foreign_code": "mã số hồ sơ không do quầy này cấp (sai mã cơ quan hoặc số hiệu quầy)",
}

# --- Command line ---------------------------------------------------------------------------

CLI_ENROL = "đăng ký quầy với máy chủ tỉnh bằng mã đăng ký dùng một lần"
CLI_ENROL_URL = "địa chỉ máy chủ tỉnh, ví dụ https://motcua.example.gov.vn"
CLI_ENROL_CODE = (
    "mã đăng ký dùng một lần do quản trị viên của tỉnh cấp (nên bỏ trống: mã được hỏi khi "
    "chạy lệnh, không nằm trong lịch sử dòng lệnh)"
)
CLI_ENROL_CODE_STDIN = "đọc mã đăng ký từ dòng đầu của đầu vào chuẩn (stdin)"
CLI_ENROL_CODE_PROMPT = "Mã đăng ký dùng một lần: "
CLI_SYNC = "đồng bộ với máy chủ tỉnh: gửi các thay đổi đang chờ và nhận các thay đổi mới"
METAVAR_URL = "ĐỊA_CHỈ"
METAVAR_ENROL_CODE = "MÃ_ĐĂNG_KÝ"


def cli_enrolled(unit_name: str, prefix: str) -> str:
    return f"Đã đăng ký quầy số {prefix} của {unit_name or 'cơ quan'} với máy chủ tỉnh."


def cli_synced(pushed: int, pulled: int, waiting: int) -> str:
    return (
        f"Đã đồng bộ: gửi {pushed} thay đổi, nhận {pulled} thay đổi; còn {waiting} thay đổi "
        "đang chờ gửi."
    )


def cli_attachments_waiting(count: int) -> str:
    return f"Còn {count} bản số hóa hoặc tệp đã ký số chờ gửi lên máy chủ tỉnh."


def cli_rejected(count: int) -> str:
    return f"Có {count} thay đổi bị máy chủ tỉnh từ chối; hãy xem danh sách và báo quản trị viên."
