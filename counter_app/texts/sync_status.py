"""Vietnamese texts of the window's sync indicator, its details dialog and the clock warning.

Pure functions of plain values (no Qt, no storage): the window passes numbers and times.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from counter_app.domain.errors import ErrorCode
from counter_app.texts.sync import REJECT_REASONS
from counter_app.texts.window import SYNC_NOT_CONNECTED

MENU_SYNC = "Đồn&g bộ"
ACTION_SYNC_NOW = "Đồng bộ ngay"
ACTION_SYNC_DETAILS = "Tình trạng đồng bộ…"
NOT_ENROLLED = SYNC_NOT_CONNECTED
NOT_ENROLLED_TIP = (
    "Quầy chưa được đăng ký với máy chủ tỉnh nên chưa gửi được hồ sơ lên tỉnh. Quầy vẫn làm việc "
    "bình thường. Để đăng ký, quản trị viên chạy lệnh: counter-app enrol <địa chỉ máy chủ> "
    "<mã đăng ký>."
)
SYNCING = "Đang đồng bộ…"
NEVER_SYNCED = "Chưa đồng bộ lần nào"
NOTHING_WAITING = "không còn thay đổi chờ gửi"
CLICK_HINT = "Bấm vào đây để xem chi tiết; F12 để đồng bộ ngay."

DETAILS_TITLE = "Tình trạng đồng bộ với máy chủ tỉnh"
DETAILS_REJECTED_HEADING = "Thay đổi bị máy chủ tỉnh từ chối"
DETAILS_REJECTED_NONE = "Không có thay đổi nào bị từ chối."
DETAILS_REJECTED_HELP = (
    "Các thay đổi này không được gửi lại tự động. Hãy báo quản trị viên của tỉnh kèm mã hồ sơ "
    "và lý do; dữ liệu vẫn được giữ nguyên tại quầy."
)
REJECTED_COLUMNS = ("Mã hồ sơ", "Việc", "Lý do", "Thời điểm")
NO_CODE = "(chưa cấp mã)"

# Short causes for the status bar (the full sentence is in the tooltip and the dialog).
SHORT_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.SYNC_UNREACHABLE: "mất kết nối",
    ErrorCode.SYNC_SERVER_ERROR: "máy chủ tỉnh đang gặp sự cố",
    ErrorCode.SYNC_UNAUTHORIZED: "quầy bị thu hồi quyền đồng bộ",
    ErrorCode.SYNC_PROTOCOL_MISMATCH: "cần cập nhật ứng dụng",
    ErrorCode.SYNC_NOT_ENROLLED: "quầy chưa đăng ký",
}
SHORT_UNEXPECTED = "lỗi không mong đợi"


def short_error(code: ErrorCode | None) -> str:
    return SHORT_ERRORS.get(code, SHORT_UNEXPECTED) if code else SHORT_UNEXPECTED


def duration(value: timedelta) -> str:
    """A rough duration an officer reads at a glance: "45 giây", "3 phút", "2 giờ", "4 ngày"."""
    seconds = max(0, round(value.total_seconds()))
    if seconds < 60:
        return f"{seconds} giây"
    if seconds < 3600:
        return f"{seconds // 60} phút"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} giờ"
    return f"{seconds // 86400} ngày"


def at_time(value: datetime, now: datetime) -> str:
    """``10:42`` today, ``10:42 ngày 12/02`` another day."""
    if value.date() == now.date():
        return f"{value:%H:%M}"
    return f"{value:%H:%M} ngày {value:%d/%m}"


def waiting_text(waiting: int, oldest: timedelta | None) -> str:
    if waiting == 0:
        return NOTHING_WAITING
    if oldest is None or oldest < timedelta(minutes=5):
        return f"{waiting} thay đổi chờ gửi"
    return f"{waiting} chờ gửi, lâu nhất {duration(oldest)}"


def synced(at: datetime, now: datetime, waiting: int, oldest: timedelta | None) -> str:
    return f"Đồng bộ lúc {at_time(at, now)} · {waiting_text(waiting, oldest)}"


def syncing(waiting: int, oldest: timedelta | None) -> str:
    return f"{SYNCING} · {waiting_text(waiting, oldest)}"


def never_synced(waiting: int, oldest: timedelta | None) -> str:
    return f"{NEVER_SYNCED} · {waiting_text(waiting, oldest)}"


def failed(
    code: ErrorCode | None, retry_in: timedelta | None, waiting: int, oldest: timedelta | None
) -> str:
    retry = f" (thử lại sau {duration(retry_in)})" if retry_in is not None else ""
    return f"Chưa đồng bộ được: {short_error(code)}{retry} · {waiting_text(waiting, oldest)}"


def rejected_badge(count: int) -> str:
    return f" · {count} thay đổi bị từ chối" if count else ""


def last_success_line(at: datetime | None) -> str:
    if at is None:
        return "Lần đồng bộ thành công gần nhất: chưa có."
    return f"Lần đồng bộ thành công gần nhất: {at:%H:%M ngày %d/%m/%Y}."


def waiting_line(waiting: int, oldest: timedelta | None) -> str:
    if waiting == 0:
        return "Không còn thay đổi nào chờ gửi lên máy chủ tỉnh."
    age = f"; thay đổi lâu nhất đã chờ {duration(oldest)}" if oldest is not None else ""
    return f"Còn {waiting} thay đổi chờ gửi lên máy chủ tỉnh{age}."


def attachments_waiting_line(waiting: int) -> str:
    """The scans and signed files (issue 6) not yet uploaded, in the details dialog."""
    if waiting == 0:
        return "Các bản số hóa và tệp đã ký số đã được gửi hết lên máy chủ tỉnh."
    return f"Còn {waiting} bản số hóa hoặc tệp đã ký số chờ gửi lên máy chủ tỉnh."


def clock_warning(skew: timedelta) -> str:
    """Shown in the status bar while the station clock is off (skew: server minus station)."""
    direction = "chậm" if skew > timedelta(0) else "nhanh"
    return (
        f"Cảnh báo: đồng hồ máy {direction} {duration(abs(skew))} so với máy chủ tỉnh: "
        "ngày hẹn trả có thể sai. Hãy chỉnh lại giờ máy."
    )


CLOCK_WARNING_TIP = (
    "Ngày giờ tiếp nhận và ngày hẹn trả kết quả được tính theo đồng hồ của máy này. Hãy nhờ "
    "quản trị viên chỉnh lại ngày giờ của máy tính (hoặc bật đồng bộ giờ tự động)."
)


def reject_reason(code: str) -> str:
    """The officer's words for a refusal reason (unknown codes are shown as they are); a
    reason ``<code>:<field>`` gets the code's words and the field's name after them."""
    base, _, field = code.partition(":")
    words = REJECT_REASONS.get(code) or REJECT_REASONS.get(base)
    if words is None:
        return code
    return f"{words} ({field})" if field and code not in REJECT_REASONS else words
