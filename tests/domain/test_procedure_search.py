"""The procedure ranking against the real catalogue: what a commune officer types, and the
procedure they expect first (issue 11, item 2)."""

from __future__ import annotations

import time

import pytest

from counter_app.domain.procedure_search import (
    Candidate,
    SearchPreferences,
    candidate_words,
    parse_query,
    rank,
)
from counter_app.reference.catalogue import load_catalogue

# (typed text, expected first code): everyday commune requests, typed without diacritics.
EVERYDAY_QUERIES = [
    ("khai sinh", "1.001193"),  # the README's own example
    ("dang ky khai sinh", "1.001193"),
    ("khai s", "1.001193"),  # still typing
    ("Khai sinh", "1.001193"),
    ("khai tu", "1.000656"),  # not "thủ tục"
    ("dang ky khai tu", "1.000656"),
    ("khai t", "1.000656"),
    ("ket hon", "1.000894"),
    ("dang ky ket hon", "1.000894"),
    ("xac nhan tinh trang hon nhan", "1.004873"),
    ("tinh trang hon nhan", "1.004873"),
    ("xac nhan doc than", "1.004873"),
    ("chung thuc", "2.000815"),  # not a border pass
    ("chung th", "2.000815"),
    ("chung thuc ban sao", "2.000815"),
    ("chung thuc chu ky", "2.000884"),
    ("chung thuc hop dong", "2.001035"),
    ("chung thuc di chuc", "2.001019"),
    ("di chuc", "2.001019"),
    ("phan chia di san", "2.001406"),
    ("tu choi nhan di san", "2.001016"),
    ("ban sao so goc", "2.000908"),
    ("trich luc", "2.000635"),
    ("ban sao giay khai sinh", "2.000635"),
    ("dang ky lai khai sinh", "1.004884"),
    ("lai khai sinh", "1.004884"),
    ("dang ky lai khai tu", "1.005461"),
    ("dang ky lai ket hon", "1.004746"),
    ("nhan cha me con", "1.001022"),
    ("khai sinh ket hop nhan cha me con", "1.000689"),
    ("giam ho", "1.004837"),
    ("cham dut giam ho", "1.004845"),
    ("cai chinh ho tich", "1.004859"),
    ("nuoi con nuoi", "2.001263"),
    ("thuong tru", "1.004222"),
    ("dang ky thuong tru", "1.004222"),
    ("ho khau", "1.004222"),
    ("xoa thuong tru", "1.003197"),
    ("tam tru", "1.004194"),
    ("dang ky tam tru", "1.004194"),
    ("gia han tam tru", "1.002755"),
    ("tam vang", "1.003677"),
    ("xac nhan cu tru", "1.010041"),
    ("tach ho", "1.010038"),
    ("ho kinh doanh", "1.001612"),
    ("thanh lap ho kinh doanh", "1.001612"),
    ("thay doi ho kinh doanh", "2.000720"),
    ("tam ngung kinh doanh", "1.001570"),
    ("cham dut ho kinh doanh", "1.001266"),
    ("dat dai", "1.013978"),
    ("so do", "1.013978"),
    ("tranh chap dat dai", "1.012812"),
    ("hoa giai tranh chap dat", "1.012812"),
    ("giay phep xay dung", "1.013225"),
    ("ho ngheo", "1.011607"),
    ("can ngheo", "1.011607"),
    ("thai san", "2.000693"),
    ("tu tuat", "2.000821"),
    ("bao hiem xa hoi mot lan", "1.001613"),
    ("cap lai the can cuoc", "1.014064"),
    ("cap doi the can cuoc", "1.014063"),
    ("cay xanh", "1.002693"),
    ("1.001193", "1.001193"),
    ("001193", "1.001193"),
    ("2.000815", "2.000815"),
    ("  KHAI SINH  ", "1.001193"),
    ("khai sinh", "1.001193"),
]


@pytest.fixture(scope="module")
def candidates() -> list[Candidate]:
    return [
        Candidate(p.code, p.name, p.field, p.level, 0, p.everyday_rank) for p in load_catalogue()
    ]


def test_the_table_is_large_enough() -> None:
    assert len({q for q, _ in EVERYDAY_QUERIES}) >= 40


@pytest.mark.parametrize(("typed", "expected"), EVERYDAY_QUERIES)
def test_everyday_query_first_result(
    candidates: list[Candidate], typed: str, expected: str
) -> None:
    found = rank(typed, candidates, limit=5)
    assert found, typed
    assert found[0].code == expected, [(c.code, c.name[:60]) for c in found]


def test_stop_words_never_carry_a_match(candidates: list[Candidate]) -> None:
    # "tu" is not the start of "tục" in "Thủ tục": birth registration is not a "khai tu" match.
    assert "1.001193" not in {c.code for c in rank("khai tu", candidates)}
    assert parse_query("thu tuc dang ky khai sinh").content == ("khai", "sinh")
    assert candidate_words("thủ tục đăng ký khai sinh") == ("khai", "sinh")


def test_a_query_of_stop_words_only_still_matches(candidates: list[Candidate]) -> None:
    assert rank("dang ky", candidates, limit=3)


def test_commune_counter_sees_its_procedures_before_customs_and_province(
    candidates: list[Candidate],
) -> None:
    found = rank("chung thuc", candidates, limit=12)
    assert {c.level for c in found} == {"xa"}
    # every certification first, "thực hiện" and "chứng nhận … thực phẩm" after them
    assert all(c.field == "Chứng thực" for c in found)
    province = rank("chung thuc", candidates, SearchPreferences(office_level="tinh"), limit=3)
    assert province[0].level == "tinh" or province[0].code == "2.000815"


def test_whole_words_before_prefixes() -> None:
    names = [Candidate("9.000001", "Cấp giấy tuổi thọ"), Candidate("9.000002", "Đăng ký khai tử")]
    assert [c.code for c in rank("tu", names)] == ["9.000002", "9.000001"]


def test_short_exact_names_before_long_variants() -> None:
    names = [
        Candidate(
            "9.000003", "Đăng ký khai sinh có yếu tố nước ngoài tại khu vực biên giới", "", "xa"
        ),
        Candidate("9.000004", "Đăng ký khai sinh", "", "xa"),
    ]
    assert rank("khai sinh", names)[0].code == "9.000004"


def test_use_count_only_breaks_ties() -> None:
    names = [
        Candidate("9.000005", "Đăng ký khai sinh lưu động", "", "xa", use_count=500),
        Candidate("9.000006", "Đăng ký khai sinh", "", "xa", use_count=1),
        Candidate("9.000007", "Đăng ký khai tử", "", "xa", use_count=2),
        Candidate("9.000008", "Đăng ký khai tử", "", "xa", use_count=9),
    ]
    assert rank("khai sinh", names)[0].code == "9.000006"
    assert [c.code for c in rank("khai tu", names)] == ["9.000008", "9.000007"]


def test_favourites_first_on_a_tie_and_on_an_empty_field(candidates: list[Candidate]) -> None:
    prefs = SearchPreferences(favourites=("2.001019", "1.004873"))
    assert rank("chung thuc", candidates, prefs)[0].code == "2.001019"
    assert [c.code for c in rank("", candidates, prefs, limit=2)] == ["2.001019", "1.004873"]
    # A favourite never beats a better match: "khai sinh" is still birth registration.
    assert rank("khai sinh", candidates, prefs)[0].code == "1.001193"


def test_elsewhere_matches_come_last(candidates: list[Candidate]) -> None:
    found = rank("ho tich", candidates)
    in_name = ["hộ tịch" in c.name.lower() for c in found]
    assert in_name[0] and not in_name[-1]  # field-only matches exist, and come last
    assert in_name == sorted(in_name, reverse=True)


def test_nothing_matches(candidates: list[Candidate]) -> None:
    assert rank("xyzzy", candidates) == []
    assert rank("9.999999", candidates) == []


def test_fast_enough_per_keystroke(candidates: list[Candidate]) -> None:
    typed = "chung thuc hop dong"
    rank(typed, candidates)  # warm the token cache, as the first keystroke does
    best = float("inf")
    for _ in range(3):  # the best of three runs: the machine may be busy with other work
        started = time.perf_counter()
        for end in range(1, len(typed) + 1):
            rank(typed[:end], candidates, limit=15)
        best = min(best, (time.perf_counter() - started) / len(typed))
    assert best < 0.020
