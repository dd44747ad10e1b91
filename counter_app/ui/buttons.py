"""Dialog buttons with Vietnamese texts (this Qt has no Vietnamese translation)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from counter_app.texts import window as t


def dialog_buttons(
    dialog: QDialog, *, accept_text: str, reject_text: str = t.BUTTON_CANCEL
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A button box whose accept/reject buttons call the dialog's ``accept``/``reject``."""
    box = QDialogButtonBox()
    accept = box.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    reject = box.addButton(reject_text, QDialogButtonBox.ButtonRole.RejectRole)
    accept.setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, accept, reject
