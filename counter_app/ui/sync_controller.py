"""Background sync of the window (DESIGN §1 item 7, §7): a timer, one worker at a time.

The controller owns no widget. It arms a single-shot timer from the scheduler's plan, runs
``run_sync`` on the sync lane of ``ui/workers`` with the station opened on the worker's own
SQLite connection (sqlite objects belong to their thread), and after each attempt re-reads the
health on the GUI thread's connection and emits ``health_changed``. It never syncs a station
that is not enrolled, and never runs two attempts at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from counter_app.domain.clock import Clock
from counter_app.services.station import StationContext, opened_station
from counter_app.sync.client import HttpSyncClient, make_http
from counter_app.sync.engine import SyncReport, run_sync, sync_settings
from counter_app.sync.scheduler import SyncHealth, SyncScheduler, is_enrolled, sync_health
from counter_app.ui.workers import SYNC_LANE, run_in_background

log = logging.getLogger(__name__)
FIRST_SYNC_DELAY_MS = 3_000
REQUEST_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class SyncJob:
    """What the worker thread runs: plain data in, a ``SyncReport`` out (no widget, no Qt)."""

    data_dir: Path
    mirror_dir: Path
    clock: Clock
    timeout_s: float = REQUEST_TIMEOUT_S

    def __call__(self) -> SyncReport:
        # The station on this thread's own connection, closed when the attempt ends.
        with opened_station(self.data_dir, mirror_dir=self.mirror_dir, clock=self.clock) as ctx:
            settings = sync_settings(ctx)
            with make_http(timeout=self.timeout_s) as http:
                return run_sync(ctx, HttpSyncClient(settings["url"], settings["token"], http))


class SyncController(QObject):
    """Periodic and on-demand sync of the session's station; see the module docstring."""

    health_changed = Signal(object)  # SyncHealth
    sync_started = Signal()
    sync_finished = Signal(object)  # SyncReport, or the exception of a failed worker

    def __init__(
        self,
        ctx: StationContext,
        parent: QObject | None = None,
        *,
        scheduler: SyncScheduler | None = None,
        first_delay_ms: int = FIRST_SYNC_DELAY_MS,
        timeout_s: float = REQUEST_TIMEOUT_S,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scheduler = scheduler or SyncScheduler()
        self.first_delay_ms = first_delay_ms
        self.timeout_s = timeout_s
        self.running = False
        self.again = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.health: SyncHealth = sync_health(ctx, ctx.clock.now())

    # --- control ------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin periodic sync (the first attempt a few seconds after the window opens)."""
        self._arm(self.first_delay_ms if self.enrolled() else self._interval_ms())

    def stop(self) -> None:
        self.timer.stop()

    def enrolled(self) -> bool:
        return is_enrolled(self.ctx)

    def sync_now(self) -> bool:
        """Sync at once and restart the back-off; False when the station is not enrolled.

        While an attempt runs, another one follows right after it (changes made meanwhile
        leave without waiting a minute).
        """
        if not self.enrolled():
            self.refresh()
            return False
        self.scheduler.request_now(self.ctx.clock.now())
        if self.running:
            self.again = True
        else:
            self._launch()
        return True

    def retry_in(self) -> timedelta | None:
        """Time left before the next planned attempt (None: none planned, or running)."""
        if self.running or not self.timer.isActive():
            return None
        return timedelta(milliseconds=max(0, self.timer.remainingTime()))

    def refresh(self) -> SyncHealth:
        """Re-read the health on the GUI thread's connection (quick queries) and announce it."""
        self.health = sync_health(self.ctx, self.ctx.clock.now())
        self.health_changed.emit(self.health)
        return self.health

    # --- plumbing -----------------------------------------------------------------------------

    def _interval_ms(self) -> int:
        return round(self.scheduler.interval_s * 1000)

    def _arm(self, delay_ms: float) -> None:
        self.timer.start(max(0, round(delay_ms)))

    def _on_timer_timeout(self) -> None:
        if self.running:
            return
        if not self.enrolled():
            self.refresh()
            self._arm(self._interval_ms())  # enrolment may happen while the window is open
            return
        self._launch()

    def _launch(self) -> None:
        self.timer.stop()
        self.running = True
        job = SyncJob(
            self.ctx.store.data_dir, self.ctx.store.mirror_dir, self.ctx.clock, self.timeout_s
        )
        self.sync_started.emit()
        self.health_changed.emit(self.health)
        run_in_background(
            job, on_success=self._on_job_done, on_error=self._on_job_done, lane=SYNC_LANE
        )

    def _on_job_done(self, outcome: object) -> None:
        self.running = False
        if isinstance(outcome, BaseException):
            log.error("sync worker failed", exc_info=(type(outcome), outcome, None))
        health = self.refresh()
        attempts = self.ctx.store.sync.attempts(limit=50)
        plan = self.scheduler.plan(attempts, self.ctx.clock.now())
        delay_ms = plan.delay_s * 1000
        if isinstance(outcome, BaseException) and not plan.backing_off:
            delay_ms = self._interval_ms()  # the worker failed before logging: do not spin
        self.sync_finished.emit(outcome)
        if self.again and health.enrolled:
            self.again = False
            self._launch()
            return
        self._arm(delay_ms)
        self.health_changed.emit(health)  # now with the planned retry
