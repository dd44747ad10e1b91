"""Issue 17 item 7 at the counter: https to any server not on this computer, and the daily
upload quota named in Vietnamese.

The override for a test network is the environment variable ``COUNTER_APP_ALLOW_HTTP=1``.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import httpx
import pytest

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.sync.attachment_client import HttpAttachmentClient
from counter_app.sync.client import ALLOW_HTTP_ENV, HttpSyncClient, normalise_url
from tests.server.test_sync_cli import _run as run_cli

FAR = "http://no-such-host.invalid:8000"  # never resolves, so nothing is ever sent


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_HTTP_ENV, raising=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://motcua.tinh.gov.vn",
        "https://10.0.0.5:8443/",
        "http://127.0.0.1:8000",
        "http://127.8.9.10",
        "http://localhost:8000",
        "http://[::1]:8000",
    ],
)
def test_https_and_loopback_addresses_are_accepted(url: str) -> None:
    assert normalise_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://motcua.tinh.gov.vn", "http://10.0.0.5:8000", "HTTP://192.168.1.2", FAR]
)
def test_plain_http_elsewhere_is_refused_with_its_reason(url: str) -> None:
    with pytest.raises(DomainError) as refused:
        normalise_url(url)
    assert refused.value.code is ErrorCode.SYNC_INSECURE_URL
    message = texts.error_message(refused.value)
    assert "https://" in message and ALLOW_HTTP_ENV in message
    assert unicodedata.is_normalized("NFC", message)


def test_every_client_checks_so_sync_refuses_a_stored_http_address_too() -> None:
    with httpx.Client() as http, pytest.raises(DomainError) as refused:
        HttpSyncClient(FAR, "token", http)
    assert refused.value.code is ErrorCode.SYNC_INSECURE_URL


def test_the_administrator_override_allows_http(monkeypatch: pytest.MonkeyPatch) -> None:
    with httpx.Client() as http:
        assert HttpSyncClient(FAR, "token", http, allow_http=True).base_url == FAR
        monkeypatch.setenv(ALLOW_HTTP_ENV, "1")
        assert HttpSyncClient(FAR, "token", http).base_url == FAR
        monkeypatch.setenv(ALLOW_HTTP_ENV, "yes")  # only the documented value
        with pytest.raises(DomainError):
            HttpSyncClient(FAR, "token", http)


def test_enrolment_from_the_command_line_refuses_plain_http(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = run_cli(tmp_path, "", "counter_app", "enrol", FAR, "ABCD-EFGH")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    insecure = texts.error_message(DomainError(ErrorCode.SYNC_INSECURE_URL, url=FAR))
    assert refused.stderr.strip() == insecure
    monkeypatch.setenv(ALLOW_HTTP_ENV, "1")
    tried = run_cli(tmp_path, "", "counter_app", "enrol", FAR, "ABCD-EFGH")  # to the network
    assert tried.returncode == 2
    assert tried.stderr.strip() == texts.error_message(DomainError(ErrorCode.SYNC_UNREACHABLE))


def test_the_daily_upload_quota_is_named_to_the_officer() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = {"code": "upload_quota_exceeded", "detail": "quota", "server_version": 1}
        return httpx.Response(429, json=body, headers={"Retry-After": "3600"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        client = HttpAttachmentClient(HttpSyncClient("https://motcua.example", "token", http))
        with pytest.raises(DomainError) as refused:
            client.put_chunk("a" * 64, offset=0, data=b"x", size=1, mime="application/pdf")
    assert refused.value.code is ErrorCode.ATTACHMENT_QUOTA_EXCEEDED
    assert "ngày mai" in texts.error_message(refused.value)
