"""The layers of desktop/ hold: `lint-imports` checks the contracts in pyproject.toml ([tool.importlinter]).

tests/test_layering.py checks the same "no Qt in the core" rule by blocking PySide6 at import time; these
contracts also cover the layers inside the core. A second test breaks a copy of the package on purpose, so a
contract that silently checks nothing (a misspelt module, external packages left out) fails here too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def _contracts() -> list[dict]:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the ``desktop`` package in ``folder`` (the cwd comes first on sys.path under -c)."""
    return subprocess.run([sys.executable, "-c", LINT, "--no-cache", "--no-logo"], cwd=folder,
                          capture_output=True, text=True, timeout=120)


def _unwrapped(output: str) -> str:
    return re.sub(r"\s*\n\s*", " ", output)  # the report wraps long contract names


def test_every_contract_is_kept() -> None:
    result = _lint(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout


def test_core_contract_forbids_qt_and_the_programs() -> None:
    (core,) = [c for c in _contracts() if c["type"] == "forbidden" and c["source_modules"] == ["desktop.core"]]
    assert {"PySide6", "shiboken6", "desktop.gui", "desktop.cli"} <= set(core["forbidden_modules"])


def test_a_broken_layer_is_reported(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "desktop", tmp_path / "desktop", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(PROJECT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "desktop" / "core" / "money.py").open("a", encoding="utf-8") as fh:
        fh.write("\nimport PySide6  # noqa\n")
    with (tmp_path / "desktop" / "core" / "document" / "store.py").open("a", encoding="utf-8") as fh:
        fh.write("\nfrom ..rules import engine  # noqa\n")
    with (tmp_path / "desktop" / "core" / "review" / "states.py").open("a", encoding="utf-8") as fh:
        fh.write("\nimport sqlite3  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    report = _unwrapped(result.stdout)
    for contract in _contracts():
        broken = contract["name"] in (
            "The core is Qt-free and knows nothing of the programs built on it",
            "The document file stores figures; it knows no rules, sets or formats",
            "Layers of the core, top to bottom (`:` siblings may import each other, `|` siblings may not)",
            "Only the document package talks to SQLite",
        )
        assert f"{contract['name']} {'BROKEN' if broken else 'KEPT'}" in report, contract["name"]
