"""The Linux bundle, unpacked from its .tar.gz outside the project, run without the venv.

The bundle is built by ``installers/build-linux.sh``, which the fixture runs (it returns at
once when the bundle is newer than every source). Each command runs from a temporary working
folder with an environment built from nothing: PATH holds only an empty folder (no venv, no
system Python), no PYTHONPATH, PYTHONHOME or VIRTUAL_ENV, HOME and the station's folders are
temporary.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from counter_app.services.setup import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
NAME = "quay-mot-cua"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
TARBALL = ROOT / "dist" / f"{NAME}-{VERSION}-linux-{os.uname().machine}.tar.gz"
SIZE_LIMIT_MB = 250
APPLICANT = {
    "name": "Nguyễn Văn Đức",
    "id_number": "001090123456",
    "birth_date": "1990-01-01",
    "sex": "Nam",
    "address": "Thôn Đông, xã Minh Hòa",
    "phone": "0912345678",
}


def clean_env(work: Path, station: str = "station") -> dict[str, str]:
    """An environment built from nothing, its folders under ``work``: PATH is one empty
    folder, Qt draws offscreen, the station ``station`` and its mirror are in ``work``."""
    empty_bin = work / "empty-bin"
    runtime = work / "runtime"
    for folder in (empty_bin, runtime):
        folder.mkdir(mode=0o700, exist_ok=True)
    return {
        "PATH": str(empty_bin),
        "HOME": str(work / "home"),
        "LANG": "C.UTF-8",
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "COUNTER_APP_DATA_DIR": str(work / station),
        "COUNTER_APP_MIRROR_DIR": str(work / f"{station}-mirror"),
    }


@dataclass
class Bundle:
    folder: Path  # the unpacked quay-mot-cua-<version>/
    work: Path  # a scratch folder for stations, outputs, HOME

    @property
    def app(self) -> Path:
        return self.folder / NAME

    @property
    def exe(self) -> Path:
        return self.app / "counter-app"

    def env(self, station: str = "station") -> dict[str, str]:
        return clean_env(self.work, station)

    def run(
        self, *args: str, exe: Path | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        cwd = self.work / "cwd"
        cwd.mkdir(exist_ok=True)
        return subprocess.run(
            [str(exe or self.exe), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env(),
            cwd=cwd,
            input=stdin,
            timeout=180,
            check=False,
        )

    def ok(self, *args: str, stdin: str = "") -> object:
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def ok_as_officer(self, *args: str) -> object:
        """A subcommand that records who acted: the demo officer's password on stdin."""
        return self.ok(*args, "--password-stdin", stdin=DEMO_PASSWORD + "\n")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    subprocess.run([str(ROOT / "installers" / "build-linux.sh")], check=True, timeout=3600)
    unpacked = tmp_path_factory.mktemp("unpacked")
    assert not unpacked.is_relative_to(ROOT)
    with tarfile.open(TARBALL) as archive:
        archive.extractall(unpacked, filter="tar")
    (folder,) = unpacked.iterdir()
    assert folder.name == f"{NAME}-{VERSION}"
    yield Bundle(folder=folder, work=tmp_path_factory.mktemp("bundle-work"))


def reference(tmp_path: Path, *args: str) -> object:
    """The same command run by the project's own environment, for comparison."""
    env = {
        **os.environ,
        "COUNTER_APP_DATA_DIR": str(tmp_path / "ref-station"),
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "ref-mirror"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "counter_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout)


def test_environment_has_no_trace_of_the_venv(bundle: Bundle) -> None:
    env = bundle.env()
    assert not {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} & set(env)
    assert str(VENV) not in env["PATH"] and not any(Path(env["PATH"]).iterdir())
    assert not bundle.exe.resolve().is_relative_to(ROOT)


def test_version_comes_from_pyproject(bundle: Bundle) -> None:
    result = bundle.run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == VERSION


def test_due_dates_as_in_the_project(bundle: Bundle, tmp_path: Path) -> None:
    readme_case = bundle.ok("due", "--received", "2026-02-13T10:00", "--time", "3 ngày làm việc")
    assert isinstance(readme_case, dict)
    assert readme_case["due"] == "2026-02-25T10:00:00+07:00"
    assert readme_case["confirmed"] is True
    cases = [
        ("due", "--received", "2026-02-13T15:30", "--procedure", "1.001193"),  # the catalogue
        ("due", "--received", "2031-01-20T09:00", "--time", "10 ngày làm việc"),  # holidays pkg
    ]
    for args in cases:
        assert bundle.ok(*args) == reference(tmp_path, *args), args
    estimated = bundle.ok(*cases[1])
    assert isinstance(estimated, dict) and estimated["confirmed"] is False


def test_receipt_slip_with_readable_barcode(bundle: Bundle) -> None:
    applicant = bundle.work / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    received = bundle.ok_as_officer(
        "receive",
        "--procedure",
        "1.001193",
        "--applicant-json",
        str(applicant),
        "--at",
        "2026-02-13T10:00",
    )
    assert isinstance(received, dict)
    code = received["code"]
    assert code.startswith("000.00.19.H56-260213-")
    pdf = bundle.work / "receipt.pdf"
    out = bundle.ok_as_officer("slip", code, "--form", "receipt", "--size", "a5", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert out
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    assert "Nguyễn Văn Đức" in unicodedata.normalize("NFC", text.decode("utf-8"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "LiberationSerif" in fonts.stdout
    prefix = bundle.work / "receipt-scan"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True
    )
    (page,) = bundle.work.glob("receipt-scan*.png")
    with Image.open(page) as image:
        found = zxingcpp.read_barcodes(image)
    codes = [result.text for result in found if result.format.name == "Code128"]
    assert code in codes


def test_window_starts_offscreen(bundle: Bundle) -> None:
    # A station not yet set up opens on the first-start wizard, a set-up one (or --demo) on
    # the login window; both are shown, the event loop runs once, the process exits 0.
    for args, window in (
        (["--start-check"], "SetupWizard"),
        (["--demo", "--start-check"], "LoginDialog"),
    ):
        result = bundle.run(*args)
        assert result.returncode == 0, result.stderr
        shown = json.loads(result.stdout)
        assert shown["shown"] is True
        assert shown["window"] == window
        assert shown["platform"] == "offscreen"
        assert shown["version"] == VERSION


def test_bundle_holds_what_it_needs_and_no_more(bundle: Bundle) -> None:
    internal = bundle.app / "_internal"
    for needed in (
        "resources/catalogue/procedures.json",
        "resources/calendar/official.json",
        "resources/rules/rule_sets.json",
        "resources/fonts/LiberationSerif-Regular.ttf",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        f"quay_mot_cua-{VERSION}.dist-info/METADATA",
    ):
        assert (internal / needed).is_file(), needed
    names = {p.name for p in internal.iterdir()}
    assert not names & {"province_server", "fastapi", "uvicorn", "psycopg", "sqlalchemy"}
    # Apparent size as unpacked; symbolic links (Qt's libraries are linked from the top of
    # _internal) are not followed, so nothing is counted twice.
    files = [p for p in bundle.app.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    assert size < SIZE_LIMIT_MB * 1_000_000, f"{size / 1e6:.0f} MB"
    for extra in (f"{NAME}.desktop", f"{NAME}.png", "install.sh"):
        assert (bundle.folder / extra).is_file(), extra


def test_install_script_installs_and_removes_but_keeps_data(bundle: Bundle) -> None:
    env = bundle.env()
    env["PATH"] = "/usr/bin:/bin"  # install.sh is a shell script: it needs cp, sed, ln
    home = Path(env["HOME"])
    data = home / ".local" / "share" / NAME
    data.mkdir(parents=True)
    (data / "counter.db").write_bytes(b"station data")
    install = bundle.folder / "install.sh"
    subprocess.run([str(install)], env=env, check=True, capture_output=True, timeout=120)
    link = home / ".local" / "bin" / "counter-app"
    result = bundle.run("--version", exe=link)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == VERSION
    entry = (home / ".local" / "share" / "applications" / f"{NAME}.desktop").read_text("utf-8")
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert Path(exec_line.removeprefix("Exec=")) == home / ".local" / "opt" / NAME / "counter-app"
    subprocess.run([str(install)], env=env, check=True, capture_output=True, timeout=120)  # upgrade
    subprocess.run([str(install), "--remove"], env=env, check=True, capture_output=True)
    assert not link.exists() and not (home / ".local" / "opt" / NAME).exists()
    assert (data / "counter.db").read_bytes() == b"station data"
