"""HTML pages for people: the citizen status lookup and the province dashboard."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from province_server import texts
from province_server.config import Settings
from province_server.deps import PoolDep
from province_server.pages import dashboard, lookup

_HTML: dict[str, Any] = {"content": {"text/html": {}}}


def make_router(settings: Settings) -> APIRouter:
    """The pages' routes; the lookup path comes from the settings (``PROVINCE_LOOKUP_PATH``)."""
    router = APIRouter(tags=["pages"])

    @router.get(
        settings.lookup_path,
        summary="Citizen status lookup (HTML, Vietnamese)",
        description=(
            "The page the QR code of the reception slip (Mẫu 01) opens: "
            "`?code=<dossier code>&key=<lookup key>`. When the code exists and the key "
            "matches the `lookup_key` of its `received` event (constant-time comparison), "
            "shows the national status, the procedure, the reception time, the due date and "
            "whether the result is ready or returned, with the applicant's name masked and "
            "no other personal data. Anything else (unknown code, wrong or missing key) gets "
            "the same neutral page with 404, so the page never reveals whether a code exists."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 404: _HTML},
    )
    def lookup_page(
        pool: PoolDep,
        code: Annotated[str, Query(max_length=lookup.MAX_INPUT)] = "",
        key: Annotated[str, Query(max_length=lookup.MAX_INPUT)] = "",
    ) -> HTMLResponse:
        with pool.connection() as conn:
            view = lookup.find(conn, code, key)
        page: HTMLResponse = lookup.view_page(view) if view else lookup.not_found_page()
        return page

    @router.get(
        "/dashboard",
        summary="Province dashboard (HTML, Vietnamese, administrator only)",
        description=(
            "Every station (office, station number, last sync, events stored today, "
            "enrolment state) and, per receiving office, dossiers in progress and overdue "
            "(due date passed, not finished, clock not stopped by a supplement request), "
            "derived from the stored events, and the digitisation of paper dossiers per "
            "receiving office and station for a month (`?month=YYYY-MM`, the current month "
            "in Vietnam by default) and its year to date. Needs the administrator token "
            "`PROVINCE_ADMIN_TOKEN` as `Authorization: Bearer <token>` or `?token=`; 401 "
            "without it, 403 when the server has no token configured."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 401: _HTML, 403: _HTML, 422: _HTML},
    )
    def dashboard_page(
        request: Request,
        pool: PoolDep,
        token: Annotated[str | None, Query(max_length=200)] = None,
        month: Annotated[str | None, Query(max_length=20)] = None,
    ) -> HTMLResponse:
        if not settings.admin_token:
            refused: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_DISABLED, 403)
            return refused
        if not dashboard.token_ok(
            settings.admin_token, request.headers.get("authorization"), token
        ):
            unauthorized: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_UNAUTHORIZED, 401)
            return unauthorized
        period = dashboard.Period.parse(month) if month else dashboard.Period.current()
        if period is None:
            bad: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_BAD_MONTH, 422)
            return bad
        with pool.connection() as conn:
            figures = dashboard.figures(conn, period)
        shown: HTMLResponse = dashboard.dashboard_page(figures)
        return shown

    return router
