"""The gateway's HTTP client (httpx): the session login and the integration services
(shared/reference/national-portal.md). Raises :class:`PortalError` with the portal's answer,
:class:`UnreachableError` when no answer came (timeout, connection, 5xx: the call may or may not
have been processed)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from province_server.national.config import NationalSettings


class PortalError(Exception):
    """The portal answered and refused: ``answer`` is its body (text)."""

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


class UnreachableError(Exception):
    """No usable answer: the request may have been processed."""


class _SessionExpiredError(Exception):
    pass


class PortalClient:
    """One session, logged in on first use and again when the portal says it expired
    (the call is then retried once: a refused session processed nothing)."""

    def __init__(self, settings: NationalSettings, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self.http = http or httpx.Client(timeout=settings.timeout_s)
        self.session = ""
        self.logins = 0

    def close(self) -> None:
        self.http.close()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.http.post(self.settings.url + path, json=body)
        except httpx.HTTPError as error:
            raise UnreachableError(f"{type(error).__name__}: {error}") from None
        if response.status_code == 401:
            raise _SessionExpiredError
        if response.status_code >= 500:
            raise UnreachableError(f"HTTP {response.status_code}: {response.text[:500]}")
        try:
            answer = response.json()
        except ValueError:
            raise PortalError(f"HTTP {response.status_code}: {response.text[:500]}") from None
        if not isinstance(answer, dict):
            raise PortalError(response.text[:1000])
        return answer

    def login(self) -> None:
        answer = self._post(
            self.settings.auth_path,
            {"username": self.settings.username, "password": self.settings.password},
        )
        if str(answer.get("error_code")) not in ("0", "00") or not answer.get("session"):
            raise PortalError(json.dumps(answer, ensure_ascii=False)[:1000])
        self.session = str(answer["session"])
        self.logins += 1

    def call(self, service: str, madonvi: str, **fields: Any) -> dict[str, Any]:
        """One integration call; the answer when ``error_code`` is ``"00"``."""
        for attempt in range(2):
            if not self.session:
                self.login()
            body = {"session": self.session, "madonvi": madonvi, "service": service, **fields}
            try:
                answer = self._post(self.settings.integration_path, body)
                code = str(answer.get("error_code"))
                if code in self.settings.session_errors:
                    raise _SessionExpiredError
            except _SessionExpiredError:
                self.session = ""
                if attempt:
                    raise PortalError("session refused right after a new login") from None
                continue
            if code != "00":
                raise PortalError(json.dumps(answer, ensure_ascii=False)[:1000])
            return answer
        raise AssertionError("unreachable")
