"""``province-server``: migrate, serve, issue-code, revoke and the reference data commands
(load-catalogue, set-calendar, set-office, add-officer) and add-admin (an account of the leaders'
dashboard). Administrator commands, English."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from province_server import texts
from province_server.config import Settings
from province_server.db import connect
from province_server.errors import AdminError
from province_server.national.config import NationalSettings
from province_server.reference import service as reference
from province_server.stations import ownership, service

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CATALOGUE = REPO_ROOT / "resources" / "catalogue" / "procedures.json"


def migrate(settings: Settings) -> None:
    """Bring the database schema to the newest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = settings.database_url
    command.upgrade(config, "head")
    analyze(settings)


def analyze(settings: Settings) -> None:
    """Refresh the planner's table statistics (autovacuum may be off: plans must not depend
    on it). Run after ``migrate`` and after bulk loads; a sampled pass, seconds at most."""
    with connect(settings) as conn:
        conn.execute("ANALYZE")


def _migrate(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    """Migrate, then seed the catalogue from the shipped file when the database has none."""
    migrate(settings)
    loaded = 0
    if not args.no_catalogue and DEFAULT_CATALOGUE.exists():
        with connect(settings) as conn:
            if reference.catalogue_is_empty(conn):
                loaded = reference.load_catalogue(conn, reference.read_catalogue(DEFAULT_CATALOGUE))
    return {"migrated": True, "procedures_loaded": loaded}


def _load_catalogue(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    records = reference.read_catalogue(Path(args.file))
    with connect(settings) as conn:
        changed = reference.load_catalogue(conn, records)
    return {"procedures": len(records), "changed": changed}


def _set_calendar(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    with connect(settings) as conn:
        year = reference.set_calendar(
            conn,
            year=args.year,
            days_off=args.off,
            working_days=args.work,
            confirmed=args.confirmed,
            estimated=[p for v in args.estimated for p in v.split(",") if p.strip()],
            source=args.source,
        )
    return year.to_json()


def _set_office(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    with connect(settings) as conn:
        office = reference.set_office(
            conn,
            agency_id=args.agency,
            parent_body=args.parent_body,
            unit_name=args.unit_name,
            place_name=args.place,
        )
    return office.to_json()


PASSWORD_MIN = 8
DEMO_PASSWORD = "demo1234"


def check_password(password: str, username: str) -> None:
    """The counter's password policy (issue 17): >= 8 characters, not the demo password,
    not the login name; AdminError otherwise."""
    folded = password.strip().casefold()
    if len(password) < PASSWORD_MIN or folded in (DEMO_PASSWORD, username.strip().casefold()):
        raise AdminError(
            f"the password must have at least {PASSWORD_MIN} characters and be neither "
            "the demo password nor the user name"
        )


def _read_password(args: argparse.Namespace) -> str:
    """The password: first line of standard input (--password-stdin), else typed twice
    unseen at the terminal. Never an argument: a command line is visible to every user of
    the machine and kept in shell histories."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AdminError("give --password-stdin (the password on standard input) or a terminal")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("password again: ") != first:
        raise AdminError("the two passwords differ")
    return first


def _add_officer(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    password_hash = args.password_hash
    if password_hash is None:
        password = _read_password(args)
        check_password(password, args.username)
        from argon2 import PasswordHasher

        password_hash = PasswordHasher().hash(password)
    elif args.password_stdin:
        raise AdminError("give either --password-hash or --password-stdin")
    with connect(settings) as conn:
        officer = reference.add_officer(
            conn,
            agency_id=args.agency,
            username=args.username,
            full_name=args.full_name,
            role=args.role,
            password_hash=password_hash,
            active=not args.inactive,
        )
    shown = officer.to_json()
    del shown["password_hash"]
    return {"agency_id": reference.agency_or_error(args.agency), **shown}


def _add_admin(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    """An account of the leaders' dashboard (pages/accounts.py): argon2id of the password."""
    from province_server.pages import accounts

    password = _read_password(args)
    accounts.check_new_password(args.username, password)
    with connect(settings) as conn:
        name = accounts.add_account(
            conn,
            username=args.username,
            role=args.role,
            password_hash=accounts.hash_password(password),
            full_name=args.full_name,
            active=not args.inactive,
        )
    return {"username": name, "role": args.role, "active": not args.inactive}


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from province_server.main import create_app

    if args.workers > 1:  # each worker process builds its app from the environment
        uvicorn.run(
            "province_server.main:create_app",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            access_log=args.access_log,
        )
        return
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.access_log,
    )


def _issue_code(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    with connect(settings) as conn:
        issued = service.issue_code(
            conn,
            agency_id=args.agency,
            station_number=args.station,
            ttl_hours=settings.code_ttl_hours,
            parent_body=args.parent_body,
            unit_name=args.unit_name,
            place_name=args.place_name,
        )
    return {
        "code": issued.code,
        "station_id": issued.station_id,
        "station_prefix": issued.station_prefix,
        "expires_at": issued.expires_at.isoformat(),
    }


def _revoke(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    with connect(settings) as conn:
        if not service.revoke(conn, args.station_id):
            raise AdminError(f"no station with id {args.station_id}")
    return {"revoked": args.station_id}


def _check_codes(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    """Stored dossiers whose code their creating station could not have minted (read-only)."""
    with connect(settings) as conn:
        found = ownership.foreign_codes(conn)
    return {"foreign_codes": len(found), "dossiers": [asdict(f) for f in found]}


def _national_settings() -> NationalSettings:
    found = NationalSettings.from_env()
    if found is None:
        raise AdminError(texts.NATIONAL_NOT_CONFIGURED)
    return found


def _national_sync(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    from province_server.national import worker

    national = _national_settings()
    return worker.run(
        settings.database_url, national, once=args.once, backoff_base_s=args.backoff_base
    )


def _national_map(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    from province_server.national import mapping, worker

    if args.action == "check":
        national = _national_settings()
        if not args.agency and not national.madonvi:
            raise AdminError("give --agency (the office whose madonvi the check uses)")
        checked = worker.check_procedures(settings.database_url, national, args.agency)
        return {"checked": checked}
    with connect(settings) as conn:
        if args.action == "status":
            mapping.set_status(conn, args.local, args.code)
        elif args.action == "procedure":
            mapping.set_procedure(conn, args.local, args.code)
        maps = mapping.load(conn)
    return {"statuses": maps.statuses, "procedures": maps.procedures}


def _bundle_keygen(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    from province_server.sync import bundles

    target = args.out or settings.bundle_key_file
    if not target:
        raise AdminError("give --out PATH or set PROVINCE_BUNDLE_KEY_FILE")
    if Path(target).exists():
        raise AdminError(f"{target} exists: bundle keys are never overwritten")
    return {"key_file": target, "public_key": bundles.generate_keys(Path(target))}


def _progress_line(what: str, done: int, total: int) -> None:
    """Progress of a long import on standard error: a line every 10% and at the end."""
    if done == total or total < 10 or done % max(total // 10, 1) == 0:
        sys.stderr.write(texts.bundle_progress(what, done, total) + "\n")


def _import_bundle(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    """Apply a station's USB bundle as its pushes; write the return bundle (issue 15)."""
    from province_server.sync import bundles

    source = Path(args.file)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise AdminError(f"cannot read {source}: {error.strerror}") from None
    out = Path(args.out) if args.out else source.with_name(source.stem + "-tra-ve.qmcsync")
    keys = bundles.province_keys(settings.bundle_key_file)
    lookup = settings.lookup_url or (
        settings.public_url + settings.lookup_path if settings.public_url else ""
    )
    with connect(settings) as conn:
        try:
            result = bundles.import_bundle(
                conn,
                data,
                keys,
                via="cli",
                lookup_url=lookup,
                quota=settings.upload_quota_bytes,
                progress=_progress_line,
            )
        except bundles.BundleRefusedError as refused:
            raise AdminError(texts.bundle_refused(refused.code)) from None
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(result.return_bundle)
    partial.replace(out)
    sys.stderr.write(
        texts.bundle_imported(
            result.events, result.accepted, result.duplicates, result.rejected, result.pulled
        )
        + "\n"
    )
    return {**result.summary(), "return_file": str(out)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="province-server",
        description="Province server of Quầy Một Cửa (database: $PROVINCE_DATABASE_URL).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    mig = sub.add_parser(
        "migrate",
        help="apply the Alembic migrations (upgrade head); load the shipped catalogue "
        "when the database has no procedure yet",
    )
    mig.add_argument("--no-catalogue", action="store_true", help="do not seed the catalogue")
    serve = sub.add_parser("serve", help="run the HTTP API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="warning")
    serve.add_argument("--access-log", action="store_true")
    serve.add_argument(
        "--workers", type=int, default=1, help="server processes (README: one per core)"
    )
    issue = sub.add_parser("issue-code", help="print a one-time enrolment code for a station")
    issue.add_argument("--agency", required=True, help="agency identifier, e.g. 000.00.19.H56")
    issue.add_argument(
        "--station", required=True, type=int, help="station number 1..999 (prefix 001..999)"
    )
    issue.add_argument("--parent-body", default="", help="parent body printed on slips")
    issue.add_argument("--unit-name", default="", help="unit name printed on slips")
    issue.add_argument("--place-name", default="", help="place name printed on slips")
    admin = sub.add_parser(
        "add-admin",
        help="create or replace an account of the leaders' dashboard (/dashboard); the "
        "password is typed twice unseen, or given on standard input",
    )
    admin.add_argument("username", help="3-40 of a-z 0-9 . _ -")
    admin.add_argument(
        "--role",
        choices=("admin", "viewer"),
        default="viewer",
        help="admin: also issues enrolment codes and revokes stations; viewer: figures only",
    )
    admin.add_argument("--full-name", default="", help="shown on the dashboard")
    admin.add_argument("--password-stdin", action="store_true")
    admin.add_argument("--inactive", action="store_true", help="disable the account")
    revoke = sub.add_parser("revoke", help="refuse a station's token from now on")
    revoke.add_argument("--station-id", required=True)
    sub.add_parser(
        "check-codes",
        help="list stored dossiers whose code does not carry the prefix (and province) of the "
        "station that created them",
    )
    load = sub.add_parser(
        "load-catalogue", help="insert or update procedures from a catalogue JSON file"
    )
    load.add_argument("file", help="a JSON list in the format of procedures.json")
    cal = sub.add_parser("set-calendar", help="publish the working-day calendar of a year")
    cal.add_argument("--year", required=True, type=int)
    cal.add_argument(
        "--off", action="append", default=[], help="weekday days off, YYYY-MM-DD[,...]"
    )
    cal.add_argument(
        "--work", action="append", default=[], help="make-up working Saturdays/Sundays"
    )
    cal.add_argument(
        "--confirmed", action="store_true", help="the official announcement (else estimated)"
    )
    cal.add_argument(
        "--estimated",
        action="append",
        default=[],
        help="days off or make-up days not announced yet, YYYY-MM-DD[,...] (the others are)",
    )
    cal.add_argument("--source", default="", help="the announcement, e.g. 10065/VPCP-KGVX")
    office = sub.add_parser("set-office", help="create an agency or change its office names")
    office.add_argument("--agency", required=True)
    office.add_argument("--parent-body", default=None, help="parent body printed on slips")
    office.add_argument("--unit-name", default=None, help="unit name printed on slips")
    office.add_argument("--place", default=None, help="place name printed on slips")
    officer = sub.add_parser("add-officer", help="create or replace an officer of an office")
    officer.add_argument("--agency", required=True)
    officer.add_argument("--username", required=True)
    officer.add_argument("--full-name", required=True)
    officer.add_argument("--role", required=True, choices=["officer", "leader", "admin"])
    officer.add_argument("--password-hash", default=None, help="an argon2 hash")
    officer.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (else it is asked at the terminal); "
        "hashed here with argon2",
    )
    officer.add_argument("--inactive", action="store_true", help="disable the account")
    nsync = sub.add_parser(
        "national-sync",
        help="send dossiers and their steps to the national portal (a worker beside serve; "
        "PROVINCE_NATIONAL_* settings, off until configured)",
    )
    nsync.add_argument(
        "--once",
        action="store_true",
        help="stop when nothing is due now (dossiers backing off wait for the next run)",
    )
    nsync.add_argument(
        "--backoff-base", type=float, default=5.0, help="seconds of the first retry's wait"
    )
    nmap = sub.add_parser(
        "national-map", help="show or edit the status and procedure mappings; check them"
    )
    nmap.add_argument("action", choices=["list", "status", "procedure", "check"])
    nmap.add_argument("--local", default="", help="local status or procedure code")
    nmap.add_argument("--code", default="", help="national status code (1..10) or MaTTHC")
    nmap.add_argument("--agency", default="", help="check: the office whose madonvi is used")
    keygen = sub.add_parser(
        "bundle-keygen",
        help="create the province's keys for USB sync bundles (a 0600 file, never overwritten)",
    )
    keygen.add_argument(
        "--out", default="", help="the key file (default $PROVINCE_BUNDLE_KEY_FILE)"
    )
    ib = sub.add_parser(
        "import-bundle",
        help="apply a station's USB sync bundle as a push and write its return bundle",
    )
    ib.add_argument("file", help="the station's bundle (.qmcsync)")
    ib.add_argument(
        "--out", default="", help="the return bundle (default: FILE's name + -tra-ve.qmcsync)"
    )
    return parser


_COMMANDS = {
    "migrate": _migrate,
    "issue-code": _issue_code,
    "revoke": _revoke,
    "check-codes": _check_codes,
    "load-catalogue": _load_catalogue,
    "set-calendar": _set_calendar,
    "set-office": _set_office,
    "add-officer": _add_officer,
    "add-admin": _add_admin,
    "national-sync": _national_sync,
    "national-map": _national_map,
    "bundle-keygen": _bundle_keygen,
    "import-bundle": _import_bundle,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.command == "serve":
            _serve(settings, args)
            return 0
        result = _COMMANDS[args.command](settings, args)
    except AdminError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0
