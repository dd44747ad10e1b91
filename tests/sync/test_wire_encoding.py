"""The push body's preset-dictionary encoding (issue 16 item 5), without a server.

Real batches (a station's receptions and their usual follow-ups, batched by the sync engine
and sent by the HTTP client) round-trip in both encodings; a one-dossier batch fits in 1 KB;
truncated, garbage, foreign and bomb bodies are refused with their codes; the released
dictionary is pinned by its SHA-256; a counter newer than its server falls back to gzip.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import httpx
import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.sync import client as client_module
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import push_outbox
from sync_protocol import (
    DICT_ENCODING,
    GZIP_ENCODING,
    MAX_BATCH_BYTES,
    PUSH_ENCODINGS,
    ErrorBody,
    ErrorCodes,
    ProtocolError,
    PushRequest,
    PushResponse,
    PushResult,
    PushStatus,
    decode_push,
    encode_push,
)
from sync_protocol.v1 import DICT_ENCODINGS
from sync_protocol.zdict import MAX_DICTIONARY_BYTES, dictionary, dictionary_path
from tests.conftest import make_applicant

# A released dictionary never changes: a new one gets a new name (and encoding).
PINNED = {"v1": "f91341f360c2e21287852b94ccbff12bdb8cbde1f647e282dbe2a020ecc7b7ac"}
URL = "http://127.0.0.1:8765"
EVERYDAY = ("1.001193", "1.000894", "1.000656", "2.000908", "2.000815")


@pytest.fixture(autouse=True)
def _fresh_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "_GZIP_ONLY", set())


def test_released_dictionaries_are_pinned() -> None:
    assert set(DICT_ENCODINGS.values()) == set(PINNED)
    for name, digest in PINNED.items():
        data = dictionary_path(name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"dictionary {name} changed"
        assert dictionary(name) == data
        assert 0 < len(data) <= MAX_DICTIONARY_BYTES
        data.decode("utf-8")  # text: readable, reviewable
    assert PUSH_ENCODINGS == (DICT_ENCODING, GZIP_ENCODING)


# --- real batches -------------------------------------------------------------------------


def _everyday_dossiers(ctx: StationContext, count: int) -> None:
    """Receptions of everyday procedures, each handed over, resolved and returned."""
    for i in range(count):
        applicant = make_applicant(id_number=f"0010901{i:05d}", phone=f"091{i:07d}")
        request = ReceptionRequest(procedure_code=EVERYDAY[i % len(EVERYDAY)], applicant=applicant)
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        steps: tuple[tuple[Action, dict[str, object]], ...] = (
            (Action.HANDOVER, {"to": "Công chức Tư pháp - Hộ tịch", "note": ""}),
            (Action.RESULT, {"outcome": "approved", "result_number": f"{i + 1}/2026"}),
            (Action.RETURN, {"receiver_name": applicant.name}),
        )
        for action, payload in steps:
            dossier, _ = record_action(ctx, dossier, action, officer="canbo", payload=payload)


Handler = Callable[[httpx.Request], httpx.Response]


def _accept_all(batch: PushRequest) -> httpx.Response:
    results = tuple(PushResult(e.uuid, PushStatus.ACCEPTED) for e in batch.events)
    answer = PushResponse(batch.batch_id, results, "2026-02-13T03:00:00+00:00")
    return httpx.Response(200, json=answer.to_json())


def _refuse(code: str = ErrorCodes.UNSUPPORTED_ENCODING) -> httpx.Response:
    return httpx.Response(415, json=ErrorBody(code, "push bodies must be gzip").to_json())


class Server:
    """A mock province server: what it was sent, decoded the way the real router does."""

    def __init__(self, *, encodings: tuple[str, ...] = PUSH_ENCODINGS) -> None:
        self.encodings = encodings
        self.sent: list[tuple[str, int]] = []  # (Content-Encoding, body bytes) per request
        self.batches: list[PushRequest] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        encoding = request.headers.get("content-encoding", "")
        self.sent.append((encoding, len(request.content)))
        if encoding not in self.encodings:
            return _refuse()
        batch = decode_push(request.content, encoding=encoding)
        self.batches.append(batch)
        return _accept_all(batch)


@pytest.fixture
def http_for() -> Iterator[Callable[[Handler], httpx.Client]]:
    opened: list[httpx.Client] = []

    def make(handler: Handler) -> httpx.Client:
        opened.append(httpx.Client(transport=httpx.MockTransport(handler)))
        return opened[-1]

    yield make
    for http in opened:
        http.close()


def test_real_batches_round_trip_in_both_encodings(
    station: StationContext, http_for: Callable[[Handler], httpx.Client]
) -> None:
    _everyday_dossiers(station, 10)
    server = Server()
    push_outbox(station, HttpSyncClient(URL, "token", http_for(server)), batch_bytes=8_000)
    assert len(server.batches) > 1 and {e for e, _ in server.sent} == {DICT_ENCODING}
    sent = [e.uuid for batch in server.batches for e in batch.events]
    assert len(sent) == len(set(sent)) == 40
    assert station.store.sync.waiting() == 0
    for batch in server.batches:
        for encoding in PUSH_ENCODINGS:
            assert decode_push(encode_push(batch, encoding=encoding), encoding=encoding) == batch
    # a one-dossier batch (its four events) fits in 1 KB, less than half its gzip size
    events = [e for batch in server.batches for e in batch.events]
    for dossier in {e.dossier_uuid for e in events}:
        own = tuple(e for e in events if e.dossier_uuid == dossier)
        batch = PushRequest(own[0].uuid, own[0].station_id, own)
        small = len(encode_push(batch, encoding=DICT_ENCODING))
        assert small <= 1_024 and small < len(encode_push(batch)) / 2


# --- refused bodies -----------------------------------------------------------------------


def _body(station: StationContext, http_for: Callable[[Handler], httpx.Client]) -> PushRequest:
    _everyday_dossiers(station, 2)
    server = Server()
    push_outbox(station, HttpSyncClient(URL, "token", http_for(server)))
    return server.batches[0]


def _code(body: bytes, encoding: str = DICT_ENCODING, **kw: int) -> str:
    with pytest.raises(ProtocolError) as caught:
        decode_push(body, encoding=encoding, **kw)
    return caught.value.code


def test_truncated_garbage_and_foreign_bodies_are_malformed(
    station: StationContext, http_for: Callable[[Handler], httpx.Client]
) -> None:
    batch = _body(station, http_for)
    body = encode_push(batch, encoding=DICT_ENCODING)
    for cut in range(len(body)):  # every truncation, the empty body too
        assert _code(body[:cut]) == ErrorCodes.MALFORMED, cut
    flipped = bytearray(body)
    flipped[len(body) // 2] ^= 0x40
    raw = json.dumps(batch.to_json()).encode()
    other = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zdict=b'{"uuid":"x"}')
    rng = random.Random(16)
    for bad in (
        body + b"\x00",  # trailing bytes
        bytes(flipped),  # checksum
        rng.randbytes(600),  # garbage
        b"{}",
        encode_push(batch),  # gzip declared as the dictionary encoding
        other.compress(raw) + other.flush(),  # another preset dictionary
        zlib.compress(b'{"batch_id": NaN}'),  # not valid JSON
    ):
        assert _code(bad) == ErrorCodes.MALFORMED
    assert _code(body, GZIP_ENCODING) == ErrorCodes.MALFORMED  # the other way round


def test_bombs_stop_at_the_bound_without_inflating() -> None:
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zdict=dictionary("v1"))
    bomb = deflater.compress(b" " * (64 * 1024 * 1024)) + deflater.flush()
    gzip_bomb = gzip.compress(b" " * (64 * 1024 * 1024))
    assert len(bomb) < 100_000 and len(gzip_bomb) < 100_000
    tracemalloc.start()
    try:
        assert _code(bomb) == ErrorCodes.BATCH_TOO_LARGE
        assert _code(bomb, max_bytes=1_000) == ErrorCodes.BATCH_TOO_LARGE
        assert _code(gzip_bomb, GZIP_ENCODING) == ErrorCodes.BATCH_TOO_LARGE
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MAX_BATCH_BYTES  # a few times the bound, never the 64 MiB


def test_other_encodings_are_unsupported(
    station: StationContext, http_for: Callable[[Handler], httpx.Client]
) -> None:
    batch = _body(station, http_for)
    for encoding in ("deflate", "br", "identity", "", "x-qmc-deflate-v0", "x-qmc-deflate-v2"):
        with pytest.raises(ProtocolError) as caught:
            encode_push(batch, encoding=encoding)
        assert caught.value.code == ErrorCodes.UNSUPPORTED_ENCODING
        assert _code(encode_push(batch), encoding) == ErrorCodes.UNSUPPORTED_ENCODING


# --- a counter newer than its server ------------------------------------------------------


def test_the_client_falls_back_to_gzip_for_an_older_server_and_remembers(
    station: StationContext, http_for: Callable[[Handler], httpx.Client]
) -> None:
    old = Server(encodings=(GZIP_ENCODING,))  # before the dictionary encoding
    _everyday_dossiers(station, 1)
    client = HttpSyncClient(URL, "token", http_for(old))
    assert client.push_encoding == DICT_ENCODING
    push_outbox(station, client)
    assert [e for e, _ in old.sent] == [DICT_ENCODING, GZIP_ENCODING]  # refused, sent again
    assert station.store.sync.waiting() == 0 and len(old.batches[0].events) == 4
    assert client.last_request_bytes == old.sent[-1][1]
    # the next sync run (a new client) to the same server goes straight in gzip
    _everyday_dossiers(station, 1)
    again = HttpSyncClient(URL + "/", "token", http_for(old))
    assert again.push_encoding == GZIP_ENCODING
    push_outbox(station, again)
    assert [e for e, _ in old.sent[2:]] == [GZIP_ENCODING]
    # another server is still offered the dictionary encoding
    new = Server()
    _everyday_dossiers(station, 1)
    push_outbox(station, HttpSyncClient("http://localhost:8766", "token", http_for(new)))
    assert [e for e, _ in new.sent] == [DICT_ENCODING]


def test_a_server_refusing_both_encodings_is_a_server_error(
    station: StationContext, http_for: Callable[[Handler], httpx.Client]
) -> None:
    sent: list[str] = []

    def refuse_all(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["content-encoding"])
        return _refuse()

    _everyday_dossiers(station, 1)
    with pytest.raises(DomainError) as caught:
        push_outbox(station, HttpSyncClient(URL, "token", http_for(refuse_all)))
    assert caught.value.code is ErrorCode.SYNC_SERVER_ERROR
    assert sent == [DICT_ENCODING, GZIP_ENCODING]  # one fallback, no loop
    assert station.store.sync.waiting() == 4  # still queued


def test_another_415_is_not_taken_for_an_old_server(
    station: StationContext, http_for: Callable[[Handler], httpx.Client]
) -> None:
    sent: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["content-encoding"])
        return _refuse(ErrorCodes.MALFORMED)

    _everyday_dossiers(station, 1)
    with pytest.raises(DomainError):
        push_outbox(station, HttpSyncClient(URL, "token", http_for(refuse)))
    assert sent == [DICT_ENCODING]
    assert HttpSyncClient(URL, "token", http_for(refuse)).push_encoding == DICT_ENCODING
