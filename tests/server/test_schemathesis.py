"""Schemathesis over the province server's OpenAPI document, against the real server.

Every operation of ``/openapi.json`` gets generated requests, valid ones and invalid ones
(schemathesis' positive and negative modes: wrong types, missing headers, strange texts with
NUL, controls and surrogates), sent to the uvicorn child process on loopback with a real
enrolled station's token (and the administrator token for the dashboard). Checked for each:

- never a 5xx (``not_a_server_error``);
- the status and media type are ones the document gives (``status_code_conformance``,
  ``content_type_conformance``), so the spec tells a client every answer it can get;
- a refused request (4xx) changes nothing: a digest of every table is taken before and
  after it and must be equal. One exception, by design: ``lookup_throttle`` counts the wrong
  tries of the citizen lookup page (a wrong key is refused *and* counted, see
  province_server/pages/throttle.py).

The push body is compressed on the wire (``Content-Encoding``: the preset-dictionary deflate
or gzip, as the document says): when the generated request carries one of those, its JSON is
compressed so here before it is sent. The
batch's and its events' ``station_id`` are set to the enrolled station's, so generated
batches get through the batch checks to the per-event ones.

Bounded for CI: :data:`EXAMPLES` cases per operation and generation mode, derandomised (the
same cases on every run), no example database.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from province_server.config import Settings
from province_server.main import create_app
from province_server.testing import ServerProcess
from sync_protocol import PUSH_ENCODINGS
from sync_protocol.v1 import DICT_ENCODINGS
from sync_protocol.zdict import dictionary
from tests.server.api_station import ApiStation, enrol_over_http, table_digests
from tests.server.conftest import ADMIN_TOKEN, IssueCode, new_agency

EXAMPLES = 100


@dataclass(frozen=True, slots=True)
class Fuzzed:
    server: ServerProcess
    database: str
    station: ApiStation


@pytest.fixture(scope="module")
def fuzzed(server: ServerProcess, province_db: str, issue_code: IssueCode) -> Fuzzed:
    return Fuzzed(server, province_db, enrol_over_http(server, issue_code, new_agency()))


@pytest.fixture(scope="module")
def watched(fuzzed: Fuzzed) -> Iterator[psycopg.Connection]:
    with psycopg.connect(fuzzed.database, autocommit=True) as conn:
        yield conn


def _operations() -> list[tuple[str, str, bool]]:
    """(method, path, negative cases possible) of every operation of the document, read from
    an application built here (no server, no database needed to collect the tests)."""
    found = []
    for path, item in create_app(Settings()).openapi()["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            # Negative cases need something that can be broken: a parameter or a JSON or
            # binary body (a form's fields are free texts: no other type to break them with).
            breakable = bool(operation.get("parameters")) or any(
                media != "application/x-www-form-urlencoded" for media in content
            )
            found.append((method.upper(), path, breakable))
    return found


CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode}")
    for method, path, breakable in _operations()
    for mode in GenerationMode
    if breakable or mode is GenerationMode.POSITIVE
]


@pytest.fixture(scope="module")
def api_schema(fuzzed: Fuzzed) -> Any:
    return schemathesis.openapi.from_url(f"{fuzzed.server.url}/openapi.json")


def test_every_operation_of_the_served_document_is_fuzzed(api_schema: Any) -> None:
    served = sorted(
        (op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()
    )
    assert served == sorted((method, path) for method, path, _ in _operations())


def _own_station(body: Any, station_id: str) -> None:
    """Put the enrolled station's id where a push batch names its station."""
    if not isinstance(body, dict):
        return
    if "station_id" in body:
        body["station_id"] = station_id
    events = body.get("events")
    for event in events if isinstance(events, list) else []:
        if isinstance(event, dict) and "station_id" in event:
            event["station_id"] = station_id


def _request(case: Any, fuzzed: Fuzzed) -> dict[str, Any]:
    """The requests' keyword arguments of ``case``: tokens set, push bodies compressed."""
    if case.path == "/api/v1/sync/push":
        _own_station(case.body, fuzzed.station.station_id)
    token = ADMIN_TOKEN if case.path.startswith("/dashboard") else fuzzed.station.token
    kwargs: dict[str, Any] = case.as_transport_kwargs(
        base_url=fuzzed.server.url, headers={"Authorization": f"Bearer {token}"}
    )
    headers = kwargs.setdefault("headers", {})
    encoding = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "")
    encoding = encoding.strip().lower()
    if case.path == "/api/v1/sync/push" and encoding in PUSH_ENCODINGS:
        if "json" in kwargs:
            kwargs["data"] = json.dumps(kwargs.pop("json")).encode("utf-8")
        data = kwargs.get("data")
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        if isinstance(data, bytes):
            kwargs["data"] = _compressed(data, encoding)
    return kwargs


def _compressed(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data)
    preset = dictionary(DICT_ENCODINGS[encoding])
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zdict=preset)
    return deflater.compress(data) + deflater.flush()


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_input_gets_a_server_error_and_a_refusal_changes_nothing(
    method: str,
    path: str,
    mode: GenerationMode,
    api_schema: Any,
    fuzzed: Fuzzed,
    watched: psycopg.Connection,
) -> None:
    operation = api_schema[path][method]
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def one(case: Any) -> None:
        kwargs = _request(case, fuzzed)
        before = table_digests(watched)
        response = requests.request(**kwargs, timeout=30)
        seen.append(response.status_code)
        case.validate_response(
            response,
            checks=[not_a_server_error, status_code_conformance, content_type_conformance],
        )
        if 400 <= response.status_code < 500:
            after = table_digests(watched)
            changed = sorted(name for name in before if before[name] != after.get(name))
            assert not changed, f"{response.status_code} but {changed} changed: {response.text}"

    one()
    assert seen  # the operation was reached
    answers = ", ".join(f"{status}×{n}" for status, n in sorted(Counter(seen).items()))
    print(f"{method} {path} {mode}: {len(seen)} requests ({answers})")  # shown with -s
