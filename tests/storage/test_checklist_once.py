"""The checklist stored once (issues 12/16): papers by reference to the catalogue checklist in
events and rows, expanded on read; the row rebuilt from events equals the one maintained at
each step, on random histories; old full-checklist events and migrated stations still read."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.domain.dossier import Dossier, project
from counter_app.domain.models import DocumentForm, DocumentItem
from counter_app.domain.paper_refs import checklist_digest, compact, expand, is_placeholder
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.checklists import migrate_m0019
from counter_app.storage.mapping import dossier_to_json, dumps
from sync_protocol.events import payload_problem
from tests.conftest import make_applicant

PROCEDURE = "1.001193"  # khai sinh: 7 papers, some only shown, some conditional
CATALOGUE = tuple(
    DocumentItem(name=f"Giấy tờ {i}", title=f"Tờ {i}", group="Nộp" if i % 2 else None)
    for i in range(6)
)
FORMS = list(DocumentForm)


def _dossier_papers(draw: st.DrawFn, catalogue: tuple[DocumentItem, ...]) -> list[DocumentItem]:
    chosen = draw(st.permutations(range(len(catalogue))))[: draw(st.integers(0, len(catalogue)))]
    papers = [
        replace(
            catalogue[i],
            received=draw(st.booleans()),
            count=draw(st.integers(0, 3)),
            form=draw(st.sampled_from(FORMS)),
        )
        for i in chosen
    ]
    for n in range(draw(st.integers(0, 2))):  # papers the officer typed
        papers.insert(draw(st.integers(0, len(papers))), DocumentItem(name=f"Giấy khác {n}"))
    return papers


papers_strategy = st.composite(lambda draw: _dossier_papers(draw, CATALOGUE))()


@given(papers_strategy)
def test_expand_of_compact_gives_the_papers_back(papers: list[DocumentItem]) -> None:
    digest = checklist_digest(CATALOGUE)
    refs = compact(papers, CATALOGUE, digest=digest)
    assert list(expand(refs, CATALOGUE, digest=digest)) == papers
    # a station without the checklist shows placeholders, and stores the references unchanged
    shown = expand(refs, None, digest=digest, label="v1")
    assert len(shown) == len(papers)
    assert [d.received for d in shown] == [d.received for d in papers]
    assert all(is_placeholder(s) == (s != p) for s, p in zip(shown, papers, strict=True))
    again = compact(shown, (), digest=digest)  # what such a station stores: the same papers
    assert list(expand(again, CATALOGUE, digest=digest)) == papers


def _request(station: StationContext, documents: tuple[DocumentItem, ...] | None):  # type: ignore[no-untyped-def]
    return ReceptionRequest(
        procedure_code=PROCEDURE, applicant=make_applicant(), documents=documents
    )


ACTIONS = [
    (Action.HANDOVER, {"to": "Phòng Tư pháp"}),
    (Action.RESULT, {"outcome": "resolved"}),
    (Action.RETURN, {"receiver_name": "Nguyễn Văn Đức"}),
    (Action.RATING, {"rating": "satisfied"}),
    (Action.SUPPLEMENT_REQUEST, {"items": ["Bản sao"], "reason": "Thiếu"}),
    (Action.SUPPLEMENT_RECEIVED, {}),
    (Action.WITHDRAW, {"reason": "Rút"}),
    (Action.CORRECT, {"changes": {"sets": 2, "return_address": "Xóm 1"}}),
]


def _checklist(station: StationContext) -> tuple[DocumentItem, ...]:
    procedure = station.store.reference.procedure(PROCEDURE)
    assert procedure is not None
    return procedure.documents


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_rebuilt_projection_equals_the_stored_row_on_random_histories(
    station: StationContext, data: st.DataObject
) -> None:
    catalogue = _checklist(station)
    papers = data.draw(st.composite(lambda draw: _dossier_papers(draw, catalogue))())
    dossier, _ = receive_dossier(station, _request(station, tuple(papers)), officer="canbo")
    for _ in range(data.draw(st.integers(0, 6))):
        action, payload = data.draw(st.sampled_from(ACTIONS))
        try:
            dossier, _ = record_action(station, dossier, action, officer="canbo", payload=payload)
        except Exception as exc:  # an action the status machine refuses now: nothing written
            assert getattr(exc, "code", None) is not None, exc
    store = station.store
    stored = store.dossiers.by_uuid(dossier.uuid)
    assert stored == dossier
    assert project(store.dossiers.events_of(dossier.uuid)) == stored
    raw_event, raw_row = store.db.conn.execute(
        "SELECT e.payload, d.data FROM events e JOIN dossiers d ON d.uuid = e.dossier_uuid"
        " WHERE e.dossier_uuid = ? AND e.kind = 'received'",
        (dossier.uuid,),
    ).fetchone()
    referred = any(not d.name.startswith("Giấy khác") for d in papers)
    event = json.loads(raw_event)  # the checklist by reference, not repeated in the row
    assert ("papers" in event and "documents" not in event) == referred, event
    row = json.loads(raw_row)  # the row holds only what differs from its creating event
    assert "papers" not in row and "documents" not in row and "applicant" not in row, row
    if referred:  # the catalogue texts stay in ``procedure_texts``, sent back in full
        assert "procedure_name" not in event and event["texts"] == 1, event
    sent = store.dossiers.checklists.with_texts(event)
    assert sent["procedure_name"] == dossier.procedure_name and "texts" not in sent
    assert payload_problem("received", sent) is None  # the server accepts what is sent


def test_old_full_checklist_events_and_rows_still_read_and_migrate(
    station: StationContext,
) -> None:
    store = station.store
    conn = store.db.conn
    dossiers = [receive_dossier(station, _request(station, None), officer="canbo")[0]]
    dossiers.append(receive_dossier(station, _request(station, None), officer="canbo")[0])
    old = dossiers[0]
    full = {**store.dossiers.events_of(old.uuid)[0].payload}
    assert "documents" in full and "papers" not in full
    with store.db.atomic():  # as an older version stored them: the checklist in full
        conn.execute(
            "UPDATE events SET payload = ? WHERE dossier_uuid = ? AND kind = 'received'",
            (dumps(full), old.uuid),
        )
        for d in dossiers:
            conn.execute(
                "UPDATE dossiers SET data = ? WHERE uuid = ?", (dumps(dossier_to_json(d)), d.uuid)
            )
    assert store.dossiers.by_uuid(old.uuid) == old  # old rows read as they are
    assert project(store.dossiers.events_of(old.uuid)) == old  # so do old events
    with store.db.atomic():
        migrate_m0019(conn)
    for d in dossiers:
        raw = json.loads(
            conn.execute("SELECT data FROM dossiers WHERE uuid = ?", (d.uuid,)).fetchone()[0]
        )
        assert "documents" not in raw
        assert store.dossiers.by_uuid(d.uuid) == d
        assert project(store.dossiers.events_of(d.uuid)) == d
    payload = conn.execute(
        "SELECT payload FROM events WHERE dossier_uuid = ? AND kind = 'received'", (old.uuid,)
    ).fetchone()[0]
    assert "documents" in json.loads(payload)  # events are never rewritten
    assert store.check() == []


def test_a_station_without_the_checklist_still_shows_the_dossier(station: StationContext) -> None:
    dossier, _ = receive_dossier(station, _request(station, None), officer="canbo")
    store = station.store
    with store.db.atomic():  # as at a station that pulled it before the catalogue came
        store.db.conn.execute("DELETE FROM checklists")
    other = type(store.dossiers)(store.db)  # a fresh cache
    shown = other.by_uuid(dossier.uuid)
    assert shown is not None and shown.code == dossier.code
    assert len(shown.documents) == len(dossier.documents)
    assert all(is_placeholder(d) and d.received for d in shown.documents)
    with store.db.atomic():  # the catalogue arrives: the papers show again
        store.reference.replace_procedures([store.reference.procedure(PROCEDURE)])  # type: ignore[list-item]
    assert type(store.dossiers)(store.db).by_uuid(dossier.uuid) == dossier


def test_search_finds_dossiers_before_and_after_their_index_batch(
    station: StationContext,
) -> None:
    first, _ = receive_dossier(
        station, ReceptionRequest(PROCEDURE, make_applicant(name="Phạm Thị Hoà")), officer="canbo"
    )
    store = station.store
    assert [d.uuid for d in store.dossiers.search("pham hoa")] == [first.uuid]  # not indexed yet
    for _ in range(40):  # a batch of the index is written on the way
        receive_dossier(station, _request(station, None), officer="canbo")
    found: list[Dossier] = store.dossiers.search("pham hoa")
    assert [d.uuid for d in found] == [first.uuid]
    indexed = store.db.conn.execute("SELECT count(*) FROM dossier_search").fetchone()[0]
    assert indexed >= 32
    assert len(store.dossiers.search("nguyen duc", limit=100)) == 40
