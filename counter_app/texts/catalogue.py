"""Texts of the procedure search, the checklist and their command-line subcommands (issue 11)."""

from __future__ import annotations

# --- Procedure picker -----------------------------------------------------------------------
PROCEDURE_NO_MATCH = "Không có thủ tục nào khớp với nội dung đã gõ — gõ lại tên hoặc mã thủ tục."
PROCEDURE_PINNED_MARK = "[Ghim] "

# --- Checklist ------------------------------------------------------------------------------
PAPER_SHOWN_MARK = "Xuất trình"
PAPER_HANDED_MARK = "Nộp"
PAPER_CONDITIONAL_MARK = "tùy trường hợp"
PAPER_ADDED_MARK = "do cán bộ thêm"


def paper_marks(*, show_only: bool, conditional: bool) -> str:
    """The short note after a paper's title: only shown (xuất trình), conditional."""
    parts = [PAPER_SHOWN_MARK] if show_only else []
    if conditional:
        parts.append(PAPER_CONDITIONAL_MARK)
    return " · ".join(parts)


def paper_title(label: str, *, show_only: bool, conditional: bool) -> str:
    """A paper's row in the checklist: its short title, then its marks (a title that names its
    case already, "(trường hợp …)" or "(nếu …)", is not marked conditional a second time)."""
    lowered = label.lower()
    names_case = "(trường hợp" in lowered or "(nếu" in lowered
    marks = paper_marks(show_only=show_only, conditional=conditional and not names_case)
    return f"{label} — {marks}" if marks else label


def paper_tooltip(text: str, *, show_only: bool, conditional: bool) -> str:
    """The tooltip of a paper: how it is handed over, then the catalogue's legal text."""
    kind = (
        "Giấy tờ chỉ xuất trình để đối chiếu, không nộp lại."
        if show_only
        else "Giấy tờ công dân nộp."
    )
    case = " Chỉ cần trong trường hợp nêu trong văn bản." if conditional else ""
    return f"{kind}{case}\n\n{text}"


# --- Command line ---------------------------------------------------------------------------
CLI_PROCEDURES = "tìm thủ tục hành chính, xếp hạng như ô «Thủ tục» của cửa sổ"
CLI_PROCEDURES_TEXT = "tên (không cần dấu) hoặc mã thủ tục"
CLI_PROCEDURES_LIMIT = "số thủ tục tối đa (mặc định 15)"
CLI_PROCEDURE = "một thủ tục và danh sách giấy tờ như cửa sổ hiển thị"
CLI_PROCEDURE_CODE = "mã thủ tục, ví dụ 1.001193"
CLI_FAVOURITES = "thủ tục ghim của cơ quan (hiện trước khi gõ và khi ngang hạng)"
CLI_FAVOURITES_ADD = "ghim thêm thủ tục có mã này"
CLI_FAVOURITES_REMOVE = "bỏ ghim thủ tục có mã này"
CLI_RECEIVE_PAPERS = (
    "số thứ tự các giấy tờ công dân đã nộp, cách nhau bằng dấu phẩy, theo "
    "«counter-app procedure MÃ» (ví dụ 1,3); không ghi: chưa ghi nhận giấy tờ nào"
)
METAVAR_PAPERS = "SỐ,SỐ"
KIND_HANDED = "nộp"
KIND_SHOWN = "xuất trình"


def cli_papers_invalid(value: str) -> str:
    return (
        f"Giấy tờ «{value}» không hợp lệ: ghi số thứ tự các giấy tờ cách nhau bằng dấu phẩy, "
        "ví dụ --papers 1,3."
    )


def cli_paper_out_of_range(index: int, count: int) -> str:
    if count == 0:
        return f"Giấy tờ số {index} không có: thủ tục này không có giấy tờ nào trong danh sách."
    return f"Giấy tờ số {index} không có: thủ tục này có các giấy tờ số 1 đến {count}."
