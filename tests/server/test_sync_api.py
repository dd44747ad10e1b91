"""The HTTP API itself: enrolment, agency scoping, revocation, protocol version, bad input."""

from __future__ import annotations

import gzip
import json
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.station_secrets import station_token
from counter_app.sync import client as client_module
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import enrol, run_sync, sync_settings
from province_server.errors import AdminError
from province_server.stations import service
from province_server.testing import ServerProcess
from sync_protocol import DICT_ENCODING, GZIP_ENCODING, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync_protocol.zdict import dictionary
from tests.server.conftest import EnrolledStation, IssueCode, client_for, new_agency
from tests.server.helpers import counts, local_events, receive, record_event, server_events

pytestmark = pytest.mark.server

HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def _enrol_raw(server: ServerProcess, code: str) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/enrol", json={"code": code}, headers=HEADERS)


def test_enrolment_code_works_once_and_only_while_valid(
    server: ServerProcess, issue_code: IssueCode, pg: psycopg.Connection
) -> None:
    issued = issue_code(new_agency())
    assert _enrol_raw(server, "AAAA-BBBB-CCCC").json()["code"] == "enrol_refused"
    first = _enrol_raw(server, issued.code.lower().replace("-", " "))  # typed by a person
    assert first.status_code == 200
    body = first.json()
    assert (
        body["station_id"] == issued.station_id and body["station_prefix"] == issued.station_prefix
    )
    assert _enrol_raw(server, issued.code).status_code == 403  # used
    stored = pg.execute("SELECT token_hash FROM stations WHERE id = %s", (issued.station_id,))
    row = stored.fetchone()
    assert row is not None and row[0] == service.digest(body["token"]) != body["token"]
    expired = issue_code(new_agency())
    pg.execute("UPDATE enrolment_codes SET expires_at = now() - interval '1 s'")
    assert _enrol_raw(server, expired.code).status_code == 403


def test_enrol_refusal_is_a_clear_error_and_changes_nothing(
    server: ServerProcess, station: Any
) -> None:
    before = station.store.config.get("office")
    with httpx.Client() as http, pytest.raises(DomainError) as caught:
        enrol(station, HttpSyncClient(server.url, None, http), url=server.url, code="NOPE")
    assert caught.value.code is ErrorCode.SYNC_ENROL_REFUSED
    assert station.store.config.get("office") == before
    assert station.store.config.get("sync") is None


def test_station_numbers_are_unique_in_the_province(issue_code: IssueCode) -> None:
    agency = new_agency()
    first = issue_code(agency)
    with pytest.raises(AdminError):
        issue_code(new_agency(), number=int(first.station_prefix))
    again = issue_code(agency, number=int(first.station_prefix))  # a reinstalled machine
    assert again.station_id == first.station_id and again.code != first.code


def _auth(ctx: Any) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {station_token(ctx.store.data_dir)}"}


def test_a_dossier_for_another_deciding_agency_belongs_to_the_receiving_office(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    """Decree 118/2025: a commune centre receives for any deciding agency of the province;
    the code carries the deciding agency, the dossier belongs to the receiving office."""
    deciding = new_agency()
    mine = enrolled_station("commune")
    colleague = enrolled_station("commune-2")  # another counter of the same office
    (dossier,) = receive(mine, agency_id=deciding)
    assert dossier.code is not None and dossier.code.startswith(deciding + "-")
    with httpx.Client() as http:
        report = run_sync(mine, client_for(mine, http))
        assert report.ok and (report.pushed, report.rejected) == (1, 0)
        row = pg.execute(
            "SELECT agency_id, owner_agency FROM dossiers WHERE uuid = %s", (dossier.uuid,)
        ).fetchone()
        assert row == (deciding, mine.office().agency_id)
        look = http.get(f"{server.url}/api/v1/dossiers/{dossier.code}", headers=_auth(mine))
        assert look.status_code == 200
        assert look.json()["agency_id"] == deciding
        assert look.json()["owner_agency"] == mine.office().agency_id
        assert run_sync(colleague, client_for(colleague, http)).pulled >= 1
        assert colleague.store.dossiers.by_uuid(dossier.uuid) is not None
        record_event(colleague, dossier.uuid, "handed_over", {"to": "phong tu phap"})
        assert run_sync(colleague, client_for(colleague, http)).pushed == 1


def test_another_office_cannot_touch_or_read_a_dossier(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    mine = enrolled_station("mine")
    # The other office is even the deciding agency of the dossier: still not its dossier.
    theirs = enrolled_station("theirs", agency=new_agency())
    (dossier,) = receive(mine, agency_id=theirs.office().agency_id)
    (their_own,) = receive(theirs)
    with httpx.Client() as http:
        assert run_sync(mine, client_for(mine, http)).pushed == 1
        report = run_sync(theirs, client_for(theirs, http))
        assert (report.pushed, report.rejected) == (1, 0)
        assert theirs.store.dossiers.by_uuid(dossier.uuid) is None  # not pulled
        assert mine.store.dossiers.by_uuid(their_own.uuid) is None
        look = http.get(f"{server.url}/api/v1/dossiers/{dossier.code}", headers=_auth(theirs))
        assert look.status_code == 404 and look.json()["code"] == "not_found"  # no oracle
        other_way = http.get(f"{server.url}/api/v1/dossiers/{their_own.code}", headers=_auth(mine))
        assert other_way.status_code == 404
        missing = http.get(f"{server.url}/api/v1/dossiers/X-1", headers=_auth(theirs))
        assert missing.status_code == 404
        # A follow-up event and a forged creating event on that dossier: both refused.
        station_id = theirs.office().station_id
        follow = _valid_event(station_id)
        follow.update(dossier_uuid=dossier.uuid, kind="handed_over", payload={})
        forged = _valid_event(station_id)
        forged.update(
            dossier_uuid=dossier.uuid,
            seq=2,
            payload={"agency_id": theirs.office().agency_id, "code": None},
        )
        events = [follow, forged]
        batch = {"batch_id": str(uuid.uuid4()), "station_id": station_id, "events": events}
        before = counts(pg)
        answer = _push(
            server,
            {**_auth(theirs), "Content-Encoding": "gzip"},
            gzip.compress(json.dumps(batch).encode()),
        ).json()
        # The follow-up is refused as another office's dossier; the forged creating event
        # carries no code, so the shared validator refuses it first (nothing is looked up).
        reasons = [r["reason"] for r in answer["results"]]
        assert reasons == ["forbidden_agency", "missing_field:code"]
        assert counts(pg) == before


def test_a_revoked_station_gets_401_and_a_vietnamese_message(
    enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("revoked")
    receive(ctx)
    with psycopg.connect(pg.info.dsn, autocommit=True) as conn:
        assert service.revoke(conn, ctx.office().station_id)
    with httpx.Client() as http:
        report = run_sync(ctx, client_for(ctx, http))
    assert [e.code for e in report.errors] == [ErrorCode.SYNC_UNAUTHORIZED]  # no pull tried
    assert ctx.store.sync.waiting() == 1  # kept for after re-enrolment
    assert "thu hồi" in texts.error_message(report.errors[0])


def test_protocol_mismatch_gets_426_and_an_update_message(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("old-app")
    receive(ctx)
    raw = httpx.get(f"{server.url}/api/v1/sync/pull", headers={PROTOCOL_HEADER: "0"})
    assert raw.status_code == 426 and raw.json()["code"] == "protocol_mismatch"
    assert httpx.get(f"{server.url}/api/v1/sync/pull").status_code == 426  # no header
    settings_ = sync_settings(ctx)
    with httpx.Client() as http:
        old = HttpSyncClient(settings_["url"], settings_["token"], http, protocol_version=0)
        report = run_sync(ctx, old)
    assert [e.code for e in report.errors] == [ErrorCode.SYNC_PROTOCOL_MISMATCH]
    assert "cập nhật ứng dụng" in texts.error_message(report.errors[0])
    assert ctx.store.sync.waiting() == 1


def test_openapi_documents_the_sync_api(server: ServerProcess) -> None:
    schema = httpx.get(f"{server.url}/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/v1/enrol", "/api/v1/sync/push", "/api/v1/sync/pull"} <= set(paths)
    assert {"PushRequest", "PushResponse", "PullResponse", "EnrolResponse"} <= set(
        schema["components"]["schemas"]
    )
    assert "ReferenceResponse" in schema["components"]["schemas"]
    for url in ("/api/v1/reference", "/tra-cuu", "/dashboard"):
        operation = paths[url]["get"]
        assert operation["summary"] and len(operation["description"]) > 80, url


# --- malformed input ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def station_auth(server: ServerProcess, issue_code: IssueCode) -> Iterator[dict[str, str]]:
    body = _enrol_raw(server, issue_code(new_agency()).code).json()
    yield {
        **HEADERS,
        "Authorization": f"Bearer {body['token']}",
        "Content-Encoding": "gzip",
        "X-Station": body["station_id"],
    }


def _valid_event(station_id: str) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "dossier_uuid": str(uuid.uuid4()),
        "kind": "received",
        "station_id": station_id,
        "seq": 1,
        "officer": "canbo",
        "at": "2026-02-13T10:00:00+07:00",
        "payload": {"agency_id": "000.00.19.H56", "code": None},
    }


def _push(server: ServerProcess, auth: dict[str, str], body: bytes) -> httpx.Response:
    headers = {k: v for k, v in auth.items() if k != "X-Station"}
    return httpx.post(f"{server.url}/api/v1/sync/push", content=body, headers=headers)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
NOT_TEXT = st.none() | st.booleans() | st.lists(st.integers(), max_size=2) | st.floats()
FIELDS = ["uuid", "dossier_uuid", "kind", "station_id", "seq", "officer", "at", "payload"]
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(value=JSON_VALUES)
def test_arbitrary_json_is_refused_and_changes_nothing(
    server: ServerProcess, station_auth: dict[str, str], pg: psycopg.Connection, value: Any
) -> None:
    before = counts(pg)
    response = _push(server, station_auth, gzip.compress(json.dumps(value).encode()))
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == "malformed"
    assert counts(pg) == before


@HYPOTHESIS
@given(field=st.sampled_from(FIELDS), value=NOT_TEXT, extra=st.booleans())
def test_an_event_with_a_wrong_field_refuses_the_whole_batch(
    server: ServerProcess,
    station_auth: dict[str, str],
    pg: psycopg.Connection,
    field: str,
    value: Any,
    extra: bool,
) -> None:
    station_id = station_auth["X-Station"]
    events = [_valid_event(station_id), _valid_event(station_id)] if extra else []
    broken = _valid_event(station_id)
    broken[field] = value
    batch = {"batch_id": str(uuid.uuid4()), "station_id": station_id, "events": [*events, broken]}
    before = counts(pg)
    response = _push(server, station_auth, gzip.compress(json.dumps(batch).encode()))
    assert response.status_code == 400, response.text
    assert counts(pg) == before


@HYPOTHESIS
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_a_truncated_gzip_body_is_refused(
    server: ServerProcess, station_auth: dict[str, str], pg: psycopg.Connection, cut: int
) -> None:
    station_id = station_auth["X-Station"]
    events = [_valid_event(station_id) for _ in range(5)]
    batch = {"batch_id": str(uuid.uuid4()), "station_id": station_id, "events": events}
    body = gzip.compress(json.dumps(batch).encode())
    before = counts(pg)
    response = _push(server, station_auth, body[: cut % len(body)])
    assert response.status_code == 400
    assert counts(pg) == before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{}", 400),  # declared gzip, is not
        (gzip.compress(b"x" * 300_000), 413),  # inflates past the bound
        (gzip.compress(b"[1, 2") + b"garbage", 400),
        (gzip.compress(b'{"a": NaN}'), 400),
    ],
)
def test_bad_bodies_get_4xx(
    server: ServerProcess,
    station_auth: dict[str, str],
    pg: psycopg.Connection,
    body: bytes,
    status: int,
) -> None:
    before = counts(pg)
    assert _push(server, station_auth, body).status_code == status
    assert counts(pg) == before


def test_push_must_be_gzip_and_in_the_callers_name(
    server: ServerProcess, station_auth: dict[str, str], pg: psycopg.Connection
) -> None:
    station_id = station_auth["X-Station"]
    batch: dict[str, Any] = {"batch_id": str(uuid.uuid4()), "station_id": station_id, "events": []}
    plain = {k: v for k, v in station_auth.items() if k not in ("Content-Encoding", "X-Station")}
    sent = httpx.post(f"{server.url}/api/v1/sync/push", json=batch, headers=plain)
    assert sent.status_code == 415
    batch["station_id"] = str(uuid.uuid4())
    other = _push(server, station_auth, gzip.compress(json.dumps(batch).encode()))
    assert other.status_code == 403 and other.json()["code"] == "wrong_station"
    event = _valid_event(str(uuid.uuid4()))  # an event made by someone else
    batch = {"batch_id": str(uuid.uuid4()), "station_id": station_id, "events": [event]}
    before = counts(pg)
    answer = _push(server, station_auth, gzip.compress(json.dumps(batch).encode())).json()
    assert answer["results"][0]["reason"] == "wrong_station"
    assert counts(pg) == before
    bad_pull = httpx.get(f"{server.url}/api/v1/sync/pull", params={"cursor": -1}, headers=plain)
    assert bad_pull.status_code == 400


# --- push encodings (issue 16 item 5) -------------------------------------------------------


def _deflated(raw: bytes) -> bytes:
    """``raw`` in the preset-dictionary encoding, built here with zlib alone."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zdict=dictionary("v1"))
    return deflater.compress(raw) + deflater.flush()


def test_real_batches_are_stored_from_both_encodings(
    enrolled_station: EnrolledStation, pg: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A current counter pushes with the preset dictionary, an older one in gzip: the server
    stores both batches exactly as the stations hold them."""
    monkeypatch.setattr(client_module, "_GZIP_ONLY", set())
    new, old = enrolled_station("new"), enrolled_station("old")
    for ctx in (new, old):
        (dossier,) = receive(ctx)
        record_event(ctx, dossier.uuid, "handed_over", {"to": "Công chức Tư pháp - Hộ tịch"})
    with httpx.Client() as http:
        current = client_for(new, http)
        assert current.push_encoding == DICT_ENCODING
        assert run_sync(new, current).pushed == 2
        dictionary_bytes = current.last_request_bytes
        client_module._GZIP_ONLY.add(current.base_url)  # as after a refusal by an old server
        older = client_for(old, http)
        assert older.push_encoding == GZIP_ENCODING
        assert run_sync(old, older).pushed == 2
        assert dictionary_bytes < older.last_request_bytes
    for ctx in (new, old):
        station_id = ctx.office().station_id
        own = {k: v for k, v in local_events(ctx).items() if v[3] == station_id}
        assert len(own) == 2 and server_events(pg, station_id) == own


def test_the_dictionary_encoding_refuses_bad_bodies(
    server: ServerProcess, station_auth: dict[str, str], pg: psycopg.Connection
) -> None:
    auth = {**station_auth, "Content-Encoding": DICT_ENCODING}
    station_id = auth["X-Station"]
    batch = {"batch_id": str(uuid.uuid4()), "station_id": station_id, "events": []}
    raw = json.dumps(batch).encode()
    good = _push(server, auth, _deflated(raw))
    assert good.status_code == 200 and good.json()["results"] == []
    before = counts(pg)
    body = _deflated(json.dumps({**batch, "events": [_valid_event(station_id)]}).encode())
    for bad, status, code in (
        (body[: len(body) // 2], 400, "malformed"),  # truncated
        (body[:-1], 400, "malformed"),  # its checksum cut
        (body + b"garbage", 400, "malformed"),
        (b"not deflate at all", 400, "malformed"),
        (gzip.compress(raw), 400, "malformed"),  # gzip under the dictionary encoding's name
        (_deflated(b" " * 300_000), 413, "batch_too_large"),  # inflates past the bound
        (_deflated(b'{"a": NaN}'), 400, "malformed"),
    ):
        answer = _push(server, auth, bad)
        assert (answer.status_code, answer.json()["code"]) == (status, code), bad[:20]
    gzip_auth = {**station_auth, "Content-Encoding": GZIP_ENCODING}
    assert _push(server, gzip_auth, _deflated(raw)).json()["code"] == "malformed"
    assert counts(pg) == before


@pytest.mark.parametrize("encoding", ["deflate", "br", "identity", "x-qmc-deflate-v2", "zstd"])
def test_other_encodings_get_415(
    server: ServerProcess, station_auth: dict[str, str], encoding: str
) -> None:
    batch = {"batch_id": str(uuid.uuid4()), "station_id": station_auth["X-Station"], "events": []}
    body = _deflated(json.dumps(batch).encode())
    answer = _push(server, {**station_auth, "Content-Encoding": encoding}, body)
    assert answer.status_code == 415 and answer.json()["code"] == "unsupported_encoding"
    upper = _push(server, {**station_auth, "Content-Encoding": DICT_ENCODING.upper()}, body)
    assert upper.status_code == 200  # header values compare case-insensitively
