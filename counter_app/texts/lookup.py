"""Texts about the citizen lookup address printed in the slips' QR (issue 11, item 9)."""

from __future__ import annotations


def lookup_url_warning(url: str, *, enrolled: bool) -> str:
    """Shown to the administrator (status bar, settings, ``counter-app info``) while the QR
    codes point to an address citizens cannot open."""
    problem = (
        f"Cảnh báo: mã QR trên phiếu đang dẫn tới «{url}», là địa chỉ mẫu hoặc địa chỉ chỉ "
        "mở được trong máy này, người dân không tra cứu được hồ sơ"
    )
    if enrolled:
        return (
            f"{problem}; hãy báo quản trị viên máy chủ tỉnh khai báo địa chỉ công khai "
            "(PROVINCE_LOOKUP_URL hoặc PROVINCE_PUBLIC_URL) rồi đồng bộ lại, hoặc nhập địa chỉ "
            "trang tra cứu của tỉnh trong Cài đặt."
        )
    return (
        f"{problem}; hãy đăng ký quầy với máy chủ tỉnh (địa chỉ được nhận tự động) hoặc nhập "
        "địa chỉ trang tra cứu của tỉnh trong Cài đặt."
    )


LOOKUP_URL_WARNING_SHORT = "Chú ý: mã QR trên phiếu chưa dẫn tới trang tra cứu thật (xem Cài đặt)"


def enrolled_lookup(url: str) -> str:
    """After enrolment: where the slips' QR now leads."""
    return f"Mã QR trên phiếu dẫn tới trang tra cứu: {url}"
