"""Finding dossiers: by scanned code, or diacritics-insensitive text search."""

from __future__ import annotations

from counter_app.domain.codes import looks_like_code, parse_code
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.text import search_tokens
from counter_app.services.station import StationContext


def search(ctx: StationContext, text: str, *, limit: int = 50) -> list[Dossier]:
    """A scanned or typed code opens that dossier; other text matches every word as a
    prefix (no diacritics needed, đ = d) in codes, names, ID numbers and procedure names,
    newest first."""
    if not search_tokens(text):
        raise DomainError(ErrorCode.SEARCH_QUERY_EMPTY)
    if looks_like_code(text):
        found = ctx.store.dossiers.by_code(str(parse_code(text)))
        if found is not None:
            return [found]
    return ctx.store.dossiers.search(text, limit=max(1, min(limit, 500)))
