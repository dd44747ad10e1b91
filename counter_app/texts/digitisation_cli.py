"""Vietnamese texts of the digitisation commands (``attach``, ``scans``, ``scan-pdf``, ``sign``)."""

from __future__ import annotations

CLI_ATTACH = (
    "số hóa một thành phần giấy tờ của hồ sơ: ghép các tệp (PDF, JPEG, PNG, TIFF) thành một "
    "tệp PDF và lưu (quét lại thì bản mới thay bản cũ và bỏ chữ ký số cũ)"
)
CLI_SCANS = "danh sách thành phần giấy tờ của hồ sơ: đã số hóa chưa, số trang, người ký số"
CLI_SCAN_PDF = "ghi ra tệp PDF bản số hóa đã lưu của một thành phần (bản đã ký số nếu có)"
CLI_SIGN = (
    "ký số bản số hóa của một thành phần hoặc phiếu tiếp nhận (Mẫu 01) bằng USB token (PKCS#11) "
    "hoặc tệp chứng thư số (.p12, .pfx); mã PIN/mật khẩu được hỏi khi ký, không bao giờ lưu"
)
CLI_CODE = "mã số hồ sơ (hoặc mã UUID của hồ sơ)"
CLI_COMPONENT = (
    "số thứ tự của thành phần giấy tờ, đếm từ 1 như trong danh mục giấy tờ của hồ sơ "
    "(xem lệnh scans)"
)
CLI_ATTACH_FILES = (
    "các tệp cần ghép, theo thứ tự trang: PDF, JPEG, PNG, TIFF (TIFF nhiều trang được)"
)
CLI_SCAN_PDF_OUT = "tệp PDF cần ghi"
CLI_SIGN_RECEIPT = "ký số phiếu tiếp nhận và hẹn trả kết quả (Mẫu 01, khổ A4) của hồ sơ"
CLI_SIGN_P12 = "tệp chứng thư số PKCS#12 (.p12, .pfx)"
CLI_SIGN_PKCS11 = "tệp trình điều khiển PKCS#11 của USB token (ví dụ libsofthsm2.so, *.dll)"
CLI_SIGN_TOKEN = "nhãn của token cần dùng khi cắm nhiều token (mặc định: token đầu tiên)"
CLI_SIGN_PIN_STDIN = (
    "đọc mã PIN/mật khẩu từ dòng đầu của đầu vào chuẩn thay vì hỏi trên bàn phím (cho kịch bản)"
)
METAVAR_N = "SỐ"
METAVAR_PDF = "TỆP.pdf"
METAVAR_P12 = "TỆP.p12"
METAVAR_LIB = "THƯ-VIỆN"
METAVAR_LABEL = "NHÃN"
METAVAR_FILES = "TỆP"

PROMPT_PIN = "Mã PIN của thiết bị ký số (không hiện khi gõ): "
PROMPT_P12_PASSWORD = "Mật khẩu của tệp chứng thư số (không hiện khi gõ): "
CLI_SIGN_CANCELLED = "Đã hủy ký số; chưa có gì bị thay đổi."


def cli_scan_not_here(component: int) -> str:
    return (
        f"Bản số hóa của thành phần giấy tờ số {component} được lập ở quầy khác và chưa tải về "
        "quầy này; hãy đồng bộ rồi thử lại."
    )


def cli_not_digitised(component: int) -> str:
    return f"Thành phần giấy tờ số {component} chưa được số hóa: chưa có bản PDF nào để ghi ra."


def cli_file_failed(path: str) -> str:
    return f"Không ghi được tệp «{path}»; chưa có gì bị thay đổi trong hồ sơ."


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def cli_fetch_progress(part: int, parts: int, received: int, total: int | None) -> str:
    """The progress line of ``scan-pdf`` while it downloads a scan made at another counter."""
    which = f" (tệp {part}/{parts})" if parts > 1 else ""
    if not total:
        return f"Đang tải bản số hóa từ máy chủ tỉnh{which}: {_megabytes(received)} MB"
    percent = min(100, received * 100 // total)
    return (
        f"Đang tải bản số hóa từ máy chủ tỉnh{which}: {percent}% "
        f"({_megabytes(received)}/{_megabytes(total)} MB)"
    )


def cli_fetch_done(size: int) -> str:
    return (
        f"Đã tải về và kiểm tra mã băm ({_megabytes(size)} MB); bản số hóa được lưu tại quầy "
        "này, lần sau mở được cả khi mất mạng."
    )
