"""Channels, identity checks and data sources at reception (issue 13 item 6), and the ID
card's secondary QR fields (item 9)."""

from __future__ import annotations

from collections.abc import Sequence

from counter_app.domain.dossier import Dossier
from counter_app.domain.models import Channel, ChannelDetail, DataSource, IdentityCheck

FIELD_LABELS = {
    "channel_detail": (
        "kênh nộp (ki-ốt thông minh và VNeID chỉ dùng cho thủ tục có nộp trực tuyến, "
        "không dùng với bưu chính)"
    ),
    "identity_check": "cách xác thực danh tính (tại ki-ốt: qua VNeID hoặc đọc chip)",
    "data_source": "nguồn dữ liệu",
}

CHANNEL_LABEL = "&Kênh nộp"
IDENTITY_LABEL = "&Xác thực"
DATA_SOURCE_LABEL = "Ng&uồn dữ liệu"

# The reception form's choices: (national channel, detail, label).
CHANNEL_CHOICES: tuple[tuple[Channel, str, str], ...] = (
    (Channel.DIRECT, "", "Trực tiếp"),
    (Channel.POSTAL, "", "Bưu chính công ích"),
    (Channel.ONLINE, "", "Trực tuyến (Cổng DVC)"),
    (Channel.ONLINE, ChannelDetail.KIOSK.value, "Ki-ốt thông minh"),
    (Channel.ONLINE, ChannelDetail.VNEID.value, "Ứng dụng VNeID"),
)
IDENTITY_LABELS = {
    IdentityCheck.CARD_SEEN.value: "Xem thẻ căn cước",
    IdentityCheck.QR_READ.value: "Quét mã QR thẻ căn cước",
    IdentityCheck.CHIP_READ.value: "Đọc chip thẻ căn cước",
    IdentityCheck.VNEID.value: "Tài khoản VNeID",
}
DATA_SOURCE_LABELS = {
    DataSource.NATIONAL_DB.value: "Khai thác từ cơ sở dữ liệu quốc gia",
    DataSource.PAPERS.value: "Từ giấy tờ (không kết nối được cơ sở dữ liệu)",
}
NOT_RECORDED = "Không ghi nhận"
QR_EXTRA_NONE = "Không có"


def channel_label(channel: Channel, detail: str) -> str:
    for value, choice_detail, label in CHANNEL_CHOICES:
        if value is channel and choice_detail == detail:
            return label
    return str(int(channel))


def identity_label(value: str) -> str:
    return IDENTITY_LABELS.get(value, NOT_RECORDED)


def data_source_label(value: str) -> str:
    return DATA_SOURCE_LABELS.get(value, NOT_RECORDED)


def qr_extra_text(fields: Sequence[str]) -> str:
    """The 2024 card's QR fields 8 and after, raw, numbered as on the card (8, 9, ...)."""
    shown = [f"({index}) {value}" for index, value in enumerate(fields, start=8) if value]
    return "; ".join(shown) if shown else QR_EXTRA_NONE


CARD_REPAIRED = (
    "Đã điền thông tin từ thẻ căn cước (máy quét gõ qua bộ gõ tiếng Việt, chữ đã được sửa; "
    "nên chuyển bàn phím sang tiếng Anh)."
)

# The dossier's details (follow-up), after window.DOSSIER_FIELDS.
DOSSIER_FIELDS = (
    "Kênh nộp",
    "Xác thực danh tính",
    "Nguồn dữ liệu",
    "Thông tin khác trên mã QR",
)


def dossier_values(dossier: Dossier) -> tuple[str, str, str, str]:
    """The values of :data:`DOSSIER_FIELDS` for one dossier."""
    return (
        channel_label(dossier.channel, dossier.channel_detail),
        identity_label(dossier.identity_check),
        data_source_label(dossier.data_source),
        qr_extra_text(dossier.applicant.qr_extra),
    )


CLI_FILED_VIA = "nộp trực tuyến tại ki-ốt thông minh (kiosk) hoặc trên ứng dụng VNeID (vneid)"
CLI_IDENTITY = "cách xác thực danh tính: card_seen (xem thẻ), qr (quét QR), chip (đọc chip), vneid"
CLI_DATA_SOURCE = (
    "nguồn dữ liệu: national_db (cơ sở dữ liệu quốc gia) hoặc papers (giấy tờ, không kết "
    "nối được cơ sở dữ liệu)"
)

# The office setting of the calendar (admin dialog).
SETTING_CULTURE_DAY = (
    "Ngày Văn hóa Việt Nam (24/11) rơi vào thứ Bảy, Chủ nhật: nghỉ bù ngày làm việc kế tiếp"
)
SETTING_CULTURE_DAY_TIP = (
    "Luật chưa nói rõ (lần đầu: thứ Bảy 24/11/2029). Chỉ áp dụng cho năm chưa có lịch nghỉ "
    "chính thức; lịch tỉnh gửi về luôn được ưu tiên."
)
