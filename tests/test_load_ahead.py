"""What a window's start loads before Qt for the files it was given (desktop/core/load_ahead.py): the look at
each file answers only "has 绩效 forms" and "has a 情况说明 or 上年数", never fails, never waits and never writes,
whatever the file is."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import seed_path
from tools import child_env
from tools.bench_dumps import add_shape_a_forms

from desktop.core.demo import build_demo
from desktop.core.document.probe import parts_held
from desktop.core.session import Session

SEED_TEXT = seed_path("001_0f45429440d9ca6e").with_suffix(".txt")  # the demo is seed 001


def _with_forms(path: Path) -> Path:
    build_demo(path, who="test")
    session = Session.open(path, who="test")
    add_shape_a_forms(session.doc, 1, 1, who="test")
    session.close()
    return path


def _with_prose(path: Path) -> Path:
    build_demo(path, who="test")
    session = Session.open(path, who="test")
    session.narrative.import_text(SEED_TEXT.read_text(encoding="utf-8"), who="test")  # the demo's own 情况说明
    session.close()
    return path


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "other"
            for p in sorted(folder.iterdir())}


def test_only_a_document_with_forms_or_prose_is_said_to_hold_them(tmp_path: Path) -> None:
    assert parts_held(_with_forms(tmp_path / "forms.gkb")) == {"forms"}
    assert parts_held(build_demo(tmp_path / "demo.gkb", who="test")) == set()
    assert parts_held(_with_prose(tmp_path / "prose.gkb")) == {"prose"}


def _hostile(folder: Path) -> list[Path]:
    text = folder / "notes.gkb"
    text.write_text("部门决算 not a database", encoding="utf-8")
    empty = folder / "empty.gkb"
    empty.write_bytes(b"")
    zipped = folder / "book.gkb"
    zipped.write_bytes(b"PK\x03\x04" + os.urandom(200))
    torn = folder / "torn.gkb"
    torn.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    foreign = folder / "foreign.gkb"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE jx_formula (x)")
    conn.close()
    (folder / "a folder.gkb").mkdir()
    out = [text, empty, zipped, torn, foreign, folder / "a folder.gkb", folder / "missing.gkb"]
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.gkb")  # opening a pipe for reading would wait for a writer forever
        out.append(folder / "pipe.gkb")
    return out


def test_any_other_file_is_answered_no_without_an_error_a_wait_or_a_write(tmp_path: Path) -> None:
    files = _hostile(tmp_path)
    before = _snapshot(tmp_path)
    for path in files:
        assert parts_held(path) == set(), path.name
    assert _snapshot(tmp_path) == before  # no byte changed, no journal or lock left beside them


def test_a_document_another_process_is_writing_is_answered_at_once(tmp_path: Path) -> None:
    import time

    path = _with_forms(tmp_path / "forms.gkb")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")  # as a colleague's program in the middle of a save
        start = time.perf_counter()
        assert parts_held(path) == set()  # busy: no hint, the real open says why
        assert time.perf_counter() - start < 1.0  # not sqlite3's default 5-second wait
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert parts_held(path) == {"forms"}


LOAD_AHEAD = """
import sys
from desktop.core.load_ahead import load_ahead
load_ahead(sys.argv[1:])
print("desktop.core.jixiao.book" in sys.modules, "desktop.core.narrative.book" in sys.modules, "PySide6" in sys.modules)
"""


@pytest.mark.parametrize(("names", "expected"), [
    (["forms.gkb"], "True False False"),
    (["prose.gkb"], "False True False"),
    (["demo.gkb"], "False False False"),
    (["notes.gkb", "missing.gkb", "demo.gkb", "forms.gkb"], "True False False"),  # any one of them with forms
    (["prose.gkb", "forms.gkb"], "True True False"),
    ([], "False False False"),
])
def test_load_ahead_imports_an_engine_only_for_a_document_that_needs_it(tmp_path: Path, names, expected):
    _with_forms(tmp_path / "forms.gkb")
    _with_prose(tmp_path / "prose.gkb")
    build_demo(tmp_path / "demo.gkb", who="test")
    (tmp_path / "notes.gkb").write_text("not a database", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", LOAD_AHEAD, *[str(tmp_path / n) for n in names]],
                          capture_output=True, text=True, timeout=120, env=child_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected
