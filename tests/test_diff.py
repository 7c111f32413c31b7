"""`gongkai diff`: what changed between a document and a copy of it."""

from __future__ import annotations

import json
import shutil

from desktop.cli import main
from desktop.core.demo import build_demo
from desktop.core.diff import DiffError, compare_documents
from desktop.core.document import Document
from desktop.core.session import Session

CHANGES = {("zhichu", "2101501", "jb"): 68200040, ("shouzhi_zongbiao", "in_sy", "amount"): 1250,
           ("sangong", "data", "js_gc_yx"): None}


def changed_copy(tmp_path):
    original = build_demo(tmp_path / "a.gkb")
    copy = tmp_path / "b.gkb"
    shutil.copyfile(original, copy)
    session = Session.open(copy, who="张会计")
    try:
        assert session.value(("sangong", "data", "js_gc_yx")) == 3995185
        session.set_values(CHANGES, who="张会计", derive=False)  # exactly three cells, totals left alone
    finally:
        session.close()
    return original, copy


def test_diff_lists_exactly_the_three_changed_cells_with_captions(tmp_path, capsys):
    original, copy = changed_copy(tmp_path)
    with Document.open(original, readonly=True) as a, Document.open(copy, readonly=True) as b:
        result = compare_documents(a, b)
    assert {c.cell for c in result.cells} == set(CHANGES)
    assert not result.rows and not result.meta
    by_cell = {c.cell: c for c in result.cells}
    zc = by_cell[("zhichu", "2101501", "jb")]
    assert (zc.old, zc.new, zc.difference) == (68205640, 68200040, -5600)
    assert zc.table == "公开03表《支出决算表》" and zc.row.startswith("2101501") and "栏次" in zc.column
    assert "682,056.40 → 682,000.40（-56.00）" in zc.text()
    income = by_cell[("shouzhi_zongbiao", "in_sy", "amount")]
    assert "行次5" in income.row and income.old is None and "空 → 12.50" in income.text()

    code = main(["diff", str(original), str(copy)])
    out = capsys.readouterr().out
    assert code == 1 and "共 3 个单元格不同" in out and out.count("→") == 4  # the header line + three cells
    main(["diff", "--json", str(original), str(copy)])
    data = json.loads(capsys.readouterr().out)
    assert {(c["table"], c["row"], c["col"]) for c in data["cells"]} == set(CHANGES)
    assert main(["diff", str(original), str(original)]) == 0


def test_diff_reports_added_rows_and_refuses_different_sets(tmp_path):
    original = build_demo(tmp_path / "a.gkb")
    copy = tmp_path / "b.gkb"
    shutil.copyfile(original, copy)
    session = Session.open(copy)
    session.add_row("zhichu", "2080505", who="x")
    session.close()
    with Document.open(original, readonly=True) as a, Document.open(copy, readonly=True) as b:
        result = compare_documents(a, b)
    assert [(r.code, r.added) for r in result.rows] == [("208", True), ("20805", True), ("2080505", True)]
    other = tmp_path / "c.gkb"
    Document.create(other, {"set_id": "ningxia_2023_juesuan", "unit_name": "x", "year": "2023",
                            "money_unit": "元"}).close()
    with Document.open(original, readonly=True) as a, Document.open(other, readonly=True) as c:
        try:
            compare_documents(a, c)
        except DiffError as exc:
            assert "不同的模板" in str(exc)
        else:
            raise AssertionError("different sets compared")
