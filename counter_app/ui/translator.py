"""A QTranslator that answers Qt's own strings from counter_app.texts.qt (no .qm to build)."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from counter_app.texts.qt import QT_TRANSLATIONS


class VietnameseQtTranslator(QTranslator):
    """Vietnamese for Qt's context menus and standard buttons; unknown strings stay as Qt has
    them."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        # Qt takes any non-null answer as the translation, and PySide turns "" into an empty,
        # non-null string: an unknown text must come back as itself, never as "".
        found = QT_TRANSLATIONS.get((context, source_text)) or QT_TRANSLATIONS.get(
            ("*", source_text)
        )
        return found or source_text

    def isEmpty(self) -> bool:
        return False
