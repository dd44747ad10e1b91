"""Every Vietnamese string the user sees (screens, slips, command line, errors). No Qt here.

Fixed texts are constants; parametrised texts are small functions. Domain and services raise
codes (``ErrorCode``); :func:`error_message` turns a code and its parameters into a sentence.
"""

from __future__ import annotations

from typing import Any

from counter_app.domain.dossier import EventKind, Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.texts import fees as fee_texts
from counter_app.texts.attachments import ATTACHMENTS_ERRORS
from counter_app.texts.bundles import BUNDLE_ERRORS
from counter_app.texts.codes import CODES_ERRORS
from counter_app.texts.conflicts import CONFLICT_ERRORS
from counter_app.texts.db_loss import DB_LOSS_ERRORS
from counter_app.texts.digitisation import (
    DIGITISATION_ERRORS,
    EVENT_COMPONENT_DIGITISED,
    EVENT_COMPONENT_SIGNED,
    EVENT_RECEIPT_SIGNED,
)
from counter_app.texts.faults import FAULT_ERRORS
from counter_app.texts.fees import FEE_ERRORS
from counter_app.texts.fees import FIELD_LABELS as FEE_FIELD_LABELS
from counter_app.texts.followup import ACTION_FIELD_ERRORS, ACTION_FIELD_LABELS
from counter_app.texts.identity import FIELD_LABELS as IDENTITY_FIELD_LABELS
from counter_app.texts.lan import LAN_ERRORS
from counter_app.texts.printing import PRINTING_ERRORS
from counter_app.texts.signing import SIGNING_ERRORS
from counter_app.texts.support import SUPPORT_ERRORS
from counter_app.texts.sync import SYNC_ERRORS
from counter_app.texts.wizard import WIZARD_ERRORS

APP_NAME = "Quầy Một Cửa"

# --- Errors -----------------------------------------------------------------------------------

_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.AGENCY_ID_INVALID: (
        "Mã định danh cơ quan «{value}» không hợp lệ: tối đa 35 ký tự gồm chữ in hoa, chữ số và "
        "dấu chấm, có mã cấp 1 dạng H56."
    ),
    ErrorCode.DOSSIER_CODE_INVALID: (
        "«{value}» không phải là mã số hồ sơ (dạng 000.00.19.H56-261122-1500001)."
    ),
    ErrorCode.STATION_PREFIX_INVALID: (
        "Số hiệu quầy «{value}» không hợp lệ: gồm 3 chữ số do máy chủ tỉnh cấp (001–999)."
    ),
    ErrorCode.DOSSIER_NOT_FOUND: "Không tìm thấy hồ sơ có mã «{code}».",
    ErrorCode.QR_EMPTY: "Chưa quét được mã QR: dữ liệu trống.",
    ErrorCode.QR_NOT_ID_CARD: "Mã QR vừa quét không phải mã QR trên thẻ căn cước công dân.",
    ErrorCode.QR_BAD_ID_NUMBER: "Số định danh cá nhân trong mã QR phải gồm đúng 12 chữ số.",
    ErrorCode.QR_BAD_OLD_ID: "Số CMND cũ trong mã QR phải gồm 9 hoặc 12 chữ số.",
    ErrorCode.QR_BAD_NAME: "Họ và tên trong mã QR không hợp lệ.",
    ErrorCode.QR_BAD_BIRTH_DATE: (
        "Ngày sinh trong mã QR không hợp lệ (dạng ngày tháng năm ddmmyyyy)."
    ),
    ErrorCode.QR_BAD_SEX: "Giới tính trong mã QR phải là «Nam» hoặc «Nữ».",
    ErrorCode.QR_BAD_ISSUE_DATE: "Ngày cấp trong mã QR không hợp lệ (dạng ddmmyyyy).",
    ErrorCode.QR_KEYBOARD_MANGLED: (
        "Mã QR bị máy quét gõ sai dấu tiếng Việt (bộ gõ tiếng Việt đang bật). Hãy chuyển bàn "
        "phím sang tiếng Anh (tắt Unikey/EVKey) rồi quét lại thẻ."
    ),
    ErrorCode.TIME_TEXT_INVALID: (
        "Không hiểu thời hạn giải quyết «{text}». Ví dụ hợp lệ: «3 ngày làm việc», «15 ngày», "
        "«8 giờ», «trong ngày», «không có ngày hẹn trả»."
    ),
    ErrorCode.TIME_UNKNOWN_FOR_PROCEDURE: (
        "Danh mục chưa có thời hạn giải quyết của thủ tục này; hãy nhập thời hạn (ví dụ «5 ngày "
        "làm việc»)."
    ),
    ErrorCode.OFFICE_HOURS_INVALID: "Giờ làm việc của cơ quan không hợp lệ.",
    ErrorCode.CALENDAR_YEAR_UNSUPPORTED: "Chưa có lịch làm việc của năm {year}.",
    ErrorCode.APPLICANT_FIELD_MISSING: "Thiếu thông tin người nộp hồ sơ: {field_label}.",
    ErrorCode.APPLICANT_FIELD_INVALID: "Thông tin người nộp hồ sơ không hợp lệ: {field_label}.",
    ErrorCode.PROCEDURE_NOT_FOUND: "Không tìm thấy thủ tục hành chính có mã «{code}».",
    ErrorCode.DATETIME_INVALID: (
        "Thời điểm «{value}» không hợp lệ; hãy viết dạng 2026-02-13T10:00."
    ),
    ErrorCode.DATE_INVALID: "Ngày «{value}» không hợp lệ; hãy viết dạng 2026-02-13.",
    ErrorCode.JSON_INVALID: "Tệp hoặc chuỗi JSON không hợp lệ ({detail_label}).",
    ErrorCode.FILE_UNREADABLE: "Không đọc được tệp «{path}».",
    ErrorCode.ACTION_NOT_ALLOWED: (
        "Không thể «{action_label}» khi hồ sơ đang ở trạng thái «{status_label}»."
    ),
    ErrorCode.APOLOGY_ALREADY_ISSUED: (
        "Hồ sơ này đã có văn bản xin lỗi và hẹn lại ngày trả; chỉ được hẹn lại một lần."
    ),
    ErrorCode.APOLOGY_TOO_LATE: (
        "Văn bản xin lỗi phải được lập chậm nhất 01 ngày trước ngày hẹn trả kết quả."
    ),
    ErrorCode.APOLOGY_DATE_NOT_LATER: "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại.",
    ErrorCode.NO_DUE_DATE: "Hồ sơ này không có ngày hẹn trả kết quả.",
    ErrorCode.OFFICER_UNKNOWN: "Không có cán bộ có tên đăng nhập «{username}».",
    ErrorCode.OFFICER_BAD_PASSWORD: "Sai mật khẩu.",
    ErrorCode.OFFICER_NOT_ALLOWED: "Tài khoản «{username}» không có quyền thực hiện việc này.",
    ErrorCode.OFFICER_INPUT_INVALID: "Thông tin tài khoản cán bộ không hợp lệ: {detail_label}.",
    ErrorCode.DATABASE_DAMAGED: (
        "Cơ sở dữ liệu bị hỏng ({detail}). Hãy khôi phục từ bản sao lưu gần nhất: "
        "counter-app restore <tệp sao lưu>."
    ),
    ErrorCode.DATABASE_TOO_NEW: (
        "Cơ sở dữ liệu được tạo bởi phiên bản mới hơn của ứng dụng; hãy cập nhật ứng dụng. "
        "Không có gì bị thay đổi."
    ),
    ErrorCode.BACKUP_INVALID: "Tệp «{path}» không phải bản sao lưu hợp lệ của Quầy Một Cửa.",
    ErrorCode.SEARCH_QUERY_EMPTY: "Hãy nhập nội dung cần tìm.",
    ErrorCode.SETTING_INVALID: "Giá trị cài đặt «{setting}» không hợp lệ.",
    ErrorCode.SLIP_FORM_INVALID: (
        "Mẫu phiếu «{value}» không có; chọn receipt, supplement hoặc refusal."
    ),
    ErrorCode.PAPER_SIZE_INVALID: "Khổ giấy «{value}» không có; chọn a5, a4, a4x2 hoặc 80mm.",
    ErrorCode.SLIP_NOT_AVAILABLE: "Hồ sơ «{code}» không có loại phiếu này.",
    ErrorCode.PRINTER_OFFLINE: (
        "Máy in «{printer}» không sẵn sàng (tắt, mất kết nối hoặc hết giấy). Hồ sơ đã được lưu; "
        "hãy kiểm tra máy in rồi in lại phiếu từ lịch sử hồ sơ."
    ),
    ErrorCode.PRINTER_FAILED: (
        "Không in được phiếu ({detail}). Hồ sơ đã được lưu; có thể in lại từ lịch sử hồ sơ."
    ),
}

_ERRORS.update(SYNC_ERRORS)
_ERRORS.update(DIGITISATION_ERRORS)
_ERRORS.update(SIGNING_ERRORS)
_ERRORS.update(ATTACHMENTS_ERRORS)
_ERRORS.update(WIZARD_ERRORS)
_ERRORS.update(SUPPORT_ERRORS)

_ERRORS.update(PRINTING_ERRORS)
_ERRORS.update(FAULT_ERRORS)
_ERRORS.update(DB_LOSS_ERRORS)
_ERRORS.update(CODES_ERRORS)
_ERRORS.update(CONFLICT_ERRORS)
_ERRORS.update(FEE_ERRORS)
_ERRORS.update(ACTION_FIELD_ERRORS)
_ERRORS.update(LAN_ERRORS)
_ERRORS.update(BUNDLE_ERRORS)
APPLICANT_FIELD_LABELS = {
    "name": "họ và tên",
    "id_number": "số định danh cá nhân (12 chữ số)",
    "birth_date": "ngày sinh (dạng 1990-01-31)",
    "sex": "giới tính (Nam hoặc Nữ)",
    "address": "địa chỉ",
    "phone": "số điện thoại",
    "sets": "số bộ hồ sơ (1–99)",
    "return_address": "địa chỉ nhận kết quả qua bưu chính",
    "due_override_reason": "lý do sửa ngày hẹn trả",
    "reason": "lý do",
    "missing": "danh sách giấy tờ cần bổ sung",
    "note": "ghi chú",
    "cross_boundary": "hồ sơ không phụ thuộc địa giới hành chính",
    "authority": "cơ quan có thẩm quyền",
    **FEE_FIELD_LABELS,
}
APPLICANT_FIELD_LABELS.update(IDENTITY_FIELD_LABELS)

DETAIL_LABELS = {
    "object_expected": "cần một đối tượng JSON",
    "syntax": "sai cú pháp ở dòng {line}",
    "username": "tên đăng nhập (3–32 chữ thường, số, dấu chấm)",
    "password_short": "mật khẩu quá ngắn",
    "full_name": "họ và tên",
    "username_taken": "tên đăng nhập đã có",
}

STATUS_LABELS = {
    Status.ONLINE_SUBMITTED: "Mới đăng ký trực tuyến",
    Status.GUIDED: "Hướng dẫn bổ sung, chưa tiếp nhận",
    Status.REFUSED: "Từ chối tiếp nhận",
    Status.RECEIVED: "Đã tiếp nhận",
    Status.IN_PROGRESS: "Đang xử lý",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung",
    Status.AWAITING_PAYMENT: "Chờ thực hiện nghĩa vụ tài chính",
    Status.RESOLVED: "Đã có kết quả",
    Status.RETURNED: "Đã trả kết quả",
    Status.WITHDRAWN: "Công dân rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
}

EVENT_LABELS = {
    EventKind.RECEIVED: "tiếp nhận hồ sơ",
    EventKind.GUIDED: "hướng dẫn bổ sung",
    EventKind.REFUSED: "từ chối tiếp nhận",
    EventKind.CORRECTED: "sửa thông tin hồ sơ",
    EventKind.DUE_OVERRIDDEN: "sửa ngày hẹn trả",
    EventKind.HANDED_OVER: "chuyển hồ sơ",
    EventKind.HANDED_BACK: "nhận lại hồ sơ",
    EventKind.SUPPLEMENT_REQUESTED: "yêu cầu bổ sung",
    EventKind.SUPPLEMENT_RECEIVED: "nhận hồ sơ bổ sung",
    EventKind.PAYMENT_REQUESTED: "yêu cầu nộp phí, lệ phí",
    EventKind.PAYMENT_RECEIVED: "nhận phí, lệ phí",
    EventKind.RESULT_RECEIVED: "nhận kết quả giải quyết",
    EventKind.APOLOGY_ISSUED: "xin lỗi và hẹn lại ngày trả",
    EventKind.WITHDRAWN: "rút hồ sơ",
    EventKind.STOPPED: "dừng xử lý",
    EventKind.SUPPLEMENT_EXPIRED: "đóng hồ sơ do quá hạn bổ sung",
    EventKind.RETURNED: "trả kết quả",
    EventKind.RATING_RECORDED: "ghi đánh giá",
    EventKind.SLIP_PRINTED: "in phiếu",
    EventKind.COMPONENT_DIGITISED: EVENT_COMPONENT_DIGITISED,
    EventKind.COMPONENT_SIGNED: EVENT_COMPONENT_SIGNED,
    EventKind.RECEIPT_SIGNED: EVENT_RECEIPT_SIGNED,
    EventKind.CONFLICT_SETTLED: "giải quyết xung đột giữa các quầy",
    EventKind.AUTHORITY_RECEIVED: "cơ quan có thẩm quyền tiếp nhận hồ sơ",
    EventKind.FEE_RECORDED: fee_texts.EVENT_FEE_RECORDED,
    EventKind.APPROVAL_REQUESTED: fee_texts.EVENT_APPROVAL_REQUESTED,
    EventKind.APPROVAL_DECLINED: fee_texts.EVENT_APPROVAL_DECLINED,
}


def error_message(error: DomainError) -> str:
    """The Vietnamese sentence for a domain error (unknown parameters are left blank)."""
    params: dict[str, Any] = dict(error.params)
    if "field" in params:
        field = params["field"]
        label = APPLICANT_FIELD_LABELS.get(field, field)
        if error.code in ACTION_FIELD_ERRORS:  # the officer's entry: its own label first
            label = ACTION_FIELD_LABELS.get(field, label)
        params.setdefault("field_label", label)
    if "key" in params and "field" in params and params["field"] == "fee_exemption":
        key = str(params["key"])
        params.setdefault("key_label", fee_texts.EXEMPTION_NAMES.get(key, key))
    if "detail" in params:
        label = DETAIL_LABELS.get(str(params["detail"]), str(params["detail"]))
        params.setdefault("detail_label", label.format_map(_Blank(params)))
    if "action" in params:
        try:
            params.setdefault("action_label", EVENT_LABELS[EventKind(params["action"])])
        except ValueError:
            action = str(params["action"])
            params.setdefault("action_label", fee_texts.ACTION_LABELS.get(action, action))
    if "roles" in params:
        params.setdefault("roles_label", fee_texts.roles_label(list(params["roles"])))
    if "status" in params:
        try:
            params.setdefault("status_label", STATUS_LABELS[Status(params["status"])])
        except ValueError:
            params.setdefault("status_label", params["status"])
    template = _ERRORS.get(error.code, "Lỗi: {error_code}")
    return template.format_map(_Blank({"error_code": error.code.value, **params}))


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def describe_time(time: ProcessingTime) -> str:
    """How a processing time is written on slips and screens."""
    amount = f"{time.amount:g}"
    return {
        TimeUnit.WORKING_DAYS: f"{amount} ngày làm việc",
        TimeUnit.WORKING_HOURS: f"{amount} giờ làm việc",
        TimeUnit.CALENDAR_DAYS: f"{amount} ngày",
        TimeUnit.MONTHS: f"{amount} tháng",
        TimeUnit.SAME_DAY: "Trong ngày (sau 15 giờ: trả trong ngày làm việc tiếp theo)",
        TimeUnit.NO_DUE_DATE: "Không có ngày hẹn trả cụ thể theo quy định",
        TimeUnit.UNKNOWN: "Chưa có thông tin",
    }[time.unit]


# --- Demo office (seeded on first start) --------------------------------------------------------

DEMO_PARENT_BODY = "UBND XÃ MINH HÒA (DEMO)"
DEMO_UNIT_NAME = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ MINH HÒA"
DEMO_PLACE_NAME = "Minh Hòa"
DEMO_OFFICERS = (
    ("canbo", "Nguyễn Thị Hoà", "officer"),
    ("lanhdao", "Trần Văn Đức", "leader"),
    ("quantri", "Lê Minh Thuỷ", "admin"),
)
CLI_OFFICER_NOTE = "dòng lệnh"

# --- Command line ------------------------------------------------------------------------------

CLI_DESCRIPTION = (
    "Quầy Một Cửa — phần mềm tiếp nhận và trả kết quả hồ sơ thủ tục hành chính, làm việc cả khi "
    "mất mạng. Không có lệnh con: mở ứng dụng."
)
CLI_USAGE_PREFIX = "cách dùng: "
CLI_OPTIONS_TITLE = "tùy chọn"
CLI_POSITIONALS_TITLE = "tham số"
CLI_COMMANDS_TITLE = "các lệnh"
CLI_HELP = "hiện hướng dẫn này rồi thoát"
CLI_VERSION = "in số phiên bản rồi thoát"
CLI_DATA_DIR = (
    "thư mục dữ liệu của quầy (mặc định: thư mục dữ liệu người dùng; biến môi trường "
    "COUNTER_APP_DATA_DIR)"
)
CLI_OFFICER = "tên đăng nhập của cán bộ thực hiện (mặc định: cán bộ mặc định của quầy)"
CLI_DUE = "tính ngày hẹn trả kết quả"
CLI_DUE_RECEIVED = "thời điểm tiếp nhận, dạng 2026-02-13T10:00 (mặc định: bây giờ)"
CLI_DUE_TIME = 'thời hạn giải quyết, ví dụ "3 ngày làm việc", "15 ngày", "8 giờ", "trong ngày"'
CLI_DUE_PROCEDURE = "mã thủ tục (ví dụ 1.001193): lấy thời hạn từ danh mục"
CLI_PARSE_ID = "đọc chuỗi mã QR trên thẻ căn cước"
CLI_PARSE_ID_TEXT = "chuỗi máy quét đọc được từ mã QR"
CLI_RECEIVE = "tiếp nhận một hồ sơ (không cần giao diện)"
CLI_RECEIVE_PROCEDURE = "mã thủ tục hành chính"
CLI_RECEIVE_APPLICANT = (
    "tệp JSON thông tin người nộp: name, id_number, birth_date, sex, address, phone (tùy chọn)"
)
CLI_RECEIVE_AT = "thời điểm tiếp nhận (nhập lại hồ sơ nhận trên giấy khi mất điện)"
CLI_RECEIVE_AGENCY = "mã định danh cơ quan giải quyết (mặc định: của cơ quan mình)"
CLI_RECEIVE_CHANNEL = "kênh nộp: 1 trực tiếp, 3 bưu chính công ích"
CLI_SEARCH = "tìm hồ sơ theo mã, tên, số định danh hoặc tên thủ tục (không cần dấu)"
CLI_SEARCH_TEXT = "nội dung cần tìm"
CLI_SEARCH_LIMIT = "số kết quả tối đa"
CLI_BACKUP = "sao lưu cơ sở dữ liệu ngay"
CLI_BACKUP_DEST = "thư mục lưu thêm một bản (ví dụ ổ USB)"
CLI_RESTORE = "khôi phục cơ sở dữ liệu từ một bản sao lưu"
CLI_RESTORE_FILE = "tệp sao lưu (.db)"
CLI_CHECK = "kiểm tra toàn vẹn cơ sở dữ liệu"
CLI_INFO = "thông tin quầy và cơ sở dữ liệu"
CLI_ERROR_TEMPLATES = {
    "required": "thiếu tham số {0}",
    "unrecognized": "không hiểu tham số {0}",
    "expected_one": "tham số {0} cần một giá trị",
    "invalid_choice": "tham số {0}: giá trị {1} không có; chọn một trong {2}",
    "invalid_value": "tham số {0}: giá trị {2} sai",
    "not_allowed_with": "không dùng {0} cùng với {1}",
    "one_required": "cần một trong các tham số {0}",
}
METAVAR_DIR = "THƯ-MỤC"
METAVAR_COMMAND = "LỆNH"
METAVAR_AT = "THỜI-ĐIỂM"
METAVAR_TIME = "THỜI-HẠN"
METAVAR_CODE = "MÃ"
METAVAR_QR = "CHUỖI-QR"
METAVAR_FILE = "TỆP"
METAVAR_AGENCY = "MÃ-ĐỊNH-DANH"
METAVAR_NAME = "TÊN"
METAVAR_TEXT = "NỘI-DUNG"
METAVAR_KIND = "VIỆC"
METAVAR_DATE = "NGÀY"
CLI_EVENT = "ghi một việc của hồ sơ sau tiếp nhận (chuyển, nhận kết quả, bổ sung, xin lỗi, trả…)"
CLI_EVENT_CODE = "mã số hồ sơ (hoặc quét mã vạch trên phiếu)"
CLI_EVENT_KIND = (
    "handover (chuyển xử lý), handback (nhận lại), result (nhận kết quả), supplement_request "
    "(yêu cầu bổ sung), supplement_received (nhận bổ sung), apology (xin lỗi, hẹn lại: "
    '{"new_due": "2026-03-06T10:00", "reason": "…"}), withdraw (rút hồ sơ), stop (dừng xử lý), '
    "return (trả kết quả), rating (đánh giá), correct (sửa thông tin)"
)
CLI_EVENT_AT = "thời điểm của việc (mặc định: bây giờ)"
CLI_EVENT_JSON = 'nội dung dạng JSON, ví dụ {"to": "Công chức Tư pháp - Hộ tịch"}'
CLI_REPORT = "báo cáo tình hình giải quyết hồ sơ trong kỳ (Biểu 06/VPCP/KSTT), dạng JSON"
CLI_REPORT_FROM = "ngày đầu kỳ, dạng 2026-01-01"
CLI_REPORT_TO = "ngày cuối kỳ, dạng 2026-01-31"
CLI_UNEXPECTED = "Lỗi không mong đợi; chi tiết đã ghi vào nhật ký: {path}"


def cli_usage_error(detail: str) -> str:
    return f"Lệnh không hợp lệ: {detail}. Xem hướng dẫn: counter-app --help"


def cli_check_ok(dossiers: int) -> str:
    return f"Cơ sở dữ liệu toàn vẹn ({dossiers} hồ sơ)."


def cli_restored(path: str, dossiers: int) -> str:
    return (
        f"Đã khôi phục từ «{path}» ({dossiers} hồ sơ). Bản cũ được giữ lại trong thư mục sao lưu."
    )


def cli_backup_done(path: str) -> str:
    return f"Đã sao lưu vào «{path}»."


CLI_NO_SCREEN = (
    "Không tìm thấy màn hình để mở cửa sổ (DISPLAY chưa đặt). Hãy chạy trên máy có giao diện, "
    "hoặc dùng các lệnh dưới đây."
)


def cli_welcome(office: str, data_dir: str, dossiers: int, procedures: int) -> str:
    return (
        f"{APP_NAME} — {office}\n"
        f"Thư mục dữ liệu: {data_dir}\n"
        f"Danh mục: {procedures} thủ tục; đã tiếp nhận {dossiers} hồ sơ.\n"
        "Các lệnh dùng được:"
    )
