"""find_procedures on a real station: SQL candidates, the domain's ranking, favourites, speed;
m0010 rebuilds the checklists of a station seeded before it."""

from __future__ import annotations

import json
import time

from counter_app.domain.models import DocumentItem
from counter_app.domain.procedure_search import SearchPreferences
from counter_app.services import procedures
from counter_app.services.station import StationContext
from counter_app.storage.migrations import m0010_checklists
from tests.domain.test_procedure_search import EVERYDAY_QUERIES


def test_the_station_ranks_as_the_domain_does(station: StationContext) -> None:
    reference = station.store.reference
    for typed, expected in EVERYDAY_QUERIES:
        found = reference.find_procedures(typed, limit=3)
        assert found and found[0].code == expected, (typed, [p.code for p in found])
    assert reference.find_procedures("xyzzy") == []
    assert len(reference.find_procedures("", limit=100_000)) == reference.count_procedures()


def test_each_keystroke_under_20_ms(station: StationContext) -> None:
    reference = station.store.reference
    typed = "xac nhan tinh trang hon nhan"
    reference.find_procedures("a", limit=1)  # what the picker does when it is built
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for end in range(1, len(typed) + 1):
            reference.find_procedures(typed[:end], limit=15)
        best = min(best, (time.perf_counter() - started) / len(typed))
    assert best < 0.020


def test_favourites_and_office_level(station: StationContext) -> None:
    reference = station.store.reference
    assert procedures.set_favourite(station, "2.001019", pinned=True, officer="canbo") == [
        "2.001019"
    ]
    assert reference.find_procedures("", limit=1)[0].code == "2.001019"
    assert reference.find_procedures("chung thuc", limit=1)[0].code == "2.001019"
    assert reference.find_procedures("khai sinh", limit=1)[0].code == "1.001193"
    assert procedures.set_favourite(station, "2.001019", pinned=False, officer="canbo") == []
    province = reference.find_procedures("ho chieu", limit=1, prefs=SearchPreferences("tinh"))
    assert province[0].level == "tinh"
    assert reference.find_procedures("ho chieu", limit=1)[0].level == "xa"


def test_m0010_rebuilds_old_checklists(station: StationContext) -> None:
    db = station.store.db
    flat = [DocumentItem("Lưu ý: ghi chú cũ").to_json()]
    with db.atomic():
        db.conn.execute(
            "UPDATE procedures SET documents = ?, everyday_rank = 0 WHERE code = '1.001193'",
            (json.dumps(flat, ensure_ascii=False),),
        )
    before = station.store.reference.procedure("1.001193")
    assert before is not None and before.documents[0].name.startswith("Lưu ý")
    db.conn.execute("ALTER TABLE procedures DROP COLUMN everyday_rank")
    with db.atomic():
        m0010_checklists(db.utils)
    after = station.store.reference.procedure("1.001193")
    assert after is not None and after.everyday_rank > 0
    assert after.documents[0].label == "Tờ khai đăng ký khai sinh"
