"""Every Vietnamese word printed on the slips (Mẫu 01, 02, 03) and of the ``slip`` command.

Fixed texts are constants; parametrised texts are small functions. All strings are NFC.
Printing (counter_app/printing) and the slip service use only these; nothing else prints
Vietnamese on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from counter_app.domain.calendar import CalendarDay
from counter_app.domain.models import Channel, DocumentForm, ReturnMethod
from counter_app.texts.window import estimated_days_text

# --- Header -------------------------------------------------------------------------------------

MOTTO_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SLOGAN = "Độc lập - Tự do - Hạnh phúc"
NUMBER_BLANK = "Số: ……/……"  # letters numbered by the clerk (văn thư) by hand


def register_number(label: str, year: int) -> str:
    """The "Số:" line of a dossier's slips: its register (Sổ theo dõi) number as printed in the
    register (receiving counter's prefix and number, ``15-0042``) and the year."""
    return f"Số: {label}/{year}"


LEGAL_BASIS_TT03 = "Mẫu số {number} Phụ lục I, Thông tư số 03/2025/TT-VPCP"

# --- Titles and copies (Circular 03/2025, Phụ lục I) ---------------------------------------------

TITLE_RECEIPT = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
TITLE_SUPPLEMENT = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
TITLE_REFUSAL = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
COPY_KEEP = "Liên 1: Lưu"
COPY_APPLICANT = "Liên 2: Giao người nộp hồ sơ"

# --- Field labels -------------------------------------------------------------------------------

LABEL_CODE = "Mã hồ sơ:"
LABEL_UNIT = "Bộ phận tiếp nhận và trả kết quả:"
LABEL_APPLICANT = "Tiếp nhận hồ sơ của Ông/Bà:"
# Mẫu 02 and 03 are given for a dossier that was NOT received: they must not say "Tiếp nhận".
LABEL_APPLICANT_NOT_RECEIVED = "Hồ sơ của Ông/Bà:"
LABEL_SUBMITTER = "Người nộp thay (được ủy quyền):"
LABEL_ID_NUMBER = "Số định danh cá nhân:"
LABEL_ADDRESS = "Địa chỉ:"
LABEL_PHONE = "Số điện thoại:"
LABEL_PROCEDURE = "Nội dung yêu cầu giải quyết:"
LABEL_DOCUMENTS = "1. Thành phần hồ sơ nộp gồm:"
LABEL_SETS = "2. Số lượng hồ sơ:"
LABEL_TIME = "3. Thời gian giải quyết hồ sơ theo quy định:"
LABEL_RECEIVED = "4. Thời gian nhận hồ sơ:"
LABEL_DUE = "5. Thời gian trả kết quả giải quyết hồ sơ:"
LABEL_APPOINTMENT = "HẸN TRẢ KẾT QUẢ:"
LABEL_RETURN = "6. Đăng ký nhận kết quả tại:"
LABEL_FEE = "7. Phí, lệ phí:"
LABEL_LOOKUP_KEY = "Mã tra cứu:"
COLUMN_NO = "TT"
COLUMN_DOCUMENT = "Tên giấy tờ"
COLUMN_FORM = "Hình thức"
COLUMN_COUNT = "Số lượng"
COLUMN_MISSING = "Thành phần hồ sơ cần bổ sung, hoàn thiện"
NO_DUE_DATE = "Không có ngày hẹn trả cụ thể theo quy định"
DUE_ESTIMATED_NOTE = (
    "Lưu ý: ngày hẹn trả được tính theo ngày nghỉ lễ dự kiến (chưa được công bố chính "
    "thức); nếu lịch chính thức khác, Bộ phận Một cửa sẽ thông báo lại."
)
DUE_ESTIMATED_DAYS_NOTE = (
    "Lưu ý: ngày hẹn trả được tính theo ngày nghỉ lễ dự kiến, chưa được công bố chính thức "
    "({days}); nếu lịch chính thức khác, Bộ phận Một cửa sẽ thông báo lại."
)


def due_estimated_note(days: Sequence[CalendarDay]) -> str:
    """The slip's note under an estimated due date, naming the days (issue 13 item 5); the
    general note when none is estimated any more (announced since the reception)."""
    if not days:
        return DUE_ESTIMATED_NOTE
    return DUE_ESTIMATED_DAYS_NOTE.format(days=estimated_days_text(days))


NOTHING = "Không"
NO_PAPER_RECORDED = "Không có giấy tờ nào được ghi nhận là đã nộp khi tiếp nhận hồ sơ."
FEE_NONE = "Không thu"
FEE_UNKNOWN_TEXTS = ("không có thông tin", "chưa có thông tin", "không rõ")
FEE_BLANK = "……………………………………………"
CONTINUED = "tiếp theo"
# How the catalogue names each channel in a fee given per channel ("Trực tiếp: 20.000 đồng; …").
FEE_CHANNEL_LABELS = {
    Channel.DIRECT: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POSTAL: "Dịch vụ bưu chính",
}

# --- Mẫu 02 and Mẫu 03 ----------------------------------------------------------------------------

SUPPLEMENT_INTRO = "Yêu cầu Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"
LABEL_REASON = "Lý do:"
SUPPLEMENT_GUIDANCE = (
    "Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ Bộ phận Một "
    "cửa để được hướng dẫn. Khi nộp lại, Ông/Bà mang theo phiếu này và đủ các giấy tờ nêu trên."
)
REFUSAL_INFORM = "Xin thông báo cho Ông/Bà được biết và thực hiện."
REFUSAL_GUIDANCE = (
    "Nếu cần làm rõ thêm, Ông/Bà liên hệ Bộ phận Một cửa hoặc tra cứu quy định của thủ tục "
    "trên Cổng Dịch vụ công quốc gia."
)


def refusal_statement(unit_name: str) -> str:
    """The sentence that opens the reason of a refusal (Mẫu 03)."""
    return (
        f"Qua xem xét, {unit_name} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do "
        "cụ thể như sau:"
    )


# --- Signatures and footer ----------------------------------------------------------------------

SIGN_APPLICANT = "NGƯỜI NỘP HỒ SƠ"
SIGN_OFFICER = "NGƯỜI TIẾP NHẬN HỒ SƠ"
SIGN_GUIDE = "NGƯỜI HƯỚNG DẪN"
SIGN_NOTE = "(Ký và ghi rõ họ tên)"
FOOTER_RECEIPT = (
    "Mang theo phiếu này khi đến nhận kết quả. Tra cứu tình trạng hồ sơ: quét mã QR hoặc nhập "
    "mã hồ sơ và mã tra cứu tại"
)
DEMO_MARK = "DEMO — DÙNG ĐỂ TẬP HUẤN"
DEMO_WATERMARK = "DEMO"

_FORM_LABELS = {
    DocumentForm.ORIGINAL: "Bản chính",
    DocumentForm.CERTIFIED_COPY: "Bản sao có chứng thực",
    DocumentForm.COPY: "Bản sao",
    DocumentForm.ORIGINAL_AND_COPY: "Bản chính và bản sao",
}

_RETURN_LABELS = {
    ReturnMethod.COUNTER: "Trực tiếp tại Bộ phận Một cửa nơi nộp hồ sơ",
    ReturnMethod.POSTAL: "Qua dịch vụ bưu chính công ích, địa chỉ: {address}",
    ReturnMethod.ELECTRONIC: "Trực tuyến (bản điện tử) trên Cổng Dịch vụ công",
    ReturnMethod.VNEID: "Qua tài khoản định danh điện tử (ứng dụng VNeID)",
}


def document_form(form: DocumentForm) -> str:
    """How a paper is handed over (bản chính, bản sao…)."""
    return _FORM_LABELS[form]


def return_method(method: ReturnMethod, *, address: str) -> str:
    """Where and how the result is returned."""
    return _RETURN_LABELS[method].format(address=address)


def place_date(place: str, when: datetime) -> str:
    """``Minh Hòa, ngày 13 tháng 02 năm 2026`` (the italic line of the header)."""
    return f"{place}, ngày {when:%d} tháng {when:%m} năm {when:%Y}"


def moment(when: datetime) -> str:
    """``10 giờ 00 phút, ngày 13 tháng 02 năm 2026``."""
    return f"{when:%H} giờ {when:%M} phút, ngày {when:%d} tháng {when:%m} năm {when:%Y}"


def sets_count(sets: int) -> str:
    return f"{sets:02d} (bộ)"


def copies_count(count: int) -> str:
    return f"{count:02d}"


_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday(when: datetime) -> str:
    return _WEEKDAYS[when.weekday()]


def appointment(when: datetime) -> str:
    """``17 giờ 00, thứ Tư, ngày 02/12/2026`` (the boxed return appointment)."""
    return f"{when:%H} giờ {when:%M}, {weekday(when)}, ngày {when:%d/%m/%Y}"


def continued_header(code: str, name: str, copy: str) -> str:
    """The line on top of a slip's continuation page: code, applicant, copy ("Liên 1")."""
    copy_part = f" — {copy.split(':')[0]}" if copy else ""
    return f"Mã hồ sơ {code} — {name}{copy_part} ({CONTINUED})"


def page_of(number: int, total: int) -> str:
    return f"Trang {number}/{total}"


def reprint_mark(when: datetime) -> str:
    """The reprint marker printed on every page of a slip issued again."""
    return f"BẢN IN LẠI — in ngày {when:%d/%m/%Y} lúc {when:%H:%M}"


def legal_basis(number: str) -> str:
    return LEGAL_BASIS_TT03.format(number=number)


# --- Command line -------------------------------------------------------------------------------

CLI_SLIP = (
    "in (xuất PDF) phiếu của một hồ sơ: giấy tiếp nhận, phiếu bổ sung, phiếu từ chối, văn bản "
    "xin lỗi, phiếu kiểm soát"
)
CLI_SLIP_CODE = (
    "mã số hồ sơ; hồ sơ hướng dẫn bổ sung hoặc từ chối (không có mã) dùng mã UUID của hồ sơ"
)
CLI_SLIP_FORM = (
    "loại phiếu: receipt (Mẫu 01), supplement (Mẫu 02), refusal (Mẫu 03), apology (Mẫu 04: "
    "văn bản xin lỗi), control_sheet (Mẫu 06: phiếu kiểm soát)"
)
CLI_SLIP_SIZE = (
    "khổ giấy: a5 (mặc định), a4, a4x2 (A4 ngang, hai liên cạnh nhau, cắt đôi thành hai tờ A5), "
    "80mm (giấy in nhiệt)"
)
CLI_SLIP_OUT = "tệp PDF cần ghi"
METAVAR_FORM = "LOẠI-PHIẾU"
METAVAR_SIZE = "KHỔ-GIẤY"
METAVAR_PDF = "TỆP.pdf"


def cli_slip_out_failed(path: str, archived: str) -> str:
    return f"Không ghi được tệp «{path}»; phiếu đã được lưu trong kho phiếu: {archived}"


# --- Mẫu 04: apology letter and request to extend the processing time -------------------------

TITLE_APOLOGY = "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
APOLOGY_SUBJECT = "V/v xin lỗi đối với hồ sơ giải quyết quá hạn và hẹn lại thời gian trả kết quả"
LABEL_DEAR = "Kính gửi: Ông/Bà"
APOLOGY_LATE = "Tuy nhiên, đến nay hồ sơ của Ông/Bà chưa giải quyết xong."
LABEL_DELAY_REASON = "Lý do:"
LABEL_NEW_DUE = "Thời gian hẹn trả kết quả lại:"
LABEL_RETURN_PLACE = "Địa điểm trả kết quả:"
APOLOGY_UNDERSTANDING = "Rất mong nhận được sự thông cảm của Ông/Bà."
REGARDS = "Trân trọng./."
LABEL_RECIPIENTS = "Nơi nhận:"
RECIPIENTS = ("- Như trên;", "- Bộ phận Một cửa;", "- Lưu: VT.")
SIGN_HEAD = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
SIGN_HEAD_NOTE = "(Ký, ghi rõ họ tên và đóng dấu)"


def apology_received(unit_name: str, when: datetime, procedure: str, code: str) -> str:
    """The letter's first sentence: when and what was received, under which code."""
    return (
        f"Ngày {when:%d} tháng {when:%m} năm {when:%Y}, {unit_name} tiếp nhận hồ sơ của Ông/Bà "
        f"đề nghị giải quyết thủ tục «{procedure}», mã hồ sơ {code}."
    )


def apology_original_due(due: str) -> str:
    return f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {due}."


def apology_sorry(unit_name: str) -> str:
    return (
        f"{unit_name} thành thật xin lỗi Ông/Bà vì sự chậm trễ này và đề nghị gia hạn thời gian "
        "giải quyết hồ sơ."
    )


def contact_line(address: str, phone: str) -> str:
    parts = [f"Địa chỉ: {address}" if address else "", f"Số điện thoại: {phone}" if phone else ""]
    return "; ".join(p for p in parts if p)


# --- Mẫu 06: control sheet of the processing ---------------------------------------------------

TITLE_CONTROL_SHEET = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
LABEL_ATTACHED_TO = "Kèm theo hồ sơ của:"
LABEL_DECIDING_BODY = "Cơ quan (bộ phận) giải quyết hồ sơ:"
LABEL_COOPERATING = "Cơ quan phối hợp giải quyết hồ sơ:"
BLANK_LINE = "…………………………………………"
COLUMN_BODY = "TÊN CƠ QUAN"
COLUMN_HANDOVER_TIME = "THỜI GIAN GIAO, NHẬN HỒ SƠ"
COLUMN_OUTCOME = "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)"
COLUMN_NOTE = "GHI CHÚ"
HANDOVER_GIVE = "1. Giao:"
HANDOVER_TAKE = "2. Nhận:"
SIGN_GIVER = "Người giao"
SIGN_TAKER = "Người nhận"
OUTCOME_EARLY = "Trước hạn"
OUTCOME_ON_TIME = "Đúng hạn"
OUTCOME_LATE = "Quá hạn"
ONE_STOP_UNIT = "Bộ phận Một cửa"
DECIDING_BODY = "Cơ quan giải quyết"
RESULT_APPROVED = "Có kết quả giải quyết"
RESULT_REFUSED = "Từ chối giải quyết"
LABEL_RESULT_NUMBER = "Số văn bản:"
SIGN_CONTROL_HEAD = "NGƯỜI TIẾP NHẬN HỒ SƠ"


def hand_time(when: datetime) -> str:
    """``10 giờ 00 phút, ngày 13/02/2026`` (the control sheet's narrow time column)."""
    return f"{when:%H} giờ {when:%M} phút, ngày {when:%d}/{when:%m}/{when:%Y}"


def corrected_reissue_mark(when: datetime) -> str:
    """The marker of a receipt issued again after its data were corrected."""
    return f"CẤP LẠI SAU KHI ĐIỀU CHỈNH — in ngày {when:%d/%m/%Y} lúc {when:%H:%M}"


# The compact papers list of a receipt whose table would not fit ("1) title — Bản chính, 01"),
# and the mark of a name cut to fit a continuation header.
RUN_ON_FORM_SEPARATOR = " — "
ELLIPSIS = "…"
