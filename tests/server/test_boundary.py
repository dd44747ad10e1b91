"""Regression tests of issue 17 at the server's boundary: what answered 500, what told too much.

Each refused request answers 4xx with a detail naming the field and changes nothing (table
digests before and after, as in test_schemathesis.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from province_server.testing import ServerProcess
from sync_protocol import ProtocolError, loads
from tests.server.api_station import PROTOCOL, ApiStation, enrol_over_http, table_digests
from tests.server.conftest import IssueCode, new_agency


@pytest.fixture
def station(server: ServerProcess, issue_code: IssueCode) -> ApiStation:
    return enrol_over_http(server, issue_code, new_agency())


def _push(server: ServerProcess, station: ApiStation, raw: bytes) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/sync/push",
        headers={**station.headers, "Content-Encoding": "gzip"},
        content=gzip.compress(raw),
    )


def _batch(station: ApiStation, **over: object) -> dict[str, object]:
    return {"batch_id": str(uuid.uuid4()), "station_id": station.station_id, "events": [], **over}


def test_json_with_a_lone_surrogate_is_refused_naming_where() -> None:
    with pytest.raises(ProtocolError, match=r"events\[0\]\.payload\.name: lone surrogate"):
        loads(b'{"events":[{"payload":{"name":"Nguy\\ud800n"}}]}')
    with pytest.raises(ProtocolError, match="lone surrogate"):
        loads('{"k\\udc00": 1}')
    # a pair is one character; an escaped backslash is no surrogate
    assert loads(b'{"a":"\\ud83d\\ude00","b":"\\\\ud800"}') == {"a": "\U0001f600", "b": "\\ud800"}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"code":"ABCD\\ud800","app_version":"1"}', "code"),
        (b'{"code":"ABCD\\u0000","app_version":"1"}', "code"),
        (b'{"code":"ABCD\\u202e","app_version":"1"}', "code"),
        (b'{"code":"ABCD","app_version":"1\\u0007"}', "app_version"),
        (b'{"code":"AB\xffCD","app_version":"1"}', "not JSON"),
    ],
)
def test_enrolment_refuses_bad_text_with_the_field_named(
    server: ServerProcess, pg: psycopg.Connection, raw: bytes, field: str
) -> None:
    before = table_digests(pg)
    answer = httpx.post(f"{server.url}/api/v1/enrol", headers=PROTOCOL, content=raw)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith(field)
    assert table_digests(pg) == before


@pytest.mark.parametrize("code", ["A%00B", "A%1BB", "A%E2%80%AEB", "A%C2%85B"])
def test_a_dossier_code_with_a_control_or_bidi_character_is_refused(
    server: ServerProcess, station: ApiStation, code: str
) -> None:
    answer = httpx.get(f"{server.url}/api/v1/dossiers/{code}", headers=station.headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith("code: forbidden character")


def test_a_nul_in_the_lookup_page_is_no_server_error(server: ServerProcess) -> None:
    answer = httpx.get(f"{server.url}/tra-cuu", params={"code": "A\x00B", "key": "K\x00"})
    assert 400 <= answer.status_code < 500


def test_a_push_with_a_lone_surrogate_is_refused_and_stores_nothing(
    server: ServerProcess, station: ApiStation, pg: psycopg.Connection
) -> None:
    event = {
        "uuid": str(uuid.uuid4()),
        "dossier_uuid": str(uuid.uuid4()),
        "kind": "received",
        "station_id": station.station_id,
        "seq": 1,
        "officer": "canbo",
        "at": "2026-12-01T08:00:00+07:00",
        "payload": {"agency_id": station.agency_id, "code": None, "name": "\ud800"},
    }
    raw = json.dumps(_batch(station, events=[event])).encode()  # ASCII: \ud800 escaped
    before = table_digests(pg)
    answer = _push(server, station, raw)
    assert answer.status_code == 400, answer.text
    assert "events[0].payload.name: lone surrogate" in answer.json()["detail"]
    assert table_digests(pg) == before


def test_invalid_utf8_in_a_push_is_refused(server: ServerProcess, station: ApiStation) -> None:
    raw = json.dumps(_batch(station)).encode().replace(b'"events"', b'"ev\xffents"')
    answer = _push(server, station, raw)
    assert answer.status_code == 400
    assert answer.json()["code"] == "malformed"


@pytest.mark.parametrize("waiting", [2**31, 2**63 - 1])
def test_waiting_up_to_the_protocol_maximum_is_stored(
    server: ServerProcess, station: ApiStation, pg: psycopg.Connection, waiting: int
) -> None:
    answer = _push(server, station, json.dumps(_batch(station, waiting=waiting)).encode())
    assert answer.status_code == 200, answer.text
    row = pg.execute("SELECT waiting FROM stations WHERE id = %s", (station.station_id,))
    assert row.fetchone() == (waiting,)


def test_waiting_past_the_protocol_maximum_is_refused(
    server: ServerProcess, station: ApiStation
) -> None:
    answer = _push(server, station, json.dumps(_batch(station, waiting=2**63)).encode())
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("waiting")


def test_the_spec_documents_the_protocol_header_and_its_426(server: ServerProcess) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    for url, path in spec["paths"].items():
        if not url.startswith("/api/"):
            continue
        for operation in path.values():
            names = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            assert "X-Protocol-Version" in names and "426" in operation["responses"], url
    push = spec["paths"]["/api/v1/sync/push"]["post"]
    assert any(p["name"] == "Content-Encoding" and p["required"] for p in push["parameters"])
    assert "415" in push["responses"]
    assert httpx.get(f"{server.url}/api/v1/sync/pull").status_code == 426


def test_another_office_s_dossier_reads_as_an_unknown_code(
    server: ServerProcess, issue_code: IssueCode, pg: psycopg.Connection
) -> None:
    """No oracle: the same 404 and body for a code another office holds and for no code."""
    mine = enrol_over_http(server, issue_code, new_agency())
    theirs = enrol_over_http(server, issue_code, new_agency())
    code = f"{theirs.agency_id}-261201-{theirs.prefix}0001"
    pg.execute(
        "INSERT INTO dossiers (uuid, agency_id, code, station_id, owner_agency)"
        " VALUES (%s, %s, %s, %s, %s)",
        (str(uuid.uuid4()), theirs.agency_id, code, theirs.station_id, theirs.agency_id),
    )
    held = httpx.get(f"{server.url}/api/v1/dossiers/{code}", headers=mine.headers)
    unknown = httpx.get(f"{server.url}/api/v1/dossiers/{code}9", headers=mine.headers)
    assert held.status_code == unknown.status_code == 404
    assert held.content == unknown.content
    own = httpx.get(f"{server.url}/api/v1/dossiers/{code}", headers=theirs.headers)
    assert own.status_code == 200 and own.json()["code"] == code


@pytest.fixture
def small_quota_server(province_db: str) -> Iterator[ServerProcess]:
    process = ServerProcess(province_db, env={"PROVINCE_UPLOAD_QUOTA_MB": "1"})
    process.start()
    yield process
    process.stop()


def test_uploads_past_the_station_s_daily_quota_get_429_and_store_nothing(
    small_quota_server: ServerProcess, issue_code: IssueCode, pg: psycopg.Connection
) -> None:
    server = small_quota_server
    station = enrol_over_http(server, issue_code, new_agency())
    data = random.Random(7).randbytes(1_500_000)
    sha = hashlib.sha256(data).hexdigest()

    def put(offset: int, chunk: bytes) -> httpx.Response:
        return httpx.put(
            f"{server.url}/api/v1/attachments/{sha}/chunks",
            params={"offset": offset},
            content=chunk,
            headers={**station.headers, "X-Attachment-Size": str(len(data))},
        )

    assert put(0, data[:1_048_576]).status_code == 200  # exactly the quota: accepted
    before = table_digests(pg)
    refused = put(1_048_576, data[1_048_576:])
    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "upload_quota_exceeded"
    assert 1 <= int(refused.headers["Retry-After"]) <= 86_400
    assert table_digests(pg) == before
    # another station of the same office has its own quota
    other = enrol_over_http(server, issue_code, station.agency_id)
    fresh = random.Random(8).randbytes(1000)
    answer = httpx.put(
        f"{server.url}/api/v1/attachments/{hashlib.sha256(fresh).hexdigest()}/chunks",
        params={"offset": 0},
        content=fresh,
        headers={**other.headers, "X-Attachment-Size": "1000"},
    )
    assert answer.status_code == 200 and answer.json()["complete"] is True


def test_a_chunk_refused_at_its_offset_leaves_no_trace(
    server: ServerProcess, station: ApiStation, pg: psycopg.Connection
) -> None:
    data = random.Random(9).randbytes(2000)
    sha = hashlib.sha256(data).hexdigest()
    before = table_digests(pg)
    ahead = httpx.put(
        f"{server.url}/api/v1/attachments/{sha}/chunks",
        params={"offset": 1000},
        content=data[1000:],
        headers={**station.headers, "X-Attachment-Size": "2000"},
    )
    assert ahead.status_code == 409
    assert ahead.json()["status"]["size"] is None
    wrong = httpx.put(
        f"{server.url}/api/v1/attachments/{sha}/chunks",
        params={"offset": 0},
        content=bytes(2000),
        headers={**station.headers, "X-Attachment-Size": "2000"},
    )
    assert wrong.status_code == 422
    assert table_digests(pg) == before


@pytest.mark.parametrize(
    "body",
    [b"not gzip at all", gzip.compress(b'{"batch_id":')[:-6], gzip.compress(b"\xff\xfe{}")],
    ids=["not-gzip", "truncated", "not-utf8"],
)
def test_a_push_body_that_does_not_decode_is_a_400(
    server: ServerProcess, station: ApiStation, pg: psycopg.Connection, body: bytes
) -> None:
    before = table_digests(pg)
    answer = httpx.post(
        f"{server.url}/api/v1/sync/push",
        headers={**station.headers, "Content-Encoding": "gzip"},
        content=body,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "malformed"
    assert table_digests(pg) == before
