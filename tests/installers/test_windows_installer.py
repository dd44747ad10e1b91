"""The Inno Setup script, read without Inno Setup (which does not run here).

What is checked: the version is injected from pyproject.toml by the build script, the wizard
is Vietnamese, the shortcuts go to the Start menu and the desktop, upgrades and uninstalls only
ever delete inside the program folder (the station's data lives in %LOCALAPPDATA%), and the
files it packs are those the PyInstaller spec produces.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import unicodedata
from importlib.metadata import version
from pathlib import Path

import pytest

import counter_app
from tests.installers.iss import InnoScript, deletes_outside_app, parse_iss

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
ISS = INSTALLERS / "windows" / "quay-mot-cua.iss"
PS1 = INSTALLERS / "build-windows.ps1"
SPEC = INSTALLERS / "counter-app.spec"


def pyproject_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


@pytest.fixture(scope="module")
def script() -> InnoScript:
    return parse_iss(ISS.read_bytes().decode("utf-8-sig"))


def test_script_is_utf8_with_bom_in_nfc() -> None:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup 6 reads non-ASCII text only with a BOM"
    text = raw.decode("utf-8-sig")
    assert unicodedata.is_normalized("NFC", text)
    assert "Quầy Một Cửa" in text


def test_version_is_injected_from_pyproject(script: InnoScript) -> None:
    assert script.setup["AppVersion"] == "{#AppVersion}"
    assert script.setup["VersionInfoVersion"] == "{#AppVersion}"
    assert "{#AppVersion}" in script.setup["OutputBaseFilename"]
    # No version is written in the script: without /DAppVersion the compiler stops.
    assert "AppVersion" not in script.defines
    guard = script.directives.index("#ifndef AppVersion")
    assert script.directives[guard + 1].startswith("#error")
    # The build script reads the one version and passes it on.
    ps1 = PS1.read_text("utf-8")
    assert re.search(r"\$Version = \(& \$Python @PythonArgs installers\\version\.py\)", ps1)
    assert '"/DAppVersion=$Version"' in ps1
    assert "installers\\windows\\quay-mot-cua.iss" in ps1


def test_version_helper_agrees_with_pyproject_and_the_package() -> None:
    printed = subprocess.run(
        [sys.executable, str(INSTALLERS / "version.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert printed == pyproject_version()
    assert version("quay-mot-cua") == printed
    assert counter_app.__version__ == printed


def test_wizard_is_vietnamese_only(script: InnoScript) -> None:
    assert script.entries("Languages") == [
        {"Name": "vietnamese", "MessagesFile": "compiler:Languages\\Vietnamese.isl"}
    ]
    assert script.setup["ShowLanguageDialog"] == "no"


def test_shortcuts_in_start_menu_and_on_desktop(script: InnoScript) -> None:
    app_exe = script.defines["AppExe"]
    icons = {script.expand(e["Name"]): e for e in script.entries("Icons")}
    start_menu = icons["{group}\\Quầy Một Cửa"]
    desktop = icons["{autodesktop}\\Quầy Một Cửa"]
    for shortcut in (start_menu, desktop):
        assert script.expand(shortcut["Filename"]) == f"{{app}}\\{app_exe}"
    assert desktop["Tasks"] == "desktopicon"
    assert [t["Name"] for t in script.entries("Tasks")] == ["desktopicon"]
    assert any(script.expand(e["Filename"]) == "{uninstallexe}" for e in icons.values())
    # The shortcuts start the console-less executable the spec builds on Windows.
    spec = SPEC.read_text("utf-8")
    assert app_exe == "quay-mot-cua.exe"
    assert 'NAME = "quay-mot-cua"' in spec
    assert re.search(r"name=NAME,\s*console=False", spec)


def test_upgrade_and_uninstall_keep_user_data(script: InnoScript) -> None:
    assert deletes_outside_app(script) == []
    text = ISS.read_bytes().decode("utf-8-sig")
    for data_folder in ("{localappdata}", "{userappdata}", "{commonappdata}", "{%LOCALAPPDATA"):
        assert data_folder not in text
    assert "[Code]" not in text and "DelTree" not in text
    assert "{localappdata}" not in script.setup["DefaultDirName"]
    # The same AppId every version, and the previous folder is reused: an upgrade, not a
    # second installation.
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", script.setup["AppId"])
    assert script.setup["UsePreviousAppDir"] == "yes"


def test_delete_check_catches_data_folder() -> None:
    bad = parse_iss(
        '#define Data "{localappdata}\\quay-mot-cua"\n'
        "[UninstallDelete]\n"
        'Type: filesandordirs; Name: "{app}\\_internal"\n'
        'Type: filesandordirs; Name: "{#Data}"\n'
        "[InstallDelete]\n"
        'Type: files; Name: "{app}\\..\\x"\n'
    )
    assert deletes_outside_app(bad) == [
        "[InstallDelete] {app}\\..\\x",
        "[UninstallDelete] {localappdata}\\quay-mot-cua",
    ]


def test_packs_the_pyinstaller_folder_and_icon(script: InnoScript) -> None:
    (files,) = script.entries("Files")
    assert script.expand(files["Source"]) == "..\\..\\dist\\quay-mot-cua\\*"
    assert set(files["Flags"].split()) >= {"recursesubdirs", "createallsubdirs", "ignoreversion"}
    icon = ISS.parent / script.setup["SetupIconFile"].replace("\\", "/")
    assert icon.resolve() == INSTALLERS / "icons" / "quay-mot-cua.ico"
    assert icon.read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO header
