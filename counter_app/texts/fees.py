"""Texts of fees at the counter and of roles (issue 13, items 7 and 8)."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode
from counter_app.domain.fees import format_amount

FIELD_LABELS = {
    "fee_due": "số tiền phí, lệ phí phải nộp (đồng)",
    "fee_collected": "số tiền đã thu (đồng)",
    "fee_method": "hình thức nộp (tiền mặt, chuyển khoản, trực tuyến)",
    "fee_receipt_no": "số biên lai điện tử",
    "fee_exemption": "miễn phí, lệ phí",
    "rating_reason": "lý do đánh giá lại",
}

ROLE_LABELS = {"officer": "cán bộ tiếp nhận", "leader": "lãnh đạo", "admin": "quản trị"}

FEE_ERRORS = {
    ErrorCode.FEE_INVALID: (
        "Phí, lệ phí không hợp lệ: {field_label}. Số tiền ghi bằng số nguyên đồng (ví dụ "
        "50000); khi đã thu tiền phải chọn hình thức nộp; hồ sơ được miễn thì không thu tiền."
    ),
    ErrorCode.FEE_EXEMPTION_UNKNOWN: (
        "Trường «{field_label}»: quy định áp dụng cho hồ sơ này không có trường hợp miễn "
        "«{key_label}»."
    ),
    ErrorCode.FEE_EXEMPTION_OUT_OF_DATES: (
        "Trường «{field_label}»: trường hợp miễn «{key_label}» chỉ áp dụng cho hồ sơ nộp từ ngày "
        "{valid_from} đến hết ngày {valid_to}; hồ sơ này nộp ngày {day} nên không được miễn. "
        "Không có gì được ghi."
    ),
    ErrorCode.FEE_EXEMPTION_NOT_APPLICABLE: (
        "Trường «{field_label}»: trường hợp miễn «{key_label}» không áp dụng cho kênh nộp hoặc thủ "
        "tục của hồ sơ này (ví dụ «công dân số» chỉ áp dụng khi nộp trực tuyến)."
    ),
    ErrorCode.ROLE_REQUIRED: (
        "Tài khoản «{username}» không được «{action_label}»: việc này cần "
        "{roles_label}. Không có gì bị thay đổi."
    ),
    ErrorCode.APPROVAL_NOT_FOUND: "Không có bản dự thảo đang chờ phê duyệt «{draft}».",
    ErrorCode.RATING_ALREADY_RECORDED: (
        "Hồ sơ này đã có đánh giá của người dân; chỉ ghi đánh giá lại khi nêu "
        "lý do (trường «lý do đánh giá lại»). Không có gì bị thay đổi."
    ),
}

# What an action needs, for the window's tooltips and the error message.
ACTION_LABELS = {
    "apology": "duyệt văn bản xin lỗi và hẹn lại ngày trả",
    "correct_printed": "sửa hồ sơ đã in phiếu",
    "approve": "phê duyệt dự thảo",
    "settle_conflict": "giải quyết xung đột",
    "settings": "sửa cài đặt của cơ quan",
    "officers": "quản lý tài khoản cán bộ",
    "restore": "khôi phục dữ liệu",
}


def roles_label(roles: list[str]) -> str:
    return " hoặc ".join(ROLE_LABELS.get(r, r) for r in roles)


def not_allowed_tooltip(action: str, roles: list[str]) -> str:
    """Why a button is off for this account."""
    return f"Chỉ {roles_label(roles)} được {ACTION_LABELS.get(action, action)}."


METHOD_LABELS = {"cash": "tiền mặt", "transfer": "chuyển khoản", "online": "trực tuyến"}
EXEMPTION_LABELS = {"digital_citizen": "Công dân số (miễn phí, lệ phí khi nộp trực tuyến)"}
# An exemption named in a sentence (the refusals): its Vietnamese name, never its key.
EXEMPTION_NAMES = {"digital_citizen": "công dân số"}

# --- the reception form and the fee dialog ----------------------------------------------------
FEE_DUE_LABEL = "Phải nộp (đồng)"
FEE_COLLECTED_LABEL = "Đã thu (đồng)"
FEE_METHOD_LABEL = "Hình thức nộp"
FEE_RECEIPT_LABEL = "Số biên lai điện tử"
FEE_EXEMPTION_LABEL = "Miễn phí, lệ phí"
FEE_NO_EXEMPTION = "Không miễn"
FEE_NOT_COLLECTED = "Chưa thu"
FEE_UNKNOWN_HINT = "Danh mục chưa có số tiền cho kênh này: để trống hoặc nhập theo biểu phí."
ACT_FEE = "Thu phí, lệ phí (Alt+P)"
FEE_KEYS = "Alt+P"
APPROVE_KEYS = "Alt+Y"
FEE_DIALOG_TITLE = "Ghi nhận phí, lệ phí"
FEE_NOTE_LABEL = "Ghi chú"
EVENT_FEE_RECORDED = "ghi nhận phí, lệ phí"
EVENT_APPROVAL_REQUESTED = "trình lãnh đạo phê duyệt"
EVENT_APPROVAL_DECLINED = "lãnh đạo không duyệt"


def amount_text(amount: int | None) -> str:
    return "" if amount is None else f"{format_amount(amount)} đồng"


def slip_fee(
    *, text: str, due: int | None, collected: int, receipt_no: str, exemption_basis: str
) -> str:
    """The fee line of a slip: the amount due and what was done about it; the catalogue's
    text when nothing was recorded; "" when unknown (a dotted line on paper)."""
    if exemption_basis:
        return f"Miễn ({exemption_basis})"
    if due is None and not collected:
        return text
    parts = [amount_text(due)] if due is not None else []
    if due == 0:
        parts = ["Miễn phí"]
    if collected:
        paid = f"đã thu {amount_text(collected)}"
        if receipt_no:
            paid += f", biên lai số {receipt_no}"
        parts.append(paid)
    return "; ".join(p for p in parts if p)


# --- the report -------------------------------------------------------------------------------
REPORT_FEES_TITLE = "PHÍ, LỆ PHÍ CỦA HỒ SƠ TIẾP NHẬN TRONG KỲ"
REPORT_FEES_SHEET = "Phí, lệ phí"
REPORT_FEES_UNIT = "Đơn vị tính: đồng"
REPORT_FEES_HEADERS = (
    "STT",
    "Thủ tục hành chính",
    "Số hồ sơ",
    "Phải nộp",
    "Đã thu",
    "Còn phải thu",
    "Số hồ sơ được miễn",
    "Số hồ sơ chưa rõ mức phí",
)
REPORT_FEES_TOTAL = "Tổng cộng"


def report_fee_note(collected: int, due: int, exempt: int) -> str:
    return (
        f"Phí, lệ phí của hồ sơ tiếp nhận trong kỳ: phải nộp {format_amount(due)} đồng, "
        f"đã thu {format_amount(collected)} đồng, {exempt} hồ sơ được miễn."
    )


# --- approvals --------------------------------------------------------------------------------
DRAFT_WAITING = "Dự thảo chờ lãnh đạo duyệt"
DRAFT_SENT = "Đã trình lãnh đạo phê duyệt; hồ sơ chưa thay đổi cho đến khi được duyệt."
APPROVE = "Duyệt"
DECLINE = "Không duyệt"

FEE_BUTTON = "Thu phí… (Alt+P)"
FEE_PICK_PROCEDURE = "Chọn thủ tục trước khi ghi phí, lệ phí."


def fee_summary(due: int | None, payment: object | None) -> str:
    """What the form will store: the amount due, what was collected, or the exemption."""
    collected = int(getattr(payment, "collected", 0) or 0)
    exemption = str(getattr(payment, "exemption", "") or "")
    if exemption:
        return f"Miễn: {EXEMPTION_LABELS.get(exemption, exemption)}"
    head = "Phải nộp: chưa rõ mức phí" if due is None else f"Phải nộp: {amount_text(due)}"
    if due == 0:
        head = "Miễn phí theo danh mục"
    if collected:
        method = METHOD_LABELS.get(str(getattr(payment, "method", "")), "")
        receipt = str(getattr(payment, "receipt_no", "") or "")
        tail = f"đã thu {amount_text(collected)} ({method})"
        return f"{head}; {tail}" + (f", biên lai số {receipt}" if receipt else "")
    return head if due == 0 else f"{head}; chưa thu"


ACT_APPROVE = "Duyệt dự thảo (Alt+Y)"
APPROVE_TOOLTIP = "Xem dự thảo của cán bộ: duyệt hoặc không duyệt."
APPROVAL_TITLE = "Phê duyệt dự thảo"
DECLINE_REASON = "Lý do không duyệt"
DRAFT_ACTIONS = {
    "apology": "văn bản xin lỗi và hẹn lại ngày trả",
    "correct": "sửa thông tin hồ sơ đã in phiếu",
}


def draft_line(what: str, officer: str, at: object) -> str:
    """A draft waiting, on the dossier's panel."""
    return f"{DRAFT_WAITING}: {what} — {officer}, {at:%H:%M %d/%m/%Y}"


def draft_tooltip(what: str) -> str:
    """An officer's button that drafts instead of recording."""
    return (
        f"Chỉ lãnh đạo được {ACTION_LABELS.get(what, what)}: cán bộ lập dự thảo, hồ sơ chỉ "
        "thay đổi khi lãnh đạo duyệt."
    )


def draft_request_text(draft: dict[str, object]) -> str:
    request = draft.get("request")
    if not isinstance(request, dict):
        return ""
    if draft.get("action") == "apology":
        return f"Hẹn trả mới: {request.get('new_due', '')} — lý do: {request.get('reason', '')}"
    return f"Nội dung sửa: {request.get('changes', {})} — lý do: {request.get('reason', '')}"


RATING_AGAIN = "Hồ sơ đã có đánh giá; đánh giá mới chỉ thay đánh giá cũ khi nêu lý do."
RATING_REASON = "Lý do đánh giá lại"
FEE_CONFIRM = "Ghi nhận"

# --- command line ----------------------------------------------------------------------------
METAVAR_AMOUNT = "ĐỒNG"
METAVAR_RECEIPT = "SỐ"
METAVAR_KEY = "MÃ"
CLI_FEE_DUE = "số tiền phí, lệ phí phải nộp (đồng; mặc định: theo danh mục, theo kênh nộp)"
CLI_FEE_COLLECTED = "số tiền đã thu khi tiếp nhận (đồng)"
CLI_FEE_METHOD = "hình thức nộp: cash (tiền mặt), transfer (chuyển khoản), online (trực tuyến)"
CLI_FEE_RECEIPT = "số biên lai điện tử"
CLI_FEE_EXEMPTION = "trường hợp miễn theo quy định áp dụng, ví dụ digital_citizen (công dân số)"
REMINDERS_DRAFTS = "Dự thảo chờ lãnh đạo duyệt"


def draft_reminder_line(code: str, name: str, draft: dict[str, object]) -> str:
    """A draft in the reminders: the dossier, what is drafted, by whom and when."""
    what = DRAFT_ACTIONS.get(str(draft.get("action")), str(draft.get("action")))
    return f"{code} — {name}: {what} (cán bộ {draft.get('officer')})"


DOSSIER_FEE = "Phí, lệ phí"


def dossier_fee(dossier: object) -> str:
    """The dossier window's fee line: due, collected (method, e-receipt), or the exemption."""
    exemption = str(getattr(dossier, "fee_exemption", "") or "")
    if exemption:
        basis = str(getattr(dossier, "fee_basis", "") or "")
        return f"Miễn: {EXEMPTION_LABELS.get(exemption, exemption)} ({basis})"
    due = getattr(dossier, "fee_due", None)
    collected = int(getattr(dossier, "fee_collected", 0) or 0)
    head = "Chưa rõ mức phí" if due is None else f"Phải nộp {amount_text(due)}"
    if due == 0:
        head = "Miễn phí"
    if not collected:
        return head if due == 0 else f"{head}; chưa thu"
    method = METHOD_LABELS.get(str(getattr(dossier, "fee_method", "")), "")
    receipt = str(getattr(dossier, "fee_receipt_no", "") or "")
    paid = f"đã thu {amount_text(collected)} ({method})"
    return f"{head}; {paid}" + (f", biên lai số {receipt}" if receipt else "")
