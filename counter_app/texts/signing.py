"""Vietnamese texts: signing."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

SIGNING_ERRORS: dict[ErrorCode, str] = {}
