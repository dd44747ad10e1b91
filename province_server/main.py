"""Application factory: ``create_app(settings)`` builds a FastAPI app; nothing runs at import.

The app is stateless (DESIGN §10): every state lives in PostgreSQL, the only per-process
object is the connection pool, opened by the lifespan and closed at shutdown. Run several
processes behind a load balancer to scale.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from starlette.concurrency import run_in_threadpool

from province_server import __version__
from province_server.admission import AdmissionLimit
from province_server.attachments.router import router as attachments_router
from province_server.config import Settings
from province_server.db import make_pool
from province_server.errors import ApiError
from province_server.http import json_response
from province_server.openapi import API_PREFIX, complete_openapi
from province_server.pages.router import make_router as make_pages_router
from province_server.reference.router import router as reference_router
from province_server.stations.router import router as stations_router
from province_server.sync.router import router as sync_router
from sync_protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ErrorBody, ErrorCodes


def _error(status: int, code: str, detail: str) -> Response:
    return json_response(ErrorBody(code=code, detail=detail).to_json(), status)


def _protocol_ok(value: str | None) -> bool:
    return value is not None and value.strip() == str(PROTOCOL_VERSION)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application bound to ``settings`` (default: read from the environment now)."""
    settings = settings or Settings.from_env()
    pool = make_pool(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.open(wait=False)
        app.state.pool = pool
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="Quầy Một Cửa — province server",
        version=__version__,
        summary=f"Sync API for one-stop counter stations (protocol version {PROTOCOL_VERSION}).",
        description=(
            "JSON API under `/api/v1` for enrolled stations (push and pull of dossier events, "
            "reference data), plus two HTML pages in Vietnamese: the citizen status lookup "
            f"(`{settings.lookup_path}`, opened by the QR of the reception slip) and the "
            "province dashboard (`/dashboard`, administrator token)."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    # zlib's default level, not Starlette's 9: a 500-event pull page comes out 2 % larger for
    # about 60 % of the CPU.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)

    @app.middleware("http")
    async def check_protocol(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path.startswith("/api/") and not _protocol_ok(
            request.headers.get(PROTOCOL_HEADER)
        ):
            return _error(
                426,
                ErrorCodes.PROTOCOL_MISMATCH,
                f"this server speaks protocol {PROTOCOL_VERSION}; update the application",
            )
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        response = _error(exc.status, exc.code, exc.detail)
        response.headers.update({**headers, **exc.headers})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return _error(400, ErrorCodes.MALFORMED, _validation_detail(exc))

    @app.get(
        "/healthz",
        summary="Liveness and database reachability",
        tags=["health"],
        responses={503: {"description": "the database cannot be reached"}},
    )
    async def healthz() -> Response:
        def probe() -> bool:
            try:
                with pool.connection(timeout=2.0) as conn:
                    conn.execute("SELECT 1")
            except Exception:
                return False
            return True

        if await run_in_threadpool(probe):
            return json_response({"status": "ok", "protocol": PROTOCOL_VERSION})
        return json_response({"status": "database_unreachable"}, 503)

    # Outermost: a request refused for lack of a slot costs no other work (admission.py).
    app.add_middleware(
        AdmissionLimit,
        max_inflight=settings.max_inflight,
        queue_wait_ms=settings.queue_wait_ms,
        retry_after_s=settings.busy_retry_after_s,
    )
    app.include_router(stations_router, prefix=API_PREFIX)
    app.include_router(sync_router, prefix=API_PREFIX)
    app.include_router(reference_router, prefix=API_PREFIX)
    app.include_router(attachments_router, prefix=API_PREFIX)
    app.include_router(make_pages_router(settings))
    complete_openapi(app, settings.lookup_path)
    return app


def _validation_detail(exc: RequestValidationError) -> str:
    """``<parameter>: <what is wrong>`` for the first invalid parameter (never its value)."""
    for error in exc.errors():
        where = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        return f"{'.'.join(where) or 'request'}: {error.get('msg', 'invalid value')}"
    return "invalid request parameters"
