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


def test_the_forms_print_legibly_with_two_level_headers_and_page_numbers(tmp_path, capsys):
    from desktop.core.formats.forms_xlsx_export import MIN_PRINT_PT

    sheets = []
    for stem in ("001_0f45429440d9ca6e", "004_6de04d4622149a8f"):
        book = tmp_path / f"{stem}.xlsx"
        assert main(["forms", str(build(tmp_path, stem)), "-o", str(book)]) == 0
        sheets += [w for w in load_workbook(book).worksheets if w.sheet_state == "visible"]
    checked = 0
    for ws in sheets:
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"宋体"}, ws.title
        assert "&P" in ws.oddFooter.center.text
        scale = 100 if ws.sheet_properties.pageSetUpPr.fitToPage else ws.page_setup.scale
        widths = sum(ws.column_dimensions[c].width for c in "ABCDEFGHIJ"[: ws.max_column])
        page = 10.9 * 72 if ws.page_setup.orientation == "landscape" else 7.5 * 72
        fit = min(1.0, page / (widths * 5.6))
        sizes = [c.font.sz for row in ws.iter_rows() for c in row if c.value is not None]
        assert min(sizes) * min(fit, scale / 100) >= MIN_PRINT_PT, ws.title
        head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "项目")
        rate_cols = [c for c in range(3, ws.max_column + 1)
                     if any("率" in str(ws.cell(r, c).value or "") or "B/A" in str(ws.cell(r, c).value or "")
                            for r in (head, head + 1))]
        rates = [ws.cell(r, c) for r in range(head + 1, head + 8) for c in rate_cols
                 if str(ws.cell(r, c).value or "").endswith("%")]
        assert all(c.alignment.horizontal == "right" for c in rates)  # 执行率 does not run into 分值
        checked += len(rates)
    assert checked
    capsys.readouterr()


def test_a_two_level_funding_header_keeps_both_levels():
    from desktop.core.formats.forms_xlsx_export import form_layout
    from desktop.core.jixiao.form import Form
    from desktop.core.jixiao.loader import all_forms

    fdef = all_forms()["e_lanxian_ziping"]
    layout = form_layout(fdef, Form(0, fdef.key, "某项目绩效自评表", 0, {}, []))
    texts = {(c.row, c.col): (c.value, c.rows, c.cols) for c in layout.cells}
    top = next((r, c) for (r, c), v in texts.items() if v[0] == "年初预算数")
    assert texts[top][2] == 2  # 年初预算数 over 目标申报数 | 预算编制数
    assert texts[(top[0] + 1, top[1])][0] == "目标申报数" and texts[(top[0] + 1, top[1] + 1)][0] == "预算编制数"
    assert texts[(top[0], 1)][0] == "项目" and texts[(top[0], 1)][1] == 2
