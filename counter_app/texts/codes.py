"""Dossier codes after a loss, offline prefixes (issue 12, storage/recovery.py): what to say.

While a station that lost its data (or restored a backup) does not know its last codes, it
refuses to mint; it goes on after one sync with the province server, or when the officer
confirms working offline: then codes come from the recovery range (``…-15091405001``: 9, the
hour and minute of the recovery, then the number), which normal numbering never reaches.
"""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

RECOVERY_REASONS = {
    "restore": "quầy vừa khôi phục dữ liệu từ bản sao lưu",
    "ledger_lost": "nhật ký số hồ sơ và bản sao của nó đều đã mất",
    "new_database": "quầy vừa tạo lại cơ sở dữ liệu mà không còn nhật ký số hồ sơ",
}

CODES_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.OFFLINE_PREFIX_INVALID: (
        "Số hiệu quầy tạm «{value}» không hợp lệ: nhập số thứ tự của quầy trong cơ quan, từ 01 "
        "đến 99 (mã hồ sơ sẽ mang tiền tố 000 và số này cho đến khi đăng ký với máy chủ tỉnh)."
    ),
    ErrorCode.CODES_RECOVERY_PENDING: (
        "Chưa cấp được mã số hồ sơ: quầy vừa mất dữ liệu hoặc khôi phục bản sao lưu nên chưa "
        "biết các số đã cấp gần nhất, có thể cấp trùng. Hãy đồng bộ với máy chủ tỉnh một lần "
        "(counter-app sync hoặc nút đồng bộ trên cửa sổ); "
        "nếu không có kết nối, xác nhận làm việc ngoại tuyến (counter-app codes-offline): mã "
        "hồ sơ khi đó lấy từ dải khôi phục, không trùng với số nào đã cấp."
    ),
    ErrorCode.CODES_RECOVERY_NOT_PENDING: (
        "Quầy không cần khôi phục số hồ sơ: mã số hồ sơ vẫn được cấp bình thường."
    ),
    ErrorCode.CODE_COUNTER_EXHAUSTED: (
        "Số thứ tự hồ sơ trong ngày của cơ quan {agency_id} đã đạt giới hạn; không cấp thêm mã."
    ),
}

CONFIRM_OFFLINE_TITLE = "Làm việc ngoại tuyến?"


def confirm_offline_question(reason: str) -> str:
    """The question at F5 while codes are held back (the window)."""
    return (
        f"Chưa cấp được mã số hồ sơ vì {RECOVERY_REASONS.get(reason, reason)}, quầy chưa biết "
        "các số đã cấp gần nhất.\n\nNên đồng bộ với máy chủ tỉnh trước (F9). Nếu không có kết "
        "nối, chọn «Làm việc ngoại tuyến»: mã hồ sơ hôm nay lấy từ dải khôi phục (số thứ tự "
        "bắt đầu bằng 9 và giờ phút khôi phục), không bao giờ trùng với số đã cấp; hồ sơ này "
        "được tiếp nhận ngay."
    )


CONFIRM_OFFLINE_BACK = "Chờ đồng bộ"
CONFIRM_OFFLINE_GO = "&Làm việc ngoại tuyến"


def recovery_active(block: int, via: str) -> str:
    """Said once recovery numbering starts (window and command line)."""
    how = "sau khi đồng bộ với máy chủ tỉnh" if via == "server" else "làm việc ngoại tuyến"
    return (
        f"Đã khôi phục cấp số ({how}): mã hồ sơ của hôm nay lấy từ dải khôi phục "
        f"9{block:04d}001, 9{block:04d}002, … (không trùng với số nào đã cấp); từ ngày mai "
        "đánh số bình thường."
    )


CLI_CODES_OFFLINE = (
    "xác nhận làm việc ngoại tuyến sau khi mất dữ liệu hoặc khôi phục bản sao lưu: mã hồ sơ "
    "lấy từ dải khôi phục, không trùng với số đã cấp"
)
