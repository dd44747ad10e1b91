"""What the window works with once an officer has logged in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from counter_app.domain.models import Officer, Role
from counter_app.printing.printer import Printer
from counter_app.services.station import StationContext
from counter_app.ui.events import AppEvents


@dataclass
class Session:
    """The station, the logged-in officer, the printer factory and the event hub.

    ``make_printer(name)`` builds the printer for the configured queue name; the composition
    root passes ``QtPrinter``, tests pass a folder printer or a failing one.
    """

    ctx: StationContext
    officer: Officer
    make_printer: Callable[[str | None], Printer]
    events: AppEvents = field(default_factory=AppEvents)

    @property
    def username(self) -> str:
        return self.officer.username

    @property
    def is_admin(self) -> bool:
        return self.officer.role is Role.ADMIN

    def printer(self) -> Printer:
        """The printer of the current settings (re-read, so a settings change applies now)."""
        return self.make_printer(self.ctx.setting("printer", "") or None)
