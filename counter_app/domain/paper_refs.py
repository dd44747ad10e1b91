"""A dossier's papers by reference to the catalogue checklist they came from (issue 12 item 7,
issue 16 item 5): the checklist is stored once, each dossier keeps only what it changed.

The stored and wire form of a dossier's papers (``papers``) is a list, one entry per paper in
the dossier's order:

- an int ``i``: paper ``i`` of the catalogue checklist, handed over (``received``) as the
  catalogue lists it (same form, same count);
- ``{"ref": i, "received": false, "count": n, "form": f}``: paper ``i`` with what differs (only
  the keys that differ are written);
- a full paper object (``DocumentItem.to_json()``, it has ``name``): a paper the officer typed,
  not in the catalogue.

The checklist itself is named by :func:`checklist_digest` (16 hex digits of the SHA-256 of its
canonical JSON), so two stations agree on it whatever its version label says, and a checklist
rebuilt under the same label is another checklist. ``expand(compact(d, c), c) == d`` for every
papers ``d`` and checklist ``c`` (:func:`compact` falls back to a full object for a paper it
cannot refer to).

A station that lacks a checklist still shows the dossier: :func:`expand` gives each referred
paper a placeholder (its number in the checklist, received flag, count and form right) whose
``name`` keeps the reference, so that :func:`compact` writes it back unchanged and the real
paper shows as soon as the checklist arrives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from counter_app.domain.models import DocumentForm, DocumentItem

DIGEST_LENGTH = 16
PLACEHOLDER_PREFIX = "@checklist:"  # name of a paper whose checklist is not at this station
Papers = list[Any]


def checklist_digest(documents: Sequence[DocumentItem]) -> str:
    """The name of a catalogue checklist: 16 hex digits of the SHA-256 of its papers (their
    JSON as stored, received flags cleared)."""
    canonical = json.dumps(
        [replace(d, received=False).to_json() for d in documents],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def _same_paper(a: DocumentItem, b: DocumentItem) -> bool:
    return (a.name, a.group, a.title, a.show_only, a.conditional) == (
        b.name,
        b.group,
        b.title,
        b.show_only,
        b.conditional,
    )


def _placeholder_ref(document: DocumentItem, digest: str) -> int | None:
    prefix = f"{PLACEHOLDER_PREFIX}{digest}/"
    if not document.name.startswith(prefix):
        return None
    number = document.name[len(prefix) :]
    return int(number) if number.isdigit() else None


def compact(
    documents: Sequence[DocumentItem], checklist: Sequence[DocumentItem], *, digest: str
) -> Papers:
    """The ``papers`` of ``documents`` against ``checklist`` (named ``digest``)."""
    out: Papers = []
    used: set[int] = set()
    for document in documents:
        index = _placeholder_ref(document, digest)
        if index is None:
            index = next(
                (
                    i
                    for i, paper in enumerate(checklist)
                    if i not in used and _same_paper(paper, document)
                ),
                None,
            )
        if index is None:
            out.append(document.to_json())
            continue
        used.add(index)
        base = checklist[index] if index < len(checklist) else None
        entry: dict[str, Any] = {"ref": index}
        if not document.received:
            entry["received"] = False
        if base is None or document.count != base.count:
            entry["count"] = document.count
        if base is None or document.form is not base.form:
            entry["form"] = document.form.value
        out.append(index if entry == {"ref": index} and base is not None else entry)
    return out


def expand(
    papers: Sequence[Any],
    checklist: Sequence[DocumentItem] | None,
    *,
    digest: str,
    label: str = "",
) -> tuple[DocumentItem, ...]:
    """The dossier's papers from ``papers`` and its checklist (None: not at this station;
    referred papers become placeholders titled ``<label> #<n>``)."""
    out = []
    for entry in papers:
        if isinstance(entry, dict) and "name" in entry:
            out.append(DocumentItem.from_json(entry))
            continue
        if isinstance(entry, dict):
            index = int(entry["ref"])
            received = bool(entry.get("received", True))
        else:
            index, received = int(entry), True
        base = checklist[index] if checklist is not None and 0 <= index < len(checklist) else None
        if base is None:
            base = DocumentItem(
                name=f"{PLACEHOLDER_PREFIX}{digest}/{index}",
                title=f"{label} #{index + 1}".strip(),
            )
        paper = replace(base, received=received)
        if isinstance(entry, dict):
            if "count" in entry:
                paper = replace(paper, count=int(entry["count"]))
            if "form" in entry:
                paper = replace(paper, form=DocumentForm(entry["form"]))
        out.append(paper)
    return tuple(out)


def is_placeholder(document: DocumentItem) -> bool:
    """A paper whose catalogue checklist is not at this station (see :func:`expand`)."""
    return document.name.startswith(PLACEHOLDER_PREFIX)
