"""``/dashboard/bundles``: the province administrator uploads a station's USB sync bundle
(issue 15 item 2) and downloads the return bundle to carry back to the counter.

Same sign-in as the dashboard (``router.gate``: a session of an administrator account, or the
administrator token); a viewer account sees the page's list but no form, and its upload is
refused (403). The upload is ``multipart/form-data`` (the file and the page's form token),
read whole up to the bundle's bound and parsed with the standard library's MIME parser; it is
applied by ``province_server.sync.bundles.import_bundle``, exactly as ``province-server
import-bundle`` does (a refusal: 422 with its Vietnamese reason, nothing changed). The return
bundle is kept with the import's row (``bundle_imports.return_bundle``) and offered for
download at ``/dashboard/bundles/<id>/return``.
"""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Callable
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from province_server import texts
from province_server.config import Settings
from province_server.deps import PoolDep
from province_server.errors import ApiError
from province_server.http import read_body
from province_server.pages import accounts, dashboard
from province_server.pages.html import esc, page, vn_short
from province_server.sync import bundles
from sync_protocol.bundle import MAX_BODY_BYTES, MAX_HEADER_BYTES

PATH = "/dashboard/bundles"
MAX_UPLOAD = MAX_BODY_BYTES + MAX_HEADER_BYTES + 64 * 1024
_HTML: dict[str, Any] = {"content": {"text/html": {}}}
Gate = Callable[[Request, psycopg.Connection], Any]


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    """The fields of a ``multipart/form-data`` body (name -> bytes); {} if it is not one."""
    if not content_type.lower().startswith("multipart/form-data"):
        return {}
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, bytes] = {}
    if not message.is_multipart():
        return {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(data, bytes) and name not in fields:
            fields[name] = data
    return fields


def _rows_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return f'<p class="muted">{esc(texts.BUNDLE_NONE)}</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in texts.BUNDLE_COLUMNS)
    body = "".join(
        "<tr>"
        f"<td>{esc(vn_short(r['imported_at']))}</td><td>{esc(r['agency_id'])}</td>"
        f"<td>{esc(r['station_id'][:8])}</td>"
        f"<td>{esc(r['number'])}{' ' + esc(texts.BUNDLE_REPEAT) if r['repeat'] else ''}</td>"
        f"<td>{r['events']}</td><td>{r['accepted']}</td><td>{r['duplicates']}</td>"
        f"<td>{r['rejected']}</td></tr>"
        for r in rows
    )
    return f'<div class="scroll"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'


def bundles_page(
    viewer: accounts.Viewer, rows: list[dict[str, Any]], *, notice: str = "", status: int = 200
) -> HTMLResponse:
    form = ""
    if viewer.is_admin:
        form = (
            f'<form method="post" action="{PATH}" enctype="multipart/form-data" class="card">'
            f"<p>{esc(texts.BUNDLE_PAGE_HINT)}</p>"
            f'<label for="bundle">{esc(texts.BUNDLE_FILE)}</label> '
            '<input type="file" id="bundle" name="bundle" accept=".qmcsync" required autofocus>'
            f'<input type="hidden" name="form" value="{esc(viewer.form_token)}"> '
            f'<button type="submit">{esc(texts.BUNDLE_SUBMIT)}</button></form>'
        )
    body = (
        f"<h1>{esc(texts.BUNDLE_PAGE_TITLE)}</h1>{notice}{form}"
        f"<h2>{esc(texts.BUNDLE_RECENT)}</h2>{_rows_html(rows)}"
        f'<p><a href="/dashboard">{esc(texts.LEADERS_DRILL_BACK)}</a></p>'
    )
    return page(texts.BUNDLE_PAGE_TITLE, body, status=status, wide=True)


def _refused(message: str) -> str:
    return (
        f'<div class="card problem" role="alert"><h2>{esc(texts.BUNDLE_REFUSED_TITLE)}</h2>'
        f"<p>{esc(message)}</p></div>"
    )


def _done(result: bundles.ImportResult, import_id: int) -> str:
    line = texts.bundle_imported(
        result.events, result.accepted, result.duplicates, result.rejected, result.pulled
    )
    repeat = f" {esc(texts.BUNDLE_REPEAT)}" if result.repeat else ""
    return (
        f'<div class="card notice" role="status"><h2>{esc(texts.BUNDLE_DONE_TITLE)}{repeat}</h2>'
        f"<p>{esc(line)}</p>"
        f'<p><a id="return" href="{PATH}/{import_id}/return">{esc(texts.BUNDLE_DOWNLOAD)}</a>'
        "</p></div>"
    )


def add_routes(router: APIRouter, settings: Settings, gate: Gate) -> None:
    """Register the page's routes on the pages' router (``router.make_router``)."""

    @router.get(
        PATH,
        summary="USB sync bundles: upload form and recent imports (signed in)",
        description=(
            "The imports of station bundles, newest first, and for an administrator the "
            "upload form. Same sign-in as `/dashboard`."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 401: _HTML, 403: _HTML},
    )
    def bundles_get(request: Request, pool: PoolDep) -> HTMLResponse:
        with pool.connection() as conn:
            viewer = gate(request, conn)
            if isinstance(viewer, HTMLResponse):
                return viewer
            rows = bundles.recent_imports(conn)
        return bundles_page(viewer, rows)

    @router.post(
        PATH,
        summary="Import a station's USB sync bundle (administrator only)",
        description=(
            "`multipart/form-data` with `bundle` (the .qmcsync file) and `form` (the page's "
            "form token), signed in as an administrator: applied as the station's pushes "
            "(as `province-server import-bundle`); the page says what was done and links the "
            "return bundle. A refused bundle (truncated, changed, another office's, a key "
            "the station never proved): 422 with the reason, nothing changed. Not signed in: "
            "401; a viewer: 403; a wrong form token: 400."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 400: _HTML, 401: _HTML, 403: _HTML, 413: _HTML, 422: _HTML},
    )
    async def bundles_post(request: Request, pool: PoolDep) -> Response:
        try:
            body = await read_body(request, MAX_UPLOAD)
        except ApiError:
            return dashboard.refusal_page(texts.bundle_refused("too_large"), 413)  # type: ignore[no-any-return]
        fields = _multipart(request.headers.get("content-type", ""), body)

        def who() -> Any:
            with pool.connection() as conn:
                return gate(request, conn)

        viewer = await run_in_threadpool(who)
        if isinstance(viewer, HTMLResponse):
            return viewer
        token = fields.get("form", b"").decode("utf-8", "replace")
        if not accounts.same(viewer.form_token, token):
            return dashboard.refusal_page(texts.LEADERS_FORM_REFUSED, 400)  # type: ignore[no-any-return]
        if not viewer.is_admin:
            return dashboard.refusal_page(texts.LEADERS_ADMIN_ONLY, 403)  # type: ignore[no-any-return]
        data = fields.get("bundle", b"")
        lookup = settings.lookup_url or (
            settings.public_url + settings.lookup_path if settings.public_url else ""
        )

        def apply() -> tuple[str, int, list[dict[str, Any]]]:
            with pool.connection() as conn:
                if not data:
                    notice, status = _refused(texts.BUNDLE_NO_FILE), 422
                else:
                    keys = bundles.province_keys(settings.bundle_key_file)
                    try:
                        result = bundles.import_bundle(
                            conn,
                            data,
                            keys,
                            via="dashboard",
                            lookup_url=lookup,
                            quota=settings.upload_quota_bytes,
                        )
                    except bundles.BundleRefusedError as refused:
                        notice, status = _refused(texts.bundle_refused(refused.code)), 422
                    else:
                        notice, status = _done(result, result.import_id), 200
                return notice, status, bundles.recent_imports(conn)

        notice, status, rows = await run_in_threadpool(apply)
        return bundles_page(viewer, rows, notice=notice, status=status)

    @router.get(
        PATH + "/{import_id}/return",
        summary="Download the return bundle of an import (administrator only)",
        response_class=Response,
        description=(
            "The return bundle built for an import (`bundle_imports.id`, linked from the "
            "upload's answer), as an attachment. Administrators only; 404 for no such import, "
            "410 for one superseded by newer return bundles of its station (the newest "
            "`KEEP_RETURNS` are kept)."
        ),
        responses={
            200: {"content": {"application/octet-stream": {}}},
            401: _HTML,
            403: _HTML,
            404: _HTML,
            410: _HTML,
        },
    )
    def bundles_return(
        request: Request, pool: PoolDep, import_id: Annotated[int, Path(ge=1, le=2**62)]
    ) -> Response:
        with pool.connection() as conn:
            viewer = gate(request, conn)
            if isinstance(viewer, HTMLResponse):
                return viewer
            if not viewer.is_admin:
                return dashboard.refusal_page(texts.LEADERS_ADMIN_ONLY, 403)  # type: ignore[no-any-return]
            found = bundles.return_of(conn, import_id)
        if found is None:
            return dashboard.refusal_page(texts.BUNDLE_REFUSED["malformed"], 404)  # type: ignore[no-any-return]
        name, data = found
        if data is None:  # a newer return bundle of the station replaced it
            return dashboard.refusal_page(texts.BUNDLE_RETURN_SUPERSEDED, 410)  # type: ignore[no-any-return]
        return Response(
            data,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
