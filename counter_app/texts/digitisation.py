"""Vietnamese texts: digitisation."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

DIGITISATION_ERRORS: dict[ErrorCode, str] = {}
