"""First start: the seeded demo office, and setting the station up for real (the wizard).

Every fresh data folder is seeded once (:func:`ensure_seeded`) with the **demo office**
(``Office.is_demo``: DEMO on screen and on every slip), its three demo accounts (password
``demo1234``) and the national catalogue, so the headless commands and a training session work
at once.

A station **is set up** (:func:`is_set_up`) once the first-start wizard finished (its answers
are stored under the ``setup`` config key, mode ``enrolled``, ``offline`` or ``demo``), or,
for stations set up before the wizard existed, when its office is not the demo and it has an
administrator of its own. Until then the window shows the wizard before the login; the
``--demo`` option (what ``scripts/run-app`` passes) skips the wizard and opens the demo office
as seeded, writing nothing. A wizard interrupted after a successful enrolment resumes at the
administrator page (:func:`enrolled_unfinished`).

:func:`complete_setup` is the wizard's one use case: it checks every answer first, then in one
transaction stores the office (offline set-up), the first administrator, the printer and paper
size, the ``setup`` marker and an audit entry, and locks the demo accounts (their password is
public) on a real office. The demo office stays available for training: choosing it in the
wizard, or ``--demo``, keeps it, with DEMO on every slip. Real set-up is refused on a station
that already holds (demo) dossiers: they would be synced to the province as real ones.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from counter_app import texts
from counter_app.domain.changes import Changes
from counter_app.domain.codes import offline_prefix
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.lookup_url import is_placeholder
from counter_app.domain.models import VN_TZ, Office, Officer, Role
from counter_app.printing import templates
from counter_app.printing.printer import PaperSize, write_durably
from counter_app.reference.catalogue import load_catalogue
from counter_app.services.officers import check_new_officer, hash_password
from counter_app.services.settings import (
    DEFAULT_PAPER_SIZE,
    PAPER_SIZES,
    read_settings,
    validate_settings,
)
from counter_app.services.station import StationContext, new_station_id
from counter_app.texts import lookup as lookup_texts
from counter_app.texts import slips as slip_texts
from counter_app.texts import wizard as t
from sync_protocol.codes import DEMO_PREFIX

DEMO_AGENCY_ID = "000.00.19.H56"
DEMO_PASSWORD = "demo1234"
DEFAULT_STATION_PREFIX = DEMO_PREFIX  # "000": the demo office, never synced
DEFAULT_LOOKUP_URL = "https://dichvucong.example.gov.vn/tra-cuu"
SETUP_KEY = "setup"
SYNC_KEY = "sync"
ADMIN_PASSWORD_MIN = 8
TEST_LOOKUP_KEY = "TESTQR"
TEST_SLIP_DIR = "test"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_PRINTER_NAME = 200


class SetupMode(StrEnum):
    ENROLLED = "enrolled"  # enrolled with the province server (identity from the server)
    OFFLINE = "offline"  # identity typed in by the administrator
    DEMO = "demo"  # training on the seeded demo office


@dataclass(frozen=True, slots=True)
class OfficeAnswers:
    """The office identity typed in for an offline set-up."""

    agency_id: str
    station_prefix: str
    parent_body: str
    unit_name: str
    place_name: str
    lookup_url: str = DEFAULT_LOOKUP_URL


@dataclass(frozen=True, slots=True)
class AdminAnswers:
    username: str
    full_name: str
    password: str
    password_again: str


@dataclass(frozen=True, slots=True)
class PrintingAnswers:
    printer: str = ""  # "" is the system default printer
    paper_size: str = DEFAULT_PAPER_SIZE


@dataclass(frozen=True, slots=True)
class SetupAnswers:
    """Everything the wizard asked; ``office`` only for offline, ``admin`` unless demo."""

    mode: SetupMode
    office: OfficeAnswers | None = None
    admin: AdminAnswers | None = None
    printing: PrintingAnswers = field(default_factory=PrintingAnswers)


def demo_office() -> Office:
    return Office(
        agency_id=DEMO_AGENCY_ID,
        parent_body=texts.DEMO_PARENT_BODY,
        unit_name=texts.DEMO_UNIT_NAME,
        place_name=texts.DEMO_PLACE_NAME,
        station_prefix=DEFAULT_STATION_PREFIX,
        station_id=new_station_id(),
        lookup_url=DEFAULT_LOOKUP_URL,
        is_demo=True,
    )


def ensure_seeded(ctx: StationContext) -> Changes:
    """Seed what a fresh data folder needs; does nothing on later starts.

    Guarantees: one transaction; the demo office (marked DEMO), three demo officers (officer,
    leader, admin; password ``demo1234``) and the whole catalogue, or nothing. Seeding does
    not mark the station as set up (see the module docstring).
    """
    store = ctx.store
    if store.config.get("office") is not None:
        return Changes()
    procedures = load_catalogue()
    now = ctx.clock.now()
    hashed = hash_password(DEMO_PASSWORD)
    with store.db.atomic():
        store.config.set("office", asdict(demo_office()))
        store.config.set("cli_officer", texts.DEMO_OFFICERS[0][0])
        store.config.set("supplement_mode", "rule_set")  # each dossier: its rule set
        store.reference.replace_procedures(procedures)
        for username, full_name, role in texts.DEMO_OFFICERS:
            store.officers.add(Officer(username, full_name, Role(role)), hashed, at=now)
        store.audit.record(
            at=now,
            officer="system",
            action="seeded",
            dossier_uuid=None,
            detail={"procedures": len(procedures)},
        )
    return Changes(reference=True, officers=True, config=True)


# --- First-start detection ----------------------------------------------------------------------

_DEMO_USERNAMES = frozenset(username for username, _name, _role in texts.DEMO_OFFICERS)


def _has_own_admin(ctx: StationContext) -> bool:
    return any(
        o.active and o.role is Role.ADMIN and o.username not in _DEMO_USERNAMES
        for o in ctx.store.officers.all()
    )


def is_set_up(ctx: StationContext) -> bool:
    """Whether the first-start wizard is no longer needed (see the module docstring)."""
    if ctx.setting(SETUP_KEY, None):
        return True
    return not ctx.office().is_demo and _has_own_admin(ctx)


def enrolled_unfinished(ctx: StationContext) -> bool:
    """Enrolled with the province, but the wizard was left before the administrator."""
    return not is_set_up(ctx) and not ctx.office().is_demo


def check_real_setup_allowed(ctx: StationContext) -> None:
    """Raise SETUP_ALREADY_DONE, or SETUP_HAS_DOSSIERS when (demo) dossiers exist."""
    if is_set_up(ctx):
        raise DomainError(ErrorCode.SETUP_ALREADY_DONE)
    count = ctx.store.dossiers.count()
    if count:
        raise DomainError(ErrorCode.SETUP_HAS_DOSSIERS, count=count)


# --- Checking the answers (writes nothing) ----------------------------------------------------


def check_office(ctx: StationContext, answers: OfficeAnswers) -> Office:
    """The office of an offline set-up, normalised, or the refusal of its first bad field.

    Refusals: AGENCY_ID_INVALID, STATION_PREFIX_INVALID, SETTING_INVALID (``setting=<field>``).
    The office gets a new station id (its events never mix with the demo's).
    """
    current = read_settings(ctx)
    clean = validate_settings(
        replace(
            current,
            agency_id=answers.agency_id,
            parent_body=answers.parent_body,
            unit_name=answers.unit_name,
            place_name=answers.place_name,
            lookup_url=answers.lookup_url,
        )
    )
    return Office(
        agency_id=clean.agency_id,
        parent_body=clean.parent_body,
        unit_name=clean.unit_name,
        place_name=clean.place_name,
        station_prefix=offline_prefix(answers.station_prefix),
        station_id=new_station_id(),
        lookup_url=clean.lookup_url,
        is_demo=False,
    )


def check_admin(ctx: StationContext, answers: AdminAnswers) -> str:
    """The admin's full name (NFC) if the account can be created, else the refusal."""
    username = answers.username.strip()
    if len(answers.password) < ADMIN_PASSWORD_MIN:
        raise DomainError(ErrorCode.SETUP_PASSWORD_SHORT, minimum=ADMIN_PASSWORD_MIN)
    name = check_new_officer(  # the password policy too (PASSWORD_WEAK)
        ctx, username=username, full_name=answers.full_name, password=answers.password
    )
    if answers.password != answers.password_again:
        raise DomainError(ErrorCode.SETUP_PASSWORDS_DIFFER)
    return name


def check_printing(answers: PrintingAnswers) -> PrintingAnswers:
    """Paper size one of A5/A4/80 mm (PAPER_SIZE_INVALID); printer name ≤ 200 plain chars."""
    if answers.paper_size not in PAPER_SIZES:
        raise DomainError(ErrorCode.PAPER_SIZE_INVALID, value=answers.paper_size)
    printer = " ".join(answers.printer.split())
    if len(printer) > MAX_PRINTER_NAME or _CONTROL.search(printer):
        raise DomainError(ErrorCode.SETTING_INVALID, detail="setting", setting="printer")
    return PrintingAnswers(printer=printer, paper_size=answers.paper_size)


def _office_for(ctx: StationContext, answers: SetupAnswers) -> Office | None:
    """The office to store (offline), None to keep the current one; refuses a wrong mode."""
    office = ctx.office()
    if answers.mode is SetupMode.DEMO:
        if not office.is_demo:
            raise DomainError(ErrorCode.SETUP_MODE_INVALID)
        return None
    check_real_setup_allowed(ctx)
    if answers.mode is SetupMode.ENROLLED:
        if office.is_demo or not ctx.setting(SYNC_KEY, None):
            raise DomainError(ErrorCode.SYNC_NOT_ENROLLED)
        return None
    if answers.office is None or not office.is_demo:
        raise DomainError(ErrorCode.SETUP_MODE_INVALID)
    return check_office(ctx, answers.office)


# --- The use case -------------------------------------------------------------------------------


def complete_setup(ctx: StationContext, answers: SetupAnswers) -> tuple[Office, Changes]:
    """Finish the first start with the wizard's answers; the office the station now has.

    Guarantees: refused (SETUP_ALREADY_DONE) on a station already set up, and every answer is
    checked before anything is written; then ONE transaction stores the office (offline), the
    first administrator (argon2 hash), the printer and paper size, the ``setup`` marker and an
    audit entry, and on a real office locks the demo accounts and makes the administrator the
    command line's default officer. A refusal writes nothing.
    """
    if is_set_up(ctx):
        raise DomainError(ErrorCode.SETUP_ALREADY_DONE)
    mode = SetupMode(answers.mode)
    new_office = _office_for(ctx, answers)
    admin = answers.admin
    admin_name = ""
    if mode is not SetupMode.DEMO:
        if admin is None:
            raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="username")
        admin_name = check_admin(ctx, admin)
    printing = check_printing(answers.printing)
    store = ctx.store
    now = ctx.clock.now()
    with store.db.atomic():
        if new_office is not None:
            store.config.set("office", asdict(new_office))
        if admin is not None and mode is not SetupMode.DEMO:
            username = admin.username.strip()
            officer = Officer(username=username, full_name=admin_name, role=Role.ADMIN)
            store.officers.add(officer, hash_password(admin.password), at=now)
            for demo_username in _DEMO_USERNAMES:
                store.officers.set_active(demo_username, False)
            store.config.set("cli_officer", username)
        store.config.set("paper_size", printing.paper_size)
        store.config.set("printer", printing.printer)
        by = admin.username.strip() if admin is not None and admin_name else "system"
        store.config.set(SETUP_KEY, {"mode": mode.value, "at": now.isoformat(), "by": by})
        store.audit.record(
            at=now,
            officer=by,
            action="setup_completed",
            dossier_uuid=None,
            detail={"mode": mode.value, "paper_size": printing.paper_size},
        )
    return ctx.office(), Changes(officers=True, config=True)


# --- The lookup address of the slips' QR ------------------------------------------------------


def lookup_url_warning(ctx: StationContext, url: str | None = None) -> str | None:
    """The warning for the administrator while the slips' QR leads to an address citizens
    cannot open (the seeded example address, a local one; see ``domain.lookup_url``), else
    None. ``url``: an address being typed (default: the office's). The demo office prints
    DEMO slips for training and gets no warning."""
    office = ctx.office()
    address = office.lookup_url if url is None else url.strip()
    if office.is_demo or not is_placeholder(address):
        return None
    enrolled = bool(ctx.setting(SYNC_KEY, None))
    return lookup_texts.lookup_url_warning(address, enrolled=enrolled)


# --- The test slip ------------------------------------------------------------------------------


def printer_test_code(office: Office, at: datetime) -> str:
    """The code printed on the test slip: the station's block with counter 0 (never minted)."""
    return f"{office.agency_id}-{at.astimezone(VN_TZ):%y%m%d}-{office.station_prefix}0000"


def render_printer_test(office: Office, *, size: PaperSize, at: datetime) -> bytes:
    """A receipt-shaped test slip (barcode + QR) marked as a test, and DEMO for the demo."""
    # Imported here: reportlab takes a third of a second, and only this slip needs it here.
    from counter_app.printing.qr import lookup_url
    from counter_app.printing.slip import DocumentRow, PersonLines, SlipData, render_slip

    when = at.astimezone(VN_TZ)
    code = printer_test_code(office, when)
    person = PersonLines(
        name=t.TEST_SLIP_APPLICANT, id_number=t.TEST_SLIP_ID, address=t.TEST_SLIP_ADDRESS, phone=""
    )
    data = SlipData(
        template=templates.RECEIPT,
        parent_body=office.parent_body,
        unit_name=office.unit_name,
        place_date=slip_texts.place_date(office.place_name, when),
        number="",
        code=code,
        lookup_url=lookup_url(base=office.lookup_url, code=code, key=TEST_LOOKUP_KEY),
        lookup_base=office.lookup_url,
        lookup_key=TEST_LOOKUP_KEY,
        applicant=person,
        submitter=None,
        procedure=t.TEST_SLIP_PROCEDURE,
        documents=(DocumentRow(name=t.TEST_SLIP_DOCUMENT, form=t.TEST_SLIP_FORM, count="01"),),
        sets=slip_texts.sets_count(1),
        processing_time=t.TEST_SLIP_TIME,
        received_at=slip_texts.moment(when),
        due_at=slip_texts.moment(when),
        due_note="",
        return_method=t.TEST_SLIP_RETURN,
        fee=slip_texts.FEE_NONE,
        missing=(),
        reason="",
        officer_name=t.TEST_SLIP_OFFICER,
        reprint=t.TEST_SLIP_MARK,
        demo=office.is_demo,
    )
    return render_slip(data, size=PaperSize(size))


def write_printer_test(ctx: StationContext, office: Office, *, size: PaperSize) -> Path:
    """Render the test slip into ``<data_dir>/slips/test/`` (durably); its path."""
    now = ctx.clock.now()
    pdf = render_printer_test(office, size=size, at=now)
    target = ctx.store.data_dir / "slips" / TEST_SLIP_DIR / f"test-slip-{PaperSize(size)}.pdf"
    write_durably(target, pdf)
    return target
