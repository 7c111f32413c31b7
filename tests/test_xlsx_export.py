"""Excel export: the official layout, text that stays text, print set-up, atomic and byte-identical output."""

from __future__ import annotations

import zipfile

import pytest
from msgspec.structs import replace
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from desktop.cli import main
from desktop.core.definitions import all_sets, get_set
from desktop.core.formats.sheet_layout import table_grid
from desktop.core.formats.xlsx_export import ExportError, build_workbook, export_document, sheet_names


@pytest.fixture
def seed001(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e")
    return session


def _sheet_xml(data: bytes, index: int) -> str:
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def test_the_same_document_exports_to_identical_bytes(seed001, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export_document(seed001.doc, first)
    export_document(seed001.doc, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and "公开表工作台" in core


def test_every_table_is_a_sheet_laid_out_as_published(seed001, tmp_path):
    target = tmp_path / "001.xlsx"
    names = export_document(seed001.doc, target)
    wb = load_workbook(target)
    assert wb.sheetnames == names and len(names) == 10
    ws = wb["公开01表 收入支出决算总表"]
    assert ws["E1"].value == "公开01表" and ws["A2"].value == "收入支出决算总表"
    assert ws["A2"].font.b and ws["A2"].font.sz == 16 and ws["A2"].font.name == "宋体"
    assert "A2:F2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A3"].value == "部门名称：柳林县医疗保障局" and ws["C3"].value == "2022年度"
    assert ws["E3"].value == "金额单位：元"
    assert [ws.cell(4, c).value for c in (1, 4)] == ["收入", "支出"]
    assert "A4:C4" in {str(r) for r in ws.merged_cells.ranges}  # 收入 over 项目 | 行次 | 决算数
    assert [ws.cell(6, c).value for c in range(1, 7)] == ["栏次", None, "1", "栏次", None, "2"]
    assert [ws.cell(7, c).value for c in (1, 2, 3)] == ["一、一般公共预算财政拨款收入", "1", 37530895.08]
    assert ws["C7"].number_format == "#,##0.00" and ws["C7"].border.left.style == "thin"
    assert ws.freeze_panes == "B7"  # header rows and the 项目 column stay in view
    notes = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("注")]
    assert notes == ["注：本表反映部门本年度的总收支和年末结转结余情况。本套报表金额单位转换时可能存在尾数误差。"]


def test_print_setup_a4_legible_titles_repeated_and_page_numbers(seed001, tmp_path):
    target = tmp_path / "001.xlsx"
    export_document(seed001.doc, target)
    wb = load_workbook(target)
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.print_title_rows and ws.print_title_rows.startswith("$4:")
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert effective_points(ws) >= 9.0, ws.title
    # 公开06's 16 columns: not squeezed onto one page width, split between its blocks at the 9 pt scale
    ws = wb["公开06表 一般公共预算财政拨款支出决算明细表"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale >= 86
    assert len(ws.col_breaks.brk) >= 1
    # 公开01 and 公开10 fit one page
    for name in ("公开01表 收入支出决算总表", "公开10表 部门决算公开相关信息统计表"):
        assert wb[name].page_setup.fitToHeight == 1 and wb[name].page_setup.orientation == "portrait"


def effective_points(ws) -> float:
    """The smallest body font size as printed: the font size times the print scale that the page set-up gives
    (fit-to-width / fit-to-height computed from the column widths and row heights, or the fixed scale)."""
    from desktop.core.formats.xlsx_export import column_points, printable_points

    sizes = [c.font.sz for row in ws.iter_rows() for c in row if c.value is not None and c.font and c.font.sz]
    if not ws.sheet_properties.pageSetUpPr.fitToPage:
        return min(sizes) * (ws.page_setup.scale or 100) / 100
    page_w, page_h = printable_points(ws.page_setup.orientation)
    widths = [column_points(ws.column_dimensions[get_column_letter(c)].width or 8.43)
              for c in range(1, ws.max_column + 1)]
    scale = min(1.0, page_w / sum(widths))
    if int(ws.page_setup.fitToHeight or 0) == 1:
        heights = [ws.row_dimensions[r].height or 18.0 for r in range(1, ws.max_row + 1)]
        scale = min(scale, page_h / sum(heights))
    return min(sizes) * scale


@pytest.mark.parametrize("stem", ["000_add86a24b3a51088", "001_0f45429440d9ca6e", "004_6de04d4622149a8f"])
def test_every_table_of_the_seeds_prints_at_9_pt_or_more_on_a4(stem, load_seed, tmp_path):
    session, _ = load_seed(stem)
    target = tmp_path / "x.xlsx"
    export_document(session.doc, target)
    wb = load_workbook(target)
    for ws in wb.worksheets:
        assert effective_points(ws) >= 9.0, ws.title
        totals = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").strip() in ("合计", "总计")]
        assert all(ws.cell(r, 1).font.b for r in totals), ws.title  # 合计/总计 rows bold, as printed
        lanci = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "栏次"]
        assert all(ws.cell(r, 1).font.b for r in lanci), ws.title


def test_codes_are_text_amounts_are_numbers_and_an_equals_caption_is_not_a_formula(seed001, tmp_path):
    tset = seed001.tset
    meta = {"unit_name": "=HYPERLINK(\"http://example.com\",\"点我\")", "year": "2022", "money_unit": "元"}
    floating = {"zhichu": [("210", "卫生健康支出"), ("2101201", "=SUM(A1:A9)")]}
    values = {("zhichu", "2101201", "total"): 1213534315, ("zhichu", "total", "total"): 1213534315}
    data = build_workbook(tset, meta, values, floating, ["zhichu"])
    xml = _sheet_xml(data, 1)
    assert "<f>" not in xml and "<f " not in xml
    assert "=SUM(A1:A9)" in xml and "2101201" in xml
    wb = load_workbook(__import__("io").BytesIO(data))
    ws = wb.active
    codes = [ws.cell(r, 1) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "2101201"]
    assert len(codes) == 1 and codes[0].data_type == "s" and codes[0].number_format == "@"
    row = codes[0].row
    assert ws.cell(row, 2).value == "=SUM(A1:A9)" and ws.cell(row, 2).data_type == "s"
    assert ws.cell(row, 3).value == 12135343.15 and ws.cell(row, 3).data_type == "n"
    assert ws.cell(row, 4).value is None  # empty cells stay blank, not 0


def test_an_empty_table_says_so_and_not_applicable_cells_print_dashes(seed001):
    tset = seed001.tset
    grid = table_grid(tset, "gyzb_zhichu", {}, [], seed001.doc.meta)
    assert [c.text for c in grid.cells.values() if c.role == "empty_note"] == ["说明：本表无数据"]
    values = {(k[1], k[2]): v for k, v in seed001.engine.values.items() if k[0] == "jiben_mingxi"}
    grid = table_grid(tset, "jiben_mingxi", values, [], seed001.doc.meta)
    na = [(r.key, col) for b in tset.table("jiben_mingxi").blocks for r in b.rows for col in r.na]
    assert len(na) > 15 and all(cell not in values for cell in na)  # 309xx, 311xx, 313xx 其中：基本支出
    assert sum(1 for c in grid.cells.values() if c.role == "na" and c.text == "——") == len(na)
    assert not [c for c in grid.cells.values() if c.role == "empty_note"]


def test_multi_row_headers_merge_equal_runs_and_short_paths_span_down():
    grid = table_grid(get_set("shanxi_2022_juesuan"), "sangong", {}, [], {})
    top = grid.header_rows[0]
    assert (top, 0, top, 5) in grid.merges and (top, 6, top, 11) in grid.merges  # 预算数 | 决算数
    assert (top + 1, 0, top + 2, 0) in grid.merges  # 合计 spans down
    assert (top + 1, 2, top + 1, 4) in grid.merges  # 公务用车购置及运行维护费 over 小计 | 购置费 | 运行维护费
    assert grid.cells[(top + 2, 3)].text == "公务用车购置费"


def test_sheet_names_are_unique_and_within_31_characters():
    table = get_set("shanxi_2022_juesuan").table("zhichu")
    long = replace(table, label="公开99表", title="一" * 40)
    names = sheet_names([long, long, long, table])
    assert len(set(names)) == 4 and all(len(n) <= 31 for n in names)
    for tset in all_sets().values():
        names = sheet_names(list(tset.tables))
        assert len(set(names)) == len(names) and all(len(n) <= 31 for n in names)
    cut = replace(table, label="预算公开表5", title="2025年一般公共预算支出预算表(不含上年结转和结余资金)")
    assert sheet_names([cut]) == ["预算公开表5 2025年一般公共预算支出预算表"]  # no half bracket



def test_a_failed_export_leaves_no_file_and_keeps_an_old_one(seed001, tmp_path):
    target = tmp_path / "old.xlsx"
    target.write_bytes(b"old workbook")
    with pytest.raises(ExportError, match="没有表"):
        export_document(seed001.doc, target, ["no_such_table"])
    tset = seed001.tset
    with pytest.raises(ExportError, match="15 位有效数字"):
        build_workbook(tset, {}, {("zhichu", "total", "total"): 10**15}, {}, ["zhichu"])
    with pytest.raises(ExportError, match="不存在"):
        export_document(seed001.doc, tmp_path / "missing" / "x.xlsx")
    assert target.read_bytes() == b"old workbook"
    assert not [p.name for p in tmp_path.iterdir() if "export" in p.name or p.suffix == ".xlsx" and p != target]


def test_cli_export_one_table_and_a_bad_table_key(seed001, tmp_path, capsys):
    out = tmp_path / "zhichu.xlsx"
    assert main(["export", str(seed001.doc.path), "-o", str(out), "--table", "zhichu"]) == 0
    assert load_workbook(out).sheetnames == ["公开03表 支出决算表"]
    assert main(["export", str(seed001.doc.path), "-o", str(tmp_path / "x.xlsx"), "--table", "nope"]) == 2
    assert "没有表 nope" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
