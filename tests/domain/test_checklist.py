"""Checklists from the catalogue's flattened rows: curated ones, and the rules for the rest."""

from __future__ import annotations

import json

import pytest

from counter_app.domain.checklist import (
    CuratedChecklist,
    CuratedPaper,
    RawPaper,
    curated_checklist,
    derive_checklist,
    is_conditional,
    is_note,
    is_show_only,
    short_title,
)
from counter_app.domain.models import DocumentForm, DocumentItem
from counter_app.reference.catalogue import (
    CATALOGUE_VERSION,
    catalogue_path,
    checklists_path,
    curated_checklists,
    load_catalogue,
)

ID_TEXT = (
    "Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử hoặc các giấy tờ khác có dán "
    "ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp, còn giá trị sử dụng."
)


def test_notes_never_become_rows() -> None:
    assert is_note(RawPaper("Lưu ý: không yêu cầu nộp bản sao", note=True))
    assert is_note(RawPaper("Đối với giấy tờ nộp, xuất trình nếu nộp trực tiếp:"))
    assert is_note(RawPaper("Người tiếp nhận có trách nhiệm kiểm tra, đối chiếu."))
    assert is_note(
        RawPaper(
            "Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (nếu người có yêu cầu lựa chọn nộp "
            "hồ sơ theo hình thức trực tuyến)"
        )
    )
    assert is_note(RawPaper("thực hiện theo quy định tại điểm a, điểm b, điểm c"))
    assert is_note(RawPaper("Không quy định."))
    assert not is_note(RawPaper("Tờ khai đăng ký khai sinh theo mẫu"))
    for paper in ("(2) Điều lệ;", "Ủy nhiệm chi", "Thông báo thụ lý khiếu nại", "a) Tờ trình"):
        assert not is_note(RawPaper(paper)), paper
    assert not is_note(RawPaper(ID_TEXT, group="Giấy tờ phải xuất trình"))


def test_shown_papers_are_told_apart() -> None:
    assert is_show_only(RawPaper(ID_TEXT, group="Giấy tờ phải xuất trình"))
    assert is_show_only(RawPaper("Xuất trình bản chính Giấy chứng nhận kết hôn"))
    assert not is_show_only(RawPaper("Tờ khai đăng ký khai tử", group="Giấy tờ phải nộp"))
    assert is_show_only(RawPaper("Bản chính Giấy chứng nhận để đối chiếu"))
    assert not is_show_only(RawPaper("Bản vẽ thiết kế. Nộp bản sao kèm bản chính để đối chiếu."))


def test_conditional_papers_are_marked() -> None:
    assert is_conditional(RawPaper("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản."))
    assert is_conditional(RawPaper("Bản sao sổ đỏ (nếu có)"))
    assert is_conditional(RawPaper("Văn bản ủy quyền", group="Trường hợp ủy quyền thực hiện"))
    assert not is_conditional(RawPaper("Giấy báo tử", group="Giấy tờ phải nộp"))
    assert is_conditional(RawPaper("Văn bản ủy quyền trong trường hợp ủy quyền nộp hồ sơ."))
    # an alternative in a later clause does not make the paper conditional
    assert not is_conditional(RawPaper("Giấy chứng sinh; trường hợp không có thì nộp giấy khác"))


def test_short_titles() -> None:
    assert short_title("Tờ khai đăng ký khai sinh theo mẫu; kèm theo giấy tờ") == (
        "Tờ khai đăng ký khai sinh theo mẫu"
    )
    assert short_title("a) Đơn đề nghị. Người yêu cầu ký vào đơn.") == "Đơn đề nghị"
    assert (
        short_title(
            "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan lập."
        )
        == "Biên bản về việc trẻ bị bỏ rơi do cơ quan lập (trường hợp trẻ em bị bỏ rơi)"
    )
    long_title = short_title("Giấy " + "rất dài " * 40)
    assert len(long_title) <= 90 and long_title.endswith("...")


def test_derived_order_forms_then_handed_then_shown_then_conditional() -> None:
    raw = [
        RawPaper("Trường hợp ủy quyền thì nộp văn bản ủy quyền"),
        RawPaper(ID_TEXT, group="Giấy tờ phải xuất trình"),
        RawPaper("Giấy báo tử"),
        RawPaper("Lưu ý chung", note=True),
        RawPaper("Tờ khai đăng ký khai tử theo mẫu"),
    ]
    items = derive_checklist(raw)
    assert [i.name[:12] for i in items] == [
        "Tờ khai đăng",
        "Giấy báo tử",
        ID_TEXT[:12],
        "Trường hợp ủ",
    ]
    assert [(i.show_only, i.conditional) for i in items] == [
        (False, False),
        (False, False),
        (True, False),
        (False, True),
    ]


def test_curated_checklist_keeps_the_legal_text_and_falls_back() -> None:
    raw = [RawPaper("Giấy tờ A dài"), RawPaper("Ghi chú", note=True), RawPaper("Tờ khai B")]
    curated = CuratedChecklist(
        "9.0", (CuratedPaper(2, "Tờ khai"), CuratedPaper(0, "Giấy A", conditional=True))
    )
    items = curated_checklist(raw, curated)
    assert items == (
        DocumentItem("Tờ khai B", title="Tờ khai"),
        DocumentItem("Giấy tờ A dài", title="Giấy A", conditional=True),
    )
    broken = CuratedChecklist("9.0", (CuratedPaper(1, "Ghi chú"),))
    assert curated_checklist(raw, broken) is None


def test_the_curated_file_fits_the_shipped_catalogue() -> None:
    data = json.loads(checklists_path().read_text(encoding="utf-8"))
    assert data["version"] and data["catalogue_version"] == CATALOGUE_VERSION
    records = {r["code"]: r for r in json.loads(catalogue_path().read_text(encoding="utf-8"))}
    with_papers = [c for c in curated_checklists().values() if c.papers]
    assert len(with_papers) >= 20
    for curated in with_papers:
        documents = records[curated.code]["documents"]
        for paper in curated.papers:
            assert not documents[paper.source].get("is_note"), (curated.code, paper.source)
        sources = [p.source for p in curated.papers]
        assert len(sources) == len(set(sources)), curated.code


@pytest.fixture(scope="module")
def catalogue() -> dict[str, object]:
    return {p.code: p for p in load_catalogue()}


def test_birth_registration_as_the_window_shows_it(catalogue: dict[str, object]) -> None:
    birth = catalogue["1.001193"]
    items: tuple[DocumentItem, ...] = birth.documents  # type: ignore[attr-defined]
    assert items[0].label == "Tờ khai đăng ký khai sinh"
    assert items[0].name.startswith("Tờ khai đăng ký khai sinh theo mẫu")
    assert items[1].label.startswith("Giấy chứng sinh")
    assert items[2].show_only and not items[2].conditional
    assert all(i.conditional for i in items[3:])
    assert not any("điện tử tương tác" in i.name for i in items)
    assert birth.everyday_rank > 0  # type: ignore[attr-defined]


def test_every_catalogue_paper_has_a_short_title(catalogue: dict[str, object]) -> None:
    for procedure in catalogue.values():
        for item in procedure.documents:  # type: ignore[attr-defined]
            assert item.title and len(item.title) <= 110, (procedure, item.name)  # type: ignore[attr-defined]
            assert not item.name.rstrip().endswith(":")
            assert item.form in DocumentForm


def test_old_json_without_the_new_keys_still_reads() -> None:
    old = {"name": "Tờ khai", "form": "original", "count": 1, "received": True, "group": None}
    item = DocumentItem.from_json(old)
    assert (item.title, item.show_only, item.conditional, item.label) == (
        "",
        False,
        False,
        "Tờ khai",
    )
    assert item.to_json() == old
    new = DocumentItem("CCCD", title="Căn cước", show_only=True, conditional=True)
    assert DocumentItem.from_json(new.to_json()) == new
