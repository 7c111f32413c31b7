"""The compiled cache's key (desktop/core/compiled_cache.py): any change to a compiler module or a data file
gives another fingerprint, so a changed definition or compiler never meets an old pickle."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.core.compiled_cache import _data_files, files_fingerprint


def _tree(root: Path) -> tuple[list[Path], Path]:
    code = [root / "compile.py", root / "models.py"]
    for path in code:
        path.write_text("X = 1\n", encoding="utf-8")
    data = root / "data"
    (data / "tables").mkdir(parents=True)
    (data / "set.yaml").write_text("name: a\n", encoding="utf-8")
    (data / "tables" / "t1.yaml").write_text("key: t1\n", encoding="utf-8")
    return code, data


def test_every_change_to_a_compiler_or_a_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    code, data = _tree(tmp_path)
    seen = {files_fingerprint(code, [data])}
    assert files_fingerprint(code, [data]) in seen  # the same files: the same key

    def changed() -> None:
        key = files_fingerprint(code, [data])
        assert key not in seen
        seen.add(key)

    code[0].write_text("X = 2\n", encoding="utf-8")  # same size, a new time
    st = code[0].stat()
    os.utime(code[0], ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    changed()
    code[1].write_text("X = 10\n", encoding="utf-8")  # a new size
    changed()
    (data / "tables" / "t1.yaml").write_text("key: t01\n", encoding="utf-8")
    changed()
    before_t2 = files_fingerprint(code, [data])
    (data / "tables" / "t2.yaml").write_text("key: t2\n", encoding="utf-8")
    changed()
    (data / "tables" / "t2.yaml").rename(data / "tables" / "t3.yaml")
    changed()
    (data / "tables" / "t3.yaml").unlink()
    assert files_fingerprint(code, [data]) == before_t2  # the same files again: the key they had
    code[1].unlink()  # a compiler module gone
    changed()


def test_the_data_files_are_listed_in_path_order_relative_to_their_folder(tmp_path: Path) -> None:
    _, data = _tree(tmp_path)
    (data / "_shared").mkdir()
    (data / "_shared" / "rules.yaml").write_text("rules: []\n", encoding="utf-8")
    (data / "tables" / "a b.yaml").write_text("key: ab\n", encoding="utf-8")
    if hasattr(os, "symlink"):
        os.symlink(data / "tables", data / "linked", target_is_directory=True)  # a link to a folder: not followed
    listed = [name for name, _ in _data_files(data)]
    assert listed == ["_shared/rules.yaml", "set.yaml", "tables/a b.yaml", "tables/t1.yaml"]
    assert _data_files(tmp_path / "missing") == []


def test_each_python_environment_keeps_its_own_entries(monkeypatch) -> None:
    # one checkout run from two environments: each key holds that environment's Python and library versions,
    # and a write removes the older entries of its name, so a shared folder would make them evict each other
    import sys

    from desktop.core.compiled_cache import cache_dir

    here = cache_dir()
    assert cache_dir() == here
    monkeypatch.setattr(sys, "prefix", sys.prefix + "-another-venv")
    assert cache_dir() != here and cache_dir().parent == here.parent
