"""Drafts an officer makes and a leader approves (issue 13, item 8).

An officer may not issue an apology-and-extension letter nor correct a dossier whose slip was
printed (services/permissions.py); the officer *drafts* it instead: ``approval_requested``,
an event like any other (synced, shown at every station of the office), checked at once by
the action it asks for so a draft that could never be approved is refused while the officer
is still at the desk. The dossier does not change until a leader approves: the action itself
is then recorded by the leader, naming the draft (``approves``), or the leader declines it
(``approval_declined``). Either one removes the draft from :attr:`Dossier.pending`.
"""

from __future__ import annotations

from typing import Any

from counter_app.domain.changes import Changes
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import permissions
from counter_app.services.actions import APPROVABLE, Action, record_action
from counter_app.services.station import StationContext


def request_approval(
    ctx: StationContext, dossier: Dossier, action: Action, *, officer: str, payload: dict[str, Any]
) -> tuple[Dossier, Changes]:
    """Draft ``action`` (apology or correction) with ``payload`` for a leader."""
    key = next((k for k, v in APPROVABLE.items() if v == action.value), None)
    if key is None:
        raise DomainError(ErrorCode.ACTION_FIELD_INVALID, field="action")
    return record_action(
        ctx,
        dossier,
        Action.APPROVAL_REQUEST,
        officer=officer,
        payload={"action": key, "request": dict(payload)},
    )


def draft_of(dossier: Dossier, draft_uuid: str) -> dict[str, Any]:
    for draft in dossier.pending:
        if draft["uuid"] == draft_uuid:
            return draft
    raise DomainError(ErrorCode.APPROVAL_NOT_FOUND, draft=draft_uuid)


def approve(
    ctx: StationContext, dossier: Dossier, draft_uuid: str, *, officer: str
) -> tuple[Dossier, Changes]:
    """A leader approves the draft: its action is recorded now, naming the draft."""
    permissions.require(ctx, officer, "approve")
    current = ctx.store.dossiers.by_uuid(dossier.uuid) or dossier
    draft = draft_of(current, draft_uuid)
    action = Action(APPROVABLE[draft["action"]])
    payload = {**draft["request"], "approves": draft_uuid}
    return record_action(ctx, current, action, officer=officer, payload=payload)


def decline(
    ctx: StationContext, dossier: Dossier, draft_uuid: str, *, officer: str, reason: str = ""
) -> tuple[Dossier, Changes]:
    """A leader declines the draft (the dossier stays as it was)."""
    return record_action(
        ctx,
        dossier,
        Action.APPROVAL_DECLINE,
        officer=officer,
        payload={"draft": draft_uuid, "reason": reason},
    )


def waiting(ctx: StationContext, *, limit: int = 200) -> list[tuple[Dossier, dict[str, Any]]]:
    """Drafts waiting for a leader, oldest first (the reminders and the dossier list)."""
    found: list[tuple[Dossier, dict[str, Any]]] = []
    for dossier in ctx.store.dossiers.with_pending(limit=limit):
        found.extend((dossier, draft) for draft in dossier.pending)
    return sorted(found, key=lambda pair: pair[1]["at"])
