"""Printing tells the truth, on a real CUPS queue (cups-pdf) through the window's slip desk:
one job per slip with both liên; a queue that rejects jobs, is stopped or holds the job prints
nothing and records nothing; the first sheet that really prints is the original; a reprint
says "BẢN IN LẠI". The PDFs CUPS produced are read back (pdftotext, pypdfium2)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from counter_app import texts
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.cups import CupsPrinter
from counter_app.services import archive
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.ui.main_window import MainWindow
from counter_app.ui.slip_desk import page_count
from tests.conftest import make_applicant
from tests.cups_pdf import PdfQueue, pdf_queue, run
from tests.gui.helpers import message_boxes

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) reads the PDFs back"
)


@pytest.fixture
def queue() -> Iterator[PdfQueue]:
    with pdf_queue() as made:
        yield made


def received(ctx: StationContext) -> Dossier:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return receive_dossier(ctx, request, officer="canbo")[0]


def skeleton(text: str) -> str:
    """Text as cups-pdf's PDF gives it back: its fonts lose every non-ASCII letter, so both
    sides keep ASCII only, each other character a space, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[^\x21-\x7e]", " ", text)).strip()


def text_of(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return skeleton(done.stdout.decode("utf-8", "replace"))


def print_and_wait(qtbot, window: MainWindow, dossier: Dossier, *, ok: bool) -> list[object]:  # type: ignore[no-untyped-def]
    """Print the dossier's first slip through the desk; the signal that said how it went."""
    desk = window.desk
    signal = desk.print_succeeded if ok else desk.print_failed
    with qtbot.waitSignal(signal, timeout=60_000) as blocker:
        desk.issue_and_print(dossier, parent=window)
    return list(blocker.args or [])


def printed_forms(ctx: StationContext, dossier: Dossier) -> list[tuple[str, bool]]:
    return [(p.form, p.reprint) for p in ctx.store.prints.of_dossier(dossier.uuid)]


def slip_events(ctx: StationContext, dossier: Dossier) -> list[dict[str, object]]:
    events = ctx.store.dossiers.events_of(dossier.uuid)
    return [e.payload for e in events if e.kind == "slip_printed"]


def not_printed(
    qtbot, window: MainWindow, dossier: Dossier, code: ErrorCode, queue: PdfQueue
) -> None:  # type: ignore[no-untyped-def]
    """Printing fails with ``code``; the officer is told so, naming the printer; nothing is
    recorded as printed."""
    _path, error = print_and_wait(qtbot, window, dossier, ok=False)
    assert isinstance(error, DomainError) and error.code is code
    (box,) = message_boxes()
    assert box.text() == texts.error_message(error)
    assert f"«{queue.name}»" in box.text() and "CHƯA" in box.text()
    box.close()
    assert printed_forms(window.desk.session.ctx, dossier) == []
    assert slip_events(window.desk.session.ctx, dossier) == []


def test_a_receipt_is_one_job_holding_both_lien_and_says_original(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, queue: PdfQueue
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(CupsPrinter(queue.name, wait_s=30))
    dossier = received(station)
    path, pages = print_and_wait(qtbot, window, dossier, ok=True)
    (printed,) = queue.wait_for(1)
    assert len(queue.jobs()) == 1  # one job, never copies × copies
    archived_pages = page_count(archive.read_archived(station.store.data_dir, Path(str(path))))
    assert pages == archived_pages == page_count(printed)
    text = text_of(printed)
    assert text.count(skeleton("(Liên 1:")) == 1 and text.count(skeleton("(Liên 2:")) == 1
    assert skeleton("BẢN IN LẠI") not in text
    assert dossier.code is not None and dossier.code in text
    assert printed_forms(station, dossier) == [("receipt", False)]
    assert [e["reprint"] for e in slip_events(station, dossier)] == [False]


def test_a_rejecting_queue_prints_nothing_then_the_first_real_print_is_the_original(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, queue: PdfQueue
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(CupsPrinter(queue.name, wait_s=30))
    dossier = received(station)
    queue.reject()
    not_printed(qtbot, window, dossier, ErrorCode.PRINTER_REFUSED, queue)
    assert queue.jobs() == []

    queue.accept()
    print_and_wait(qtbot, window, dossier, ok=True)
    (first,) = queue.wait_for(1)
    assert skeleton("BẢN IN LẠI") not in text_of(first)
    assert printed_forms(station, dossier) == [("receipt", False)]

    print_and_wait(qtbot, window, dossier, ok=True)  # a real reprint
    first_again, second = queue.wait_for(2)
    assert first_again == first
    assert skeleton("BẢN IN LẠI") in text_of(second)
    assert printed_forms(station, dossier) == [("receipt", False), ("receipt", True)]
    assert [e["reprint"] for e in slip_events(station, dossier)] == [False, True]
    assert len(queue.jobs()) == 2


def test_a_stopped_queue_is_not_sent_the_job(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, queue: PdfQueue
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(CupsPrinter(queue.name, wait_s=30))
    dossier = received(station)
    queue.disable()
    not_printed(qtbot, window, dossier, ErrorCode.PRINTER_STOPPED, queue)
    assert queue.jobs() == []
    queue.enable()
    print_and_wait(qtbot, window, dossier, ok=True)
    (printed,) = queue.wait_for(1)
    assert skeleton("BẢN IN LẠI") not in text_of(printed)
    assert printed_forms(station, dossier) == [("receipt", False)]


def test_a_held_job_is_cancelled_and_not_recorded(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, queue: PdfQueue
) -> None:  # type: ignore[no-untyped-def]
    held = run("lpadmin", "-p", queue.name, "-o", "job-hold-until-default=indefinite")
    assert held.returncode == 0, held.stderr
    window = make_window(CupsPrinter(queue.name, wait_s=30))
    dossier = received(station)
    not_printed(qtbot, window, dossier, ErrorCode.PRINTER_JOB_FAILED, queue)
    assert len(queue.jobs()) == 1  # submitted once ...
    pending = run("lpstat", "-W", "not-completed", "-o", queue.name).stdout
    assert pending.strip() == ""  # ... and cancelled: no paper comes out later
    assert queue.pdfs() == []


def test_a_missing_queue_is_offline(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, queue: PdfQueue
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(CupsPrinter(f"{queue.name}_GONE", wait_s=30))
    dossier = received(station)
    _path, error = print_and_wait(qtbot, window, dossier, ok=False)
    assert isinstance(error, DomainError) and error.code is ErrorCode.PRINTER_OFFLINE
    assert printed_forms(station, dossier) == []
    for box in message_boxes():
        assert f"«{queue.name}_GONE»" in box.text()
        box.close()
