"""The OpenAPI document, completed: what FastAPI cannot see of routes that read raw requests.

Added to what FastAPI generates:

- the JSON schemas of the bodies read raw (the compressed push body, the enrolment request), written
  out here with the bounds :mod:`sync_protocol` checks (UUIDs, lengths, integer ranges, the
  event kinds of :mod:`sync_protocol.events`), so that a generated request can pass them;
- on every ``/api`` operation: the required protocol header and its 426, the station token
  (bearer security scheme) and its 401 (all but enrolment), 400 with an ``ErrorBody`` for a
  refused parameter or body (in place of FastAPI's 422 shape, which the server never sends),
  413 for a body over its limit; on the push: the required ``Content-Encoding`` header
  (``x-qmc-deflate-v1``, deflate with the preset dictionary of ``sync_protocol.zdict``, or
  ``gzip``) and its 415;
- the ``code`` and ``key`` query parameters of the lookup page (read raw), and 400 for a
  refused parameter of the other pages.

So a client, or a fuzzer such as schemathesis (tests/server/test_schemathesis.py), can reach
every operation and knows every answer it can get.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from sync_protocol import (
    DICT_ENCODING,
    MAX_BATCH_EVENTS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PUSH_ENCODINGS,
)
from sync_protocol.events import EVENT_KINDS
from sync_protocol.v1 import MAX_SEQ, MAX_TEXT

API_PREFIX = "/api/v1"
JSON = "application/json"
STATION_TOKEN = "stationToken"

_UUID = {"type": "string", "format": "uuid", "minLength": 36, "maxLength": 36}
_BODY_SCHEMAS: dict[str, dict[str, Any]] = {
    "EventWire": {
        "type": "object",
        "description": "One immutable dossier event; its payload is checked per kind.",
        "required": ["uuid", "dossier_uuid", "kind", "station_id", "seq", "officer", "at"],
        "properties": {
            "uuid": _UUID,
            "dossier_uuid": _UUID,
            "kind": {"type": "string", "enum": sorted(EVENT_KINDS)},
            "station_id": _UUID,
            "seq": {"type": "integer", "minimum": 1, "maximum": MAX_SEQ},
            "officer": {"type": "string", "maxLength": MAX_TEXT},
            "at": {"type": "string", "format": "date-time", "maxLength": 40},
            "payload": {"type": "object"},
        },
    },
    "PushRequest": {
        "type": "object",
        "required": ["batch_id", "station_id", "events"],
        "properties": {
            "batch_id": _UUID,
            "station_id": _UUID,
            "events": {
                "type": "array",
                "maxItems": MAX_BATCH_EVENTS,
                "items": {"$ref": "#/components/schemas/EventWire"},
            },
            "waiting": {"type": "integer", "minimum": 0, "maximum": MAX_SEQ},
            "chain": {"type": "object", "description": "the station's history chain"},
        },
    },
    "EnrolRequest": {
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": {"type": "string", "minLength": 1, "maxLength": 64},
            "app_version": {"type": "string", "maxLength": 40},
            "former_prefixes": {
                "type": "array",
                "maxItems": 20,
                "items": {"type": "string", "pattern": "^[0-9]{2,5}$"},
                "description": "prefixes the station minted codes with before (000NN offline)",
            },
            "former_station_ids": {
                "type": "array",
                "maxItems": 5,
                "items": _UUID,
                "description": "the station id an offline set-up gave itself",
            },
        },
    },
}
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
_ENCODING_PARAMETER = {
    "name": "Content-Encoding",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "enum": list(PUSH_ENCODINGS)},
    "description": (
        f"`{DICT_ENCODING}`: zlib (RFC 1950) deflate with the preset dictionary "
        "`sync_protocol/zdict/v1.txt` (what counters send); `gzip`: older counters. Another "
        "encoding gets 415 `unsupported_encoding`."
    ),
}
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
    schema = {"$ref": "#/components/schemas/ErrorBody"}
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _api_operation(url: str, method: str, operation: dict[str, Any]) -> None:
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
        operation["parameters"].append(dict(_ENCODING_PARAMETER))
        answers.setdefault("415", _error_answer("the body is not gzip"))
    if "requestBody" in operation:
        answers.setdefault("413", _error_answer("the body is larger than allowed"))


def complete_openapi(app: FastAPI, lookup_path: str) -> None:
    """Make ``app.openapi()`` answer the completed document (built once, on first use)."""

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
        components = schema.setdefault("components", {})
        for name, body in _BODY_SCHEMAS.items():
            components.setdefault("schemas", {}).setdefault(name, body)
        components["securitySchemes"] = {
            STATION_TOKEN: {
                "type": "http",
                "scheme": "bearer",
                "description": "the station token received at enrolment",
            }
        }
        for url, path in schema.get("paths", {}).items():
            for method, operation in path.items():
                if url.startswith("/api/"):
                    _api_operation(url, method, operation)
                elif url == lookup_path and method == "get":
                    operation.setdefault("parameters", []).extend(_LOOKUP_PARAMETERS)
                elif operation.get("parameters"):  # FastAPI checks them: 400 when refused
                    answers = operation.setdefault("responses", {})
                    answers.setdefault("400", _error_answer("refused parameter: named in detail"))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
