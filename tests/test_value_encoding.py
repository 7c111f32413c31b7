"""One value encoding for numbers (desktop/core/document/numbers.py) and migration 0006.

绩效 form numbers were decimal text; they are now integers with their places, like every number of the file.
Files written at versions 2..5 still open (writable: upgraded in place; read-only: upgraded in memory) and read
the same values, seals over forms keep their digests and signatures, and a value the integers cannot hold is
refused at entry and on opening, changing nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import make_old_document
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.demo import build_demo
from desktop.core.document import Document, DocumentError, forms_rows, numbers, schema_version
from desktop.core.document.migrations import migrate, migrations
from desktop.core.formats.dump import dump_document
from desktop.core.jixiao.book import FormBook
from desktop.core.jixiao.errors import FormEditError
from desktop.core.review import seal as sl
from desktop.core.session import Session

META = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
WHO = "测试员"
CLERK, REVIEWER = "张会计", "李审核"
# decimal text as versions 2..5 stored it (what format(Decimal, "f") gave for typed or imported figures)
OLD_FIELDS = {"f.total.qn": "1928.75", "f.total.zx": "1782.44", "f.total.zxl": "93", "f.total.fz": "10",
              "f.total.df": "9.3", "f.zhongyang.qn": "10.0350", "f.shengji.qn": "0.000001",
              "f.shiji.qn": "-27.15", "f.xianji.qn": "0.00", "t.xmmc": "特定项目", "total.score": "93.30",
              "f.qita.qn": "123456789012.345678"}
OLD_CELLS = {"name": "指标1", "weight": "20", "score": "15.8", "target": "≥95%"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def old_form_file(path: Path, version: int, fields: dict[str, str] = OLD_FIELDS) -> Path:
    """A document as release ``version`` (2..5) wrote it, with one form whose numbers are decimal text."""
    make_old_document(path, version, META, {("shouzhi_zongbiao", "in_ybgg", "amount"): 123456})
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO jx_form(id, shape, title, position) VALUES (1, 'a_zhuanyi_ziping', '特定项目自评表', 1)")
    conn.execute("INSERT INTO jx_indicator(id, form_id, level2, position) VALUES (7, 1, 'shuliang', 1)")
    for key, value in fields.items():
        text = key.startswith("t.")
        conn.execute("INSERT INTO jx_field(form_id, key, txt, num) VALUES (1, ?, ?, ?)",
                     (key, value if text else None, None if text else value))
    for col, value in OLD_CELLS.items():
        text = col in ("name", "target")
        conn.execute("INSERT INTO jx_indicator_cell(indicator_id, col, txt, num) VALUES (7, ?, ?, ?)",
                     (col, value if text else None, None if text else value))
    conn.commit()
    conn.close()
    return path


def as_version_5(path: Path) -> None:
    """Rewrite a file of today as version 5 stored it: the 绩效 number tables of migration 0002, numbers as text."""
    (v2,) = [sql for number, sql in migrations() if number == 2]
    create = {name: stmt for stmt in v2.split(";\n") for name in ("jx_field", "jx_indicator_cell")
              if f"CREATE TABLE {name} (" in stmt}
    conn = sqlite3.connect(path)
    for table, keys in (("jx_field", "form_id, key"), ("jx_indicator_cell", "indicator_id, col")):
        rows = conn.execute(f"SELECT {keys}, txt, num, places FROM {table}").fetchall()
        conn.execute(f"DROP TABLE {table}")
        conn.execute(create[table])
        conn.executemany(f"INSERT INTO {table}({keys}, txt, num) VALUES (?, ?, ?, ?)",
                         [(a, b, t, None if n is None else format(Decimal(n).scaleb(-p), "f")) for a, b, t, n, p in rows])
    conn.execute("DROP TABLE IF EXISTS undo_step")  # migration 0007 came later
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()


def shown(values: dict) -> dict[str, str]:
    return {k: format(v, "f") if isinstance(v, Decimal) else v for k, v in values.items()}


# -- the codec ------------------------------------------------------------------------------------
@given(st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1), st.integers(min_value=0, max_value=6))
def test_every_number_it_accepts_comes_back_exactly_with_its_decimals(units: int, places: int) -> None:
    value = Decimal(units).scaleb(-places)
    assert numbers.encode(value) == (units, places)
    back = numbers.decode(*numbers.encode(value))
    assert back == value and format(back, "f") == format(value, "f") == numbers.text(units, places)


@pytest.mark.parametrize(("value", "stored"), [
    ("70.60", (7060, 2)), ("93", (93, 0)), ("93.00", (9300, 2)), ("-0.50", (-50, 2)), ("10.0350", (100350, 4)),
    ("0", (0, 0)), ("-0.00", (0, 2)), ("1E+2", (100, 0)), ("999999999999.999999", (999999999999999999, 6)),
])
def test_printed_figures_and_their_integers(value: str, stored: tuple[int, int]) -> None:
    assert numbers.encode(Decimal(value)) == stored


@pytest.mark.parametrize(("value", "words"), [
    ("0.1234567", "小数位数过多"), ("1234567890123.123456", "18 位"), ("1000000000000000000", "18 位"),
    ("NaN", "不是有限"), ("Infinity", "不是有限"),
])
def test_what_the_integers_cannot_hold_is_refused_in_chinese(value: str, words: str) -> None:
    with pytest.raises(numbers.NumberEncodingError, match=words):
        numbers.encode(Decimal(value))


def test_table_amounts_are_whole_hundredths_in_range() -> None:
    assert numbers.is_hundredths(123456) and numbers.is_hundredths(-(10**15) + 1)
    assert not any(numbers.is_hundredths(v) for v in (10**15, 1.5, Decimal(1), True, "1"))


# -- entry ----------------------------------------------------------------------------------------
def test_entry_refuses_a_number_the_file_cannot_store_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "f.gkb"
    with Document.create(path, META) as doc:
        book = FormBook(doc)
        fid = book.add_form("a_zhuanyi_ziping", "甲", who=WHO)
        book.set_field(fid, "f.total.qn", "100", who=WHO)
        log = doc.change_log()
        with pytest.raises(FormEditError, match="全年预算数.*18 位"):
            book.set_field(fid, "f.total.qn", "123,456,789,012,345.1234", who=WHO)
        with pytest.raises(DocumentError, match="小数位数过多") as info:  # below the forms room: the store refuses
            forms_rows.write_fields(doc, fid, {"f.total.zx": Decimal("1.1234567"), "f.total.nc": Decimal(5)}, who=WHO)
        assert info.value.code == "bad_value"
        assert doc.change_log() == log
        assert shown(FormBook(doc).form(fid).fields) == {"f.total.qn": "100"}


# -- older files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("version", [2, 3, 4, 5])
def test_an_older_file_opens_and_reads_the_same_values(tmp_path: Path, version: int) -> None:
    path = old_form_file(tmp_path / f"v{version}.gkb", version)
    before = digest(path)
    with Document.open(path, readonly=True) as doc:  # read-only: upgraded in memory, the file untouched
        (form,) = FormBook(doc).forms()
        assert shown(form.fields) == OLD_FIELDS and shown(form.indicators[0].cells) == OLD_CELLS
    assert digest(path) == before
    with Document.open(path) as doc:  # writable: upgraded in place
        (form,) = FormBook(doc).forms()
        assert shown(form.fields) == OLD_FIELDS and shown(form.indicators[0].cells) == OLD_CELLS
        assert doc.values() == {("shouzhi_zongbiao", "in_ybgg", "amount"): 123456}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    stored = dict(conn.execute("SELECT key, num || '/' || places FROM jx_field WHERE num IS NOT NULL"))
    kinds = {t for (t,) in conn.execute("SELECT typeof(num) || typeof(places) FROM jx_field WHERE num IS NOT NULL "
                                        "UNION SELECT typeof(num) || typeof(places) FROM jx_indicator_cell "
                                        "WHERE num IS NOT NULL")}
    conn.close()
    assert kinds == {"integerinteger"}
    assert stored["f.total.zx"] == "178244/2" and stored["f.total.zxl"] == "93/0"
    assert stored["f.zhongyang.qn"] == "100350/4" and stored["f.qita.qn"] == "123456789012345678/6"


def test_an_older_file_with_a_number_too_long_for_the_integers_is_refused_unchanged(tmp_path: Path) -> None:
    path = old_form_file(tmp_path / "v5.gkb", 5, {"f.total.qn": "123456789012345.123456"})  # 21 digits
    before = digest(path)
    for readonly in (True, False):
        with pytest.raises(DocumentError, match="位数超出本软件能保存的范围") as info:
            Document.open(path, readonly=readonly)
        assert info.value.code == "bad_content" and "jx_field" in str(info.value)
    assert digest(path) == before


def test_the_migration_itself_stops_on_a_number_it_cannot_hold() -> None:
    """Opening refuses such a file first; the upgrade's own CHECK is the second line (nothing half-moved)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for number, sql in migrations():
        if number <= 5:
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
    conn.execute("INSERT INTO jx_form VALUES (1, 'a_zhuanyi_ziping', 't', 1)")
    conn.execute("INSERT INTO jx_field VALUES (1, 'f.total.qn', NULL, '1234567890123456.789')")
    conn.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError):
        migrate(conn, 5)
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT num FROM jx_field").fetchall() == [("1234567890123456.789",)]


# -- seals and signatures -------------------------------------------------------------------------
@pytest.fixture
def profiles(tmp_path, monkeypatch):
    folders = {CLERK: tmp_path / "clerk-profile", REVIEWER: tmp_path / "reviewer-profile"}

    def use(name: str) -> None:
        monkeypatch.setenv("GONGKAI_PROFILE", str(folders[name]))

    use(CLERK)
    return use


def test_a_signed_form_stays_signed_through_the_upgrade(tmp_path: Path, profiles) -> None:
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        fid = s.forms.add_form("a_zhuanyi_ziping", "特定项目自评表", who=CLERK)
        for key, text in (("f.total.qn", "10.0350"), ("f.zhongyang.qn", "10.0350"), ("f.total.nc", "10")):
            s.forms.set_field(fid, key, text, who=CLERK)
        s.forms.add_indicator(fid, "shuliang", who=CLERK, texts={"name": "指标1", "target": "≥95%"})
        key = f"jixiao:{fid}"
        assert s.review.blockers(key) == []
        s.review.submit(key, who=CLERK)
    profiles(REVIEWER)
    with closing(Session.open(path, who=REVIEWER, review=True)) as s:
        s.review.approve(key, who=REVIEWER)
        sealed = s.review.seal(key)
    assert '"field|f.zhongyang.qn":"10.0350"' in sealed.figures and '"field|f.total.nc":"10"' in sealed.figures
    old = tmp_path / "v5.gkb"
    shutil.copy(path, old)
    as_version_5(old)
    for readonly in (True, False):
        with closing(Session.open(old, who=REVIEWER, readonly=readonly)) as s:
            verdict = s.review.verify().tables[key]
            assert verdict.trusted and verdict.problems == [], verdict.problems
            assert s.review.seal_intact(key) and s.review.seal(key) == sealed
            assert sl.canonical(sl.figures(s.doc, key)) == sealed.figures
    with Document.open(path, readonly=True) as today, Document.open(old, readonly=True) as upgraded:
        assert dump_document(today)["forms"] == dump_document(upgraded)["forms"]
