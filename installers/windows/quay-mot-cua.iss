; Inno Setup 6 script of Quầy Một Cửa (Windows installer, per user or for all users).
;
; Built by installers\build-windows.ps1, which first builds dist\quay-mot-cua with PyInstaller
; and then runs:  ISCC.exe /DAppVersion=<version from pyproject.toml> installers\windows\quay-mot-cua.iss
; The version is never written here: it always comes from pyproject.toml.
;
; The station's data (database, reservation ledger, backups, logs) lives in the user's data
; folder, %LOCALAPPDATA%\quay-mot-cua (platformdirs), never under {app}: an upgrade replaces
; the program folder only, and uninstalling leaves the data where it is.
; Saved as UTF-8 with a byte-order mark, which Inno Setup 6 needs to read the Vietnamese text.

#ifndef AppVersion
  #error AppVersion is missing: run installers\build-windows.ps1 (it passes /DAppVersion=...)
#endif
#define AppName "Quầy Một Cửa"
#define AppExe "quay-mot-cua.exe"
#define BundleDir "..\..\dist\quay-mot-cua"

[Setup]
; The AppId never changes: it is how an upgrade finds the previous installation.
AppId={{6C1E8B52-3F0A-4D7B-9E2C-5A8F1D0B7C34}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Quầy Một Cửa
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\QuayMotCua
DefaultGroupName={#AppName}
UsePreviousAppDir=yes
UsePreviousGroup=yes
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=quay-mot-cua-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\quay-mot-cua.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=no

[Languages]
Name: "vietnamese"; MessagesFile: "compiler:Languages\Vietnamese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade starts from a clean library folder, so no file of the previous version is mixed
; with the new one. Only the program folder is touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python byte-code caches the program may have written beside itself; nothing else.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
