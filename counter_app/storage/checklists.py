"""Every catalogue checklist the station has seen, stored once, and the compact form of the
papers of creating events and dossier rows (``domain.paper_refs``).

``checklists`` keeps one row per checklist digest, never replaced nor deleted: a dossier
received under an old catalogue version still expands after the catalogue moved on. What is
stored and sent is compact (``checklist`` + ``papers``); what the domain reads is expanded
(``documents``): :meth:`ChecklistRepository.compact` on the way in,
:meth:`ChecklistRepository.expand` on the way out. A payload or row that cannot be compacted
(no checklist of its procedure and version here, a malformed list) is kept as it is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from counter_app.domain.models import DocumentItem
from counter_app.domain.paper_refs import PLACEHOLDER_PREFIX, checklist_digest, compact, expand
from counter_app.storage.mapping import dumps

CREATE_SQL = (
    "CREATE TABLE IF NOT EXISTS checklists (digest TEXT PRIMARY KEY, procedure_code TEXT NOT NULL,"
    " catalogue_version TEXT NOT NULL, documents TEXT NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS checklists_procedure ON checklists"
    " (procedure_code, catalogue_version)",
    # The catalogue texts of each procedure and catalogue version first seen (never replaced):
    # a creating payload equal to them leaves them out (``TEXTS_KEY``) and reads them back.
    "CREATE TABLE IF NOT EXISTS procedure_texts (procedure_code TEXT NOT NULL,"
    " catalogue_version TEXT NOT NULL, texts TEXT NOT NULL,"
    " PRIMARY KEY (procedure_code, catalogue_version)) WITHOUT ROWID",
)
CHECKLIST_KEY = "checklist"
PAPERS_KEY = "papers"
DOCUMENTS_KEY = "documents"
# Keys the compact form leaves out when they hold these values (what a reader assumes when
# they are absent: ``domain.dossier.dossier_from_snapshot``); ``expand`` writes them back.
COMPACT_DEFAULTS: dict[str, Any] = {
    "submitter": None,
    "return_address": "",
    "due_estimated": False,
    "sets": 1,
    "return_method": "counter",
    "channel": 1,
}
APPLICANT_DEFAULTS: dict[str, Any] = {"issue_date": None, "old_id_number": None}
# Catalogue texts a compact payload leaves out when all equal those ``procedure_texts`` keeps
# for its procedure and version; ``TEXTS_KEY`` (1) marks it. Stored form only: what is sent
# has them back (:meth:`ChecklistRepository.with_texts`).
TEXT_KEYS = ("procedure_name", "procedure_field", "fee", "processing_time")
TEXTS_KEY = "texts"


class _Connected(Protocol):
    @property
    def conn(self) -> Any: ...


class ChecklistRepository:
    """The ``checklists`` table with a per-connection cache (checklists never change)."""

    def __init__(self, db: _Connected) -> None:
        self.db = db
        self._by_digest: dict[str, tuple[DocumentItem, ...]] = {}
        self._by_procedure: dict[tuple[str, str], list[str]] = {}
        self._texts: dict[tuple[str, str], dict[str, Any] | None] = {}

    def remember(self, procedure_code: str, version: str, documents: Sequence[DocumentItem]) -> str:
        """Keep the checklist (if new); its digest."""
        papers = tuple(documents)
        digest = checklist_digest(papers)
        if digest not in self._by_digest:
            self.db.conn.execute(
                "INSERT OR IGNORE INTO checklists (digest, procedure_code, catalogue_version,"
                " documents) VALUES (?,?,?,?)",
                (digest, procedure_code, version, _documents_json(papers)),
            )
            self._by_digest[digest] = papers
            self._by_procedure.pop((procedure_code, version), None)
        return digest

    def remember_texts(self, procedure_code: str, version: str, texts: dict[str, Any]) -> None:
        """Keep the catalogue texts of a procedure and version (the first seen stay)."""
        self.db.conn.execute(
            "INSERT OR IGNORE INTO procedure_texts (procedure_code, catalogue_version, texts)"
            " VALUES (?,?,?)",
            (procedure_code, version, dumps({k: texts[k] for k in TEXT_KEYS})),
        )
        self._texts.pop((procedure_code, version), None)

    def texts(self, procedure_code: str, version: str) -> dict[str, Any] | None:
        key = (procedure_code, version)
        if key not in self._texts:
            try:
                row = self.db.conn.execute(
                    "SELECT texts FROM procedure_texts WHERE procedure_code = ?"
                    " AND catalogue_version = ?",
                    key,
                ).fetchone()
            except sqlite3.OperationalError:  # a database before m0023: no texts kept
                row = None
            self._texts[key] = json.loads(row[0]) if row else None
        return self._texts[key]

    def with_texts(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with the catalogue texts it left out written back (papers untouched)."""
        if TEXTS_KEY not in data:
            return data
        out = {k: v for k, v in data.items() if k != TEXTS_KEY}
        code, version = (
            str(out.get("procedure_code") or ""),
            str(out.get("catalogue_version") or ""),
        )
        texts = self.texts(code, version) or self._current_texts(code) or {}
        for key in TEXT_KEYS:
            if key in texts:
                out.setdefault(key, texts[key])
        return out

    def _current_texts(self, code: str) -> dict[str, Any] | None:
        """Fallback (texts row missing): the catalogue's current texts of the procedure."""
        row = self.db.conn.execute(
            "SELECT name, field, fee_text, time_unit, time_amount FROM procedures WHERE code = ?",
            (code,),
        ).fetchone()
        if row is None:
            return {"procedure_name": code, "procedure_field": "", "fee": ""}
        from counter_app.domain.processing_time import ProcessingTime, TimeUnit

        time = ProcessingTime(TimeUnit(row[3]), float(row[4] or 0))
        return dict(zip(TEXT_KEYS, (row[0], row[1], row[2], time.to_json()), strict=True))

    def remember_all(self, rows: Iterable[tuple[str, str, Sequence[DocumentItem]]]) -> int:
        return len({self.remember(code, version, docs) for code, version, docs in rows})

    def documents(self, digest: str) -> tuple[DocumentItem, ...] | None:
        found = self._by_digest.get(digest)
        if found is None:
            row = self.db.conn.execute(
                "SELECT documents FROM checklists WHERE digest = ?", (digest,)
            ).fetchone()
            if row is None:
                return None
            found = tuple(DocumentItem.from_json(d) for d in json.loads(row[0]))
            self._by_digest[digest] = found
        return found

    def _digests(self, procedure_code: str, version: str) -> list[str]:
        key = (procedure_code, version)
        found = self._by_procedure.get(key)
        if found is None:
            found = [
                row[0]
                for row in self.db.conn.execute(
                    "SELECT digest FROM checklists WHERE procedure_code = ?"
                    " AND catalogue_version = ?",
                    key,
                )
            ]
            if found:
                self._by_procedure[key] = found
        return found

    # --- compact and expand ------------------------------------------------------------------

    def compact(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` (a creating payload or a dossier's JSON) with ``documents`` replaced by
        ``checklist`` + ``papers`` against the best checklist of its procedure and version
        (the one most papers refer to); unchanged when none is here or nothing refers."""
        raw = data.get(DOCUMENTS_KEY)
        code, version = data.get("procedure_code"), data.get("catalogue_version") or ""
        if not isinstance(raw, list) or not raw or not isinstance(code, str):
            return data
        try:
            documents = [DocumentItem.from_json(d) for d in raw]
        except (KeyError, TypeError, ValueError):
            return data
        if any(d.to_json() != item for d, item in zip(documents, raw, strict=True)):
            return data  # not in the shape this version writes: keep it byte for byte
        best: tuple[str, list[Any]] | None = None
        best_refs = 0
        for digest in self._digests(code, str(version)) or _placeholder_digests(documents):
            checklist = self.documents(digest) or ()
            papers = compact(documents, checklist, digest=digest)
            refs = sum(1 for p in papers if not (isinstance(p, dict) and "name" in p))
            if refs > best_refs:
                best, best_refs = (digest, papers), refs
        if best is None:
            return data
        out = {
            k: v
            for k, v in data.items()
            if k != DOCUMENTS_KEY and not (k in COMPACT_DEFAULTS and v == COMPACT_DEFAULTS[k])
        }
        applicant = out.get("applicant")
        if isinstance(applicant, dict):
            out["applicant"] = {
                k: v
                for k, v in applicant.items()
                if not (k in APPLICANT_DEFAULTS and v == APPLICANT_DEFAULTS[k])
            }
        out[CHECKLIST_KEY], out[PAPERS_KEY] = best
        texts = self.texts(code, str(version))
        if texts is not None and all(k in out and out[k] == texts[k] for k in TEXT_KEYS):
            for key in TEXT_KEYS:
                del out[key]
            out[TEXTS_KEY] = 1
        return out

    def expand(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with ``documents`` from ``checklist`` + ``papers`` (placeholders for a
        checklist this station lacks); data without them is returned as it is."""
        data = self.with_texts(data)
        papers = data.get(PAPERS_KEY)
        digest = data.get(CHECKLIST_KEY)
        if DOCUMENTS_KEY in data or not isinstance(papers, list) or not isinstance(digest, str):
            return data
        documents = expand(
            papers,
            self.documents(digest),
            digest=digest,
            label=str(data.get("catalogue_version") or ""),
        )
        out = {k: v for k, v in data.items() if k not in (PAPERS_KEY, CHECKLIST_KEY)}
        out[DOCUMENTS_KEY] = [d.to_json() for d in documents]
        for key, value in COMPACT_DEFAULTS.items():
            out.setdefault(key, value)
        applicant = out.get("applicant")
        if isinstance(applicant, dict):
            out["applicant"] = {**APPLICANT_DEFAULTS, **applicant}
        return out


def _placeholder_digests(documents: Sequence[DocumentItem]) -> list[str]:
    """The digests placeholders refer to (a dossier whose checklist is not here)."""
    found = []
    for d in documents:
        if d.name.startswith(PLACEHOLDER_PREFIX):
            digest = d.name[len(PLACEHOLDER_PREFIX) :].split("/", 1)[0]
            if digest not in found:
                found.append(digest)
    return found


def _documents_json(documents: Sequence[DocumentItem]) -> str:
    return dumps([d.to_json() for d in documents])


def create_tables(conn: Any) -> None:
    for statement in CREATE_SQL:
        conn.execute(statement)


def migrate_m0019(conn: Any) -> None:
    """Migration m0019 (issues 12 and 16): every checklist of the catalogue kept once, the
    dossier rows narrowed (papers by reference, defaults left out), the outbox keyed by its
    event alone, and the search index marked complete up to the last row (later rows are
    indexed in batches). Events are never rewritten: old ones keep their full papers."""
    from counter_app.storage.mapping import dossier_from_json
    from counter_app.storage.repositories import SEARCH_INDEXED_KEY, DossierRepository

    create_tables(conn)

    class _Db:
        def __init__(self, c: Any) -> None:
            self.conn = c

    db = _Db(conn)
    repo = ChecklistRepository(db)
    for code, version, documents in conn.execute(
        "SELECT code, catalogue_version, documents FROM procedures"
    ).fetchall():
        repo.remember(
            code, version or "", [DocumentItem.from_json(d) for d in json.loads(documents or "[]")]
        )
    dossiers = DossierRepository(db)  # type: ignore[arg-type]
    creating = {
        dossier: uuid
        for dossier, uuid, count in conn.execute(
            "SELECT dossier_uuid, min(uuid), count(*) FROM events"
            " WHERE kind IN ('received', 'guided', 'refused') GROUP BY dossier_uuid"
        )
        if count == 1
    }
    rows = conn.execute("SELECT rowid, uuid, data FROM dossiers").fetchall()
    conn.executemany(  # each row relative to its creating event (when it has just one)
        "UPDATE dossiers SET data = ? WHERE rowid = ?",
        [
            (dossiers._data_json(dossier_from_json(json.loads(data)), creating.get(uuid)), rowid)
            for rowid, uuid, data in rows
        ],
    )
    conn.execute(
        "CREATE TABLE outbox_new (event_uuid TEXT PRIMARY KEY REFERENCES events(uuid),"
        " queued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)"
        " WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO outbox_new SELECT event_uuid, queued_at, attempts, last_error FROM outbox"
    )
    conn.execute("DROP TABLE outbox")
    conn.execute("ALTER TABLE outbox_new RENAME TO outbox")
    top = conn.execute("SELECT max(rowid) FROM dossiers").fetchone()[0]
    conn.execute(
        "INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)",
        (SEARCH_INDEXED_KEY, str(int(top or 0))),
    )


def migrate_m0023(conn: Any) -> None:
    """Migration m0023 (issue 12 item 7): the catalogue texts of each procedure kept once
    (``procedure_texts``) from the catalogue loaded (events already stored keep their texts),
    and the unused (status, due_at) index dropped."""
    create_tables(conn)

    class _Db:
        def __init__(self, c: Any) -> None:
            self.conn = c

    # Unused: the dossier list walks the due_at index and tests the status on each row
    # (storage/dossier_list.py); status filters use dossiers_status_list.
    conn.execute("DROP INDEX IF EXISTS idx_dossiers_status_due_at")
    repo = ChecklistRepository(_Db(conn))
    for code in [r[0] for r in conn.execute("SELECT code FROM procedures").fetchall()]:
        version = conn.execute(
            "SELECT catalogue_version FROM procedures WHERE code = ?", (code,)
        ).fetchone()[0]
        texts = repo._current_texts(code)
        if texts is not None:
            repo.remember_texts(code, version or "", texts)
