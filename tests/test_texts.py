"""User-visible Vietnamese lives in counter_app/texts/, in NFC, and every message renders."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode

ROOT = Path(__file__).resolve().parents[1] / "counter_app"
# Data values, not sentences: the sex written on ID cards, the folding table, a catalogue field.
ALLOWED = {"domain/idcard.py", "domain/text.py", "reference/catalogue.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            ids.add(id(body[0].value))
    return ids


def test_no_vietnamese_literals_outside_texts() -> None:
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("texts/") or rel in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and any(ord(c) > 127 for c in node.value)
            ):
                found.append(f"{rel}:{node.lineno} {node.value[:40]!r}")
    assert found == []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, tuple | list):
        return [s for v in value for s in _strings(v)]
    return []


def test_texts_are_nfc() -> None:
    for name in dir(texts):
        for text in _strings(getattr(texts, name)):
            assert unicodedata.is_normalized("NFC", text), name


def test_every_error_code_has_a_vietnamese_message() -> None:
    for code in ErrorCode:
        message = texts.error_message(DomainError(code))
        assert message and not message.startswith("Lỗi: "), code
        assert "{" not in message, code
