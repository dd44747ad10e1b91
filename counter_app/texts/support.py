"""Vietnamese texts: support."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

SUPPORT_ERRORS: dict[ErrorCode, str] = {}
