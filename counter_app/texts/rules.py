"""Vietnamese texts of rule sets and cross-boundary dossiers (issue 13 items 1 and 2). NFC."""

from __future__ import annotations

from datetime import datetime

from counter_app.texts.slips import appointment

# The reception form and the command line: the scope of a cross-boundary dossier.
SCOPE_NONE = "Không (cơ quan giải quyết là đơn vị tiếp nhận)"
SCOPES = {
    "other_agency": "Cơ quan có thẩm quyền khác trong tỉnh (không phụ thuộc cấp hành chính)",
    "other_province": "Cơ quan có thẩm quyền ở tỉnh, thành phố khác (danh mục toàn quốc)",
}
SCOPE_SHORT = {
    "other_agency": "Liên thông: cơ quan khác trong tỉnh",
    "other_province": "Liên thông: cơ quan ở tỉnh khác",
}
LABEL_SCOPE = "Không phụ thuộc địa &giới:"  # Alt+G
LABEL_AUTHORITY = "Cơ quan có thẩm quyền:"
AUTHORITY_PLACEHOLDER = "tên cơ quan có thẩm quyền giải quyết (không bắt buộc)"
COMPETENT_AUTHORITY = "cơ quan có thẩm quyền"
CLI_CROSS_BOUNDARY = (
    "hồ sơ tiếp nhận không phụ thuộc địa giới hành chính: other_agency (cơ quan có thẩm quyền "
    "khác trong tỉnh) hoặc other_province (cơ quan ở tỉnh khác, thủ tục thuộc danh mục toàn "
    "quốc)"
)
CLI_AUTHORITY = "tên cơ quan có thẩm quyền giải quyết (hồ sơ không phụ thuộc địa giới)"

# The receipt slip (Mẫu 01) of a cross-boundary dossier whose time runs from the authority.
EXPECTED = "dự kiến"


def expected_appointment(when: datetime) -> str:
    """``17 giờ 00, thứ Tư, ngày 12/08/2026 (dự kiến)``."""
    return f"{appointment(when)} ({EXPECTED})"


def transfer_note(transfer: datetime, authority: str) -> str:
    """Why the date is only expected (Decree 309/2026: the period runs from the authority's
    receipt) and when the dossier is transferred (the 15:00 rule)."""
    body = authority or COMPETENT_AUTHORITY
    return (
        f"Hồ sơ tiếp nhận không phụ thuộc địa giới hành chính, chuyển đến {body} lúc "
        f"{appointment(transfer)}. Thời hạn giải quyết được tính từ khi cơ quan có thẩm quyền "
        "tiếp nhận hồ sơ; ngày hẹn trả trên là dự kiến, Bộ phận Một cửa sẽ thông báo ngày hẹn "
        "trả chính thức khi cơ quan có thẩm quyền tiếp nhận."
    )


# The dossier's details (window, command line).
LABEL_AUTHORITY_RECEIVED = "Cơ quan có thẩm quyền tiếp nhận lúc:"
AUTHORITY_NOT_YET = "chưa ghi nhận"
ACTION_AUTHORITY_RECEIVED = "Cơ quan có thẩm quyền đã nhận hồ sơ"
AUTHORITY_RECEIVED_AT = "Thời điểm cơ quan có thẩm quyền tiếp nhận:"
AUTHORITY_CONFIRM = "Ghi nhận"
NOT_CROSS_BOUNDARY = "Hồ sơ này không phải hồ sơ tiếp nhận không phụ thuộc địa giới hành chính."
AUTHORITY_RECEIVED_BY = "Người/bộ phận tiếp nhận:"
EVENT_AUTHORITY_RECEIVED = "Cơ quan có thẩm quyền tiếp nhận hồ sơ"
