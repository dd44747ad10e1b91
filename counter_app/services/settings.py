"""Office settings: read them, or change them (administrators only) in one transaction.

Stored in the station's config table (so a backup of the database is complete):

- ``office``: ``dataclasses.asdict(Office)`` (header lines of slips, agency identifier, lookup URL);
- ``office_hours``: ``{"sessions": [["07:00", "11:30"], ["13:30", "17:00"]], "cutoff": "15:00"}``
  (read back by :meth:`StationContext.hours`);
- ``paper_size``: ``"a5"``, ``"a4"`` or ``"80mm"``;
- ``printer``: the OS print queue name, or ``""`` for the system default printer;
- ``culture_day_weekend_made_up``: 24/11 on a weekend is made up the next working day (yes by
  default; law-2026.md §4 leaves it open, first case Sat 24/11/2029);
- ``backup_dir``: the second backup folder (a USB stick), an absolute path, or ``""``;
- ``supplement_mode``: after a supplement, the time limit ``"restart"``s or ``"resume"``s,
  or ``"rule_set"``: each dossier follows its rule set's default (services.supplements).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import time
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from counter_app.domain.calendar import OfficeHours
from counter_app.domain.changes import Changes
from counter_app.domain.codes import validate_agency_id
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Role
from counter_app.domain.text import nfc
from counter_app.reference.holidays_vn import CULTURE_DAY_SETTING
from counter_app.services.station import StationContext
from counter_app.services.supplements import MODE_FROM_RULES, MODE_SETTING, MODES

PAPER_SIZES = ("a5", "a4", "a4x2", "80mm")
DEFAULT_PAPER_SIZE = "a5"
MAX_TEXT = 200
# The refusal carries ``setting=<key>`` so that the settings screen can name the field (see
# texts.window.settings_error).
SETTING_INVALID = ErrorCode.SETTING_INVALID
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class OfficeSettings:
    """What the settings screen shows and edits. Times are ``HH:MM`` strings."""

    agency_id: str
    parent_body: str
    unit_name: str
    place_name: str
    lookup_url: str
    paper_size: str
    printer: str
    sessions: tuple[tuple[str, str], ...]
    cutoff: str
    backup_dir: str = ""
    culture_day_made_up: bool = True
    supplement_mode: str = MODE_FROM_RULES


def read_settings(ctx: StationContext) -> OfficeSettings:
    """The current office settings (defaults where nothing was stored yet)."""
    office = ctx.office()
    hours = ctx.hours()
    return OfficeSettings(
        agency_id=office.agency_id,
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_name=office.place_name,
        lookup_url=office.lookup_url,
        paper_size=str(ctx.setting("paper_size", DEFAULT_PAPER_SIZE)),
        printer=str(ctx.setting("printer", "") or ""),
        sessions=tuple((f"{a:%H:%M}", f"{b:%H:%M}") for a, b in hours.sessions),
        cutoff=f"{hours.cutoff:%H:%M}",
        backup_dir=str(ctx.setting("backup_dir", "") or ""),
        culture_day_made_up=bool(ctx.setting(CULTURE_DAY_SETTING, True)),
        supplement_mode=str(ctx.setting(MODE_SETTING, MODE_FROM_RULES) or MODE_FROM_RULES),
    )


def _text(value: str, key: str, *, required: bool = True) -> str:
    cleaned = " ".join(nfc(value).split())
    if (required and not cleaned) or len(cleaned) > MAX_TEXT or _CONTROL.search(cleaned):
        raise DomainError(SETTING_INVALID, detail="setting", setting=key)
    return cleaned


def _url(value: str) -> str:
    cleaned = value.strip()
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in cleaned:
        raise DomainError(SETTING_INVALID, detail="setting", setting="lookup_url")
    return cleaned


def _backup_dir(value: str) -> str:
    """An absolute folder path (POSIX or Windows), or "" for none; need not exist yet."""
    cleaned = value.strip()
    if not cleaned:
        return ""
    absolute = PurePosixPath(cleaned).is_absolute() or PureWindowsPath(cleaned).is_absolute()
    if not absolute or len(cleaned) > 1000 or _CONTROL.search(cleaned):
        raise DomainError(ErrorCode.BACKUP_DIR_INVALID, value=cleaned)
    return cleaned


def _clock(value: str) -> time:
    if not _HHMM.match(value.strip()):
        raise DomainError(ErrorCode.OFFICE_HOURS_INVALID, value=value)
    return time.fromisoformat(value.strip())


def _hours(sessions: tuple[tuple[str, str], ...], cutoff: str) -> OfficeHours:
    """Office hours as the domain checks them (order, overlap, cut-off inside the day)."""
    parsed = tuple((_clock(a), _clock(b)) for a, b in sessions)
    return OfficeHours(sessions=parsed, cutoff=_clock(cutoff))


def validate_settings(settings: OfficeSettings) -> OfficeSettings:
    """Return the settings normalised (NFC, trimmed, upper-case agency id) or raise.

    Refusals: ``AGENCY_ID_INVALID``, ``OFFICE_HOURS_INVALID``, ``PAPER_SIZE_INVALID``,
    ``BACKUP_DIR_INVALID`` (a second backup folder that is not an absolute path), and
    ``SETTING_INVALID`` with ``setting=<field>`` for an empty or over-long text or a lookup URL
    that is not http(s).
    """
    if settings.paper_size not in PAPER_SIZES:
        raise DomainError(ErrorCode.PAPER_SIZE_INVALID, value=settings.paper_size)
    if settings.supplement_mode not in MODES:
        raise DomainError(SETTING_INVALID, detail="setting", setting=MODE_SETTING)
    hours = _hours(settings.sessions, settings.cutoff)
    return replace(
        settings,
        agency_id=validate_agency_id(settings.agency_id),
        parent_body=_text(settings.parent_body, "parent_body"),
        unit_name=_text(settings.unit_name, "unit_name"),
        place_name=_text(settings.place_name, "place_name"),
        lookup_url=_url(settings.lookup_url),
        printer=_text(settings.printer, "printer", required=False),
        sessions=tuple((f"{a:%H:%M}", f"{b:%H:%M}") for a, b in hours.sessions),
        cutoff=f"{hours.cutoff:%H:%M}",
        backup_dir=_backup_dir(settings.backup_dir),
    )


def require_admin(ctx: StationContext, username: str) -> None:
    """Raise ``OFFICER_NOT_ALLOWED`` unless ``username`` is an active administrator."""
    found = ctx.store.officers.get(username)
    if found is None or not found[0].active or found[0].role is not Role.ADMIN:
        raise DomainError(ErrorCode.OFFICER_NOT_ALLOWED, username=username)


def update_settings(
    ctx: StationContext, settings: OfficeSettings, *, officer: str
) -> tuple[OfficeSettings, Changes]:
    """Store new office settings; administrators only.

    Guarantees: the officer's role and every value are checked before anything is written;
    the five config keys and the audit entry (which fields changed, not their values) are
    committed in one transaction; a refused change writes nothing. The station identity
    (station id, prefix, demo flag) is kept as it is.
    """
    require_admin(ctx, officer)
    clean = validate_settings(settings)
    before = read_settings(ctx)
    office = replace(
        ctx.office(),
        agency_id=clean.agency_id,
        parent_body=clean.parent_body,
        unit_name=clean.unit_name,
        place_name=clean.place_name,
        lookup_url=clean.lookup_url,
    )
    changed = sorted(k for k, v in asdict(clean).items() if asdict(before)[k] != v)
    store = ctx.store
    now = ctx.clock.now()
    with store.db.atomic():
        store.config.set("office", asdict(office))
        store.config.set(
            "office_hours",
            {"sessions": [list(s) for s in clean.sessions], "cutoff": clean.cutoff},
        )
        store.config.set("paper_size", clean.paper_size)
        store.config.set("printer", clean.printer)
        store.config.set("backup_dir", clean.backup_dir)
        store.config.set(CULTURE_DAY_SETTING, bool(clean.culture_day_made_up))
        store.config.set(MODE_SETTING, clean.supplement_mode)
        store.audit.record(
            at=now,
            officer=officer,
            action="settings_changed",
            dossier_uuid=None,
            detail={"fields": changed},
        )
    return clean, Changes(config=True)
