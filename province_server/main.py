"""Application factory: ``create_app(settings)`` builds a FastAPI app; nothing runs at import.

The app is stateless (DESIGN §10): every state lives in PostgreSQL, the only per-process
object is the connection pool, opened by the lifespan and closed at shutdown. Run several
processes behind a load balancer to scale.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool

from province_server import __version__
from province_server.attachments.router import router as attachments_router
from province_server.config import Settings
from province_server.db import make_pool
from province_server.errors import ApiError
from province_server.http import JSON, json_response
from province_server.pages.router import make_router as make_pages_router
from province_server.reference.router import router as reference_router
from province_server.stations.router import router as stations_router
from province_server.sync.router import router as sync_router
from sync_protocol import (
    GZIP_ENCODING,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    ErrorBody,
    ErrorCodes,
    PushRequest,
)

API_PREFIX = "/api/v1"


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
    app.add_middleware(GZipMiddleware, minimum_size=1024)

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

    app.include_router(stations_router, prefix=API_PREFIX)
    app.include_router(sync_router, prefix=API_PREFIX)
    app.include_router(reference_router, prefix=API_PREFIX)
    app.include_router(attachments_router, prefix=API_PREFIX)
    app.include_router(make_pages_router(settings))
    _document_raw_bodies(app)
    return app


def _validation_detail(exc: RequestValidationError) -> str:
    """``<parameter>: <what is wrong>`` for the first invalid parameter (never its value)."""
    for error in exc.errors():
        where = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        return f"{'.'.join(where) or 'request'}: {error.get('msg', 'invalid value')}"
    return "invalid request parameters"


STATION_TOKEN = "stationToken"
_PROTOCOL_PARAMETER = {
    "name": PROTOCOL_HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "integer", "const": PROTOCOL_VERSION},
    "description": (
        "Protocol version; a missing header or another value gets 426 `protocol_mismatch` "
        "before anything else is checked."
    ),
}
_GZIP_PARAMETER = {
    "name": "Content-Encoding",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "enum": [GZIP_ENCODING]},
    "description": "The body is gzip-compressed; another encoding gets 415.",
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_LOOKUP_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }
    for name, description in (
        ("code", "the dossier code (from the slip's QR)"),
        ("key", "the lookup key printed with the QR"),
    )
]


def _error_answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ERROR_REF}}}


def _document_api_operation(url: str, method: str, operation: dict[str, Any]) -> None:
    """What every /api operation carries: the protocol header (426), the station token (401,
    except enrolment), refused parameters as 400 (never FastAPI's 422 shape), and the push
    body's gzip encoding (415)."""
    operation.setdefault("parameters", []).append(dict(_PROTOCOL_PARAMETER))
    answers = operation.setdefault("responses", {})
    answers.setdefault("426", _error_answer("protocol header missing or of another version"))
    answers.setdefault("400", _error_answer("refused input: the detail names the field"))
    validation = answers.get("422", {}).get("content", {}).get(JSON, {}).get("schema", {})
    if validation.get("$ref", "").endswith("/HTTPValidationError"):
        del answers["422"]  # parameter errors are answered 400 with an ErrorBody
    if url != f"{API_PREFIX}/enrol":
        operation["security"] = [{STATION_TOKEN: []}]
        answers.setdefault("401", _error_answer("station token missing, unknown or revoked"))
    if url == f"{API_PREFIX}/sync/push" and method == "post":
        operation["parameters"].append(dict(_GZIP_PARAMETER))
        answers.setdefault("415", _error_answer("the body is not gzip"))
    if "requestBody" in operation:
        answers.setdefault("413", _error_answer("the body is larger than allowed"))


def _document_raw_bodies(app: FastAPI) -> None:
    """Complete the OpenAPI document: the schemas of bodies read raw (gzip push, enrol),
    every header an operation needs and every answer it can give (so that a client, or a
    fuzzer such as schemathesis, can reach and check every operation)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (PushRequest, EnrolRequest):
            extra = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in extra.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components.setdefault(model.__name__, extra)
        schema["components"]["securitySchemes"] = {
            STATION_TOKEN: {
                "type": "http",
                "scheme": "bearer",
                "description": "the station token received at enrolment",
            }
        }
        settings: Settings = app.state.settings
        for url, path in schema.get("paths", {}).items():
            for method, operation in path.items():
                if url.startswith("/api/"):
                    _document_api_operation(url, method, operation)
                    continue
                if url == settings.lookup_path and method == "get":
                    operation.setdefault("parameters", []).extend(_LOOKUP_PARAMETERS)
                elif operation.get("parameters"):  # FastAPI checks them: 400 when refused
                    answers = operation.setdefault("responses", {})
                    answers.setdefault("400", _error_answer("refused parameter: named in detail"))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
