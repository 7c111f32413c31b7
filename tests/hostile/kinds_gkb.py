"""Hostile .gkb documents: planted SQL, values of the wrong type, damaged structure, journals."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from hostile.harness import GKB_COMMANDS, Kind, Run, good_document

Statement = str | tuple[str, tuple[object, ...]]
FORM = "INSERT INTO jx_form(id, shape, title, position) VALUES (1, 'a_zhuanyi_ziping', '某项目', 1)"
SEAL = "INSERT INTO review_seal(tbl, digest, figures, signer, at, log_id) VALUES (?, ?, ?, '审核人', '2026-01-01', 1)"
TAMPERED = ("结构", "重新索取")
BAD = ("不合规", "重新索取")


def _tamper(name: str, *sql: Statement, pragmas: tuple[str, ...] = ()):
    """A healthy document changed with plain sqlite3, as a colleague could."""

    def build(folder: Path) -> Path:
        path = good_document(folder).rename(folder / name)
        conn = sqlite3.connect(path)
        for statement in sql:
            if isinstance(statement, tuple):
                conn.execute(*statement)
            else:
                conn.execute(statement)
        conn.commit()
        for pragma in pragmas:
            conn.execute(pragma)
        conn.close()
        return path

    return build


def _seal(figures: str, digest: str | None = None, tbl: str = "shouzhi_zongbiao") -> Statement:
    return SEAL, (tbl, digest if digest is not None else hashlib.sha256(figures.encode()).hexdigest(), figures)


def _jixiao(name: str, value: str) -> Kind:
    return Kind(f"jixiao-number-{name}", "gkb", _tamper(
        f"绩效{name}.gkb", FORM, ("INSERT INTO jx_field(form_id, key, txt, num) VALUES (1, 'budget', NULL, ?)", (value,))),
        words=BAD)


def _jixiao_stored(name: str, txt: str | None, num: object, places: object, *first: str) -> Kind:
    """A 绩效 number as today's files store it (integers with places), wrong in one way."""
    return Kind(f"jixiao-stored-{name}", "gkb", _tamper(
        f"绩效{name}.gkb", *first, FORM,
        ("INSERT INTO jx_field(form_id, key, txt, num, places) VALUES (1, 'budget', ?, ?, ?)", (txt, num, places))),
        words=BAD)


def _old_jixiao(name: str, value: str) -> Kind:
    """A file of version 5, when 绩效 numbers were decimal text, holding ``value``: checked as that version
    stores it, and refused when version 6 could not hold it exactly (opening would move it forward)."""

    def build(folder: Path) -> Path:
        from conftest import make_old_document

        meta = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
        path = make_old_document(folder / f"旧绩效{name}.gkb", 5, meta, {("shouzhi_zongbiao", "in_ybgg", "amount"): 1})
        conn = sqlite3.connect(path)
        conn.execute(FORM)
        conn.execute("INSERT INTO jx_field(form_id, key, txt, num) VALUES (1, 'budget', NULL, ?)", (value,))
        conn.commit()
        conn.close()
        return path

    return Kind(f"jixiao-old-number-{name}", "gkb", build, words=BAD)


# -- hot journals ------------------------------------------------------------------------------------
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
SECTOR = 512


def _checksum(nonce: int, page: bytes) -> int:
    """The rollback journal's page checksum (SQLite file format, section 'The Rollback Journal')."""
    total, i = nonce, len(page) - 200
    while i > 0:
        total += page[i]
        i -= 200
    return total & 0xFFFFFFFF


def write_journal(path: Path, original: bytes) -> None:
    """A hot journal beside ``path`` holding ``original`` (a whole earlier state of a database), as a save
    cut short by power loss leaves it: SQLite will write those pages back at the next writable open."""
    page_size = int.from_bytes(original[16:18], "big")
    pages = len(original) // page_size
    nonce = 0x1234567
    header = (JOURNAL_MAGIC + pages.to_bytes(4, "big") + nonce.to_bytes(4, "big") + pages.to_bytes(4, "big")
              + SECTOR.to_bytes(4, "big") + page_size.to_bytes(4, "big")).ljust(SECTOR, b"\0")
    records = b"".join(
        n.to_bytes(4, "big") + original[(n - 1) * page_size:n * page_size]
        + _checksum(nonce, original[(n - 1) * page_size:n * page_size]).to_bytes(4, "big")
        for n in range(1, pages + 1)
    )
    path.with_name(path.name + "-journal").write_bytes(header + records)


def _hot_journal(name: str, later_saves: int):
    """The journal of a save of this file that was cut short (``later_saves`` 1), or an older file's
    journal beside a file saved several times since (a newer copy put beside an old journal)."""

    def build(folder: Path) -> Path:
        path = good_document(folder).rename(folder / name)
        original = path.read_bytes()
        conn = sqlite3.connect(path)
        for n in range(later_saves):
            conn.execute("UPDATE cell SET num = ?", (n + 7,))
            conn.commit()
        conn.close()
        write_journal(path, original)
        return path

    return build


READ_RUNS = tuple(Run(argv, frozenset({0, 1})) for argv in (
    ("check", "{input}"), ("check", "{input}", "--json"), ("dump", "{input}"), ("review", "{input}"),
    ("forms", "{input}"), ("diff", "{good}", "{input}")))


KINDS = [
    # planted SQL: refused before anything runs (a trigger would fire on the clerk's next edit)
    Kind("planted-trigger", "gkb", _tamper(
        "触发器.gkb", "CREATE TRIGGER wipe AFTER UPDATE ON cell BEGIN DELETE FROM cell; END"), words=TAMPERED),
    Kind("planted-trigger-on-log", "gkb", _tamper(
        "日志触发器.gkb", "CREATE TRIGGER t BEFORE INSERT ON change_log BEGIN UPDATE meta SET value = 'x'; END"),
        words=TAMPERED),
    Kind("planted-view", "gkb", _tamper("视图.gkb", "CREATE VIEW v AS SELECT * FROM cell"), words=TAMPERED),
    Kind("planted-table", "gkb", _tamper("多表.gkb", "CREATE TABLE extra(x)"), words=TAMPERED),
    Kind("planted-index", "gkb", _tamper("多索引.gkb", "CREATE INDEX cell_num ON cell(num)"), words=TAMPERED),
    Kind("planted-analyze-stats", "gkb", _tamper("统计表.gkb", "ANALYZE"), words=TAMPERED),
    Kind("altered-table-added-column", "gkb", _tamper(
        "加列.gkb", "ALTER TABLE change_log ADD COLUMN extra TEXT DEFAULT 'x'"), words=TAMPERED),
    Kind("dropped-column", "gkb", _tamper("删列.gkb", "ALTER TABLE change_log DROP COLUMN new"), words=TAMPERED),
    Kind("dropped-table", "gkb", _tamper("删表.gkb", "DROP TABLE explanation"), words=TAMPERED),
    Kind("dropped-index", "gkb", _tamper("删索引.gkb", "DROP INDEX change_log_cell"), words=TAMPERED),
    Kind("renamed-table", "gkb", _tamper("改表名.gkb", "ALTER TABLE explanation RENAME TO notes"), words=TAMPERED),
    Kind("user-version-older-than-tables", "gkb", _tamper("版本号.gkb", pragmas=("PRAGMA user_version = 2",)),
         words=TAMPERED),
    Kind("user-version-zero", "gkb", _tamper("版本零.gkb", pragmas=("PRAGMA user_version = 0",)), words=("重新索取",)),
    Kind("user-version-negative", "gkb", _tamper("负版本.gkb", pragmas=("PRAGMA user_version = -1",)),
         words=("重新索取",)),
    Kind("wal-mode", "gkb", _tamper("预写日志.gkb", pragmas=("PRAGMA journal_mode = WAL",)), words=("WAL", "重新索取")),
    # amounts of the wrong type or size
    Kind("amount-real", "gkb", _tamper("小数金额.gkb", "UPDATE cell SET num = 1.5"), words=BAD),
    Kind("amount-real-huge", "gkb", _tamper("巨大小数.gkb", "UPDATE cell SET num = 1e300"), words=BAD),
    Kind("amount-text", "gkb", _tamper("文字金额.gkb", "UPDATE cell SET num = 'abc'"), words=BAD),
    Kind("amount-blob", "gkb", _tamper("二进制金额.gkb", "UPDATE cell SET num = x'00ff'"), words=BAD),
    Kind("amount-2-63", "gkb", _tamper("最大整数.gkb", "UPDATE cell SET num = 9223372036854775807"), words=BAD),
    Kind("amount-minus-2-63", "gkb", _tamper("最小整数.gkb", "UPDATE cell SET num = -9223372036854775808"), words=BAD),
    Kind("amount-over-bound", "gkb", _tamper("超大金额.gkb", "UPDATE cell SET num = 1000000000000000"), words=BAD),
    Kind("cell-key-blob", "gkb", _tamper("二进制表键.gkb", "UPDATE cell SET tbl = x'41'"), words=BAD),
    # floating rows
    Kind("float-row-empty-code", "gkb", _tamper(
        "空编码.gkb", "INSERT INTO float_row(tbl, code, name) VALUES ('zhichu', '', '空')"), words=BAD),
    Kind("float-row-blank-code", "gkb", _tamper(
        "空白编码.gkb", "INSERT INTO float_row(tbl, code, name) VALUES ('zhichu', '   ', '空')"), words=BAD),
    Kind("float-row-huge-code", "gkb", _tamper(
        "超长编码.gkb", "INSERT INTO float_row(tbl, code, name) VALUES ('zhichu', hex(zeroblob(50000)), 'x')"), words=BAD),
    Kind("float-row-blob-code", "gkb", _tamper(
        "二进制编码.gkb", "INSERT INTO float_row(tbl, code, name) VALUES ('zhichu', x'3230', 'x')"), words=BAD),
    # cover data: the set id is looked up among the shipped sets, never used as a path
    Kind("meta-no-set-id", "gkb", _tamper("无模板.gkb", "DELETE FROM meta WHERE key = 'set_id'"), words=BAD),
    Kind("set-id-dotdot", "gkb", _tamper(
        "上级目录.gkb", "UPDATE meta SET value = '../../../etc' WHERE key = 'set_id'"), words=BAD),
    Kind("set-id-absolute", "gkb", _tamper(
        "绝对路径.gkb", "UPDATE meta SET value = '/etc/passwd' WHERE key = 'set_id'"), words=BAD),
    Kind("set-id-yaml-file", "gkb", _tamper(
        "模板文件.gkb", "UPDATE meta SET value = 'shanxi_2022_juesuan/set.yaml' WHERE key = 'set_id'"), words=BAD),
    Kind("set-id-shared-folder", "gkb", _tamper(
        "共享目录.gkb", "UPDATE meta SET value = '_shared' WHERE key = 'set_id'"), words=("请升级软件",)),
    Kind("set-id-unknown", "gkb", _tamper(
        "未知模板.gkb", "UPDATE meta SET value = 'guangdong_2031_juesuan' WHERE key = 'set_id'"),
        words=("guangdong_2031_juesuan", "请升级软件")),
    Kind("money-unit-bad", "gkb", _tamper(
        "美元.gkb", "UPDATE meta SET value = '美元' WHERE key = 'money_unit'"), words=(*BAD, "金额单位")),
    Kind("year-garbage", "gkb", _tamper("年度.gkb", "UPDATE meta SET value = '二〇二二' WHERE key = 'year'"),
         words=(*BAD, "年度")),
    Kind("year-implausible", "gkb", _tamper("远年.gkb", "UPDATE meta SET value = '99999' WHERE key = 'year'"),
         words=(*BAD, "年度")),
    Kind("meta-value-blob", "gkb", _tamper(
        "二进制封面.gkb", "UPDATE meta SET value = x'00' WHERE key = 'unit_name'"), words=BAD),
    # 绩效 numbers are exact decimal text
    _jixiao("nan", "NaN"),
    _jixiao("infinity", "Infinity"),
    _jixiao("huge-exponent", "1e999999"),
    _jixiao("garbage", "12元"),
    _jixiao("too-many-digits", "1" * 30),
    _jixiao("two-points", "1.2.3"),
    _jixiao_stored("without-places", None, 1234, None),
    _jixiao_stored("text-with-places", "说明", None, 2),
    _jixiao_stored("places-out-of-range", None, 1234, 9, "PRAGMA ignore_check_constraints = ON"),
    _jixiao_stored("beyond-18-digits", None, 10**18, 0),
    _jixiao_stored("places-as-text", None, 1234, "两位", "PRAGMA ignore_check_constraints = ON"),
    _old_jixiao("nan", "NaN"),
    _old_jixiao("seven-decimals", "1.1234567"),
    _old_jixiao("too-long-to-store", "123456789012345.123456"),
    Kind("jixiao-number-blob", "gkb", _tamper(
        "绩效二进制.gkb", FORM, "INSERT INTO jx_field(form_id, key, txt, num) VALUES (1, 'budget', NULL, x'31')"), words=BAD),
    Kind("jixiao-position-text", "gkb", _tamper(
        "绩效位置.gkb", "INSERT INTO jx_form(id, shape, title, position) VALUES (1, 'a_zhuanyi_ziping', 't', 'first')"), words=BAD),
    # review seals, change log and comments
    Kind("seal-figures-not-json", "gkb", _tamper("封签坏.gkb", _seal("{not json")), words=BAD),
    Kind("seal-figures-array", "gkb", _tamper("封签数组.gkb", _seal("[1, 2]")), words=BAD),
    Kind("seal-figures-number-values", "gkb", _tamper("封签数字.gkb", _seal('{"a|b": 1}')), words=BAD),
    Kind("seal-figures-key-without-place", "gkb", _tamper("封签位置.gkb", _seal('{"abc": "1"}')), words=BAD),
    Kind("seal-figures-amount-not-number", "gkb", _tamper("封签金额.gkb", _seal('{"in_ybgg|amount": "12x"}')),
         words=BAD),
    Kind("seal-digest-not-hex", "gkb", _tamper("封签摘要.gkb", _seal("{}", "zz" * 32)), words=BAD),
    Kind("seal-digest-mismatch", "gkb", _tamper("封签不符.gkb", _seal("{}", "0" * 64)), words=BAD),
    Kind("seal-form-key-garbage", "gkb", _tamper("封签表名.gkb", _seal("{}", tbl="jixiao:abc")), words=BAD),
    Kind("change-log-blob", "gkb", _tamper("日志二进制.gkb", "UPDATE change_log SET who = x'ff'"), words=BAD),
    Kind("comment-parent-text", "gkb", _tamper(
        "批注.gkb", "INSERT INTO review_comment(parent_id, tbl, author, at, text) VALUES ('abc', 't', 'a', 'b', 'c')"),
        words=BAD),
    Kind("review-state-form-key", "gkb", _tamper(
        "审核状态.gkb", "INSERT INTO review_state(tbl, state, who, at) VALUES ('jixiao:', 'approved', 'a', 'b')"),
        words=BAD),
    # journals: one of this file's own cut-short saves is recovered (a read-only command reads a recovered
    # copy and writes nothing); an older file's journal is never applied
    Kind("hot-journal-belongs", "gkb", _hot_journal("断电.gkb", 1),
         runs=(*READ_RUNS, Run(GKB_COMMANDS[7], frozenset({0}), may_write=True)),
         notes="not hostile: the window recovers the file's own save when opening it for editing"),
    Kind("hot-journal-foreign", "gkb", _hot_journal("旧日志.gkb", 3), words=("不属于", "原样保留")),
]
