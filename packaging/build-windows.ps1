# Build the Windows one-folder bundle and its installer (run on Windows 10/11, x64, in PowerShell):
#
#   powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1
#
# Needs Python 3.11+ (python.org installer, "py" launcher) and, for the installer, Inno Setup 6
# (ISCC.exe on PATH or in its default folder). UNTESTED: written on Linux; see packaging/README.md.
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Venv = Join-Path $Root "build\venv-win"
$Start = Get-Date

if (-not (Test-Path "$Venv\Scripts\python.exe")) { py -3 -m venv $Venv }
& "$Venv\Scripts\python.exe" -m pip install -q --upgrade pip
& "$Venv\Scripts\python.exe" -m pip install -q "$Root" "pyinstaller>=6.5"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

& "$Venv\Scripts\pyinstaller.exe" --noconfirm --clean --log-level WARN `
    --distpath "$Root\dist" --workpath "$Root\build\pyinstaller-win" "$Root\packaging\gongkai.spec"
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

Write-Host "== self-test of the bundle (offscreen)"
$env:QT_QPA_PLATFORM = "offscreen"
& "$Root\dist\gongkai\gongkai-cli.exe" --self-test
if ($LASTEXITCODE -ne 0) { throw "self-test failed" }
Remove-Item Env:\QT_QPA_PLATFORM

$Version = & "$Venv\Scripts\python.exe" -c "import desktop; print(desktop.__version__)"
$Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (Test-Path $Iscc) {
    & $Iscc "/DAppVersion=$Version" "/DSourceDir=$Root\dist\gongkai" "/O$Root\dist" "$Root\packaging\windows\gongkai.iss"
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
} else {
    Write-Warning "Inno Setup 6 not found: the bundle is in dist\gongkai, no installer was made."
}
Write-Host ("build time: {0:N0} s" -f ((Get-Date) - $Start).TotalSeconds)
