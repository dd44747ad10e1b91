"""Vietnamese texts: attachments (scans and signed files sent to and fetched from the province)."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

ATTACHMENTS_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.ATTACHMENT_NOT_FOUND: (
        "Máy chủ tỉnh chưa có tệp đính kèm này của hồ sơ (quầy tiếp nhận chưa gửi xong) hoặc "
        "tệp không thuộc đơn vị của quầy. Hãy thử lại sau khi quầy tiếp nhận đã đồng bộ."
    ),
    ErrorCode.ATTACHMENT_OTHER_OFFICE: (
        "Máy chủ tỉnh từ chối: bản số hóa này thuộc hồ sơ của một đơn vị khác, chỉ các quầy "
        "của đơn vị đã tiếp nhận hồ sơ mới được tải về. Chưa có gì được lưu tại quầy này."
    ),
    ErrorCode.ATTACHMENT_FETCH_CANCELLED: (
        "Đã dừng tải bản số hóa về quầy; chưa có gì được lưu. Có thể tải lại bất cứ lúc nào."
    ),
    ErrorCode.ATTACHMENT_CORRUPT: (
        "Tệp đính kèm nhận được bị hỏng (mã băm không khớp) nên không được lưu. Hãy thử lại; "
        "nếu lỗi lặp lại, hãy báo quản trị viên."
    ),
    ErrorCode.ATTACHMENT_REJECTED: (
        "Máy chủ tỉnh không nhận tệp đính kèm (tệp quá lớn hoặc nội dung không khớp mã băm). "
        "Tệp vẫn được giữ tại quầy; hãy báo quản trị viên."
    ),
    ErrorCode.ATTACHMENT_QUOTA_EXCEEDED: (
        "Hôm nay quầy đã gửi hết dung lượng tệp đính kèm máy chủ tỉnh cho phép. Các tệp còn lại "
        "vẫn được giữ tại quầy và sẽ tự động được gửi vào ngày mai; nếu cần gửi gấp, hãy báo "
        "quản trị viên của tỉnh."
    ),
}
