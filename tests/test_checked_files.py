"""A document this program checked and then wrote itself opens without the full content scan; any other
change to the file (a SQLite tool, a byte flipped in the same second, a copy) brings the full check back."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from contextlib import closing

import pytest

from desktop.core.demo import build_demo
from desktop.core.document import Document, DocumentError
from desktop.core.document import probe as probe_module


@pytest.fixture
def scans(monkeypatch, tmp_path):
    """Count the full checks (opens not vouched for by the record); each test gets its own cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GONGKAI_NO_CACHE", raising=False)
    calls: list[int] = []
    real = probe_module.already_checked

    def counting(path):
        vouched = real(path)
        if not vouched:
            calls.append(1)
        return vouched

    monkeypatch.setattr(probe_module, "already_checked", counting)
    return calls


def _written(tmp_path):
    path = build_demo(tmp_path / "demo.gkb", who="测试")
    with Document.open(path) as doc:  # opened (full check) and closed for editing: the state is recorded
        assert not doc.readonly
    return path


def test_a_file_this_program_left_opens_without_the_scan(scans, tmp_path):
    path = _written(tmp_path)
    scans.clear()
    with Document.open(path, readonly=True):
        pass
    with Document.open(path):
        pass
    assert scans == []


def test_a_change_by_a_sqlite_tool_brings_the_full_check_back(scans, tmp_path):
    path = _written(tmp_path)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meta SET value = 'bogus' WHERE key = 'money_unit'")
    scans.clear()
    with pytest.raises(DocumentError) as exc:
        Document.open(path)
    assert scans == [1] and exc.value.code == "bad_content"


def test_a_byte_flipped_in_place_at_once_is_caught(scans, tmp_path):
    path = _written(tmp_path)
    size = path.stat().st_size
    with path.open("r+b") as fh:  # same size, no SQLite header change, within the same clock tick
        fh.seek(size - 200)
        old = fh.read(1)
        fh.seek(size - 200)
        fh.write(bytes([old[0] ^ 0xFF]))
    scans.clear()
    with contextlib.suppress(DocumentError):  # the full check may refuse it or find the byte harmless: it ran
        Document.open(path, readonly=True).close()
    assert scans == [1]


def test_a_copy_and_the_switch_off_get_the_full_check(scans, tmp_path, monkeypatch):
    path = _written(tmp_path)
    copy = tmp_path / "copy.gkb"
    shutil.copy2(path, copy)  # same bytes and times, another file
    scans.clear()
    Document.open(copy, readonly=True).close()
    assert scans == [1]
    monkeypatch.setenv("GONGKAI_NO_CACHE", "1")
    Document.open(path, readonly=True).close()
    assert scans == [1, 1]


def test_only_the_records_of_the_files_closed_last_are_kept(scans, tmp_path, monkeypatch):
    from desktop.core.document import checked

    monkeypatch.setattr(checked, "KEEP_RECORDS", 2)
    paths = [build_demo(tmp_path / f"demo{n}.gkb", who="测试") for n in range(4)]
    for path in paths:  # each close records its file's state (and prunes the oldest beyond two)
        with Document.open(path):
            pass
    assert [checked.already_checked(path) for path in paths] == [False, False, True, True]
    assert len(list((tmp_path / "cache" / "gongkai" / "checked").iterdir())) == 2


def test_the_records_kept_stay_within_their_size(scans, tmp_path, monkeypatch):
    from desktop.core.document import checked

    monkeypatch.setattr(checked, "KEEP_BYTES", 2500)
    paths = [build_demo(tmp_path / f"demo{n}.gkb", who="测试") for n in range(3)]
    for path in paths:  # each record keeps 1,000 bytes of results with its state
        with Document.open(path) as doc:
            assert not doc.readonly
        checked.remember_checked(path, b"x" * 1000)
    assert [checked.already_checked(path) for path in paths] == [False, True, True]
