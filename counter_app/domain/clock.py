"""Time is injected: services ask a Clock, never ``datetime.now()`` directly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from counter_app.domain.models import VN_TZ


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in Vietnam time."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(VN_TZ)


class FixedClock:
    """A clock that stays where it is put (tests, entering paper dossiers afterwards)."""

    def __init__(self, at: datetime) -> None:
        self.at = at.astimezone(VN_TZ)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)
