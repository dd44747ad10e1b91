"""What the window says of the station's history chain (storage/chain.py): checked at open."""

from __future__ import annotations

from counter_app.services.station import StationContext
from counter_app.texts import integrity as texts


def history_warning(ctx: StationContext) -> str | None:
    """The sentence for a history found rewritten when the station opened (None: intact).

    The desk keeps working (citizens are not turned away); ``counter-app check`` refuses."""
    breaks = ctx.store.open_breaks
    return texts.history_rewritten(breaks) if breaks else None
