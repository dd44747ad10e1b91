"""What a use case changed, so that views refresh only what they show (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Changes:
    dossiers: bool = False
    reference: bool = False
    officers: bool = False
    config: bool = False
    sync: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            dossiers=self.dossiers or other.dossiers,
            reference=self.reference or other.reference,
            officers=self.officers or other.officers,
            config=self.config or other.config,
            sync=self.sync or other.sync,
        )
