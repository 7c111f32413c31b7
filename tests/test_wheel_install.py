"""A real (non-editable) install: the wheel carries resources/ and db/ and the installed `gongkai` finds them.

The wheel is built offline from a copy of the project (no build isolation: the test environment's setuptools)
and installed with ``--no-deps`` into a fresh venv; the dependencies come from this interpreter's
site-packages through a ``.pth`` file, so nothing is downloaded. The checkout's own ``desktop`` must not leak
in (an editable install's finder lives in a ``.pth`` of that site-packages, which a path line does not run),
and the commands run outside the checkout with ``GONGKAI_ROOT`` unset. About 5 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
COPIED = ("pyproject.toml", "README.md", "desktop", "resources", "db")
TIMEOUT = 120


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    run: Path  # an empty folder outside the checkout, the cwd of every command
    env: dict[str, str]

    def python(self, code: str) -> str:
        return self.command(str(self.venv / "bin" / "python"), "-c", code).stdout

    def gongkai(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = self.command(str(self.venv / "bin" / "gongkai"), *args)
        if ok:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def command(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=self.run, env=self.env, capture_output=True, text=True, timeout=TIMEOUT)


def _pip(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr


def _dependency_paths() -> list[str]:
    """This interpreter's site-packages (the wheel's dependencies are installed there)."""
    paths = sysconfig.get_paths()
    return list(dict.fromkeys([paths["purelib"], paths["platlib"]]))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    major = int(version("setuptools").split(".")[0])
    assert major >= 77, "pip install -e '.[test]' installs setuptools>=77, which builds this wheel offline"
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    for name in COPIED:  # a clean copy: no build/ or egg-info of an earlier build can leak into the wheel
        src = PROJECT / name
        if src.is_dir():
            shutil.copytree(src, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(src, source / name)
    wheels = base / "wheels"
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(wheels), str(source))
    (wheel,) = wheels.glob("gongkai_workbench-*.whl")

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT)
    python = venv / "bin" / "python"
    _pip("--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel))
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, timeout=TIMEOUT).stdout.strip()
    (Path(site) / "zz_test_dependencies.pth").write_text("\n".join(_dependency_paths()) + "\n", encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k not in ("GONGKAI_ROOT", "PYTHONPATH", "PYTHONHOME")}
    env |= {"QT_QPA_PLATFORM": "offscreen", "XDG_CACHE_HOME": str(base / "cache"), "HOME": str(base / "home")}
    run = base / "run"
    run.mkdir()
    return Installed(wheel=wheel, venv=venv, run=run, env=env)


def _checkout_files(folder: str) -> set[str]:
    root = PROJECT / folder
    return {p.relative_to(PROJECT).as_posix() for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def test_wheel_carries_every_module_and_data_file(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    modules = {n for n in _checkout_files("desktop") if n.endswith(".py")}
    missing = modules - names
    assert not missing, f"modules missing from the wheel (add their package to pyproject.toml packages): {missing}"
    data = _checkout_files("resources") | _checkout_files("db/migrations")
    assert data and {f"desktop/_data/{n}" for n in data} <= names
    assert not any(n.startswith(("resources/", "db/", "tests/")) for n in names)  # nothing at the top level


def test_wheel_carries_no_developer_tools(installed: Installed) -> None:
    """The product is desktop/ and its data: the benchmark and the screenshot scripts (tests/tools) stay out."""
    modules = {n for n in zipfile.ZipFile(installed.wheel).namelist() if n.endswith(".py")}
    tools = {p.name for p in (PROJECT / "tests" / "tools").glob("*.py") if p.name != "__init__.py"}
    assert {"bench.py", "bench_gui.py", "startup_probe.py", "screenshots.py", "review_screenshots.py"} <= tools
    shipped = sorted(n for n in modules if n.rsplit("/", 1)[-1] in tools)
    assert not shipped, f"developer tools in the wheel (they belong in tests/tools): {shipped}"
    assert modules == {n for n in _checkout_files("desktop") if n.endswith(".py")}  # nothing from elsewhere


def test_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    out = installed.python("import desktop, desktop.core.paths as p; print(desktop.__file__); print(p.project_root())")
    package_file, root = (Path(line) for line in out.splitlines())
    assert installed.venv in package_file.parents
    assert PROJECT not in package_file.parents
    assert root == package_file.parent / "_data"


def test_installed_gongkai_lists_the_shipped_sets(installed: Installed) -> None:
    shipped = {p.parent.name for p in (PROJECT / "resources" / "templates").glob("*/set.yaml")}
    assert len(shipped) >= 4
    listed = {line.split("\t")[0] for line in installed.gongkai("sets").stdout.splitlines() if line.strip()}
    assert listed == shipped


def test_installed_gongkai_creates_and_checks_a_document(installed: Installed) -> None:
    created = installed.gongkai("new", "--set", "shanxi_2024_juesuan", "--unit", "测试单位", "单位.gkb")
    assert "已创建" in created.stdout
    report = json.loads(installed.gongkai("check", "--json", "单位.gkb").stdout)
    assert report["set"] == "shanxi_2024_juesuan" and report["unit_name"] == "测试单位"
    assert report["summary"]["error"] == 0


def test_installed_self_test_passes(installed: Installed) -> None:
    """Demo data, icon and migrations all come from the wheel's package data."""
    result = installed.gongkai("--self-test")
    assert result.stdout.strip().endswith("自检通过。")
