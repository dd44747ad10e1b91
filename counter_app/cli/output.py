"""What a subcommand returns when its output is text for people rather than JSON."""

from __future__ import annotations


class PlainText(str):
    """Printed as it is on standard output (``--json`` gives the same data as JSON)."""

    __slots__ = ()
