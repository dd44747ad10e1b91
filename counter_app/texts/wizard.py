"""Vietnamese texts: the first-start wizard, the test slip, and their errors.

``WIZARD_ERRORS`` is part of the error catalogue (``counter_app.texts.error_message``).
"""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

WIZARD_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.SETUP_ALREADY_DONE: (
        "Quầy này đã được thiết lập. Hãy sửa thông tin trong «Cài đặt của cơ quan»."
    ),
    ErrorCode.SETUP_PASSWORDS_DIFFER: "Hai lần nhập mật khẩu không giống nhau.",
    ErrorCode.SETUP_PASSWORD_SHORT: "Mật khẩu quản trị phải có ít nhất {minimum} ký tự.",
    ErrorCode.SETUP_SERVER_URL_INVALID: (
        "Địa chỉ máy chủ «{value}» không hợp lệ; hãy nhập dạng https://tên-máy-chủ."
    ),
    ErrorCode.SETUP_ENROL_CODE_EMPTY: "Hãy nhập mã đăng ký do quản trị viên của tỉnh cấp.",
    ErrorCode.SETUP_MODE_INVALID: "Hãy chọn một cách thiết lập quầy.",
    ErrorCode.SETUP_HAS_DOSSIERS: (
        "Máy này đã có {count} hồ sơ tập huấn của văn phòng DEMO, không được gửi lên tỉnh. Hãy "
        "thiết lập quầy thật trong một thư mục dữ liệu mới (counter-app --data-dir THƯ_MỤC)."
    ),
}

# --- Command line ----------------------------------------------------------------------------

CLI_DEMO = (
    "mở ngay văn phòng DEMO (tập huấn) trên máy chưa thiết lập, không hiện trình hướng dẫn "
    "thiết lập lần đầu"
)

# --- The wizard --------------------------------------------------------------------------------

WIZARD_TITLE = "Thiết lập quầy lần đầu"
BUTTON_BACK = "< Quay lại"
BUTTON_NEXT = "Tiếp theo >"
BUTTON_FINISH = "Hoàn tất"
BUTTON_CANCEL = "Hủy"

CHOICE_TITLE = "Chào mừng đến với Quầy Một Cửa"
CHOICE_SUBTITLE = "Máy này chưa được thiết lập. Hãy chọn cách bắt đầu."
CHOICE_ENROL = "Đăng ký với máy chủ tỉnh (có địa chỉ máy chủ và mã đăng ký dùng một lần)"
CHOICE_OFFLINE = "Thiết lập không kết nối (tự nhập mã định danh cơ quan và số hiệu quầy)"
CHOICE_DEMO = "Dùng văn phòng DEMO để tập huấn (mọi phiếu in ra đều ghi DEMO)"

ENROL_TITLE = "Đăng ký với máy chủ tỉnh"
ENROL_SUBTITLE = (
    "Nhập địa chỉ máy chủ tỉnh và mã đăng ký do quản trị viên của tỉnh cấp. "
    "Mã chỉ dùng được một lần."
)
ENROL_URL = "Địa chỉ máy chủ"
ENROL_CODE = "Mã đăng ký"
ENROL_BUTTON = "Đăng &ký"
ENROL_PROGRESS = "Đang đăng ký với máy chủ tỉnh…"
ENROL_NEEDED = "Hãy bấm «Đăng ký» và chờ máy chủ tỉnh trả lời trước khi tiếp tục."


def enrolled(unit_name: str, agency_id: str, prefix: str) -> str:
    """Shown once the province server accepted the code."""
    return f"Đã đăng ký: {unit_name} (mã định danh {agency_id}), số hiệu quầy {prefix}."


OFFICE_TITLE = "Thông tin cơ quan"
OFFICE_SUBTITLE = (
    "Nhập thông tin in trên đầu phiếu. Số hiệu quầy tạm là số thứ tự của quầy trong cơ quan "
    "(01–99, mỗi quầy một số): mã hồ sơ mang tiền tố 000 và số này (ví dụ …-261122-000070001), "
    "không bao giờ trùng với quầy đã đăng ký; khi đăng ký với máy chủ tỉnh, quầy nhận số hiệu "
    "3 chữ số của tỉnh, các mã đã cấp vẫn giữ nguyên giá trị."
)
OFFICE_LABELS = {
    "agency_id": "Mã định danh cơ quan",
    "station_prefix": "Số hiệu quầy tạm",
    "parent_body": "Cơ quan chủ quản",
    "unit_name": "Tên đơn vị",
    "place_name": "Địa danh",
    "lookup_url": "Địa chỉ tra cứu hồ sơ",
}
OFFICE_PLACEHOLDERS = {
    "agency_id": "ví dụ 000.00.19.H56 hoặc H56.123.45",
    "station_prefix": "01–99, ví dụ 07",
    "parent_body": "ví dụ UBND XÃ MINH HÒA",
    "unit_name": "ví dụ TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ MINH HÒA",
    "place_name": "ví dụ Minh Hòa",
    "lookup_url": "https://",
}

ADMIN_TITLE = "Tài khoản quản trị đầu tiên"
ADMIN_SUBTITLE = (
    "Tài khoản này quản lý cài đặt của cơ quan và tài khoản cán bộ. Khi thiết lập xong, các "
    "tài khoản DEMO (mật khẩu công khai) bị khóa trên máy này."
)
ADMIN_ENROLLED_NOTE = "Quầy đã đăng ký với máy chủ tỉnh; hãy tạo tài khoản quản trị."
ADMIN_LABELS = {
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "password": "Mật khẩu",
    "password_again": "Nhập lại mật khẩu",
}

PRINTER_TITLE = "Máy in và khổ giấy"
PRINTER_SUBTITLE = "Chọn máy in phiếu của quầy và khổ giấy đặt trong máy in."

TEST_TITLE = "In phiếu thử"
TEST_SUBTITLE = (
    "In một phiếu thử có mã vạch và mã QR để kiểm tra máy in, rồi bấm «Hoàn tất» để lưu thiết lập."
)
TEST_BUTTON = "&In phiếu thử"
TEST_PRINTING = "Đang in phiếu thử…"


def test_printed(printer: str) -> str:
    """After the test slip left for the printer."""
    return f"Đã gửi phiếu thử tới máy in «{printer}». Hãy kiểm tra mã vạch trên phiếu."


def summary(*, mode: str, unit_name: str, agency_id: str, prefix: str, admin: str) -> str:
    """What «Hoàn tất» will save (shown on the last page)."""
    lines = [f"Cách thiết lập: {MODE_LABELS.get(mode, mode)}", f"Đơn vị: {unit_name}"]
    lines.append(f"Mã định danh cơ quan: {agency_id}; số hiệu quầy: {prefix}")
    if admin:
        lines.append(f"Tài khoản quản trị: {admin}")
    return "\n".join(lines)


MODE_LABELS = {
    "enrolled": "đăng ký với máy chủ tỉnh",
    "offline": "không kết nối",
    "demo": "văn phòng DEMO để tập huấn",
}

# --- The test slip -----------------------------------------------------------------------------

TEST_SLIP_MARK = "BẢN IN THỬ — KHÔNG CÓ GIÁ TRỊ"
TEST_SLIP_APPLICANT = "NGƯỜI NỘP THỬ"
TEST_SLIP_ID = "000000000000"
TEST_SLIP_ADDRESS = "Phiếu in thử để kiểm tra máy in, không phải hồ sơ"
TEST_SLIP_PROCEDURE = "In thử: kiểm tra máy in, khổ giấy, mã vạch và mã QR"
TEST_SLIP_DOCUMENT = "Giấy tờ mẫu (in thử)"
TEST_SLIP_FORM = "Bản chính"
TEST_SLIP_TIME = "Không áp dụng (in thử)"
TEST_SLIP_RETURN = "Không áp dụng (in thử)"
TEST_SLIP_OFFICER = "Quản trị viên"
