"""Vietnamese texts of the digitisation screens: scans of each document, signing (no Qt here)."""

from __future__ import annotations

# --- Scans of one document component ------------------------------------------------------------
SCANS_TITLE = "Bản điện tử của giấy tờ"
SCANS_HEADING = "Giấy tờ: {name}"
BUTTON_SCAN = "Quét (Ctrl+Q)"
BUTTON_ADD_FILES = "Thêm tệp… (Ctrl+O)"
BUTTON_SCANNER_FOLDER = "Theo dõi thư mục"
BUTTON_CHOOSE_FOLDER = "Chọn thư mục…"
BUTTON_MOVE_LEFT = "Lên trước (Ctrl+↑)"
BUTTON_MOVE_RIGHT = "Xuống sau (Ctrl+↓)"
BUTTON_ROTATE = "Xoay phải (R)"
BUTTON_REMOVE_PAGE = "Bỏ trang (Delete)"
BUTTON_SAVE_SCANS = "Lưu bản điện tử (Ctrl+S)"
SCANNER_LABEL = "Máy quét"
SCANNER_NONE = "Không tìm thấy máy quét nào"
SCANNER_REFRESH = "Tìm lại"
SCANNING = "Đang quét…"
ADD_FILES_TITLE = "Chọn tệp giấy tờ đã quét"
ADD_FILES_FILTER = "Giấy tờ (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)"
FOLDER_TITLE = "Chọn thư mục máy quét ghi tệp vào"
FOLDER_OFF = (
    "Chưa chọn thư mục máy quét. Nếu máy quét tự lưu tệp vào một thư mục, bấm «Chọn thư mục…» "
    "để tệp mới tự vào đây."
)
PAGES_EMPTY = "Chưa có trang nào. Hãy quét giấy tờ, thêm tệp hoặc theo dõi thư mục máy quét."
PREVIEW_EMPTY = "Chọn một trang để xem"
SAVED_NOTE = "Đã lưu bản điện tử."
UNSAVED_NOTE = "Có thay đổi chưa lưu."
DISCARD_TITLE = "Bỏ các thay đổi?"
DISCARD_TEXT = "Các trang vừa thêm hoặc sửa chưa được lưu. Đóng cửa sổ và bỏ các thay đổi này?"
BUTTON_DISCARD = "Bỏ thay đổi"
BUTTON_KEEP_EDITING = "Tiếp tục sửa"


def scans_heading(name: str) -> str:
    return SCANS_HEADING.format(name=name)


def page_caption(number: int) -> str:
    return f"Trang {number}"


def page_count(count: int) -> str:
    return f"{count} trang"


def folder_watching(folder: str) -> str:
    return f"Đang theo dõi thư mục máy quét: {folder}"


def folder_idle(folder: str) -> str:
    return f"Thư mục máy quét: {folder} (chưa theo dõi; bấm «{BUTTON_SCANNER_FOLDER}» để bật)"


def folder_picked(count: int, folder: str) -> str:
    return f"Đã lấy {count} tệp mới từ thư mục {folder}."


def files_added(count: int) -> str:
    return f"Đã thêm {count} trang."


BUTTON_DIGITISE = "Số hóa giấy tờ (F10)"

# --- Components panel in the dossier -------------------------------------------------------------
COMPONENTS_TITLE = "Số hóa thành phần hồ sơ"
COMPONENT_COLUMNS = ("Giấy tờ", "Bản điện tử", "Chữ ký số")
STATE_NOT_DIGITISED = "chưa số hóa"
SIGNATURE_NONE = "chưa ký"
SIGNATURE_CHECKING = "đang kiểm tra chữ ký…"
BUTTON_OPEN_SCANS = "&Quét / đính kèm…"
BUTTON_SIGN = "&Ký số…"
REQUIRED_MARK = " (bắt buộc)"
NO_COMPONENTS = "Hồ sơ không có thành phần giấy tờ nào."


def state_digitised(pages: int) -> str:
    return f"{pages} trang"


def signed_by(signer: str) -> str:
    return f"đã ký bởi {signer}"


def signature_state(signed_by_text: str, status_label: str) -> str:
    return f"{signed_by_text} — {status_label}"


# --- The receipt (Mẫu 01), signed as an electronic document ------------------------------------
RECEIPT_NAME = "Phiếu tiếp nhận (Mẫu 01)"
BUTTON_SIGN_RECEIPT = "Ký phiếu tiếp nhận…"
RECEIPT_NONE = "không có (hồ sơ chưa được tiếp nhận hoặc người nộp đã nhận kết quả)"
RECEIPT_OUTDATED = "hồ sơ đã được điều chỉnh sau khi ký, cần ký lại"
RECEIPT_NOT_HERE = "chưa tải bản đã ký về máy này"
RECEIPT_SIGN_INTRO = (
    "Ký bằng chữ ký số cá nhân của cán bộ tiếp nhận: phát hành bản điện tử của phiếu tiếp nhận "
    "và hẹn trả kết quả theo thông tin hiện tại của hồ sơ."
)


def receipt_line(state: str) -> str:
    return f"{RECEIPT_NAME}: {state}"


def receipt_outdated(state: str) -> str:
    return f"{state} ({RECEIPT_OUTDATED})"


def components_summary(digitised: int, signed: int, total: int) -> str:
    return f"Đã số hóa {digitised}/{total} giấy tờ, đã ký số {signed}/{total}."


# --- Signing -----------------------------------------------------------------------------------
SIGN_TITLE = "Ký số bản điện tử"
SIGN_INTRO = (
    "Ký bằng chữ ký số cá nhân của cán bộ tiếp nhận: xác nhận bản điện tử đầy đủ, đúng với "
    "bản giấy."
)
SOURCE_TOKEN = "Thiết bị ký số &USB (token)"
SOURCE_FILE = "Tệp &chứng thư số (.p12, .pfx)"
TOKEN_LIBRARY_LABEL = "Thư viện của token"
TOKEN_LIBRARY_NONE = "Không tìm thấy thư viện token; hãy chọn tệp thư viện."
FILE_LABEL = "Tệp chứng thư số"
BUTTON_BROWSE = "Chọn…"
LIBRARY_DIALOG_TITLE = "Chọn thư viện PKCS#11 của token"
LIBRARY_FILTER = "Thư viện PKCS#11 (*.so *.so.* *.dll *.dylib);;Mọi tệp (*)"
P12_DIALOG_TITLE = "Chọn tệp chứng thư số"
P12_FILTER = "Chứng thư số (*.p12 *.pfx);;Mọi tệp (*)"
PIN_LABEL = "Mã PIN"
PIN_PLACEHOLDER = "Nhập mã PIN (không được lưu lại)"
PASSPHRASE_LABEL = "Mật khẩu tệp chứng thư"
PASSPHRASE_PLACEHOLDER = "Nhập mật khẩu của tệp (không được lưu lại)"
BUTTON_SIGN_NOW = "Ký"
SIGNING = "Đang ký số…"
SOURCE_REQUIRED = "Hãy chọn thiết bị ký số hoặc tệp chứng thư số."
PIN_REQUIRED = "Hãy nhập mã PIN."
SIGN_REASON = "Cán bộ tiếp nhận xác nhận bản điện tử đúng với bản giấy"


def sign_component(name: str) -> str:
    return f"Giấy tờ: {name}"
