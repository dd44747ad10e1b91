"""The period report (Biểu 06) counted by SQLite: GROUP BY over columns made for it.

Guarantees:

* the figures equal those of :func:`counter_app.domain.statistics.period_statistics` over the
  same dossiers (the domain's rules are the reference; ``tests/storage/test_report_sql.py``
  checks the two on random dossiers): the same rules written as SQL sums over the Vietnam
  calendar dates stored with each row (``received_day``, ``finished_day``, ``stats_due_day``,
  migration m0021);
* one index serves it, ``dossiers_report_keys`` (field and procedure first, then the finished
  day; migrations m0035, m0037): the procedure keys are listed by a loose index scan (one
  seek per key), then for each key the query visits three index ranges, the dossiers still
  open, those finished in the period and those finished after it, reading the index only
  (never a row with its JSON; a stopped dossier's row is read by rowid for its outcome: stop
  or expired supplement). The keys are joined in their own order, so the groups come out in
  order and SQLite never sorts the counted rows; a period that ends near today visits about
  what it counts;
* the fee sums (``domain.fees``: the dossiers received in the period) come from the same
  visit: a dossier received in the period is finished in it, after it or not at all, so the
  three ranges hold it; the rare one whose finishing instant precedes its reception (another
  counter's clock behind) is found through a partial index holding only such rows (m0037),
  which an ordinary save never writes;
* the counts of one group of exclusive rules (received: carried over / online / direct;
  finished: on time / early / late; closed: withdrawn / stopped / expired) are one packed sum,
  21 bits a count (a group of 2**21 dossiers or more is counted again with plain sums);
* memory is one small list per (field, procedure), whatever the number of dossiers;
* a station of ``PARALLEL_MIN_ROWS`` dossiers or more, on a machine with two cores or more, is
  counted on two connections at once (a read-only helper reading the same snapshot, see
  :func:`_helper`; SQLite steps without Python's lock): an all-time report over 1,000,000
  dossiers in about 0.55 s instead of 0.9 s (bench/README.md);
* the count runs in one read transaction (one snapshot), in up to ``SLICES`` chunks of keys,
  reporting ``progress(done, total)`` after each; ``cancelled()`` is asked between chunks and
  every few thousand SQLite steps inside one: when it answers True, :class:`ReportCancelled`
  is raised and nothing is returned. Reads only (the keys go to a temporary table of the
  connection, dropped at the end).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from counter_app.domain.fees import FeeTotals
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.statistics import Counts, ReportCancelled
from counter_app.storage import projection
from counter_app.storage.db import Database

INDEX = "dossiers_report_keys"
NOT_COUNTED = ("guided", "refused", "online_submitted")  # never received: no figures
WITHDRAWN = ("withdrawn", "stopped")  # finished without a result: on time (§5.2)
SLICES = 8  # chunks of procedure keys: progress and cancel points
PROGRESS_STEPS = 20_000  # SQLite VM steps between two cancel checks inside one slice

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def vn_day(moment: datetime | None) -> str | None:
    """The Vietnam calendar date of ``moment`` as 'YYYY-MM-DD' (a naive datetime is taken as
    Vietnam time, as ``domain.statistics.vn_date`` does); None for None."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return moment.date().isoformat()


def vn_day_sql(column: str) -> str:
    """SQL giving :func:`vn_day` of an ISO text column (offset or 'Z' suffix: shifted to
    UTC+7; no suffix: taken as it is)."""
    return (
        f"date({column}, CASE WHEN {column} GLOB '*[+-][0-9][0-9]:[0-9][0-9]' "
        f"OR {column} GLOB '*Z' THEN '+7 hours' ELSE '+0 hours' END)"
    )


@dataclass(frozen=True, slots=True)
class ProcedureCounts:
    """The figures of one procedure of one field, and its paper dossiers' digitisation."""

    field: str
    code: str
    counts: Counts
    paper_received: int  # received in the period on paper (counter or post)
    digitised: int  # of those, with every required component digitised
    fees: FeeTotals  # of the dossiers received in the period (domain.fees)


_NOT_COUNTED = ", ".join(f"'{s}'" for s in NOT_COUNTED)
_WITHDRAWN = ", ".join(f"'{s}'" for s in WITHDRAWN)
_ONLINE = int(Channel.ONLINE)
PACK_BITS = 21  # a packed sum holds three counts of up to 2**21 - 1 (2,097,151) each
_PACK_LIMIT = (1 << PACK_BITS) - 1

# The rules as exclusive SQL conditions, :s start and :e end (ISO dates). A group of them is
# summed in one packed sum (each count in its own 21 bits; the per-row work is one CASE instead
# of one sum per count), or, for a group too big to pack, one plain sum per condition.
_RECEIVED = (  # carried over, received online, received direct or by post
    "received_day < :s",
    f"channel = {_ONLINE}",
    "1",
)
_DONE_OUTCOME = (  # finished by the end: on time (withdrawn, stopped, no due date), early, late
    f"status IN ({_WITHDRAWN}) OR stats_due_day IS NULL OR finished_day = stats_due_day",
    "finished_day < stats_due_day",
    "1",
)
# A stopped dossier's outcome (in its row's JSON) tells a stop (Mẫu 05) from a closure after an
# unanswered supplement request; read by rowid for the stopped ones only (few), so the
# report's index stays covering for every other row.
_EXPIRED = (
    "(SELECT json_extract(o.data, '$.outcome') = 'supplement_expired' FROM dossiers AS o"
    " WHERE o.rowid = d.rowid) IS 1"
)
_CLOSED = (  # withdrawn, stopped, closed after an unanswered supplement request
    "status = 'withdrawn'",
    f"status = 'stopped' AND NOT {_EXPIRED}",
    "status = 'stopped'",
)
_OPEN_OUTCOME = ("stats_due_day IS NULL OR stats_due_day >= :e", "1")  # in time, overdue
_DIGITISED = f"received_day >= :s AND channel IS NOT {_ONLINE} AND digitised"
# domain.fees' totals of the dossiers received in the period (the visited rows received
# before it add nothing; how many were received is the count less the carried over): the
# amounts due (not exempted), collected and outstanding (a NULL amount due adds nothing to a
# sum), then the exempted and unknown counts, exclusive, as one packed sum or two plain ones.
_EARLIER = "d.received_day < :s"
_AMOUNTS = (
    f"sum(CASE WHEN {_EARLIER} OR fee_exempt THEN 0 ELSE fee_due END)",
    f"sum(CASE WHEN {_EARLIER} THEN 0 ELSE fee_collected END)",
    f"sum(CASE WHEN {_EARLIER} OR fee_exempt OR fee_due <= fee_collected THEN 0"
    " ELSE fee_due - fee_collected END)",
)
_EXEMPT_UNKNOWN = (_EARLIER, "fee_exempt", "fee_due IS NULL AND fee_collected = 0")
_PLAIN_EXEMPT_UNKNOWN = (
    f"sum(NOT {_EARLIER} AND fee_exempt)",
    f"sum(NOT {_EARLIER} AND NOT fee_exempt AND fee_due IS NULL AND fee_collected = 0)",
)


def _fee_sql(*, packed: bool) -> str:
    """The fee sums: the amounts, then (exempt, unknown) packed, or each in its own sum."""
    if packed:
        return ", ".join((*_AMOUNTS, _sums((_EXEMPT_UNKNOWN,), packed=True)))
    return ", ".join((*_AMOUNTS, *_PLAIN_EXEMPT_UNKNOWN))


def _fees(count: int, carried: int, values: list[int | None], *, packed: bool) -> list[int]:
    """FeeTotals' fields from a visit's count, carried-over count and :func:`_fee_sql`."""
    due, collected, owed, *rest = (v or 0 for v in values)
    if packed:
        _, exempt, unknown = _unpack(rest, (_EXEMPT_UNKNOWN,), packed=True)
    else:
        exempt, unknown = rest
    return [count - carried, due, collected, owed, exempt, unknown]


def _sums(groups: tuple[tuple[str, ...], ...], *, packed: bool) -> str:
    """SQL of the sums of ``groups`` (each a tuple of exclusive conditions, tried in order)."""
    out = []
    for group in groups:
        if packed:
            cases = " ".join(
                f"WHEN {cond} THEN {1 << (PACK_BITS * i)}" for i, cond in enumerate(group)
            )
            out.append(f"sum(CASE {cases} ELSE 0 END)")
        else:
            for i, cond in enumerate(group):
                earlier = " OR ".join(f"({c})" for c in group[:i])
                out.append(f"sum(({cond}) AND NOT ({earlier}))" if earlier else f"sum({cond})")
    return ", ".join(out)


def _unpack(
    values: Sequence[int | None], groups: tuple[tuple[str, ...], ...], *, packed: bool
) -> list[int]:
    """The counts of ``_sums``' columns, one per condition, in order."""
    out: list[int] = []
    it = iter(values)
    for group in groups:
        if packed:
            value = next(it) or 0
            out.extend((value >> (PACK_BITS * i)) & _PACK_LIMIT for i in range(len(group)))
        else:
            out.extend(next(it) or 0 for _ in group)
    return out


# Three kinds of visit, each an index range per procedure: the open dossiers, those finished in
# the period (from its first day to its last), those finished after it (open at its end).
_KINDS = (
    ("d.finished_day IS NULL", (_RECEIVED, _OPEN_OUTCOME), False),
    ("d.finished_day >= :s AND d.finished_day <= :e", (_RECEIVED, _DONE_OUTCOME, _CLOSED), True),
    ("d.finished_day > :e", (_RECEIVED, _OPEN_OUTCOME), False),
)
# The dossiers of each procedure key (a temporary table in the keys' order, so the groups come
# out of the join in order and SQLite never sorts the rows).
_VISIT = (
    "SELECT k.n, count(*), {sums}, sum({digitised}), {fees}"
    f" FROM temp.report_keys AS k CROSS JOIN dossiers AS d INDEXED BY {INDEX}"
    " WHERE d.procedure_field IS k.field AND d.procedure_code IS k.code AND {where}"
    " AND k.n >= :lo AND k.n < :hi"
    f" AND d.received_day <= :e AND d.status NOT IN ({_NOT_COUNTED})"
    " GROUP BY k.n"
)


def _visit_sql(where: str, groups: tuple[tuple[str, ...], ...], *, packed: bool) -> str:
    return _VISIT.format(
        sums=_sums(groups, packed=packed),
        digitised=_DIGITISED,
        fees=_fee_sql(packed=packed),
        where=where,
    )


# Dossiers received in the period but finished before it began (their finishing instant comes
# before their reception: a clock behind): not counted by Biểu 06, counted by the fee sums.
EARLY_INDEX = "dossiers_finished_first"
EARLY_WHERE = "finished_day < received_day"
_EARLY_FEES = (
    f"SELECT procedure_field, procedure_code, count(*), {_fee_sql(packed=False)} FROM dossiers AS d"
    f" INDEXED BY {EARLY_INDEX} WHERE {EARLY_WHERE} AND d.received_day >= :s"
    f" AND d.received_day <= :e AND d.finished_day < :s AND d.status NOT IN ({_NOT_COUNTED})"
    " GROUP BY procedure_field, procedure_code"
)


def procedure_keys(conn: sqlite3.Connection) -> list[tuple[str | None, str | None]]:
    """Every (field, procedure code) of the dossiers, in the order of the report's index
    (keyed by them first; NULL first): a loose index scan, one seek per key, whatever the
    number of dossiers."""
    first = f"SELECT procedure_field, procedure_code FROM dossiers INDEXED BY {INDEX}"
    order = " ORDER BY procedure_field, procedure_code LIMIT 1"
    row = conn.execute(first + order).fetchone()
    keys: list[tuple[str | None, str | None]] = []
    while row is not None:
        keys.append((row[0], row[1]))
        field, code = row
        same = " procedure_field IS ? AND procedure_code " + (
            "IS NOT NULL" if code is None else "> ?"
        )
        args = (field,) if code is None else (field, code)
        row = conn.execute(f"{first} WHERE{same}{order}", args).fetchone()
        if row is None:
            later = "IS NOT NULL" if field is None else "> ?"
            row = conn.execute(
                f"{first} WHERE procedure_field {later}{order}", () if field is None else (field,)
            ).fetchone()
    return keys


def period_counts(
    db: Database,
    *,
    start: date,
    end: date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[ProcedureCounts]:
    """The period's figures and fee sums per (field, procedure), unordered; see the module
    docstring.

    A dossier counts when received by ``end`` and not finished before ``start`` (Vietnam
    dates), never-received ones (guided, refused at the counter, online not yet received)
    excluded; its fees count when it was received in the period. Raises
    :class:`ReportCancelled` when ``cancelled()`` says so.
    """
    conn = db.conn
    params = {"s": start.isoformat(), "e": end.isoformat()}

    def check() -> int:
        return 1 if cancelled is not None and cancelled() else 0

    snapshot = not conn.in_transaction
    if snapshot:
        conn.execute("BEGIN")
    conn.set_progress_handler(check, PROGRESS_STEPS)
    helper: sqlite3.Connection | None = None
    try:
        helper = _helper(db, conn) if snapshot else None  # before conn's first read
        keys = procedure_keys(conn)
        _key_table(conn, keys)
        if helper is not None:
            _key_table(helper, keys)
            helper.set_progress_handler(check, PROGRESS_STEPS)
        slices = SLICES * (2 if helper is not None else 1)
        span = max(1, -(-len(keys) // slices))
        chunks = [(lo, lo + span) for lo in range(0, len(keys), span)]
        tally = _count_chunks(conn, helper, chunks, params, check, progress)
        if not chunks and progress is not None:
            progress(1, 1)
        number = {key: n for n, key in enumerate(keys)}
        for field, code, count, *fees in conn.execute(_EARLY_FEES, params):
            found = tally.setdefault(number[(field, code)], [0] * _SLOT_COUNT)
            for slot, value in enumerate(_fees(count, 0, fees, packed=False), _FEE_SLOT):
                found[slot] += value
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise ReportCancelled from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)
        conn.execute("DROP TABLE IF EXISTS temp.report_keys")
        if snapshot:
            conn.execute("COMMIT")
        if helper is not None:
            helper.close()
    return [
        _procedure_counts(keys[n][0] or "", keys[n][1] or "", sums) for n, sums in tally.items()
    ]


# A station this big (dossier rows) is counted on two connections at once, when the machine has
# two cores or more: SQLite steps without Python's lock, so the two halves run side by side.
PARALLEL_MIN_ROWS = 200_000
LOCK_WAIT_S = 0.05  # a long write under way (an import): count on one connection, not wait


def _key_table(conn: sqlite3.Connection, keys: list[tuple[str | None, str | None]]) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.report_keys")
    conn.execute("CREATE TEMP TABLE report_keys (n INTEGER PRIMARY KEY, field TEXT, code TEXT)")
    conn.executemany("INSERT INTO temp.report_keys (n, field, code) VALUES (?, ?, ?)",
                     ((n, f, c) for n, (f, c) in enumerate(keys)))  # fmt: skip


def _helper(db: Database, conn: sqlite3.Connection) -> sqlite3.Connection | None:
    """A second, read-only connection reading the same snapshot as ``conn``, whose read
    transaction has begun but not read yet; None for a small station, one core or a database
    in memory (the count then runs on ``conn`` alone).

    The two snapshots are one: a third connection holds the write lock (waiting briefly for
    a save under way) while both take their snapshot, so no commit can fall between them; the
    lock is let go at once (about a millisecond)."""
    if db.path is None or (os.cpu_count() or 1) < 2:
        return None
    lock = sqlite3.connect(str(db.path), isolation_level=None, timeout=LOCK_WAIT_S)
    helper: sqlite3.Connection | None = None
    try:
        projection.attach(lock, db.path)  # its BEGIN IMMEDIATE locks both files
        (rows,) = lock.execute("SELECT max(rowid) FROM dossiers").fetchone()  # no lock yet
        if (rows or 0) < PARALLEL_MIN_ROWS:  # a small station: no writer held up at all
            return None
        lock.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT max(rowid) FROM dossiers").fetchone()  # conn's snapshot
        helper = sqlite3.connect(
            f"{db.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
            check_same_thread=False,
        )  # fmt: skip
        projection.attach(helper, db.path, read_only=True)
        helper.execute("BEGIN")
        helper.execute("SELECT max(rowid) FROM dossiers").fetchone()  # the helper's: the same
        return helper
    except sqlite3.Error:  # busy, or no second connection: one connection counts it all
        if helper is not None:
            helper.close()
        return None
    finally:
        if lock.in_transaction:
            lock.execute("ROLLBACK")
        lock.close()


def _count_chunks(
    conn: sqlite3.Connection,
    helper: sqlite3.Connection | None,
    chunks: list[tuple[int, int]],
    params: dict[str, str],
    check: Callable[[], int],
    progress: Progress | None,
) -> dict[int, list[int]]:
    """Visit every chunk of keys, on ``conn`` alone or on ``conn`` and ``helper`` at once (each
    takes the next chunk left; progress is reported from the calling thread only)."""
    pending = list(reversed(chunks))
    lock = threading.Lock()
    done = [0]

    def work(on: sqlite3.Connection, tally: dict[int, list[int]], report: bool) -> None:
        while True:
            if check():
                raise ReportCancelled
            with lock:
                if not pending:
                    return
                lo, hi = pending.pop()
            for where, groups, finished in _KINDS:
                _visit(on, tally, where, groups, finished, {**params, "lo": lo, "hi": hi})
            with lock:
                done[0] += 1
                finished_now = done[0]
            if report and progress is not None:
                progress(finished_now, len(chunks))

    tally: dict[int, list[int]] = {}
    if helper is None:
        work(conn, tally, True)
        return tally
    other: dict[int, list[int]] = {}
    failure: list[BaseException] = []

    def run_helper() -> None:
        try:
            work(helper, other, False)
        except BaseException as exc:  # re-raised on the calling thread
            failure.append(exc)

    thread = threading.Thread(target=run_helper, name="report-helper", daemon=True)
    thread.start()
    try:
        work(conn, tally, True)
    finally:
        thread.join()
    if failure:
        raise failure[0]
    if progress is not None:  # the helper may have ended the last chunk
        progress(len(chunks), len(chunks))
    for n, sums in other.items():
        found = tally.setdefault(n, [0] * _SLOT_COUNT)
        for slot, value in enumerate(sums):
            found[slot] += value
    return tally


# tally columns: carried, online, direct, early, on_time, late, in_time, overdue, digitised,
# withdrawn, stopped, expired, then the fee sums (FeeTotals' order)
_SLOTS = {False: (0, 1, 2, 6, 7), True: (0, 1, 2, 4, 3, 5, 9, 10, 11)}
_FEE_SLOT = 12
_SLOT_COUNT = _FEE_SLOT + len(fields(FeeTotals))


def _visit(
    conn: sqlite3.Connection,
    tally: dict[int, list[int]],
    where: str,
    groups: tuple[tuple[str, ...], ...],
    finished: bool,
    values: dict[str, object],
) -> None:
    rows = conn.execute(_visit_sql(where, groups, packed=True), values).fetchall()
    if any(count > _PACK_LIMIT for _, count, *_ in rows):  # a count would not fit: plain sums
        rows = conn.execute(_visit_sql(where, groups, packed=False), values).fetchall()
        packed = False
    else:
        packed = True
    fee_columns = len(_AMOUNTS) + (1 if packed else 2)
    for n, count, *sums in rows:
        counts = _unpack(sums[: -1 - fee_columns], groups, packed=packed)
        found = tally.setdefault(n, [0] * _SLOT_COUNT)
        for slot, value in zip(_SLOTS[finished], counts, strict=True):
            found[slot] += value
        found[8] += sums[-1 - fee_columns] or 0
        fees = _fees(count, counts[0], sums[-fee_columns:], packed=packed)  # counts[0]: carried
        for slot, value in enumerate(fees, _FEE_SLOT):
            found[slot] += value


def _procedure_counts(field: str, code: str, sums: list[int]) -> ProcedureCounts:
    carried, online, direct, early, on_time, late, in_time, overdue, digitised, *rest = sums
    withdrawn, stopped, expired = rest[:3]
    counts = Counts(
        received_total=carried + online + direct,
        received_online=online,
        received_direct_postal=direct,
        carried_over=carried,
        resolved_total=early + on_time + late,
        early=early,
        on_time=on_time,
        late=late,
        in_progress_total=in_time + overdue,
        in_time=in_time,
        overdue=overdue,
        withdrawn=withdrawn,
        stopped=stopped,
        supplement_expired=expired,
    )
    fees = FeeTotals(*rest[3:])
    return ProcedureCounts(field, code, counts, direct, digitised, fees)


def procedure_names(db: Database, codes: list[str], *, end: date) -> dict[str, str]:
    """The name each procedure code had on its latest dossier received by ``end`` (one index
    seek per code: the dossiers are listed by procedure and reception)."""
    names: dict[str, str] = {}
    for code in codes:
        row = db.conn.execute(
            "SELECT procedure_name FROM dossiers WHERE procedure_code = ? AND received_day <= ?"
            " ORDER BY procedure_code DESC, received_at DESC LIMIT 1",
            (code, end.isoformat()),
        ).fetchone()
        names[code] = (row[0] if row else None) or ""
    return names
