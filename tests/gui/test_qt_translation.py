"""Qt's own words (context menus, standard buttons) are Vietnamese once the app is set up."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QSpinBox

from counter_app.ui.app import application


def _texts(menu) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]


def test_context_menus_and_buttons_are_vietnamese(qtbot) -> None:  # type: ignore[no-untyped-def]
    application([])
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.setText("Nguyễn Văn Đức")
    items = _texts(edit.createStandardContextMenu())
    assert "&Sao chép" in items and "&Dán" in items and "Chọn tất cả" in items
    assert not {"&Copy", "&Paste", "Select All"} & set(items)
    spin = QSpinBox()
    qtbot.addWidget(spin)
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    labels = {b.text() for b in box.buttons()}
    assert labels == {"Đồng ý", "Hủy"}


def test_untranslated_texts_stay_as_qt_has_them(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication

    application([])
    assert QCoreApplication.translate("QPageSize", "A5") == "A5"
    assert QCoreApplication.translate("QLineEdit", "&Copy") == "&Sao chép"
