"""Admission control: a bounded number of station requests at once per server process.

Past what the process can serve within its latency target, more concurrent requests only
queue for a database connection, and every answer gets slow (then times out). Instead, at
most ``max_inflight`` requests under ``/api/`` run at once; a request that finds them all
busy waits up to ``queue_wait_ms`` for a slot, then gets HTTP 429 ``server_busy`` with
``Retry-After`` (whole seconds, drawn in [retry_after_s, 2 × retry_after_s] so stations that
were refused together do not come back together). Counters honour it (they schedule their
next sync no sooner; ``counter_app/sync/scheduler.py``). Nothing of a refused request was
read or done: it is safe to repeat.

The health probe and the HTML pages are not limited (a citizen's lookup page is one cheap
query; the dashboard has its own sign-in limit).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sync_protocol import ErrorBody, dumps

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SERVER_BUSY = "server_busy"
LIMITED_PREFIX = "/api/"


class AdmissionLimit:
    """ASGI middleware: at most ``max_inflight`` ``/api/`` requests at once (0: no limit)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_inflight: int,
        queue_wait_ms: int,
        retry_after_s: int,
        rng: Callable[[int, int], int] = random.randint,
    ) -> None:
        self.app = app
        self.max_inflight = max_inflight
        self.queue_wait = max(0, queue_wait_ms) / 1000
        self.retry_after_s = max(1, retry_after_s)
        self.rng = rng
        self._slots: asyncio.Semaphore | None = None
        self.refused = 0  # 429 answers since start (visible to tests and logs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = (
            self.max_inflight > 0
            and scope["type"] == "http"
            and str(scope.get("path", "")).startswith(LIMITED_PREFIX)
        )
        if not limited:
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # created in the server's event loop
            self._slots = asyncio.Semaphore(self.max_inflight)
        if not await self._acquire(self._slots):
            self.refused += 1
            await self._busy(send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()

    async def _acquire(self, slots: asyncio.Semaphore) -> bool:
        if not slots.locked():
            await slots.acquire()  # a free slot: immediate
            return True
        if self.queue_wait <= 0:
            return False
        try:
            async with asyncio.timeout(self.queue_wait):
                await slots.acquire()  # a slot granted as the wait ends is given back
        except TimeoutError:
            return False
        return True

    async def _busy(self, send: Send) -> None:
        retry = self.rng(self.retry_after_s, 2 * self.retry_after_s)
        body = dumps(
            ErrorBody(
                code=SERVER_BUSY, detail=f"the server is busy; retry in {retry} seconds"
            ).to_json()
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
