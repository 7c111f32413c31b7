"""A colleague's file is untrusted: its schema, its journal and its lock file are checked before use, and a
save that cannot be made says so in Chinese and changes nothing."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_old_document
from hostile.kinds_gkb import write_journal

from desktop.core.document import Document, DocumentError, schema_version
from desktop.core.document.lock import LockDamaged, LockedByOther, acquire, lock_path, release
from desktop.core.document.recovery import journal_belongs, journal_path
from desktop.core.document.schema import reference, schema_problem
from desktop.core.document.testing import raw_connection_for_tests
from desktop.core.session import Session

META = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
CELL = ("shouzhi_zongbiao", "in_ybgg", "amount")


def make_doc(path: Path) -> Path:
    with Document.create(path, META, who="测试") as doc:
        doc.write({CELL: 123456}, who="测试")
    return path


def listing(conn: sqlite3.Connection) -> str | None:
    return schema_problem(conn, conn.execute("PRAGMA user_version").fetchone()[0])


# -- schema ---------------------------------------------------------------------------------------
def test_reference_schema_is_what_create_and_every_older_version_hold(tmp_path: Path) -> None:
    conn = sqlite3.connect(make_doc(tmp_path / "new.gkb"))
    assert listing(conn) is None
    conn.close()
    for version in range(1, schema_version()):
        path = make_old_document(tmp_path / f"v{version}.gkb", version, META, {CELL: 1})
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert listing(conn) is None, version
        conn.close()
        with Document.open(path) as doc:  # upgraded in place: today's schema exactly
            assert schema_problem(raw_connection_for_tests(doc), schema_version()) is None
    assert reference(1) < reference(schema_version())


@pytest.mark.parametrize(("sql", "said"), [
    ("CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM cell; END", "多出了触发器“t”"),
    ("CREATE VIEW v AS SELECT 1", "多出了视图“v”"),
    ("CREATE TABLE x(y)", "多出了表“x”"),
    ("CREATE INDEX i ON cell(num)", "多出了索引“i”"),
    ("DROP INDEX change_log_cell", "缺少索引“change_log_cell”"),
    ("DROP TABLE explanation", "缺少表“explanation”"),
    ("ALTER TABLE meta ADD COLUMN z", "表“meta”的定义被改动过"),
])
def test_schema_differences_are_named(tmp_path: Path, sql: str, said: str) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    assert said in (listing(conn) or "")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DocumentError) as info:
        Document.open(path)
    assert info.value.code == "tampered" and said in str(info.value)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["doc.gkb"]


def test_whitespace_in_the_schema_sql_does_not_matter() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE  meta(\n key TEXT PRIMARY KEY ,value TEXT NOT NULL) WITHOUT ROWID")
    entry = next(e for e in reference(1) if e[1] == "meta")
    mine = {e for e in __import__("desktop.core.document.schema", fromlist=["_entries"])._entries(  # noqa: SLF001
        conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())}
    assert mine == {entry}


def test_every_connection_distrusts_the_schema(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    with Document.open(path) as doc:
        assert raw_connection_for_tests(doc).execute("PRAGMA trusted_schema").fetchone()[0] == 0
    old = make_old_document(tmp_path / "old.gkb", 1, META, {CELL: 1})
    with Document.open(old, readonly=True) as doc:  # the upgraded copy in memory
        assert raw_connection_for_tests(doc).execute("PRAGMA trusted_schema").fetchone()[0] == 0


# -- journals -------------------------------------------------------------------------------------
def journal_pair(tmp_path: Path, later_saves: int) -> Path:
    path = make_doc(tmp_path / "doc.gkb")
    original = path.read_bytes()
    conn = sqlite3.connect(path)
    for n in range(later_saves):
        conn.execute("UPDATE cell SET num = ?", (n,))
        conn.commit()
    conn.close()
    write_journal(path, original)
    return path


def test_a_journal_of_this_files_cut_short_save_belongs_and_is_rolled_back(tmp_path: Path) -> None:
    path = journal_pair(tmp_path, 1)
    assert journal_belongs(path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with Document.open(path, readonly=True) as doc:  # a recovered copy: the original is not touched
        assert doc.values() == {CELL: 123456} and doc.readonly and "中断" in doc.readonly_reason
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    with Document.open(path) as doc:  # an editing open recovers the file itself
        assert doc.values() == {CELL: 123456}
    assert not journal_path(path).exists()


@pytest.mark.parametrize("later_saves", [2, 5])
def test_a_journal_older_or_newer_than_the_file_does_not_belong(tmp_path: Path, later_saves: int) -> None:
    path = journal_pair(tmp_path, later_saves)
    assert not journal_belongs(path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for readonly in (True, False):
        with pytest.raises(DocumentError) as info:
            Document.open(path, readonly=readonly)
        assert info.value.code == "foreign_journal" and "不属于" in str(info.value)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_journal_with_another_page_size_does_not_belong(tmp_path: Path) -> None:
    path = journal_pair(tmp_path, 1)
    journal = journal_path(path)
    data = bytearray(journal.read_bytes())
    data[24:28] = (1024).to_bytes(4, "big")
    journal.write_bytes(bytes(data))
    assert not journal_belongs(path)


def test_a_journal_never_made_valid_is_harmless(tmp_path: Path) -> None:
    path = journal_pair(tmp_path, 1)
    journal = journal_path(path)
    data = bytearray(journal.read_bytes())
    data[8:12] = bytes(4)  # no records: SQLite replays nothing
    journal.write_bytes(bytes(data))
    assert journal_belongs(path)


# -- lock -----------------------------------------------------------------------------------------
def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


def _contender(path: str, start: multiprocessing.synchronize.Barrier, done: multiprocessing.synchronize.Event,
               results: multiprocessing.Queue) -> None:
    start.wait()
    try:
        lock = acquire(Path(path), f"p{os.getpid()}")
        results.put("edit" if lock else "none")
    except LockedByOther:
        results.put("read-only")
    except LockDamaged:
        results.put("damaged")
    else:
        done.wait(30)
        release(lock)


def test_exactly_one_of_forty_simultaneous_opens_takes_over_a_stale_lock(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    path = make_doc(tmp_path / "doc.gkb")
    for _round in range(10):  # the old takeover let several win in about one round of eight
        lock_path(path).write_text(json.dumps({"user": "王", "host": socket.gethostname(), "pid": _dead_pid(),
                                               "at": "2026-01-01T08:00:00"}))
        start, done, results = context.Barrier(40), context.Event(), context.Queue()
        workers = [context.Process(target=_contender, args=(str(path), start, done, results)) for _ in range(40)]
        for w in workers:
            w.start()
        outcomes = sorted(results.get(timeout=30) for _ in workers)
        done.set()
        for w in workers:
            w.join(30)
        assert outcomes.count("edit") == 1, outcomes
        assert set(outcomes) == {"edit", "read-only"}, outcomes
        assert sorted(os.listdir(tmp_path)) == ["doc.gkb"]  # the winner released; no takeover file left


def test_a_damaged_lock_opens_read_only_and_is_left_alone(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    lock_path(path).write_bytes(b"{broken")
    with Document.open(path, who="李") as doc:
        assert doc.readonly and "已损坏" in doc.readonly_reason and lock_path(path).name in doc.readonly_reason
        with pytest.raises(DocumentError):
            doc.write({CELL: 1}, who="李")
    assert lock_path(path).read_bytes() == b"{broken"


def test_a_session_that_cannot_be_built_releases_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_doc(tmp_path / "doc.gkb")

    def broken(self: Session, doc: Document) -> None:
        raise DocumentError("unknown_set", "模板没有")

    monkeypatch.setattr(Session, "__init__", broken)
    with pytest.raises(DocumentError):
        Session.open(path, who="李")
    assert not lock_path(path).exists()


# -- saves that cannot be made --------------------------------------------------------------------
def test_a_file_replaced_while_open_is_not_written(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    session = Session.open(path, who="李")
    try:
        other = make_doc(tmp_path / "other.gkb")
        os.replace(other, path)  # a colleague's copy put over it while it was open
        replaced = path.read_bytes()
        with pytest.raises(DocumentError) as info:
            session.set_text(CELL, "1", who="李")
        assert info.value.code == "replaced" and "替换" in str(info.value)
        assert path.read_bytes() == replaced
        assert session.value(CELL) == 123456  # the window still shows what is saved
    finally:
        session.close()


def test_a_file_deleted_while_open_is_reported(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    with Document.open(path, who="李") as doc:
        path.unlink()
        with pytest.raises(DocumentError) as info:
            doc.write({CELL: 1}, who="李")
        assert info.value.code == "replaced" and "删除" in str(info.value)


def test_a_full_disk_is_said_in_chinese_and_nothing_is_half_written(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    with Document.open(path, who="李") as doc:
        pages = raw_connection_for_tests(doc).execute("PRAGMA page_count").fetchone()[0]
        raw_connection_for_tests(doc).execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
        big = {("t", str(i), "c"): i for i in range(5000)}
        with pytest.raises(DocumentError) as info:
            doc.write(big, who="李")
        assert info.value.code == "disk_full" and "磁盘已满" in str(info.value)
        assert "cannot" not in str(info.value)
        assert doc.values() == {CELL: 123456}
        doc.write({CELL: 7}, who="李")  # the connection is usable again once there is room
    with Document.open(path) as doc:
        assert doc.values() == {CELL: 7}


# -- what opening would refuse is never written -----------------------------------------------------
@pytest.mark.parametrize(("key", "value"), [("year", "True"), ("money_unit", "美元"), ("set_id", "../x")])
def test_create_refuses_cover_data_that_opening_would_refuse(tmp_path: Path, key: str, value: str) -> None:
    with pytest.raises(DocumentError) as info:
        Document.create(tmp_path / "new.gkb", {**META, key: value})
    assert info.value.code == "bad_content" and value in str(info.value)
    assert os.listdir(tmp_path) == []


def test_create_for_a_set_not_shipped_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as info:
        Document.create(tmp_path / "new.gkb", {**META, "set_id": "guangdong_2031_juesuan"})
    assert info.value.code == "unknown_set"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("value", [10**15, -(10**15), 2**63, 1.5, True, "12"])
def test_write_refuses_amounts_opening_would_refuse(tmp_path: Path, value: object) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    before = path.read_bytes()
    with Document.open(path) as doc:
        with pytest.raises(DocumentError) as info:
            doc.write({CELL: value}, who="李")  # type: ignore[dict-item]
        assert info.value.code == "bad_value"
        assert doc.values() == {CELL: 123456}
    assert path.read_bytes() == before
