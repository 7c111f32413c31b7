"""The document file (.gkb): creating, reopening, refusing bad files without touching them, read-only."""

from __future__ import annotations

import hashlib
import os
import random
import re
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import make_old_document

from desktop.core.document import APPLICATION_ID, Document, DocumentError, schema_version
from desktop.core.document.testing import raw_connection_for_tests

CHINESE = re.compile(r"[\u4e00-\u9fff]")
META = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
CELL = ("shouzhi_zongbiao", "in_ybgg", "amount")
OTHER = ("shouzhi_zongbiao", "out_jbzc", "amount")


def make_doc(path: Path, values: dict | None = None) -> Path:
    doc = Document.create(path, META, who="测试")
    try:
        if values:
            doc.write(values, who="测试")
    finally:
        doc.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pragma(path: Path, name: str):
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def assert_chinese(err: DocumentError) -> str:
    message = str(err)
    assert CHINESE.search(message), message
    return message


# -- create and reopen --------------------------------------------------------------------------------
def test_create_sets_header_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "测试单位2022.gkb"
    doc = Document.create(path, META, who="测试")
    try:
        assert doc.path == path
        assert not doc.readonly
        assert doc.readonly_reason is None
        assert doc.set_id == "shanxi_2022_juesuan"
        assert doc.money_unit == "元"
        assert doc.values() == {}
    finally:
        doc.close()

    assert pragma(path, "application_id") == APPLICATION_ID
    assert pragma(path, "user_version") == schema_version() >= 1
    assert pragma(path, "journal_mode") == "delete"
    assert pragma(path, "integrity_check") == "ok"
    # the temporary file used for the atomic create is gone
    assert os.listdir(tmp_path) == [path.name]

    with Document.open(path) as again:
        for key, value in META.items():
            assert again.meta[key] == value
        assert again.meta["created_by"] == "测试"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", again.meta["created_at"])
        log = again.change_log()
        assert [r["action"] for r in log] == ["create"]
        assert log[0]["who"] == "测试"
        assert log[0]["new"] == "shanxi_2022_juesuan"


def test_no_wal_or_shm_files_after_writes(tmp_path: Path) -> None:
    path = tmp_path / "doc.gkb"
    with Document.create(path, META, who="测试") as doc:
        doc.write({CELL: 1}, who="x")
        doc.write({CELL: 2, OTHER: 3}, who="x")
        doc.set_explanation("k1", "已核实", who="x", basis="{}")
        # while the document is open, only its edit lock sits beside it (no -wal/-shm/-journal files)
        assert sorted(os.listdir(tmp_path)) == [".doc.gkb.gongkai-lock", "doc.gkb"]
    assert os.listdir(tmp_path) == ["doc.gkb"]
    assert pragma(path, "journal_mode") == "delete"


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 5})
    before = digest(path)
    with pytest.raises(DocumentError) as info:
        Document.create(path, META, who="测试")
    assert info.value.code == "exists"
    assert_chinese(info.value)
    assert digest(path) == before
    assert os.listdir(tmp_path) == ["doc.gkb"]


def test_create_in_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as info:
        Document.create(tmp_path / "nope" / "doc.gkb", META, who="测试")
    assert info.value.code == "missing"
    assert_chinese(info.value)
    assert os.listdir(tmp_path) == []


def test_path_with_chinese_spaces_and_uri_characters(tmp_path: Path) -> None:
    path = tmp_path / "测试 单位#1 100%?.gkb"
    make_doc(path, {CELL: 123456})
    with Document.open(path) as doc:
        assert doc.values() == {CELL: 123456}
        doc.write({CELL: 7}, who="x")
    with Document.open(path, readonly=True) as doc:
        assert doc.values() == {CELL: 7}


def test_open_without_writing_leaves_bytes_unchanged(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    before = digest(path)
    with Document.open(path) as doc:
        doc.values()
        doc.change_log()
    assert digest(path) == before


# -- writing ----------------------------------------------------------------------------------------
def test_write_persists_and_is_logged(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    with Document.open(path) as doc:
        doc.write({CELL: 123456}, who="x")

    with Document.open(path) as doc:
        assert doc.values() == {CELL: 123456}
        sets = [r for r in doc.change_log() if r["action"] == "set"]
        assert len(sets) == 1
        row = sets[0]
        assert (row["tbl"], row["row"], row["col"]) == CELL
        assert row["who"] == "x"
        assert row["old"] is None
        assert row["new"] == "1234.56"


def test_write_change_clear_and_no_op(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    with Document.open(path) as doc:
        doc.write({CELL: 123456}, who="y")  # same value: nothing logged
        doc.write({CELL: -2715}, who="y")
        doc.write({CELL: None}, who="y")
    with Document.open(path) as doc:
        assert doc.values() == {}
        log = [(r["who"], r["old"], r["new"]) for r in doc.change_log() if r["action"] == "set"]
        # newest first
        assert log == [("y", "-27.15", None), ("y", "1234.56", "-27.15"), ("测试", None, "1234.56")]


def test_write_counts_logged_without_decimals(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    with Document.open(path) as doc:
        doc.write({OTHER: 200}, who="x", decimals={OTHER: 0})
        assert doc.change_log(limit=1)[0]["new"] == "2"


def test_write_meta_and_rows(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb")
    with Document.open(path) as doc:
        doc.write(
            {("t1", "2010101", "amount"): 100},
            who="x",
            add_rows=[("t1", "2010101", "人大会议")],
            meta={"unit_name": "新名称"},
        )
        assert doc.meta["unit_name"] == "新名称"
    with Document.open(path) as doc:
        assert doc.meta["unit_name"] == "新名称"
        assert doc.floating_rows() == {"t1": [("2010101", "人大会议")]}
        doc.write({}, who="x", remove_rows=[("t1", "2010101")])
    with Document.open(path) as doc:
        assert doc.floating_rows() == {}
        assert doc.values() == {}


# -- files that must be refused untouched ---------------------------------------------------------------
def _empty(tmp: Path) -> Path:
    path = tmp / "empty.gkb"
    path.write_bytes(b"")
    return path


def _text(tmp: Path) -> Path:
    path = tmp / "notes.gkb"
    path.write_text("这是一个文本文件，不是文档。\n", encoding="utf-8")
    return path


def _xlsx(tmp: Path) -> Path:
    path = tmp / "部门决算.gkb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert path.read_bytes().startswith(b"PK")
    return path


def _foreign(tmp: Path) -> Path:
    path = tmp / "other.gkb"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users(name) VALUES ('张三')")
    conn.commit()
    conn.close()
    return path


def _newer(tmp: Path) -> Path:
    path = make_doc(tmp / "newer.gkb", {CELL: 123456})
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    return path


def _truncated(fraction: float | None, size: int | None = None) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = make_doc(tmp / "cut.gkb", {CELL: 123456, OTHER: 1})
        data = path.read_bytes()
        keep = size if size is not None else int(len(data) * fraction)
        path.write_bytes(data[:keep])
        return path

    return build


def _random(tmp: Path) -> Path:
    path = tmp / "noise.gkb"
    path.write_bytes(random.Random(20220101).randbytes(8192))
    return path


def _damaged_page(page: int) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = make_doc(tmp / "damaged.gkb", {("t", str(i), "c"): i for i in range(300)})
        data = bytearray(path.read_bytes())
        page_size = int.from_bytes(data[16:18], "big")
        start = (page if page >= 0 else len(data) // page_size + page) * page_size
        data[start : start + page_size] = b"\xa5" * page_size
        path.write_bytes(bytes(data))
        return path

    return build


BAD_FILES = [
    pytest.param(_empty, "empty", None, id="zero-bytes"),
    pytest.param(_text, "not_document", None, id="text-file"),
    pytest.param(_xlsx, "not_document", ("导入", "Excel"), id="xlsx-zip"),
    pytest.param(_foreign, "foreign", None, id="foreign-sqlite"),
    pytest.param(_newer, "newer", ("升级",), id="newer-version"),
    pytest.param(_truncated(0.5), "corrupt", None, id="truncated-half"),
    pytest.param(_truncated(None, 50), "corrupt", None, id="truncated-50-bytes"),
    pytest.param(_random, "not_document", None, id="random-bytes"),
    pytest.param(_damaged_page(1), "corrupt", None, id="damaged-page-2"),
    pytest.param(_damaged_page(-1), "corrupt", None, id="damaged-last-page"),
]


@pytest.mark.parametrize("readonly", [False, True], ids=["rw", "ro"])
@pytest.mark.parametrize(("build", "code", "words"), BAD_FILES)
def test_bad_file_refused_untouched(
    tmp_path: Path, build: Callable[[Path], Path], code: str, words: tuple[str, ...] | None, readonly: bool
) -> None:
    path = build(tmp_path)
    before = path.read_bytes()
    listing = sorted(os.listdir(tmp_path))

    with pytest.raises(DocumentError) as info:
        Document.open(path, readonly=readonly)

    assert info.value.code == code
    message = assert_chinese(info.value)
    assert path.name in message
    if words:
        assert any(w in message for w in words), message
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == listing  # no journal, -wal or -shm left behind


def test_directory_refused(tmp_path: Path) -> None:
    folder = tmp_path / "文件夹.gkb"
    folder.mkdir()
    with pytest.raises(DocumentError) as info:
        Document.open(folder)
    assert info.value.code == "not_document"
    assert folder.name in assert_chinese(info.value)
    assert os.listdir(folder) == []
    assert os.listdir(tmp_path) == [folder.name]


def test_missing_path_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "不存在.gkb"
    with pytest.raises(DocumentError) as info:
        Document.open(path)
    assert info.value.code == "missing"
    assert path.name in assert_chinese(info.value)
    assert not path.exists()
    assert os.listdir(tmp_path) == []


def make_old_version_doc(path: Path) -> Path:
    """A document whose user_version says it predates every migration."""
    make_doc(path, {CELL: 1})
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    return path


def make_version_1_doc(path: Path) -> Path:
    """A real first-format document: only migration 0001 applied, one figure in it."""
    return make_old_document(path, 1, META, {CELL: 123456})


def test_old_version_opened_readonly_is_read_through_an_upgraded_copy_in_memory(tmp_path: Path) -> None:
    path = make_version_1_doc(tmp_path / "old.gkb")
    before = digest(path)
    with Document.open(path, readonly=True) as doc:
        assert doc.readonly and doc.values() == {CELL: 123456}
        tables = {n for (n,) in doc._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}  # noqa: SLF001
        assert "jx_form" in tables  # today's format, in memory
    assert digest(path) == before and pragma(path, "user_version") == 1
    with Document.open(path) as doc:  # a writable open upgrades the file itself
        assert doc.values() == {CELL: 123456}
    assert pragma(path, "user_version") == schema_version()


def test_old_version_whose_upgrade_fails_is_refused_readonly_untouched(tmp_path: Path) -> None:
    path = make_old_version_doc(tmp_path / "old.gkb")
    before = digest(path)
    with pytest.raises(DocumentError) as info:
        Document.open(path, readonly=True)
    assert info.value.code == "tampered"  # its tables do not match version 0: refused before any upgrade
    assert_chinese(info.value)
    assert digest(path) == before


def test_failed_migration_is_not_reported_as_locked(tmp_path: Path) -> None:
    path = make_old_version_doc(tmp_path / "old.gkb")
    before = digest(path)
    with pytest.raises(DocumentError) as info:
        Document.open(path)
    assert digest(path) == before
    assert info.value.code != "locked"


# -- read-only ------------------------------------------------------------------------------------
def _assert_readonly_doc(doc: Document, path: Path, before: str) -> None:
    assert doc.readonly is True
    assert doc.readonly_reason
    assert CHINESE.search(doc.readonly_reason)
    assert doc.values() == {CELL: 123456}
    for attempt in (
        lambda: doc.write({CELL: 1}, who="x"),
        lambda: doc.write({}, who="x", meta={"unit_name": "改"}),
        lambda: doc.set_explanation("k", "说明", who="x", basis="{}"),
    ):
        with pytest.raises(DocumentError) as info:
            attempt()
        assert info.value.code == "readonly"
        assert path.name in assert_chinese(info.value)
    with pytest.raises(DocumentError) as info, doc.transaction():
        pass
    assert info.value.code == "readonly"
    assert digest(path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_readonly_file_opens_readonly(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    path.chmod(0o444)
    before = digest(path)
    try:
        with Document.open(path) as doc:
            _assert_readonly_doc(doc, path, before)
            assert "只读" in doc.readonly_reason
        assert os.listdir(tmp_path) == ["doc.gkb"]
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_readonly_folder_opens_readonly(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = make_doc(folder / "doc.gkb", {CELL: 123456})
    folder.chmod(0o555)
    before = digest(path)
    try:
        with Document.open(path) as doc:
            _assert_readonly_doc(doc, path, before)
            assert "文件夹" in doc.readonly_reason
    finally:
        folder.chmod(0o755)


def test_open_readonly_on_request(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    before = digest(path)
    with Document.open(path, readonly=True) as doc:
        _assert_readonly_doc(doc, path, before)
    assert os.listdir(tmp_path) == ["doc.gkb"]
    # still writable afterwards when opened normally
    with Document.open(path) as doc:
        assert not doc.readonly
        doc.write({CELL: 1}, who="x")
    assert digest(path) != before


# -- save as ----------------------------------------------------------------------------------------
def test_save_as_copies_everything(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456, OTHER: -2715})
    target = tmp_path / "副本.gkb"
    with Document.open(path) as doc:
        doc.set_explanation("k1", "已核实", who="x", basis="{}")
        doc.save_as(target)
        original_values = doc.values()
        original_log = doc.change_log()
        original_expl = doc.explanations()
        original_meta = dict(doc.meta)
        # the original is still the open document and still writable
        doc.write({CELL: 1}, who="x")

    assert sorted(os.listdir(tmp_path)) == sorted(["doc.gkb", "副本.gkb"])
    assert pragma(target, "application_id") == APPLICATION_ID
    assert pragma(target, "user_version") == schema_version()
    assert pragma(target, "journal_mode") == "delete"
    with Document.open(target) as copy:
        assert not copy.readonly
        assert copy.values() == original_values == {CELL: 123456, OTHER: -2715}
        assert copy.meta == original_meta
        assert copy.change_log() == original_log
        assert copy.explanations() == original_expl
        copy.write({OTHER: 5}, who="y")
    with Document.open(path) as doc:
        assert doc.values() == {CELL: 1, OTHER: -2715}


def test_save_as_from_readonly_document(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    before = digest(path)
    target = tmp_path / "copy.gkb"
    with Document.open(path, readonly=True) as doc:
        doc.save_as(target)
    assert digest(path) == before
    with Document.open(target) as copy:
        assert not copy.readonly
        assert copy.values() == {CELL: 123456}


def test_save_as_own_path_keeps_document_usable(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    with Document.open(path) as doc:
        doc.save_as(path)
        doc.write({CELL: 1}, who="x")
    with Document.open(path) as doc:
        assert doc.values() == {CELL: 1}


def test_save_as_into_missing_folder_is_document_error(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    with Document.open(path) as doc, pytest.raises(DocumentError):
        doc.save_as(tmp_path / "nope" / "copy.gkb")


# -- transactions -----------------------------------------------------------------------------------
def test_failed_transaction_leaves_no_change(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    before = digest(path)
    with Document.open(path) as doc:
        log_before = doc.change_log()
        with pytest.raises(RuntimeError, match="中途出错"), doc.transaction() as tx:
            conn = raw_connection_for_tests(tx)
            conn.execute("INSERT OR REPLACE INTO cell(tbl, row, col, num) VALUES (?, ?, ?, ?)", (*CELL, 1))
            conn.execute("INSERT INTO meta(key, value) VALUES ('extra', 'x')")
            raise RuntimeError("中途出错")
        assert doc.values() == {CELL: 123456}
        assert doc.change_log() == log_before
        assert digest(path) == before
        assert [n for n in os.listdir(tmp_path) if not n.endswith(".gongkai-lock")] == ["doc.gkb"]
        # the connection is not stuck inside the rolled-back transaction
        doc.write({OTHER: 2}, who="x")
    with Document.open(path) as doc:
        assert doc.values() == {CELL: 123456, OTHER: 2}
        assert "extra" not in doc.meta


def test_failed_write_is_all_or_nothing(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "doc.gkb", {CELL: 123456})
    before = digest(path)
    with Document.open(path) as doc:
        # the cells are written first, then the NULL meta value violates NOT NULL
        with pytest.raises((sqlite3.Error, DocumentError)):
            doc.write({CELL: 1, OTHER: 2}, who="x", meta={"unit_name": None})  # type: ignore[dict-item]
        assert doc.values() == {CELL: 123456}
        assert doc.meta["unit_name"] == "测试单位"
    assert digest(path) == before


def test_created_file_permissions_follow_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = make_doc(tmp_path / "doc.gkb")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
