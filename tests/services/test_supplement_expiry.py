"""Supplements that expire (issue 13, item 4): a request unanswered for the rule set's period
closes the dossier when the station next runs past the limit (clock moved with FixedClock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import EventKind, Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.domain.total_projection import project_total
from counter_app.services import reports
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.register import _note
from counter_app.services.settings import read_settings, update_settings
from counter_app.services.station import StationContext
from counter_app.services.supplements import close_expired, supplement_mode, supplement_waits
from tests.conftest import make_applicant

FIVE_DAYS = ProcessingTime(TimeUnit.WORKING_DAYS, 5)


def _receive(station: StationContext, name: str = "Nguyễn Văn Đức"):
    request = ReceptionRequest(
        procedure_code="1.004873", applicant=make_applicant(name=name), time=FIVE_DAYS
    )
    return receive_dossier(station, request, officer="canbo")[0]


def _ask(station: StationContext, dossier):
    payload = {"items": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"}
    return record_action(
        station, dossier, Action.SUPPLEMENT_REQUEST, officer="canbo", payload=payload
    )[0]


def test_a_request_unanswered_for_15_days_closes_the_dossier(
    station: StationContext, clock: FixedClock
) -> None:
    clock.at = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)  # Decree 309 rule set
    waiting = _ask(station, _receive(station))
    other = _ask(station, _receive(station, "Trần Thị Lan"))
    answered = _receive(station, "Lê Văn Hùng")
    answered = _ask(station, answered)
    stopped = _receive(station, "Phạm Thị Dừng")
    record_action(station, stopped, Action.STOP, officer="canbo", payload={
        "reason": "Không khai thác được thông tin trong các cơ sở dữ liệu",
        "reason_key": "databases_unreachable",
    })  # fmt: skip
    clock.advance(days=2)
    record_action(station, answered, Action.SUPPLEMENT_RECEIVED, officer="canbo")
    limit = waiting.paused_at + timedelta(days=15)

    clock.at = limit - timedelta(days=2)  # closing within 3 days, not yet closed
    waits = supplement_waits(station)
    assert {w.dossier.uuid for w in waits} == {waiting.uuid, other.uuid}
    assert all(w.closing_soon(clock.now()) and not w.expired(clock.now()) for w in waits)
    assert close_expired(station, officer="canbo")[0] == []

    clock.at = limit + timedelta(days=1)  # the station runs again past the limit
    closed, changes = close_expired(station, officer="canbo")
    assert {d.uuid for d in closed} == {waiting.uuid, other.uuid} and changes.dossiers
    stored = station.store.dossiers.by_uuid(waiting.uuid)
    assert stored is not None and stored.status is Status.STOPPED
    assert stored.outcome == "supplement_expired" and stored.paused_at is None
    assert stored.finished_at == limit  # dated at the limit, the same at every station
    events = station.store.dossiers.events_of(waiting.uuid)
    expiry = [e for e in events if e.kind == EventKind.SUPPLEMENT_EXPIRED.value]
    assert len(expiry) == 1 and expiry[0].payload["amount"] == 15
    assert expiry[0].payload["rule_set"] == "ND309-2026/TT03-2025"
    assert project_total(events).dossier == stored  # the shared projection agrees
    audit = [a for a in station.store.audit.entries() if a["action"] == "supplement_expired"]
    assert len(audit) == 2
    answered_now = station.store.dossiers.by_uuid(answered.uuid)
    assert answered_now is not None and answered_now.status is Status.RECEIVED

    assert "Đóng hồ sơ do quá hạn bổ sung" in _note(stored)  # the register's note
    assert "Dừng giải quyết" in _note(station.store.dossiers.by_uuid(stopped.uuid))  # type: ignore[arg-type]
    assert close_expired(station, officer="canbo")[0] == []  # idempotent
    assert supplement_waits(station) == []

    # The report: closed and stopped dossiers are resolved on time (one-stop-rules §5.2), by
    # the SQL count and by the domain's reference path alike.
    day = limit.date()
    whole = reports.report(station, start=date(2026, 9, 1), end=day)
    assert whole.totals == reports.reference_report(station, start=date(2026, 9, 1), end=day).totals
    assert whole.totals.received_total == 4 and whole.totals.in_progress_total == 1
    assert whole.totals.resolved_total == 3 and whole.totals.on_time == 3  # 2 closed, 1 stopped
    closed_counts = (whole.totals.withdrawn, whole.totals.stopped, whole.totals.supplement_expired)
    assert closed_counts == (0, 1, 2)  # counted separately as well (section 5.2)
    last = reports.report(station, start=day, end=day)  # only the closures finish that day
    assert last.totals == reports.reference_report(station, start=day, end=day).totals
    assert last.totals.carried_over == 3 and last.totals.resolved_total == 2
    assert (last.totals.stopped, last.totals.supplement_expired) == (0, 2)


def test_the_restart_or_resume_rule_is_a_setting_defaulting_to_the_rule_set(
    station: StationContext, clock: FixedClock
) -> None:
    clock.at = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)
    d = _receive(station)
    station.store.config.delete("supplement_mode")
    assert supplement_mode(station, d) == "restart"  # the rule set's default
    station.store.config.set("supplement_mode", "resume")
    assert supplement_mode(station, d) == "resume"
    station.store.config.set("supplement_mode", "rule_set")
    assert supplement_mode(station, d) == "restart"


def test_the_admin_chooses_the_rule_in_the_settings(station: StationContext) -> None:
    current = read_settings(station)
    assert current.supplement_mode == "rule_set"  # a new station follows each rule set
    update_settings(station, replace(current, supplement_mode="resume"), officer="quantri")
    assert read_settings(station).supplement_mode == "resume"
    assert station.setting("supplement_mode", "") == "resume"
    with pytest.raises(DomainError) as refused:
        update_settings(station, replace(current, supplement_mode="sometimes"), officer="quantri")
    assert refused.value.code is ErrorCode.SETTING_INVALID
    with pytest.raises(DomainError) as not_admin:
        update_settings(station, replace(current, supplement_mode="restart"), officer="canbo")
    assert not_admin.value.code is ErrorCode.OFFICER_NOT_ALLOWED
    assert read_settings(station).supplement_mode == "resume"
