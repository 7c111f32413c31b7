"""The core and the command line never import Qt: checked with PySide6 made unimportable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

BLOCKER = """
import importlib, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is blocked in this test")
        return None
sys.meta_path.insert(0, Block())
import desktop.core, desktop.cli, pkgutil
for mod in pkgutil.walk_packages(desktop.core.__path__, "desktop.core."):
    importlib.import_module(mod.name)
from desktop.cli import main
assert main(["sets"]) == 0
print("ok")
"""


def test_core_and_cli_import_with_pyside6_blocked():
    result = subprocess.run([sys.executable, "-c", BLOCKER], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_no_core_module_imports_qt_even_lazily():
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6)", re.MULTILINE)
    offenders = [p for p in (PROJECT / "desktop" / "core").rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []
