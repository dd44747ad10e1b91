"""Layering (style.md §1): the import-linter contracts, plus a direct check of the domain."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # "from counter_app import storage" imports counter_app.storage too.
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    offenders = []
    for path in (ROOT / "counter_app" / "domain").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            allowed = top in STDLIB and top != "sqlite3"
            # sync_protocol is stdlib only too (contract "the wire format is pure"): the
            # domain shares its text rules and event validator with the server (issue 17).
            allowed = allowed or top == "sync_protocol"
            if not (name.startswith("counter_app.domain") or allowed or top == "__future__"):
                offenders.append((path.name, name))
    assert offenders == []


def test_only_storage_imports_sql_libraries() -> None:
    offenders = []
    for path in (ROOT / "counter_app").rglob("*.py"):
        if "storage" in path.relative_to(ROOT).parts:
            continue
        bad = {n for n in _imports(path) if n.split(".")[0] in ("sqlite3", "sqlite_utils")}
        if bad:
            offenders.append((str(path.relative_to(ROOT)), sorted(bad)))
    assert offenders == []


def test_ui_does_not_import_storage() -> None:
    """ui talks to services (style.md §1): never to counter_app.storage nor to SQL directly."""
    offenders = []
    for path in (ROOT / "counter_app" / "ui").rglob("*.py"):
        bad = {
            n
            for n in _imports(path)
            if n == "counter_app.storage"
            or n.startswith("counter_app.storage.")
            or n.split(".")[0] in ("sqlite3", "sqlite_utils")
        }
        if bad:
            offenders.append((str(path.relative_to(ROOT)), sorted(bad)))
    assert offenders == []


def test_import_linter_contracts_are_kept() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout
