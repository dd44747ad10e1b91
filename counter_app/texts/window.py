"""Every Vietnamese string of the counter window (no Qt here).

This Qt ships no Vietnamese translation, so the window never uses Qt's standard button texts:
every button, title and label comes from this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from counter_app.domain.calendar import CalendarDay, DayKind
from counter_app.domain.errors import DomainError
from counter_app.domain.models import DocumentForm, ReturnMethod

# --- Common buttons ---------------------------------------------------------------------------
BUTTON_OK = "Đồng ý"
BUTTON_CANCEL = "Hủy"
BUTTON_CLOSE = "Đóng"
BUTTON_SAVE = "Lưu"
ERROR_TITLE = "Không thực hiện được"
INFO_TITLE = "Thông báo"
UNEXPECTED_ERROR = (
    "Đã xảy ra lỗi không mong đợi; chi tiết đã được ghi vào nhật ký. Dữ liệu đã lưu không bị ảnh "
    "hưởng."
)
WORKING = "Đang xử lý…"

# --- Login and lock ---------------------------------------------------------------------------
LOGIN_TITLE = "Đăng nhập"
LOGIN_HEADING = "Đăng nhập quầy tiếp nhận"
LOGIN_OFFICER = "Cán bộ"
LOGIN_PASSWORD = "Mật khẩu"
LOGIN_BUTTON = "Đăng nhập"
LOGIN_QUIT = "Thoát"
LOGIN_OFFLINE_NOTE = "Đăng nhập được cả khi mất mạng (mật khẩu được kiểm tra trên máy này)."
LOCK_TITLE = "Màn hình đã khóa"
LOCK_COVER = "Màn hình đã khóa để bảo vệ thông tin công dân."
LOCK_UNLOCK = "Mở khóa"
LOCK_QUIT = "Thoát ứng dụng"


def login_window_title(app_name: str) -> str:
    return f"{LOGIN_TITLE} — {app_name}"


def lock_prompt(full_name: str, minutes: int) -> str:
    return (
        f"Không có thao tác trong {minutes} phút nên màn hình đã khóa.\n"
        f"Cán bộ {full_name} nhập mật khẩu để tiếp tục."
    )


def officer_choice(full_name: str, username: str) -> str:
    return f"{full_name} ({username})"


# --- Main window ------------------------------------------------------------------------------
MENU_DOSSIERS = "&Hồ sơ"
MENU_SETTINGS = "&Cài đặt"
MENU_HELP = "&Trợ giúp"
ACTION_NEW = "Tiếp nhận hồ sơ mới"
ACTION_TODAY = "Hồ sơ hôm nay"
ACTION_SEARCH = "Tra cứu hồ sơ"
ACTION_LOCK = "Khóa màn hình"
ACTION_QUIT = "Thoát"
ACTION_OFFICE_SETTINGS = "Thông tin cơ quan và máy in…"
ACTION_SHORTCUTS = "Phím tắt"
ACTION_ABOUT = "Giới thiệu"
TAB_INTAKE = "Tiếp nhận (F2)"
TAB_TODAY = "Hồ sơ hôm nay (F3)"
TAB_SEARCH = "Tra cứu (F4)"
SYNC_NOT_CONNECTED = "Chưa đăng ký với máy chủ tỉnh"  # the sync indicator of a new station
SHORTCUTS_TEXT = (
    "F2: tiếp nhận  ·  F3: hồ sơ hôm nay  ·  F4: tra cứu\n"
    "Ctrl+K: chọn thủ tục  ·  Ctrl+Q: ô quét mã QR thẻ căn cước\n"
    "Ctrl+G: danh sách giấy tờ (Phím cách: đánh dấu đã nộp)  ·  Ctrl+T: thời hạn giải quyết\n"
    "F5: tiếp nhận hồ sơ  ·  F6: yêu cầu bổ sung  ·  F7: từ chối  ·  F10: số hóa giấy tờ\n"
    "Ctrl+P: in lại phiếu vừa lập  ·  Ctrl+N: hồ sơ mới  ·  Ctrl+L: khóa màn hình\n"
    "F8: danh sách hồ sơ  ·  F9: báo cáo  ·  F11: nhắc việc (đến hạn, quá hạn)\n"
    "F12: đồng bộ ngay với máy chủ tỉnh  ·  Ctrl+Shift+X: xung đột giữa các quầy\n"
    "Ctrl+Shift+U: xuất gói đồng bộ ra USB  ·  Ctrl+Shift+R: nhập gói trả về từ tỉnh"
)
SETTINGS_ADMIN_ONLY = "Chỉ cán bộ quản trị được thay đổi cài đặt của cơ quan."


def status_officer(full_name: str, role: str) -> str:
    return f"Cán bộ: {full_name} ({ROLE_LABELS.get(role, role)})"


def login_office(unit_name: str, is_demo: bool) -> str:
    """The office line of the login window (the demo office is said to be one)."""
    return f"{unit_name}\nDEMO — văn phòng dùng để tập huấn" if is_demo else unit_name


def status_office(unit_name: str, agency_id: str, is_demo: bool) -> str:
    demo = " — DỮ LIỆU THỬ" if is_demo else ""
    return f"{unit_name} · {agency_id}{demo}"


def about_text(app_name: str, version: str) -> str:
    return (
        f"{app_name} {version}\nPhần mềm tiếp nhận và trả kết quả hồ sơ thủ tục hành chính "
        "tại Bộ phận Một cửa, làm việc cả khi mất mạng."
    )


ROLE_LABELS = {"officer": "cán bộ", "leader": "lãnh đạo", "admin": "quản trị"}

# --- Reception form ---------------------------------------------------------------------------
PROCEDURE_LABEL = "Thủ tục"
PROCEDURE_PLACEHOLDER = "Gõ mã (1.001193) hoặc tên thủ tục, không cần dấu: khai sinh, ket hon…"
PROCEDURE_NONE = "Chưa chọn thủ tục"
PROCEDURE_TIME = "Thời hạn giải quyết"
APPLICANT_TITLE = "Người nộp hồ sơ"
SUBMITTER_TOGGLE = "Có người được ủy quyền nộp thay"
SUBMITTER_TITLE = "Người được ủy quyền nộp hồ sơ"
SCAN_LABEL = "Quét QR thẻ căn cước"
SCAN_PLACEHOLDER = "Đặt con trỏ ở đây rồi quét mã QR trên thẻ căn cước"
NAME_LABEL = "Họ và tên"
ID_LABEL = "Số định danh"
OLD_ID_LABEL = "Số CMND cũ"
BIRTH_LABEL = "Ngày sinh"
BIRTH_PLACEHOLDER = "dd/mm/yyyy"
SEX_LABEL = "Giới tính"
SEX_MALE = "Nam"
SEX_FEMALE = "Nữ"
ADDRESS_LABEL = "Địa chỉ"
PHONE_LABEL = "Điện thoại"
CARD_FILLED = "Đã điền thông tin từ thẻ căn cước."
DOCUMENTS_TITLE = "Thành phần hồ sơ"
DOCUMENT_ADD = "Thêm giấy tờ"
DOCUMENT_REMOVE = "Bỏ dòng"
DOCUMENT_NEW = "Giấy tờ khác"
DOCUMENT_COLUMNS = ("Đã nhận", "Tên giấy tờ", "Hình thức", "Số lượng")
FORM_LABELS = {
    DocumentForm.ORIGINAL: "Bản chính",
    DocumentForm.CERTIFIED_COPY: "Bản sao chứng thực",
    DocumentForm.COPY: "Bản sao",
    DocumentForm.ORIGINAL_AND_COPY: "Bản chính và bản sao",
}
SETS_LABEL = "Số bộ hồ sơ"
RETURN_LABEL = "Trả kết quả"
RETURN_LABELS = {
    ReturnMethod.COUNTER: "Tại Bộ phận Một cửa",
    ReturnMethod.POSTAL: "Qua dịch vụ bưu chính công ích",
    ReturnMethod.ELECTRONIC: "Trực tuyến (bản điện tử)",
    ReturnMethod.VNEID: "Qua tài khoản VNeID",
}
RETURN_ADDRESS_LABEL = "Địa chỉ nhận"
RETURN_ADDRESS_PLACEHOLDER = "Địa chỉ nhận kết quả qua bưu chính"
FEE_LABEL = "Phí, lệ phí"
DUE_LABEL = "Ngày hẹn trả"
DUE_NONE = "Không có ngày hẹn trả cụ thể"
DUE_NEED_PROCEDURE = "Chọn thủ tục để tính ngày hẹn trả"
DUE_ESTIMATED = (
    "Lưu ý: thời hạn đi qua ngày nghỉ lễ chưa được công bố chính thức: ngày hẹn là dự kiến "
    "và có thể thay đổi."
)
DUE_ESTIMATED_DAYS = (
    "Lưu ý: thời hạn đi qua ngày nghỉ lễ chưa được công bố chính thức ({days}): ngày hẹn là "
    "dự kiến và có thể thay đổi khi lịch nghỉ được công bố."
)
DAY_OFF_UNNAMED = "ngày nghỉ"
DAY_WORKED_UNNAMED = "ngày làm bù"
DUE_OVERRIDE = "Sửa ngày hẹn trả"
DUE_OVERRIDE_REASON = "Lý do sửa ngày hẹn (bắt buộc)"
BUTTON_RECEIVE = "Tiếp nhận (F5)"
BUTTON_GUIDE = "Yêu cầu bổ sung (F6)"
BUTTON_REFUSE = "Từ chối (F7)"
BUTTON_NEW = "Hồ sơ mới (Ctrl+N)"
BUTTON_PRINT_AGAIN = "In phiếu (Ctrl+P)"
BUTTON_PREVIEW = "Xem phiếu"
PROCEDURE_REQUIRED = "Hãy chọn thủ tục hành chính trước."
DATE_FORMAT = "dd/MM/yyyy HH:mm"
GUIDE_TITLE = "Yêu cầu bổ sung, hoàn thiện hồ sơ"
GUIDE_MISSING = "Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)"
GUIDE_REASON = "Nội dung hướng dẫn"
GUIDE_REASON_DEFAULT = "Hồ sơ chưa đầy đủ thành phần theo quy định."
REFUSE_TITLE = "Từ chối tiếp nhận hồ sơ"
REFUSE_REASON = "Lý do từ chối (bắt buộc)"
BUTTON_CONFIRM_GUIDE = "Lưu và in phiếu bổ sung"
BUTTON_CONFIRM_REFUSE = "Lưu và in phiếu từ chối"
PRINTING = "Đang gửi phiếu tới máy in…"


def received_banner(code: str, due: str) -> str:
    return f"Đã tiếp nhận hồ sơ {code} — hẹn trả {due}."


def guided_banner(name: str) -> str:
    return f"Đã lập phiếu yêu cầu bổ sung cho {name}."


def refused_banner(name: str) -> str:
    return f"Đã lập phiếu từ chối tiếp nhận cho {name}."


def printed_note(pages: int) -> str:
    """Said only once the printer confirmed the job (one job per slip, one copy of its PDF)."""
    return f"Máy in đã in xong phiếu ({pages} trang)."


PRINT_FAILED_NOTE = "Chưa in được phiếu — hồ sơ đã được lưu; kiểm tra máy in rồi bấm «In phiếu»."


def procedure_choice(code: str, name: str) -> str:
    return f"{code} — {name}"


def procedure_summary(field: str, time_text: str) -> str:
    return f"{field} · {PROCEDURE_TIME}: {time_text}"


def format_due(value: datetime | None) -> str:
    return value.strftime("%H:%M ngày %d/%m/%Y") if value else DUE_NONE


def estimated_warning(days: Sequence[CalendarDay]) -> str:
    """The officer's warning naming the estimated holidays a period crosses (issue 13 item 5):
    "Tết Dương lịch 01/01/2027; Quốc khánh 02/09, 03/09/2027" (same name, dates together)."""
    if not days:
        return DUE_ESTIMATED
    return DUE_ESTIMATED_DAYS.format(days=estimated_days_text(days))


def estimated_days_text(days: Sequence[CalendarDay]) -> str:
    """The estimated days named, days of one name together: "Quốc khánh 02/09, 03/09/2027"."""
    groups: list[tuple[str, list[CalendarDay]]] = []
    for day in days:
        name = day.name or (DAY_WORKED_UNNAMED if day.kind is DayKind.WORKING else DAY_OFF_UNNAMED)
        if groups and groups[-1][0] == name and groups[-1][1][-1].day.year == day.day.year:
            groups[-1][1].append(day)
        else:
            groups.append((name, [day]))
    parts = []
    for name, members in groups:
        dates = [m.day.strftime("%d/%m") for m in members]
        parts.append(f"{name} {', '.join(dates)}/{members[-1].day.year}")
    return "; ".join(parts)


# --- Tables -----------------------------------------------------------------------------------
COL_CODE = "Mã hồ sơ"
COL_APPLICANT = "Người nộp"
COL_PROCEDURE = "Thủ tục"
COL_RECEIVED = "Tiếp nhận"
COL_DUE = "Hẹn trả"
COL_STATUS = "Trạng thái"
NO_CODE = "(chưa cấp mã)"
TODAY_HEADING = "Hồ sơ tiếp nhận hôm nay"
TODAY_REFRESH = "Làm mới"


def today_count(count: int) -> str:
    return f"{count} hồ sơ"


def short_datetime(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


# --- Search -----------------------------------------------------------------------------------
SEARCH_PLACEHOLDER = (
    "Quét mã vạch trên phiếu, hoặc gõ mã hồ sơ, tên, số định danh, tên thủ tục (không cần dấu)"
)
SEARCH_BUTTON = "Tìm"


def search_count(count: int) -> str:
    return f"Tìm thấy {count} hồ sơ." if count else "Không tìm thấy hồ sơ nào."


# --- Dossier dialog ---------------------------------------------------------------------------
DOSSIER_TITLE = "Hồ sơ"
DOSSIER_HISTORY = "Lịch sử"
DOSSIER_PRINTS = "Các lần in phiếu"
DOSSIER_REPRINT = "In lại phiếu"
DOSSIER_PREVIEW = "Xem phiếu"
DOSSIER_FIELDS = (
    "Mã hồ sơ",
    "Trạng thái",
    "Thủ tục",
    "Người nộp",
    "Số định danh",
    "Tiếp nhận lúc",
    "Hẹn trả",
    "Lý do",
)
PRINT_ORIGINAL = "in lần đầu"
PRINT_REPRINT = "in lại"
SLIP_FORM_LABELS = {
    "receipt": "Giấy tiếp nhận và hẹn trả",
    "supplement": "Phiếu yêu cầu bổ sung",
    "refusal": "Phiếu từ chối tiếp nhận",
}


def history_line(at: datetime, label: str, officer: str) -> str:
    return f"{at:%d/%m/%Y %H:%M} — {label} — {officer}"


def print_line(at: datetime, form: str, size: str, reprint: bool) -> str:
    kind = PRINT_REPRINT if reprint else PRINT_ORIGINAL
    return f"{at:%d/%m/%Y %H:%M} — {SLIP_FORM_LABELS.get(form, form)} ({size}) — {kind}"


# --- Preview ----------------------------------------------------------------------------------
PREVIEW_TITLE = "Xem trước phiếu"
PREVIEW_PRINT = "In phiếu"

# --- Office settings --------------------------------------------------------------------------
SETTINGS_TITLE = "Cài đặt cơ quan"
SETTINGS_OFFICE_GROUP = "Cơ quan"
SETTINGS_PRINT_GROUP = "In phiếu"
SETTINGS_HOURS_GROUP = "Giờ làm việc"
SETTINGS_LABELS = {
    "agency_id": "Mã định danh cơ quan",
    "parent_body": "Cơ quan chủ quản",
    "unit_name": "Tên đơn vị",
    "place_name": "Địa danh",
    "lookup_url": "Địa chỉ tra cứu hồ sơ",
    "paper_size": "Khổ giấy",
    "printer": "Máy in",
    "morning": "Buổi sáng",
    "afternoon": "Buổi chiều",
    "cutoff": "Sau giờ này trả hôm sau",
}
PAPER_LABELS = {
    "a5": "A5 (mặc định)",
    "a4": "A4",
    "a4x2": "A4 ngang, 2 liên cạnh nhau (cắt đôi thành 2 tờ A5)",
    "80mm": "Giấy in nhiệt 80 mm",
}
PRINTER_DEFAULT = "(Máy in mặc định của hệ thống)"
HOURS_TO = "đến"
SETTINGS_SAVED = "Đã lưu cài đặt của cơ quan."


def settings_error(error: DomainError, default: str) -> str:
    """The sentence for a refused setting: names the field when the refusal carries one."""
    key: Any = error.params.get("setting")
    if key is None:
        return default
    label = SETTINGS_LABELS.get(str(key), str(key))
    if key == "lookup_url":
        return f"{label} phải là một địa chỉ http:// hoặc https:// hợp lệ."
    return f"{label}: không được để trống, tối đa 200 ký tự."


# --- Keyboard-first reception, dialogs and lock (issue 11) -------------------------------------
def window_title(app_name: str, is_demo: bool) -> str:
    """The main window's title; the demo office says so from the first second."""
    return f"{app_name} — DEMO: văn phòng tập huấn, dữ liệu thử" if is_demo else app_name


DEMO_STATUS = "DEMO — dữ liệu thử, không dùng cho hồ sơ thật"


def lock_prompt_manual(full_name: str) -> str:
    return f"Cán bộ {full_name} đã khóa màn hình (Ctrl+L).\nNhập mật khẩu để tiếp tục."


LOCK_SWITCH_NOTE = (
    "Cán bộ khác làm tiếp tại quầy: chọn tên mình ở ô «Cán bộ» rồi nhập mật khẩu của mình."
)


def switched_officer(full_name: str) -> str:
    return f"Cán bộ {full_name} đang làm việc tại quầy."


DISCARD_TITLE = "Bỏ thông tin đang nhập?"
DISCARD_TEXT = (
    "Biểu mẫu đang có thông tin chưa lưu của công dân trước.\n"
    "Bỏ các thông tin này để nhập hồ sơ mới?\n\n"
    "Enter: quay lại biểu mẫu.\nAlt+B: bỏ và nhập hồ sơ mới."
)
DISCARD_BACK = "Quay lại biểu mẫu"
DISCARD_CONFIRM = "&Bỏ và nhập hồ sơ mới"
NO_PAPER_TITLE = "Chưa đánh dấu giấy tờ nào"
NO_PAPER_TEXT = (
    "Chưa có giấy tờ nào được đánh dấu «Đã nhận».\n"
    "Phiếu tiếp nhận chỉ ghi các giấy tờ đã đánh dấu.\n\n"
    "Enter: quay lại đánh dấu giấy tờ công dân đã nộp (phím Space trong bảng).\n"
    "Alt+T: tiếp nhận hồ sơ không kèm giấy tờ nào."
)
NO_PAPER_BACK = "Quay lại đánh dấu giấy tờ"
NO_PAPER_RECEIVE = "&Tiếp nhận, không có giấy tờ nào"
PROCEDURE_NOT_MATCHED = (
    "Không có thủ tục nào khớp với nội dung đã nhập; hãy gõ lại mã hoặc tên thủ tục (Ctrl+K)."
)
STATED_TIME_LABEL = "Thời hạn giải quyết"
STATED_TIME_NOTE = "danh mục chưa có: nhập theo quy định"
STATED_TIME_TIP = (
    "Danh mục chưa có thời hạn giải quyết của thủ tục này: nhập số và đơn vị theo văn bản "
    "quy định thủ tục; thời hạn được ghi vào hồ sơ và ngày hẹn trả tính theo đó."
)
STATED_TIME_UNITS = (
    ("working_days", "ngày làm việc"),
    ("calendar_days", "ngày"),
    ("working_hours", "giờ làm việc"),
    ("months", "tháng"),
    ("same_day", "trong ngày"),
    ("no_due_date", "không có ngày hẹn trả"),
)
FIELD_NAMES = {
    "name": "Họ và tên",
    "id_number": "Số định danh",
    "old_id_number": "Số CMND cũ",
    "birth_date": "Ngày sinh",
    "address": "Địa chỉ",
    "phone": "Điện thoại",
    "return_address": "Địa chỉ nhận kết quả",
    "fee": "Phí, lệ phí",
    "reason": "Lý do",
    "due_override_reason": "Lý do sửa ngày hẹn trả",
}
BIRTH_FORMAT = "Ngày sinh phải nhập dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 31/01/1990."
BIRTH_FUTURE = "Ngày sinh không được sau ngày hôm nay; hãy kiểm tra lại năm sinh."
BIRTH_TOO_OLD = "Ngày sinh phải từ năm 1900 trở đi; hãy kiểm tra lại năm sinh."


def field_error(error: DomainError) -> str | None:
    """The sentence of a field refused by ``domain.fields`` (None for other errors)."""
    field, problem = error.params.get("field"), error.params.get("problem")
    if field is None or problem in (None, "missing"):
        return None
    if field == "birth_date" and problem in ("format", "future", "too_old"):
        return {"format": BIRTH_FORMAT, "future": BIRTH_FUTURE, "too_old": BIRTH_TOO_OLD}[
            str(problem)
        ]
    label = FIELD_NAMES.get(str(field), str(field))
    if problem == "too_long":
        return f"{label}: tối đa {error.params.get('limit')} ký tự."
    if problem == "characters":
        return f"{label}: có ký tự điều khiển hoặc ký tự ẩn không hợp lệ; hãy gõ lại ô này."
    return None
