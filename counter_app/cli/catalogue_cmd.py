"""``counter-app procedures``, ``procedure`` and ``favourites``; the ``--papers`` of ``receive``.

- ``procedures QUERY [--limit N]``: a JSON array ``[{code, name, level, field, time}]`` in the
  window's ranking (``time`` as the window writes it);
- ``procedure CODE``: ``{code, name, level, field, time, fee, papers}`` with ``papers`` the
  checklist as the window shows it, in its order: ``{index (from 1), title, text (the legal
  text), kind ("nộp" handed over / "xuất trình" only shown), conditional, form, count}``;
- ``favourites [--add CODE] [--remove CODE]``: the office's pinned procedures after the change;
- ``receive --papers 1,3``: those papers of ``procedure CODE`` were handed over, every other one
  not; without it no paper is recorded as handed over.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from counter_app import texts
from counter_app.cli.common import Add, add_officer_options, officer, station
from counter_app.domain.models import DocumentItem, Procedure
from counter_app.services import intake, procedures
from counter_app.services.station import StationContext
from counter_app.texts import catalogue as t
from counter_app.texts import window as wt


def procedure_summary(procedure: Procedure) -> dict[str, Any]:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "level": procedure.level,
        "field": procedure.field,
        "time": texts.describe_time(procedure.processing_time),
    }


def paper_json(index: int, paper: DocumentItem) -> dict[str, Any]:
    return {
        "index": index,
        "title": paper.label,
        "text": paper.name,
        "kind": t.KIND_SHOWN if paper.show_only else t.KIND_HANDED,
        "conditional": paper.conditional,
        "form": wt.FORM_LABELS[paper.form],
        "count": paper.count,
    }


def cmd_procedures(args: argparse.Namespace) -> Any:
    ctx = station(args)
    return [procedure_summary(p) for p in procedures.search(ctx, args.text, limit=args.limit)]


def cmd_procedure(args: argparse.Namespace) -> Any:
    ctx = station(args)
    procedure = intake.procedure_or_error(ctx, args.code.strip())
    out = procedure_summary(procedure)
    out["fee"] = procedure.fee_text
    out["papers"] = [paper_json(i, p) for i, p in enumerate(procedure.documents, 1)]
    return out


def cmd_favourites(args: argparse.Namespace) -> Any:
    ctx = station(args)
    if args.add or args.remove:
        username = officer(ctx, args)
        for code in args.add or []:
            procedures.set_favourite(ctx, code, pinned=True, officer=username)
        for code in args.remove or []:
            procedures.set_favourite(ctx, code, pinned=False, officer=username)
    found = [ctx.store.reference.procedure(c) for c in procedures.favourites(ctx)]
    return [procedure_summary(p) for p in found if p is not None]


def _fail(message: str) -> None:
    sys.stderr.write(message + "\n")
    raise SystemExit(2)


def parse_papers(value: str | None) -> list[int]:
    """``--papers 1,3`` as indexes (from 1); an empty or missing value is no paper."""
    if value is None or not value.strip():
        return []
    try:
        indexes = [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        _fail(t.cli_papers_invalid(value))
    return indexes


def received_papers(
    ctx: StationContext, procedure_code: str, value: str | None
) -> tuple[DocumentItem, ...]:
    """The checklist of ``procedure_code`` with ``--papers`` ticked, every other paper not."""
    indexes = parse_papers(value)
    procedure = intake.procedure_or_error(ctx, procedure_code)
    try:
        return procedures.handed_over(procedure, indexes)
    except IndexError as error:
        _fail(t.cli_paper_out_of_range(int(error.args[0]), len(procedure.documents)))
        raise


def register(add: Add) -> None:
    p = add("procedures", t.CLI_PROCEDURES, cmd_procedures)
    p.add_argument("text", metavar=texts.METAVAR_TEXT, help=t.CLI_PROCEDURES_TEXT)
    p.add_argument("--limit", type=int, default=15, help=t.CLI_PROCEDURES_LIMIT)
    p = add("procedure", t.CLI_PROCEDURE, cmd_procedure)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=t.CLI_PROCEDURE_CODE)
    p = add("favourites", t.CLI_FAVOURITES, cmd_favourites)
    p.add_argument("--add", action="append", metavar=texts.METAVAR_CODE, help=t.CLI_FAVOURITES_ADD)
    p.add_argument(
        "--remove", action="append", metavar=texts.METAVAR_CODE, help=t.CLI_FAVOURITES_REMOVE
    )
    add_officer_options(p)


def add_papers_option(parser: argparse.ArgumentParser) -> None:
    """``receive --papers``: which papers of the checklist were handed over."""
    parser.add_argument("--papers", metavar=t.METAVAR_PAPERS, help=t.CLI_RECEIVE_PAPERS)
