# Build the Windows installer of Quay Mot Cua (run on Windows 10/11 x64, in PowerShell):
#
#   powershell -ExecutionPolicy Bypass -File installers\build-windows.ps1
#
# Needs Python 3.11+ (the "py" launcher, or $env:PYTHON) and Inno Setup 6.3+ (ISCC.exe on the PATH,
# in its default folder, or $env:ISCC) with the Vietnamese language file: Vietnamese.isl is one
# of Inno Setup's unofficial translations (https://jrsoftware.org/files/istrans/); copy it into
# the "Languages" folder beside ISCC.exe.
#
# Steps: a clean venv in build\bundle-venv-win, the project installed into it (not editable),
# PyInstaller on installers\counter-app.spec -> dist\quay-mot-cua\ (counter-app.exe for the
# command line, quay-mot-cua.exe for the shortcuts), a check that the bundle reports the
# version of pyproject.toml, then ISCC with /DAppVersion=<that version>
# -> dist\quay-mot-cua-<version>-windows-x64-setup.exe
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
$Root = (Get-Location).Path

$Python = if ($env:PYTHON) { $env:PYTHON } else { "py" }
$PythonArgs = if ($env:PYTHON) { @() } else { @("-3.11") }
function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed ($LASTEXITCODE)" }
}

# The one version: [project].version of pyproject.toml.
$Version = (& $Python @PythonArgs installers\version.py).Trim()
if ($LASTEXITCODE -ne 0 -or -not $Version) { throw "cannot read the version from pyproject.toml" }

$Venv = "build\bundle-venv-win"
foreach ($old in @($Venv, "build\pyinstaller", "build\wheel-src", "dist\quay-mot-cua")) {
    if (Test-Path $old) { Remove-Item -Recurse -Force $old }
}
Invoke-Checked $Python ($PythonArgs + @("-m", "venv", $Venv))
$VenvPython = Join-Path $Root "$Venv\Scripts\python.exe"
Invoke-Checked $VenvPython @("-m", "pip", "install", "-q", "--upgrade", "pip")
New-Item -ItemType Directory -Force "build\wheel-src" | Out-Null
Copy-Item -Recurse pyproject.toml, README.md, counter_app, sync_protocol "build\wheel-src\"
# pywin32: WIA scanners (counter_app.scanning.wia_backend imports win32com when it scans).
Invoke-Checked $VenvPython @("-m", "pip", "install", "-q", ".\build\wheel-src", "pyinstaller>=6.10", "pywin32>=306")

Push-Location build
try {
    Invoke-Checked (Join-Path $Root "$Venv\Scripts\pyinstaller.exe") @(
        "--noconfirm", "--log-level", "WARN",
        "--distpath", (Join-Path $Root "dist"),
        "--workpath", (Join-Path $Root "build\pyinstaller"),
        (Join-Path $Root "installers\counter-app.spec"))
} finally { Pop-Location }

$Reported = (& "dist\quay-mot-cua\counter-app.exe" --version).Trim()
if ($Reported -ne $Version) { throw "the bundle reports version '$Reported', expected '$Version'" }

$Iscc = $env:ISCC
if (-not $Iscc) { $Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source }
if (-not $Iscc) { $Iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 (ISCC.exe) not found; set `$env:ISCC" }
$Isl = Join-Path (Split-Path $Iscc) "Languages\Vietnamese.isl"
if (-not (Test-Path $Isl)) {
    throw "missing $Isl : download Vietnamese.isl from https://jrsoftware.org/files/istrans/"
}
Invoke-Checked $Iscc @("/Q", "/DAppVersion=$Version", "installers\windows\quay-mot-cua.iss")
Write-Host "built dist\quay-mot-cua-$Version-windows-x64-setup.exe"
