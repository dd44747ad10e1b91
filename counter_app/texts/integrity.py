"""Texts of the history chain (a past rewritten outside the program) and of the officer who
authenticates on the command line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

CLI_PASSWORD_STDIN = (
    "đọc mật khẩu của cán bộ từ dòng đầu của đầu vào chuẩn (thay vì gõ khi được hỏi)"
)
PROMPT_PASSWORD = "Mật khẩu của cán bộ «{username}»: "
CLI_PASSWORD_NEEDED = (
    "Việc này được ghi tên cán bộ nên cần mật khẩu của «{username}»: hãy chạy trong cửa sổ "
    "dòng lệnh để gõ mật khẩu, hoặc đưa mật khẩu qua đầu vào chuẩn với --password-stdin."
)
CLI_PASSWORD_CANCELLED = "Đã hủy: chưa nhập mật khẩu, không có gì thay đổi."
CLI_OFFICER_MISSING = (
    "Chưa rõ cán bộ thực hiện: hãy ghi --officer <tên đăng nhập> (quầy chưa có cán bộ mặc định)."
)

_WHAT = {"event": "sự kiện hồ sơ", "audit": "mục nhật ký", "": "mục"}
_BREAK = {
    "edited": "{what} thứ {pos} đã bị sửa",
    "missing": "{what} thứ {pos} đã bị xóa",
    "link": "chuỗi bị đứt ở mục thứ {pos} (một mục đã bị xóa, chèn hoặc tính lại)",
    "truncated": "các mục sau mục thứ {pos} đã bị xóa",
    "unchained": "có mục nhật ký hoặc sự kiện được thêm ngoài phần mềm",
}


class _Break(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def pos(self) -> int: ...
    @property
    def source(self) -> str: ...


def history_rewritten(breaks: Sequence[_Break], *, limit: int = 3) -> str:
    """One sentence: the history (events and audit log) was changed in the file."""
    parts = [
        _BREAK.get(b.kind, _BREAK["link"]).format(what=_WHAT.get(b.source, "mục"), pos=b.pos)
        for b in breaks[:limit]
    ]
    more = f" và {len(breaks) - limit} chỗ khác" if len(breaks) > limit else ""
    return (
        "Lịch sử hồ sơ và nhật ký của quầy đã bị sửa ngoài phần mềm: "
        + "; ".join(parts)
        + more
        + ". Đừng tiếp tục sửa tệp; hãy báo quản trị viên và tỉnh (bản sao lưu cũ giữ lịch sử "
        "trước đó)."
    )


# --- texts refused at the command line's boundary (applicant files, event payloads) ----------

_TEXT_PROBLEMS = {
    "characters": (
        "chứa ký tự không được phép (ký tự điều khiển như NUL, dấu định hướng chữ, ký tự "
        "Unicode hỏng)"
    ),
    "too_long": "dài quá {limit} ký tự",
}
KEY_LABEL = "(tên khóa)"  # a key of a JSON object, named in a refusal
CLI_FILE_TOO_LARGE = "Tệp «{path}» quá lớn (hơn 1 MB) để là tệp thông tin người nộp hồ sơ."
CLI_FILE_NOT_UTF8 = "Tệp «{path}» không phải văn bản UTF-8 hợp lệ; hãy lưu lại tệp dạng UTF-8."


def text_refused(field_label: str, problem: str, limit: int | None = None) -> str:
    """A text of a file or payload refused, the field named (never its value)."""
    what = _TEXT_PROBLEMS.get(problem, _TEXT_PROBLEMS["characters"]).format(limit=limit)
    return f"Trường «{field_label}» {what}; không có gì được lưu."


HISTORY_WARNING_SHORT = "Cảnh báo: lịch sử hồ sơ đã bị sửa ngoài phần mềm"
