"""A procedure's checklist from the catalogue's flattened papers: curated, else derived by rules.

The crawl of the national portal flattened each procedure's "Thành phần hồ sơ" into rows of
legal text (shared/data/README.md, issue 5). What the counter shows instead:

- the commune's everyday procedures have a curated checklist (resources/catalogue/
  checklists.json, versioned): each paper a short title, the catalogue row it comes from (its
  legal text stays the paper's ``name``), handed over or only shown, conditional or not, in the
  order papers are most often handed over;
- every other procedure's checklist is derived by :func:`derive_checklist`:

  1. rows that are notes, not papers, never become rows: the crawl's count-0 notes, headings
     ending in ":", "Lưu ý" rows, rows for online filing only ("Mẫu … điện tử tương tác",
     "… theo hình thức trực tuyến" without the counter), rows naming no paper at all;
  2. only shown (xuất trình): the row's group says "xuất trình", or the text starts with
     "Xuất trình", or its first clause says "để đối chiếu";
  3. conditional: the text starts with "Trường hợp", "Trong trường hợp", "Nếu", "Đối với …",
     or says "(nếu có)", or its first clause says "trong trường hợp" / "đối với trường hợp",
     or its group names a case ("Trường hợp …", "Đối với …");
  4. the title: item letters ("a)", "(i)", "1.") dropped; "Trường hợp X thì phải có Y" becomes
     "Y (trường hợp X)"; cut at the first sentence end, ";" or ":", at most 90 characters on a
     word boundary (ending in "...");
  5. order: forms first (tờ khai, đơn, giấy đề nghị), then other papers handed over, then papers
     only shown, then the conditional ones (handed over, then shown); otherwise the catalogue's
     order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from counter_app.domain.models import DocumentForm, DocumentItem
from counter_app.domain.text import fold, nfc

MAX_TITLE = 90
# Both patterns run on the folded text (fold keeps the length of NFC text: one letter each).
_ITEM_MARK = re.compile(r"^\s*(?:\(?[a-z0-9]{1,3}(?:\.\d+)*[).]\s*|\(?[ivx]{1,5}\)\s*|[-+*]\s*)")
_CASE_THEN = re.compile(
    r"^(?P<lead>(?:trong\s+)?truong hop)\s+(?P<case>.+?),?\s+thi\s+(?:(?:phai|can)\s+)?"
    r"(?:co\s+|nop\s+(?:them\s+|kem\s+(?:theo\s+)?)?|xuat trinh\s+|kem theo\s+)?(?P<paper>.+)$",
    re.DOTALL,
)
ELLIPSIS = "..."
_CONDITIONAL_STARTS = ("truong hop", "trong truong hop", "neu ", "doi voi ")
_NOTE_STARTS = (
    "luu y",
    "ghi chu",
    "nguoi tiep nhan",
    "co quan dang ky",
    "co quan tiep nhan",
    "nguoi uy quyen va nguoi duoc uy quyen",
)
_PAPER_WORDS = (
    "giay",
    "ban ",
    "ban,",
    "van ban",
    "to khai",
    "don ",
    "don,",
    "hop dong",
    "bien ban",
    "quyet dinh",
    "phieu",
    "so ",
    "the ",
    "ho so",
    "danh sach",
    "bao cao",
    "chung chi",
    "chung nhan",
    "bang ",
    "du thao",
    "mau ",
    "ho chieu",
    "can cuoc",
    "tai lieu",
    "anh ",
    "hoc ba",
    "trich luc",
    "thong tin",
    "ke khai",
    "phuong an",
    "de an",
    "du an",
    "ban ve",
    "so do",
    "chung tu",
    "hoa don",
    "thong bao",
    "dieu l",
    "bien lai",
    "cong ham",
    "to trinh",
    "ke hoach",
    "ket luan",
    "ly lich",
    "quy che",
    "quy trinh",
    "uy nhiem",
    "de nghi",
    "de xuat",
    "giao dich",
    "khang nghi",
    "co cau",
    "du toan",
    "thuyet minh",
)
_FORM_STARTS = ("to khai", "don ", "giay de nghi", "van ban de nghi", "phieu de nghi", "mau ")


@dataclass(frozen=True, slots=True)
class RawPaper:
    """One row of the catalogue's documents, as crawled (``note``: the crawl's count-0 rows)."""

    name: str
    form: DocumentForm = DocumentForm.ORIGINAL
    count: int = 1
    group: str | None = None
    note: bool = False


@dataclass(frozen=True, slots=True)
class CuratedPaper:
    """A paper of a curated checklist: ``source`` is the index of its row in the catalogue."""

    source: int
    title: str
    show_only: bool = False
    conditional: bool = False
    form: DocumentForm | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class CuratedChecklist:
    """The curated checklist of one procedure. ``derive_rest``: the catalogue rows no curated
    paper uses are appended, derived by the rules and marked conditional (sub-cases)."""

    code: str
    papers: tuple[CuratedPaper, ...]
    everyday_rank: int = 0
    derive_rest: bool = False


@lru_cache(maxsize=32768)
def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def is_note(paper: RawPaper) -> bool:
    """Whether the row is an explanation, not a paper to collect (rule 1)."""
    text = nfc(paper.name)
    folded = _folded(text)
    if paper.note or not text or text.endswith(":"):
        return True
    if _folded(paper.group or "").startswith("luu y") or folded.startswith(_NOTE_STARTS):
        return True
    online = "hinh thuc truc tuyen" in folded or "dien tu tuong tac" in folded
    if online and "truc tiep" not in folded and "buu chinh" not in folded:
        return True
    padded = f" {folded} "
    return not any(word in padded or padded.lstrip().startswith(word) for word in _PAPER_WORDS)


def is_show_only(paper: RawPaper) -> bool:
    folded, group = _folded(paper.name), _folded(paper.group or "")
    if "xuat trinh" in group and "nop" not in group.replace("xuat trinh", ""):
        return True
    head = _folded(_first_clause(nfc(paper.name)))
    return _strip_mark(folded).startswith("xuat trinh") or "de doi chieu" in head


def is_conditional(paper: RawPaper) -> bool:
    folded, group = _strip_mark(_folded(paper.name)), _strip_mark(_folded(paper.group or ""))
    head = _folded(_first_clause(nfc(paper.name)))
    if folded.startswith(_CONDITIONAL_STARTS) or "(neu co)" in folded:
        return True
    if " trong truong hop " in head or " doi voi truong hop " in head:
        return True
    return group.startswith(("truong hop", "doi voi", "neu "))


def _strip_mark(text: str) -> str:
    """``text`` without its leading item mark ("a)", "(i)", "1.", "-")."""
    match = _ITEM_MARK.match(_lower_folded(text))
    return text[match.end() :] if match else text


def _lower_folded(text: str) -> str:
    """``fold(text)`` when it keeps the length (so spans apply to ``text``), else ``text``."""
    folded = fold(text)
    return folded if len(folded) == len(text) else text


def _shorten(text: str, limit: int = MAX_TITLE) -> str:
    text = text.strip(" ;,.:")
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)].rsplit(" ", 1)[0].rstrip(" ;,.:(")
    return cut + ELLIPSIS


def _first_clause(text: str) -> str:
    head, colon, tail = text.partition(": ")
    if colon and _folded(head).startswith("doi voi") and len(tail) >= 12:
        text = tail  # "Đối với Quân đội nhân dân: Giấy giới thiệu …" is the paper after ":"
    for separator in (". ", "; ", ";", ": "):
        head = text.split(separator, 1)[0]
        if len(head) >= 8:
            text = head
    return text


def short_title(text: str) -> str:
    """A short title for a catalogue row (rule 4)."""
    body = _strip_mark(nfc(text))
    match = _CASE_THEN.match(_lower_folded(body))
    if match and len(match.string) == len(body):
        paper = _first_clause(body[match.start("paper") :])
        paper = paper[:1].upper() + paper[1:]
        lead = body[match.start("lead") : match.end("lead")].lower()
        case = _shorten(_first_clause(body[match.start("case") : match.end("case")]), 45)
        room = MAX_TITLE - len(case) - len(lead) - 4
        return _shorten(f"{_shorten(paper, room)} ({lead} {case})")
    return _shorten(_first_clause(body))


def _order_key(item: DocumentItem) -> int:
    if item.conditional:
        return 3 + int(item.show_only)
    if item.show_only:
        return 2
    return 0 if _folded(item.name).startswith(_FORM_STARTS) else 1


def _item(paper: RawPaper, **changes: object) -> DocumentItem:
    item = DocumentItem(
        name=nfc(paper.name),
        form=paper.form,
        count=max(paper.count, 1),
        group=paper.group,
        title=short_title(paper.name),
        show_only=is_show_only(paper),
        conditional=is_conditional(paper),
    )
    return replace(item, **changes) if changes else item  # type: ignore[arg-type]


def derive_checklist(raw: Sequence[RawPaper]) -> tuple[DocumentItem, ...]:
    """The checklist of a procedure without a curated one (rules 1–5)."""
    items = [_item(p) for p in raw if not is_note(p)]
    return tuple(sorted(items, key=_order_key))


def curated_checklist(
    raw: Sequence[RawPaper], curated: CuratedChecklist
) -> tuple[DocumentItem, ...] | None:
    """The curated checklist over ``raw``, or None when ``raw`` is not the catalogue version it
    was curated on (a source row missing or a note): the caller then derives it."""
    items = []
    for paper in curated.papers:
        if not 0 <= paper.source < len(raw) or raw[paper.source].note:
            return None
        source = raw[paper.source]
        items.append(
            DocumentItem(
                name=nfc(source.name),
                form=paper.form or source.form,
                count=paper.count or max(source.count, 1),
                group=source.group,
                title=paper.title,
                show_only=paper.show_only,
                conditional=paper.conditional,
            )
        )
    if curated.derive_rest:
        used = {p.source for p in curated.papers}
        rest = [p for i, p in enumerate(raw) if i not in used and not is_note(p)]
        items.extend(sorted((_item(p, conditional=True) for p in rest), key=_order_key))
    return tuple(items)
