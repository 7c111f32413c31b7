"""The bad-file table: every kind of bad input a clerk can be handed gets a plain Chinese message that names
the problem and says what to do, and the file's bytes (and its folder) are unchanged afterwards.

Documents (.gkb) are opened through ``Document.open`` / ``Session.open`` as the application does; JSON through
``gongkai load``; workbooks through the Excel importer (skipped until it is part of this version).
Checks that need file permissions to be enforced are skipped when running as root (root ignores them).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.core.document import Document, DocumentError, probe
from desktop.core.session import Session

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
META = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
CELL = ("shouzhi_zongbiao", "in_ybgg", "amount")
HOLDER = Path(__file__).with_name("lock_holder.py")


def make_doc(path: Path, rows: int = 0) -> Path:
    with Document.create(path, META, who="测试") as doc:
        doc.write({CELL: 123456, **{("t", str(i), "c"): i for i in range(rows)}}, who="测试")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its digest (names, contents, nothing added or removed)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


# -- builders: each makes one bad file in the folder and returns its path -----------------------------
def empty(tmp: Path) -> Path:
    (tmp / "空文件.gkb").write_bytes(b"")
    return tmp / "空文件.gkb"


def truncated(keep: Callable[[int, int], int]) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = make_doc(tmp / "截断.gkb", rows=300)
        data = path.read_bytes()
        page = int.from_bytes(data[16:18], "big")
        path.write_bytes(data[: keep(len(data), page)])
        return path

    return build


def random_bytes(tmp: Path) -> Path:
    path = tmp / "乱码.gkb"
    path.write_bytes(random.Random(5).randbytes(20000))
    return path


def sqlite_header_then_noise(tmp: Path) -> Path:
    path = make_doc(tmp / "头部完好.gkb")
    data = bytearray(path.read_bytes())
    data[100:] = random.Random(6).randbytes(len(data) - 100)
    path.write_bytes(bytes(data))
    return path


def damaged_page(index: int) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = make_doc(tmp / "损坏.gkb", rows=400)
        data = bytearray(path.read_bytes())
        page = int.from_bytes(data[16:18], "big")
        start = (index if index >= 0 else len(data) // page + index) * page
        data[start : start + page] = b"\x5a" * page
        path.write_bytes(bytes(data))
        return path

    return build


def foreign_sqlite(tmp: Path) -> Path:
    path = tmp / "通讯录.gkb"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('张三', '123')")
    conn.commit()
    conn.close()
    return path


def newer_schema(tmp: Path) -> Path:
    path = make_doc(tmp / "新版本.gkb")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 42")
    conn.commit()
    conn.close()
    return path


def unknown_set(tmp: Path) -> Path:
    path = make_doc(tmp / "未知模板.gkb")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = 'guangdong_2031_juesuan' WHERE key = 'set_id'")
    conn.commit()
    conn.close()
    return path


def utf8_text(tmp: Path) -> Path:
    path = tmp / "说明.gkb"
    path.write_text("单位：测试\n收入合计 100\n", encoding="utf-8")
    return path


def utf16_text(tmp: Path) -> Path:
    path = tmp / "记事本.gkb"
    path.write_text("单位：测试\r\n收入合计 100\r\n", encoding="utf-16")
    return path


def xlsx_renamed(tmp: Path) -> Path:
    from openpyxl import Workbook

    path = tmp / "部门决算.xlsx"
    wb = Workbook()
    wb.active["A1"] = "收入支出决算总表"
    wb.save(path)
    return path.rename(tmp / "部门决算.gkb")


def xls_renamed(tmp: Path) -> Path:
    path = tmp / "旧表格.gkb"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + random.Random(3).randbytes(1024))
    return path


def plain_zip(tmp: Path) -> Path:
    path = tmp / "打包.gkb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("单位.gkb", b"SQLite format 3\x00")
        zf.writestr("说明.txt", "压缩包")
    return path


def corrupt_zip(tmp: Path) -> Path:
    path = tmp / "坏压缩包.gkb"
    data = xlsx_renamed(tmp).read_bytes()
    (tmp / "部门决算.gkb").unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def directory(tmp: Path) -> Path:
    path = tmp / "文件夹.gkb"
    path.mkdir()
    (path / "里面.txt").write_text("x", encoding="utf-8")
    return path


def missing(tmp: Path) -> Path:
    return tmp / "不存在.gkb"


def old_version_readonly(tmp: Path) -> Path:
    """Claims an old version but already has today's tables: its upgrade cannot run."""
    path = make_doc(tmp / "旧版本.gkb")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    return path


@dataclass(frozen=True)
class Bad:
    """One row of the table: how to make the file, how it is opened, what must be said."""

    build: Callable[[Path], Path]
    code: str
    problem: str  # names the problem
    advice: str  # says what to do
    readonly: bool = False


DOCUMENTS = {
    "empty": Bad(empty, "empty", "空的", "重新获取"),
    "truncated-in-header": Bad(truncated(lambda n, p: 60), "corrupt", "不完整", "备份"),
    "truncated-after-first-page": Bad(truncated(lambda n, p: p + 17), "corrupt", "不完整", "备份"),
    "truncated-half": Bad(truncated(lambda n, p: n // 2), "corrupt", "不完整", "备份"),
    "truncated-last-page": Bad(truncated(lambda n, p: n - p), "corrupt", "不完整", "重新索取"),
    "random-bytes": Bad(random_bytes, "not_document", "无法识别", ".gkb 文件"),
    "sqlite-header-then-noise": Bad(sqlite_header_then_noise, "corrupt", "损坏", "备份"),
    "damaged-second-page": Bad(damaged_page(1), "corrupt", "损坏", "备份"),
    "damaged-last-page": Bad(damaged_page(-1), "corrupt", "损坏", "备份"),
    "another-programs-sqlite": Bad(foreign_sqlite, "foreign", "其他程序的 SQLite", ".gkb 文件"),
    "newer-schema": Bad(newer_schema, "newer", "较新版本", "升级软件"),
    "utf8-text": Bad(utf8_text, "not_document", "无法识别", ".gkb 文件"),
    "utf16-text": Bad(utf16_text, "not_document", "无法识别", ".gkb 文件"),
    "renamed-xlsx": Bad(xlsx_renamed, "not_document", "Excel 工作簿", "导入 Excel"),
    "renamed-old-xls": Bad(xls_renamed, "not_document", "Excel 工作簿", "导入 Excel"),
    "zip-archive": Bad(plain_zip, "not_document", "ZIP 压缩包", "先解压"),
    "corrupt-zip": Bad(corrupt_zip, "not_document", "损坏的压缩包", "重新索取"),
    "directory": Bad(directory, "not_document", "是文件夹", ".gkb 文件"),
    "missing": Bad(missing, "missing", "找不到文件", "移动、改名或删除"),
    # its tables do not match what the migrations make at version 0: refused before any upgrade is tried
    "old-version-not-upgradable-readonly": Bad(old_version_readonly, "tampered", "格式版本号", "重新索取",
                                               readonly=True),
}


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_bad_document_refused_untouched(tmp_path: Path, kind: str) -> None:
    bad = DOCUMENTS[kind]
    path = bad.build(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(DocumentError) as info:
        Document.open(path, readonly=bad.readonly, who="测试")
    message = str(info.value)
    assert info.value.code == bad.code, message
    assert path.name in message
    assert bad.problem in message and bad.advice in message and "请" in message, message
    assert snapshot(tmp_path) == before


def test_unknown_template_set_refused_untouched(tmp_path: Path) -> None:
    path = unknown_set(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(DocumentError) as info:
        Session.open(path, readonly=True)
    assert info.value.code == "unknown_set"
    assert "guangdong_2031_juesuan" in str(info.value) and "请升级软件" in str(info.value)
    assert snapshot(tmp_path) == before


# -- files that open read-only, saying why ---------------------------------------------------------
def test_file_being_edited_by_another_process_opens_readonly_naming_the_holder(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "共享.gkb")
    holder = subprocess.Popen([sys.executable, str(HOLDER), "edit-lock", str(path), "李会计"],
                              stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        before = snapshot(tmp_path)
        with Document.open(path, who="测试") as doc:
            assert doc.readonly
            assert "李会计" in doc.readonly_reason and "正在编辑" in doc.readonly_reason
            assert "删除" in doc.readonly_reason  # how to clear a lock known to be stale
            with pytest.raises(DocumentError) as info:
                doc.write({CELL: 1}, who="测试")
            assert info.value.code == "readonly"
        assert snapshot(tmp_path) == before
    finally:
        holder.communicate("\n", timeout=30)


def test_file_with_sqlite_write_lock_held_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe, "BUSY_TIMEOUT_MS", 200)
    path = make_doc(tmp_path / "写入中.gkb")
    holder = subprocess.Popen([sys.executable, str(HOLDER), "sqlite-lock", str(path), ""],
                              stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        before = snapshot(tmp_path)
        with pytest.raises(DocumentError) as info:
            Document.open(path, who="测试")
        assert info.value.code == "locked"
        assert "正被其他程序写入" in str(info.value) and "请稍后再试" in str(info.value)
        assert snapshot(tmp_path) == before
    finally:
        holder.communicate("\n", timeout=30)
    with Document.open(path, who="测试") as doc:  # once the other program lets go, it opens normally
        assert not doc.readonly and doc.values() == {CELL: 123456}


def hot_journal(folder: Path) -> Path:
    """A document and the hot journal of a save that power loss cut short (a copy taken mid-save)."""
    src = make_doc(folder.parent / "src.gkb", rows=2000)
    conn = sqlite3.connect(src, isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")  # spill changed pages into the file before the commit
    conn.execute("BEGIN")
    conn.execute("UPDATE cell SET num = num + 1")
    assert Path(f"{src}-journal").stat().st_size > 0
    target = folder / "断电.gkb"
    shutil.copyfile(src, target)
    shutil.copyfile(f"{src}-journal", f"{target}-journal")
    conn.execute("ROLLBACK")
    conn.close()
    return target


def test_save_cut_short_by_power_loss_is_recovered_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "u盘"
    folder.mkdir()
    path = hot_journal(folder)
    before = snapshot(folder)
    with Document.open(path, readonly=True) as doc:  # a read-only open (gongkai check) reads a recovered copy
        assert doc.values()[CELL] == 123456 and doc.values()[("t", "7", "c")] == 7
    assert snapshot(folder) == before  # ... and never writes: the journal waits for an editing open
    with Document.open(path, who="测试") as doc:  # which recovers the file itself
        assert doc.values()[CELL] == 123456 and doc.values()[("t", "7", "c")] == 7
    assert sorted(os.listdir(folder)) == [path.name]


@pytest.mark.skipif(ROOT, reason="root ignores file permissions")
def test_readonly_file(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "只读.gkb")
    path.chmod(0o444)
    before = snapshot(tmp_path)
    try:
        with Document.open(path, who="测试") as doc:
            assert doc.readonly and "只读" in doc.readonly_reason
        assert snapshot(tmp_path) == before
    finally:
        path.chmod(0o644)


@contextmanager
def readonly_folder(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only: by permissions, or for root (who ignores them) by a read-only bind mount,
    like a write-protected USB stick or a CD. Skips where neither is possible."""
    if not ROOT:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if not shutil.which("mount"):
        pytest.skip("root ignores folder permissions and mount is not available")
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip("root ignores folder permissions and may not mount here")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip("root ignores folder permissions and may not remount read-only here")
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_file_on_readonly_folder(tmp_path: Path) -> None:
    folder = tmp_path / "光盘"
    folder.mkdir()
    path = make_doc(folder / "文档.gkb")
    before = snapshot(tmp_path)
    with readonly_folder(folder):
        with Document.open(path, who="测试") as doc:
            assert doc.readonly
            assert ("文件夹不可写入" if not ROOT else "只读") in doc.readonly_reason, doc.readonly_reason
            with pytest.raises(DocumentError) as info:
                doc.write({CELL: 1}, who="测试")
            assert info.value.code == "readonly"
        assert snapshot(tmp_path) == before


def test_save_cut_short_on_readonly_folder_is_explained(tmp_path: Path) -> None:
    folder = tmp_path / "光盘"
    folder.mkdir()
    path = hot_journal(folder)
    before = snapshot(folder)
    with readonly_folder(folder):
        with pytest.raises(DocumentError) as info:
            Document.open(path, who="测试")
        assert info.value.code == "interrupted"
        assert "被中断" in str(info.value) and "复制到可写的文件夹" in str(info.value)
        assert snapshot(folder) == before
    with Document.open(path, who="测试") as doc:  # once copied somewhere writable, it recovers
        assert doc.values()[CELL] == 123456


@pytest.mark.skipif(ROOT, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = make_doc(tmp_path / "无权限.gkb")
    path.chmod(0o000)
    try:
        with pytest.raises(DocumentError) as info:
            Document.open(path, who="测试")
        assert info.value.code == "unreadable" and "请检查文件权限" in str(info.value)
    finally:
        path.chmod(0o644)


# -- JSON given to `gongkai load` ---------------------------------------------------------------------
def _demo_dump(tmp: Path) -> dict:
    import json

    from desktop.core.paths import resources_dir

    return json.loads((resources_dir() / "demo" / "liulin_2022.json").read_text(encoding="utf-8"))


def _json_file(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _bad_values(tmp: Path) -> Path:
    import json

    dump = _demo_dump(tmp)
    dump["tables"]["shouzhi_zongbiao"]["values"]["in_ybgg"]["amount"] = "三百元"
    dump["tables"]["zhichu"]["values"]["total"] = {"total": 12.5}
    return _json_file(tmp, "坏数值.json", json.dumps(dump, ensure_ascii=False).encode())


def _newer_dump(tmp: Path) -> Path:
    import json

    dump = {**_demo_dump(tmp), "format_version": 9}
    return _json_file(tmp, "新格式.json", json.dumps(dump).encode())


JSONS = {
    "dump-with-bad-values": (_bad_values, ("有以下问题", "三百元", "请改正")),
    "dump-truncated": (lambda t: _json_file(t, "截断.json", b'{"format": "gongkai-dump", "tables": {'),
                       ("不是有效的 JSON", "重新导出")),
    "dump-utf16": (lambda t: _json_file(t, "utf16.json", '{"format": "gongkai-dump"}'.encode("utf-16")),
                   ("不是 UTF-8", "UTF-8")),
    "dump-newer-format": (_newer_dump, ("格式版本 9", "请升级软件")),
    "json-of-something-else": (lambda t: _json_file(t, "别的.json", b'{"name": "x"}'), ("不是公开表工作台",)),
}


@pytest.mark.parametrize("kind", JSONS)
def test_bad_json_refused_untouched(tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    build, words = JSONS[kind]
    path = build(tmp_path)
    before = snapshot(tmp_path)
    code = cli_main(["load", str(path), "-o", str(tmp_path / "新.gkb")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("错误：") and CHINESE.search(err)
    assert all(w in err for w in words), err
    assert snapshot(tmp_path) == before  # no document created, the JSON unchanged


# -- workbooks given to the Excel importer (when this version has it) -------------------------------
def _gkb_as_xlsx(tmp: Path) -> Path:
    return make_doc(tmp / "文档.gkb").rename(tmp / "文档.xlsx")


def _text_as_xlsx(tmp: Path) -> Path:
    return _json_file(tmp, "表格.xlsx", "这不是表格".encode())


def _cut_xlsx(tmp: Path) -> Path:
    data = xlsx_renamed(tmp).read_bytes()
    (tmp / "部门决算.gkb").unlink()
    return _json_file(tmp, "一半.xlsx", data[: len(data) // 2])


def _zip_as_xlsx(tmp: Path) -> Path:
    return plain_zip(tmp).rename(tmp / "压缩包.xlsx")


def _unrelated_workbook(tmp: Path) -> Path:
    from openpyxl import Workbook

    path = tmp / "工资表.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "工资"])
    wb.active.append(["张三", 5000])
    wb.save(path)
    return path


WORKBOOKS = {
    "gkb-renamed-xlsx": (_gkb_as_xlsx, "不是 Excel 工作簿"),
    "text-renamed-xlsx": (_text_as_xlsx, "不是 Excel 工作簿"),
    "corrupt-xlsx": (_cut_xlsx, "损坏"),
    "zip-renamed-xlsx": (_zip_as_xlsx, "不是 Excel 工作簿"),
    "workbook-without-tables": (_unrelated_workbook, "没有找到任何公开表"),
}


@pytest.mark.parametrize("kind", WORKBOOKS)
def test_bad_workbook_refused_untouched(tmp_path: Path, kind: str) -> None:
    importer = pytest.importorskip("desktop.core.formats.xlsx_import")
    build, words = WORKBOOKS[kind]
    path = build(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(ValueError) as info:  # WorkbookError (a ValueError) with the reason in Chinese
        importer.import_workbook(path, tmp_path / "新.gkb", who="测试")
    assert words in str(info.value), str(info.value)
    assert snapshot(tmp_path) == before
