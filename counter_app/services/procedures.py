"""The procedure catalogue at the counter: ranked search, pinned favourites, checklists.

Favourites are pinned per office in the station's config (``favourite_procedures``, a list of
codes in pinned order; the station belongs to one office). The office's level
(``office_level``: ``xa`` by default, ``tinh`` for a provincial centre) orders the search. Any
active officer may pin or unpin (a convenience of the counter, recorded in the audit log).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import DocumentItem, Procedure
from counter_app.services.officers import require_officer
from counter_app.services.station import StationContext
from counter_app.storage.repositories import FAVOURITES_KEY

MAX_FAVOURITES = 30


def search(ctx: StationContext, text: str, *, limit: int = 15) -> list[Procedure]:
    """The procedures matching ``text``, best first (domain/procedure_search.py)."""
    return ctx.store.reference.find_procedures(text, limit=max(limit, 0))


def favourites(ctx: StationContext) -> list[str]:
    return list(ctx.store.reference.search_preferences().favourites)


def set_favourite(ctx: StationContext, code: str, *, pinned: bool, officer: str) -> list[str]:
    """Pin (at the end) or unpin ``code``; one transaction; returns the pinned codes."""
    procedure = ctx.store.reference.procedure(code.strip())
    if procedure is None:
        raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, code=code.strip())
    username = require_officer(ctx, officer).username
    current = favourites(ctx)
    updated = [c for c in current if c != procedure.code]
    if pinned:
        updated = [*updated, procedure.code][-MAX_FAVOURITES:]
    if updated == current:
        return current
    with ctx.store.db.atomic():
        ctx.store.config.set(FAVOURITES_KEY, updated)
        ctx.store.audit.record(
            at=ctx.clock.now(),
            officer=username,
            action="favourite_pinned" if pinned else "favourite_unpinned",
            dossier_uuid=None,
            detail={"procedure": procedure.code},
        )
    return updated


def handed_over(procedure: Procedure, indexes: Sequence[int]) -> tuple[DocumentItem, ...]:
    """The procedure's checklist with the papers numbered ``indexes`` (from 1, as
    ``counter-app procedure`` lists them) handed over and every other one not.

    Raises IndexError with the first index out of range."""
    papers = procedure.documents
    for index in indexes:
        if not 1 <= index <= len(papers):
            raise IndexError(index)
    chosen = set(indexes)
    return tuple(replace(p, received=i in chosen) for i, p in enumerate(papers, 1))
