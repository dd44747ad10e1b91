"""The attachment API itself: offsets, hash check, office scope, authentication, bad input."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import httpx
import psycopg
import pytest

from counter_app.storage.station_secrets import station_token
from province_server.testing import ServerProcess
from sync_protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync_protocol.attachments import (
    MAX_ATTACHMENT_BYTES,
    MIME_HEADER,
    SIZE_HEADER,
    AttachmentStatus,
    OffsetConflict,
)
from tests.server.conftest import EnrolledStation, new_agency

pytestmark = pytest.mark.server

HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def _auth(ctx: Any) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {station_token(ctx.store.data_dir)}"}


def _blob(size: int, seed: int) -> tuple[bytes, str]:
    data = random.Random(seed).randbytes(size)
    return data, hashlib.sha256(data).hexdigest()


def _put(
    server: ServerProcess,
    headers: dict[str, str],
    sha: str,
    offset: int,
    data: bytes,
    size: int,
    **extra: str,
) -> httpx.Response:
    return httpx.put(
        f"{server.url}/api/v1/attachments/{sha}/chunks",
        params={"offset": offset},
        content=data,
        headers={
            **headers,
            "Content-Type": "application/octet-stream",
            SIZE_HEADER: str(size),
            MIME_HEADER: "application/pdf",
            **extra,
        },
    )


def _status(server: ServerProcess, headers: dict[str, str], sha: str) -> AttachmentStatus:
    response = httpx.get(f"{server.url}/api/v1/attachments/{sha}", headers=headers)
    assert response.status_code == 200, response.text
    return AttachmentStatus.from_json(response.json())


def _chunk_rows(pg: psycopg.Connection, sha: str) -> list[tuple[str, int, int]]:
    rows = pg.execute(
        "SELECT agency_id, byte_offset, length(data) FROM attachment_chunks WHERE sha256 = %s"
        " ORDER BY agency_id, byte_offset",
        (sha,),
    ).fetchall()
    return [(r[0], int(r[1]), int(r[2])) for r in rows]


def test_a_chunk_is_stored_only_at_the_server_offset_and_never_twice(
    server: ServerProcess, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    station = enrolled_station("a")
    auth = _auth(station)
    data, sha = _blob(300_000, 1)
    assert _status(server, auth, sha) == AttachmentStatus(sha, None, 0, False)

    ahead = _put(server, auth, sha, 100_000, data[100_000:200_000], len(data))
    assert ahead.status_code == 409
    assert OffsetConflict.from_json(ahead.json()).status.received == 0

    first = _put(server, auth, sha, 0, data[:200_000], len(data))
    assert first.status_code == 200
    assert AttachmentStatus.from_json(first.json()) == AttachmentStatus(
        sha, len(data), 200_000, False
    )
    again = _put(server, auth, sha, 0, data[:200_000], len(data))  # a retried request
    assert again.status_code == 409
    assert OffsetConflict.from_json(again.json()).status.received == 200_000
    assert len(_chunk_rows(pg, sha)) == 1

    last = _put(server, auth, sha, 200_000, data[200_000:], len(data))
    assert last.status_code == 200
    assert AttachmentStatus.from_json(last.json()).complete
    late = _put(server, auth, sha, 200_000, data[200_000:], len(data))  # a late duplicate
    assert late.status_code == 409 and OffsetConflict.from_json(late.json()).status.complete
    assert [r[1:] for r in _chunk_rows(pg, sha)] == [(0, 200_000), (200_000, 100_000)]

    content = httpx.get(
        f"{server.url}/api/v1/attachments/{sha}/content",
        headers={**auth, "Accept-Encoding": "identity"},
    )
    assert content.status_code == 200
    assert content.content == data
    assert content.headers["content-type"].startswith("application/pdf")


def test_bytes_that_do_not_match_their_hash_are_refused_and_discarded(
    server: ServerProcess, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    station = enrolled_station("a")
    auth = _auth(station)
    data, sha = _blob(150_000, 2)
    forged = data[:-1] + bytes([data[-1] ^ 1])
    assert _put(server, auth, sha, 0, forged[:100_000], len(data)).status_code == 200
    refused = _put(server, auth, sha, 100_000, forged[100_000:], len(data))
    assert refused.status_code == 422
    assert refused.json()["code"] == "hash_mismatch"
    assert _status(server, auth, sha) == AttachmentStatus(sha, len(data), 0, False)
    assert _chunk_rows(pg, sha) == []
    missing = httpx.get(f"{server.url}/api/v1/attachments/{sha}/content", headers=auth)
    assert missing.status_code == 404
    # the genuine bytes are then accepted from zero
    assert _put(server, auth, sha, 0, data, len(data)).json()["complete"] is True


def test_another_office_neither_sees_nor_reads_an_attachment(
    server: ServerProcess, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    owner = enrolled_station("owner")
    colleague = enrolled_station("colleague")  # same office (the fixture's default agency)
    stranger = enrolled_station("stranger", agency=new_agency())
    data, sha = _blob(70_000, 3)
    assert _put(server, _auth(owner), sha, 0, data, len(data)).json()["complete"] is True

    url = f"{server.url}/api/v1/attachments/{sha}/content"
    assert httpx.get(url, headers=_auth(colleague)).content == data
    refused = httpx.get(url, headers=_auth(stranger))  # another office's: refused as such
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_agency"
    assert _status(server, _auth(stranger), sha).received == 0
    # the stranger's own upload of the same bytes is its office's copy, apart
    half = _put(server, _auth(stranger), sha, 0, data[:30_000], len(data))
    assert half.status_code == 200
    assert httpx.get(url, headers=_auth(stranger)).status_code == 404  # its copy: unfinished
    assert _status(server, _auth(owner), sha).complete
    assert {r[0] for r in _chunk_rows(pg, sha)} == {
        owner.office().agency_id,
        stranger.office().agency_id,
    }


def test_unauthenticated_and_malformed_requests_are_refused(
    server: ServerProcess, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    station = enrolled_station("a")
    auth = _auth(station)
    data, sha = _blob(1_000, 4)
    base = f"{server.url}/api/v1/attachments/{sha}"
    assert httpx.get(base, headers=HEADERS).status_code == 401
    assert httpx.get(base, headers={**HEADERS, "Authorization": "Bearer nope"}).status_code == 401
    assert _put(server, HEADERS, sha, 0, data, len(data)).status_code == 401
    assert httpx.get(f"{base}/content", headers=HEADERS).status_code == 401
    assert httpx.get(base, headers={"Authorization": auth["Authorization"]}).status_code == 426

    assert _put(server, auth, sha.upper(), 0, data, len(data)).status_code == 400
    no_size = httpx.put(f"{base}/chunks", params={"offset": 0}, content=data, headers=auth)
    assert no_size.status_code == 400
    assert _put(server, auth, sha, 0, data, len(data) - 1).status_code == 400  # past the end
    assert _put(server, auth, sha, 0, b"", len(data)).status_code == 400
    assert _put(server, auth, sha, 0, data, MAX_ATTACHMENT_BYTES + 1).status_code == 413
    bad_mime = _put(server, auth, sha, 0, data, len(data), **{MIME_HEADER: "pdf; evil"})
    assert bad_mime.status_code == 400
    assert _chunk_rows(pg, sha) == []
