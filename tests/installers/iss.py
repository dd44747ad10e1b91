"""A small reader of Inno Setup scripts for the installer tests (no Inno Setup needed).

It understands what ``quay-mot-cua.iss`` uses: ``;`` comments, ``#define NAME "value"`` and
other preprocessor lines, ``[Section]`` headers, ``Key=Value`` lines in ``[Setup]`` and
``Param: "value"; Param: value`` entries in the other sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DEFINE = re.compile(r'^#define\s+(\w+)\s+"([^"]*)"\s*$')
_PARAM = re.compile(r'\s*(\w+)\s*:\s*("(?:[^"]|"")*"|[^;]*)\s*(?:;|$)')

# Sections whose entries delete files.
DELETE_SECTIONS = ("InstallDelete", "UninstallDelete")


@dataclass
class InnoScript:
    defines: dict[str, str] = field(default_factory=dict)
    directives: list[str] = field(default_factory=list)  # every preprocessor line, verbatim
    setup: dict[str, str] = field(default_factory=dict)
    sections: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def expand(self, value: str) -> str:
        """``value`` with each ``{#Name}`` replaced by its ``#define`` (unknown ones kept)."""
        return re.sub(r"\{#(\w+)\}", lambda m: self.defines.get(m.group(1), m.group(0)), value)

    def entries(self, section: str) -> list[dict[str, str]]:
        return self.sections.get(section, [])


def _entry(line: str) -> dict[str, str]:
    entry: dict[str, str] = {}
    position = 0
    while position < len(line):
        match = _PARAM.match(line, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot read the entry {line!r} at {position}")
        value = match.group(2).strip()
        if value.startswith('"') and value.endswith('"'):
            value = value[1:-1].replace('""', '"')
        entry[match.group(1)] = value
        position = match.end()
    return entry


def parse_iss(text: str) -> InnoScript:
    """The sections, directives and defines of an Inno Setup script (already decoded)."""
    script = InnoScript()
    section: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("#"):
            script.directives.append(line)
            define = _DEFINE.match(line)
            if define:
                script.defines[define.group(1)] = define.group(2)
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            script.sections.setdefault(section, [])
            continue
        if section is None:
            raise ValueError(f"line outside any section: {line!r}")
        if section == "Setup":
            key, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"[Setup] line without '=': {line!r}")
            script.setup[key.strip()] = value.strip()
        else:
            script.sections[section].append(_entry(line))
    return script


def deletes_outside_app(script: InnoScript) -> list[str]:
    """Every [InstallDelete]/[UninstallDelete] name that is not inside the program folder."""
    bad = []
    for section in DELETE_SECTIONS:
        for entry in script.entries(section):
            name = script.expand(entry.get("Name", ""))
            parts = name.replace("/", "\\").split("\\")
            if parts[0] != "{app}" or ".." in parts:
                bad.append(f"[{section}] {name}")
    return bad
