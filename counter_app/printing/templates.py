"""Slip templates as data: one record per form, versioned, with its legal basis.

A template says which form it is (number, title, legal-basis caption), which sections appear
in which order, who signs, how many copies ("liên") are printed and whether the dossier's
barcode and lookup QR appear. The layout code in ``slip.py`` only knows how to draw each
section; changing the order, the copies or the signatures is a change of data here. A new
official wording becomes a new template (new ``version``), never an edit of a released one,
so an archived slip always names the template that produced it.

The default set follows Circular 03/2025/TT-VPCP (Phụ lục I), laid out on the 2018 pattern
(TT 01/2018) until the official appendix is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from counter_app.texts import forms as ft
from counter_app.texts import slips as t


class Section(StrEnum):
    """A block of a slip; ``slip.py`` has one drawing function per section."""

    CODE = "code"  # barcode + "Mã hồ sơ"
    UNIT = "unit"
    APPLICANT = "applicant"
    SUBMITTER = "submitter"
    PROCEDURE = "procedure"
    DOCUMENTS = "documents"
    SETS = "sets"
    PROCESSING_TIME = "processing_time"
    RECEIVED_AT = "received_at"
    RECEIVED_ON = "received_on"  # the same, unnumbered (Mẫu 02 during processing, Mẫu 05)
    DUE_AT = "due_at"
    RETURN_METHOD = "return_method"
    FEE = "fee"
    MISSING = "missing"  # Mẫu 02: every missing item, the reason, the guidance
    REFUSAL = "refusal"  # Mẫu 03: the reason and the notice sentence
    STOP = "stop"  # Mẫu 05: since when, the reason, what is given back
    LOOKUP = "lookup"  # QR + lookup key + footer


@dataclass(frozen=True, slots=True)
class SlipTemplate:
    """One form of one legal basis, in one version."""

    family: str
    form_number: str
    version: int
    title: str
    copies: tuple[str, ...]
    sections: tuple[Section, ...]
    signatures: tuple[str, ...]
    barcode: bool
    qr: bool
    applicant_label: str = t.LABEL_APPLICANT

    @property
    def template_id(self) -> str:
        """E.g. ``TT03-2025/01@1``: family, form number, version."""
        return f"{self.family}/{self.form_number}@{self.version}"

    @property
    def legal_basis(self) -> str:
        return t.legal_basis(self.form_number)


TT03 = "TT03-2025"

# Version 2 (issue 11): "Số:" carries the register number, the appointment in a bold box
# with its weekday, an unknown fee left blank to fill by hand, the papers exactly as ticked.
RECEIPT = SlipTemplate(
    family=TT03,
    form_number="01",
    version=2,
    title=t.TITLE_RECEIPT,
    copies=(t.COPY_KEEP, t.COPY_APPLICANT),
    sections=(
        Section.CODE,
        Section.UNIT,
        Section.APPLICANT,
        Section.SUBMITTER,
        Section.PROCEDURE,
        Section.DOCUMENTS,
        Section.SETS,
        Section.PROCESSING_TIME,
        Section.RECEIVED_AT,
        Section.DUE_AT,
        Section.RETURN_METHOD,
        Section.FEE,
    ),
    signatures=(t.SIGN_APPLICANT, t.SIGN_OFFICER),
    barcode=True,
    qr=True,
)

# Mẫu 02 and 03 are given at the counter to a dossier that was NOT received: there is no
# dossier code and no lookup key, hence no barcode and no QR (nothing to look up), and no
# register number. Version 2: they no longer say "Tiếp nhận hồ sơ của" (nothing was received;
# the 2018 practice templates kept the receipt's wording, one-stop-rules §2.3-2.4): the
# applicant line reads "Hồ sơ của Ông/Bà:".
SUPPLEMENT = SlipTemplate(
    family=TT03,
    form_number="02",
    version=2,
    title=t.TITLE_SUPPLEMENT,
    copies=("",),
    sections=(
        Section.UNIT,
        Section.APPLICANT,
        Section.SUBMITTER,
        Section.PROCEDURE,
        Section.MISSING,
    ),
    signatures=(t.SIGN_GUIDE,),
    barcode=False,
    qr=False,
    applicant_label=t.LABEL_APPLICANT_NOT_RECEIVED,
)

REFUSAL = SlipTemplate(
    family=TT03,
    form_number="03",
    version=2,
    title=t.TITLE_REFUSAL,
    copies=("",),
    sections=(
        Section.UNIT,
        Section.APPLICANT,
        Section.SUBMITTER,
        Section.PROCEDURE,
        Section.REFUSAL,
    ),
    signatures=(t.SIGN_APPLICANT, t.SIGN_OFFICER),
    barcode=False,
    qr=False,
    applicant_label=t.LABEL_APPLICANT_NOT_RECEIVED,
)

# Mẫu 02 during processing (Decree 118/2025 Art. 19.5: the deciding body asks for a
# supplement after appraisal, through the one-stop unit): the dossier was received, so the
# slip carries its code (barcode), register number and reception time, what is missing, the
# reason, and until when the applicant may answer before the dossier is closed.
SUPPLEMENT_PROCESSING = SlipTemplate(
    family=f"{TT03}-processing",
    form_number="02",
    version=1,
    title=t.TITLE_SUPPLEMENT,
    copies=("",),
    sections=(
        Section.CODE,
        Section.UNIT,
        Section.APPLICANT,
        Section.SUBMITTER,
        Section.PROCEDURE,
        Section.RECEIVED_ON,
        Section.MISSING,
    ),
    signatures=(t.SIGN_GUIDE,),
    barcode=True,
    qr=False,
    applicant_label=ft.LABEL_APPLICANT_IN_PROCESSING,
)

# Mẫu 05 (new in Circular 03/2025, Art. 7; Decree 118/2025 Art. 21): the one-stop unit tells
# the applicant that the processing of a received dossier stops, since when and why.
STOP = SlipTemplate(
    family=TT03,
    form_number="05",
    version=1,
    title=ft.TITLE_STOP,
    copies=("",),
    sections=(
        Section.CODE,
        Section.UNIT,
        Section.APPLICANT,
        Section.PROCEDURE,
        Section.RECEIVED_ON,
        Section.STOP,
    ),
    signatures=(ft.SIGN_STOP_RECEIVER, ft.SIGN_STOP_OFFICER),
    barcode=True,
    qr=False,
    applicant_label=ft.LABEL_STOP_APPLICANT,
)

# Mẫu 04 and Mẫu 06 are drawn by ``letters.py`` (a letter and a ruled control table), not by
# the slip sections: their records name the form, its version and signers for the archive.
APOLOGY = SlipTemplate(
    family=TT03,
    form_number="04",
    version=1,
    title=t.TITLE_APOLOGY,
    copies=("",),
    sections=(),
    signatures=(t.SIGN_HEAD,),
    barcode=False,
    qr=False,
)

CONTROL_SHEET = SlipTemplate(
    family=TT03,
    form_number="06",
    version=1,
    title=t.TITLE_CONTROL_SHEET,
    copies=("",),
    sections=(),
    signatures=(t.SIGN_GIVER, t.SIGN_TAKER),
    barcode=True,
    qr=False,
)

TEMPLATES: dict[str, SlipTemplate] = {
    x.template_id: x
    for x in (RECEIPT, SUPPLEMENT, REFUSAL, APOLOGY, CONTROL_SHEET, SUPPLEMENT_PROCESSING, STOP)
}
