"""Cross-boundary dossiers (issue 13 item 2): two instants, the 15:00 transfer rule, and the
due date fixed by the competent authority's receipt under Decree 309/2026 (not under the
Decree 118/2025 rule set, whose time starts at the counter)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from counter_app.app import open_station
from counter_app.domain.calendar import OfficeHours
from counter_app.domain.clock import FixedClock
from counter_app.domain.cross_boundary import transfer_instant
from counter_app.domain.dossier import Dossier, project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.printing.printer import PaperSize
from counter_app.services import slips
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.reports import period_report
from counter_app.services.station import StationContext
from tests.conftest import make_applicant

THREE = ProcessingTime(TimeUnit.WORKING_DAYS, 3)
AUTHORITY = "Sở Tư pháp tỉnh Hà Tĩnh"


def vn(day: int, hour: int, minute: int = 0, month: int = 8) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(vn(7, 15, 30))  # Friday 07/08/2026, after 15:00


@pytest.fixture
def ctx(tmp_path: Path, clock: FixedClock) -> Iterator[StationContext]:
    opened = open_station(tmp_path / "station", clock=clock)
    yield opened
    opened.store.close()


def _receive(
    ctx: StationContext, *, at: datetime | None = None, scope: str = "other_agency"
) -> Dossier:
    request = ReceptionRequest(
        procedure_code="1.001193",
        applicant=make_applicant(),
        time=THREE,
        received_at=at,
        cross_boundary=scope,
        authority=AUTHORITY,
    )
    return receive_dossier(ctx, request, officer="canbo")[0]


def test_the_transfer_follows_the_three_pm_rule(ctx: StationContext) -> None:
    calendar, hours = ctx.calendar(), OfficeHours()
    cutoff = hours.cutoff
    assert transfer_instant(vn(7, 15, 30), calendar=calendar, hours=hours, cutoff=cutoff) == vn(
        10, 7
    )  # Friday after 15:00 -> Monday's opening
    assert transfer_instant(vn(7, 15, 0), calendar=calendar, hours=hours, cutoff=cutoff) == vn(
        7, 15
    )  # 15:00:00 exactly is still the same day
    assert transfer_instant(vn(8, 9), calendar=calendar, hours=hours, cutoff=cutoff) == vn(10, 7)


def test_friday_after_three_expected_from_monday_then_fixed_by_the_authority(
    ctx: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    dossier = _receive(ctx)
    assert dossier.rule_set == "ND309-2026/TT03-2025"
    assert dossier.received_at == vn(7, 15, 30)  # the counter's instant stays
    assert dossier.transfer_at == vn(10, 7)
    # 3 working days from Monday 07:00 (not from Friday 15:30, which gives Wednesday 15:30)
    assert dossier.due_expected and dossier.due_at == vn(12, 17)
    clock.at = vn(10, 10)
    stored = ctx.store.dossiers.by_uuid(dossier.uuid)
    assert stored is not None and stored.due_expected
    updated, _ = record_action(
        ctx,
        stored,
        Action.AUTHORITY_RECEIVED,
        officer="canbo",
        payload={"received_at": vn(10, 9, 30).isoformat(), "by": "Văn thư Sở Tư pháp"},
    )
    assert updated.authority_received_at == vn(10, 9, 30)
    assert updated.due_at == vn(13, 9, 30) and updated.original_due_at == vn(13, 9, 30)
    assert not updated.due_expected
    assert updated.received_at == vn(7, 15, 30)
    again = ctx.store.dossiers.by_uuid(dossier.uuid)
    assert again == updated
    assert project(ctx.store.dossiers.events_of(dossier.uuid)) == updated


def test_the_authority_receipt_is_refused_for_a_dossier_that_is_not_cross_boundary(
    ctx: StationContext, clock: FixedClock
) -> None:
    dossier = _receive(ctx, scope="")
    assert not dossier.due_expected and dossier.transfer_at is None
    assert dossier.due_at == vn(12, 15, 30)  # from the counter's reception
    clock.at = vn(10, 10)
    with pytest.raises(DomainError) as caught:
        record_action(ctx, dossier, Action.AUTHORITY_RECEIVED, officer="canbo")
    assert caught.value.code is ErrorCode.ACTION_NOT_ALLOWED
    cross = _receive(ctx, scope="other_province")
    with pytest.raises(DomainError) as early:
        record_action(
            ctx,
            cross,
            Action.AUTHORITY_RECEIVED,
            officer="canbo",
            payload={"received_at": vn(7, 9).isoformat()},  # before the counter's reception
        )
    assert early.value.code is ErrorCode.DATETIME_INVALID


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode("utf-8")).split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils reads PDFs back")
def test_the_receipt_gives_the_expected_date_and_says_the_time_runs_from_the_authority(
    ctx: StationContext, tmp_path: Path
) -> None:
    dossier = _receive(ctx)
    text = _pdf_text(
        slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5), tmp_path
    )
    assert "17 giờ 00, thứ Tư, ngày 12/08/2026 (dự kiến)" in text
    assert f"chuyển đến {AUTHORITY} lúc 07 giờ 00, thứ Hai, ngày 10/08/2026" in text
    assert "tính từ khi cơ quan có thẩm quyền tiếp nhận hồ sơ" in text


def test_dossiers_of_the_fourth_and_sixth_of_august_follow_their_own_rule_sets_in_the_report(
    ctx: StationContext, clock: FixedClock
) -> None:
    """Both cross-boundary, both received at 10:00, both reach the authority on Monday
    10/08 at 10:00 and are resolved on Wednesday 12/08. Under Decree 118 (04/08) the time ran
    from the counter: due Friday 07/08, late. Under Decree 309 (06/08) from the authority:
    due Thursday 13/08, early."""
    clock.at = vn(6, 11)
    old = _receive(ctx, at=vn(4, 10))
    new = _receive(ctx, at=vn(6, 10))
    assert old.rule_set == "ND118-2025/TT03-2025" and not old.due_expected
    assert old.due_at == vn(7, 10)
    assert new.rule_set == "ND309-2026/TT03-2025" and new.due_expected
    assert new.due_at == vn(11, 10)
    clock.at = vn(10, 10)
    for dossier in (old, new):
        current = ctx.store.dossiers.by_uuid(dossier.uuid)
        assert current is not None
        record_action(ctx, current, Action.AUTHORITY_RECEIVED, officer="canbo")
    fixed_old = ctx.store.dossiers.by_uuid(old.uuid)
    fixed_new = ctx.store.dossiers.by_uuid(new.uuid)
    assert fixed_old is not None and fixed_old.due_at == vn(7, 10)  # unchanged (ND118)
    assert fixed_old.authority_received_at == vn(10, 10)
    assert fixed_new is not None and fixed_new.due_at == vn(13, 10)
    clock.at = vn(12, 10)
    for dossier in (fixed_old, fixed_new):
        record_action(ctx, dossier, Action.RESULT, officer="canbo", payload={})
    stats = period_report(ctx, start=date(2026, 8, 1), end=date(2026, 8, 31))
    totals = stats.totals
    assert (totals.received_total, totals.resolved_total) == (2, 2)
    assert (totals.early, totals.on_time, totals.late) == (1, 0, 1)
