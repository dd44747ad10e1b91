"""What every subcommand shares: opening the station, the acting officer, times, summaries."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from counter_app import paths, texts
from counter_app.app import open_station, setup_logging
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services.officers import require_officer
from counter_app.services.station import StationContext

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]


def parse_at(value: str) -> datetime:
    """An ISO date-time typed on the command line; without a zone it is Vietnam time."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=value) from None
    return parsed.replace(tzinfo=VN_TZ) if parsed.tzinfo is None else parsed.astimezone(VN_TZ)


def station(args: argparse.Namespace) -> StationContext:
    """The station of --data-dir (or its default), opened, migrated, seeded, with logging."""
    data_dir = paths.data_dir(getattr(args, "data_dir", None))
    setup_logging(data_dir)
    return open_station(data_dir)


def officer(ctx: StationContext, args: argparse.Namespace) -> str:
    """--officer, else the station's default command-line officer; must be an active one."""
    username = getattr(args, "officer", None) or ctx.setting("cli_officer", "")
    return require_officer(ctx, username).username


def dossier_summary(dossier: Dossier) -> dict[str, Any]:
    return {
        "uuid": dossier.uuid,
        "code": dossier.code,
        "name": dossier.applicant.name,
        "procedure_code": dossier.procedure_code,
        "procedure": dossier.procedure_name,
        "status": dossier.status.value,
        "status_label": texts.STATUS_LABELS[dossier.status],
        "received_at": dossier.received_at.isoformat(),
        "due": dossier.due_at.isoformat() if dossier.due_at else None,
    }
