"""Vietnamese texts of office LAN sync (issue 15): errors, the status bar, the command line.

``LAN_ERRORS`` is part of the error catalogue (``counter_app.texts.error_message``).
"""

from __future__ import annotations

from datetime import datetime

from counter_app.domain.errors import ErrorCode
from counter_app.domain.models import VN_TZ

LAN_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.LAN_NO_SECRET: (
        "Quầy chưa có mã bí mật của văn phòng nên chưa đồng bộ được với các quầy khác trong "
        "mạng nội bộ. Hãy đăng ký quầy với máy chủ tỉnh, hoặc nhập mã ghép nối hiển thị ở một "
        "quầy khác của văn phòng: counter-app lan-pair --code-stdin."
    ),
    ErrorCode.LAN_PAIRING_CODE_INVALID: (
        "Mã ghép nối không đúng: mã gồm 24 chữ cái và chữ số (ví dụ ABCD-EFGH-…), đọc ở quầy "
        "khác bằng lệnh counter-app lan-pair --show."
    ),
    ErrorCode.LAN_PEER_UNREACHABLE: (
        "Không kết nối được quầy «{address}» trong mạng nội bộ. Quầy vẫn làm việc bình thường."
    ),
    ErrorCode.LAN_PEER_REFUSED: (
        "Quầy «{address}» không chấp nhận quầy này: hai quầy không cùng mã bí mật của văn "
        "phòng. Hãy ghép nối lại bằng mã ghép nối."
    ),
    ErrorCode.LAN_PEER_LOCKED: (
        "Quầy «{address}» tạm không nhận xác thực từ máy này vì đã có nhiều lần sai mã bí mật; "
        "thử lại sau {seconds} giây. Nếu quầy vừa được ghép nối lại, hãy kiểm tra mã ghép nối."
    ),
    ErrorCode.LAN_PEER_NOT_OFFICE: (
        "Thiết bị «{address}» không chứng minh được là quầy của văn phòng: không nhận dữ liệu "
        "từ thiết bị này."
    ),
    ErrorCode.LAN_PEER_CERT_CHANGED: (
        "Chứng chỉ của quầy «{address}» đã thay đổi so với lần đồng bộ trước: không nhận dữ "
        "liệu. Nếu quầy đó vừa được cài lại, quản trị viên chạy lệnh counter-app lan-peers "
        "--forget {station}."
    ),
    ErrorCode.LAN_PEER_ERROR: (
        "Quầy «{address}» trả lời không hợp lệ; không có gì được ghi. Hãy cập nhật ứng dụng ở "
        "cả hai quầy."
    ),
    ErrorCode.LAN_ADDRESS_INVALID: (
        "Địa chỉ quầy «{value}» không hợp lệ: hãy nhập dạng máy:cổng, ví dụ 192.168.1.20:47615."
    ),
}

# --- status bar ------------------------------------------------------------------------------

STATUS_NO_PEER = "LAN: chưa thấy quầy nào"
STATUS_NOT_PAIRED = "LAN: chưa ghép nối"
STATUS_TOOLTIP_TITLE = "Các quầy của văn phòng trong mạng nội bộ"
NEVER = "chưa đồng bộ"
SOURCE_LABELS = {"mdns": "tự tìm thấy", "fixed": "danh sách cố định"}


def peer_name(prefix: str) -> str:
    return f"Quầy {prefix}" if prefix else "Quầy"


def _clock(at: datetime) -> str:
    return at.astimezone(VN_TZ).strftime("%H:%M %d/%m")


def status_peers(count: int, last: datetime | None) -> str:
    """The status bar's short text: how many peers are seen, the last LAN sync."""
    when = _clock(last) if last else NEVER
    return f"LAN: {count} quầy · {when}"


def peer_line(name: str, address: str, synced: datetime | None, error: str | None) -> str:
    """One peer in the tooltip."""
    when = f"đồng bộ lúc {_clock(synced)}" if synced else NEVER
    line = f"{name} ({address}): {when}"
    return f"{line} — lỗi: {error}" if error else line


# --- the settings dialog (admin) -----------------------------------------------------------

ACTION_LAN_SETTINGS = "Đồng bộ trong văn phòng (LAN)…"
DIALOG_TITLE = "Đồng bộ trong văn phòng (LAN)"
DIALOG_PAIRED = "Quầy đã có mã bí mật của văn phòng: đồng bộ với các quầy khác trong mạng nội bộ."
DIALOG_NOT_PAIRED = (
    "Quầy chưa có mã bí mật của văn phòng. Nhập mã ghép nối hiển thị ở một quầy khác, hoặc "
    "hiện mã của quầy này để nhập ở các quầy khác."
)
DIALOG_CODE = "Mã ghép nối (đọc ở quầy khác):"
DIALOG_SHOW_CODE = "Hiện mã ghép nối của văn phòng"
DIALOG_FIXED = "Danh sách quầy cố định, mỗi dòng một địa chỉ máy:cổng (mạng chặn multicast):"
DIALOG_SAVE = "Lưu"

# --- command line ----------------------------------------------------------------------------

CLI_LAN_SERVE = "chạy máy phục vụ đồng bộ trong văn phòng (LAN) của quầy cho đến khi dừng"
CLI_LAN_SERVE_PORT = "cổng TCP (mặc định 47615)"
CLI_LAN_SERVE_HOST = "địa chỉ lắng nghe (mặc định mọi địa chỉ)"
CLI_LAN_NO_MDNS = "không quảng bá, không tìm quầy qua mDNS (mạng chặn multicast)"
CLI_LAN_SERVE_EVERY = "đồng bộ với các quầy khác sau mỗi N giây (0: không tự đồng bộ)"
CLI_LAN_SYNC = "nhận sự kiện của văn phòng từ các quầy khác trong mạng nội bộ ngay bây giờ"
CLI_LAN_DISCOVER = "số giây tìm quầy qua mDNS trước khi đồng bộ (0: không tìm)"
CLI_LAN_PEER = "địa chỉ một quầy (máy:cổng), thêm vào danh sách lần này"
CLI_LAN_PEERS = "các quầy của văn phòng đã gặp; danh sách cố định cho mạng chặn multicast"
CLI_LAN_ADD = "thêm địa chỉ (máy:cổng) vào danh sách cố định"
CLI_LAN_REMOVE = "bỏ địa chỉ khỏi danh sách cố định"
CLI_LAN_FORGET = "quên một quầy và chứng chỉ đã ghim của nó (quầy được cài lại)"
CLI_LAN_PAIR = "mã ghép nối của văn phòng: xem (--show) hoặc nhập (--code-stdin)"
CLI_LAN_PAIR_SHOW = "hiển thị mã ghép nối (tạo mã mới nếu quầy chưa có)"
CLI_LAN_PAIR_STDIN = (
    "đọc mã ghép nối từ đầu vào chuẩn (dòng sau mật khẩu khi mật khẩu cũng đọc từ đó)"
)
METAVAR_ADDRESS = "MÁY:CỔNG"
METAVAR_SECONDS = "GIÂY"
METAVAR_STATION = "MÃ_QUẦY"


def cli_serving(port: int) -> str:
    return f"Đang phục vụ đồng bộ trong văn phòng tại cổng {port}. Nhấn Ctrl+C để dừng."


def cli_lan_synced(peers: int, pulled: int, failed: int) -> str:
    text = f"Đã đồng bộ với {peers} quầy: nhận {pulled} sự kiện mới."
    return text + (f" {failed} quầy không đồng bộ được." if failed else "")


def cli_pairing_code(code: str) -> str:
    return (
        f"Mã ghép nối của văn phòng: {code}\nNhập mã này ở quầy khác của văn phòng (lệnh "
        "counter-app lan-pair --code-stdin). Giữ kín mã: ai có mã đều đọc được hồ sơ của văn "
        "phòng trong mạng nội bộ."
    )


PAIRED = "Đã ghép nối: quầy dùng mã bí mật của văn phòng để đồng bộ trong mạng nội bộ."

PAIRING_PLACEHOLDER = "ABCD-EFGH-…"  # the shape of a pairing code, in its entry field
