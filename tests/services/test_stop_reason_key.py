"""Mẫu 05 from the command line (issue 13 item 3): a stop that names only a listed reason
(``reason_key``) takes that reason's text; "other" still needs its text."""

from __future__ import annotations

from datetime import datetime

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import forms as ft
from tests.conftest import make_applicant


def _received(station: StationContext):  # type: ignore[no-untyped-def]
    request = ReceptionRequest(procedure_code="1.014061", applicant=make_applicant())
    return receive_dossier(station, request, officer="canbo")[0]


def test_a_listed_reason_alone_gives_its_text(station: StationContext, clock: FixedClock) -> None:
    clock.at = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)
    dossier = _received(station)
    payload = {"reason_key": ft.STOP_DATABASES}
    stopped = record_action(station, dossier, Action.STOP, officer="canbo", payload=payload)[0]
    assert stopped.status is Status.STOPPED
    (event,) = [e for e in station.store.dossiers.events_of(dossier.uuid) if e.kind == "stopped"]
    assert event.payload["reason"] == "Không khai thác được thông tin trong các cơ sở dữ liệu"
    assert event.payload["reason_key"] == ft.STOP_DATABASES


def test_other_still_needs_its_text(station: StationContext, clock: FixedClock) -> None:
    clock.at = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)
    dossier = _received(station)
    with pytest.raises(DomainError) as refused:
        record_action(
            station, dossier, Action.STOP, officer="canbo", payload={"reason_key": ft.STOP_OTHER}
        )
    assert refused.value.code is ErrorCode.ACTION_FIELD_MISSING
    assert refused.value.params["field"] == "reason"
    assert station.store.dossiers.by_uuid(dossier.uuid).status is Status.RECEIVED  # type: ignore[union-attr]
