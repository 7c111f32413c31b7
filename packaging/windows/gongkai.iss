; Inno Setup 6 script for 公开表工作台 (built by packaging\build-windows.ps1, which passes the defines).
; UNTESTED: written on Linux; see packaging/README.md.
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=..\..\dist\gongkai /O..\..\dist gongkai.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\gongkai"
#endif

[Setup]
AppId={{6C1E9A52-2D7B-4F0E-9B1A-4B47B0A1C0DE}
AppName=公开表工作台
AppVersion={#AppVersion}
AppPublisher=公开表工作台
DefaultDirName={autopf}\Gongkai
DefaultGroupName=公开表工作台
; installs for the current user without administrator rights; an administrator may choose all users
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputBaseFilename=gongkai-{#AppVersion}-windows-x64-setup
SetupIconFile=gongkai.ico
UninstallDisplayIcon={app}\gongkai.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
ChangesAssociations=yes

[Languages]
; ChineseSimplified.isl ships with Inno Setup 6.3+ (Languages\Unofficial in older versions)
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "其他："

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\公开表工作台"; Filename: "{app}\gongkai.exe"
Name: "{group}\公开表工作台自检"; Filename: "{cmd}"; Parameters: "/k ""{app}\gongkai-cli.exe"" --self-test"
Name: "{group}\卸载公开表工作台"; Filename: "{uninstallexe}"
Name: "{autodesktop}\公开表工作台"; Filename: "{app}\gongkai.exe"; Tasks: desktopicon

[Registry]
; .gkb documents open in the application
Root: HKA; Subkey: "Software\Classes\.gkb"; ValueType: string; ValueName: ""; ValueData: "Gongkai.Document"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Gongkai.Document"; ValueType: string; ValueName: ""; ValueData: "公开表工作台文档"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Gongkai.Document\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\gongkai.exe,0"
Root: HKA; Subkey: "Software\Classes\Gongkai.Document\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\gongkai.exe"" open ""%1"""

[Run]
Filename: "{app}\gongkai.exe"; Description: "启动公开表工作台"; Flags: nowait postinstall skipifsilent
