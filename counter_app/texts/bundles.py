"""Vietnamese texts of USB sync bundles (issue 15 item 2): menu, progress, summaries, errors.

``BUNDLE_ERRORS`` is part of the error catalogue (``counter_app.texts.error_message``).
"""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

_NOTHING = " Không có gì thay đổi tại quầy."

BUNDLE_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.BUNDLE_UNREADABLE: "Không đọc được tệp «{path}»." + _NOTHING,
    ErrorCode.BUNDLE_NOT_WRITTEN: (
        "Không ghi được gói đồng bộ vào «{path}» (USB đầy, chỉ đọc hoặc đã bị rút ra). Hãy "
        "kiểm tra USB rồi xuất lại." + _NOTHING
    ),
    ErrorCode.BUNDLE_TRUNCATED: (
        "Tệp gói đồng bộ bị cắt cụt (chép chưa hết hoặc USB bị rút ra khi đang ghi). Hãy chép "
        "lại tệp từ máy chủ tỉnh." + _NOTHING
    ),
    ErrorCode.BUNDLE_NOT_A_BUNDLE: "Tệp này không phải là gói đồng bộ của Quầy Một Cửa." + _NOTHING,
    ErrorCode.BUNDLE_NEWER_FORMAT: (
        "Gói đồng bộ được tạo bởi phiên bản mới hơn: hãy cập nhật ứng dụng Quầy Một Cửa." + _NOTHING
    ),
    ErrorCode.BUNDLE_TAMPERED: (
        "Gói đồng bộ đã bị sửa đổi hoặc hỏng (chữ ký hoặc mã xác thực không khớp), nên không "
        "được nhập. Hãy lấy lại gói trả về từ máy chủ tỉnh." + _NOTHING
    ),
    ErrorCode.BUNDLE_WRONG_SIGNER: (
        "Gói đồng bộ không do máy chủ tỉnh của quầy ký hoặc không dành cho quầy này." + _NOTHING
    ),
    ErrorCode.BUNDLE_TOO_LARGE: "Gói đồng bộ vượt quá kích thước cho phép." + _NOTHING,
    ErrorCode.BUNDLE_MALFORMED: "Nội dung gói đồng bộ không hợp lệ." + _NOTHING,
    ErrorCode.BUNDLE_WRONG_KIND: (
        "Đây là gói do quầy xuất ra để mang lên tỉnh, không phải gói trả về: hãy nhập nó tại "
        "máy chủ tỉnh." + _NOTHING
    ),
    ErrorCode.BUNDLE_OTHER_STATION: (
        "Gói trả về này dành cho quầy khác (đơn vị {agency_id}), không phải quầy này." + _NOTHING
    ),
    ErrorCode.BUNDLE_PROVINCE_KEY_MISSING: (
        "Quầy chưa có khóa gói đồng bộ của máy chủ tỉnh: hãy đăng ký lại quầy hoặc đồng bộ "
        "trực tuyến một lần (khóa được gửi kèm dữ liệu danh mục)." + _NOTHING
    ),
}

# Menu of the main window (the "&" marks the Alt key)
MENU_EXPORT = "&Xuất gói đồng bộ…"
MENU_IMPORT = "&Nhập gói trả về…"
DIALOG_EXPORT_TITLE = "Xuất gói đồng bộ ra USB"
DIALOG_IMPORT_TITLE = "Nhập gói trả về từ tỉnh"
FILE_FILTER = "Gói đồng bộ (*.qmcsync)"
PROGRESS_EXPORT = "Đang xuất gói đồng bộ…"
PROGRESS_IMPORT = "Đang nhập gói trả về…"
PROGRESS_READING = "Đang đọc hàng đợi"
PROGRESS_WRITING = "Đang ghi tệp"
PROGRESS_SCANS = "Đang gói các bản quét"
PROGRESS_CHECKING = "Đang kiểm tra chữ ký"
PROGRESS_ACKS = "Đang ghi nhận xác nhận của tỉnh"
PROGRESS_EVENTS = "Đang nhận dữ liệu của đơn vị"
PROGRESS_REFERENCE = "Đang cập nhật danh mục"
DONE_TITLE = "Đồng bộ qua USB"

# Command line
CLI_EXPORT = "xuất gói đồng bộ (các thay đổi chưa gửi) ra một tệp để mang lên tỉnh bằng USB"
CLI_EXPORT_PATH = "tệp gói (.qmcsync) hoặc thư mục (tên tệp được đặt tự động)"
CLI_EXPORT_ALL = "xuất lại mọi thay đổi chưa được tỉnh xác nhận, kể cả đã xuất trước đó"
CLI_IMPORT = "nhập gói trả về do máy chủ tỉnh tạo (xác nhận, dữ liệu của đơn vị, danh mục)"
CLI_IMPORT_PATH = "tệp gói trả về (.qmcsync)"
METAVAR_PATH = "TỆP"


def default_name(prefix: str, number: int, day: str) -> str:
    """The bundle's file name on the stick: station prefix, export number, day (ASCII)."""
    return f"goi-dong-bo-quay{prefix}-{day}-{number:03d}.qmcsync"


def export_done(events: int, number: int, path: str, earlier: int, scans: int = 0) -> str:
    """What an export did."""
    text = f"Đã xuất gói đồng bộ số {number} ra «{path}»: {events} thay đổi mới"
    text += f", {scans} bản quét chưa gửi." if scans else "."
    if earlier:
        text += (
            f" Còn {earlier} thay đổi của các gói trước đang chờ tỉnh xác nhận (đã có trong "
            "các gói đó)."
        )
    if not events and not earlier:
        text += " Không có thay đổi nào đang chờ: gói chỉ dùng để nhận dữ liệu từ tỉnh."
    return text + " Hãy mang tệp lên máy chủ tỉnh để nhập."


def import_done(
    acknowledged: int,
    rejected: int,
    pulled: int,
    reference: int,
    waiting: int,
    resend: int,
    scans: int = 0,
) -> str:
    """What importing a return bundle did."""
    parts = [
        f"Đã nhập gói trả về: tỉnh xác nhận đã lưu {acknowledged} thay đổi",
        f"nhận {pulled} sự kiện của đơn vị",
        f"cập nhật {reference} mục danh mục",
    ]
    if scans:
        parts.insert(1, f"đã nhận {scans} bản quét")
    text = "; ".join(parts) + "."
    if rejected:
        text += f" {rejected} thay đổi bị tỉnh từ chối: xem danh sách trong mục Đồng bộ."
    if resend:
        text += f" {resend} thay đổi chưa đến được tỉnh: chúng sẽ có trong gói xuất lần sau."
    if waiting:
        return text + f" Còn {waiting} thay đổi đang chờ gửi."
    return text + " Không còn thay đổi nào chờ gửi."


SHORTCUT_EXPORT = "Ctrl+Shift+U"
SHORTCUT_IMPORT = "Ctrl+Shift+R"
