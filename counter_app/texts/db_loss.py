"""A lost, emptied or foreign database file (issue 17 item 5, storage/loss.py): what to do.

Each refusal is one sentence and changes nothing; the way on is a restore of the latest
backup, or, when none is left, ``counter-app new-database`` (codes continue past every number
already minted, kept in the reservation ledger).
"""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

DB_LOSS_ERRORS: dict[ErrorCode, str] = {
    ErrorCode.DATABASE_EMPTY: (
        "Tệp cơ sở dữ liệu «{path}» rỗng (0 byte), dữ liệu của quầy không còn trong đó: hãy "
        "khôi phục bản sao lưu gần nhất (counter-app restore); nếu không còn bản sao lưu nào, "
        "tạo cơ sở dữ liệu mới bằng counter-app new-database (số hồ sơ tiếp tục sau các số đã "
        "cấp, không trùng); không có gì bị thay đổi."
    ),
    ErrorCode.DATABASE_NOT_SQLITE: (
        "Tệp «{path}» không phải cơ sở dữ liệu của Quầy Một Cửa (có thể đã bị chép đè bằng "
        "một tệp khác): hãy khôi phục bản sao lưu gần nhất (counter-app restore); nếu không "
        "còn bản sao lưu nào, tạo cơ sở dữ liệu mới bằng counter-app new-database; không có "
        "gì bị thay đổi."
    ),
    ErrorCode.DATABASE_PRESENT: (
        "Tệp cơ sở dữ liệu «{path}» vẫn còn nên không tạo cơ sở dữ liệu mới: nếu tệp bị hỏng, "
        "hãy khôi phục bản sao lưu gần nhất (counter-app restore); không có gì bị thay đổi."
    ),
}

CLI_NEW_DATABASE = (
    "tạo cơ sở dữ liệu mới khi tệp cũ đã mất thật và không còn bản sao lưu: số hồ sơ tiếp "
    "tục sau mọi số đã cấp (theo nhật ký số hồ sơ)"
)


def new_database_done(path: str, kept: str | None) -> str:
    """What ``counter-app new-database`` tells the officer (standard error)."""
    aside = f" Tệp cũ được giữ lại tại «{kept}»." if kept else ""
    return (
        f"Đã tạo cơ sở dữ liệu mới «{path}»; số hồ sơ tiếp tục sau các số đã cấp.{aside} "
        "Quầy đang ở chế độ thử (DEMO): hãy thiết lập lại thông tin cơ quan hoặc đăng ký lại "
        "với máy chủ tỉnh (counter-app enrol) trước khi tiếp nhận hồ sơ."
    )
