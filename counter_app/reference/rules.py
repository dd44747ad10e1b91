"""Loading the shipped rule sets (resources/rules/rule_sets.json) into a
:class:`~counter_app.domain.rules.RuleBook`."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from counter_app.domain.rules import FeeExemption, RuleBook, RuleSet, SupplementReason
from counter_app.domain.text import nfc
from counter_app.reference.catalogue import resources_dir

_FIELDS = {
    "name",
    "in_force_from",
    "basis",
    "cross_boundary_clock",
    "transfer_cutoff",
    "supplement_reasons",
    "supplement_expiry_amount",
    "supplement_expiry_unit",
    "supplement_mode",
    "form_captions",
    "code_shape",
    "fee_exemptions",
}


def rules_path() -> Path:
    return resources_dir() / "rules" / "rule_sets.json"


def _exemption(raw: dict[str, Any]) -> FeeExemption:
    return FeeExemption(
        key=raw["key"],
        basis=nfc(raw["basis"]),
        valid_from=date.fromisoformat(raw["valid_from"]),
        valid_to=date.fromisoformat(raw["valid_to"]),
        channels=tuple(int(c) for c in raw.get("channels", ())),
        procedure_codes=tuple(raw.get("procedure_codes", ())),
    )


def rule_set_from_json(raw: dict[str, Any]) -> RuleSet:
    """One rule set; every field must be named (ValueError names the missing ones)."""
    missing = _FIELDS - set(raw)
    if missing:
        raise ValueError(f"rule set {raw.get('name')!r} lacks {sorted(missing)}")
    return RuleSet(
        name=raw["name"],
        in_force_from=date.fromisoformat(raw["in_force_from"]),
        basis=nfc(raw["basis"]),
        cross_boundary_clock=raw["cross_boundary_clock"],
        transfer_cutoff=raw["transfer_cutoff"],
        supplement_reasons=tuple(
            SupplementReason(r["key"], nfc(r["text"])) for r in raw["supplement_reasons"]
        ),
        supplement_expiry_amount=int(raw["supplement_expiry_amount"]),
        supplement_expiry_unit=raw["supplement_expiry_unit"],
        supplement_mode=raw["supplement_mode"],
        form_captions={k: nfc(v) for k, v in raw["form_captions"].items()},
        code_shape=raw["code_shape"],
        fee_exemptions=tuple(_exemption(e) for e in raw["fee_exemptions"]),
    )


def load_rule_book(path: Path | None = None) -> RuleBook:
    data = json.loads((path or rules_path()).read_text(encoding="utf-8"))
    return RuleBook(tuple(rule_set_from_json(r) for r in data["rule_sets"]))


@lru_cache(maxsize=1)
def shipped_rule_book() -> RuleBook:
    """The rule book shipped with the application (read once)."""
    return load_rule_book()


def dossier_rules(rule_set: str, received_at: datetime | None) -> RuleSet:
    """The rules a dossier follows for life: the set its received event names, or (a dossier
    stored before rule sets were data, ``rule_set`` empty) the one in force on its reception
    date. Every use of a rule (due dates, slips, reports) asks this, never the newest set."""
    return shipped_rule_book().of_dossier(rule_set, received_at)
