"""Fees at the counter for the window and the command line (issue 13, item 7).

The rules are :mod:`counter_app.domain.fees`; the rule set is the one in force at reception
(a later record keeps the dossier's own). Nothing here writes: a reception stores its fee in
its received event (services/intake.py), a later record is ``Action.FEE``
(services/actions.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from counter_app.domain.fees import FeePayment, amount_due, check_payment, exemptions_on
from counter_app.domain.models import VN_TZ
from counter_app.domain.rules import FeeExemption
from counter_app.reference.rules import shipped_rule_book
from counter_app.services.station import StationContext


def proposed_due(ctx: StationContext, procedure_code: str, channel: int) -> int | None:
    """The catalogue's amount for the channel (None: unknown, the officer types it)."""
    procedure = ctx.store.reference.procedure(procedure_code)
    return amount_due(procedure.fee_text, channel) if procedure is not None else None


def exemption_choices(
    ctx: StationContext, *, procedure_code: str, channel: int, at: datetime | None = None
) -> list[FeeExemption]:
    """The exemptions of the rule set in force at ``at`` (now) that may apply."""
    when = (at or ctx.clock.now()).astimezone(VN_TZ)
    rules = shipped_rule_book().for_reception(when)
    keys = exemptions_on(rules, when.date(), channel, procedure_code)
    return [e for e in rules.fee_exemptions if e.key in keys]


def check_reception_fee(
    ctx: StationContext,
    raw: dict[str, Any],
    *,
    procedure_code: str,
    channel: int,
    at: datetime | None = None,
) -> FeePayment:
    """What the form's fee dialog typed, validated as the reception will (no writing)."""
    when = (at or ctx.clock.now()).astimezone(VN_TZ)
    return check_payment(
        raw,
        rules=shipped_rule_book().for_reception(when),
        received_on=when.date(),
        channel=channel,
        procedure_code=procedure_code,
    )
