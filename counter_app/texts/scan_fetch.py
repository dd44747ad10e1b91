"""Vietnamese texts: fetching a scan made at another counter of the office (the window)."""

from __future__ import annotations

FETCH_TITLE = "Tải bản số hóa về quầy"
FETCH_CANCEL = "&Dừng tải"
FETCH_STOPPING = "Đang dừng tải…"
FETCH_CANCELLED_NOTE = "Đã dừng tải; chưa có gì được lưu. Mở lại để tải tiếp."


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def fetch_label(name: str, part: int, parts: int, received: int, total: int | None) -> str:
    """What the progress window says while a component's PDF comes down from the province."""
    which = f" (tệp {part}/{parts})" if parts > 1 else ""
    amount = (
        f"{_megabytes(received)}/{_megabytes(total)} MB" if total else f"{_megabytes(received)} MB"
    )
    return (
        f"Bản số hóa «{name}» được lập ở quầy khác của đơn vị.\n"
        f"Đang tải từ máy chủ tỉnh{which}: {amount}\n"
        "Tệp được kiểm tra mã băm rồi lưu tại quầy này (lần sau mở được cả khi mất mạng)."
    )
