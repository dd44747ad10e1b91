"""Dialog buttons with Vietnamese texts (this Qt has no Vietnamese translation), keyboard-first.

Every dialog of the window gets its buttons from :func:`dialog_buttons`, which makes the
keyboard behave the same everywhere:

- Enter confirms (the accept button is the dialog's only default button), wherever the focus
  is, even on the Hủy/Thoát button: no button of the box is an "auto default" button, so a
  focused Hủy never captures Enter (Space still presses the focused button);
- Esc cancels (QDialog's own rule; a dialog may refuse, e.g. the lock screen);
- Ctrl+Enter also confirms from a multi-line field, where Enter adds a line; a field given to
  :func:`enter_confirms` (a one-paragraph reason) confirms on Enter and adds a line with
  Shift+Enter;
- the focus starts in the first field (or the given ``focus`` widget) each time the dialog
  is shown.

Root cause of the former bug: the default button was set while the box had no dialog yet,
and QDialogButtonBox/QPushButton reset default and auto-default when the box reaches its
dialog and is shown, so Enter went to whichever button Qt picked (the login's Enter quit the
application). Here the box is created inside its dialog, and the default is asserted again
each time the dialog is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTextEdit,
    QWidget,
)

from counter_app.texts import window as t

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_CONFIRM_PROPERTY = "enter_confirms"
_FIELDS = (
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QRadioButton,
    QCheckBox,
)


def first_field(dialog: QWidget) -> QWidget | None:
    """The first enabled, visible input field of ``dialog`` in its Tab order."""
    widget = dialog.nextInFocusChain()
    while widget is not None and widget is not dialog:
        if (
            isinstance(widget, _FIELDS)
            and widget.isVisibleTo(dialog)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None


class _KeyboardFirst(QObject):
    """Re-asserts the default button and the first focus each time the dialog is shown."""

    def __init__(self, dialog: QDialog, accept: QPushButton, focus: QWidget | None) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.accept = accept
        self.focus = focus

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # getattr: Qt may call the filter while the Python object is being built or torn down.
        if event.type() == QEvent.Type.Show and watched is getattr(self, "dialog", None):
            self.settle()
        return False

    def settle(self) -> None:
        for button in self.dialog.findChildren(QPushButton):
            button.setAutoDefault(False)
            if button is not self.accept:
                button.setDefault(False)
        self.accept.setDefault(True)
        for edit in self.dialog.findChildren(QPlainTextEdit):
            if not edit.property(_CONFIRM_PROPERTY):
                edit.installEventFilter(_EnterConfirms(edit, self.accept, plain_enter=False))
        target = self.focus if self.focus is not None else first_field(self.dialog)
        if target is not None and target.isEnabled():
            target.setFocus(Qt.FocusReason.OtherFocusReason)


class _EnterConfirms(QObject):
    """Enter (or Ctrl+Enter) in a multi-line field presses the dialog's accept button."""

    def __init__(self, edit: QWidget, accept: QAbstractButton, *, plain_enter: bool) -> None:
        super().__init__(edit)
        edit.setProperty(_CONFIRM_PROPERTY, True)
        self.accept = accept
        self.plain_enter = plain_enter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in _ENTER or not hasattr(self, "accept"):
            return False
        modifiers = event.modifiers()
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if ctrl or (self.plain_enter and not shift):
            if self.accept.isEnabled():
                self.accept.click()
            return True
        return False


def enter_confirms(edit: QPlainTextEdit, accept: QAbstractButton) -> None:
    """Enter in ``edit`` confirms the dialog; Shift+Enter adds a line (a typed reason)."""
    edit.setTabChangesFocus(True)
    edit.setProperty(_CONFIRM_PROPERTY, True)
    edit.installEventFilter(_EnterConfirms(edit, accept, plain_enter=True))


def dialog_buttons(
    dialog: QDialog,
    *,
    accept_text: str,
    reject_text: str = t.BUTTON_CANCEL,
    focus: QWidget | None = None,
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A button box whose accept/reject buttons call the dialog's ``accept``/``reject``.

    The first field is looked up each time the dialog is shown, so the dialog's fields may
    be built after this call; ``focus`` names the field to start in when it is not the first.
    """
    box = QDialogButtonBox(dialog)
    accept = box.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    reject = box.addButton(reject_text, QDialogButtonBox.ButtonRole.RejectRole)
    assert isinstance(accept, QPushButton) and isinstance(reject, QPushButton)
    keeper = _KeyboardFirst(dialog, accept, focus)
    keeper.settle()
    dialog.installEventFilter(keeper)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, accept, reject


def confirm_box(
    parent: QWidget,
    *,
    title: str,
    text: str,
    back_text: str,
    go_text: str,
    on_go: Callable[[], None],
    on_back: Callable[[], None] | None = None,
) -> QMessageBox:
    """Ask before something the officer may not mean; non-blocking (``open()``).

    Enter and Esc choose ``back_text`` (the safe way: nothing happens); only pressing the
    ``go_text`` button itself (its Alt shortcut, Tab then Space, or the mouse) goes on.
    The caller keeps the box (one at a time) and deletes it when it asks the next question.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setObjectName("confirm_box")
    back = box.addButton(back_text, QMessageBox.ButtonRole.RejectRole)
    go = box.addButton(go_text, QMessageBox.ButtonRole.AcceptRole)
    for button in (back, go):
        button.setAutoDefault(False)
    box.setDefaultButton(back)
    box.setEscapeButton(back)

    def finished(_result: int) -> None:
        if box.clickedButton() is go:
            on_go()
        elif on_back is not None:
            on_back()

    box.finished.connect(finished)
    box.open()
    back.setFocus()
    return box
