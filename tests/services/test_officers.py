from pathlib import Path

import pytest

from counter_app import texts
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Role
from counter_app.services.officers import authenticate, create_officer, lock_seconds
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
    for bad, code in (
        ({"username": "X"}, ErrorCode.OFFICER_INPUT_INVALID),
        ({"password": "1"}, ErrorCode.PASSWORD_WEAK),
        ({"username": "canbo"}, ErrorCode.OFFICER_INPUT_INVALID),
    ):
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
        assert info.value.code is code


@pytest.mark.parametrize(
    "password",
    ["bimat12", "1234567", "demo1234", " DEMO1234 ", "moi.canbo", "MOI.CANBO", ""],
)
def test_a_weak_password_is_refused_with_the_whole_rule(
    station: StationContext, password: str
) -> None:
    before = station.store.audit.entries(limit=1)
    with pytest.raises(DomainError) as weak:
        create_officer(
            station,
            username="moi.canbo",
            full_name="Cán bộ mới",
            role=Role.OFFICER,
            password=password,
            by="quantri",
        )
    assert weak.value.code is ErrorCode.PASSWORD_WEAK
    message = texts.error_message(weak.value)
    assert "ít nhất 8 ký tự" in message and "demo1234" in message and "tên đăng nhập" in message
    assert station.store.officers.get("moi.canbo") is None
    assert station.store.audit.entries(limit=1) == before


def test_five_wrong_passwords_lock_the_account_for_a_growing_delay(
    tmp_path: Path, clock: FixedClock
) -> None:
    ctx = open_station(tmp_path / "s", clock=clock)
    try:
        for _ in range(4):
            with pytest.raises(DomainError) as wrong:
                authenticate(ctx, username="canbo", password="sai-mat-khau")
            assert wrong.value.code is ErrorCode.OFFICER_BAD_PASSWORD
        with pytest.raises(DomainError) as fifth:
            authenticate(ctx, username="canbo", password="sai-mat-khau")
        assert fifth.value.code is ErrorCode.OFFICER_LOCKED_OUT
        assert fifth.value.params["seconds"] == 30
        assert "đợi 30 giây" in texts.error_message(fifth.value)
    finally:
        ctx.store.close()
    # Closing and reopening the application does not reset it, not even the good password.
    clock.advance(seconds=10)
    ctx = open_station(tmp_path / "s", clock=clock)
    try:
        with pytest.raises(DomainError) as still:
            authenticate(ctx, username="canbo", password=DEMO_PASSWORD)
        assert still.value.code is ErrorCode.OFFICER_LOCKED_OUT
        assert still.value.params["seconds"] == 20
        clock.advance(seconds=20)
        with pytest.raises(DomainError) as sixth:  # one more wrong one: twice as long
            authenticate(ctx, username="canbo", password="sai-mat-khau")
        assert sixth.value.params["seconds"] == 60
        clock.advance(seconds=59)
        with pytest.raises(DomainError):
            authenticate(ctx, username="canbo", password=DEMO_PASSWORD)
        clock.advance(seconds=1)
        assert authenticate(ctx, username="canbo", password=DEMO_PASSWORD).username == "canbo"
        # A good password resets the count: the next wrong one is only a wrong one.
        with pytest.raises(DomainError) as again:
            authenticate(ctx, username="canbo", password="sai-mat-khau")
        assert again.value.code is ErrorCode.OFFICER_BAD_PASSWORD
        # Other accounts were never locked.
        assert authenticate(ctx, username="lanhdao", password=DEMO_PASSWORD).username == "lanhdao"
    finally:
        ctx.store.close()


def test_the_delay_grows_to_fifteen_minutes_at_most() -> None:
    assert [lock_seconds(n) for n in (1, 4, 5, 6, 7, 8)] == [0, 0, 30, 60, 120, 240]
    assert lock_seconds(50) == 15 * 60
