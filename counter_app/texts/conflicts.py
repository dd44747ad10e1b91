"""Texts of the dossiers in conflict: events a projection had to set aside (issue 12, 17),
their list in the window and on the command line, and their settlement."""

from __future__ import annotations

from datetime import datetime

from counter_app.domain.errors import ErrorCode

CLI_CONFLICTS = (
    "liệt kê các xung đột đang chờ giải quyết (việc bị để riêng và việc nó vướng), "
    "hoặc giải quyết một xung đột (conflicts settle)"
)
CLI_CONFLICTS_JSON = "in dưới dạng JSON (mặc định: bảng dễ đọc)"
CLI_SETTLE = "giải quyết xung đột của một hồ sơ bằng cách hủy bỏ một việc (cần quyền lãnh đạo)"
CLI_SETTLE_CODE = "mã số hồ sơ có xung đột"
CLI_SETTLE_VOID = (
    "mã (uuid) của việc cần hủy bỏ: việc bị để riêng hoặc việc nó vướng (có thể nhắc lại)"
)
CLI_SETTLE_NOTE = "ghi chú bắt buộc: vì sao hủy bỏ việc này"
METAVAR_UUID = "UUID"
METAVAR_NOTE = "GHI_CHÚ"

CONFLICT_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.CONFLICT_SETTLE_NOT_ALLOWED: (
        "Tài khoản «{username}» là cán bộ: chỉ lãnh đạo hoặc quản trị viên được giải quyết "
        "xung đột. Hãy báo lãnh đạo bộ phận một cửa; không có gì bị thay đổi."
    ),
    ErrorCode.CONFLICT_NOT_FOUND: (
        "Hồ sơ «{code}» không có xung đột nào đang chờ giải quyết trên máy này (có thể đã được "
        "giải quyết ở quầy khác: hãy đồng bộ rồi xem lại)."
    ),
    ErrorCode.CONFLICT_NOTE_MISSING: (
        "Thiếu ghi chú: hãy ghi vì sao hủy bỏ việc này (bắt buộc); không có gì bị thay đổi."
    ),
    ErrorCode.CONFLICT_VOID_INVALID: (
        "Việc «{value}» không thuộc xung đột nào của hồ sơ này: chỉ hủy bỏ được việc bị để "
        "riêng hoặc việc nó vướng (xem counter-app conflicts)."
    ),
}

# --- Sync dialog ------------------------------------------------------------------------------


def conflicts_line(dossiers: int) -> str:
    """The sync dialog's line (nothing to say: "")."""
    if not dossiers:
        return ""
    return (
        f"{dossiers} hồ sơ có sự kiện xung đột, được để riêng (xem mục Xung đột, "
        "Ctrl+Shift+X); các hồ sơ khác vẫn đồng bộ bình thường."
    )


# --- Command line -----------------------------------------------------------------------------


def cli_conflicts(dossiers: int) -> str:
    if not dossiers:
        return "Không có hồ sơ nào xung đột."
    return f"{dossiers} hồ sơ có sự kiện xung đột."


CLI_NONE = "Không có xung đột nào chờ giải quyết."
CLI_REASON = "Lý do"
CLI_SETTLE_HINT = (
    "Giải quyết (lãnh đạo): counter-app conflicts settle MÃ_HỒ_SƠ --void UUID --note "
    '"ghi chú" --password-stdin'
)


def cli_dossier_line(code: str, status: str) -> str:
    return f"Hồ sơ {code} — trạng thái hiện tại: {status}"


def cli_action_line(title: str, line: str, uuid: str) -> str:
    return f"  {title}: {line}\n    [{uuid}]"


def cli_settled(code: str, voided: int, remaining: int) -> str:
    left = (
        "hồ sơ hết xung đột."
        if not remaining
        else f"hồ sơ vẫn còn {remaining} xung đột cần xem tiếp."
    )
    return f"Đã giải quyết xung đột của hồ sơ {code}: hủy bỏ {voided} việc; {left}"


# --- Window: the list -------------------------------------------------------------------------
TAB_CONFLICTS = "Xung đột"
ACTION_CONFLICTS = "Xung đột giữa các quầy"
SHORTCUT = "Ctrl+Shift+X"
COL_CODE = "Mã hồ sơ"
COL_APPLICANT = "Người nộp"
COL_STATUS = "Trạng thái hiện tại"
COL_SET_ASIDE = "Việc bị để riêng"
COL_CLASHED = "Vướng với việc"
COL_FOUND = "Phát hiện lúc"
SETTLE_BUTTON = "Giải quyết… (Enter)"
OPEN_BUTTON = "Mở hồ sơ"
REFRESH_BUTTON = "Làm mới"
LIST_EMPTY = (
    "Không có xung đột nào. Mọi quầy đã đồng bộ đều thấy cùng một trạng thái cho từng hồ sơ."
)
LIST_INTRO = (
    "Hai quầy đã ghi những việc không thể cùng xảy ra trên một hồ sơ (khi mất mạng). Việc ghi "
    "sau theo thứ tự chung bị để riêng, chưa được áp dụng; mọi quầy và trang tra cứu đều "
    "thấy trạng thái hiện tại. Chọn một dòng, nhấn Enter để giải quyết."
)
LEADER_ONLY = "Chỉ lãnh đạo hoặc quản trị viên được giải quyết xung đột; cán bộ chỉ xem."
DETAIL_SET_ASIDE = "Việc bị để riêng (chưa áp dụng)"
DETAIL_CLASHED = "Vướng với việc đã áp dụng"
NO_CLASH = "— (việc này tự nó không hợp lệ)"
THIS_STATION = "quầy này"
UNKNOWN_STATION = "quầy khác"

REASON_LABELS = {
    "action_not_allowed": "không thực hiện được ở trạng thái hồ sơ lúc đó",
    "apology_already_issued": "hồ sơ đã có một văn bản xin lỗi, hẹn lại",
    "duplicate_dossier": "hồ sơ đã được tiếp nhận một lần",
    "duplicate_code": "mã hồ sơ trùng với một hồ sơ khác trên máy này",
    "no_creating_event": "không có sự kiện tiếp nhận hồ sơ",
}
REASON_INVALID = "nội dung không hợp lệ"


def reason_label(reason: str) -> str:
    """The reason code of a projection in the officer's words (the code kept after it)."""
    label = REASON_LABELS.get(reason)
    if label is None:
        label = f"{REASON_INVALID} ({reason})"
    return label


def tab_title(count: int) -> str:
    return f"{TAB_CONFLICTS} ({count})" if count else TAB_CONFLICTS


def list_summary(conflicts: int, dossiers: int) -> str:
    return f"{conflicts} xung đột chờ giải quyết, trên {dossiers} hồ sơ."


def station_label(prefix: str | None, *, own: bool, station_id: str) -> str:
    """``quầy 015``, ``quầy này (015)``, or ``quầy khác`` when no prefix is known."""
    if own:
        return f"{THIS_STATION} ({prefix})" if prefix else THIS_STATION
    if prefix:
        return f"quầy {prefix}"
    return UNKNOWN_STATION


def when(at: datetime) -> str:
    return f"{at:%H:%M %d/%m/%Y}"


def kind_label(kind: str) -> str:
    """What an event kind did, as the dossier's history says it (the kind when unknown)."""
    from counter_app import texts  # the package imports this module
    from counter_app.domain.dossier import EventKind

    try:
        return texts.EVENT_LABELS[EventKind(kind)]
    except (KeyError, ValueError):
        return kind


def status_label(status: str | None) -> str:
    from counter_app import texts
    from counter_app.domain.dossier import Status

    if status is None:
        return ""
    try:
        return texts.STATUS_LABELS[Status(status)]
    except (KeyError, ValueError):
        return status


def action_line(label: str, officer: str, station: str, at: datetime) -> str:
    """One action in one line: what, who, where, when."""
    return f"{label} — {officer}, {station}, {when(at)}"


def action_short(label: str, officer: str) -> str:
    """One action in a table cell: what, who."""
    return f"{label} — {officer}"


def action_card(label: str, officer: str, station: str, at: datetime) -> str:
    """One action told in full, a line per fact."""
    return f"Việc: {label}\nCán bộ: {officer}\nTại: {station}\nLúc: {when(at)}"


# --- Window: settling -------------------------------------------------------------------------
SETTLE_TITLE = "Giải quyết xung đột"
SETTLE_INTRO = (
    "Chọn việc cần hủy bỏ (ghi nhầm hoặc không còn đúng). Việc bị hủy bỏ vẫn được lưu trong "
    "lịch sử, nhưng không còn tác động đến hồ sơ; việc còn lại được áp dụng nếu hợp lệ. "
    "Quyết định được đồng bộ tới mọi quầy và máy chủ tỉnh."
)
SETTLE_NOTE = "Ghi chú (bắt buộc): vì sao hủy bỏ việc này"
SETTLE_CONFIRM = "Giải quyết"


def void_set_aside(label: str, status: str, detail: str) -> str:
    return f"Hủy bỏ «{label}» (việc bị để riêng); hồ sơ giữ trạng thái «{status}».\n{detail}"


def void_clashed(label: str, other: str, detail: str) -> str:
    return f"Hủy bỏ «{label}» (việc đã áp dụng); «{other}» được áp dụng lại nếu hợp lệ.\n{detail}"


def settle_status(status: str) -> str:
    return f"Trạng thái hiện tại ở mọi quầy: {status}"


def settle_heading(code: str, applicant: str) -> str:
    return f"Hồ sơ {code} — {applicant}"


def settled_message(code: str, remaining: int) -> str:
    if not remaining:
        return f"Đã giải quyết xung đột của hồ sơ {code}. Hồ sơ không còn xung đột."
    return (
        f"Đã giải quyết xung đột của hồ sơ {code}. Hồ sơ vẫn còn {remaining} xung đột "
        "(việc khác vướng), hãy xem tiếp trong danh sách."
    )


# --- Reminders --------------------------------------------------------------------------------
REMINDERS_CONFLICTS_BUTTON = "Xem xung đột (Ctrl+Shift+X)"


def reminders_conflicts(count: int) -> str:
    """The reminders' line of open conflicts ("" when none)."""
    if not count:
        return ""
    return (
        f"Xung đột giữa các quầy chờ lãnh đạo giải quyết: {count} "
        "(trạng thái các hồ sơ này có thể không như quầy đã ghi)."
    )
