"""A station upgraded from a version that archived plain PDFs (issue 12, item 7): the window
compacts them in background once it starts, and the old print records still read back."""

from __future__ import annotations

from collections.abc import Callable

from counter_app.printing import fonts
from counter_app.printing.printer import FolderPrinter, PaperSize
from counter_app.services import archive, slips
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.ui.main_window import MainWindow
from tests.conftest import make_applicant


def test_the_window_compacts_the_plain_pdfs_of_an_older_version(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    dossier, _ = receive_dossier(station, request, officer="canbo")
    with fonts.dynamic_subsets():  # as the older version printed it
        old = slips.render(station, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
    month = station.store.data_dir / "slips" / "2026" / "02"
    month.mkdir(parents=True, exist_ok=True)
    plain = month / f"{dossier.code}-receipt-1.pdf"
    plain.write_bytes(old)

    make_window(folder_printer)
    qtbot.waitUntil(lambda: not plain.exists(), timeout=60_000)
    compact = plain.with_suffix(".cpdf")
    assert compact.is_file() and compact.stat().st_size < len(old)
    relative = plain.relative_to(station.store.data_dir)  # what the old print record holds
    assert archive.read_archived(station.store.data_dir, relative) == old
