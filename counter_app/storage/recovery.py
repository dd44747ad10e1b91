"""Dossier numbering after a loss: never mint a code the station may already have printed.

The reservation ledger (ledger.py) keeps a restored database from reusing numbers while the
ledger or its mirror survives. When both are gone (one disk), or after any restore of a
backup, the station cannot know its last codes: codes minted after the backup, perhaps never
sent to the province, may be lost with the disk. So (issue 12):

- :func:`require_recovery` (called by every restore, by the open when the ledger and its
  mirror are both gone while the database has counters, and by ``new-database`` without a
  ledger) sets config ``code_recovery`` to *pending*; while pending, :func:`mint_counter`
  refuses (CODES_RECOVERY_PENDING) and nothing is written;
- the way on is a sync that brought the station's high-water marks from the server
  (:func:`apply_marks` then :func:`end_pending` with ``via="server"``), or the officer's
  confirmation of working offline (``via="offline"``);
- from then on, codes of that day and of every earlier day come from a *recovery block*:
  counter ``90_000_000 + block * 1000 + n`` where ``block`` is the hour and minute of the
  recovery (HHMM; later than any block the ledger still remembers for that day) and ``n``
  1..999 (``…-261122-15091405001``). Normal numbering stays below 90,000,000 (refused past it:
  CODE_COUNTER_EXHAUSTED), so a recovery code can never be one minted before the loss; codes
  of the next days are numbered normally, above the server's marks.

The marks also raise the normal counters at enrolment and at every pull (the server knows the
station's highest counter per deciding agency and day); a mark above the local counter means
the database is behind what it once minted, which starts a recovery block too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from counter_app.domain.codes import recovery_counter
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.storage.db import Database
from counter_app.storage.repositories import ConfigRepository, CounterRepository
from sync_protocol.codes import RECOVERY_BASE, RECOVERY_BLOCK, HighWater

if TYPE_CHECKING:
    import sqlite_utils

RECOVERY_KEY = "code_recovery"
RESTORE_SEEN_KEY = "code_recovery_restore"  # the last restore that started a recovery
PREFIXES_KEY = "code_prefixes"  # every prefix the station minted codes with before its own
NORMAL = "normal"
PENDING = "pending"
ACTIVE = "active"
REASONS = ("restore", "ledger_lost", "new_database")
_CODE = "code|"


def code_counter_name(agency_id: str, day: date) -> str:
    return f"{_CODE}{agency_id}|{day:%y%m%d}"


def recovery_state(config: ConfigRepository) -> dict[str, Any] | None:
    """The stored recovery state ({"state": "pending"|"active", ...}) or None."""
    value = config.get(RECOVERY_KEY)
    return value if isinstance(value, dict) else None


def is_pending(config: ConfigRepository) -> bool:
    state = recovery_state(config)
    return state is not None and state.get("state") == PENDING


def require_recovery(config: ConfigRepository, *, reason: str, at: datetime) -> None:
    """Hold back minting until a sync or the officer's confirmation (in the caller's
    transaction). ``reason``: restore, ledger_lost or new_database."""
    if reason not in REASONS:
        raise ValueError(f"unknown recovery reason {reason}")
    config.set(RECOVERY_KEY, {"state": PENDING, "reason": reason, "since": at.isoformat()})


def has_lost_ledger(config: ConfigRepository, counters: CounterRepository) -> bool:
    """The database has minted codes with this version (so the ledger existed) but neither
    the ledger nor its mirror holds a single reservation: both files are gone (a new disk, a
    wiped folder), the database alone cannot tell which codes were minted after it was last
    copied. A database of an older version that never minted since is not alarmed about."""
    if recovery_state(config) is None or counters.ledger.all_reserved():
        return False
    return any(name.startswith(_CODE) and value > 0 for name, value in counters.all().items())


def _next_block(config: ConfigRepository, counters: CounterRepository, now: datetime) -> int:
    """HHMM of ``now``, later than any block used on that day (state or ledger)."""
    local = now.astimezone(VN_TZ)
    block = local.hour * 100 + local.minute
    name = f"recovery|{local:%y%m%d}"
    used = counters.ledger.reserved(name)
    state = recovery_state(config) or {}
    if state.get("day") == local.date().isoformat() and isinstance(state.get("block"), int):
        used = max(used, state["block"])
    if used and block <= used:
        block = used + 1
    if block >= 10_000:
        raise DomainError(ErrorCode.CODE_COUNTER_EXHAUSTED, agency_id="")
    counters.ledger.merge({name: block})
    return block


def start_block(
    config: ConfigRepository, counters: CounterRepository, *, via: str, now: datetime
) -> int:
    """Start a recovery block now (in the caller's transaction); returns its HHMM number."""
    block = _next_block(config, counters, now)
    config.set(
        RECOVERY_KEY,
        {
            "state": ACTIVE,
            "via": via,
            "day": now.astimezone(VN_TZ).date().isoformat(),
            "block": block,
            "at": now.isoformat(),
        },
    )
    return block


def end_pending(
    config: ConfigRepository, counters: CounterRepository, *, via: str, now: datetime
) -> int | None:
    """Leave the pending state (``via``: server or offline); the new block, or None when
    nothing was pending."""
    if not is_pending(config):
        return None
    return start_block(config, counters, via=via, now=now)


def confirm_offline(config: ConfigRepository, counters: CounterRepository, *, now: datetime) -> int:
    """The officer confirms working offline: CODES_RECOVERY_NOT_PENDING when nothing waits."""
    block = end_pending(config, counters, via="offline", now=now)
    if block is None:
        raise DomainError(ErrorCode.CODES_RECOVERY_NOT_PENDING)
    return block


def apply_marks(
    config: ConfigRepository,
    counters: CounterRepository,
    marks: tuple[HighWater, ...],
    *,
    now: datetime,
    complete: bool,
) -> bool:
    """Raise the normal counters to the server's marks (in the caller's transaction).

    ``complete``: the marks are every mark of the station (enrolment, ``/stations/marks``),
    which ends a pending recovery. A mark above the local counter (the database is behind
    what the station once minted) starts a recovery block for that day and the days before,
    unless one is active for today already. True when a recovery block started now.
    """
    behind = False
    values: dict[str, int] = {}
    for mark in marks:
        if mark.high >= RECOVERY_BASE:
            continue
        name = code_counter_name(mark.agency_id, mark.day)
        values[name] = max(mark.high, values.get(name, 0))
        behind = behind or mark.high > counters.current(name)
    counters.raise_to(values)
    if complete and is_pending(config):
        end_pending(config, counters, via="server", now=now)
        return True
    state = recovery_state(config) or {}
    today = now.astimezone(VN_TZ).date().isoformat()
    if behind and state.get("state") != PENDING and state.get("day") != today:
        start_block(config, counters, via="server", now=now)
        return True
    return False


def mint_counter(
    config: ConfigRepository, counters: CounterRepository, *, agency_id: str, day: date
) -> int:
    """The counter of the next code of ``agency_id`` on ``day`` (inside the use case's
    transaction; reserved in the ledger before it commits).

    Refused while a recovery is pending (CODES_RECOVERY_PENDING, nothing written). During a
    recovery, codes of the recovery day and earlier come from its block.
    """
    state = recovery_state(config)
    if state is not None and state.get("state") == PENDING:
        raise DomainError(ErrorCode.CODES_RECOVERY_PENDING, reason=state.get("reason", ""))
    if state is not None and state.get("state") == ACTIVE and day.isoformat() <= state["day"]:
        block = int(state["block"])
        number = counters.next(f"{code_counter_name(agency_id, day)}|r{block:04d}")
        if number < RECOVERY_BLOCK:
            return recovery_counter(block, number)
        # A block holds 999 codes: the next one continues in a later block of the same day.
        state = {**state, "block": block + 1}
        config.set(RECOVERY_KEY, state)
        counters.ledger.merge({f"recovery|{date.fromisoformat(state['day']):%y%m%d}": block + 1})
        return mint_counter(config, counters, agency_id=agency_id, day=day)
    counter = counters.next(code_counter_name(agency_id, day))
    if counter >= RECOVERY_BASE:
        raise DomainError(ErrorCode.CODE_COUNTER_EXHAUSTED, agency_id=agency_id)
    if state is None:  # minted with the ledger from now on (has_lost_ledger may alarm)
        config.set(RECOVERY_KEY, {"state": NORMAL})
    return counter


def former_prefixes(config: ConfigRepository) -> list[str]:
    """The prefixes the station minted codes with before its current one (old first)."""
    value = config.get(PREFIXES_KEY, [])
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def remember_prefix(config: ConfigRepository, prefix: str) -> None:
    """Keep ``prefix`` among the former ones (in the caller's transaction)."""
    known = former_prefixes(config)
    if prefix not in known:
        config.set(PREFIXES_KEY, [*known, prefix])


def upgrade_prefixes(db: sqlite_utils.Database) -> None:
    """Counter migration m0017: the office's 2-digit prefix becomes its 3-digit form (``07``
    -> ``007``; the old demo ``00`` -> ``000``), the old one kept among the former prefixes
    (its codes stay the station's); restores made before this version start no recovery."""
    import json

    from counter_app.domain.codes import validate_station_prefix

    def get(key: str) -> Any:
        row = db.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(key: str, value: Any) -> None:
        db.execute(
            "INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)",
            (key, json.dumps(value, ensure_ascii=False)),
        )

    office = get("office")
    if isinstance(office, dict) and isinstance(office.get("station_prefix"), str):
        old = office["station_prefix"]
        try:
            new = validate_station_prefix(old)
        except DomainError:
            new = old
        if new != old:
            put("office", {**office, "station_prefix": new})
            if old != "00":
                put(PREFIXES_KEY, [old])
    restored = get("restored")
    if restored is not None:
        put(RESTORE_SEEN_KEY, restored)


def check_at_open(
    db: Database, config: ConfigRepository, counters: CounterRepository, *, now: datetime
) -> str | None:
    """At every open: a restore not yet seen, or a ledger and mirror both gone while the
    database has minted codes, holds minting back (:func:`require_recovery`, one
    transaction). Returns the reason, or None when nothing was found."""
    restored = config.get("restored")
    reason = None
    if restored is not None and config.get(RESTORE_SEEN_KEY) != restored:
        reason = "restore"
    elif not is_pending(config) and has_lost_ledger(config, counters):
        reason = "ledger_lost"
    if reason is None:
        return None
    with db.atomic():
        require_recovery(config, reason=reason, at=now)
        config.set(RESTORE_SEEN_KEY, restored)
    return reason
