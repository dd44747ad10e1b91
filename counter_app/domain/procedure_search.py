"""Ranking procedures for what an officer types at the counter (pure; storage feeds candidates).

Everything is compared folded (no diacritics, lower case, đ → d) and word by word.

Rules, in order of weight (the first difference decides):

1. A national code typed (``1.001193``, ``1001193``, ``1.0011``): the procedure with that code,
   then codes that start with it.
2. How the words match the *name*: every typed word, in order and next to each other, as a
   phrase (the last word may still be half typed) > the same without the stop-words > every
   word a whole word of the name, or the typed words naming the procedure's field ("chung thuc"
   finds every certification) > every word in the name, some only as the start of a word >
   some word found only elsewhere (field, code).
   Stop-words ("thủ tục", "cấp", "đăng ký", "giấy", "của", …) never carry a match alone: a
   procedure must match every other typed word, and a typed word never matches a stop-word of the
   name by its first letters ("khai tu" does not find "thủ tục"). A query of stop-words only is
   matched word by word like any other. The words of stop phrases of a name ("thực hiện")
   never match at all.
3. More words matched whole.
4. The office's level first: a commune office (``xa``) sees commune procedures first, except the
   customs, tax and treasury ones the portal tags "Cấp xã" but no commune counter receives.
5. The office's pinned favourites (a tie on 2–4).
6. The commune's everyday procedures, most common first (curated in
   resources/catalogue/checklists.json, ``Candidate.everyday_rank``): "chung thuc" is first the
   certification of copies, the most common request at a commune counter.
7. Short exact names before long variants: fewer name words left unmatched, then a shorter name.
8. Use count, then the code (so the order is stable).

Everyday synonyms are rewritten before matching ("hợp đồng" → "giao dịch", "sổ đỏ" → "giấy
chứng nhận quyền sử dụng đất", "cccd" → "căn cước", "hộ khẩu" → "thường trú", "độc thân" →
"tình trạng hôn nhân").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from counter_app.domain.text import search_tokens

COMMUNE = "xa"
# Fields the portal tags "Cấp xã" that a commune one-stop counter does not receive
# (shared/data/README.md, known issue 3).
# Folded: Hải quan, Thuế, Kho bạc Nhà nước.
NOT_AT_COMMUNE_COUNTER = frozenset({"hai quan", "thue", "kho bac nha nuoc"})
STOP_WORDS = frozenset(
    {
        "thu",
        "tuc",
        "cap",
        "dang",
        "ky",
        "giay",
        "cua",
        "va",
        "cho",
        "doi",
        "voi",
        "tai",
        "theo",
        "trong",
        "hoac",
        "cac",
        "ve",
        "de",
        "viec",
    }
)
# Phrases of procedure names that say nothing of the procedure ("thực hiện tại cấp xã"): their
# words never match a typed word ("chung thuc" does not find "chứng nhận … thực hiện").
STOP_PHRASES: tuple[tuple[str, ...], ...] = (("thuc", "hien"),)
# Words officers and citizens say, rewritten to the catalogue's words (folded).
SYNONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("hop", "dong"), ("giao", "dich")),
    (("so", "do"), ("giay", "chung", "nhan", "quyen", "su", "dung", "dat")),
    (("so", "hong"), ("giay", "chung", "nhan", "quyen", "su", "dung", "dat")),
    (("cccd",), ("can", "cuoc")),
    (("cmnd",), ("can", "cuoc")),
    (("doc", "than"), ("tinh", "trang", "hon", "nhan")),
    (("ho", "khau"), ("thuong", "tru")),
    (("khai", "tu", "lai"), ("dang", "ky", "lai", "khai", "tu")),
)
_CODE_RE = re.compile(r"^\d[\d.]*$")
TYPED_PHRASE, PHRASE, WHOLE, PARTIAL, ELSEWHERE = 4, 3, 2, 1, 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the ranking reads of a procedure (storage's candidate query returns these)."""

    code: str
    name: str
    field: str = ""
    level: str = ""
    use_count: int = 0
    everyday_rank: int = 0


@dataclass(frozen=True, slots=True)
class SearchPreferences:
    """The office's side of the ranking: its level and its pinned favourites (in order)."""

    office_level: str = COMMUNE
    favourites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    """A typed text split into folded words; ``content`` are the words that carry a match."""

    text: str
    words: tuple[str, ...]
    content: tuple[str, ...]
    code: str | None


def _rewrite(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for source, target in SYNONYMS:
            if tuple(words[i : i + len(source)]) == source:
                out.extend(target)
                i += len(source)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def parse_query(text: str) -> Query:
    stripped = text.strip()
    code = stripped if _CODE_RE.match(stripped) else None
    words = tuple(_rewrite(search_tokens(stripped)))
    content = tuple(w for w in words if w not in STOP_WORDS) or words
    return Query(text=stripped, words=words, content=content, code=code)


def candidate_words(text: str) -> tuple[str, ...]:
    """The folded words a candidate must contain somewhere (code, name or field) to be ranked:
    storage filters on them (a superset of what :func:`rank` keeps)."""
    query = parse_query(text)
    return query.words if query.code else query.content


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(search_tokens(text))


def _digits(code: str) -> str:
    return code.replace(".", "")


def _code_tier(query: Query, code: str) -> int | None:
    assert query.code is not None
    typed = _digits(query.code)
    if code == query.code or _digits(code) == typed:
        return 5
    if code.startswith(query.code) or _digits(code).startswith(typed):
        return 4
    if "." not in query.code and code.partition(".")[2].startswith(typed):
        return 4  # "001193" typed without the leading "1."
    return None


def _word_match(word: str, tokens: Sequence[str], whole: frozenset[str]) -> int:
    """2 a whole word, 1 the start of a word that is not a stop-word, 0 none."""
    if word in whole:
        return 2
    if any(t.startswith(word) and t not in STOP_WORDS for t in tokens):
        return 1
    return 0


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A candidate's words, folded once (cached per candidate)."""

    haystack: str
    name: tuple[str, ...]
    name_set: frozenset[str]
    content: tuple[str, ...]
    other: tuple[str, ...]
    other_set: frozenset[str]


def _masked(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """``tokens`` with the words of stop phrases ("thực hiện") blanked: they never match."""
    out = list(tokens)
    for phrase in STOP_PHRASES:
        n = len(phrase)
        for start in range(len(tokens) - n + 1):
            if tokens[start : start + n] == phrase:
                out[start : start + n] = [""] * n
    return tuple(out)


@lru_cache(maxsize=8192)
def _prepared(candidate: Candidate) -> _Prepared:
    name = _masked(_tokens(candidate.name))
    other = _tokens(f"{candidate.field} {candidate.code}")
    return _Prepared(
        haystack=" ".join(search_tokens(f"{candidate.code} {candidate.name} {candidate.field}")),
        name=name,
        name_set=frozenset(name) - {""},
        content=tuple(t for t in name if t and t not in STOP_WORDS),
        other=other,
        other_set=frozenset(other),
    )


def _is_phrase(words: Sequence[str], tokens: Sequence[str]) -> bool:
    """``words`` next to each other in ``tokens``, the last one possibly half typed."""
    n = len(words)
    for start in range(len(tokens) - n + 1):
        window = tokens[start : start + n]
        if list(window[:-1]) == list(words[:-1]) and window[-1].startswith(words[-1]):
            return True
    return False


def at_office(candidate: Candidate, office_level: str) -> bool:
    """Whether the procedure is one the office's own counter receives."""
    if candidate.level != office_level:
        return False
    return office_level != COMMUNE or _folded_field(candidate.field) not in NOT_AT_COMMUNE_COUNTER


@lru_cache(maxsize=512)
def _folded_field(field: str) -> str:
    return " ".join(search_tokens(field))


SortKey = tuple[int, int, int, int, int, int, int, int, str]


def sort_key(query: Query, candidate: Candidate, prefs: SearchPreferences) -> SortKey | None:
    """The candidate's place (smaller first), or None when it does not match the query."""
    words = _prepared(candidate)
    if not all(w in words.haystack for w in query.content):
        return None  # what storage's candidate query filters out already
    name_tokens, content_name = words.name, words.content
    if query.code is not None:
        tier = _code_tier(query, candidate.code)
        if tier is None:
            return None
        exact = 0
    elif not query.words:
        tier, exact = 0, 0
    else:
        levels = [_word_match(w, name_tokens, words.name_set) for w in query.content]
        if any(
            m == 0 and _word_match(w, words.other, words.other_set) == 0
            for w, m in zip(query.content, levels, strict=True)
        ):
            return None
        exact = sum(1 for m in levels if m == 2)
        if 0 in levels and _is_phrase(query.content, _tokens(candidate.field)):
            # the field named as typed ("chung thuc"): as good as whole words of the name
            tier, exact = WHOLE, len(levels)
        elif 0 in levels:
            tier = ELSEWHERE
        elif _is_phrase(query.words, name_tokens):
            tier = TYPED_PHRASE
        elif _is_phrase(query.content, content_name):
            tier = PHRASE
        elif exact == len(levels):
            tier = WHOLE
        else:
            tier = PARTIAL
    typed, prefixes = frozenset(query.words), tuple(query.content)
    left = sum(1 for t in content_name if t not in typed and not t.startswith(prefixes))
    favourite = (
        prefs.favourites.index(candidate.code) if candidate.code in prefs.favourites else 999
    )
    return (
        -tier,
        -exact,
        0 if at_office(candidate, prefs.office_level) else 1,
        favourite,
        candidate.everyday_rank or 999,
        left,
        len(candidate.name),
        -candidate.use_count,
        candidate.code,
    )


def rank(
    text: str,
    candidates: Iterable[Candidate],
    prefs: SearchPreferences | None = None,
    *,
    limit: int | None = None,
) -> list[Candidate]:
    """The candidates matching ``text``, best first (see the module rules).

    An empty text keeps every candidate: favourites first, then the office's everyday
    procedures, then the most used.
    """
    prefs = prefs or SearchPreferences()
    query = parse_query(text)
    if not query.words and query.code is None:
        return _unranked(candidates, prefs, limit)
    scored = []
    for candidate in candidates:
        key = sort_key(query, candidate, prefs)
        if key is not None:
            scored.append((key, candidate))
    scored.sort(key=lambda pair: pair[0])
    found = [c for _, c in scored]
    return found if limit is None else found[:limit]


def _unranked(
    candidates: Iterable[Candidate], prefs: SearchPreferences, limit: int | None
) -> list[Candidate]:
    def key(c: Candidate) -> tuple[int, int, int, str]:
        favourite = prefs.favourites.index(c.code) if c.code in prefs.favourites else 999
        return (favourite, -c.use_count, 0 if at_office(c, prefs.office_level) else 1, c.code)

    found = sorted(candidates, key=key)
    return found if limit is None else found[:limit]
