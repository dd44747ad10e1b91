"""Printing tells the truth, without a printer: a prepared slip is not a print until it is
recorded; the reprint mark follows the recorded prints only; the CUPS printer's waiting
(cancel on timeout, stopped queue, aborted job, refusing queue) with CUPS's answers faked.
The same on a real CUPS queue: tests/gui/test_print_truth.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing import cups
from counter_app.printing.cups import CupsPrinter, QueueState
from counter_app.printing.printer import PaperSize, sample_pdf_bytes
from counter_app.services import archive, slips
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.slips import SlipForm
from counter_app.services.station import StationContext
from counter_app.texts import printing as printing_texts
from tests.conftest import make_applicant
from tests.gui.helpers import pdf_text


def received(ctx: StationContext) -> Dossier:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return receive_dossier(ctx, request, officer="canbo")[0]


def prepare(ctx: StationContext, dossier: Dossier) -> slips.PreparedSlip:
    return slips.prepare_slip(
        ctx, dossier, form=SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )


def archived(ctx: StationContext, prepared: slips.PreparedSlip) -> bytes:
    """The prepared slip as archived, read back (the bytes the printer was given)."""
    pdf = archive.read_archived(ctx.store.data_dir, prepared.path)
    assert pdf == prepared.pdf
    return pdf


def slip_printed_events(ctx: StationContext, dossier: Dossier) -> int:
    return sum(e.kind == "slip_printed" for e in ctx.store.dossiers.events_of(dossier.uuid))


def test_failed_attempts_leave_no_print_and_the_next_sheet_is_still_the_original(
    station: StationContext,
) -> None:
    dossier = received(station)
    first = prepare(station, dossier)  # sent to a printer that refused it
    assert station.store.prints.of_dossier(dossier.uuid) == []
    assert slip_printed_events(station, dossier) == 0
    again = prepare(station, dossier)
    assert again.path == first.path and not again.record.reprint
    assert "BẢN IN LẠI" not in pdf_text(archived(station, again))

    record, _ = slips.record_print(station, again)  # the printer confirmed this one
    assert station.store.prints.of_dossier(dossier.uuid) == [record]
    assert slip_printed_events(station, dossier) == 1

    reprint = prepare(station, dossier)
    assert reprint.record.reprint and reprint.path != again.path
    assert "BẢN IN LẠI" in pdf_text(archived(station, reprint))
    assert "BẢN IN LẠI" not in pdf_text(archived(station, again))  # the original is kept
    assert len(station.store.prints.of_dossier(dossier.uuid)) == 1


# --- the CUPS printer's decisions, CUPS's answers faked ----------------------------------------


class FakeCups(CupsPrinter):
    """CUPS answering ``states`` (one job-state per poll) on a queue in ``queue``."""

    def __init__(self, states: list[int | None], queue: QueueState, *, wait_s: float) -> None:
        super().__init__("QUAY", wait_s=wait_s)
        self.states = states
        self.queue_answer = queue
        self.submitted = 0

    def queue_state(self, queue: str) -> QueueState:
        return self.queue_answer

    def job_state(self, job: int) -> int | None:
        return self.states.pop(0) if len(self.states) > 1 else self.states[0]

    def _submit(self, pdf: Path, *, queue: str, size: PaperSize, copies: int, title: str) -> int:
        self.submitted += 1
        return 41


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    ran: list[tuple[str, ...]] = []

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        ran.append(args)
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(cups, "_run", run)
    monkeypatch.setattr(cups, "POLL_S", 0.01)
    return ran


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "slip.pdf"
    path.write_bytes(sample_pdf_bytes())
    return path


READY = QueueState(accepting=True, stopped=False)


def outcome(printer: CupsPrinter, pdf: Path) -> ErrorCode | None:
    try:
        printer.print_pdf(pdf, size=PaperSize.A5, copies=1, title="t")
    except DomainError as error:
        assert error.params["printer"] == "QUAY"
        return error.code
    return None


def test_completed_is_printed_and_nothing_is_cancelled(
    commands: list[tuple[str, ...]], pdf: Path
) -> None:
    printer = FakeCups([cups.JOB_PENDING, cups.JOB_PROCESSING, cups.JOB_COMPLETED], READY, wait_s=5)
    assert outcome(printer, pdf) is None
    assert commands == []


@pytest.mark.parametrize(
    ("states", "code"),
    [
        ([cups.JOB_PENDING], ErrorCode.PRINTER_TIMEOUT),  # never done: bounded wait
        ([cups.JOB_PROCESSING, cups.JOB_ABORTED], ErrorCode.PRINTER_JOB_FAILED),
        ([cups.JOB_CANCELED], ErrorCode.PRINTER_JOB_FAILED),
        ([cups.JOB_HELD], ErrorCode.PRINTER_JOB_FAILED),
        ([None], ErrorCode.PRINTER_JOB_FAILED),  # CUPS lost the job
    ],
)
def test_a_job_that_does_not_complete_is_cancelled_and_not_printed(
    commands: list[tuple[str, ...]], pdf: Path, states: list[int | None], code: ErrorCode
) -> None:
    printer = FakeCups(states, READY, wait_s=0.2)
    assert outcome(printer, pdf) is code
    assert commands == [("cancel", "QUAY-41")]


def test_a_queue_stopping_while_the_job_waits_is_said(
    commands: list[tuple[str, ...]], pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = FakeCups([cups.JOB_PENDING], READY, wait_s=5)
    stopped_after_submit = lambda _q: QueueState(accepting=True, stopped=printer.submitted > 0)  # noqa: E731
    monkeypatch.setattr(printer, "queue_state", stopped_after_submit)
    assert outcome(printer, pdf) is ErrorCode.PRINTER_STOPPED
    assert commands == [("cancel", "QUAY-41")]


@pytest.mark.parametrize(
    ("queue", "code"),
    [
        (QueueState(accepting=False, stopped=False), ErrorCode.PRINTER_REFUSED),
        (QueueState(accepting=True, stopped=True), ErrorCode.PRINTER_STOPPED),
    ],
)
def test_a_queue_that_cannot_print_is_not_sent_the_job(
    commands: list[tuple[str, ...]], pdf: Path, queue: QueueState, code: ErrorCode
) -> None:
    printer = FakeCups([cups.JOB_COMPLETED], queue, wait_s=5)
    assert outcome(printer, pdf) is code
    assert printer.submitted == 0 and commands == []


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ('lp: Destination "QUAY" is not accepting jobs.', ErrorCode.PRINTER_REFUSED),
        ("lp: The printer or class does not exist.", ErrorCode.PRINTER_OFFLINE),
        ("lp: Internal Server Error", ErrorCode.PRINTER_JOB_FAILED),
    ],
)
def test_lp_refusing_the_job_is_said(
    monkeypatch: pytest.MonkeyPatch, pdf: Path, answer: str, code: ErrorCode
) -> None:
    monkeypatch.setattr(
        cups, "_run", lambda *args: subprocess.CompletedProcess(args, 1, "", answer)
    )
    printer = CupsPrinter("QUAY")
    monkeypatch.setattr(printer, "queue_state", lambda _q: READY)
    assert outcome(printer, pdf) is code


@pytest.fixture
def lp_job(monkeypatch: pytest.MonkeyPatch) -> tuple[CupsPrinter, list[tuple[str, ...]]]:
    """A printer whose ``lp`` (recorded) answers job 7 and whose CUPS says it completed."""
    ran: list[tuple[str, ...]] = []

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        ran.append(args)
        return subprocess.CompletedProcess(args, 0, "request id is QUAY-7 (1 file(s))\n", "")

    monkeypatch.setattr(cups, "_run", run)
    printer = CupsPrinter("QUAY")
    monkeypatch.setattr(printer, "queue_state", lambda _q: READY)
    monkeypatch.setattr(printer, "job_state", lambda job: cups.JOB_COMPLETED if job == 7 else 0)
    return printer, ran


def test_one_copy_of_the_slip_is_one_lp_job(
    lp_job: tuple[CupsPrinter, list[tuple[str, ...]]], pdf: Path
) -> None:
    printer, ran = lp_job
    assert outcome(printer, pdf) is None
    (lp,) = ran
    assert lp == ("lp", "-d", "QUAY", "-t", "t", "-n", "1", "-o", "media=A5", str(pdf))


def test_the_roll_is_cut_at_the_slip_length(
    lp_job: tuple[CupsPrinter, list[tuple[str, ...]]], tmp_path: Path
) -> None:
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    roll = tmp_path / "roll.pdf"
    canvas = Canvas(str(roll), pagesize=(80 * mm, 213 * mm))
    canvas.drawString(10, 10, "roll")
    canvas.save()
    printer, ran = lp_job
    printer.print_pdf(roll, size=PaperSize.THERMAL_80MM, copies=1, title="t")
    assert "media=Custom.80x213mm" in ran[0]


def test_ipp_answers_are_read() -> None:
    response = (
        bytes([2, 0, 0, 0, 0, 0, 0, 1, 0x01])
        + cups._attribute(0x47, "attributes-charset", b"utf-8")
        + bytes([0x04])
        + cups._attribute(0x23, "printer-state", (5).to_bytes(4, "big"))
        + cups._attribute(0x22, "printer-is-accepting-jobs", b"\x00")
        + cups._attribute(0x44, "printer-state-reasons", b"paused")
        + cups._attribute(0x44, "", b"other")
        + bytes([0x03])
    )
    status, values = cups._parse(response)
    assert status == 0
    assert cups._int(values["printer-state"]) == cups.PRINTER_STOPPED_STATE
    assert values["printer-is-accepting-jobs"] == b"\x00"
    assert values["printer-state-reasons"] == b"paused"


def test_no_default_printer_is_said(monkeypatch: pytest.MonkeyPatch, pdf: Path) -> None:
    class NoDefault(cups.CupsServer):
        def ipp(
            self, path: str, operation: int, attributes: object
        ) -> tuple[int, dict[str, bytes]]:
            return 0x0406, {}

    printer = CupsPrinter(None, server=NoDefault("/nowhere"))
    with pytest.raises(DomainError) as offline:
        printer.print_pdf(pdf, size=PaperSize.A5, copies=1, title="t")
    assert offline.value.code is ErrorCode.PRINTER_OFFLINE
    assert offline.value.params["printer"] == printing_texts.NO_DEFAULT_PRINTER
