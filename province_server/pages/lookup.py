"""Citizen status lookup: the page the QR code of the reception slip opens, and its form.

``GET <lookup path>?code=<dossier code>&key=<lookup key>`` (default path ``/tra-cuu``) is
what the QR opens; ``GET <lookup path>`` alone shows a form (code + key, plain HTML, no
script) that is sent with ``POST`` (form-encoded), so a typed key never appears in an
address, a browser history or an access log; keys in QR addresses are masked in the access
log (:class:`MaskSecrets`). Wrong keys are limited per client address and per code
(``pages/throttle.py``): past the limit, 429 with a Vietnamese page.

Guarantees:

- the dossier is shown only when the code exists, it was received (a ``received`` event
  with a non-empty ``lookup_key``) and the key matches (``hmac.compare_digest``); every
  other case answers the same neutral page with HTTP 404, so the page never tells whether
  a code exists;
- no personal data: no ID number, address, phone or birth date; the applicant's name is
  masked ("Nguyễn V. Đ.");
- the status is the national status (one-stop-rules §9.2) of the shared projection the
  counters run (``sync_protocol.projection``: same order, status machine, conflicts and
  settlements), so the page and the counters agree; when events are in conflict between
  counters the page says so (without details);
- Decree 224/2026 Art. 15: the receiving agency, the receiving officer (the full name of
  the province's account of the event's username, else the username: a station's own
  accounts never reach the server), the deciding body, the times of reception, result, end
  and return, and a timeline of the applied public steps in the projection's order (no
  reason, note, supplement item or receiver's name: free texts may hold personal data);
- input is cleaned before any query (:func:`clean_input`): a code or key with characters no
  code or key has (a NUL, a control character, anything but letters, digits, ``.`` and
  ``-``) is a wrong try answered with the neutral page, never a 500.
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from fastapi.responses import HTMLResponse

from province_server import texts
from province_server.pages.html import esc, page, vn_short, vn_time
from sync_protocol import EventWire
from sync_protocol.order import instant
from sync_protocol.projection import DossierState, Outcome, project_state
from sync_protocol.status import NATIONAL

FINISHED = frozenset({7, 8, 9, 10})
STOPPED = frozenset({"withdrawn", "stopped"})
_DUMMY_KEY = "-" * 6
MAX_INPUT = 80
_ALLOWED = re.compile(r"^[0-9A-Z.\-]*$")
_SECRET_IN_QUERY = re.compile(r"([?&](?:key|token)=)[^&\s\"]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LookupInput:
    """A code and key as typed, cleaned (upper case, no spaces around); ``valid`` is False
    when either holds a character no code or key has, or is longer than ``MAX_INPUT``."""

    code: str
    key: str
    valid: bool

    @property
    def empty(self) -> bool:
        return not self.code and not self.key

    @property
    def complete(self) -> bool:
        return bool(self.code and self.key)


def clean_input(code: str, key: str) -> LookupInput:
    values = [v.strip().upper() for v in (code, key)]
    valid = all(len(v) <= MAX_INPUT and _ALLOWED.match(v) for v in values)
    if not valid:
        return LookupInput(code="", key="", valid=False)
    return LookupInput(code=values[0], key=values[1], valid=True)


class MaskSecrets(logging.Filter):
    """Masks ``key=`` and ``token=`` values in access-log lines (uvicorn passes the path with
    its query as a record argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_IN_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = _SECRET_IN_QUERY.sub(r"\1***", record.msg)
        return True


def mask_access_log() -> None:
    """Install :class:`MaskSecrets` on uvicorn's access logger (once per process)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, MaskSecrets) for f in logger.filters):
        logger.addFilter(MaskSecrets())


@dataclass(frozen=True, slots=True)
class LookupView:
    """What the citizen sees (nothing personal beyond a masked name)."""

    code: str
    procedure_name: str
    applicant: str
    status: int
    received_at: datetime
    due_at: datetime | None
    returned_at: datetime | None
    conflicts: int = 0  # events in conflict between counters (shown, not detailed)
    # Cross-boundary (issue 13): the date is only expected until the competent authority's
    # receipt (its time runs from there under Decree 309/2026), and that receipt.
    due_expected: bool = False
    authority_received_at: datetime | None = None
    # Decree 224/2026 Art. 15: the receiving agency, the receiving officer (full name from
    # the province's officer accounts, else the username the event carries), the deciding
    # body when the counter named it, the result's time and the steps so far.
    agency: str = ""
    officer: str = ""
    deciding_body: str = ""
    result_at: datetime | None = None
    finished_at: datetime | None = None
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the timeline: when, what (Vietnamese), a public detail, who recorded it."""

    at: datetime
    label: str
    detail: str = ""
    officer: str = ""


def _detail(kind: str, payload: dict[str, Any]) -> str:
    """The public part of an event's payload (a body's name, a new due date); never a
    reason, a note or a person's name (they may hold personal data)."""
    if kind == "handed_over" and isinstance(payload.get("to"), str):
        return texts.lookup_step_to(payload["to"].strip())
    if kind == "handed_back" and isinstance(payload.get("from"), str):
        return texts.lookup_step_from(payload["from"].strip())
    new_due = payload.get("new_due_at") if kind == "apology_issued" else payload.get("due_at")
    if kind in ("apology_issued", "supplement_received", "due_overridden", "authority_received"):
        due = _instant(new_due)
        return texts.lookup_step_due(vn_time(due)) if due is not None else ""
    return ""


def _steps(
    events: dict[str, EventWire], applied: tuple[str, ...], names: dict[tuple[str, str], str]
) -> tuple[Step, ...]:
    """The applied events the citizen may see, in the projection's order."""
    steps: list[Step] = []
    for uuid in applied:
        event = events[uuid]
        label = texts.LOOKUP_STEPS.get(event.kind)
        if label is None:  # slips, scans, ratings, fees, drafts, corrections: not shown
            continue
        at = instant(event.at)
        if event.kind == "authority_received":
            at = _instant(event.payload.get("received_at")) or at
        officer = names.get((event.station_id, event.officer)) or event.officer
        steps.append(Step(at, label, _detail(event.kind, event.payload), officer))
    return tuple(steps)


def mask_name(name: str) -> str:
    """``Nguyễn Văn Đức`` → ``Nguyễn V. Đ.``: the family name, then initials only."""
    words = name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + "."
    return " ".join([words[0], *(w[0] + "." for w in words[1:])])


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _view(
    code: str,
    outcome: Outcome[DossierState],
    events: dict[str, EventWire],
    names: dict[tuple[str, str], str],
    agency: str,
) -> LookupView | None:
    state = outcome.state
    if state is None or outcome.status is None:
        return None
    steps = _steps(events, outcome.applied, names)
    creator = events[outcome.applied[0]]
    bodies = [
        events[u].payload.get("to")
        for u in outcome.applied
        if events[u].kind == "handed_over" and isinstance(events[u].payload.get("to"), str)
    ]
    authority = creator.payload.get("authority")
    body = authority if isinstance(authority, str) and authority.strip() else ""
    body = body or next((str(b).strip() for b in bodies if str(b).strip()), "")
    results = [
        instant(events[u].at) for u in outcome.applied if events[u].kind == "result_received"
    ]
    finished = _instant(state.finished_at) if outcome.status in STOPPED else None
    return LookupView(
        code=code,
        procedure_name=state.procedure_name or state.procedure_code,
        applicant=mask_name(state.applicant_name),
        status=NATIONAL.get(outcome.status, 0),
        received_at=datetime.fromisoformat(state.received_at),
        due_at=_instant(state.due_at),
        returned_at=_instant(state.returned_at),
        conflicts=len(outcome.conflicts),
        due_expected=state.due_expected,
        authority_received_at=_instant(state.authority_received_at),
        agency=agency,
        officer=names.get((creator.station_id, creator.officer)) or creator.officer,
        deciding_body=body,
        result_at=results[-1] if results else None,
        finished_at=finished,
        steps=steps,
    )


def find(conn: psycopg.Connection, code: str, key: str) -> LookupView | None:
    """The dossier's public view when ``code`` and ``key`` match, else None (same cost)."""
    normalised = code.strip().upper()[:MAX_INPUT].replace("\x00", "")
    given = key.strip().upper()[:MAX_INPUT]
    rows: list[tuple[Any, ...]] = []
    if normalised:
        # The officer's full name: the province's account of that username in the office of
        # the station that sent the event (stations' own local accounts never reach the
        # server: then the username); the receiving agency's name from ``agencies``.
        rows = conn.execute(
            "SELECT e.uuid::text, e.dossier_uuid::text, e.kind, e.station_id::text,"
            " e.station_seq, e.officer, e.at_text, e.payload, o.full_name,"
            " COALESCE(NULLIF(a.unit_name, ''), d.agency_id)"
            " FROM dossiers d JOIN events e ON e.dossier_uuid = d.uuid"
            " LEFT JOIN agencies a ON a.id = d.agency_id"
            " LEFT JOIN officers o ON o.agency_id = e.agency_id AND o.username = e.officer"
            " WHERE d.code = %s",
            (normalised,),
        ).fetchall()
    events = [
        EventWire(u, d, k, s, int(n), o, at, p if isinstance(p, dict) else {})
        for u, d, k, s, n, o, at, p, *_ in rows
    ]
    names = {(str(r[3]), str(r[5])): str(r[8]) for r in rows if r[8]}
    agency = str(rows[0][9]) if rows else ""
    outcome = project_state(events)  # the counters' projection (sync_protocol.projection)
    state = outcome.state
    stored = ""
    if state is not None and outcome.status not in ("guided", "refused"):
        stored = state.lookup_key.strip().upper()
    matches = hmac.compare_digest(
        (stored or _DUMMY_KEY).encode("utf-8"), (given or "?").encode("utf-8")
    )
    if not (stored and given and matches):
        return None
    return _view(normalised, outcome, {e.uuid: e for e in events}, names, agency)


def _page(body: str, status: int = 200) -> HTMLResponse:
    """A lookup page: one narrow column, readable on a phone and on a desktop alike."""
    return page(texts.LOOKUP_TITLE, f'<div class="narrow">{body}</div>', status=status)


def _field(name: str, label: str, hint: str, value: str = "") -> str:
    """A labelled text field with its hint under it (typed by people: no autocorrect)."""
    return (
        f'<label for="{name}">{esc(label)}</label>'
        f'<input id="{name}" name="{name}" value="{esc(value)}" maxlength="{MAX_INPUT}" '
        'required autocomplete="off" autocapitalize="characters" spellcheck="false" '
        f'aria-describedby="{name}-hint"><small id="{name}-hint" class="muted">{esc(hint)}</small>'
    )


def form_html(action: str, *, code: str = "", heading: str = "") -> str:
    """The lookup form (POST to ``action``): labelled fields, big enough for a phone."""
    title = f"<h2>{esc(heading)}</h2>" if heading else ""
    return (
        f'{title}<form class="card lookup" method="post" action="{esc(action)}">'
        f'<p class="muted">{esc(texts.LOOKUP_INTRO)}</p>'
        + _field("code", texts.LOOKUP_CODE, texts.LOOKUP_FORM_CODE_HINT, code)
        + _field("key", texts.LOOKUP_FORM_KEY, texts.LOOKUP_FORM_KEY_HINT)
        + f'<button type="submit">{esc(texts.LOOKUP_SUBMIT)}</button></form>'
    )


def form_page(action: str) -> HTMLResponse:
    """The empty form (200): what the address printed on the slip opens."""
    return _page(f"<h1>{esc(texts.LOOKUP_TITLE)}</h1>{form_html(action)}")


def incomplete_page(action: str, given: LookupInput) -> HTMLResponse:
    body = (
        f'<h1>{esc(texts.LOOKUP_TITLE)}</h1><p class="problem" role="alert">'
        f"{esc(texts.LOOKUP_INCOMPLETE)}</p>{form_html(action, code=given.code)}"
    )
    return _page(body, 400)


def not_found_page(action: str = "", code: str = "") -> HTMLResponse:
    """The neutral refusal (404), the same for an unknown code and a wrong key."""
    body = (
        f'<h1>{esc(texts.LOOKUP_TITLE)}</h1><div class="card problem" role="alert">'
        f"<p><strong>{esc(texts.LOOKUP_NOT_FOUND)}</strong></p>"
        f'<p class="muted">{esc(texts.LOOKUP_NOT_FOUND_HINT)}</p></div>'
        + (form_html(action, code=code) if action else "")
    )
    return _page(body, 404)


def too_many_page(seconds: int) -> HTMLResponse:
    """429: wrong keys past the limit; says when to try again (``Retry-After``)."""
    minutes = max(1, -(-seconds // 60))
    body = (
        f'<h1>{esc(texts.LOOKUP_TITLE)}</h1><div class="card problem" role="alert">'
        f"<p><strong>{esc(texts.LOOKUP_TOO_MANY)}</strong></p>"
        f"<p>{esc(texts.lookup_too_many_hint(minutes))}</p></div>"
    )
    response = _page(body, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def _timeline(steps: tuple[Step, ...]) -> str:
    """The steps, oldest first: time, what happened, its public detail, who recorded it."""
    if not steps:
        return ""
    items = "".join(
        f'<li><time datetime="{esc(step.at.isoformat())}">{esc(vn_short(step.at))}</time>'
        f"<strong>{esc(step.label)}</strong>"
        + (f"<span>{esc(step.detail)}</span>" if step.detail else "")
        + (
            f'<span class="muted">{esc(texts.lookup_step_officer(step.officer))}</span>'
            if step.officer
            else ""
        )
        + "</li>"
        for step in steps
    )
    return f'<h2>{esc(texts.LOOKUP_TIMELINE)}</h2><ol class="timeline card">{items}</ol>'


def view_page(view: LookupView, action: str = "") -> HTMLResponse:
    due = vn_time(view.due_at) if view.due_at else texts.LOOKUP_NO_DUE
    if view.due_at and view.due_expected:
        due = f"{due} {texts.LOOKUP_DUE_EXPECTED}"
    rows = [
        (texts.LOOKUP_CODE, view.code),
        (texts.LOOKUP_PROCEDURE, view.procedure_name),
        (texts.LOOKUP_APPLICANT, view.applicant),
        (texts.LOOKUP_AGENCY, view.agency),
        (texts.LOOKUP_OFFICER, view.officer),
        (texts.LOOKUP_RECEIVED_AT, vn_time(view.received_at)),
        (texts.LOOKUP_DECIDING_BODY, view.deciding_body),
    ]
    if view.authority_received_at is not None:
        rows.append((texts.LOOKUP_AUTHORITY_RECEIVED_AT, vn_time(view.authority_received_at)))
    rows.append((texts.LOOKUP_DUE_AT, due))
    if view.result_at is not None:
        rows.append((texts.LOOKUP_RESULT_AT, vn_time(view.result_at)))
    if view.finished_at is not None:
        rows.append((texts.LOOKUP_FINISHED_AT, vn_time(view.finished_at)))
    if view.returned_at is not None:
        rows.append((texts.LOOKUP_RETURNED_AT, vn_time(view.returned_at)))
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows if v)
    status = texts.NATIONAL_STATUS.get(view.status, "")
    note = ""
    if view.status == 9:
        note = texts.LOOKUP_RESULT_READY
    elif view.status == 5:
        note = texts.LOOKUP_PAUSED
    elif view.status in (7, 8):
        note = texts.LOOKUP_FINISHED
    body = (
        f'<h1>{esc(texts.LOOKUP_TITLE)}</h1><div class="card">'
        f'<p class="status-line"><span class="muted">{esc(texts.LOOKUP_STATUS)}</span>'
        f'<span class="status">{esc(status)}</span></p>'
        + (f'<p class="note">{esc(note)}</p>' if note else "")
        + (f'<p class="note">{esc(texts.LOOKUP_CONFLICT)}</p>' if view.conflicts else "")
        + f"<dl>{items}</dl></div>"
        + _timeline(view.steps)
        + f'<p class="muted">{esc(texts.LOOKUP_FOOTER)}</p>'
        + (form_html(action, heading=texts.LOOKUP_ANOTHER) if action else "")
    )
    return _page(body)
