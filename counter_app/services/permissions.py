"""Who may do what (issue 13, item 8): roles that mean something.

- the **officer** receives dossiers and follows them up (hand-over, results, supplements,
  returns, ratings, fees); an apology-and-extension letter or a correction of a dossier whose
  slip was printed is only *drafted* by an officer (``approval_requested``) and waits;
- the **leader** approves or declines those drafts (or records them directly) and settles
  conflicts between stations (services/conflicts.py);
- the **admin** manages the office settings, the officers' accounts and restores.

A refusal raises ROLE_REQUIRED naming the account, the action and the roles that may; it is
raised before anything is written. Checks are made here, in the service layer, so the window
and the command line refuse the same things; the window also greys the buttons and says why
(:func:`allowed`).
"""

from __future__ import annotations

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Role
from counter_app.services.station import StationContext

LEADER = frozenset({Role.LEADER})
ADMIN = frozenset({Role.ADMIN})
RULES: dict[str, frozenset[Role]] = {
    "apology": LEADER,  # issue the apology letter and the new due date (Mẫu 04)
    "correct_printed": LEADER,  # correct a dossier whose slip was printed
    "approve": LEADER,  # approve or decline an officer's draft
    "settle_conflict": frozenset({Role.LEADER, Role.ADMIN}),  # services/conflicts.SETTLE_ROLES
    "settings": ADMIN,
    "officers": ADMIN,
    "restore": ADMIN,
}


def role_of(ctx: StationContext, username: str) -> Role | None:
    found = ctx.store.officers.get(username)
    if found is None or not found[0].active:
        return None
    return found[0].role


def allowed(role: Role | None, what: str) -> bool:
    """Whether ``role`` may do ``what`` (a key of :data:`RULES`; anything else: everyone)."""
    roles = RULES.get(what)
    return roles is None or (role is not None and role in roles)


def require(ctx: StationContext, username: str, what: str) -> None:
    """Refuse with ROLE_REQUIRED unless the active account ``username`` may do ``what``."""
    if not allowed(role_of(ctx, username), what):
        raise DomainError(
            ErrorCode.ROLE_REQUIRED,
            username=username,
            action=what,
            roles=sorted(r.value for r in RULES[what]),
        )


def printed(ctx: StationContext, dossier_uuid: str) -> bool:
    """Whether a slip of the dossier was printed, at any station (its ``slip_printed``
    events): a correction then needs a leader."""
    return any(e.kind == "slip_printed" for e in ctx.store.dossiers.events_of(dossier_uuid))
