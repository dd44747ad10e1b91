"""Open conflicts between stations, listed with both actions, settled by a leader only."""

from __future__ import annotations

import io
import json
import sys
import uuid
from datetime import timedelta

import pytest

from counter_app.cli.main import main
from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier, Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Event
from counter_app.services import conflicts as service
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.sync.engine import reproject
from counter_app.texts import conflicts as c
from tests.conftest import make_applicant

OTHER_STATION = "7d0c6a52-9a51-4d8e-9d0e-2b1f3c4d5e6f"


def _remote(dossier: Dossier, kind: str, at_offset: timedelta, **payload: object) -> Event:
    """An event of another station of the office, made offline (no stamp: ordered by time)."""
    return Event(
        uuid=str(uuid.uuid4()),
        dossier_uuid=dossier.uuid,
        kind=kind,
        station_id=OTHER_STATION,
        seq=1,
        officer="lanhdao",
        at=dossier.received_at + at_offset,
        payload=dict(payload),
    )


def _pull(ctx: StationContext, *events: Event) -> None:
    with ctx.store.db.atomic():
        ctx.store.sync.insert_remote_events(events)
        for dossier_uuid in {e.dossier_uuid for e in events}:
            reproject(ctx, dossier_uuid)


def _conflicted(station: StationContext, clock: FixedClock) -> tuple[Dossier, Event, Event]:
    """Here: result recorded; there, earlier and offline: the citizen withdrew."""
    request = ReceptionRequest(procedure_code="1.014061", applicant=make_applicant())
    dossier = receive_dossier(station, request, officer="canbo")[0]
    clock.advance(minutes=30)
    resolved = record_action(station, dossier, Action.RESULT, officer="canbo", payload={})[0]
    result = station.store.dossiers.events_of(dossier.uuid)[-1]
    withdrawal = _remote(dossier, "withdrawn", timedelta(minutes=10), reason="Công dân xin rút")
    _pull(station, withdrawal)
    assert resolved.status is Status.RESOLVED
    return dossier, result, withdrawal


def test_a_conflict_lists_both_actions_and_a_bad_settlement_changes_nothing(
    station: StationContext, clock: FixedClock
) -> None:
    dossier, result, withdrawal = _conflicted(station, clock)
    [conflict] = service.open_conflicts(station)
    assert conflict.code == dossier.code and conflict.applicant_name == dossier.applicant.name
    assert conflict.status is Status.WITHDRAWN  # the order put the withdrawal first
    assert conflict.reason == "action_not_allowed"
    assert conflict.action.event_uuid == result.uuid
    assert conflict.action.officer_name == "Nguyễn Thị Hoà" and conflict.action.own_station
    assert conflict.clashed is not None and conflict.clashed.event_uuid == withdrawal.uuid
    assert conflict.clashed.officer_name == "Trần Văn Đức"  # the office's leader, by name
    assert not conflict.clashed.own_station and conflict.clashed.at == withdrawal.at
    assert service.open_conflict_count(station) == 1
    creating = station.store.dossiers.events_of(dossier.uuid)[0]
    waiting = station.store.dossiers.outbox_size()
    for officer, void, note, code in (
        ("canbo", withdrawal.uuid, "Ghi nhầm", ErrorCode.CONFLICT_SETTLE_NOT_ALLOWED),
        ("lanhdao", str(uuid.uuid4()), "Ghi nhầm", ErrorCode.CONFLICT_VOID_INVALID),
        ("lanhdao", creating.uuid, "Ghi nhầm", ErrorCode.CONFLICT_VOID_INVALID),
        ("lanhdao", withdrawal.uuid, "   ", ErrorCode.CONFLICT_NOTE_MISSING),
    ):
        with pytest.raises(DomainError) as refused:
            service.settle_conflict(
                station, dossier_uuid=dossier.uuid, void=[void], note=note, officer=officer
            )
        assert refused.value.code is code
    assert station.store.dossiers.outbox_size() == waiting  # nothing written
    assert len(service.open_conflicts(station)) == 1
    roles = {u: station.store.officers.get(u) for u in ("lanhdao", "quantri", "canbo")}
    allowed = {
        u: found is not None and service.can_settle(found[0].role) for u, found in roles.items()
    }
    assert allowed == {"lanhdao": True, "quantri": True, "canbo": False}


def test_voiding_the_withdrawal_lets_the_result_apply_in_one_transaction(
    station: StationContext, clock: FixedClock
) -> None:
    dossier, _, withdrawal = _conflicted(station, clock)
    waiting = station.store.dossiers.outbox_size()
    remaining, changes = service.settle_conflict(
        station,
        dossier_uuid=dossier.uuid,
        void=[withdrawal.uuid],
        note="Công dân đổi ý, không rút",
        officer="lanhdao",
    )
    assert remaining == [] and changes.dossiers
    assert service.open_conflicts(station) == []
    settled = station.store.dossiers.by_uuid(dossier.uuid)
    assert settled is not None and settled.status is Status.RESOLVED
    assert station.store.dossiers.outbox_size() == waiting + 1  # the settlement travels
    event = station.store.dossiers.events_of(dossier.uuid)[-1]
    assert event.kind == "conflict_settled" and event.officer == "lanhdao"
    assert event.payload["voided"] == [withdrawal.uuid]
    assert event.payload["note"] == "Công dân đổi ý, không rút"
    assert station.store.audit.entries(limit=1)[0]["action"] == "conflict_settled"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))


def test_the_command_line_lists_and_settles(
    station: StationContext,
    clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dossier, result, withdrawal = _conflicted(station, clock)
    data_dir = str(station.store.data_dir)
    station.store.close()  # the command line opens the station itself
    assert main(["--data-dir", data_dir, "conflicts"]) == 0
    text = capsys.readouterr().out
    assert f"Hồ sơ {dossier.code}" in text and "Công dân rút hồ sơ" in text
    assert "nhận kết quả giải quyết — Nguyễn Thị Hoà, quầy này" in text
    assert "rút hồ sơ — Trần Văn Đức, quầy khác" in text and withdrawal.uuid in text
    assert main(["--data-dir", data_dir, "conflicts", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["code"] == dossier.code and listed["status"] == "withdrawn"
    [event] = listed["events"]
    assert event["uuid"] == result.uuid and event["officer_name"] == "Nguyễn Thị Hoà"
    assert event["clashed_with"]["uuid"] == withdrawal.uuid
    assert event["clashed_with"]["officer"] == "lanhdao"

    settle = ["--data-dir", data_dir, "conflicts", "settle", dossier.code or ""]
    args = [*settle, "--void", withdrawal.uuid, "--note", "Ghi nhầm", "--password-stdin"]
    _stdin(monkeypatch, "demo1234\n")
    assert main([*args, "--officer", "canbo"]) == 2
    assert capsys.readouterr().err.strip() == c.CONFLICT_ERRORS[
        ErrorCode.CONFLICT_SETTLE_NOT_ALLOWED
    ].format(username="canbo")
    _stdin(monkeypatch, "demo1234\n")
    assert main([*args, "--officer", "lanhdao"]) == 0
    out = capsys.readouterr()
    settled = json.loads(out.out)
    assert settled["status"] == "resolved" and settled["open_conflicts"] == 0
    assert settled["voided"] == [withdrawal.uuid]
    assert "hồ sơ hết xung đột" in out.err
    assert main(["--data-dir", data_dir, "conflicts"]) == 0
    assert capsys.readouterr().out.strip() == c.CLI_NONE
