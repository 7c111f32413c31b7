"""The printed layout of tables as the application shows them (desktop.core.grid)."""

from __future__ import annotations

from desktop.core.definitions import get_set
from desktop.core.grid import Span, TableGrid
from desktop.core.rules.rowindex import RowIndex

FLOATING = {"zhichu": [("210", "卫生健康支出"), ("21015", "医疗保障管理事务"), ("2101501", "行政运行"),
                       ("201", "一般公共服务支出"), ("20131", "党委办公厅（室）及相关机构事务"), ("2013101", "行政运行")]}


def grid(set_id: str, table: str, floating=None) -> TableGrid:
    tset = get_set(set_id)
    return TableGrid(tset.table(table), RowIndex(tset, floating or {}))


def test_side_by_side_blocks_share_rows_and_keep_their_hangci():
    g = grid("shanxi_2022_juesuan", "shouzhi_zongbiao")
    assert [c.column.kind for c in g.columns] == ["label", "rowno", "amount"] * 2
    assert g.header[:2] == [Span(0, 0, 1, 3, "收入"), Span(0, 3, 1, 3, "支出")]
    assert g.lanci == ["栏次", "", "1", "栏次", "", "2"]
    row = g.position[("shouzhi_zongbiao", "in_bnhj", "amount")][0]
    assert g.at(row, 1).text == "27" and g.at(row, 0).text == "本年收入合计"
    assert g.position[("shouzhi_zongbiao", "ex_bnhj", "amount")][0] == row  # 本年支出合计 beside it
    blank = g.body[9]  # 行次 10 has no income item but keeps its 行次
    assert blank[0].kind == "empty" and blank[1].text == "10" and blank[2].cell is None


def test_multi_level_headers_merge_across_and_down():
    g = grid("ningxia_2023_juesuan", "zhichu")
    assert g.header_rows == 3
    assert Span(0, 0, 1, 4, "项目") in g.header
    assert Span(1, 0, 1, 3, "功能分类科目编码") in g.header
    assert Span(2, 1, 1, 1, "款") in g.header
    assert Span(0, 4, 3, 1, "本年支出合计") in g.header  # a short path spans down to the 栏次 row


def test_floating_rows_follow_code_order_under_the_total_with_code_parts():
    g = grid("ningxia_2023_juesuan", "zhichu", FLOATING)
    assert g.at(0, 0).kind == "total" and Span(0, 0, 1, 4) in g.body_spans
    codes = [(r[0].text, r[1].text, r[2].text) for r in g.body[1:]]
    assert codes == [("201", "", ""), ("201", "31", ""), ("201", "31", "01"),
                     ("210", "", ""), ("210", "15", ""), ("210", "15", "01")]
    names = [r[3] for r in g.body[1:4]]
    assert [n.indent for n in names] == [0, 1, 2] and names[2].text == "行政运行"
    assert g.position[("zhichu", "2101501", "jb")] == (6, 5)


def test_stacked_sections_keep_their_headings_and_every_value_cell_is_placed():
    tset = get_set("shanxi_2022_juesuan")
    table = tset.table("xinxi_tongji")
    g = TableGrid(table, RowIndex(tset, {}))
    headings = [r[0].text for r in g.body if r[0].kind == "heading"]
    expected = [r.label for b in table.blocks for r in b.rows if r.kind == "heading"]
    assert headings == expected and expected[0] == "一、政府采购情况"
    assert all(r[2].cell is None for r in g.body if r[0].kind == "heading")
    for t in tset.tables:
        g = TableGrid(t, RowIndex(tset, FLOATING))
        data_cells = {(t.key, r.key, c.key) for b in t.blocks for r in b.rows if r.kind == "data"
                      for c in b.columns if c.is_value and c.key not in r.na}
        assert data_cells <= set(g.position), t.key
