"""The ``counter-app`` command: the window when given no subcommand, else a headless action.

Every subcommand prints JSON on standard output (``conflicts`` without ``--json``: text); a
refusal prints one Vietnamese sentence on standard error and exits with 2, having changed
nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from counter_app import __version__, paths, texts
from counter_app.app import setup_logging
from counter_app.cli import (
    backup_key_cmd,
    catalogue_cmd,
    codes_cmd,
    fees_cmd,
    identity_cmd,
    lan_cmd,
    new_database_cmd,
    reminders_cmd,
)
from counter_app.cli.common import (
    Handler,
    add_officer_options,
    check_texts,
    dossier_summary,
    officer,
    parse_at,
    refuse,
    station,
)
from counter_app.cli.output import PlainText
from counter_app.cli.parser import VietnameseParser
from counter_app.domain.cross_boundary import SCOPES
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.idcard import parse_id_qr
from counter_app.domain.models import Channel, Role
from counter_app.domain.processing_time import parse_processing_time
from counter_app.services import intake, lookup, maintenance
from counter_app.services.setup import lookup_url_warning
from counter_app.storage.db import is_fault, storage_fault
from counter_app.storage.store import DB_NAME
from counter_app.texts import faults as fault_texts
from counter_app.texts import integrity as integrity_texts
from counter_app.texts import rules as rules_texts
from counter_app.texts import wizard as wizard_texts

log = logging.getLogger(__name__)
_STARTED = time.perf_counter()


def _emit(value: Any) -> None:
    if isinstance(value, PlainText):  # text for people (``conflicts`` without --json)
        sys.stdout.write(value)
        return
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def cmd_due(args: argparse.Namespace) -> Any:
    ctx = station(args)
    received = parse_at(args.received) if args.received else ctx.clock.now()
    if args.time:
        time = parse_processing_time(args.time)
    else:
        time = intake.procedure_or_error(ctx, args.procedure).processing_time
    due = intake.due_for(ctx, received_at=received, time=time)
    return {
        "received": received.isoformat(),
        "time": time.to_json(),
        "time_text": texts.describe_time(time),
        "due": due.due.isoformat() if due.due else None,
        "confirmed": due.confirmed,
        "estimated_days": identity_cmd.estimated_days(due.estimated_days),
        "calendar_years": list(due.years_used),
    }


def applicant_json(data: Any) -> dict[str, Any]:
    out = data.to_applicant().to_json()
    out["phone"] = None
    return {
        k: out[k]
        for k in (
            "name",
            "id_number",
            "birth_date",
            "sex",
            "address",
            "phone",
            "old_id_number",
            "issue_date",
        )
    }


def cmd_parse_id(args: argparse.Namespace) -> Any:
    return applicant_json(parse_id_qr(args.text))


MAX_JSON_FILE = 1 << 20  # an applicant file is a few hundred bytes


def _read_json_file(path: str) -> Any:
    """A JSON file, UTF-8 (a BOM allowed), whose every text passes :func:`check_texts`."""
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_JSON_FILE + 1)
    except OSError:
        raise DomainError(ErrorCode.FILE_UNREADABLE, path=path) from None
    if len(data) > MAX_JSON_FILE:
        refuse(integrity_texts.CLI_FILE_TOO_LARGE.format(path=path))
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        refuse(integrity_texts.CLI_FILE_NOT_UTF8.format(path=path))
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DomainError(ErrorCode.JSON_INVALID, detail="syntax", line=exc.lineno) from None
    check_texts(value)
    return value


def cmd_receive(args: argparse.Namespace) -> Any:
    applicant = intake.applicant_from_json(_read_json_file(args.applicant_json))
    at = parse_at(args.at) if args.at else None
    time = parse_processing_time(args.time) if args.time else None
    ctx = station(args)
    request = intake.ReceptionRequest(
        procedure_code=args.procedure,
        applicant=applicant,
        received_at=at,
        agency_id=args.agency,
        channel=Channel(args.channel),
        time=time,
        documents=catalogue_cmd.received_papers(ctx, args.procedure, args.papers),
        cross_boundary=args.cross_boundary or "",
        authority=args.authority or "",
        **identity_cmd.identity_fields(args),
        **fees_cmd.fee_fields(args),
    )
    dossier, _ = intake.receive_dossier(ctx, request, officer=officer(ctx, args))
    return {
        "uuid": dossier.uuid,
        "code": dossier.code,
        "due": dossier.due_at.isoformat() if dossier.due_at else None,
        "due_estimated": dossier.due_estimated,
        "due_expected": dossier.due_expected,  # cross-boundary: fixed by the authority's receipt
        "rule_set": dossier.rule_set,
        "cross_boundary": dossier.cross_boundary,
        "transfer_at": dossier.transfer_at.isoformat() if dossier.transfer_at else None,
        "lookup_key": dossier.lookup_key,
        "received_at": dossier.received_at.isoformat(),
        "procedure": dossier.procedure_code,
        "identity": identity_cmd.identity_summary(dossier),
        "fee": fees_cmd.fee_summary(dossier),
    }


def cmd_search(args: argparse.Namespace) -> Any:
    ctx = station(args)
    return [dossier_summary(d) for d in lookup.search(ctx, args.text, limit=args.limit)]


def cmd_backup(args: argparse.Namespace) -> Any:
    ctx = station(args)
    extra = Path(args.to) if args.to else None
    path = maintenance.backup(ctx, extra_dir=extra, officer=officer(ctx, args))
    sys.stderr.write(texts.cli_backup_done(str(path)) + "\n")
    return {"backup": str(path), "dossiers": ctx.store.dossiers.count()}


def cmd_restore(args: argparse.Namespace) -> Any:
    data_dir = paths.data_dir(args.data_dir)
    setup_logging(data_dir)
    by = _restoring_officer(args)
    passphrase = backup_key_cmd.restore_passphrase(args)  # a sealed (USB) backup: issue 17
    info = maintenance.restore(
        data_dir, Path(args.file), mirror_dir=paths.mirror_dir(), officer=by, passphrase=passphrase
    )
    sys.stderr.write(texts.cli_restored(str(info.path), info.dossiers) + "\n")
    return {
        "restored": str(info.path),
        "made_at": info.made_at,
        "dossiers": info.dossiers,
        "last_code": info.last_code,
    }


def _restoring_officer(args: argparse.Namespace) -> str:
    """Who restores: the officer who authenticated against the live database; ``cli`` when
    that database cannot be opened (lost or damaged: the reason to restore), never the name
    typed in --officer alone. A wrong password, or an account that is not an administrator's,
    refuses the restore before anything moves."""
    if not (paths.data_dir(args.data_dir) / DB_NAME).exists():
        return "cli"
    try:
        ctx = station(args)
    except DomainError:
        return "cli"
    try:  # only an administrator restores a station that still opens (issue 13 item 8)
        return officer(ctx, args, frozenset({Role.ADMIN}))
    finally:
        ctx.store.close()


def cmd_check(args: argparse.Namespace) -> Any:
    ctx = station(args)
    problems = ctx.store.check()
    if problems:
        raise DomainError(ErrorCode.DATABASE_DAMAGED, detail="; ".join(problems[:3]))
    breaks = ctx.store.history_breaks()  # every row of the chain (storage/chain.py)
    if breaks:
        refuse(integrity_texts.history_rewritten(breaks))
    count = ctx.store.dossiers.count()
    sys.stderr.write(texts.cli_check_ok(count) + "\n")
    return {"ok": True, "dossiers": count, "problems": []}


def cmd_info(args: argparse.Namespace) -> Any:
    ctx = station(args)
    office = ctx.office()
    return {
        "data_dir": str(ctx.store.data_dir),
        "office": office.unit_name,
        "agency_id": office.agency_id,
        "station_prefix": office.station_prefix,
        "demo": office.is_demo,
        "procedures": ctx.store.reference.count_procedures(),
        "dossiers": ctx.store.dossiers.count(),
        "events_waiting": ctx.store.dossiers.outbox_size(),
        "last_code": ctx.store.dossiers.last_code(),
        "lookup_url": office.lookup_url,
        "warnings": _warnings(ctx),
    }


def _warnings(ctx: Any) -> list[str]:
    """What the administrator should fix (also written on standard error)."""
    found = [w for w in (lookup_url_warning(ctx),) if w]
    for warning in found:
        sys.stderr.write(warning + "\n")
    return found


def build_parser() -> VietnameseParser:
    from counter_app.cli import (
        bundle_cmd,
        conflicts_cmd,
        digitisation_cmd,
        dossier_cmd,
        slip_cmd,
        sync_cmd,
    )

    parser = VietnameseParser(prog="counter-app", description=texts.CLI_DESCRIPTION)
    parser.add_argument(
        "--data-dir", default=None, metavar=texts.METAVAR_DIR, help=texts.CLI_DATA_DIR
    )
    parser.add_argument("--demo", action="store_true", help=wizard_texts.CLI_DEMO)
    parser.add_argument("--version", action="version", version=__version__, help=texts.CLI_VERSION)
    # Installers and benchmarks: show the first window, run the event loop once, print JSON.
    parser.add_argument("--start-check", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(
        dest="command",
        title=texts.CLI_COMMANDS_TITLE,
        parser_class=VietnameseParser,
        metavar=texts.METAVAR_COMMAND,
    )

    def add(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--data-dir",
            default=argparse.SUPPRESS,
            metavar=texts.METAVAR_DIR,
            help=texts.CLI_DATA_DIR,
        )
        p.set_defaults(handler=handler)
        return p

    p = add("due", texts.CLI_DUE, cmd_due)
    p.add_argument("--received", metavar=texts.METAVAR_AT, help=texts.CLI_DUE_RECEIVED)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--time", metavar=texts.METAVAR_TIME, help=texts.CLI_DUE_TIME)
    group.add_argument("--procedure", metavar=texts.METAVAR_CODE, help=texts.CLI_DUE_PROCEDURE)
    p = add("parse-id", texts.CLI_PARSE_ID, cmd_parse_id)
    p.add_argument("text", metavar=texts.METAVAR_QR, help=texts.CLI_PARSE_ID_TEXT)
    p = add("receive", texts.CLI_RECEIVE, cmd_receive)
    p.add_argument(
        "--procedure", required=True, metavar=texts.METAVAR_CODE, help=texts.CLI_RECEIVE_PROCEDURE
    )
    p.add_argument(
        "--applicant-json",
        required=True,
        metavar=texts.METAVAR_FILE,
        help=texts.CLI_RECEIVE_APPLICANT,
    )
    p.add_argument("--at", metavar=texts.METAVAR_AT, help=texts.CLI_RECEIVE_AT)
    p.add_argument("--agency", metavar=texts.METAVAR_AGENCY, help=texts.CLI_RECEIVE_AGENCY)
    p.add_argument("--channel", type=int, choices=(1, 3), default=1, help=texts.CLI_RECEIVE_CHANNEL)
    p.add_argument("--time", metavar=texts.METAVAR_TIME, help=texts.CLI_DUE_TIME)
    p.add_argument("--cross-boundary", choices=SCOPES, help=rules_texts.CLI_CROSS_BOUNDARY)
    p.add_argument("--authority", metavar=texts.METAVAR_TEXT, help=rules_texts.CLI_AUTHORITY)
    identity_cmd.add_identity_options(p)
    fees_cmd.add_fee_options(p)
    add_officer_options(p)
    catalogue_cmd.add_papers_option(p)
    p = add("search", texts.CLI_SEARCH, cmd_search)
    p.add_argument("text", metavar=texts.METAVAR_TEXT, help=texts.CLI_SEARCH_TEXT)
    p.add_argument("--limit", type=int, default=50, help=texts.CLI_SEARCH_LIMIT)
    p = add("backup", texts.CLI_BACKUP, cmd_backup)
    p.add_argument("--to", metavar=texts.METAVAR_DIR, help=texts.CLI_BACKUP_DEST)
    add_officer_options(p)
    p = add("restore", texts.CLI_RESTORE, cmd_restore)
    p.add_argument("file", metavar=texts.METAVAR_FILE, help=texts.CLI_RESTORE_FILE)
    backup_key_cmd.add_passphrase_option(p)
    add_officer_options(p)
    add("check", texts.CLI_CHECK, cmd_check)
    add("info", texts.CLI_INFO, cmd_info)
    dossier_cmd.register(add)
    slip_cmd.register(add)
    sync_cmd.register(add)
    backup_key_cmd.register(add)
    new_database_cmd.register(add)
    codes_cmd.register(add)
    conflicts_cmd.register(add)
    digitisation_cmd.register(add)
    bundle_cmd.register(add)
    catalogue_cmd.register(add)
    reminders_cmd.register(add)
    lan_cmd.register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    _no_traceback_on_the_terminal()
    if args.command is None:
        return start_default(args, parser)
    try:
        result = args.handler(args)
    except DomainError as error:
        sys.stderr.write(texts.error_message(error) + "\n")
        return 2
    except Exception as exc:  # the user gets a sentence, the log gets the traceback
        fault = _fault(args, exc)
        if fault is not None:
            sys.stderr.write(texts.error_message(fault) + "\n")
            return 2
        log.exception("unexpected error in %s", args.command)
        data_dir = paths.data_dir(getattr(args, "data_dir", None))
        sys.stderr.write(texts.CLI_UNEXPECTED.format(path=data_dir / "logs") + "\n")
        return 1
    _emit(result)
    return 0


def _no_traceback_on_the_terminal() -> None:
    """Log records go to the log file only: when it could not be opened, Python's last-resort
    handler would print tracebacks on standard error."""
    root = logging.getLogger()
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())


def _fault(args: argparse.Namespace, exc: Exception) -> DomainError | None:
    """A disk or lock fault met outside a transaction (full, read-only, locked), as the
    refusal it is; None for anything else (a bug: logged, generic sentence, exit 1)."""
    if not is_fault(exc):
        return None
    return storage_fault(exc, paths.data_dir(getattr(args, "data_dir", None)) / DB_NAME)


def _refuse_at_start(args: argparse.Namespace, message: str) -> int:
    """The station cannot open: one sentence on standard error and, when there is a screen
    (and not for ``--start-check``, which nobody answers), the same in a window; exit 2."""
    sys.stderr.write(message + "\n")
    if _has_screen() and not args.start_check:
        from counter_app.ui.app import show_start_failure

        show_start_failure(message, sys.argv[:1])
    return 2


def _has_screen() -> bool:
    """Whether Qt can open a window here (a desktop session, or an explicit Qt platform)."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _start_check(ctx: Any, *, offer_setup: bool) -> int:
    """Show the first window, let Qt's event loop run once, report it as JSON, exit.

    The first window is the one ``run_window`` would show: the first-start wizard on a station
    not yet set up (unless ``--demo``), else the login dialog. Proves that an installed bundle
    starts its window (Qt, its platform and print plugins, the station) without anyone at the
    keyboard; the window is closed unanswered, so nothing changes.
    """
    from counter_app.services.setup import is_set_up
    from counter_app.ui.app import application
    from counter_app.ui.dialogs.login_dialog import LoginDialog
    from counter_app.ui.wizard import SetupWizard

    app = application(sys.argv[:1])
    window = SetupWizard(ctx) if offer_setup and not is_set_up(ctx) else LoginDialog(ctx)
    window.show()
    app.processEvents()
    handle = window.windowHandle()
    shown = window.isVisible() and handle is not None and handle.isExposed()
    _emit(
        {
            "shown": shown,
            "window": type(window).__name__,
            "platform": app.platformName(),
            "version": __version__,
            "seconds_since_cli_import": round(time.perf_counter() - _STARTED, 3),
        }
    )
    window.close()
    return 0 if shown else 1


def start_default(args: argparse.Namespace, parser: VietnameseParser) -> int:
    """No subcommand: open (and on first start seed) the station, then the window.

    The window shows the first-start wizard on a station not yet set up, unless ``--demo``.
    A station that cannot open (read-only or full data folder, missing or locked database,
    damage) is said in one sentence on standard error and in a window, exit 2.

    Without a screen (a server, an SSH session) it says so and shows the station and the
    command list instead of crashing in Qt.
    """
    try:
        ctx = station(args)
    except DomainError as error:
        return _refuse_at_start(args, texts.error_message(error))
    except Exception as exc:  # never a traceback: a sentence, in a window when there is one
        fault = _fault(args, exc)
        if fault is not None:
            return _refuse_at_start(args, texts.error_message(fault))
        log.exception("unexpected error at start")
        logs = paths.data_dir(getattr(args, "data_dir", None)) / "logs"
        return _refuse_at_start(args, fault_texts.START_UNEXPECTED.format(path=logs))
    if args.start_check:
        return _start_check(ctx, offer_setup=not args.demo)
    if _has_screen():
        from counter_app.ui.app import run_window

        return run_window(ctx, sys.argv[:1], offer_setup=not args.demo)
    office = ctx.office()
    sys.stderr.write(texts.CLI_NO_SCREEN + "\n")
    sys.stdout.write(
        texts.cli_welcome(
            office.unit_name,
            str(ctx.store.data_dir),
            ctx.store.dossiers.count(),
            ctx.store.reference.count_procedures(),
        )
        + "\n\n"
    )
    parser.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
