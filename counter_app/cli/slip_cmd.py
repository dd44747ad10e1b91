"""The ``slip`` subcommand: write one slip of an existing dossier to a PDF file.

It goes through ``services.slips.issue_slip`` (so the print is archived, hashed, logged and
marked as a reprint when it is one), then writes the archived slip's PDF to ``--out`` (read
back through ``services.archive``: the exact bytes printed; ``archived`` is the compact file).
Output: JSON ``{code, form, size, sha256, reprint, archived, out}``. A bad code, form or
size, or a form the dossier does not have, gives a Vietnamese sentence on standard error and
exit status 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app import texts
from counter_app.cli import common as cli
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import PaperSize, write_durably
from counter_app.services.station import StationContext
from counter_app.texts import forms as ft
from counter_app.texts import slips as t

AddCommand = Callable[[str, str, Callable[[argparse.Namespace], Any]], argparse.ArgumentParser]
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def register(add: AddCommand) -> None:
    """Add ``slip`` to the parser through main.py's ``add(name, help, handler)`` helper."""
    p = add("slip", t.CLI_SLIP, cmd_slip)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=t.CLI_SLIP_CODE)
    p.add_argument("--form", default="receipt", metavar=t.METAVAR_FORM, help=ft.CLI_SLIP_FORM)
    p.add_argument("--size", default="a5", metavar=t.METAVAR_SIZE, help=t.CLI_SLIP_SIZE)
    p.add_argument("--out", required=True, metavar=t.METAVAR_PDF, help=t.CLI_SLIP_OUT)
    cli.add_officer_options(p)


def find_dossier(ctx: StationContext, code_or_uuid: str) -> Dossier:
    """The dossier with this code, or with this uuid (guided/refused dossiers have no code)."""
    value = code_or_uuid.strip()
    if _UUID_RE.match(value):
        found = ctx.store.dossiers.by_uuid(value.lower())
        if found is None:
            raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, code=value)
        return found
    return ctx.dossier_by_code(value)


def cmd_slip(args: argparse.Namespace) -> Any:
    from counter_app.services import archive, slips  # reportlab: only when a slip prints

    form = slips.SlipForm.parse(args.form)
    size = PaperSize.parse(args.size)
    ctx = cli.station(args)
    dossier = find_dossier(ctx, args.code)
    officer = cli.officer(ctx, args)
    record, archived, _ = slips.issue_slip(ctx, dossier, form=form, size=size, officer=officer)
    out = Path(args.out)
    try:
        write_durably(out, archive.read_archived(ctx.store.data_dir, archived))
    except OSError:
        # The slip is archived and recorded already; only the copy to --out failed.
        sys.stderr.write(t.cli_slip_out_failed(str(out), str(archived)) + "\n")
        raise SystemExit(2) from None
    return {
        "code": dossier.code or dossier.uuid,
        "form": form.value,
        "size": size.value,
        "sha256": record.sha256,
        "reprint": record.reprint,
        "archived": str(archived),
        "out": str(out),
    }
