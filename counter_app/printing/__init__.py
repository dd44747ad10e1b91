"""Slips on paper: templates as data, PDF rendering, barcode, QR, fonts and printers.

No Qt and no SQL here: the service layer prepares a :class:`SlipData` of plain values,
:func:`render_slip` turns it into PDF bytes, and a :class:`Printer` puts a PDF on paper.
"""
