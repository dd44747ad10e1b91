"""What every subcommand shares: opening the station, the acting officer, times, summaries.

An action is attributed only to an officer who authenticated: ``--officer`` (or the station's
default command-line officer) says which account, and its password is asked unseen on the
terminal, or read from the first line of standard input with ``--password-stdin`` (scripts;
a PIN read by ``--pin-stdin`` then comes on the next line). Never from an argument. The
login is audited as in the window.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, NoReturn

from counter_app import paths, texts
from counter_app.app import open_station, setup_logging
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fields import LIMITS, bad_character
from counter_app.domain.models import VN_TZ, Role
from counter_app.reference.rules import dossier_rules
from counter_app.services.officers import authenticate, require_officer
from counter_app.services.station import StationContext
from counter_app.texts import integrity as integrity_texts

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
    """The station of --data-dir (or its default), opened, migrated, seeded, with logging.

    A history found rewritten at open is said on standard error (the command still runs:
    the desk must not stop; ``counter-app check`` refuses)."""
    data_dir = paths.data_dir(getattr(args, "data_dir", None))
    setup_logging(data_dir)
    ctx = open_station(data_dir)
    if ctx.store.open_breaks:
        sys.stderr.write(integrity_texts.history_rewritten(ctx.store.open_breaks) + "\n")
    return ctx


def add_officer_options(parser: argparse.ArgumentParser) -> None:
    """--officer and --password-stdin, for every subcommand that records who acted."""
    parser.add_argument("--officer", metavar=texts.METAVAR_NAME, help=texts.CLI_OFFICER)
    parser.add_argument(
        "--password-stdin", action="store_true", help=integrity_texts.CLI_PASSWORD_STDIN
    )


def officer(
    ctx: StationContext, args: argparse.Namespace, roles: frozenset[Role] = frozenset(Role)
) -> str:
    """The officer who authenticated (see the module): --officer, else the station's default
    command-line officer, active, with one of ``roles``, and the right password."""
    username = getattr(args, "officer", None) or ctx.setting("cli_officer", "")
    if not username:
        refuse(integrity_texts.CLI_OFFICER_MISSING)
    require_officer(ctx, username, roles)
    password = read_password(args, username)
    return authenticate(ctx, username=username, password=password).username


def read_password(args: argparse.Namespace, username: str) -> str:
    """The first line of standard input (--password-stdin), else typed unseen on a terminal."""
    if getattr(args, "password_stdin", False):
        return read_stdin_line()
    if not sys.stdin.isatty():
        refuse(integrity_texts.CLI_PASSWORD_NEEDED.format(username=username))
    return typed_secret(
        integrity_texts.PROMPT_PASSWORD.format(username=username),
        cancelled=integrity_texts.CLI_PASSWORD_CANCELLED,
    )


def typed_secret(prompt: str, *, cancelled: str) -> str:
    """A secret typed unseen at the terminal; Ctrl+D or Ctrl+C refuses with ``cancelled``."""
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\n")
        refuse(cancelled)


def read_stdin_line() -> str:
    """One line of standard input, without its line break (and a BOM: Notepad)."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.readline() if stream is not None else b""
    return raw.decode("utf-8-sig", errors="replace").rstrip("\r\n")


def refuse(message: str) -> NoReturn:
    """One Vietnamese sentence on standard error, exit 2, nothing changed."""
    sys.stderr.write(message + "\n")
    raise SystemExit(2)


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
        "due_expected": dossier.due_expected,
        # the set the dossier follows (one stored before rule sets were data: by its date)
        "rule_set": dossier_rules(dossier.rule_set, dossier.received_at).name,
        "cross_boundary": dossier.cross_boundary,
        "authority_received_at": (
            dossier.authority_received_at.isoformat() if dossier.authority_received_at else None
        ),
    }


# Texts that may span lines (tab and line breaks allowed); any other text is one line.
MULTILINE_KEYS = frozenset({"note", "reason", "comment", "content"})
DEFAULT_TEXT_LIMIT = 2000  # a note, a reason, any text without a limit of its own
LIST_TEXT_LIMIT = 8000  # a paper's legal text in a checklist (the longest is 4,710)
_LINE_BREAKS = frozenset("\t\n\r")


def check_texts(value: Any, path: str = "") -> None:
    """Refuse (exit 2, one sentence naming the field) any text of a JSON value read from a
    file or an argument that holds NUL, another control character, a bidi mark or a lone
    surrogate, or that is longer than its field's maximum (``domain.fields.LIMITS``: name
    100, address 300…; else 2,000; 8,000 inside a list: papers). Keys are texts too. The
    rules are the reception form's; the shared event validator checks the event again."""
    if isinstance(value, str):
        key = path.rsplit(".", 1)[-1].split("[", 1)[0]
        # In a list (a checklist's papers) texts are the catalogue's: only the wire's bound.
        limit = LIST_TEXT_LIMIT if "[" in path else LIMITS.get(key, DEFAULT_TEXT_LIMIT)
        if len(value) > limit and len(value.strip()) > limit:
            refuse(integrity_texts.text_refused(_label(path), "too_long", limit))
        allowed = _LINE_BREAKS if key in MULTILINE_KEYS else frozenset()
        if any(bad_character(ch) and ch not in allowed for ch in value):
            refuse(integrity_texts.text_refused(_label(path), "characters"))
    elif isinstance(value, dict):
        for key, item in value.items():
            name = integrity_texts.KEY_LABEL
            check_texts(key, f"{path}.{name}" if path else name)
            check_texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_texts(item, f"{path}[{index + 1}]")


def _label(path: str) -> str:
    """The field as the officer knows it: its Vietnamese label, with the path it sits in."""
    key = path.rsplit(".", 1)[-1].split("[", 1)[0]
    label = texts.APPLICANT_FIELD_LABELS.get(key)
    return f"{label} ({path})" if label else path
