"""HTML pages for people: the citizen status lookup and the province dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

import psycopg
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from province_server import texts
from province_server.config import Settings
from province_server.deps import PoolDep
from province_server.errors import AdminError, ApiError
from province_server.http import read_body
from province_server.pages import accounts, dashboard, export, leaders, lookup, national, throttle
from province_server.pages import bundles as bundle_pages
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
# The period's query parameters (module level: FastAPI resolves annotations from here).
MonthQ = Annotated[str | None, Query(max_length=20)]
FromQ = Annotated[str | None, Query(alias="from", max_length=20)]
ToQ = Annotated[str | None, Query(alias="to", max_length=20)]


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

    async def form_fields(request: Request) -> dict[str, str]:
        """The first value of each field of a small urlencoded form ({} when it is not one)."""
        try:
            body = await read_body(request, MAX_FORM_BYTES)
            fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
        except (ApiError, ValueError):
            return {}
        return {name: values[0] for name, values in fields.items() if values}

    def viewer_of(request: Request, conn: psycopg.Connection) -> accounts.Viewer | None:
        """Who signed in: the administrator token (Bearer or its cookie), else a session."""
        cookie = request.cookies.get(accounts.SESSION_COOKIE)
        found = accounts.token_viewer(
            settings.admin_token, request.headers.get("authorization"), cookie
        )
        if found is None and cookie:
            found = accounts.session_viewer(conn, cookie)
        return found

    def gate(request: Request, conn: psycopg.Connection) -> accounts.Viewer | HTMLResponse:
        """The signed-in viewer, or the page that refuses: no account and no token on the
        server (403), nobody signed in (401, the sign-in form)."""
        viewer = viewer_of(request, conn)
        if viewer is not None:
            return viewer
        if not settings.admin_token and not accounts.has_accounts(conn):
            refused: HTMLResponse = dashboard.refusal_page(texts.LEADERS_NO_ACCOUNT, 403)
            return refused
        login: HTMLResponse = dashboard.login_page()
        return login

    def span_or_refusal(
        month: str | None, start: str | None, end: str | None
    ) -> leaders.Span | HTMLResponse:
        try:
            return leaders.Span.parse(month, start, end)
        except leaders.PeriodError as error:
            bad: HTMLResponse = dashboard.refusal_page(str(error), 422)
            return bad

    def admin_period(
        request: Request, pool: Any, month: str | None
    ) -> dashboard.Period | HTMLResponse:
        """The month asked for on the national connector's page, or the page that refuses
        it (see ``gate``; a bad month 422)."""
        with pool.connection() as conn:
            viewer = gate(request, conn)
        if isinstance(viewer, HTMLResponse):
            return viewer
        period = dashboard.Period.parse(month) if month else dashboard.Period.current()
        if period is None:
            bad: HTMLResponse = dashboard.refusal_page(texts.DASHBOARD_BAD_MONTH, 422)
            return bad
        return period

    period_doc = (
        "The period: `?month=YYYY-MM`, or `?from=…&to=…` (days as YYYY-MM-DD or dd/mm/yyyy, "
        "both included, at most 400 days), Vietnam time; the current month by default. A bad "
        "value: 422 with a Vietnamese message naming the field. "
    )
    signed = (
        "Needs a signed-in account (the session cookie of `POST /dashboard/login`) or the "
        "administrator token `PROVINCE_ADMIN_TOKEN` as `Authorization: Bearer <token>`; "
        "without it, 401 with the sign-in form (nothing is ever read from the address); 403 "
        "when the server has neither an account nor a token."
    )

    @router.get(
        "/dashboard",
        summary="Leaders' dashboard (HTML, Vietnamese, signed-in accounts)",
        description=(
            "Per receiving office for a period: Biểu 06's received, resolved early / on time "
            "/ late, in progress in time / overdue, the on-time, digitisation and "
            "satisfaction rates and the open conflicts, counted from the shared projection "
            "with the counters' rules; SVG charts; every station (last sync, silent for more "
            "than 1 day amber, 3 days red, events stored today, what it still has to send, "
            "state, for an administrator a revoke button and the enrolment-code form); per "
            "office the dossiers open and overdue now; the digitisation of paper dossiers for "
            "the month of the period's end and its year to date. " + period_doc + signed
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 401: _HTML, 403: _HTML, 422: _HTML},
    )
    def dashboard_page(
        request: Request, pool: PoolDep, month: MonthQ = None, start: FromQ = None, end: ToQ = None
    ) -> HTMLResponse:
        with pool.connection() as conn:
            viewer = gate(request, conn)
            if isinstance(viewer, HTMLResponse):
                return viewer
            span = span_or_refusal(month, start, end)
            if isinstance(span, HTMLResponse):
                return span
            figures = dashboard.figures(conn, span)
        shown: HTMLResponse = dashboard.dashboard_page(figures, viewer)
        return shown

    @router.get(
        "/dashboard/office",
        summary="One office's late and due-soon dossiers (leaders' dashboard)",
        description=(
            "`?agency=<agency identifier>` and the period: the office's dossiers open and "
            "overdue now, due within 3 days, and resolved late in the period, each with its "
            "code, procedure, the applicant's name masked (no identity number), reception, "
            "due and finish times. Unknown office: 404. " + period_doc + signed
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 401: _HTML, 403: _HTML, 404: _HTML, 422: _HTML},
    )
    def office_page(
        request: Request,
        pool: PoolDep,
        agency: Annotated[str, Query(max_length=40)] = "",
        month: MonthQ = None,
        start: FromQ = None,
        end: ToQ = None,
    ) -> HTMLResponse:
        with pool.connection() as conn:
            viewer = gate(request, conn)
            if isinstance(viewer, HTMLResponse):
                return viewer
            span = span_or_refusal(month, start, end)
            if isinstance(span, HTMLResponse):
                return span
            unit = leaders.unit_name(conn, agency.strip())
            if unit is None:
                missing: HTMLResponse = dashboard.refusal_page(texts.LEADERS_UNKNOWN_OFFICE, 404)
                return missing
            rows = leaders.drill_down(conn, agency.strip(), span)
        shown: HTMLResponse = dashboard.drill_page(unit, agency.strip(), span, rows, viewer)
        return shown

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    @router.get(
        "/dashboard/export.xlsx",
        summary="Biểu 06 for the province and the Art. 19 indicators (.xlsx)",
        description=(
            "A workbook of two sheets for the period: Biểu 06/VPCP/KSTT consolidated for the "
            "province (one row per receiving office, then the province's total; the 11 "
            "figures in the form's columns C–M) and the indicators of Decree 224/2026 Art. 19 "
            "per office. " + period_doc + signed
        ),
        responses={200: {"content": {xlsx: {}}}, 401: _HTML, 403: _HTML, 422: _HTML},
    )
    def export_xlsx(
        request: Request, pool: PoolDep, month: MonthQ = None, start: FromQ = None, end: ToQ = None
    ) -> Response:
        with pool.connection() as conn:
            viewer = gate(request, conn)
            if isinstance(viewer, HTMLResponse):
                return viewer
            span = span_or_refusal(month, start, end)
            if isinstance(span, HTMLResponse):
                return span
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                province = leaders.province_figures(conn, span)
        data = export.workbook(province, dashboard.period_text(span), datetime.now(UTC))
        name = f"bieu06-{span.start.isoformat()}-{span.end.isoformat()}.xlsx"
        return Response(
            data,
            media_type=xlsx,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @router.get(
        "/dashboard/national",
        summary="National portal connector: errors and reconciliation (signed in)",
        description=(
            "Dossiers whose sending to the national portal fails (the error and the portal's "
            "answer), and per receiving office the dossiers received in a month "
            "(`?month=YYYY-MM`, Vietnam time) with a national status against those the "
            "portal acknowledged, with the dossiers that differ. Same sign-in as `/dashboard`."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 401: _HTML, 403: _HTML, 422: _HTML},
    )
    def national_page(request: Request, pool: PoolDep, month: MonthQ = None) -> HTMLResponse:
        period = admin_period(request, pool, month)
        if isinstance(period, HTMLResponse):
            return period
        with pool.connection() as conn:
            shown: HTMLResponse = national.national_page(conn, period)
        return shown

    login_form = {
        "type": "object",
        "properties": {
            "username": {"type": "string"},
            "password": {"type": "string"},
            "token": {"type": "string"},
        },
    }
    revoke_form = {
        "type": "object",
        "properties": {"station_id": {"type": "string"}, "form": {"type": "string"}},
    }
    issue_form = {
        "type": "object",
        "properties": {
            "agency": {"type": "string"},
            "station": {"type": "string"},
            "unit_name": {"type": "string"},
            "form": {"type": "string"},
        },
    }
    logout_form = {"type": "object", "properties": {"form": {"type": "string"}}}

    def cookie(answer: Response, request: Request, value: str) -> None:
        answer.set_cookie(
            accounts.SESSION_COOKIE,
            value,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/dashboard",
            max_age=accounts.SESSION_HOURS * 3600,
        )

    @router.post(
        "/dashboard/login",
        summary="Sign in to the leaders' dashboard (form)",
        description=(
            "The sign-in form: `username=…&password=…` of an account made by `province-server "
            "add-admin` (argon2id), or `token=<PROVINCE_ADMIN_TOKEN>` (scripts). Right: 303 "
            "to `/dashboard` with the session cookie (HttpOnly, SameSite=Strict, expires in 8 "
            "hours; an account's session is kept on the server, the token's is an HMAC of "
            "it); wrong: 401 with the form again; past `PROVINCE_LOOKUP_MAX_WRONG` wrong tries "
            "from one client address in `PROVINCE_LOOKUP_WINDOW_MINUTES`, 429 with "
            "`Retry-After` (even when right); 403 when the server has neither an account nor "
            "a token."
        ),
        response_class=HTMLResponse,
        responses={303: {"description": "signed in"}, 401: _HTML, 403: _HTML, 429: _HTML},
        openapi_extra={
            "requestBody": {"required": True, "content": {_FORM: {"schema": login_form}}}
        },
    )
    async def dashboard_login(request: Request, pool: PoolDep) -> Response:
        fields = await form_fields(request)
        token = fields.get("token", "").strip()
        username = fields.get("username", "").strip()
        password = fields.get("password", "")
        address = request.client.host if request.client else ""
        keys = [dashboard.login_subject(address)]

        def try_sign_in() -> tuple[int, str]:
            """(seconds to wait, or -1 wrong, or -2 nothing to sign in to; the cookie)."""
            with pool.connection() as conn:
                if not settings.admin_token and not accounts.has_accounts(conn):
                    return -2, ""
                wait = throttle.blocked_seconds(conn, keys, limit)
                if wait:
                    return wait, ""
                value = None
                if token:
                    if accounts.same(settings.admin_token, token):
                        value = accounts.token_session_value(settings.admin_token)
                elif username and password:
                    value = accounts.sign_in(conn, username, password)
                if value is None:
                    throttle.record_wrong(conn, keys, limit)
                    return -1, ""
            return 0, value

        wait, value = await run_in_threadpool(try_sign_in)
        if wait == -2:
            refused: HTMLResponse = dashboard.refusal_page(texts.LEADERS_NO_ACCOUNT, 403)
            return refused
        if wait > 0:
            blocked: HTMLResponse = dashboard.refusal_page(texts.LEADERS_LOGIN_TOO_MANY, 429)
            blocked.headers["Retry-After"] = str(wait)
            return blocked
        if wait < 0:
            wrong: HTMLResponse = dashboard.login_page(wrong=True)
            return wrong
        answer = RedirectResponse("/dashboard", status_code=303)
        cookie(answer, request, value)
        return answer

    async def checked_post(
        request: Request, pool: Any, *, admin: bool
    ) -> tuple[accounts.Viewer, dict[str, str]] | Response:
        """The signed-in viewer and the form's fields when the form token matches (400
        otherwise) and, for ``admin``, the viewer is an administrator (403)."""
        fields = await form_fields(request)

        def who() -> accounts.Viewer | HTMLResponse:
            with pool.connection() as conn:
                return gate(request, conn)

        viewer = await run_in_threadpool(who)
        if isinstance(viewer, HTMLResponse):
            return viewer
        if not accounts.same(viewer.form_token, fields.get("form")):
            refused: Response = dashboard.refusal_page(texts.LEADERS_FORM_REFUSED, 400)
            return refused
        if admin and not viewer.is_admin:
            forbidden: Response = dashboard.refusal_page(texts.LEADERS_ADMIN_ONLY, 403)
            return forbidden
        return viewer, fields

    @router.post(
        "/dashboard/logout",
        summary="Sign out of the leaders' dashboard",
        description=(
            "`form=<form token of the page>` with the session cookie: the session is deleted "
            "on the server and the cookie cleared; 303 to `/dashboard`. A wrong form token: "
            "400."
        ),
        response_class=HTMLResponse,
        responses={303: {"description": "signed out"}, 400: _HTML, 401: _HTML, 403: _HTML},
        openapi_extra={
            "requestBody": {"required": True, "content": {_FORM: {"schema": logout_form}}}
        },
    )
    async def dashboard_logout(request: Request, pool: PoolDep) -> Response:
        checked = await checked_post(request, pool, admin=False)
        if isinstance(checked, Response):
            return checked
        value = request.cookies.get(accounts.SESSION_COOKIE)

        def end() -> None:
            if value:
                with pool.connection() as conn:
                    accounts.sign_out(conn, value)

        await run_in_threadpool(end)
        answer = RedirectResponse("/dashboard", status_code=303)
        answer.delete_cookie(accounts.SESSION_COOKIE, path="/dashboard")
        return answer

    @router.post(
        "/dashboard/revoke",
        summary="Revoke a station's token (leaders' dashboard, administrator only)",
        description=(
            'The "Thu hồi" button of a station: `station_id=<uuid>&form=<form token of '
            "the page>`, signed in as an administrator (or the Bearer token). The station's "
            "token is refused from then on (401) and its unused enrolment codes expire; 303 "
            "back to `/dashboard`. Not signed in: 401; a viewer: 403; a wrong form token or "
            "an unknown station: 400."
        ),
        response_class=HTMLResponse,
        responses={303: {"description": "revoked"}, 400: _HTML, 401: _HTML, 403: _HTML},
        openapi_extra={
            "requestBody": {"required": True, "content": {_FORM: {"schema": revoke_form}}}
        },
    )
    async def dashboard_revoke(request: Request, pool: PoolDep) -> Response:
        checked = await checked_post(request, pool, admin=True)
        if isinstance(checked, Response):
            return checked
        _viewer, fields = checked
        station_id = fields.get("station_id", "").strip()

        def revoke() -> bool:
            with pool.connection() as conn:
                try:
                    return stations_service.revoke(conn, station_id)
                except AdminError:
                    return False

        if not await run_in_threadpool(revoke):
            return dashboard.refusal_page(texts.DASHBOARD_REVOKE_REFUSED, 400)  # type: ignore[no-any-return]
        return RedirectResponse("/dashboard", status_code=303)

    @router.post(
        "/dashboard/issue-code",
        summary="Issue a station's one-time enrolment code (administrator only)",
        description=(
            "`agency=<agency identifier>&station=<1..999>&unit_name=<optional>&form=<form "
            "token>`, signed in as an administrator: creates the station when new (as "
            "`province-server issue-code`) and shows its one-time code once, with its expiry "
            "(`PROVINCE_CODE_TTL_HOURS`). A bad agency or station number: 422 naming the "
            "field; a number held by another office: 422; a viewer: 403; a wrong form token: "
            "400."
        ),
        response_class=HTMLResponse,
        responses={200: _HTML, 400: _HTML, 401: _HTML, 403: _HTML, 422: _HTML},
        openapi_extra={
            "requestBody": {"required": True, "content": {_FORM: {"schema": issue_form}}}
        },
    )
    async def dashboard_issue(request: Request, pool: PoolDep) -> Response:
        checked = await checked_post(request, pool, admin=True)
        if isinstance(checked, Response):
            return checked
        _viewer, fields = checked
        agency = fields.get("agency", "").strip().upper()
        number_text = fields.get("station", "").strip()
        if not number_text.isdigit() or not 1 <= int(number_text) <= 999:
            return dashboard.refusal_page(texts.LEADERS_ISSUE_STATION_BAD, 422)  # type: ignore[no-any-return]
        if not agency:
            return dashboard.refusal_page(texts.LEADERS_ISSUE_AGENCY_BAD, 422)  # type: ignore[no-any-return]

        def issue() -> stations_service.IssuedCode | str:
            with pool.connection() as conn:
                try:
                    return stations_service.issue_code(
                        conn,
                        agency_id=agency,
                        station_number=int(number_text),
                        ttl_hours=settings.code_ttl_hours,
                        unit_name=fields.get("unit_name", "").strip()[:200],
                    )
                except AdminError as error:
                    return str(error)

        issued = await run_in_threadpool(issue)
        if isinstance(issued, str):
            message = (
                texts.LEADERS_ISSUE_AGENCY_BAD
                if "agency identifier" in issued
                else texts.LEADERS_ISSUE_TAKEN
                if "already belongs" in issued
                else texts.LEADERS_ISSUE_STATION_BAD
            )
            return dashboard.refusal_page(message, 422)  # type: ignore[no-any-return]
        shown: Response = dashboard.issued_page(issued, agency)
        return shown

    bundle_pages.add_routes(router, settings, gate)  # /dashboard/bundles (USB sync bundles)
    return router
