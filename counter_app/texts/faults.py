"""Faults of the data folder at the desk (issue 11, item 10): what happened and what to do.

Each message is one sentence: what is wrong, then what the officer (or the technician) does.
Only real damage (``DATABASE_DAMAGED``) and a database that is gone (``DATABASE_MISSING``)
speak of backups; a folder that cannot be written, a full disk or a lock never do, because
the data is intact.
"""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

FAULT_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.DATA_FOLDER_READ_ONLY: (
        "Không ghi được vào thư mục dữ liệu «{path}» (thư mục hoặc tệp trong đó chỉ cho phép "
        "đọc): hãy nhờ cán bộ kỹ thuật kiểm tra quyền ghi của tài khoản Windows/Linux đang dùng "
        "trên thư mục này (hoặc ổ đĩa có bị khóa ghi không) rồi mở lại ứng dụng; dữ liệu không "
        "bị thay đổi."
    ),
    ErrorCode.DATA_FOLDER_FULL: (
        "Ổ đĩa chứa thư mục dữ liệu «{path}» đã đầy, không ghi thêm được: hãy giải phóng dung "
        "lượng (xóa tệp không cần, dọn thùng rác) rồi thử lại; những gì đã lưu trước đó không "
        "bị mất."
    ),
    ErrorCode.DATABASE_LOCKED: (
        "Cơ sở dữ liệu đang bị một chương trình khác giữ khóa (một cửa sổ Quầy Một Cửa khác "
        "đang mở cùng thư mục dữ liệu, hoặc một chương trình xem cơ sở dữ liệu): hãy đóng chương "
        "trình đó rồi thử lại; dữ liệu không bị hỏng."
    ),
    ErrorCode.DATABASE_MISSING: (
        "Không thấy tệp cơ sở dữ liệu «{path}» dù thư mục này đã có dữ liệu của quầy (nhật ký "
        "số hồ sơ, bản sao lưu): hãy kiểm tra ổ đĩa chứa dữ liệu (ổ USB, ổ mạng) đã được kết "
        "nối và tệp không bị di chuyển hay đổi tên rồi mở lại ứng dụng; nếu tệp đã mất thật, "
        "nhờ cán bộ kỹ thuật khôi phục bản sao lưu gần nhất (counter-app restore), hoặc nếu "
        "không còn bản sao lưu nào, tạo cơ sở dữ liệu mới (counter-app new-database: số hồ sơ "
        "tiếp tục sau các số đã cấp)."
    ),
    ErrorCode.STORAGE_IO_ERROR: (
        "Không đọc ghi được thư mục dữ liệu «{path}» (lỗi ổ đĩa): hãy kiểm tra ổ đĩa còn kết "
        "nối và hoạt động bình thường rồi mở lại ứng dụng; dữ liệu chưa bị thay đổi."
    ),
}

START_FAILED_TITLE = "Không mở được Quầy Một Cửa"
START_UNEXPECTED = (
    "Quầy Một Cửa gặp lỗi không mong đợi khi mở và phải dừng: hãy mở lại ứng dụng; nếu lỗi "
    "lặp lại, gửi thư mục nhật ký «{path}» cho cán bộ kỹ thuật."
)
