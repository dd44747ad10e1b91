"""Vietnamese texts: attachments."""

from __future__ import annotations

from counter_app.domain.errors import ErrorCode

ATTACHMENTS_ERRORS: dict[ErrorCode, str] = {}
