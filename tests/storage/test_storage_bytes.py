"""Issue 12 item 7 (BYTES): the compact search index (m0024: ``detail = none``,
``columnsize = 0``) and the chain's digests as BLOBs (m0025), on real SQLite files.

The migration test builds a station with this version, rewrites its file the way the version
before m0024 wrote it (the search index with its positions and lengths, the chain's digests
as hex text, neither migration recorded), opens it with this version and checks what
survives: every search by name, ID number and code, the chain and its head, a new reception.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.services import lookup
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.storage import chain, projection
from counter_app.storage.store import Store
from tests.conftest import make_applicant
from tests.old_layout import as_before_m0038

APPLICANTS = (
    ("Trần Thị Bích Ngọc", "001190000001"),
    ("Lê Văn Hùng", "001085000002"),
    ("Phạm Minh Châu", "001200000003"),
    ("Nguyễn Thị Thu Hà", "001195000004"),
)
OLD_SEARCH = (
    "CREATE VIRTUAL TABLE dossier_search USING fts5("
    "text, tokenize = 'unicode61', prefix = '2 3 4 5 6')"
)
OLD_CHAIN = (
    "CREATE TABLE chain (pos INTEGER PRIMARY KEY, source TEXT NOT NULL, ref TEXT NOT NULL,"
    " content TEXT NOT NULL, hash TEXT NOT NULL)"
)


def _station(folder: Path, clock: FixedClock) -> list[tuple[str, str, str, str]]:
    """(uuid, code, name, id number) of the dossiers received at a new station."""
    ctx = open_station(folder, clock=clock)
    out = []
    for name, id_number in APPLICANTS:
        request = ReceptionRequest(
            procedure_code="1.001193", applicant=make_applicant(name=name, id_number=id_number)
        )
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        assert dossier.code is not None
        out.append((dossier.uuid, dossier.code, name, id_number))
    ctx.store.dossiers.flush_search()  # every row in the index, as a station that ran a while
    ctx.store.close()
    return out


def _as_before_m0024(db_path: Path) -> None:
    """Rewrite the file as the version before m0024 left it (same rows, old storage)."""
    as_before_m0038(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        texts = conn.execute("SELECT rowid, text FROM dossier_search").fetchall()
        conn.execute("DROP TABLE dossier_search")
        conn.execute(OLD_SEARCH)
        conn.executemany("INSERT INTO dossier_search (rowid, text) VALUES (?, ?)", texts)
        rows = conn.execute("SELECT pos, source, ref, content, hash FROM chain").fetchall()
        conn.execute("DROP TABLE chain")
        conn.execute(OLD_CHAIN)
        conn.executemany(
            "INSERT INTO chain VALUES (?,?,?,?,?)",
            [(p, s, r, c.hex(), h.hex()) for p, s, r, c, h in rows],
        )
        conn.execute("CREATE INDEX chain_ref ON chain (source, ref)")
        conn.execute(
            "DELETE FROM _migrations WHERE name IN (?, ?)",
            ("m0024_search_detail_none", "m0025_chain_blobs"),
        )
    conn.close()


def _schema(db_path: Path, name: str) -> str:
    """The SQL of ``name`` in the durable file, else in the projection file (m0038)."""
    conn = sqlite3.connect(db_path)
    try:
        projection.attach(conn, db_path, read_only=True)
        schemas = [r[1] for r in conn.execute("PRAGMA database_list")]
        for schema in schemas:
            found = conn.execute(
                f"SELECT sql FROM {schema}.sqlite_master WHERE name = ?", (name,)
            ).fetchone()
            if found is not None:
                return str(found[0])
        raise AssertionError(f"no {name} in {schemas}")
    finally:
        conn.close()


def _types(db_path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return set(conn.execute("SELECT DISTINCT typeof(content), typeof(hash) FROM chain"))
    finally:
        conn.close()


def test_a_station_stored_the_old_way_is_migrated_and_keeps_its_data(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "st"
    received = _station(folder, clock)
    db_path = folder / "counter.db"
    saved_head = (folder / chain.HEAD_NAME).read_text().split()
    _as_before_m0024(db_path)
    assert "detail" not in _schema(db_path, "dossier_search")
    assert _types(db_path) == {("text", "text")}

    ctx = open_station(folder, clock=clock)  # the version now: m0024 and m0025 run
    try:
        assert "detail = none" in _schema(db_path, "dossier_search")
        assert _types(db_path) == {("blob", "blob")}
        head = ctx.store.chain.head()
        assert head is not None and [str(head.pos), head.hash] == saved_head
        assert ctx.store.open_breaks == [] and ctx.store.history_breaks() == []
        for uuid, code, name, id_number in received:
            for text in (name, id_number, code, code[-7:], id_number[:8]):
                assert uuid in [d.uuid for d in lookup.search(ctx, text)], text
        assert [d.uuid for d in lookup.search(ctx, "tran ngoc")] == [received[0][0]]
        assert {d.uuid for d in lookup.search(ctx, "thi")} == {received[0][0], received[3][0]}
        assert lookup.search(ctx, "Hoàng Văn Zzz") == []

        # A reception after the migration is chained (as a BLOB) after the migrated rows and
        # found once indexed.
        request = ReceptionRequest(
            procedure_code="1.001193",
            applicant=make_applicant(name="Đỗ Quang Vinh", id_number="001099000005"),
        )
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        ctx.store.dossiers.flush_search()
        assert [d.uuid for d in lookup.search(ctx, "do quang vinh")] == [dossier.uuid]
        after = ctx.store.chain.head()
        assert after is not None and after.pos > head.pos
        assert ctx.store.history_breaks() == []
    finally:
        ctx.store.close()
    conn = sqlite3.connect(db_path)
    try:
        projection.attach(conn, db_path)
        assert (
            conn.execute(
                "INSERT INTO dossier_search(dossier_search) VALUES ('integrity-check')"
            ).fetchall()
            == []
        )
    finally:
        conn.close()


def test_the_migrated_chain_still_finds_an_edited_event(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "st"
    _station(folder, clock)
    _as_before_m0024(folder / "counter.db")
    open_station(folder, clock=clock).store.close()  # migrated
    conn = sqlite3.connect(folder / "counter.db")
    with conn:
        conn.execute("UPDATE events SET officer = 'someone' WHERE seq = 2")
    conn.close()
    store = Store(folder, mirror_dir=paths.mirror_dir())
    try:
        assert chain.EDITED in {b.kind for b in store.history_breaks()}
    finally:
        store.close()


def test_a_hex_digest_edited_in_the_file_before_m0025_is_kept_and_reported(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "st"
    _station(folder, clock)
    _as_before_m0024(folder / "counter.db")
    conn = sqlite3.connect(folder / "counter.db")
    with conn:
        conn.execute("UPDATE chain SET content = 'not a digest' WHERE pos = 1")
    conn.close()
    store = Store(folder, mirror_dir=paths.mirror_dir())  # migrates; the check reports it
    try:
        assert chain.EDITED in {b.kind for b in store.history_breaks()}
    finally:
        store.close()


def test_a_word_the_index_splits_is_searched_by_its_parts(
    tmp_path: Path, clock: FixedClock
) -> None:
    ctx = open_station(tmp_path / "st", clock=clock)
    try:
        request = ReceptionRequest(
            procedure_code="1.001193",
            applicant=make_applicant(name="Lò Văn Phong", id_number="001099000006"),
        )
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        ctx.store.dossiers.flush_search()
        # U+19B0 (New Tai Lue) is a letter to Python and a separator to the index: the word is
        # a two-token phrase, which a ``detail = none`` index cannot answer.
        assert [d.uuid for d in lookup.search(ctx, "phong\u19b0van")] == [dossier.uuid]
    finally:
        ctx.store.close()
