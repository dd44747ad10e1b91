"""``counter-app event``, ``counter-app report`` and ``counter-app register``: actions after
reception, the period report (JSON, plus Biểu 06 as .xlsx / PDF files on request) and the
year's register as a PDF, with the same rules as the window. A file that cannot be written
gives a Vietnamese sentence and exit status 2 (the JSON is not printed then)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from counter_app import texts
from counter_app.cli.common import (
    Add,
    add_officer_options,
    check_texts,
    dossier_summary,
    officer,
    parse_at,
    station,
)
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import write_durably
from counter_app.services.actions import Action, record_action
from counter_app.services.reports import GroupBy, report
from counter_app.texts import reports as rt


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(ErrorCode.DATE_INVALID, value=value) from None


def cmd_event(args: argparse.Namespace) -> Any:
    try:
        payload = json.loads(args.json) if args.json else {}
    except json.JSONDecodeError as exc:
        raise DomainError(ErrorCode.JSON_INVALID, detail="syntax", line=exc.lineno) from None
    if not isinstance(payload, dict):
        raise DomainError(ErrorCode.JSON_INVALID, detail="object_expected")
    check_texts(payload)
    at = parse_at(args.at) if args.at else None
    ctx = station(args)
    dossier = ctx.dossier_by_code(args.code)
    updated, _ = record_action(
        ctx, dossier, Action(args.kind), officer=officer(ctx, args), payload=payload, at=at
    )
    summary = dossier_summary(updated)
    summary["event"] = args.kind
    summary["apology_issued"] = updated.apology_issued
    return summary


def _fail_write(path: Path) -> None:
    sys.stderr.write(rt.cli_file_failed(str(path)) + "\n")
    raise SystemExit(2)


def cmd_report(args: argparse.Namespace) -> Any:
    from counter_app.services.exports import write_report  # openpyxl, reportlab

    start, end = _date(args.date_from), _date(args.date_to)
    if start > end:
        raise DomainError(ErrorCode.DATE_INVALID, value=f"{args.date_from} > {args.date_to}")
    ctx = station(args)
    result = report(ctx, start=start, end=end, by=GroupBy(args.by))
    out = result.to_dict()
    xlsx = Path(args.xlsx) if args.xlsx else None
    pdf = Path(args.pdf) if args.pdf else None
    try:
        files = write_report(ctx, result, xlsx=xlsx, pdf=pdf)
    except OSError as error:
        _fail_write(Path(error.filename or (xlsx or pdf or "")))
    if files:
        out["files"] = files
    return out


def cmd_register(args: argparse.Namespace) -> Any:
    from counter_app.services.register import render_register_pdf  # reportlab

    try:
        year = int(args.year)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2099:
        sys.stderr.write(rt.cli_year_invalid(str(args.year)) + "\n")
        raise SystemExit(2)
    ctx = station(args)
    pdf = render_register_pdf(ctx, year=year, book_size=max(args.book_size, 0))
    out = Path(args.pdf)
    try:
        write_durably(out, pdf)
    except OSError:
        _fail_write(out)
    return {"year": year, "book_size": args.book_size, "pdf": str(out)}


def register(add: Add) -> None:
    """Add the ``event`` and ``report`` subcommands to the parser."""
    p = add("event", texts.CLI_EVENT, cmd_event)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=texts.CLI_EVENT_CODE)
    p.add_argument(
        "kind",
        choices=[a.value for a in Action],
        metavar=texts.METAVAR_KIND,
        help=texts.CLI_EVENT_KIND,
    )
    p.add_argument("--at", metavar=texts.METAVAR_AT, help=texts.CLI_EVENT_AT)
    p.add_argument("--json", metavar="JSON", help=texts.CLI_EVENT_JSON)
    add_officer_options(p)
    p = add("report", rt.CLI_REPORT, cmd_report)
    p.add_argument(
        "--from",
        dest="date_from",
        required=True,
        metavar=texts.METAVAR_DATE,
        help=texts.CLI_REPORT_FROM,
    )
    p.add_argument(
        "--to", dest="date_to", required=True, metavar=texts.METAVAR_DATE, help=texts.CLI_REPORT_TO
    )
    p.add_argument("--xlsx", metavar=rt.METAVAR_XLSX, help=rt.CLI_REPORT_XLSX)
    p.add_argument("--pdf", metavar=rt.METAVAR_PDF, help=rt.CLI_REPORT_PDF)
    p.add_argument(
        "--by",
        default=GroupBy.FIELD.value,
        choices=[g.value for g in GroupBy],
        metavar=rt.METAVAR_BY,
        help=rt.CLI_REPORT_BY,
    )
    p = add("register", rt.CLI_REGISTER, cmd_register)
    p.add_argument("--year", required=True, metavar=rt.METAVAR_YEAR, help=rt.CLI_REGISTER_YEAR)
    p.add_argument(
        "--book-size", type=int, default=0, metavar=rt.METAVAR_COUNT, help=rt.CLI_REGISTER_BOOK
    )
    p.add_argument("--pdf", required=True, metavar=rt.METAVAR_PDF, help=rt.CLI_REGISTER_PDF)
