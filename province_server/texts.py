"""Vietnamese texts of the server's pages: citizen status lookup and province dashboard.

The API speaks English to programs (error codes and details); people read these pages.
"""

from __future__ import annotations

# National status codes exchanged with DVCQG (one-stop-rules §9.2).
NATIONAL_STATUS: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# --- citizen lookup --------------------------------------------------------------------------

LOOKUP_TITLE = "Tra cứu tình trạng hồ sơ"
LOOKUP_NOT_FOUND = "Không tìm thấy hồ sơ hoặc mã tra cứu không đúng"
LOOKUP_NOT_FOUND_HINT = (
    "Vui lòng kiểm tra lại mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả "
    "kết quả, hoặc quét lại mã QR trên giấy."
)
LOOKUP_CODE = "Mã hồ sơ"
LOOKUP_PROCEDURE = "Thủ tục"
LOOKUP_APPLICANT = "Người nộp"
LOOKUP_STATUS = "Tình trạng"
LOOKUP_RECEIVED_AT = "Tiếp nhận lúc"
LOOKUP_DUE_AT = "Hẹn trả kết quả"
# Cross-boundary dossiers (issue 13): the period runs from the competent authority's receipt.
LOOKUP_DUE_EXPECTED = (
    "(dự kiến: thời hạn giải quyết tính từ khi cơ quan có thẩm quyền tiếp nhận hồ sơ)"
)
LOOKUP_AUTHORITY_RECEIVED_AT = "Cơ quan có thẩm quyền tiếp nhận lúc"
LOOKUP_NO_DUE = "Không có ngày hẹn trả cụ thể"
LOOKUP_RESULT_READY = (
    "Hồ sơ đã có kết quả. Mời ông/bà mang Giấy tiếp nhận hồ sơ và hẹn trả kết quả đến Bộ phận "
    "Một cửa để nhận kết quả."
)
LOOKUP_RETURNED_AT = "Đã trả kết quả lúc"
LOOKUP_FINISHED = "Hồ sơ đã kết thúc."
LOOKUP_PAUSED = "Thời hạn giải quyết tạm dừng trong khi chờ bổ sung hồ sơ."
LOOKUP_CONFLICT = (
    "Một số thao tác trên hồ sơ chưa thống nhất giữa các quầy tiếp nhận; cán bộ đang rà soát. "
    "Tình trạng trên là tình trạng đang có hiệu lực."
)
LOOKUP_FOOTER = "Thông tin được cập nhật khi quầy tiếp nhận đồng bộ với máy chủ tỉnh."
# Decree 224/2026 Art. 15: the agency, the officers, the times of reception, processing and
# return, and the steps so far.
LOOKUP_AGENCY = "Cơ quan tiếp nhận"
LOOKUP_OFFICER = "Cán bộ tiếp nhận"
LOOKUP_DECIDING_BODY = "Cơ quan giải quyết"
LOOKUP_RESULT_AT = "Có kết quả lúc"
LOOKUP_FINISHED_AT = "Kết thúc lúc"
LOOKUP_TIMELINE = "Quá trình xử lý hồ sơ"
LOOKUP_STEPS: dict[str, str] = {
    "received": "Tiếp nhận hồ sơ",
    "handed_over": "Chuyển hồ sơ đến cơ quan giải quyết",
    "handed_back": "Nhận lại hồ sơ từ cơ quan giải quyết",
    "authority_received": "Cơ quan có thẩm quyền tiếp nhận hồ sơ",
    "due_overridden": "Điều chỉnh ngày hẹn trả kết quả",
    "supplement_requested": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "supplement_received": "Nhận hồ sơ bổ sung",
    "payment_requested": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "payment_received": "Đã thực hiện nghĩa vụ tài chính",
    "apology_issued": "Gửi thư xin lỗi và hẹn lại ngày trả kết quả",
    "result_received": "Đã có kết quả giải quyết",
    "withdrawn": "Rút hồ sơ theo yêu cầu của người nộp",
    "stopped": "Dừng giải quyết hồ sơ",
    "supplement_expired": "Dừng giải quyết: quá hạn bổ sung hồ sơ",
    "returned": "Đã trả kết quả",
}


def lookup_step_to(body: str) -> str:
    return f"Nơi nhận: {body}" if body else ""


def lookup_step_from(body: str) -> str:
    return f"Từ: {body}" if body else ""


def lookup_step_due(when: str) -> str:
    return f"Hẹn trả kết quả: {when}"


def lookup_step_officer(name: str) -> str:
    return f"Cán bộ thực hiện: {name}"


def short_time(hour: int, minute: int, day: int, month: int, year: int) -> str:
    """``08:30, 15/03/2026`` (the lookup page's timeline)."""
    return f"{hour:02d}:{minute:02d}, {day:02d}/{month:02d}/{year}"


def time_text(hour: int, minute: int, day: int, month: int, year: int) -> str:
    """``08 giờ 30 phút, ngày 15/03/2026`` (the wording of the slips)."""
    return f"{hour:02d} giờ {minute:02d} phút, ngày {day:02d}/{month:02d}/{year}"


# --- dashboard -------------------------------------------------------------------------------

DASHBOARD_TITLE = "Bảng điều khiển máy chủ tỉnh"
DASHBOARD_DISABLED = (
    "Bảng điều khiển chưa được bật: quản trị viên cần đặt biến môi trường PROVINCE_ADMIN_TOKEN."
)
DASHBOARD_UNAUTHORIZED = "Cần mã quản trị hợp lệ để xem bảng điều khiển."
DASHBOARD_GENERATED = "Số liệu lúc"
DASHBOARD_STATIONS = "Các quầy"
DASHBOARD_OFFICES = "Hồ sơ theo đơn vị tiếp nhận"
DASHBOARD_AGENCY = "Mã đơn vị"
DASHBOARD_UNIT = "Tên đơn vị"
DASHBOARD_STATION = "Quầy số"
DASHBOARD_LAST_SYNC = "Đồng bộ gần nhất"
DASHBOARD_EVENTS_TODAY = "Sự kiện nhận hôm nay"
DASHBOARD_WAITING = "Chờ gửi (theo lần gửi gần nhất)"
DASHBOARD_STATE = "Trạng thái"
DASHBOARD_OPEN = "Đang giải quyết"
DASHBOARD_OVERDUE = "Quá hạn"
DASHBOARD_CONFLICTS = "Xung đột chưa giải quyết"
DASHBOARD_NEVER = "Chưa đồng bộ"
DASHBOARD_ACTIVE = "Đang hoạt động"
DASHBOARD_NOT_ENROLLED = "Chưa đăng ký"
DASHBOARD_REVOKED = "Đã thu hồi"
DASHBOARD_NO_STATIONS = "Chưa có quầy nào."
DASHBOARD_NO_DOSSIERS = "Chưa có hồ sơ nào."
DASHBOARD_DIGITISATION = "Số hóa hồ sơ giấy"
DASHBOARD_DIGITISATION_NOTE = (
    "Hồ sơ giấy: tiếp nhận trực tiếp hoặc qua bưu chính (hồ sơ trực tuyến không tính). "
    "Đã số hóa: mọi thành phần đã nhận đều có bản số hóa."
)
DASHBOARD_WHOLE_OFFICE = "Cả đơn vị"
DASHBOARD_PAPER = "Hồ sơ giấy"
DASHBOARD_DIGITISED = "Đã số hóa"
DASHBOARD_RATE = "Tỷ lệ số hóa"
DASHBOARD_BAD_MONTH = "Tháng không hợp lệ: cần dạng YYYY-MM, ví dụ 2026-02."
# Signing in and revoking a station (issue 17): the administrator token is typed in a form,
# never put in an address.
DASHBOARD_LOGIN_INTRO = "Nhập mã quản trị của máy chủ tỉnh để xem bảng điều khiển."
DASHBOARD_LOGIN_LABEL = "Mã quản trị"
DASHBOARD_LOGIN_BUTTON = "Đăng nhập"
DASHBOARD_LOGIN_WRONG = "Mã quản trị không đúng."
DASHBOARD_LOGIN_TOO_MANY = (
    "Đã nhập sai mã quản trị quá nhiều lần từ máy này. Hãy đợi 15 phút rồi thử lại."
)
DASHBOARD_ACTION = "Thu hồi mã quầy"
DASHBOARD_REVOKE_BUTTON = "Thu hồi"
DASHBOARD_REVOKE_NOTE = (
    "Thu hồi khi máy của quầy bị mất, bị thay hoặc bản sao của nó có thể đã lọt ra ngoài: máy "
    "chủ từ chối mã của quầy ngay lập tức; quầy phải đăng ký lại bằng mã đăng ký mới."
)
DASHBOARD_REVOKE_REFUSED = "Yêu cầu thu hồi không hợp lệ; hãy mở lại bảng điều khiển và thử lại."


def dashboard_month(month: int, year: int) -> str:
    """``Tháng 02/2026``."""
    return f"Tháng {month:02d}/{year}"


def dashboard_year_to_date(year: int) -> str:
    """``Từ đầu năm 2026``."""
    return f"Từ đầu năm {year}"


def dashboard_no_paper(month: int, year: int) -> str:
    return (
        f"Chưa có hồ sơ giấy nào được tiếp nhận từ đầu năm {year} đến hết tháng {month:02d}/{year}."
    )


# --- the leaders' dashboard (issue 14 item 2; pages/leaders.py, accounts.py) -----------------

LEADERS_TITLE = "Bảng điều hành tiếp nhận và giải quyết hồ sơ"
LEADERS_NO_ACCOUNT = (
    "Bảng điều khiển chưa được bật: quản trị viên cần tạo tài khoản bằng lệnh "
    "province-server add-admin (hoặc đặt biến môi trường PROVINCE_ADMIN_TOKEN)."
)
LEADERS_LOGIN_INTRO = "Đăng nhập bằng tài khoản lãnh đạo hoặc quản trị của tỉnh."
LEADERS_USERNAME = "Tên đăng nhập"
LEADERS_PASSWORD = "Mật khẩu"
LEADERS_LOGIN_WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LEADERS_LOGIN_TOO_MANY = "Đã đăng nhập sai quá nhiều lần từ máy này. Hãy đợi 15 phút rồi thử lại."
LEADERS_LOGOUT = "Đăng xuất"
LEADERS_ROLE = {"admin": "Quản trị tỉnh", "viewer": "Lãnh đạo (chỉ xem)"}
LEADERS_TOKEN_USER = "Quản trị (mã máy chủ)"
LEADERS_PERIOD = "Kỳ báo cáo"
LEADERS_MONTH = "Tháng"
LEADERS_FROM = "Từ ngày"
LEADERS_TO = "Đến ngày"
LEADERS_SHOW = "Xem"
LEADERS_OR = "hoặc"
LEADERS_BAD_MONTH = "Tháng không hợp lệ: cần dạng YYYY-MM, ví dụ 2026-02."
LEADERS_TO_BEFORE_FROM = "Đến ngày phải sau hoặc bằng Từ ngày."
LEADERS_BAD_FIELD = "Yêu cầu không hợp lệ"


def leaders_bad_date(label: str) -> str:
    return f"{label} không hợp lệ: cần dạng ngày/tháng/năm, ví dụ 13/02/2026."


def leaders_missing_date(label: str) -> str:
    return f"Thiếu {label}: chọn cả Từ ngày và Đến ngày, hoặc chọn một tháng."


def leaders_too_long(days: int) -> str:
    return f"Đến ngày: kỳ báo cáo dài quá {days} ngày; hãy chọn kỳ ngắn hơn."


def leaders_period(start_day: str, end_day: str) -> str:
    """``Từ ngày 01/02/2026 đến ngày 28/02/2026`` (the form's own wording)."""
    return f"Từ ngày {start_day} đến ngày {end_day}"


LEADERS_FIGURES = "Kết quả giải quyết theo đơn vị"
LEADERS_FIGURES_NOTE = (
    "Theo Biểu số 06/VPCP/KSTT, tính theo ngày (giờ Việt Nam) từ cùng dữ liệu các quầy dùng cho "
    "báo cáo của mình. Tỷ lệ đúng hạn: hồ sơ giải quyết trước hạn và đúng hạn trên số đã giải "
    "quyết. Hài lòng: số đánh giá hài lòng và rất hài lòng trên số đã đánh giá. Xung đột: hiện tại."
)
LEADERS_RECEIVED = "Tiếp nhận"
LEADERS_RESOLVED = "Đã giải quyết"
LEADERS_IN_PROGRESS = "Đang giải quyết"
LEADERS_EARLY = "Trước hạn"
LEADERS_ON_TIME = "Đúng hạn"
LEADERS_LATE = "Quá hạn"
LEADERS_IN_TIME = "Trong hạn"
LEADERS_OVERDUE = "Quá hạn"
LEADERS_ON_TIME_RATE = "Tỷ lệ đúng hạn"
LEADERS_DIGITISATION_RATE = "Tỷ lệ số hóa"
LEADERS_SATISFACTION = "Hài lòng"
LEADERS_CONFLICTS = "Xung đột"
LEADERS_PROVINCE_TOTAL = "Toàn tỉnh"
LEADERS_NO_FIGURES = "Không có hồ sơ nào trong kỳ này."
LEADERS_DETAIL = "Xem hồ sơ trễ hạn"
LEADERS_CHART_TITLE = "Hồ sơ đã giải quyết trong kỳ, theo đơn vị"
LEADERS_CHART_RATE_TITLE = "Tỷ lệ giải quyết đúng hạn, theo đơn vị"
LEADERS_EXPORT = "Tải Biểu 06 và chỉ tiêu Điều 19 (.xlsx)"
LEADERS_SILENT_NOTE = (
    "Quầy im lặng: màu vàng khi quá 1 ngày chưa đồng bộ, màu đỏ khi quá 3 ngày "
    "(hoặc đã đăng ký mà chưa đồng bộ lần nào)."
)
LEADERS_SILENT = {"amber": "Quá 1 ngày chưa đồng bộ", "red": "Quá 3 ngày chưa đồng bộ"}
LEADERS_SILENT_COUNT = "Quầy im lặng"
LEADERS_ISSUE = "Cấp mã đăng ký quầy"
LEADERS_ISSUE_AGENCY = "Mã đơn vị"
LEADERS_ISSUE_STATION = "Số quầy (1–999)"
LEADERS_ISSUE_UNIT = "Tên đơn vị (in trên phiếu, nếu mới)"
LEADERS_ISSUE_BUTTON = "Cấp mã"
LEADERS_ISSUED = "Mã đăng ký một lần của quầy {prefix} ({agency}): {code} — Hết hạn lúc {at}."
LEADERS_ISSUE_NOTE = "Đọc mã cho cán bộ của quầy nhập vào trình cài đặt; mã chỉ hiện một lần."
LEADERS_ISSUE_STATION_BAD = "Số quầy không hợp lệ: cần một số từ 1 đến 999."
LEADERS_ISSUE_TAKEN = "Số quầy: số này đã thuộc một đơn vị khác; hãy chọn số khác."
LEADERS_ISSUE_AGENCY_BAD = "Mã đơn vị không hợp lệ, ví dụ 000.00.19.H56."
LEADERS_FORM_REFUSED = (
    "Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy mở lại bảng điều khiển và thử lại."
)
LEADERS_ADMIN_ONLY = "Chỉ tài khoản quản trị tỉnh được cấp mã hoặc thu hồi quầy."
LEADERS_DRILL_TITLE = "Hồ sơ quá hạn và sắp đến hạn"
LEADERS_DRILL_BACK = "Quay lại bảng điều hành"
LEADERS_DRILL_KIND = {
    "overdue": "Đang giải quyết, đã quá hạn",
    "soon": "Sắp đến hạn (trong 3 ngày tới)",
    "late": "Đã giải quyết quá hạn trong kỳ",
}
LEADERS_DRILL_NONE = "Không có hồ sơ nào."
LEADERS_DRILL_NOTE = "Tên người nộp đã được che; không hiển thị số định danh."
LEADERS_CODE = "Mã hồ sơ"
LEADERS_PROCEDURE = "Thủ tục"
LEADERS_APPLICANT = "Người nộp"
LEADERS_RECEIVED_AT = "Tiếp nhận lúc"
LEADERS_DUE_AT = "Hẹn trả"
LEADERS_FINISHED_AT = "Giải quyết xong"
LEADERS_UNKNOWN_OFFICE = "Không có đơn vị này."
# The workbook (pages/export.py).
LEADERS_SHEET_06 = "Biểu 06"
LEADERS_SHEET_19 = "Chỉ tiêu Điều 19"
LEADERS_XLSX_TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
)
LEADERS_XLSX_FORM = "Biểu số 06/VPCP/KSTT"
LEADERS_XLSX_BASIS = "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020"
LEADERS_XLSX_UNIT = "Đơn vị tính: Số hồ sơ TTHC"
LEADERS_XLSX_BODY = "Tổng hợp toàn tỉnh"
LEADERS_XLSX_SUBJECT = "Đơn vị tiếp nhận"
LEADERS_XLSX_CLOSED = (
    "Trong số đã giải quyết: rút hồ sơ {w}, dừng giải quyết {s}, đóng do quá hạn bổ sung {x}."
)
LEADERS_XLSX_HEADERS = (
    ("STT", "Đơn vị tiếp nhận", "Số hồ sơ nhận giải quyết", "", "", "",
     "Số hồ sơ đã giải quyết", "", "", "", "Số hồ sơ đang giải quyết", "", ""),
    ("", "", "Tổng số", "Trong đó", "", "", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
     "Tổng số", "Trong hạn", "Quá hạn"),
    ("", "", "", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
     "", "", "", "", "", "", ""),
)  # fmt: skip
LEADERS_19_TITLE = "CHỈ TIÊU THEO ĐIỀU 19 NGHỊ ĐỊNH 224/2026/NĐ-CP"
LEADERS_19_HEADERS = (
    "STT", "Đơn vị tiếp nhận", "Hồ sơ tiếp nhận trong kỳ", "Trong đó trực tuyến",
    "Tỷ lệ hồ sơ trực tuyến (%)", "Hồ sơ đã giải quyết", "Thời gian giải quyết bình quân (ngày)",
    "Tỷ lệ giải quyết đúng hạn (%)", "Tỷ lệ đúng hạn gồm cả đang giải quyết trong hạn (%)",
    "Hồ sơ giấy", "Đã số hóa", "Tỷ lệ số hóa (%)", "Số đánh giá", "Hài lòng",
    "Tỷ lệ hài lòng (%)",
)  # fmt: skip
LEADERS_19_NOTE = (
    "Tỷ lệ dịch vụ công trực tuyến toàn trình cần danh mục mức độ trực tuyến của thủ tục: chưa "
    "tính ở đây. Thời gian bình quân: từ lúc tiếp nhận đến lúc có kết quả (không tính hồ sơ rút, "
    "dừng). Ô trống: không có hồ sơ để tính."
)


# --- citizen lookup: the form and its refusals ------------------------------------------------

LOOKUP_INTRO = (
    "Nhập mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, hoặc quét mã "
    "QR trên giấy bằng điện thoại."
)
LOOKUP_FORM_CODE_HINT = "Ví dụ: 000.00.19.H56-260213-0010001"
LOOKUP_FORM_KEY = "Mã tra cứu"
LOOKUP_FORM_KEY_HINT = "Gồm 6 chữ và số, in bên cạnh mã QR"
LOOKUP_SUBMIT = "Tra cứu"
LOOKUP_ANOTHER = "Tra cứu hồ sơ khác"
LOOKUP_INCOMPLETE = "Vui lòng nhập đủ cả mã hồ sơ và mã tra cứu."
LOOKUP_TOO_MANY = "Tạm khóa tra cứu vì nhập sai quá nhiều lần"


def lookup_too_many_hint(minutes: int) -> str:
    """Why the lookup is refused for now (429), and what to do."""
    return (
        "Để bảo vệ thông tin hồ sơ, việc tra cứu tạm khóa sau nhiều lần nhập sai mã. Vui lòng "
        f"thử lại sau khoảng {minutes} phút, hoặc liên hệ Bộ phận Một cửa nơi đã nộp hồ sơ."
    )


# --- a station's history found rewritten (stations/history.py) --------------------------------

DASHBOARD_HISTORY_REWRITTEN = (
    "Cảnh báo: lịch sử của quầy {prefix} ({unit}, {agency}) không nối tiếp lần gửi trước "
    "(phát hiện lúc {at}, ở mục thứ {pos}): hồ sơ hoặc nhật ký đã bị sửa, xóa trong tệp dữ "
    "liệu của quầy, hoặc quầy đã khôi phục một bản sao lưu cũ. Hãy liên hệ quầy để kiểm tra."
)


# --- the national portal connector (province_server/national/) -------------------------------

NATIONAL_NOT_CONFIGURED = (
    "Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia: cần đặt PROVINCE_NATIONAL_URL, "
    "PROVINCE_NATIONAL_USERNAME và PROVINCE_NATIONAL_PASSWORD (xem README của máy chủ tỉnh)."
)
# NoiDungXuLy of each processing step sent with CapNhatTienDoHoSoMC.
NATIONAL_STEP: dict[str, str] = {
    "received": "Tiếp nhận hồ sơ",
    "refused": "Từ chối tiếp nhận hồ sơ",
    "guided": "Hướng dẫn hoàn thiện hồ sơ",
    "handed_over": "Chuyển hồ sơ đến cơ quan giải quyết",
    "handed_back": "Hồ sơ được trả lại bộ phận một cửa",
    "supplement_requested": "Yêu cầu bổ sung giấy tờ",
    "supplement_received": "Tiếp nhận hồ sơ bổ sung",
    "payment_requested": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "payment_received": "Đã thực hiện nghĩa vụ tài chính",
    "result_received": "Đã có kết quả giải quyết",
    "withdrawn": "Công dân yêu cầu rút hồ sơ",
    "stopped": "Dừng xử lý hồ sơ",
    "supplement_expired": "Dừng xử lý: quá hạn bổ sung hồ sơ",
    "returned": "Đã trả kết quả",
}
NATIONAL_PAGE_TITLE = "Đồng bộ Cổng Dịch vụ công quốc gia"
NATIONAL_ERRORS = "Hồ sơ gửi lỗi"
NATIONAL_NO_ERRORS = "Không có hồ sơ nào đang gửi lỗi."
NATIONAL_PENDING = "Đang chờ gửi"
NATIONAL_CODE = "Mã hồ sơ"
NATIONAL_ATTEMPTS = "Số lần thử"
NATIONAL_NEXT = "Thử lại lúc"
NATIONAL_ERROR = "Lỗi"
NATIONAL_ANSWER = "Trả lời của Cổng"
NATIONAL_RECONCILE = "Đối chiếu theo đơn vị và tháng tiếp nhận"
NATIONAL_RECONCILE_NOTE = (
    "Số của Cổng: các hồ sơ Cổng đã xác nhận (trả lời 00) theo ghi nhận của bộ kết nối, với "
    "trạng thái đã gửi gần nhất. Hồ sơ lệch: trạng thái của máy chủ tỉnh khác trạng thái Cổng "
    "đã xác nhận, hoặc Cổng chưa xác nhận."
)
NATIONAL_OURS = "Máy chủ tỉnh"
NATIONAL_PORTAL = "Cổng quốc gia"
NATIONAL_DIFFER = "Hồ sơ lệch"
NATIONAL_OUR_STATUS = "Trạng thái (tỉnh)"
NATIONAL_PORTAL_STATUS = "Trạng thái (Cổng)"
NATIONAL_NONE = "Chưa có"

# --- USB sync bundles (issue 15 item 2): import-bundle and /dashboard/bundles ----------------

BUNDLE_REFUSED: dict[str, str] = {
    "truncated": "Tệp gói đồng bộ bị cắt cụt (chép chưa hết hoặc USB bị rút ra khi đang ghi).",
    "not_a_bundle": "Tệp này không phải là gói đồng bộ của Quầy Một Cửa.",
    "newer_format": "Gói đồng bộ được tạo bởi phiên bản mới hơn: hãy cập nhật máy chủ tỉnh.",
    "tampered": "Gói đồng bộ đã bị sửa đổi hoặc hỏng (chữ ký hoặc mã xác thực không khớp).",
    "wrong_signer": "Gói đồng bộ không được mã hóa cho máy chủ tỉnh này hoặc sai người ký.",
    "too_large": "Gói đồng bộ vượt quá kích thước cho phép.",
    "malformed": "Nội dung gói đồng bộ không hợp lệ.",
    "no_keys": (
        "Máy chủ tỉnh chưa có khóa gói đồng bộ: tạo bằng lệnh province-server bundle-keygen "
        "và đặt biến môi trường PROVINCE_BUNDLE_KEY_FILE."
    ),
    "not_station_bundle": "Đây là gói trả về cho quầy, không phải gói do quầy xuất.",
    "unknown_station": "Gói đồng bộ của một quầy chưa đăng ký với máy chủ tỉnh.",
    "revoked_station": "Quầy đã bị thu hồi quyền đồng bộ: gói đồng bộ bị từ chối.",
    "foreign_office": "Gói đồng bộ ghi sai đơn vị: quầy không thuộc đơn vị ghi trong gói.",
    "unknown_key": "Chữ ký của gói không phải của quầy (khóa ký không được xác nhận).",
    "wrong_station": "Gói đồng bộ chứa dữ liệu nhân danh một quầy khác.",
}
BUNDLE_NOTHING_CHANGED = "Không có gì thay đổi."
BUNDLE_PAGE_TITLE = "Nhập gói đồng bộ qua USB"
BUNDLE_PAGE_HINT = (
    "Chọn tệp gói đồng bộ (.qmcsync) do quầy xuất ra USB. Máy chủ áp dụng gói như một lần "
    "đồng bộ trực tuyến rồi tạo gói trả về để mang về quầy. Nhập lại một gói đã nhập không "
    "làm nhân đôi dữ liệu."
)
BUNDLE_FILE = "Tệp gói đồng bộ"
BUNDLE_SUBMIT = "Nhập gói"
BUNDLE_NO_FILE = "Chưa chọn tệp gói đồng bộ."
BUNDLE_REFUSED_TITLE = "Gói đồng bộ bị từ chối"
BUNDLE_DONE_TITLE = "Đã nhập gói đồng bộ"
BUNDLE_DOWNLOAD = "Tải gói trả về cho quầy"
BUNDLE_RETURN_SUPERSEDED = (
    "Gói trả về này đã được thay bằng gói trả về mới hơn của cùng quầy. Hãy tải gói trả về của "
    "lần nhập gần nhất; những sự kiện chưa được xác nhận, quầy sẽ mang theo ở gói sau."
)
BUNDLE_RECENT = "Các gói đã nhập gần đây"
BUNDLE_NONE = "Chưa nhập gói nào."
BUNDLE_COLUMNS = ("Lúc nhập", "Đơn vị", "Quầy", "Gói số", "Sự kiện", "Mới", "Trùng", "Bị từ chối")
BUNDLE_REPEAT = "(nhập lại)"


def bundle_refused(code: str) -> str:
    """The sentence for a refused bundle, ending with "nothing changed"."""
    reason = BUNDLE_REFUSED.get(code, BUNDLE_REFUSED["malformed"])
    return f"{reason} {BUNDLE_NOTHING_CHANGED}"


def bundle_imported(events: int, accepted: int, duplicates: int, rejected: int, pulled: int) -> str:
    """What an import did, in a sentence."""
    return (
        f"Gói có {events} sự kiện: {accepted} sự kiện mới được lưu, {duplicates} sự kiện đã có "
        f"từ trước, {rejected} sự kiện bị từ chối. Gói trả về mang {pulled} sự kiện của đơn vị "
        "cho quầy."
    )


BUNDLE_STEPS = {"batches": "Đang áp dụng các lô sự kiện", "scans": "Đang lưu các bản quét"}


def bundle_progress(what: str, done: int, total: int) -> str:
    """A progress line of ``import-bundle`` (standard error)."""
    return f"{BUNDLE_STEPS.get(what, what)}: {done}/{total}"
