"""HTTP errors of the API: a status, a machine code (sync_protocol.ErrorCodes), a detail."""

from __future__ import annotations

from sync_protocol import ErrorBody


class ApiError(Exception):
    """Raised by routers and dependencies; answered as JSON :class:`ErrorBody`."""

    def __init__(
        self, status: int, code: str, detail: str = "", *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = dict(headers or {})

    def body(self) -> ErrorBody:
        return ErrorBody(code=self.code, detail=self.detail)


class AdminError(Exception):
    """A refused administrator command (issue-code, revoke); the message is for the admin."""
