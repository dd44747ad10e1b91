"""``attach``, ``scans``, ``scan-pdf`` and ``sign``: digitisation at reception without the window.

They go through the same services as the "Số hóa thành phần hồ sơ" panel
(``services.digitisation``, ``services.receipt_signing``, ``counter_app.signing``), so a
scripted intake, a support session or a test of the installed bundle stores exactly what the
window would. Components are numbered from 1 on the command line, as officers count them (the
services count from 0).

The PIN of a token or the password of a .p12 file is read from the terminal (``getpass``), or
from the first line of standard input with ``--pin-stdin``; never from an argument (it would
show in the process list and the shell history), never stored, never logged. Everything that
can be checked is checked before it is asked for.

A refusal (unknown code, bad component number, bad file, wrong PIN…) prints one Vietnamese
sentence on standard error and exits with 2, having changed nothing.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from counter_app import texts
from counter_app.cli import common as cli
from counter_app.cli.common import Add
from counter_app.cli.slip_cmd import find_dossier
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import write_durably
from counter_app.services.station import StationContext
from counter_app.texts import digitisation_cli as t
from counter_app.texts.digitisation import RECEIPT_SIGN_REASON
from counter_app.texts.digitisation_ui import SIGN_REASON

if TYPE_CHECKING:  # pyHanko is loaded only when a command signs or validates
    from counter_app.signing import DocumentSigner


def register(add: Add) -> None:
    """Add ``attach``, ``scans``, ``scan-pdf`` and ``sign`` through main.py's ``add``."""
    p = add("attach", t.CLI_ATTACH, cmd_attach)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=t.CLI_CODE)
    p.add_argument(
        "--component", type=int, required=True, metavar=t.METAVAR_N, help=t.CLI_COMPONENT
    )
    p.add_argument("files", nargs="+", metavar=t.METAVAR_FILES, help=t.CLI_ATTACH_FILES)
    cli.add_officer_options(p)

    p = add("scans", t.CLI_SCANS, cmd_scans)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=t.CLI_CODE)

    p = add("scan-pdf", t.CLI_SCAN_PDF, cmd_scan_pdf)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=t.CLI_CODE)
    p.add_argument(
        "--component", type=int, required=True, metavar=t.METAVAR_N, help=t.CLI_COMPONENT
    )
    p.add_argument("--out", required=True, metavar=t.METAVAR_PDF, help=t.CLI_SCAN_PDF_OUT)

    p = add("sign", t.CLI_SIGN, cmd_sign)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=t.CLI_CODE)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--component", type=int, metavar=t.METAVAR_N, help=t.CLI_COMPONENT)
    what.add_argument("--receipt", action="store_true", help=t.CLI_SIGN_RECEIPT)
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument("--p12", metavar=t.METAVAR_P12, help=t.CLI_SIGN_P12)
    key.add_argument("--pkcs11", metavar=t.METAVAR_LIB, help=t.CLI_SIGN_PKCS11)
    p.add_argument("--token", metavar=t.METAVAR_LABEL, help=t.CLI_SIGN_TOKEN)
    p.add_argument("--pin-stdin", action="store_true", help=t.CLI_SIGN_PIN_STDIN)
    cli.add_officer_options(p)


# --- helpers ------------------------------------------------------------------------------------


def _code(dossier: Dossier) -> str:
    return dossier.code or dossier.uuid


def _index(dossier: Dossier, number: int) -> int:
    """The 0-based position of component ``number`` (1-based, as typed); refused if none."""
    if not 1 <= number <= len(dossier.documents):
        raise DomainError(ErrorCode.COMPONENT_NOT_FOUND, component=number)
    return number - 1


def _refuse(message: str) -> NoReturn:
    sys.stderr.write(message + "\n")
    raise SystemExit(2)


def _status(pdf: bytes | None) -> str | None:
    """The overall signature status of ``pdf`` (re-checked now); None without the bytes."""
    return _checked(pdf)[0]


def _checked(pdf: bytes | None) -> tuple[str | None, list[str]]:
    """(overall status, every signer in signing order) of ``pdf``, re-checked now."""
    if pdf is None:
        return None, []
    from counter_app import signing

    report = signing.validate(pdf)
    return str(report.status), [s.common_name for s in report.signatures]


# --- attach / scans / scan-pdf -------------------------------------------------------------------


def cmd_attach(args: argparse.Namespace) -> Any:
    from counter_app.services import digitisation  # PDF and image libraries

    ctx = cli.station(args)
    dossier = find_dossier(ctx, args.code)
    index = _index(dossier, args.component)
    officer = cli.officer(ctx, args)
    draft = digitisation.ScanDraft()
    draft.add_files(Path(name) for name in args.files)
    record, _ = digitisation.attach_component(ctx, dossier.uuid, index, draft, officer=officer)
    return {
        "code": _code(dossier),
        "component": record.index + 1,
        "name": record.name,
        "pages": record.pages,
        "sha256": record.sha256,
        "size": record.size,
    }


def cmd_scans(args: argparse.Namespace) -> Any:
    from counter_app.services import digitisation  # PDF and image libraries

    ctx = cli.station(args)
    dossier = find_dossier(ctx, args.code)
    out = []
    for record in digitisation.components_of(ctx, dossier.uuid):
        status: str | None = None
        signers: list[str] = []
        if record.signed_sha256:
            status, signers = _checked(ctx.store.blobs.get(record.signed_sha256))
        out.append(
            {
                "index": record.index + 1,
                "name": record.name,
                "required": record.required,
                "digitised": record.digitised,
                "pages": record.pages,
                "sha256": record.sha256,
                "size": record.size,
                "filename": record.filename,
                "signed_sha256": record.signed_sha256,
                "signed_by": record.signed_by,
                "signed_at": record.signed_at.isoformat() if record.signed_at else None,
                "status": status,
                "signers": signers,  # every signature of the signed copy (they stack)
            }
        )
    return out


def cmd_scan_pdf(args: argparse.Namespace) -> Any:
    from counter_app.services import digitisation  # PDF and image libraries

    ctx = cli.station(args)
    dossier = find_dossier(ctx, args.code)
    index = _index(dossier, args.component)
    record = digitisation.components_of(ctx, dossier.uuid)[index]
    if not record.digitised:
        _refuse(t.cli_not_digitised(args.component))
    pdf = digitisation.component_pdf(ctx, dossier.uuid, index)
    if pdf is None:  # made at another counter of the office: fetched now, then kept here
        pdf = _fetch(ctx, dossier.uuid, index)
    out = Path(args.out)
    try:
        write_durably(out, pdf)
    except OSError:
        _refuse(t.cli_file_failed(str(out)))
    return {
        "code": _code(dossier),
        "component": args.component,
        "name": record.name,
        "signed": record.signed,
        "sha256": record.signed_sha256 or record.sha256,
        "size": len(pdf),
        "out": str(out),
    }


def _fetch(ctx: StationContext, dossier_uuid: str, index: int, *, which: str = "pdf") -> bytes:
    """Download the component's PDF (``which``: ``scan_fetch.PDF``/``BOTH``) from the
    province, a progress line on standard error (rewritten in place on a terminal, one line per
    tenth otherwise); the PDF to read (signed copy or scan) is returned."""
    from counter_app.services import digitisation, scan_fetch  # PDF and image libraries

    shown: list[int] = []
    tty = sys.stderr.isatty()

    def progress(step: scan_fetch.FetchProgress) -> None:
        percent = step.percent
        tenth = -1 if percent is None else percent // 10
        if not tty and shown and shown[-1] == tenth:
            return
        shown.append(tenth)
        line = t.cli_fetch_progress(step.part, step.parts, step.received, step.total)
        sys.stderr.write(("\r" + line) if tty else (line + "\n"))
        sys.stderr.flush()

    fetched = scan_fetch.fetch_component(ctx, dossier_uuid, index, which=which, progress=progress)
    if tty and shown:
        sys.stderr.write("\n")
    pdf = digitisation.component_pdf(ctx, dossier_uuid, index)
    if pdf is None:  # pragma: no cover - fetched and checked just above
        _refuse(t.cli_scan_not_here(index + 1))
    if fetched:
        sys.stderr.write(t.cli_fetch_done(len(pdf)) + "\n")
    return pdf


# --- sign ---------------------------------------------------------------------------------------


def _read_secret(args: argparse.Namespace, prompt: str) -> str:
    """The PIN or password: first line of standard input (--pin-stdin) or typed unseen."""
    if args.pin_stdin:  # after the officer's password when --password-stdin is given too
        return cli.read_stdin_line()
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\n")
        _refuse(t.CLI_SIGN_CANCELLED)


def _open_signer(args: argparse.Namespace) -> DocumentSigner:
    from counter_app import signing

    if args.p12:
        return signing.open_pkcs12(Path(args.p12), _read_secret(args, t.PROMPT_P12_PASSWORD))
    return signing.open_pkcs11(
        args.pkcs11, _read_secret(args, t.PROMPT_PIN), token_label=args.token or None
    )


def _check_sign_target(ctx: StationContext, dossier: Dossier, args: argparse.Namespace) -> bytes:
    """What will be signed, checked before the PIN is asked: the receipt, or the component's
    signed copy (the new signature stacks on the earlier ones) or else its scan."""
    from counter_app.services import digitisation, receipt_signing  # PDF and image libraries

    if args.receipt:
        return receipt_signing.receipt_to_sign(ctx, dossier.uuid)
    index = _index(dossier, args.component)
    record = digitisation.components_of(ctx, dossier.uuid)[index]
    if not record.digitised:
        raise DomainError(ErrorCode.COMPONENT_NOT_DIGITISED, component=args.component)
    pdf = digitisation.pdf_to_sign(ctx, dossier.uuid, index)
    if pdf is None or not ctx.store.blobs.has(record.sha256 or ""):  # made at another counter
        _fetch(ctx, dossier.uuid, index, which="both")
        pdf = digitisation.pdf_to_sign(ctx, dossier.uuid, index)
    if pdf is None:  # pragma: no cover - fetched and checked just above
        _refuse(t.cli_scan_not_here(args.component))
    return pdf


def cmd_sign(args: argparse.Namespace) -> Any:
    from counter_app.services import digitisation, receipt_signing  # PDF and image libraries

    if args.token and not args.pkcs11:
        _refuse(
            texts.cli_usage_error(
                texts.CLI_ERROR_TEMPLATES["not_allowed_with"].format("--token", "--p12")
            )
        )
    ctx = cli.station(args)
    dossier = find_dossier(ctx, args.code)
    officer = cli.officer(ctx, args)
    pdf = _check_sign_target(ctx, dossier, args)
    with _open_signer(args) as signer:
        if args.receipt:
            # As the window does: sign the receipt checked above, record (re-checked) after.
            signed = signer.sign(pdf, reason=RECEIPT_SIGN_REASON, location=ctx.office().place_name)
            receipt, _ = receipt_signing.record_receipt_signature(
                ctx,
                dossier.uuid,
                signed,
                signer_name=signer.identity.common_name,
                officer=officer,
            )
            return {
                "code": _code(dossier),
                "receipt": True,
                "signer": receipt.signer,
                "signed_at": receipt.signed_at.isoformat(),
                "sha256": receipt.sha256,
                "status": _status(signed),
            }
        index = args.component - 1
        signed = signer.sign(pdf, reason=SIGN_REASON, location=ctx.office().place_name)
        record, _ = digitisation.record_signature(
            ctx,
            dossier.uuid,
            index,
            signed,
            signer_name=signer.identity.common_name,
            officer=officer,
        )
    return {
        "code": _code(dossier),
        "component": args.component,
        "name": record.name,
        "signer": record.signed_by,
        "signed_at": record.signed_at.isoformat() if record.signed_at else None,
        "sha256": record.signed_sha256,
        "status": _status(signed),
    }
