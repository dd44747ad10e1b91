"""The channel and identity options of ``receive`` (issue 13, item 6), and the estimated days
of ``due`` (item 5).

``--filed-via kiosk|vneid`` an online filing at the smart kiosk or in VNeID (the national
channel becomes 2), ``--identity card_seen|qr|chip|vneid`` how the identity was checked,
``--data-source national_db|papers`` whether the data came from the national databases or
from papers because they could not be reached (Decree 309 Art. 4.2a).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from counter_app.domain.calendar import CalendarDay
from counter_app.domain.dossier import Dossier
from counter_app.domain.models import ChannelDetail, DataSource, IdentityCheck
from counter_app.texts import identity as ti


def add_identity_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--filed-via", choices=[c.value for c in ChannelDetail], help=ti.CLI_FILED_VIA)
    p.add_argument("--identity", choices=[c.value for c in IdentityCheck], help=ti.CLI_IDENTITY)
    p.add_argument("--data-source", choices=[c.value for c in DataSource], help=ti.CLI_DATA_SOURCE)


def identity_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The ReceptionRequest's identity fields from the options ("" when not given)."""
    return {
        "channel_detail": args.filed_via or "",
        "identity_check": args.identity or "",
        "data_source": args.data_source or "",
    }


def identity_summary(dossier: Dossier) -> dict[str, Any]:
    return {
        "channel": int(dossier.channel),
        "filed_via": dossier.channel_detail or None,
        "identity_check": dossier.identity_check or None,
        "data_source": dossier.data_source or None,
        "qr_extra": list(dossier.applicant.qr_extra),
    }


def estimated_days(days: Sequence[CalendarDay]) -> list[dict[str, Any]]:
    """The estimated days a period crosses, for ``due``'s answer."""
    return [
        {"date": d.day.isoformat(), "kind": d.kind.value, "name": d.name, "source": d.source}
        for d in days
    ]
