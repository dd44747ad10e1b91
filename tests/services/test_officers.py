import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Role
from counter_app.services.officers import authenticate, create_officer
from counter_app.services.setup import DEMO_PASSWORD
from counter_app.services.station import StationContext


def test_demo_officers_log_in_offline_with_argon2(station: StationContext) -> None:
    officer = authenticate(station, username="lanhdao", password=DEMO_PASSWORD)
    assert officer.role is Role.LEADER
    _, stored_hash = station.store.officers.get("lanhdao")
    assert stored_hash.startswith("$argon2id$") and DEMO_PASSWORD not in stored_hash
    with pytest.raises(DomainError) as info:
        authenticate(station, username="lanhdao", password="sai-mat-khau")
    assert info.value.code is ErrorCode.OFFICER_BAD_PASSWORD
    actions = [e["action"] for e in station.store.audit.entries(limit=2)]
    assert actions == ["login_failed", "login"]


def test_create_officer_validates_and_audits(station: StationContext) -> None:
    officer, changes = create_officer(
        station,
        username="hoa.nt",
        full_name="Nguyễn Thị Hoà",
        role=Role.OFFICER,
        password="bimat123",
        by="quantri",
    )
    assert changes.officers and officer.username == "hoa.nt"
    assert authenticate(station, username="hoa.nt", password="bimat123") == officer
    for bad in ({"username": "X"}, {"password": "1"}, {"username": "canbo"}):
        args = {
            "username": "moi.cb",
            "full_name": "Cán bộ",
            "role": Role.OFFICER,
            "password": "bimat123",
            "by": "quantri",
            **bad,
        }
        with pytest.raises(DomainError) as info:
            create_officer(station, **args)
        assert info.value.code is ErrorCode.OFFICER_INPUT_INVALID
