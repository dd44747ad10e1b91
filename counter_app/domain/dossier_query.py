"""What the dossier list asks for and what one of its lines holds: plain values, no SQL.

The read model that answers these queries (keyset pages over the dossiers table) is
``counter_app/storage/dossier_list.py``; the window builds queries and shows rows from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from counter_app.domain.dossier import Status


class ListSort(StrEnum):
    RECEIVED = "received"
    DUE = "due"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class DossierListRow:
    """What one line of the dossier list shows."""

    rowid: int
    uuid: str
    code: str | None
    applicant_name: str
    procedure_code: str
    procedure_name: str
    status: Status
    received_at: datetime
    due_at: datetime | None
    officer: str


@dataclass(frozen=True, slots=True)
class DossierListQuery:
    """Filters (all optional, combined with AND) and the order of the list.

    ``received_from``/``due_from`` are inclusive, ``received_until``/``due_until`` exclusive.
    """

    statuses: tuple[Status, ...] = ()
    procedure_code: str | None = None
    officer: str | None = None
    received_from: datetime | None = None
    received_until: datetime | None = None
    due_from: datetime | None = None
    due_until: datetime | None = None
    sort: ListSort = ListSort.RECEIVED
    descending: bool = True


@dataclass(frozen=True, slots=True)
class ListCursor:
    """Where the next page starts: after (``key``, ``rowid``); ``in_nulls`` once the rows
    with a sort key are exhausted and the NULL-keyed ones are being read."""

    key: str | None
    rowid: int
    in_nulls: bool = False
