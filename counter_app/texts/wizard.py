"""Vietnamese texts: wizard."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

WIZARD_ERRORS: dict[ErrorCode, str] = {}
