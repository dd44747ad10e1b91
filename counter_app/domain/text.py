"""Vietnamese text helpers: NFC normalisation and diacritics-insensitive folding."""

from __future__ import annotations

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(text: str) -> str:
    """Return ``text`` in NFC with runs of white space folded to one space and trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Fold Vietnamese text for search: lower case, no accents or tone marks, đ → d.

    Both tone-mark placements meet (``hoà``/``hòa``, ``thuỷ``/``thủy``) because every mark is
    removed; NFD input from scanners folds like NFC input. White space is kept as it is.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()


def search_tokens(text: str) -> list[str]:
    """Split folded text into alphanumeric search tokens (punctuation separates tokens)."""
    folded = fold(text)
    cleaned = "".join(ch if ch.isalnum() else " " for ch in folded)
    return cleaned.split()
