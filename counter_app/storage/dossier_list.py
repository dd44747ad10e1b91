"""The dossier list read model: light rows, filters and keyset pages (no JSON decoding).

A page is one index range scan: rows are ordered by the sort column then ``rowid`` and the
next page starts strictly after the last row seen (keyset pagination), so page 5,000 costs
what page 1 costs. Rows whose sort key is NULL (no due date, no code) come after all the
others, whatever the direction. Times are stored in Vietnam time, so ISO strings compare in
time order. The query, row and cursor values live in ``counter_app/domain/dossier_query.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from counter_app.domain.dossier import Status
from counter_app.domain.dossier_query import DossierListQuery, DossierListRow, ListCursor, ListSort
from counter_app.domain.models import VN_TZ
from counter_app.storage.db import Database

_SORT_COLUMN = {ListSort.RECEIVED: "received_at", ListSort.DUE: "due_at", ListSort.CODE: "code"}


def _iso(value: datetime) -> str:
    return value.astimezone(VN_TZ).isoformat()


def _filters(query: DossierListQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if query.statuses:
        # With a due-date range or order, walk the due_at index and test the status on each
        # row ("+" keeps SQLite off the (status, due_at) index, whose per-status runs would
        # need a sort of every matching row before the first page).
        by_due = query.sort is ListSort.DUE or query.due_from or query.due_until
        column = "+d.status" if by_due else "d.status"
        where.append(f"{column} IN ({','.join('?' for _ in query.statuses)})")
        args += [s.value for s in query.statuses]
    for column, value in (("procedure_code", query.procedure_code), ("officer", query.officer)):
        if value:
            where.append(f"d.{column} = ?")
            args.append(value)
    for column, op, moment in (
        ("received_at", ">=", query.received_from),
        ("received_at", "<", query.received_until),
        ("due_at", ">=", query.due_from),
        ("due_at", "<", query.due_until),
    ):
        if moment is not None:
            where.append(f"d.{column} {op} ?")
            args.append(_iso(moment))
    return where, args


_SELECT = (
    "SELECT d.rowid, d.uuid, d.code, d.applicant_name, d.procedure_code, "
    "COALESCE(p.name, json_extract(d.data, '$.procedure_name')), d.status, d.received_at, "
    "d.due_at, d.officer FROM dossiers AS d LEFT JOIN procedures AS p "
    "ON p.code = d.procedure_code"
)


def _row(values: tuple[Any, ...]) -> DossierListRow:
    rowid, uuid, code, name, pcode, pname, status, received, due, officer = values
    return DossierListRow(
        rowid=rowid,
        uuid=uuid,
        code=code,
        applicant_name=name or "",
        procedure_code=pcode or "",
        procedure_name=pname or "",
        status=Status(status),
        received_at=datetime.fromisoformat(received),
        due_at=datetime.fromisoformat(due) if due else None,
        officer=officer or "",
    )


def _phase(
    db: Database,
    query: DossierListQuery,
    *,
    after: ListCursor | None,
    nulls: bool,
    limit: int,
) -> list[DossierListRow]:
    column = f"d.{_SORT_COLUMN[query.sort]}"
    where, args = _filters(query)
    direction, op = ("DESC", "<") if query.descending else ("ASC", ">")
    if nulls:
        where.append(f"{column} IS NULL")
        if after is not None and after.in_nulls:
            where.append(f"d.rowid {op} ?")
            args.append(after.rowid)
        order = f"d.rowid {direction}"
    else:
        where.append(f"{column} IS NOT NULL")
        if after is not None:
            where.append(f"({column}, d.rowid) {op} (?, ?)")
            args += [after.key, after.rowid]
        order = f"{column} {direction}, d.rowid {direction}"
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
    return [_row(r) for r in db.conn.execute(sql, (*args, limit)).fetchall()]


def sort_key(row: DossierListRow, sort: ListSort) -> str | None:
    """The stored value of ``row``'s sort column (what a :class:`ListCursor` holds)."""
    if sort is ListSort.RECEIVED:
        return _iso(row.received_at)
    if sort is ListSort.DUE:
        return _iso(row.due_at) if row.due_at else None
    return row.code


def list_page(
    db: Database, query: DossierListQuery, *, after: ListCursor | None, limit: int
) -> tuple[list[DossierListRow], ListCursor | None]:
    """Up to ``limit`` rows after ``after``; the cursor of the next page, None at the end."""
    rows: list[DossierListRow] = []
    if after is None or not after.in_nulls:
        rows = _phase(db, query, after=after, nulls=False, limit=limit)
        if len(rows) == limit:
            last = rows[-1]
            return rows, ListCursor(sort_key(last, query.sort), last.rowid)
        after = None
    if query.sort is not ListSort.RECEIVED:  # received_at is never NULL
        rest = limit - len(rows)
        more = _phase(db, query, after=after, nulls=True, limit=rest)
        rows += more
        if len(more) == rest and more:
            return rows, ListCursor(None, more[-1].rowid, in_nulls=True)
    return rows, None


def procedures_in_use(db: Database) -> list[tuple[str, str]]:
    """(code, name) of every procedure some dossier has, by code: a skip scan of the
    procedure index (one probe per distinct code), not a scan of the dossiers."""
    codes = db.conn.execute(
        "WITH RECURSIVE c(code) AS (SELECT min(procedure_code) FROM dossiers UNION ALL "
        "SELECT (SELECT min(procedure_code) FROM dossiers WHERE procedure_code > c.code) "
        "FROM c WHERE c.code IS NOT NULL) SELECT c.code, p.name FROM c LEFT JOIN procedures "
        "AS p ON p.code = c.code WHERE c.code IS NOT NULL"
    ).fetchall()
    return [(code, name or "") for code, name in codes]
