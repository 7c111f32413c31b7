"""The 绩效 form definitions are compiled once and served from the per-user compiled cache, like the template
sets (issue 13): a start that opens and checks a document with forms reads no YAML and imports no
pydantic, the cached forms are the ones compiling gives, and a changed definition file is compiled again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from desktop.core.jixiao import loader

OPEN_AND_CHECK = """
import sys
from decimal import Decimal
from pathlib import Path
from desktop.core.session import Session
path = Path(sys.argv[1])
if not path.exists():
    from desktop.core.demo import build_demo
    from desktop.core.jixiao.loader import get_form
    from desktop.core.jixiao.store import insert_form
    session = Session.open(build_demo(path), who="测试员")
    shape = get_form("a_zhuanyi_ziping")
    rows = [(l2, {"name": "指标", "weight": Decimal(3), "score": Decimal(1)}) for l2 in shape.level2_keys]
    insert_form(session.doc, shape.key, "甲项目", {"t.xmmc": "甲项目", "f.total.qn": Decimal(1000)}, rows, who="测试员")
    session.close()
session = Session.open(path, who="测试员")
found = [f for f in session.findings() if f.table.startswith("jixiao:")]
print(len(found) > 0, sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "yaml")
                             or m == "desktop.core.definitions.yaml_source"))
"""


def test_a_cached_start_with_forms_reads_no_yaml_and_imports_no_pydantic(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": ""}
    document = str(tmp_path / "forms.gkb")
    first = subprocess.run([sys.executable, "-c", OPEN_AND_CHECK, document], env=env, capture_output=True,
                           text=True, check=True)
    assert first.stdout.startswith("True") and "'yaml'" in first.stdout  # compiled, and the cache filled
    second = subprocess.run([sys.executable, "-c", OPEN_AND_CHECK, document], env=env, capture_output=True,
                            text=True, check=True)
    assert second.stdout.split() == ["True", "[]"]  # the forms were checked all the same


def test_the_cached_forms_are_the_compiled_ones_and_a_changed_file_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "jixiao"
    shutil.copytree(loader.forms_dir(), folder)
    loader._cached.cache_clear()  # noqa: SLF001 - the per-process memo in front of the cache
    try:
        compiled = loader.load_forms(folder)
        assert loader._cached(str(folder)) == compiled  # noqa: SLF001 - compiled, then kept
        loader._cached.cache_clear()  # noqa: SLF001
        assert loader._cached(str(folder)) == compiled  # noqa: SLF001 - served from the cache
        path = folder / "a_zhuanyi_ziping.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["name"] = "改过名字的表样"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        loader._cached.cache_clear()  # noqa: SLF001
        assert loader._cached(str(folder))["a_zhuanyi_ziping"].name == "改过名字的表样"  # noqa: SLF001
    finally:
        loader._cached.cache_clear()  # noqa: SLF001
    assert not any(p.name.endswith(".tmp") for p in Path(tmp_path / "cache").rglob("*"))
