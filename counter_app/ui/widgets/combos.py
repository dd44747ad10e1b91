"""Choice boxes that do not widen the form to their longest item.

A QComboBox asks by default for the width of its longest entry: a row of long Vietnamese
choices then pushes the reception form wide and squeezes the checklist beside it to a column
of one word per line. :func:`narrow` makes the box ask for a few characters and take the room
its layout gives; the open list still shows every entry whole.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSizePolicy

MIN_CHARACTERS = 10


def narrow(combo: QComboBox, characters: int = MIN_CHARACTERS) -> None:
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, combo.sizePolicy().verticalPolicy())
    fit_popup(combo)


def fit_popup(combo: QComboBox) -> None:
    """The open list as wide as its longest entry (call again after refilling the box)."""
    view = combo.view()
    view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
