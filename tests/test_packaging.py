"""Packaging: the PyInstaller spec carries every data folder, the desktop entry is sound, the self-test passes.

The bundle itself is built by ``bash packaging/build-linux.sh`` (not in the test run: it takes a minute and
downloads PyInstaller); these checks keep the recipe in step with the project.
"""

from __future__ import annotations

import ast
import configparser
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SPEC = PROJECT / "packaging" / "gongkai.spec"


def spec_list(name: str) -> list[str]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{name} not found in {SPEC}")


def test_spec_lists_every_data_folder() -> None:
    data_dirs = spec_list("DATA_DIRS")
    wanted = {f"resources/{p.name}" for p in (PROJECT / "resources").iterdir() if p.is_dir()}
    wanted |= {f"db/{p.name}" for p in (PROJECT / "db").iterdir() if p.is_dir()}
    assert set(data_dirs) == wanted
    assert all((PROJECT / d).is_dir() for d in data_dirs)
    assert len(data_dirs) == len(set(data_dirs))


def test_packaging_files_exist_and_point_at_real_files() -> None:
    for rel in ("packaging/gongkai_main.py", "packaging/build-linux.sh", "packaging/build-windows.ps1",
                "packaging/windows/gongkai.iss", "packaging/windows/gongkai.ico", "packaging/linux/install.sh",
                "packaging/linux/gongkai-launch", "packaging/README.md", "resources/icons/gongkai.png"):
        assert (PROJECT / rel).is_file(), rel
    assert (PROJECT / "packaging/windows/gongkai.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    build = (PROJECT / "packaging/build-linux.sh").read_text(encoding="utf-8")
    for name in ("gongkai.desktop", "install.sh", "gongkai-launch", "gongkai.png"):
        assert name in build  # shipped in the tarball
    iss = (PROJECT / "packaging/windows/gongkai.iss").read_text(encoding="utf-8")
    assert "gongkai.exe" in iss and "gongkai-cli.exe" in iss and ".gkb" in iss


def test_desktop_entry() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PROJECT / "packaging/linux/gongkai.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == "公开表工作台"
    assert section["Icon"] == "gongkai"
    assert section["Exec"].split()[0] == "gongkai-launch" and "%f" in section["Exec"]
    assert section["Categories"].endswith(";")


def test_self_test_passes() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "desktop.cli", "--self-test"], capture_output=True, text=True,
                            env=env, timeout=300, cwd=PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("自检通过。")
    assert result.stdout.count("✓") == 5


def test_self_test_fails_in_chinese_without_resources(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GONGKAI_ROOT": str(tmp_path), "GONGKAI_NO_CACHE": "1"}
    result = subprocess.run([sys.executable, "-m", "desktop.cli", "--self-test"], capture_output=True, text=True,
                            env=env, timeout=300, cwd=PROJECT)
    assert result.returncode == 1
    assert "✗ 模板与编码" in result.stdout and "自检失败" in result.stdout
