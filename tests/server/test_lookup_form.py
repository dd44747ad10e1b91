"""The citizen lookup as a citizen uses it: the slip's QR, the form, wrong keys, the log.

Real PostgreSQL and a real ``province-server serve`` child (tests/server/conftest.py); the
form is filled and sent the way a browser without JavaScript does (:class:`Browser` reads the
page's <form>, its method, action and fields). Each test talks through its own client
address (``X-Forwarded-For``, honoured from 127.0.0.1 by uvicorn), so the per-address limit
of one test never blocks another.
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx
import psycopg
import pypdfium2 as pdfium
import pytest
import zxingcpp

from counter_app.domain.dossier import Dossier
from counter_app.printing.printer import PaperSize
from counter_app.printing.qr import lookup_url
from counter_app.services import slips
from counter_app.services.station import StationContext
from counter_app.sync.engine import run_sync
from province_server.testing import ServerProcess
from tests.server.conftest import EnrolledStation, client_for
from tests.server.helpers import receive

pytestmark = pytest.mark.server

NOT_FOUND = "Không tìm thấy hồ sơ hoặc mã tra cứu không đúng"
TOO_MANY = "Tạm khóa tra cứu vì nhập sai quá nhiều lần"
_ADDRESSES = itertools.count(1)


def new_address() -> str:
    """A client address of its own (10.77.x.y) for one test."""
    n = next(_ADDRESSES)
    return f"10.77.{n // 250}.{n % 250 + 1}"


class _Forms(HTMLParser):
    """The forms of a page: method, action and the named inputs with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"method": a.get("method", "get"), "action": a.get("action", "")})
            self.forms[-1]["fields"] = {}
        elif tag == "input" and self.forms:
            fields = self.forms[-1]["fields"]
            assert isinstance(fields, dict)
            fields[a["name"]] = a.get("value", "")
        elif tag == "label":
            self._label_for = a.get("for")

    def handle_data(self, data: str) -> None:
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None


class Browser:
    """Opens pages and submits their form as a browser without JavaScript does."""

    def __init__(self, address: str) -> None:
        self.http = httpx.Client(headers={"X-Forwarded-For": address}, timeout=10)
        self.page: httpx.Response | None = None

    def open(self, url: str) -> httpx.Response:
        self.page = self.http.get(url)
        return self.page

    def form(self) -> _Forms:
        assert self.page is not None
        parsed = _Forms()
        parsed.feed(self.page.text)
        return parsed

    def submit(self, **typed: str) -> httpx.Response:
        """Type ``typed`` into the page's first form (by field name) and send it."""
        assert self.page is not None
        (form,) = self.form().forms[:1]
        fields = dict(form["fields"])  # type: ignore[call-overload]
        assert set(typed) <= set(fields), fields
        fields.update(typed)
        target = urljoin(str(self.page.url), str(form["action"]))
        if str(form["method"]).lower() == "post":
            self.page = self.http.post(target, data=fields)
        else:
            self.page = self.http.get(target, params=fields)
        return self.page

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def browser() -> object:
    opened = Browser(new_address())
    yield opened
    opened.close()


def _synced(ctx: StationContext, count: int = 1) -> list[Dossier]:
    dossiers = receive(ctx, count)
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok
    return dossiers


def _qr_of_receipt(ctx: StationContext, dossier: Dossier) -> str:
    """The text of the QR printed on the dossier's receipt (A5), read back from the PDF."""
    pdf = slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
    document = pdfium.PdfDocument(pdf)
    try:
        images = [document[i].render(scale=200 / 72).to_pil() for i in range(len(document))]
    finally:
        document.close()
    found = {
        r.text
        for image in images
        for r in zxingcpp.read_barcodes(image)
        if r.format.name == "QRCode"
    }
    assert len(found) == 1, found  # Liên 1 and Liên 2 carry the same QR
    return found.pop()


def test_enrolment_puts_the_province_lookup_page_in_every_qr(
    enrolled_station: EnrolledStation, server: ServerProcess, browser: Browser
) -> None:
    ctx = enrolled_station("qr")
    # No PROVINCE_LOOKUP_URL on this server: the address the station enrolled at + the path.
    assert ctx.office().lookup_url == f"{server.url}/tra-cuu"
    (dossier,) = _synced(ctx)
    assert dossier.code and dossier.lookup_key
    scanned = _qr_of_receipt(ctx, dossier)
    assert scanned == lookup_url(
        base=f"{server.url}/tra-cuu", code=dossier.code, key=dossier.lookup_key
    )
    page = browser.open(scanned)
    assert page.status_code == 200 and "Được tiếp nhận" in page.text
    assert dossier.code in page.text and dossier.procedure_name in page.text


def test_the_printed_address_opens_a_form_that_finds_the_dossier(
    enrolled_station: EnrolledStation, server: ServerProcess, browser: Browser
) -> None:
    ctx = enrolled_station("form")
    (dossier,) = _synced(ctx)
    assert dossier.code and dossier.lookup_key
    page = browser.open(ctx.office().lookup_url)  # what the slip prints beside the QR
    assert page.status_code == 200
    html = page.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html and 'lang="vi"' in html
    parsed = browser.form()
    (form,) = parsed.forms
    assert str(form["method"]).lower() == "post" and form["fields"] == {"code": "", "key": ""}
    assert parsed.labels == {"code": "Mã hồ sơ", "key": "Mã tra cứu"}
    assert "form-action 'self'" in page.headers["content-security-policy"]
    # Typed as a citizen would: lower case, spaces around.
    found = browser.submit(code=f" {dossier.code.lower()} ", key=dossier.lookup_key.lower())
    assert found.status_code == 200
    assert "Được tiếp nhận" in found.text and "Nguyễn V. Đ." in found.text
    assert "Nguyễn Văn Đức" not in found.text and "001090123456" not in found.text
    # The result page offers the form again, empty, for another dossier.
    assert browser.form().forms[0]["fields"] == {"code": "", "key": ""}
    # Only one of the two: asked for both, nothing counted, the code kept in the form.
    browser.open(ctx.office().lookup_url)
    half = browser.submit(code=dossier.code)
    assert half.status_code == 400 and "nhập đủ cả mã hồ sơ và mã tra cứu" in half.text
    assert browser.form().forms[0]["fields"] == {"code": dossier.code, "key": ""}
    # A wrong key and an unknown code: the same page (apart from the code typed back).
    wrong = browser.submit(key="WRONG1")
    assert wrong.status_code == 404 and NOT_FOUND in wrong.text
    assert browser.form().forms[0]["fields"] == {"code": dossier.code, "key": ""}
    browser.open(ctx.office().lookup_url)
    unknown_code = "000.00.99.H56-260213-990001"
    unknown = browser.submit(code=unknown_code, key=dossier.lookup_key)
    assert unknown.status_code == 404
    assert unknown.text.replace(unknown_code, "X") == wrong.text.replace(dossier.code, "X")


def test_wrong_keys_are_limited_per_client_and_per_code(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("limit")
    first, second, third = _synced(ctx, 3)
    assert first.code and first.lookup_key and second.code and second.lookup_key
    assert third.code and third.lookup_key
    page = f"{server.url}/tra-cuu"
    guesser, citizen, other = (Browser(new_address()) for _ in range(3))
    try:
        # Five wrong keys for one code from one client: each the neutral 404.
        for n in range(5):
            guesser.open(page)
            assert guesser.submit(code=first.code, key=f"WRONG{n}").status_code == 404
        # The sixth try is refused before the key is compared, even with the right key.
        guesser.open(page)
        refused = guesser.submit(code=first.code, key=first.lookup_key)
        assert refused.status_code == 429 and TOO_MANY in refused.text
        assert first.procedure_name not in refused.text
        wait = int(refused.headers["retry-after"])
        assert 800 < wait <= 900 and "thử lại sau khoảng 15 phút" in refused.text
        # From the QR too (GET), and for another code from the same client.
        qr = guesser.open(lookup_url(base=page, code=second.code, key=second.lookup_key))
        assert qr.status_code == 429
        # The code itself is locked for everyone (a botnet cannot share the guessing)...
        assert (
            citizen.open(lookup_url(base=page, code=first.code, key=first.lookup_key)).status_code
            == 429
        )
        # ...but another client reaches other dossiers.
        assert (
            citizen.open(lookup_url(base=page, code=second.code, key=second.lookup_key)).status_code
            == 200
        )
        # Per client: five unknown codes from one address block it for every code.
        for n in range(5):
            reply = other.open(
                lookup_url(base=page, code=f"000.00.99.H56-260213-99{n:04d}", key="X")
            )
            assert reply.status_code == 404
        assert (
            other.open(lookup_url(base=page, code=third.code, key=third.lookup_key)).status_code
            == 429
        )
        # Nothing of the clients is kept in clear; the window ends and the code opens again.
        rows = pg.execute("SELECT subject FROM lookup_throttle").fetchall()
        assert rows and all(re.fullmatch(r"[0-9a-f]{64}", r[0]) for r in rows)
        pg.execute("UPDATE lookup_throttle SET window_start = now() - interval '16 minutes'")
        assert (
            citizen.open(lookup_url(base=page, code=first.code, key=first.lookup_key)).status_code
            == 200
        )
    finally:
        for b in (guesser, citizen, other):
            b.close()


@pytest.mark.parametrize(
    "query",
    [
        "code=%00",
        "code=%00&key=ABCDEF",
        "code=000.00.19.H56-260213-010001%00&key=ABC%00",
        "code=" + "9" * 500 + "&key=ABCDEF",
        "code=%E1%BA%A1%3Cscript%3E&key=%0A",
        "code=%ff%fe&key=1",
        "code=" + "A" * 3000,  # more than a form of two short fields sends
    ],
)
def test_strange_input_gets_the_neutral_page_never_a_500(server: ServerProcess, query: str) -> None:
    headers = {"X-Forwarded-For": new_address()}
    got = httpx.get(f"{server.url}/tra-cuu?{query}", headers=headers)
    assert got.status_code == 404 and NOT_FOUND in got.text
    assert "<script" not in got.text
    posted = httpx.post(
        f"{server.url}/tra-cuu",
        content=query.encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert posted.status_code == 404 and NOT_FOUND in posted.text


def test_the_access_log_never_holds_a_key(
    province_db: str, enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("log")
    (dossier,) = _synced(ctx)
    assert dossier.code and dossier.lookup_key
    logged = ServerProcess(province_db, serve_args=("--access-log", "--log-level", "info"))
    logged.start()
    try:
        page = f"{logged.url}/tra-cuu"
        headers = {"X-Forwarded-For": new_address()}
        scanned = httpx.get(
            lookup_url(base=page, code=dossier.code, key=dossier.lookup_key), headers=headers
        )
        typed = httpx.post(
            page, data={"code": dossier.code, "key": dossier.lookup_key}, headers=headers
        )
        assert scanned.status_code == typed.status_code == 200
        log = logged.log_path.read_text(encoding="utf-8", errors="replace")
    finally:
        logged.stop()
    assert "GET /tra-cuu?code=" in log and "key=***" in log and "POST /tra-cuu " in log
    assert dossier.lookup_key not in log


def test_a_form_body_no_browser_sends_is_a_wrong_try(server: ServerProcess) -> None:
    headers = {"X-Forwarded-For": new_address()}
    many = "&".join(f"f{n}=1" for n in range(12)) + "&code=X&key=Y"  # more fields than it has
    posted = httpx.post(
        f"{server.url}/tra-cuu",
        content=many.encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert posted.status_code == 404 and NOT_FOUND in posted.text
