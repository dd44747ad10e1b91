"""A fault-injecting HTTP proxy on loopback, between stations and the province server.

One request per client connection (the proxy answers with ``Connection: close``), forwarded
to the upstream server on a new connection. With faults on, each request draws a fault from a
seeded random schedule:

- ``drop_request``: the upstream gets the headers and half the body, then both sides are cut;
- ``drop_response``: the request is forwarded and answered (the server committed), then the
  client's connection is cut before any byte of the answer;
- ``duplicate``: the request is forwarded twice at the same time; the client gets one answer;
- ``reorder``: the request is held back for a while, so requests sent after it overtake it;
- ``error_500`` / ``error_502``: the proxy answers an error itself; a 502 is given after the
  request was forwarded (the server may have committed), a 500 without forwarding;
- ``stall``: nothing is answered until the client has given up, then the request is forwarded
  anyway (it reaches the server late, possibly after the client's retry);
- ``truncate``: the answer is cut in half, either announced with its full length (the client
  sees the connection close early) or re-labelled with the cut length (the client gets a
  well-framed but broken body).

Runs an asyncio loop in a daemon thread; ``start``/``stop`` from any thread.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from enum import StrEnum

from province_server.testing import free_port


class Fault(StrEnum):
    NONE = "none"
    DROP_REQUEST = "drop_request"
    DROP_RESPONSE = "drop_response"
    DUPLICATE = "duplicate"
    REORDER = "reorder"
    ERROR_500 = "error_500"
    ERROR_502 = "error_502"
    STALL = "stall"
    TRUNCATE = "truncate"


ALL_FAULTS = tuple(f for f in Fault if f is not Fault.NONE)


def _headers(head: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """The first line and the headers (lower-case names) of an HTTP message head."""
    lines = head.split(b"\r\n")
    fields: dict[bytes, bytes] = {}
    for line in lines[1:]:
        if b":" in line:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
    return lines[0], fields


def _closing(head: bytes, *, content_length: int | None = None) -> bytes:
    """``head`` with ``Connection: close`` (and optionally another Content-Length)."""
    first, _ = _headers(head)
    kept = []
    for line in head.split(b"\r\n")[1:]:
        name = line.partition(b":")[0].strip().lower()
        if not line or name == b"connection" or name == b"keep-alive":
            continue
        if content_length is not None and name == b"content-length":
            continue
        kept.append(line)
    kept.append(b"Connection: close")
    if content_length is not None:
        kept.append(b"Content-Length: " + str(content_length).encode())
    return b"\r\n".join([first, *kept]) + b"\r\n\r\n"


def _split(raw: bytes) -> tuple[bytes, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return head, body


def _error(status: int, reason: str) -> bytes:
    body = b'{"code":"proxy","detail":"injected"}'
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


class FaultProxy:
    """``url`` forwards to ``upstream_port`` on 127.0.0.1; ``faults_on`` switches faults."""

    def __init__(
        self,
        upstream_port: int,
        *,
        seed: int,
        rate: float = 0.35,
        faults: tuple[Fault, ...] = ALL_FAULTS,
        stall_s: float = 1.5,
        reorder_s: tuple[float, float] = (0.2, 0.8),
    ) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.rng = random.Random(seed)
        self.rate = rate
        self.faults = faults
        self.stall_s = stall_s
        self.reorder_s = reorder_s
        self.faults_on = False
        self.delay_s = 0.0  # extra delay on every request (slow link), faults or not
        self.counts: Counter[Fault] = Counter()
        self.requests = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self._ready.set()
        async with server:
            await self._stop.wait()
        for task in list(self._tasks):
            task.cancel()

    # --- one request --------------------------------------------------------------------------

    def _draw(self) -> Fault:
        self.requests += 1
        fault = Fault.NONE
        if self.faults_on and self.rng.random() < self.rate:
            fault = self.rng.choice(self.faults)
        self.counts[fault] += 1
        return fault

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            head = (await reader.readuntil(b"\r\n\r\n"))[:-4]
            _, fields = _headers(head)
            body = await reader.readexactly(int(fields.get(b"content-length", b"0")))
            await self._serve(head, body, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
            pass
        finally:
            writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _forward(self, head: bytes, body: bytes, *, cut: bool = False) -> bytes:
        """Send the request upstream on a new connection; the whole raw answer (b"" if cut)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            writer.write(_closing(head) + (body[: len(body) // 2] if cut else body))
            await writer.drain()
            if cut:
                return b""
            return await reader.read()
        finally:
            writer.close()

    async def _serve(self, head: bytes, body: bytes, writer: asyncio.StreamWriter) -> None:
        fault = self._draw()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if fault is Fault.DROP_REQUEST:
            await self._forward(head, body, cut=True)
            return
        if fault is Fault.ERROR_500:
            writer.write(_error(500, "Internal Server Error"))
            await writer.drain()
            return
        if fault is Fault.REORDER:
            await asyncio.sleep(self.rng.uniform(*self.reorder_s))
        if fault is Fault.STALL:
            await asyncio.sleep(self.stall_s)  # the client gives up meanwhile
            await self._forward(head, body)  # ...and the request still arrives, late
            return
        if fault is Fault.DUPLICATE:
            first, _ = await asyncio.gather(self._forward(head, body), self._forward(head, body))
            answer = first
        else:
            answer = await self._forward(head, body)
        if fault is Fault.DROP_RESPONSE:
            return
        if fault is Fault.ERROR_502:
            writer.write(_error(502, "Bad Gateway"))
        elif fault is Fault.TRUNCATE:
            writer.write(self._truncated(answer))
        else:
            answer_head, answer_body = _split(answer)
            writer.write(_closing(answer_head) + answer_body)
        await writer.drain()

    def _truncated(self, answer: bytes) -> bytes:
        answer_head, answer_body = _split(answer)
        cut = answer_body[: len(answer_body) // 2]
        if self.rng.random() < 0.5:
            return _closing(answer_head) + cut  # full length announced, connection closes
        return _closing(answer_head, content_length=len(cut)) + cut
