"""Forms in the .gkb file: floating indicator rows persist, edits are logged, bad input changes nothing,
old documents upgrade, and every shipped form definition loads (a broken one is named in Chinese)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import make_old_document

from desktop.core.definitions import DefinitionError
from desktop.core.document import Document, schema_version
from desktop.core.jixiao.book import FormBook, FormEditError
from desktop.core.jixiao.loader import all_forms, forms_dir, load_forms
from desktop.core.session import Session

WHO = "测试员"
META = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2024", "money_unit": "元"}


def names(book, fid, level2):
    return [i.text("name") for i in book.form(fid).under(level2)]


def test_add_remove_and_reorder_indicators_persist_across_reopen(tmp_path):
    path = tmp_path / "f.gkb"
    doc = Document.create(path, META)
    book = FormBook(doc)
    fid = book.add_form("c_zhongdian_ziping", "甲项目自评表", who=WHO)
    other = book.add_form("g_mubiao", "乙项目目标表", who=WHO)
    ids = [book.add_indicator(fid, "shuliang", who=WHO, texts={"name": n}) for n in ("A", "B", "C")]
    book.add_indicator(fid, "shuliang", who=WHO, index=0, texts={"name": "前"})
    book.add_indicator(fid, "zhiliang", who=WHO, texts={"name": "质量", "weight": "20分"})
    book.move_indicator(fid, ids[2], 1, who=WHO)
    book.remove_indicator(fid, ids[0], who=WHO)
    assert names(book, fid, "shuliang") == ["前", "C", "B"]
    doc.close()

    session = Session.open(path)
    again = session.forms
    assert [f.title for f in again.forms()] == ["甲项目自评表", "乙项目目标表"]
    assert names(again, fid, "shuliang") == ["前", "C", "B"]
    assert str(again.form(fid).under("zhiliang")[0].number("weight")) == "20"
    assert again.form(other).indicators == []
    actions = [r["action"] for r in session.doc.change_log() if (r["tbl"] or "").startswith("jixiao:")]
    assert actions.count("add_indicator") == 5 and "move_indicator" in actions and "remove_indicator" in actions
    session.close()


def test_a_refused_edit_changes_nothing(tmp_path):
    doc = Document.create(tmp_path / "f.gkb", META)
    book = FormBook(doc)
    fid = book.add_form("a_zhuanyi_ziping", "甲", who=WHO)
    ind = book.add_indicator(fid, "shuliang", who=WHO, texts={"name": "人次", "weight": "8"})
    before = (len(doc.change_log()), book.form(fid).under("shuliang")[0].cells.copy())
    for bad in ("八分", "-1", "1,2,3"):
        with pytest.raises(FormEditError) as info:
            book.set_indicator(fid, ind, "weight", bad, who=WHO)
        assert "分值" in str(info.value)
    with pytest.raises(FormEditError, match="金额"):
        book.set_field(fid, "f.total.qn", "两千", who=WHO)
    with pytest.raises(FormEditError, match="优"):
        book.set_field(fid, "grade", "很好", who=WHO)
    with pytest.raises(FormEditError, match="没有二级指标"):
        book.add_indicator(fid, "nonexistent", who=WHO)
    with pytest.raises(FormEditError, match="没有这一栏"):
        book.set_field(fid, "t.nonexistent", "x", who=WHO)
    assert (len(doc.change_log()), book.form(fid).under("shuliang")[0].cells) == before
    book.reload()
    assert book.form(fid).under("shuliang")[0].cells == before[1]
    doc.close()


def test_numbers_keep_their_printed_decimals_and_never_become_float(tmp_path):
    """Stored as integers with their places (desktop/core/document/numbers.py; before migration 0006 as decimal
    text): 1782.40 is (178240, 2) and 1928 is (1928, 0), and each reads back with the decimals it was typed with."""
    path = tmp_path / "f.gkb"
    doc = Document.create(path, META)
    book = FormBook(doc)
    fid = book.add_form("a_zhuanyi_ziping", "甲", who=WHO)
    book.set_field(fid, "f.total.qn", "1,928.75", who=WHO)
    book.set_field(fid, "f.total.zx", "1782.40", who=WHO)
    book.set_field(fid, "f.total.nc", "1928", who=WHO)
    doc.close()
    conn = sqlite3.connect(path)
    stored = {k: (n, p) for k, n, p in conn.execute("SELECT key, num, places FROM jx_field WHERE num IS NOT NULL")}
    types = {t for (t,) in conn.execute("SELECT DISTINCT typeof(num) || '/' || typeof(places) FROM jx_field "
                                        "WHERE num IS NOT NULL")}
    conn.close()
    assert stored == {"f.total.qn": (192875, 2), "f.total.zx": (178240, 2), "f.total.nc": (1928, 0)}
    assert types == {"integer/integer"}
    with Document.open(path) as doc:
        fields = FormBook(doc).form(fid).fields
        assert {k: format(fields[k], "f") for k in stored} == {"f.total.qn": "1928.75", "f.total.zx": "1782.40",
                                                                "f.total.nc": "1928"}


def test_a_version_1_document_upgrades_and_keeps_its_values(tmp_path):
    path = make_old_document(tmp_path / "old.gkb", 1, META, {("zhichu", "total", "xm"): 123456})
    assert schema_version() >= 2
    doc = Document.open(path)
    assert doc.values() == {("zhichu", "total", "xm"): 123456}
    book = FormBook(doc)
    assert book.forms() == []
    book.add_form("g_mubiao", "新项目目标表", who=WHO)
    doc.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert conn.execute("SELECT title FROM jx_form").fetchall() == [("新项目目标表",)]
    conn.close()


def test_every_shipped_form_definition_loads():
    forms = all_forms()
    assert {f.file.shape for f in forms.values()} == {"A", "B", "C", "D", "E", "F", "G", "整体"}
    for fdef in forms.values():
        assert fdef.funding.total_row.key == "total"
        assert all(fdef.level2(k) for k in fdef.level2_keys)


def test_a_broken_definition_is_reported_with_its_file_and_place(tmp_path: Path):
    folder = tmp_path / "jixiao"
    shutil.copytree(forms_dir(), folder)
    target = folder / "a_zhuanyi_ziping.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("role: exec", "role: spent"), encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_forms(folder)
    assert "a_zhuanyi_ziping.yaml" in str(info.value) and "funding.columns.2.role" in str(info.value)
    target.write_text(target.read_text(encoding="utf-8").replace("role: spent", "role: exec"), encoding="utf-8")
    # a check switched by a name no rule has (checks are rules in _shared/rules.yaml, changed per form by id)
    target.write_text(target.read_text(encoding="utf-8") + "overrides:\n  no_such_check: {severity: error}\n",
                      encoding="utf-8")
    with pytest.raises(DefinitionError, match="没有编号为 no_such_check 的共用规则") as info:
        load_forms(folder)
    assert "GK109" in str(info.value) and "a_zhuanyi_ziping.yaml（overrides.no_such_check）" in str(info.value)
