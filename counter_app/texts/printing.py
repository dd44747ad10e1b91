"""Vietnamese texts of printing outcomes: why a slip was NOT printed, and what to do.

``PRINTING_ERRORS`` is part of the error catalogue (``counter_app.texts.error_message``). Each
message names the printer, says the slip was not printed (and not recorded as printed) and
tells the officer how to try again.
"""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

NO_DEFAULT_PRINTER = "mặc định của hệ thống (chưa có máy in mặc định)"

_AGAIN = "Hồ sơ đã được lưu; sau khi xử lý, bấm «In phiếu» (Ctrl+P) để in lại."

PRINTING_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.PRINTER_REFUSED: (
        "Máy in «{printer}» đang từ chối nhận lệnh in, nên phiếu CHƯA được in. Hãy nhờ quản trị "
        "cho máy in nhận lệnh in trở lại (hoặc chọn máy in khác trong Cài đặt). " + _AGAIN
    ),
    ErrorCode.PRINTER_STOPPED: (
        "Máy in «{printer}» đang tạm dừng (bị tắt, hết giấy, kẹt giấy hoặc bị dừng trên máy "
        "tính), nên phiếu CHƯA được in. Hãy kiểm tra máy in và cho máy in hoạt động lại. " + _AGAIN
    ),
    ErrorCode.PRINTER_JOB_FAILED: (
        "Máy in «{printer}» không in được phiếu (lệnh in bị giữ lại, bị hủy hoặc bị lỗi), nên "
        "phiếu CHƯA được in. Hãy kiểm tra máy in (nguồn, giấy, kết nối). " + _AGAIN
    ),
    ErrorCode.PRINTER_TIMEOUT: (
        "Máy in «{printer}» chưa in xong phiếu sau {seconds} giây; lệnh in đã được hủy và phiếu "
        "CHƯA được ghi là đã in. Hãy kiểm tra máy in (nguồn, giấy, kết nối). " + _AGAIN
    ),
}
