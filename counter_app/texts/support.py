"""Vietnamese texts: backups, restore, database check, upgrades and support."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

SUPPORT_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.BACKUP_FAILED: (
        "Không sao lưu được cơ sở dữ liệu ({detail}). Hãy kiểm tra dung lượng ổ đĩa của thư mục "
        "dữ liệu rồi thử lại."
    ),
    ErrorCode.BACKUP_COPY_FAILED: (
        "Đã sao lưu vào thư mục dữ liệu ({path}) nhưng không chép được bản thứ hai vào «{folder}» "
        "({detail}). Hãy kiểm tra ổ USB hoặc thư mục đó."
    ),
    ErrorCode.BACKUP_DIR_INVALID: (
        "Thư mục sao lưu thứ hai «{value}» không hợp lệ: hãy ghi đường dẫn đầy đủ (ví dụ "
        "/media/usb hoặc E:\\SaoLuu), hoặc để trống."
    ),
    ErrorCode.UPGRADE_BACKUP_FAILED: (
        "Không sao lưu được cơ sở dữ liệu trước khi nâng cấp ({detail}), nên chưa nâng cấp. "
        "Không có gì bị thay đổi; hãy giải phóng ổ đĩa rồi mở lại ứng dụng."
    ),
    ErrorCode.BACKUP_KEY_MISSING: (
        "Chưa đặt mật khẩu sao lưu của cơ quan, nên không chép bản sao lưu ra «{folder}» (bản "
        "ở thư mục dữ liệu vẫn được giữ). Quản trị viên hãy đặt mật khẩu sao lưu: bản chép ra "
        "USB được mã hoá bằng mật khẩu đó."
    ),
    ErrorCode.BACKUP_KEY_WRONG: (
        "Mật khẩu sao lưu không đúng: bản sao lưu này được mã hoá bằng mật khẩu sao lưu của cơ "
        "quan. Hãy nhập đúng mật khẩu (phân biệt chữ hoa, chữ thường)."
    ),
    ErrorCode.BACKUP_CHAIN_BROKEN: (
        "Không khôi phục được: chuỗi sao lưu bị đứt ở tệp «{path}» (một bản sao lưu trước nó bị "
        "thiếu, hoặc tệp đã bị cắt hay sửa đổi). Không có gì bị thay đổi; hãy chọn một bản sao "
        "lưu khác (bản mới hơn, bản trước nâng cấp hoặc bản trên USB)."
    ),
    ErrorCode.PASSWORD_WEAK: (
        "Mật khẩu không được chấp nhận: mật khẩu phải có ít nhất {minimum} ký tự, không được là "
        "mật khẩu mẫu demo1234 và không được trùng tên đăng nhập."
    ),
    ErrorCode.OFFICER_LOCKED_OUT: (
        "Đã nhập sai mật khẩu {failures} lần. Tài khoản tạm khoá: hãy đợi {seconds} giây rồi "
        "thử lại."
    ),
}

# --- Menu -------------------------------------------------------------------------------------

MENU_SYSTEM = "&Hệ thống"
ACTION_BACKUP_NOW = "Sao lưu ngay"
ACTION_RESTORE = "Khôi phục từ bản sao lưu…"
ACTION_CHECK_DATABASE = "Kiểm tra cơ sở dữ liệu"
ACTION_DIAGNOSTICS = "Sao chép thông tin chẩn đoán"
RESTORE_ADMIN_ONLY = "Chỉ quản trị viên được khôi phục cơ sở dữ liệu."

# --- Backups ------------------------------------------------------------------------------------

BACKUP_KIND_LABELS = {
    "daily": "Hằng ngày",
    "exit": "Khi thoát",
    "manual": "Sao lưu thủ công",
    "upgrade": "Trước nâng cấp",
}
BACKUP_RUNNING = "Đang sao lưu cơ sở dữ liệu…"
CHECK_RUNNING = "Đang kiểm tra cơ sở dữ liệu…"


def backup_done(path: str, copied_to: str | None) -> str:
    text = f"Đã sao lưu cơ sở dữ liệu vào {path}."
    if copied_to:
        text += f" Đã chép thêm một bản vào {copied_to}."
    return text


def check_ok(dossiers: int) -> str:
    return f"Cơ sở dữ liệu nguyên vẹn ({dossiers} hồ sơ), không phát hiện lỗi."


# --- Restore dialog -----------------------------------------------------------------------------

RESTORE_TITLE = "Khôi phục từ bản sao lưu"
RESTORE_INTRO = (
    "Chọn một bản sao lưu. Sau khi khôi phục, các mã số hồ sơ đã cấp sẽ không bao giờ được cấp "
    "lại, và các thao tác đã gửi lên tỉnh không bị gửi lại như mới."
)
RESTORE_COLUMNS = ("Loại", "Thời điểm", "Số hồ sơ", "Mã hồ sơ cuối", "Nơi lưu")
RESTORE_PLACE_DATA = "Thư mục dữ liệu"
RESTORE_PLACE_EXTRA = "Thư mục thứ hai (USB)"
RESTORE_UNREADABLE = "(không đọc được)"
RESTORE_NO_CODE = "(chưa có)"
RESTORE_EMPTY = "Chưa có bản sao lưu nào."
RESTORE_BUTTON = "&Khôi phục bản đã chọn"
RESTORE_CONFIRM_TITLE = "Xác nhận khôi phục"
RESTORE_CONFIRM_YES = "Khôi phục"
RESTORE_CONFIRM_NO = "Không"
RESTORE_DONE = (
    "Đã khôi phục cơ sở dữ liệu. Ứng dụng sẽ đóng lại; hãy mở lại và đăng nhập. "
    "Bản cơ sở dữ liệu trước khi khôi phục vẫn được giữ trong thư mục backups."
)


def restore_confirm(kind: str, made_at: str, dossiers: int, last_code: str, office: str) -> str:
    return (
        f"Bản sao lưu «{kind}» lúc {made_at} chứa {dossiers} hồ sơ; mã hồ sơ cuối: {last_code}"
        f" ({office}).\n\nCơ sở dữ liệu hiện tại sẽ được thay bằng bản này (bản hiện tại được "
        "giữ lại trong thư mục backups). Các hồ sơ tiếp nhận sau thời điểm sao lưu sẽ không còn "
        "trên máy này; mã số của chúng không bị cấp lại. Tiếp tục?"
    )


# --- The office backup passphrase (issue 17) ----------------------------------------------------

RESTORE_SEALED = "(mã hoá)"
ACTION_BACKUP_PASSPHRASE = "Đặt mật khẩu sao lưu của cơ quan…"
PASSPHRASE_ADMIN_ONLY = "Chỉ quản trị viên được đặt mật khẩu sao lưu."
PASSPHRASE_TITLE = "Mật khẩu sao lưu của cơ quan"
PASSPHRASE_LABEL = "&Mật khẩu sao lưu"
PASSPHRASE_AGAIN_LABEL = "&Nhập lại"
PASSPHRASE_OK = "Đồng ý"
PASSPHRASE_DIFFER = "Hai lần nhập mật khẩu sao lưu không giống nhau."
PASSPHRASE_SET_INTRO = (
    "Bản sao lưu chép ra ổ USB (thư mục sao lưu thứ hai) được mã hoá bằng mật khẩu này: "
    "không có nó, không ai đọc được bản sao lưu, kể cả cơ quan. Hãy dùng cùng một mật khẩu "
    "(ít nhất 12 ký tự) cho mọi máy của cơ quan, ghi ra giấy và cất ở nơi an toàn, tách khỏi "
    "ổ USB. Khi thay máy mới: cài ứng dụng, cắm ổ USB, khôi phục bản sao lưu và nhập mật khẩu này."
)
PASSPHRASE_SET_DONE = "Đã đặt mật khẩu sao lưu. Các bản chép ra ổ USB từ nay được mã hoá."
PASSPHRASE_RESTORE_INTRO = (
    "Bản sao lưu trên ổ USB được mã hoá. Nhập mật khẩu sao lưu của cơ quan để khôi phục."
)
CLI_BACKUP_PASSPHRASE = (
    "đặt mật khẩu sao lưu của cơ quan (mã hoá các bản sao lưu chép ra ổ USB; quản trị viên)"
)
CLI_PASSPHRASE_STDIN = "đọc mật khẩu sao lưu từ dòng đầu của đầu vào chuẩn (stdin)"
CLI_PASSPHRASE_PROMPT = "Mật khẩu sao lưu của cơ quan: "
CLI_PASSPHRASE_AGAIN = "Nhập lại mật khẩu sao lưu: "
CLI_PASSPHRASE_CANCELLED = "Đã huỷ: chưa nhập mật khẩu sao lưu, không có gì thay đổi."


def restore_confirm_sealed(kind: str, made_at: str) -> str:
    return (
        f"Bản sao lưu «{kind}» lúc {made_at} trên ổ USB được mã hoá: nội dung của nó chỉ đọc "
        "được khi khôi phục.\n\nCơ sở dữ liệu hiện tại sẽ được thay bằng bản này (bản hiện tại "
        "được giữ lại trong thư mục backups). Các hồ sơ tiếp nhận sau thời điểm sao lưu sẽ "
        "không còn trên máy này; mã số của chúng không bị cấp lại. Tiếp tục?"
    )


# --- Settings -----------------------------------------------------------------------------------

SETTINGS_BACKUP_GROUP = "Sao lưu"
SETTINGS_BACKUP_DIR = "Thư mục sao lưu thứ hai (ổ USB)"
SETTINGS_BACKUP_DIR_HINT = "Để trống nếu không dùng; ví dụ /media/usb hoặc E:\\SaoLuu"
SETTINGS_BACKUP_BROWSE = "Chọn…"

# --- Diagnostics --------------------------------------------------------------------------------

DIAG_TITLE = "Thông tin chẩn đoán"
DIAG_INTRO = (
    "Thông tin này không chứa dữ liệu cá nhân của công dân. Bấm «Sao chép» rồi dán vào thư gửi "
    "bộ phận hỗ trợ."
)
DIAG_COPY = "&Sao chép"
DIAG_COPIED = "Đã sao chép thông tin chẩn đoán vào bộ nhớ tạm."
DIAG_HEADING = "Thông tin chẩn đoán Quầy Một Cửa"
DIAG_ERRORS_HEADING = "Các lỗi gần nhất trong nhật ký"
DIAG_NONE = "(không có)"
DIAG_NEVER = "(chưa lần nào)"
DIAG_LABELS = {
    "app_version": "Phiên bản ứng dụng",
    "python_version": "Phiên bản Python",
    "qt_version": "Phiên bản Qt",
    "system": "Hệ điều hành",
    "data_dir": "Thư mục dữ liệu",
    "database": "Cơ sở dữ liệu",
    "mirror_dir": "Thư mục bản sao sổ đặt trước mã số",
    "migrations": "Phiên bản cấu trúc dữ liệu",
    "station": "Quầy",
    "dossiers": "Hồ sơ",
    "backups": "Bản sao lưu",
    "sync": "Đồng bộ",
    "last_sync_success": "Đồng bộ thành công gần nhất",
    "last_sync_status": "Kết quả lần đồng bộ gần nhất",
    "last_sync_error": "Lỗi đồng bộ gần nhất",
    "events_waiting": "Thao tác chờ gửi",
    "events_rejected": "Thao tác bị từ chối",
    "attachments_waiting": "Bản số hóa, tệp đã ký chờ gửi",
    "log_file": "Tệp nhật ký",
}


def diag_database(path: str, size: int) -> str:
    return f"{path} ({size / 1_048_576:.1f} MB)"


def diag_migrations(applied: int, known: int, last: tuple[str, ...]) -> str:
    newest = last[0] if last else "-"
    return f"{applied}/{known} bước ({newest})"


def diag_station(station_id: str, prefix: str, agency_id: str, demo: bool) -> str:
    text = f"{station_id}, số hiệu {prefix}, cơ quan {agency_id}"
    return text + " (DEMO)" if demo else text


def diag_dossiers(count: int, last_code: str | None) -> str:
    return f"{count}, mã cuối {last_code or '-'}"


def diag_backups(count: int, last: str | None) -> str:
    return f"{count}, mới nhất {last or '-'}"


def diag_sync(enrolled: bool, url: str | None) -> str:
    return f"đã đăng ký với {url}" if enrolled and url else "chưa đăng ký với máy chủ tỉnh"
