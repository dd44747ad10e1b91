"""Slips on paper: templates as data, PDF rendering, barcode, QR, fonts and printers.

No Qt and no SQL here: the service layer prepares a :class:`SlipData` of plain values,
:func:`render_slip` turns it into PDF bytes, and a :class:`Printer` puts a PDF on paper.
"""

from counter_app.printing.printer import FolderPrinter, PaperSize, Printer
from counter_app.printing.slip import DocumentRow, PersonLines, SlipData, render_slip
from counter_app.printing.templates import TEMPLATES, SlipTemplate

__all__ = [
    "TEMPLATES",
    "DocumentRow",
    "FolderPrinter",
    "PaperSize",
    "PersonLines",
    "Printer",
    "SlipData",
    "SlipTemplate",
    "render_slip",
]
