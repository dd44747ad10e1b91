"""HTML pages for people: the citizen status lookup and the province dashboard."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from province_server import texts
from province_server.config import Settings
from province_server.deps import PoolDep
from province_server.errors import AdminError, ApiError
from province_server.http import read_body
from province_server.pages import dashboard, lookup, national, throttle
from province_server.stations import service as stations_service

_HTML: dict[str, Any] = {"content": {"text/html": {}}}
_FORM = "application/x-www-form-urlencoded"
_FORM_SCHEMA = {
    "schema": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "key": {"type": "string"}},
    }
}
MAX_FORM_BYTES = 2048


def make_router(settings: Settings) -> APIRouter:
    """The pages' routes; the lookup path comes from the settings (``PROVINCE_LOOKUP_PATH``)."""
    router = APIRouter(tags=["pages"])

    limit = throttle.Limit(settings.lookup_max_wrong, settings.lookup_window_minutes)
    action = settings.lookup_path
    lookup.mask_access_log()

    def answer(request: Request, pool: PoolDep, given: lookup.LookupInput) -> HTMLResponse:
        """One lookup (GET from the QR or POST from the form); see pages/lookup.py."""
        if given.valid and given.empty:
            return lookup.form_page(action)
        if given.valid and not given.complete:
            return lookup.incomplete_page(action, given)
        address = request.client.host if request.client else ""
        keys = throttle.subjects(address, given.code)
        with pool.connection() as conn:
            wait = throttle.blocked_seconds(conn, keys, limit)
            if wait:
                return lookup.too_many_page(wait)
            view = lookup.find(conn, given.code, given.key) if given.valid else None
            if view is None:
                throttle.record_wrong(conn, keys, limit)
        if view is None:
            return lookup.not_found_page(action, given.code)
        return lookup.view_page(view, action)

    description = (
        "The page the QR code of the reception slip (Mẫu 01) opens: "
        "`?code=<dossier code>&key=<lookup key>`; without parameters, a form for the code and "
        "the key (plain HTML, no script) that is sent with POST, so a typed key never appears "
        "in an address. When the code exists and the key matches the `lookup_key` of its "
        "`received` event (constant-time comparison), shows the national status, the "
        "procedure, the receiving agency and officer, the deciding body, the times of "
        "reception, result, end and return, the due date and a timeline of the public steps "
        "(Decree 224/2026 Art. 15), with the applicant's name masked and no other personal "
        "data. An unknown "
        "code or a wrong key gets the same neutral page with 404, so the page never reveals "
        "whether a code exists; only one of the two: 400. Wrong tries are counted per client "
        "address and per code (`PROVINCE_LOOKUP_MAX_WRONG` in "
        "`PROVINCE_LOOKUP_WINDOW_MINUTES`, 5 in 15): past that, 429 with `Retry-After`."
    )

    pages: dict[str, Any] = {
        "description": description,
        "response_class": HTMLResponse,
        "responses": {200: _HTML, 400: _HTML, 404: _HTML, 429: _HTML},
    }

    @router.get(settings.lookup_path, summary="Citizen status lookup (HTML, Vietnamese)", **pages)
    def lookup_page(request: Request, pool: PoolDep) -> HTMLResponse:
        query = request.query_params
        return answer(
            request, pool, lookup.clean_input(query.get("code", ""), query.get("key", ""))
        )

    @router.post(
        settings.lookup_path,
        summary="Citizen status lookup, from the form (HTML, Vietnamese)",
        openapi_extra={"requestBody": {"required": True, "content": {_FORM: _FORM_SCHEMA}}},
        **pages,
    )
    async def lookup_form(request: Request, pool: PoolDep) -> HTMLResponse:
        try:
            body = await read_body(request, MAX_FORM_BYTES)
            fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
        except (ApiError, ValueError):  # not what a browser sends for this form: a wrong try
            given = lookup.LookupInput(code="", key="", valid=False)
        else:
            code, key = (fields.get(name, [""])[0] for name in ("code", "key"))
            given = lookup.clean_input(code, key)
        return await run_in_threadpool(answer, request, pool, given)

    def admin_session(request: Request) -> bool:
        return dashboard.token_ok(
            settings.admin_token,
            request.headers.get("authorization"),
            request.cookies.get(dashboard.SESSION_COOKIE),
        )

    async def form_fields(request: Request) -> dict[str, str]:
        """The first value of each field of a small urlencoded form ({} when it is not one)."""
        try:
            body = await read_body(request, MAX_FORM_BYTES)
            fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
        except (ApiError, ValueError):
            return {}
        return {name: values[0] for name, values in fields.items() if values}

    def admin_period(request: Request, month: str | None) -> dashboard.Period | HTMLResponse:
        """The month asked for on an administrator's page, or the page that refuses it: the
        server has no token (403), no session (the sign-in form), a bad month (422)."""
        if not settings.admin_token:
            refused: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_DISABLED, 403)
            return refused
        if not admin_session(request):
            login: HTMLResponse = dashboard.login_page()
            return login
        period = dashboard.Period.parse(month) if month else dashboard.Period.current()
        if period is None:
            bad: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_BAD_MONTH, 422)
            return bad
        return period

    @router.get(
        "/dashboard",
        summary="Province dashboard (HTML, Vietnamese, administrator only)",
        description=(
            "Every station (office, station number, last sync, events stored today, "
            "enrolment state, a button to revoke its token) and, per receiving office, "
            "dossiers in progress and overdue (due date passed, not finished, clock not "
            "stopped by a supplement request), derived from the stored events, and the "
            "digitisation of paper dossiers per receiving office and station for a month "
            "(`?month=YYYY-MM`, the current month in Vietnam by default) and its year to "
            "date. Needs the administrator token `PROVINCE_ADMIN_TOKEN` as `Authorization: "
            "Bearer <token>` or the session cookie of `POST /dashboard/login`; without it, "
            "401 with the sign-in form (the token is never read from the address); 403 when "
            "the server has no token configured."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 401: _HTML, 403: _HTML, 422: _HTML},
    )
    def dashboard_page(
        request: Request,
        pool: PoolDep,
        month: Annotated[str | None, Query(max_length=20)] = None,
    ) -> HTMLResponse:
        period = admin_period(request, month)
        if isinstance(period, HTMLResponse):
            return period
        with pool.connection() as conn:
            figures = dashboard.figures(conn, period)
        shown: HTMLResponse = dashboard.dashboard_page(
            figures, dashboard.form_token(settings.admin_token)
        )
        return shown

    @router.get(
        "/dashboard/national",
        summary="National portal connector: errors and reconciliation (administrator only)",
        description=(
            "Dossiers whose sending to the national portal fails (the error and the portal's "
            "answer), and per receiving office the dossiers received in a month "
            "(`?month=YYYY-MM`, Vietnam time) with a national status against those the "
            "portal acknowledged, with the dossiers that differ. Same sign-in as `/dashboard`."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 401: _HTML, 403: _HTML, 422: _HTML},
    )
    def national_page(
        request: Request,
        pool: PoolDep,
        month: Annotated[str | None, Query(max_length=20)] = None,
    ) -> HTMLResponse:
        period = admin_period(request, month)
        if isinstance(period, HTMLResponse):
            return period
        with pool.connection() as conn:
            shown: HTMLResponse = national.national_page(conn, period)
        return shown

    token_form = {"type": "object", "properties": {"token": {"type": "string"}}}
    revoke_form = {
        "type": "object",
        "properties": {"station_id": {"type": "string"}, "form": {"type": "string"}},
    }

    @router.post(
        "/dashboard/login",
        summary="Sign in to the province dashboard (form with the administrator token)",
        description=(
            "The form of the sign-in page: `token=<PROVINCE_ADMIN_TOKEN>`. The right token: "
            "303 to `/dashboard` with the session cookie (HttpOnly, SameSite=Strict, an HMAC "
            "of the token); a wrong one: 401 with the form again; past "
            "`PROVINCE_LOOKUP_MAX_WRONG` wrong tries from one client address in "
            "`PROVINCE_LOOKUP_WINDOW_MINUTES`, 429 with `Retry-After` (even for the right "
            "token); 403 without a token configured."
        ),
        response_class=HTMLResponse,
        responses={303: {"description": "signed in"}, 401: _HTML, 403: _HTML, 429: _HTML},
        openapi_extra={
            "requestBody": {"required": True, "content": {_FORM: {"schema": token_form}}}
        },
    )
    async def dashboard_login(request: Request, pool: PoolDep) -> Response:
        if not settings.admin_token:
            refused: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_DISABLED, 403)
            return refused
        given = (await form_fields(request)).get("token", "").strip()
        address = request.client.host if request.client else ""
        keys = [dashboard.login_subject(address)]

        def try_token() -> int:
            """Seconds to wait (wrong tries per address, as the lookup's); 0: tried."""
            with pool.connection() as conn:
                wait = throttle.blocked_seconds(conn, keys, limit)
                if not wait and not dashboard.same(settings.admin_token, given):
                    throttle.record_wrong(conn, keys, limit)
                    return -1
            return wait

        wait = await run_in_threadpool(try_token)
        if wait > 0:
            blocked: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_LOGIN_TOO_MANY, 429)
            blocked.headers["Retry-After"] = str(wait)
            return blocked
        if wait < 0:
            wrong: HTMLResponse = dashboard.login_page(wrong=True)
            return wrong
        answer = RedirectResponse("/dashboard", status_code=303)
        answer.set_cookie(
            dashboard.SESSION_COOKIE,
            dashboard.session_value(settings.admin_token),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/dashboard",
            max_age=8 * 3600,
        )
        return answer

    @router.post(
        "/dashboard/revoke",
        summary="Revoke a station's token (province dashboard, administrator only)",
        description=(
            'The "Thu hồi" button of a station: `station_id=<uuid>&form=<form token of '
            "the page>`, with the session cookie (or the Bearer token). The station's token "
            "is refused from then on (401) and its unused enrolment codes expire; 303 back "
            "to `/dashboard`. Without the session: 401; a wrong form token or an unknown "
            "station: 400."
        ),
        response_class=HTMLResponse,
        responses={303: {"description": "revoked"}, 400: _HTML, 401: _HTML, 403: _HTML},
        openapi_extra={
            "requestBody": {"required": True, "content": {_FORM: {"schema": revoke_form}}}
        },
    )
    async def dashboard_revoke(request: Request, pool: PoolDep) -> Response:
        if not settings.admin_token:
            refused: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_DISABLED, 403)
            return refused
        if not admin_session(request):
            login: HTMLResponse = dashboard.login_page()
            return login
        fields = await form_fields(request)
        station_id = fields.get("station_id", "").strip()
        if not dashboard.same(dashboard.form_token(settings.admin_token), fields.get("form")):
            return dashboard.refusal_page(texts.DASHBOARD_REVOKE_REFUSED, 400)  # type: ignore[no-any-return]

        def revoke() -> bool:
            with pool.connection() as conn:
                try:
                    return stations_service.revoke(conn, station_id)
                except AdminError:
                    return False

        if not await run_in_threadpool(revoke):
            return dashboard.refusal_page(texts.DASHBOARD_REVOKE_REFUSED, 400)  # type: ignore[no-any-return]
        return RedirectResponse("/dashboard", status_code=303)

    return router
