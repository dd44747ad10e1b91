"""First start on real SQLite stations: detection, offline and demo set-up, refusals that
write nothing, the test slip (barcode read back) and the DEMO mark on slips."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from counter_app import texts
from counter_app.app import open_station
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Role
from counter_app.printing.printer import PaperSize
from counter_app.services import intake, slips
from counter_app.services.officers import authenticate
from counter_app.services.setup import (
    DEMO_PASSWORD,
    AdminAnswers,
    OfficeAnswers,
    PrintingAnswers,
    SetupAnswers,
    SetupMode,
    complete_setup,
    enrolled_unfinished,
    is_set_up,
    printer_test_code,
    write_printer_test,
)
from counter_app.services.station import StationContext
from counter_app.texts import slips as slip_texts
from counter_app.texts import wizard as t
from tests.conftest import make_applicant
from tests.printing.test_slips import decoded, pdf_text, scans

OFFICE = OfficeAnswers(
    agency_id=" h56.123.45 ",
    station_prefix="07",
    parent_body="UBND XÃ HÒA BÌNH",
    unit_name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ HÒA BÌNH",
    place_name="Hòa Bình",
    lookup_url="https://dichvucong.phutho.gov.vn/tra-cuu",
)
ADMIN = AdminAnswers(
    username="nguyenvana",
    full_name="Nguyễn Văn  An",
    password="mat-khau-2026",
    password_again="mat-khau-2026",
)
OFFLINE = SetupAnswers(
    mode=SetupMode.OFFLINE,
    office=OFFICE,
    admin=ADMIN,
    printing=PrintingAnswers(printer="QUAY-1", paper_size="a4"),
)


def snapshot(ctx: StationContext) -> dict[str, Any]:
    """What a set-up may change: config keys, officers, audit entries."""
    return {
        "config": {
            k: ctx.store.config.get(k)
            for k in ("office", "setup", "printer", "paper_size", "cli_officer")
        },
        "officers": ctx.store.officers.all(),
        "audit": len(ctx.store.audit.entries(limit=1000)),
    }


def receive(ctx: StationContext, officer: str) -> Any:
    request = intake.ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return intake.receive_dossier(ctx, request, officer=officer)[0]


def test_a_seeded_station_is_not_set_up_until_the_wizard_finishes(station: StationContext) -> None:
    assert station.office().is_demo and not is_set_up(station)
    assert not enrolled_unfinished(station)


def test_offline_setup_stores_the_office_admin_and_printer_in_one_go(
    station: StationContext,
) -> None:
    demo_station_id = station.office().station_id
    office, changes = complete_setup(station, OFFLINE)
    assert changes.officers and changes.config
    assert is_set_up(station)
    stored = station.office()
    assert stored == office and not stored.is_demo
    assert (stored.agency_id, stored.station_prefix) == ("H56.123.45", "00007")  # 000 + number
    assert stored.unit_name == OFFICE.unit_name and stored.place_name == "Hòa Bình"
    assert stored.station_id != demo_station_id
    assert station.setting("printer", None) == "QUAY-1"
    assert station.setting("paper_size", None) == "a4"
    assert station.setting("cli_officer", None) == "nguyenvana"
    admin = authenticate(station, username="nguyenvana", password="mat-khau-2026")
    assert admin.role is Role.ADMIN and admin.full_name == "Nguyễn Văn An"
    for demo in ("canbo", "lanhdao", "quantri"):  # public password: locked on a real office
        with pytest.raises(DomainError) as refused:
            authenticate(station, username=demo, password=DEMO_PASSWORD)
        assert refused.value.code is ErrorCode.OFFICER_UNKNOWN
    actions = [e["action"] for e in station.store.audit.entries(limit=5)]
    assert "setup_completed" in actions
    dossier = receive(station, "nguyenvana")
    assert dossier.code.startswith("H56.123.45-260213-00007")


def test_choosing_the_demo_keeps_the_demo_office_and_its_accounts(
    station: StationContext,
) -> None:
    before = station.office()
    office, _ = complete_setup(station, SetupAnswers(mode=SetupMode.DEMO))
    assert office == before and office.is_demo
    assert is_set_up(station)
    assert station.setting("setup", {})["mode"] == "demo"
    assert authenticate(station, username="quantri", password=DEMO_PASSWORD).role is Role.ADMIN


BAD_ANSWERS = {
    "agency id": (
        replace(OFFLINE, office=replace(OFFICE, agency_id="UBND-XA")),
        ErrorCode.AGENCY_ID_INVALID,
    ),
    "prefix out of the offline range": (
        replace(OFFLINE, office=replace(OFFICE, station_prefix="150")),
        ErrorCode.OFFLINE_PREFIX_INVALID,
    ),
    "zero as prefix": (
        replace(OFFLINE, office=replace(OFFICE, station_prefix="00")),
        ErrorCode.OFFLINE_PREFIX_INVALID,
    ),
    "letters as prefix": (
        replace(OFFLINE, office=replace(OFFICE, station_prefix="a7")),
        ErrorCode.OFFLINE_PREFIX_INVALID,
    ),
    "empty unit name": (
        replace(OFFLINE, office=replace(OFFICE, unit_name="  ")),
        ErrorCode.SETTING_INVALID,
    ),
    "lookup url": (
        replace(OFFLINE, office=replace(OFFICE, lookup_url="dichvucong")),
        ErrorCode.SETTING_INVALID,
    ),
    "passwords differ": (
        replace(OFFLINE, admin=replace(ADMIN, password_again="mat-khau-2025")),
        ErrorCode.SETUP_PASSWORDS_DIFFER,
    ),
    "short password": (
        replace(OFFLINE, admin=replace(ADMIN, password="abc12", password_again="abc12")),
        ErrorCode.SETUP_PASSWORD_SHORT,
    ),
    "demo user name": (
        replace(OFFLINE, admin=replace(ADMIN, username="quantri")),
        ErrorCode.OFFICER_INPUT_INVALID,
    ),
    "bad user name": (
        replace(OFFLINE, admin=replace(ADMIN, username="Nguyễn An")),
        ErrorCode.OFFICER_INPUT_INVALID,
    ),
    "no admin": (replace(OFFLINE, admin=None), ErrorCode.OFFICER_INPUT_INVALID),
    "paper size": (
        replace(OFFLINE, printing=PrintingAnswers(paper_size="letter")),
        ErrorCode.PAPER_SIZE_INVALID,
    ),
    "printer name": (
        replace(OFFLINE, printing=PrintingAnswers(printer="QUAY\x001")),
        ErrorCode.SETTING_INVALID,
    ),
    "enrolled without enrolment": (
        SetupAnswers(mode=SetupMode.ENROLLED, admin=ADMIN),
        ErrorCode.SYNC_NOT_ENROLLED,
    ),
    "offline without office": (
        replace(OFFLINE, office=None),
        ErrorCode.SETUP_MODE_INVALID,
    ),
}


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_a_bad_answer_is_refused_with_a_sentence_and_writes_nothing(
    station: StationContext, case: str
) -> None:
    answers, code = BAD_ANSWERS[case]
    before = snapshot(station)
    with pytest.raises(DomainError) as refused:
        complete_setup(station, answers)
    assert refused.value.code is code
    assert not texts.error_message(refused.value).startswith("Lỗi")
    assert snapshot(station) == before
    assert not is_set_up(station)


def test_a_station_set_up_once_refuses_a_second_setup(station: StationContext) -> None:
    complete_setup(station, OFFLINE)
    before = snapshot(station)
    with pytest.raises(DomainError) as refused:
        complete_setup(station, SetupAnswers(mode=SetupMode.DEMO))
    assert refused.value.code is ErrorCode.SETUP_ALREADY_DONE
    assert snapshot(station) == before


def test_real_setup_is_refused_when_demo_dossiers_exist(station: StationContext) -> None:
    receive(station, "canbo")
    before = snapshot(station)
    with pytest.raises(DomainError) as refused:
        complete_setup(station, OFFLINE)
    assert refused.value.code is ErrorCode.SETUP_HAS_DOSSIERS
    assert snapshot(station) == before
    complete_setup(station, SetupAnswers(mode=SetupMode.DEMO))  # training goes on
    assert is_set_up(station) and station.office().is_demo


def _receipt_text(ctx: StationContext, officer: str, tmp_path: Path) -> str:
    dossier = receive(ctx, officer)
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5))
    return pdf_text(pdf)


def test_a_demo_slip_is_marked_demo_and_a_real_office_slip_is_not(
    station: StationContext, tmp_path: Path
) -> None:
    (tmp_path / "demo").mkdir()
    demo_text = _receipt_text(station, "canbo", tmp_path / "demo")
    assert slip_texts.DEMO_MARK in demo_text
    real = tmp_path / "real"
    real.mkdir()
    ctx = open_station(tmp_path / "real-station", clock=station.clock)
    try:
        complete_setup(ctx, OFFLINE)
        real_text = _receipt_text(ctx, "nguyenvana", real)
    finally:
        ctx.store.close()
    assert slip_texts.DEMO_MARK not in real_text and "DEMO" not in real_text
    assert OFFICE.unit_name in real_text


@pytest.mark.parametrize("size", list(PaperSize))
def test_the_test_slip_barcode_reads_back_and_carries_its_marks(
    station: StationContext, tmp_path: Path, size: PaperSize
) -> None:
    demo_pdf = write_printer_test(station, station.office(), size=size)
    assert demo_pdf.is_relative_to(station.store.data_dir)
    text = pdf_text(demo_pdf)
    assert t.TEST_SLIP_MARK in text and slip_texts.DEMO_MARK in text
    complete_setup(station, OFFLINE)
    office = station.office()
    pdf = write_printer_test(station, office, size=size)
    text = pdf_text(pdf)
    assert t.TEST_SLIP_MARK in text and "DEMO" not in text
    code = printer_test_code(office, station.clock.now())
    assert code == "H56.123.45-260213-000070000"
    (tmp_path / "scans").mkdir()
    first_page = scans(pdf, tmp_path / "scans")[0]
    assert set(decoded(first_page).get("Code128", [])) == {code}  # a4x2: both copies
