"""绩效 forms to xlsx and back: the seeds' nine forms round-trip cell for cell; a row a clerk adds in Excel
is read; printed decimals survive; a workbook that is not ours is reported, not guessed."""

from __future__ import annotations

import json

from conftest import seed_path
from openpyxl import Workbook, load_workbook

from desktop.cli import main
from desktop.core.formats.forms_xlsx import import_forms
from desktop.core.jixiao.dumpio import dump_forms
from desktop.core.session import Session


def build(tmp_path, stem):
    doc = tmp_path / f"{stem}.gkb"
    assert main(["load", str(seed_path(stem)), "-o", str(doc)]) == 0
    return doc


def test_seed_forms_round_trip_through_xlsx(tmp_path, capsys):
    for stem in ("001_0f45429440d9ca6e", "004_6de04d4622149a8f"):
        doc = build(tmp_path, stem)
        book = tmp_path / f"{stem}.xlsx"
        assert main(["forms", str(doc), "-o", str(book)]) == 0
        session = Session.open(doc, readonly=True)
        original = dump_forms(session.doc)
        session.close()
        target = tmp_path / f"{stem}-again.gkb"
        assert main(["new", str(target), "--set", "shanxi_2022_juesuan", "--unit", "x"]) == 0
        assert main(["forms", str(target), "--import", str(book)]) == 0
        session = Session.open(target, readonly=True)
        assert dump_forms(session.doc) == original
        session.close()
    out = capsys.readouterr().out
    assert "未能读入" not in out


def test_export_reads_like_the_printed_form(tmp_path, capsys):
    doc = build(tmp_path, "001_0f45429440d9ca6e")
    book = tmp_path / "f.xlsx"
    assert main(["forms", str(doc), "-o", str(book)]) == 0
    wb = load_workbook(book)
    assert wb["_gongkai"].sheet_state == "hidden"
    ws = wb.worksheets[0]
    assert ws["A1"].value == "医疗救助资金转移支付绩效目标自评表"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.sheet_properties.pageSetUpPr.fitToPage
    merged = {str(r) for r in ws.merged_cells.ranges}
    labels = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    produce = labels["产出指标"]
    assert any(m.startswith(f"A{produce}:A") for m in merged)  # 一级 merged down its rows
    total = labels["年度资金总额"]
    assert ws.cell(row=total, column=7).value == "70.60%"  # the printed rate, as printed
    assert [ws.cell(row=labels["总分"], column=c).value for c in (7, 8)] == [90, 82]  # printed 总分, as printed
    assert ws.cell(row=labels["自评等级"], column=3).value == "良"  # the grade of 82 + 7 = 89
    capsys.readouterr()


def test_a_row_added_in_excel_is_imported(tmp_path, capsys):
    doc = build(tmp_path, "004_6de04d4622149a8f")
    book = tmp_path / "f.xlsx"
    assert main(["forms", str(doc), "-o", str(book)]) == 0
    wb = load_workbook(book)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "成本指标")
    for col, value in ((3, "监管经费"), (4, "≤5万元"), (5, "监管经费"), (6, "≤5万元")):
        ws.cell(row=row, column=col, value=value)
    wb.save(book)
    read = import_forms(book)
    assert read.unplaced == []
    rows = read.forms[0][3]
    assert ("chengben", {"ssq_name": "监管经费", "ssq_target": "≤5万元", "name": "监管经费", "target": "≤5万元"}) in rows
    capsys.readouterr()


def test_a_foreign_workbook_is_reported(tmp_path):
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "职工花名册"
    wb.save(tmp_path / "x.xlsx")
    read = import_forms(tmp_path / "x.xlsx")
    assert read.forms == [] and "Sheet1" in read.unplaced[0] and "不是已知的绩效表样" in read.unplaced[0]
    json.dumps(read.unplaced, ensure_ascii=False)
