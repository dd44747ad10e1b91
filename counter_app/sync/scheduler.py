"""When to sync next, and how healthy sync is (DESIGN §7: retries, health shown in the UI).

No Qt here: the window asks :class:`SyncScheduler` for a :class:`SyncPlan` after every attempt
and arms a timer with it; :func:`sync_health` reads what the status bar shows.

Guarantees:

- healthy (no attempt yet, or the last one fully succeeded): the next attempt is due
  ``interval`` seconds after the last one finished (one minute by default);
- after ``n`` failed attempts in a row the delay is ``next_delay(n - 1)`` (exponential, capped,
  with jitter), so stations that lost the link together do not come back together;
- "sync now" (:meth:`SyncScheduler.request_now`) makes an attempt due at once and restarts the
  back-off: failures before it no longer count;
- a server that answered "busy, retry after N seconds" (429 + ``Retry-After``, logged as
  ``retry_after=N`` in the attempt's error) is not asked again sooner than N seconds after
  that attempt, plus up to 10 % jitter, whatever the back-off says (the officer's "sync now"
  still goes at once: one request, and rare).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from counter_app.domain.errors import ErrorCode
from counter_app.storage.station_secrets import station_token
from counter_app.storage.sync_repository import SyncAttempt
from counter_app.sync.attachments import attachments_waiting
from counter_app.sync.engine import SYNC_KEY, next_delay

if TYPE_CHECKING:  # the services layer calls sync, never the reverse at run time
    from counter_app.services.station import StationContext

HEALTHY_INTERVAL_S = 60.0
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 900.0
CLOCK_SKEW_LIMIT = timedelta(minutes=5)
OK_STATUS = "ok"
_HISTORY = 50
_RETRY_AFTER_RE = re.compile(r"\bretry_after=(\d+)")


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """The next attempt: in ``delay_s`` seconds; ``failures`` failed attempts in a row."""

    delay_s: float
    failures: int

    @property
    def backing_off(self) -> bool:
        return self.failures > 0


class SyncScheduler:
    """The retry policy of one station (state: only the moment of the last "sync now")."""

    def __init__(
        self,
        *,
        interval_s: float = HEALTHY_INTERVAL_S,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_cap_s: float = BACKOFF_CAP_S,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.interval_s = interval_s
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.rng = rng
        self.reset_at: datetime | None = None

    def request_now(self, now: datetime) -> SyncPlan:
        """The officer asked to sync now: due at once, back-off restarted."""
        self.reset_at = now
        return SyncPlan(0.0, 0)

    def busy_wait(self, attempts: Sequence[SyncAttempt], now: datetime) -> float:
        """Seconds still to wait because the server asked for it at the last attempt
        (``Retry-After`` + up to 10 % jitter), 0 when it did not."""
        if not attempts or not attempts[0].error:
            return 0.0
        match = _RETRY_AFTER_RE.search(attempts[0].error)
        if match is None:
            return 0.0
        wait = int(match[1]) * (1.0 + 0.1 * self.rng())
        elapsed = (now - attempts[0].finished_at).total_seconds()
        return max(0.0, wait - max(0.0, elapsed))

    def failures(self, attempts: Sequence[SyncAttempt]) -> int:
        """Failed attempts in a row, newest first, not counting those before "sync now"."""
        count = 0
        for attempt in attempts:
            if self.reset_at is not None and attempt.started_at < self.reset_at:
                break
            if attempt.status == OK_STATUS:
                break
            count += 1
        return count

    def plan(self, attempts: Sequence[SyncAttempt], now: datetime) -> SyncPlan:
        """When the next attempt is due, given the attempts (newest first) and the time now.

        The jitter is drawn here, so call it once per attempt and keep the plan.
        """
        if not attempts:
            return SyncPlan(0.0, 0)
        failures = self.failures(attempts)
        if failures:
            wait = next_delay(
                failures - 1, base=self.backoff_base_s, cap=self.backoff_cap_s, rng=self.rng
            )
        else:
            wait = self.interval_s
        elapsed = (now - attempts[0].finished_at).total_seconds()
        delay = max(0.0, wait - max(0.0, elapsed), self.busy_wait(attempts, now))
        return SyncPlan(delay, failures)


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """A refused event as the officer sees it: which dossier, which action, why."""

    dossier_code: str | None
    event_kind: str
    reason: str
    rejected_at: datetime


@dataclass(frozen=True, slots=True)
class SyncHealth:
    """What the status bar shows about sync (read on the station's own connection)."""

    enrolled: bool
    last_attempt: SyncAttempt | None
    last_success: datetime | None
    waiting: int
    oldest_waiting_age: timedelta | None
    rejected: tuple[RejectedItem, ...]
    last_error: ErrorCode | None
    clock_skew: timedelta | None
    attachments_waiting: int = 0  # local scans and signed files not yet uploaded (issue 6)
    conflicts: int = 0  # dossiers with events set aside (issue 17, ``counter-app conflicts``)

    @property
    def last_ok(self) -> bool:
        return self.last_attempt is not None and self.last_attempt.status == OK_STATUS

    @property
    def clock_off(self) -> bool:
        """The station clock differed from the server's by more than the limit at last sync."""
        return self.clock_skew is not None and abs(self.clock_skew) > CLOCK_SKEW_LIMIT


def error_code_of(text: str | None) -> ErrorCode | None:
    """The first error code written in a sync_log ``error`` (None: none, or unexpected)."""
    if not text:
        return None
    head = text.split(";", 1)[0].strip().split(" ", 1)[0]
    try:
        return ErrorCode(head)
    except ValueError:
        return None


def _skew(attempts: Sequence[SyncAttempt]) -> timedelta | None:
    for attempt in attempts:
        if attempt.server_time is not None:
            return attempt.server_time - attempt.finished_at
    return None


def is_enrolled(ctx: StationContext) -> bool:
    """True when the station holds a server URL and a token (in its secret store)."""
    value = ctx.store.config.get(SYNC_KEY)
    if not isinstance(value, dict) or not value.get("url"):
        return False
    return station_token(ctx.store.data_dir) is not None


def sync_health(ctx: StationContext, now: datetime) -> SyncHealth:
    """Last success, queue length and age of its oldest event, refused events with their
    reasons and dossier codes, the last error code, the clock skew measured at the last
    attempt that reached the server (server time minus station time) and the scans still to
    upload."""
    store = ctx.store
    attempts = store.sync.attempts(limit=_HISTORY)
    oldest = store.sync.oldest_waiting()
    rejected = []
    for refused in store.sync.rejected():
        dossier = store.dossiers.by_uuid(refused.event.dossier_uuid)
        rejected.append(
            RejectedItem(
                dossier_code=dossier.code if dossier else None,
                event_kind=refused.event.kind,
                reason=refused.reason,
                rejected_at=refused.rejected_at,
            )
        )
    last = attempts[0] if attempts else None
    return SyncHealth(
        enrolled=is_enrolled(ctx),
        last_attempt=last,
        last_success=store.sync.last_success(),
        waiting=store.sync.waiting(),
        oldest_waiting_age=max(timedelta(0), now - oldest) if oldest else None,
        rejected=tuple(rejected),
        last_error=error_code_of(last.error) if last and last.status != OK_STATUS else None,
        clock_skew=_skew(attempts),
        attachments_waiting=attachments_waiting(ctx),
        conflicts=store.sync.conflict_count(),
    )
