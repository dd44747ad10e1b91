"""Roles that mean something (issue 13, item 8), through the service layer: per action, who
may; a refusal has its code and Vietnamese message and changes nothing; drafts wait for a
leader; a second rating needs its reason."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier, project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Role
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.printing.printer import PaperSize
from counter_app.services import approvals, maintenance, slips
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.officers import create_officer
from counter_app.services.station import StationContext
from counter_app.texts import error_message
from tests.conftest import make_applicant

FIVE_DAYS = ProcessingTime(TimeUnit.WORKING_DAYS, 5)


def _receive(station: StationContext) -> Dossier:
    request = ReceptionRequest(
        procedure_code="1.004873", applicant=make_applicant(), time=FIVE_DAYS
    )
    return receive_dossier(station, request, officer="canbo")[0]


def _apology(d: Dossier) -> dict[str, str]:
    assert d.due_at is not None
    return {"new_due": (d.due_at + timedelta(days=4)).isoformat(), "reason": "Chờ xác minh"}


def _refused(station: StationContext, d: Dossier, call) -> DomainError:  # type: ignore[no-untyped-def]
    """``call()`` refused: the error, after checking nothing was written."""
    events = len(station.store.dossiers.events_of(d.uuid))
    outbox = station.store.dossiers.outbox_size()
    with pytest.raises(DomainError) as refused:
        call()
    assert len(station.store.dossiers.events_of(d.uuid)) == events
    assert station.store.dossiers.outbox_size() == outbox
    assert station.store.dossiers.by_uuid(d.uuid) == d
    return refused.value


@pytest.mark.parametrize(
    ("username", "allowed"), [("canbo", False), ("quantri", False), ("lanhdao", True)]
)
def test_only_a_leader_issues_an_apology(
    station: StationContext, clock: FixedClock, username: str, allowed: bool
) -> None:
    d = _receive(station)
    clock.advance(hours=1)

    def apology() -> Dossier:
        return record_action(station, d, Action.APOLOGY, officer=username, payload=_apology(d))[0]

    if allowed:
        assert apology().apology_issued
        return
    error = _refused(station, d, apology)
    assert error.code is ErrorCode.ROLE_REQUIRED
    message = error_message(error)
    assert ErrorCode.ROLE_REQUIRED.value not in message and username in message  # no [code]
    assert "lãnh đạo" in message and "Không có gì bị thay đổi" in message


@pytest.mark.parametrize(
    "action, payload",
    [
        (Action.HANDOVER, {"to": "Công chức Tư pháp"}),
        (Action.FEE, {"collected": 10_000, "method": "cash"}),
        (Action.RATING, {"rating": "hai_long"}),
        (Action.CORRECT, {"changes": {"sets": 2}, "reason": "Sai số bộ"}),  # not printed yet
    ],
)
def test_an_officer_follows_up(
    station: StationContext, clock: FixedClock, action: Action, payload: dict[str, object]
) -> None:
    d = _receive(station)
    clock.advance(hours=1)
    record_action(station, d, action, officer="canbo", payload=payload)


def test_a_correction_after_printing_is_the_leaders(
    station: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    d = _receive(station)
    slips.issue_slip(station, d, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo")
    d = station.store.dossiers.by_uuid(d.uuid) or d
    clock.advance(hours=1)
    change = {"changes": {"sets": 2}, "reason": "Sai số bộ"}
    error = _refused(
        station,
        d,
        lambda: record_action(station, d, Action.CORRECT, officer="canbo", payload=change),
    )
    assert error.code is ErrorCode.ROLE_REQUIRED
    assert "sửa hồ sơ đã in phiếu" in error_message(error)
    fixed = record_action(station, d, Action.CORRECT, officer="lanhdao", payload=change)[0]
    assert fixed.sets == 2


def test_an_officers_draft_waits_for_the_leader(station: StationContext, clock: FixedClock) -> None:
    d = _receive(station)
    clock.advance(hours=1)
    drafted, _ = approvals.request_approval(
        station, d, Action.APOLOGY, officer="canbo", payload=_apology(d)
    )
    assert not drafted.apology_issued and drafted.due_at == d.due_at  # nothing changed
    (draft,) = drafted.pending
    assert draft["officer"] == "canbo" and draft["action"] == "apology"
    assert [x[1]["uuid"] for x in approvals.waiting(station)] == [draft["uuid"]]
    # an officer may not approve it, nor decline it
    for call in (
        lambda: approvals.approve(station, drafted, draft["uuid"], officer="canbo"),
        lambda: approvals.decline(station, drafted, draft["uuid"], officer="canbo"),
    ):
        assert _refused(station, drafted, call).code is ErrorCode.ROLE_REQUIRED
    clock.advance(hours=1)
    approved, _ = approvals.approve(station, drafted, draft["uuid"], officer="lanhdao")
    assert approved.apology_issued and not approved.pending
    assert approvals.waiting(station) == []
    assert project(station.store.dossiers.events_of(d.uuid)) == approved
    error = _refused(
        station,
        approved,
        lambda: approvals.approve(station, approved, draft["uuid"], officer="lanhdao"),
    )
    assert error.code is ErrorCode.APPROVAL_NOT_FOUND


def test_a_draft_that_could_never_be_approved_is_refused_at_once(
    station: StationContext, clock: FixedClock
) -> None:
    d = _receive(station)
    assert d.due_at is not None
    clock.at = d.due_at - timedelta(hours=2)  # too late for an apology (one day before)
    error = _refused(
        station,
        d,
        lambda: approvals.request_approval(
            station, d, Action.APOLOGY, officer="canbo", payload=_apology(d)
        ),
    )
    assert error.code is ErrorCode.APOLOGY_TOO_LATE


def test_the_leader_declines_a_draft(station: StationContext, clock: FixedClock) -> None:
    d = _receive(station)
    clock.advance(hours=1)
    drafted, _ = approvals.request_approval(
        station, d, Action.APOLOGY, officer="canbo", payload=_apology(d)
    )
    declined, _ = approvals.decline(
        station, drafted, drafted.pending[0]["uuid"], officer="lanhdao", reason="Chưa đủ căn cứ"
    )
    assert not declined.pending and not declined.apology_issued


def test_rating_once_then_only_with_a_reason(station: StationContext, clock: FixedClock) -> None:
    d = _receive(station)
    clock.advance(hours=1)
    d = record_action(station, d, Action.RATING, officer="canbo", payload={"rating": "hai_long"})[0]
    error = _refused(
        station,
        d,
        lambda: record_action(
            station, d, Action.RATING, officer="canbo", payload={"rating": "khong_hai_long"}
        ),
    )
    assert error.code is ErrorCode.RATING_ALREADY_RECORDED
    message = error_message(error)
    assert "lý do đánh giá lại" in message
    assert (
        message.startswith("Hồ sơ này") and ErrorCode.RATING_ALREADY_RECORDED.value not in message
    )
    again = record_action(
        station,
        d,
        Action.RATING,
        officer="canbo",
        payload={"rating": "khong_hai_long", "reason": "Người dân chọn nhầm"},
    )[0]
    assert again.rating == "khong_hai_long"
    reasons = [e.payload.get("reason") for e in station.store.dossiers.events_of(d.uuid)]
    assert "Người dân chọn nhầm" in reasons


def test_only_an_admin_manages_officers_and_restores(
    station: StationContext, tmp_path: Path
) -> None:
    for username in ("canbo", "lanhdao"):
        with pytest.raises(DomainError) as refused:
            create_officer(
                station,
                username="moi.cb",
                full_name="Cán bộ mới",
                role=Role.OFFICER,
                password="bimat1234",
                by=username,
            )
        assert refused.value.code is ErrorCode.ROLE_REQUIRED
        assert station.store.officers.get("moi.cb") is None
        with pytest.raises(DomainError) as restore:
            maintenance.restore_station(station, tmp_path / "none.db", officer=username)
        assert restore.value.code is ErrorCode.ROLE_REQUIRED
    create_officer(
        station,
        username="moi.cb",
        full_name="Cán bộ mới",
        role=Role.OFFICER,
        password="bimat1234",
        by="quantri",
    )
    assert station.store.officers.get("moi.cb") is not None


def test_an_officers_correction_after_printing_is_drafted_then_approved(
    station: StationContext, clock: FixedClock
) -> None:
    d = _receive(station)
    slips.issue_slip(station, d, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo")
    d = station.store.dossiers.by_uuid(d.uuid) or d
    clock.advance(hours=1)
    change = {"changes": {"applicant": {"name": "Nguyễn Văn Đạt"}}, "reason": "Ghi nhầm tên"}
    drafted, _ = approvals.request_approval(
        station, d, Action.CORRECT, officer="canbo", payload=change
    )
    assert drafted.applicant.name == d.applicant.name  # unchanged until approved
    clock.advance(hours=1)
    fixed, _ = approvals.approve(station, drafted, drafted.pending[0]["uuid"], officer="lanhdao")
    assert fixed.applicant.name == "Nguyễn Văn Đạt" and not fixed.pending
    corrected = [e for e in station.store.dossiers.events_of(d.uuid) if e.kind == "corrected"]
    assert [e.officer for e in corrected] == ["lanhdao"]
