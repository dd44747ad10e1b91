"""The Linux desktop entry and icon shipped in the .tar.gz."""

from __future__ import annotations

import configparser
import unicodedata
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "installers" / "linux" / "quay-mot-cua.desktop"


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text("utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_desktop_entry_follows_the_specification() -> None:
    text = DESKTOP.read_text("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    entry = read_entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Quầy Một Cửa"
    assert entry["Exec"] == "counter-app"  # install.sh writes the absolute path
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == "quay-mot-cua"
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"].split(";")
    assert entry["Keywords"].endswith(";")


def test_icon_is_a_square_png() -> None:
    with Image.open(ROOT / "installers" / "icons" / "quay-mot-cua.png") as icon:
        assert icon.format == "PNG"
        assert icon.size == (256, 256)
        assert icon.mode == "RGBA"
