"""What happens to a dossier after reception, each action one event in one transaction.

``record_action`` validates the payload of the action, checks the status machine (a refused
action raises ACTION_NOT_ALLOWED, APOLOGY_* … with the reason and changes nothing), computes
what needs the calendar (the new due date after a supplement), then appends the event, its
outbox entry, the new projection and an audit entry together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from counter_app.domain.changes import Changes
from counter_app.domain.cross_boundary import clock_starts_at_authority, due_from_authority
from counter_app.domain.dossier import Dossier, EventKind, apply_event, check_allowed
from counter_app.domain.due import check_apology, due_after_supplement
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fees import check_payment
from counter_app.domain.models import VN_TZ, Applicant
from counter_app.domain.text import nfc
from counter_app.reference.rules import dossier_rules, shipped_rule_book
from counter_app.services import permissions
from counter_app.services.intake import validate_applicant
from counter_app.services.station import StationContext
from counter_app.services.supplements import supplement_mode
from counter_app.texts.forms import STOP_OTHER, STOP_REASONS


class Action(StrEnum):
    """Action names of the command line (and of the window's menu)."""

    HANDOVER = "handover"
    HANDBACK = "handback"
    RESULT = "result"
    SUPPLEMENT_REQUEST = "supplement_request"
    SUPPLEMENT_RECEIVED = "supplement_received"
    APOLOGY = "apology"
    WITHDRAW = "withdraw"
    STOP = "stop"
    RETURN = "return"
    RATING = "rating"
    CORRECT = "correct"
    AUTHORITY_RECEIVED = "authority_received"  # cross-boundary: the authority's receipt
    FEE = "fee"  # a fee collected, exempted or its amount set (issue 13, item 7)
    APPROVAL_REQUEST = "approval_request"  # an officer's draft for a leader (item 8)
    APPROVAL_DECLINE = "approval_decline"  # the leader does not approve the draft

    @property
    def kind(self) -> EventKind:
        return _KINDS[self]


_KINDS = {
    Action.HANDOVER: EventKind.HANDED_OVER,
    Action.HANDBACK: EventKind.HANDED_BACK,
    Action.RESULT: EventKind.RESULT_RECEIVED,
    Action.SUPPLEMENT_REQUEST: EventKind.SUPPLEMENT_REQUESTED,
    Action.SUPPLEMENT_RECEIVED: EventKind.SUPPLEMENT_RECEIVED,
    Action.APOLOGY: EventKind.APOLOGY_ISSUED,
    Action.WITHDRAW: EventKind.WITHDRAWN,
    Action.STOP: EventKind.STOPPED,
    Action.RETURN: EventKind.RETURNED,
    Action.RATING: EventKind.RATING_RECORDED,
    Action.CORRECT: EventKind.CORRECTED,
    Action.AUTHORITY_RECEIVED: EventKind.AUTHORITY_RECEIVED,
    Action.FEE: EventKind.FEE_RECORDED,
    Action.APPROVAL_REQUEST: EventKind.APPROVAL_REQUESTED,
    Action.APPROVAL_DECLINE: EventKind.APPROVAL_DECLINED,
}
# What an officer drafts and a leader approves (services/permissions.py).
APPROVABLE = {"apology": "apology", "correct": "correct"}
RATINGS = ("rat_hai_long", "hai_long", "khong_hai_long")
OUTCOMES = ("approved", "refused")


def _text(payload: dict[str, Any], key: str, *, required: bool) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str) or (required and not nfc(value)):
        raise DomainError(ErrorCode.ACTION_FIELD_MISSING, field=key)
    return nfc(value)


def _when(payload: dict[str, Any], key: str) -> datetime:
    raw = payload.get(key)
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=str(raw)) from None
    return value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)


def _handover(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"to": _text(p, "to", required=True), "note": _text(p, "note", required=False)}


def _handback(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"from": _text(p, "from", required=False), "note": _text(p, "note", required=False)}


def _result(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    outcome = p.get("outcome", "approved")
    if outcome not in OUTCOMES:
        raise DomainError(ErrorCode.ACTION_FIELD_INVALID, field="outcome")
    return {
        "outcome": outcome,
        "note": _text(p, "note", required=False),
        "result_number": _text(p, "result_number", required=False),
    }


def _supplement_request(
    ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime
) -> dict[str, Any]:
    items = p.get("items")
    if not isinstance(items, list) or not [i for i in items if isinstance(i, str) and nfc(i)]:
        raise DomainError(ErrorCode.ACTION_FIELD_MISSING, field="missing")
    return {
        "items": [nfc(i) for i in items if isinstance(i, str) and nfc(i)],
        "reason": _text(p, "reason", required=True),
    }


def _supplement_received(
    ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime
) -> dict[str, Any]:
    mode = supplement_mode(ctx, d)  # the admin's setting, else the dossier's rule set
    due = due_after_supplement(
        time=d.processing_time,
        paused_at=d.paused_at or at,
        resumed_at=at,
        due_before_pause=d.due_at,
        mode=mode,
        calendar=ctx.calendar(),
        hours=ctx.hours(),
    )
    return {
        "due_at": due.due.isoformat() if due.due else None,
        "due_estimated": due.estimated,
        "mode": mode,
        "note": _text(p, "note", required=False),
    }


def _apology(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    new_due = _when(p, "new_due")
    reason = _text(p, "reason", required=True)
    check_apology(
        issued_at=at, current_due=d.due_at, new_due=new_due, already_issued=d.apology_issued
    )
    return _approving(d, p, {"new_due_at": new_due.isoformat(), "reason": reason})


def _approving(d: Dossier, p: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """``body`` naming the draft it approves (``approves``), which must be waiting."""
    draft = p.get("approves")
    if not draft:
        return body
    if not any(x["uuid"] == draft for x in d.pending):
        raise DomainError(ErrorCode.APPROVAL_NOT_FOUND, draft=str(draft))
    return {**body, "approves": draft}


def _reason_only(
    ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {"reason": _text(p, "reason", required=True)}


def _stop(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Mẫu 05: the reason chosen (``reason_key``, texts.forms.STOP_REASONS) and its text."""
    key = p.get("reason_key", "")
    if key and key not in STOP_REASONS:
        raise DomainError(ErrorCode.ACTION_FIELD_INVALID, field="reason_key")
    if key and key != STOP_OTHER and not nfc(str(p.get("reason") or "")):
        p = {**p, "reason": STOP_REASONS[key]}  # the listed reason alone (command line)
    body = {"reason": _text(p, "reason", required=True)}
    return {**body, "reason_key": key} if key else body


def _return(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    originals = p.get("originals_returned", True)
    if not isinstance(originals, bool):
        raise DomainError(ErrorCode.ACTION_FIELD_INVALID, field="originals_returned")
    return {
        "receiver_name": _text(p, "receiver_name", required=True),
        "receiver_is_applicant": bool(p.get("receiver_is_applicant", True)),
        "originals_returned": originals,
        "note": _text(p, "note", required=False),
    }


def _rating(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    """One rating per dossier: a second one replaces the first only with its reason."""
    if p.get("rating") not in RATINGS:
        raise DomainError(ErrorCode.ACTION_FIELD_INVALID, field="rating")
    body = {"rating": p["rating"], "comment": _text(p, "comment", required=False)}
    if d.rating is not None:
        reason = _text(p, "reason", required=False)
        if not reason:
            raise DomainError(ErrorCode.RATING_ALREADY_RECORDED, field="rating_reason")
        body["reason"] = reason
    return body


def _fee(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A fee record (domain.fees.check_payment under the dossier's rule set)."""
    rules = shipped_rule_book().of_dossier(d.rule_set, d.received_at)
    payment = check_payment(
        p,
        rules=rules,
        received_on=d.received_at.astimezone(VN_TZ).date(),
        channel=int(d.channel),
        procedure_code=d.procedure_code,
    )
    nothing = not (payment.collected or payment.exemption or payment.receipt_no)
    if payment.due is None and nothing:
        raise DomainError(ErrorCode.FEE_INVALID, field="fee_collected")
    return payment.to_json()


def _approval_request(
    ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """An officer's draft: checked now by the action it asks for, kept as typed."""
    action = p.get("action")
    request = p.get("request")
    if action not in APPROVABLE or not isinstance(request, dict):
        raise DomainError(ErrorCode.ACTION_FIELD_INVALID, field="action")
    target = Action(APPROVABLE[action])
    check_allowed(d, target.kind)
    _BUILDERS[target](ctx, d, {k: v for k, v in request.items() if k != "approves"}, at)
    return {"action": action, "request": request, "note": _text(p, "note", required=False)}


def _approval_decline(
    ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime
) -> dict[str, Any]:
    draft = p.get("draft")
    if not any(x["uuid"] == draft for x in d.pending):
        raise DomainError(ErrorCode.APPROVAL_NOT_FOUND, draft=str(draft))
    return {"draft": draft, "reason": _text(p, "reason", required=False)}


def _authority_received(
    ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The competent authority's receipt of a cross-boundary dossier (the hand-over
    acknowledged): when (``received_at``, default now; never before the counter's reception
    nor in the future) and, when the dossier's rule set starts its time there, the due date
    it fixes (domain.cross_boundary)."""
    if not d.cross_boundary:
        raise DomainError(
            ErrorCode.ACTION_NOT_ALLOWED, action=Action.AUTHORITY_RECEIVED.value, status=d.status
        )
    when = _when(p, "received_at") if p.get("received_at") else at
    if when < d.received_at or when > at:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=when.isoformat())
    body: dict[str, Any] = {"received_at": when.isoformat()}
    rules = dossier_rules(d.rule_set, d.received_at)
    if clock_starts_at_authority(rules, d.cross_boundary) and d.processing_time.has_due_date:
        due = due_from_authority(
            authority_received_at=when,
            time=d.processing_time,
            calendar=ctx.calendar(),
            hours=ctx.hours(),
        )
        body.update(due_at=due.due.isoformat() if due.due else None)
        body["due_estimated"] = due.estimated
    for key in ("by", "note"):
        if _text(p, key, required=False):
            body[key] = _text(p, key, required=False)
    return body


def _correct(ctx: StationContext, d: Dossier, p: dict[str, Any], at: datetime) -> dict[str, Any]:
    changes = p.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise DomainError(ErrorCode.ACTION_FIELD_MISSING, field="changes")
    clean: dict[str, Any] = {}
    for key in ("applicant", "submitter"):
        if key in changes:
            value = changes[key]
            applicant = d.applicant if key == "applicant" else d.submitter
            if value is not None:
                base = applicant.to_json() if applicant else {}
                merged = Applicant.from_json({**base, **value})
                value = validate_applicant(merged, today=at.date()).to_json()
            clean[key] = value
    for key in ("sets", "return_method", "return_address", "fee", "documents"):
        if key in changes:
            clean[key] = changes[key]
    if not clean:
        raise DomainError(ErrorCode.ACTION_FIELD_MISSING, field="changes")
    return _approving(d, p, {"changes": clean, "reason": _text(p, "reason", required=False)})


_BUILDERS: dict[
    Action, Callable[[StationContext, Dossier, dict[str, Any], datetime], dict[str, Any]]
] = {
    Action.HANDOVER: _handover,
    Action.HANDBACK: _handback,
    Action.RESULT: _result,
    Action.SUPPLEMENT_REQUEST: _supplement_request,
    Action.SUPPLEMENT_RECEIVED: _supplement_received,
    Action.APOLOGY: _apology,
    Action.WITHDRAW: _reason_only,
    Action.STOP: _stop,
    Action.RETURN: _return,
    Action.RATING: _rating,
    Action.CORRECT: _correct,
    Action.AUTHORITY_RECEIVED: _authority_received,
    Action.FEE: _fee,
    Action.APPROVAL_REQUEST: _approval_request,
    Action.APPROVAL_DECLINE: _approval_decline,
}


def check_role(ctx: StationContext, dossier: Dossier, action: Action, officer: str) -> None:
    """ROLE_REQUIRED when ``officer`` may not record ``action`` on ``dossier`` now: an
    apology, a correction after a slip was printed and a decline need a leader (an officer
    drafts them: Action.APPROVAL_REQUEST)."""
    if action is Action.APOLOGY:
        permissions.require(ctx, officer, "apology")
    elif action is Action.CORRECT and permissions.printed(ctx, dossier.uuid):
        permissions.require(ctx, officer, "correct_printed")
    elif action is Action.APPROVAL_DECLINE:
        permissions.require(ctx, officer, "approve")


def needs_approval(ctx: StationContext, dossier: Dossier, action: Action, officer: str) -> bool:
    """Whether ``officer`` must draft ``action`` for a leader instead of recording it."""
    try:
        check_role(ctx, dossier, action, officer)
    except DomainError:
        return action in (Action.APOLOGY, Action.CORRECT)
    return False


def record_action(
    ctx: StationContext,
    dossier: Dossier,
    action: Action,
    *,
    officer: str,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> tuple[Dossier, Changes]:
    """Record ``action`` on ``dossier``; refuse with a code when the rules do not allow it.

    Guarantees: nothing is written when refused; when accepted, the event, its outbox entry,
    the dossier's new projection (and search entry after a correction) and the audit entry
    are committed in one transaction. Events of a dossier keep their order at every station:
    an action is never dated before the dossier's latest event (a station clock behind
    another's is moved forward to just after it; an explicit earlier ``at`` is refused).
    """
    store = ctx.store
    current = store.dossiers.by_uuid(dossier.uuid) or dossier
    now = ctx.clock.now()
    when = (at or now).astimezone(VN_TZ)
    latest = current.updated_at or current.received_at
    if when <= latest and at is None:
        when = latest + timedelta(microseconds=1)
    if (at is not None and when > now) or when < latest:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=when.isoformat())
    check_allowed(current, action.kind)
    check_role(ctx, current, action, officer)
    body = _BUILDERS[action](ctx, current, payload or {}, when)
    with store.db.atomic():
        event = ctx.new_event(
            dossier_uuid=dossier.uuid,
            kind=action.kind.value,
            officer=officer,
            at=when,
            payload=body,
        )
        updated = apply_event(current, event)
        store.dossiers.append(updated, event, queued_at=now, reindex=action is Action.CORRECT)
        store.audit.record(
            at=now,
            officer=officer,
            action=action.kind.value,
            dossier_uuid=dossier.uuid,
            detail={"code": dossier.code},
        )
    return updated, Changes(dossiers=True)
