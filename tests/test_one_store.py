"""One store: the document package is the only place that talks SQL and writes the change log.

The rooms (forms, review, text parts, 汇总) reach the file only through the typed store functions of
desktop/core/document; the raw connection is the package's own (tests use the named escape hatch).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from desktop.core.document import Document, changelog
from desktop.core.document.testing import raw_connection_for_tests
from desktop.core.narrative.store import read_sections, replace_part, set_body, write_prior

META = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2024", "money_unit": "元"}
WHO = "测试员"


def test_the_document_offers_rooms_no_connection(tmp_path: Path) -> None:
    with Document.create(tmp_path / "d.gkb", META) as doc:
        assert not hasattr(doc, "connection")
        with doc.transaction() as tx:
            assert not hasattr(tx, "execute") and not hasattr(tx, "cursor")
            tx.log("2026-01-01T00:00:00Z", WHO, "note", tbl="x")
        assert doc.change_log(1)[0]["action"] == "note"


def test_text_parts_and_prior_figures_chain_their_change_log_rows(tmp_path: Path) -> None:
    """The text parts wrote change_log rows by hand (no chain value): the chain broke at the next edit."""
    with Document.create(tmp_path / "d.gkb", META) as doc:
        replace_part(doc, "shuoming", [("一、收入", "收入 100 元。"), ("二、支出", "支出 90 元。")], who=WHO)
        section = read_sections(doc, "shuoming")[0]
        assert set_body(doc, section.id, "收入 101 元。", who=WHO)
        write_prior(doc, {"shouru": 10000, "zhichu": None}, {"shouru": "手填"}, who=WHO)
        doc.write({("shouzhi_zongbiao", "in_ybgg", "amount"): 100}, who=WHO)
        conn = raw_connection_for_tests(doc)
        unchained = conn.execute("SELECT COUNT(*) FROM change_log WHERE id NOT IN (SELECT id FROM change_chain)")
        assert unchained.fetchone()[0] == 0
        check = changelog.verify(conn)
        assert check.ok and check.rows == 5 and check.pre_chain == 0
        actions = [e["action"] for e in reversed(doc.change_log())]
        assert actions == ["create", "narrative_import", "narrative_edit", "prior_set", "set"]


def test_a_refused_text_writes_no_log_row(tmp_path: Path) -> None:
    from desktop.core.narrative.store import NarrativeStoreError

    with Document.create(tmp_path / "d.gkb", META) as doc:
        before = doc.change_log()
        with pytest.raises(NarrativeStoreError):
            replace_part(doc, "shuoming", [("一、", "x\x00")], who=WHO)
        assert doc.change_log() == before


# -- the rule, checked on the source ----------------------------------------------------------------
PACKAGE = Path(__file__).resolve().parents[1] / "desktop"
STORE = "core/document/"
# the self-test forges damaged files with sqlite3 to prove the program refuses them
TOOLS = {"selftest.py"}
SQL_CALLS = {"execute", "executemany", "executescript"}
# a statement as SQL is written here, in capitals (prose such as "Select the rows … from" is left alone; SQL in
# any case that is run is caught by its .execute call)
SQL_TEXT = re.compile(
    r"^\s*(?:SELECT\s+\S|INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b|REPLACE\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b"
    r"|(?:CREATE|DROP)\s+(?:TEMP\w*\s+|UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b|ALTER\s+TABLE\b"
    r"|WITH\s+(?:RECURSIVE\s+)?\w+\s+AS\s*\(|PRAGMA\s+\w+"
    r"|(?:BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ATTACH|DETACH)\b(?:\s+[A-Z]+)*\s*;?\s*$)")
PRIVATE = {"_conn", "_connection", "raw_connection_for_tests"}


def _text(node: ast.AST) -> str | None:
    """The text of a string literal; an f-string's holes read as ``?``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "?"
                       for v in node.values)
    return None


def _private_imports(node: ast.AST) -> list[str]:
    """sqlite3, or the document package's own way to its connection (tests' escape hatch included)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "sqlite3"]
    if not isinstance(node, ast.ImportFrom):
        return []
    module = (node.module or "").split(".")
    if module[0] == "sqlite3" or module[-2:] == ["document", "testing"]:
        return [".".join(module)]
    return [a.name for a in node.names if a.name in PRIVATE or (a.name == "testing" and module[-1] == "document")]


def store_offences(source: str, name: str) -> list[str]:
    """Where ``source`` talks SQL itself or reaches for the document's connection, as ``name:line: what``."""
    out: list[str] = []
    for node in ast.walk(ast.parse(source, name)):
        what = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            what = f".{node.func.attr}()"
        elif (text := _text(node)) is not None and SQL_TEXT.match(text):
            what = f"SQL text {text.strip()[:40]!r}"
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            what = f"the document's connection (.{node.attr})"
        elif imported := _private_imports(node):
            what = f"import {', '.join(imported)}"
        if what:
            out.append(f"{name}:{node.lineno}: {what}")
    return sorted(set(out), key=lambda s: (s.split(":")[0], int(s.split(":")[1])))


def test_only_the_document_package_talks_sql() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(STORE) or rel in TOOLS:
            continue
        offences += store_offences(path.read_text(encoding="utf-8"), f"desktop/{rel}")
    assert offences == [], "SQL outside desktop/core/document (move it into a store module there):\n" + "\n".join(offences)


def test_the_listed_tools_still_exist() -> None:
    """An exception for a file that was moved away would silently excuse its successor: drop it from TOOLS."""
    assert all((PACKAGE / rel).is_file() for rel in TOOLS), sorted(r for r in TOOLS if not (PACKAGE / r).is_file())


@pytest.mark.parametrize("snippet", [
    'conn.execute("UPDATE x SET y = 1")',
    "cursor.executemany(sql, rows)",
    "db.executescript(script)",
    'rows = "SELECT tbl, row FROM cell WHERE num > 0"',
    'sql = f"SELECT {cols} FROM change_log WHERE id > ?"',
    'q = ("INSERT OR REPLACE INTO meta(key, value) "\n     "VALUES (?, ?)")',
    "s = 'DELETE FROM review_seal WHERE tbl = ?'",
    'one = "SELECT 1"',
    'S = "CREATE TABLE t (a)"',
    'P = "PRAGMA user_version"',
    'B = "BEGIN IMMEDIATE"',
    "import sqlite3",
    "from sqlite3 import Connection",
    "c = doc._conn",
    "from desktop.core.document.testing import raw_connection_for_tests",
    "from ..document.tx import _connection",
])
def test_the_scan_catches_sql_in_any_form(snippet: str) -> None:
    assert store_offences(snippet, "room.py"), snippet


@pytest.mark.parametrize("snippet", [
    '"""Select the rows to print, then update the totals from the figures."""',
    'msg = "请选择要导入的文件（SELECT 文件）后再试"',
    'label = "Begin"',
    "dialog.exec()",
    'x = "update"',
    "s = 'Delete from the list the rows you do not need.'",
    "from ..document import Document, forms_rows",
])
def test_the_scan_leaves_prose_and_other_calls_alone(snippet: str) -> None:
    assert store_offences(snippet, "room.py") == [], snippet


def test_only_the_change_log_module_writes_change_log_rows() -> None:
    """Inside the package too: every row of the log (and its chain value) is written by changelog.py."""
    writes = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b[^;]*\bchange_(?:log|chain)\b")
    writers = set()
    for path in sorted((PACKAGE / STORE).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (text := _text(node)) is not None and writes.match(text):
                writers.add(path.name)
    assert writers == {"changelog.py"}
