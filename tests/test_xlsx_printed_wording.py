"""The exported tables say what the printed seeds say: titles and 注 that agree, 本表无数据 and 单位 worded
and placed as printed, section heads above their captions, 预算 表12/13 numbered and totalled as printed."""

from __future__ import annotations

import openpyxl
import pytest

from desktop.core.formats.xlsx_export import export_document


def _rows(ws) -> list[list[str]]:
    """Each worksheet row as its non-empty cell texts, left to right."""
    out = []
    for row in ws.iter_rows(values_only=True):
        out.append([str(v) for v in row if v is not None and str(v).strip()])
    return out


def _index(rows: list[list[str]], first: str) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == first)


@pytest.fixture
def workbook(load_seed, tmp_path):
    def build(stem: str):
        session, _ = load_seed(stem)
        target = tmp_path / f"{stem}.xlsx"
        export_document(session.doc, target)
        return openpyxl.load_workbook(target)
    return build


def _sheet(wb, label: str):
    return next(ws for ws in wb.worksheets if ws.title.split(" ")[0] == label)


def test_juesuan_2022_title_note_empty_note_and_unit_read_as_printed(workbook):
    wb = workbook("000_add86a24b3a51088")
    rows = _rows(_sheet(wb, "公开06表"))
    # 000 prints a title that agrees with its 注 (金额 includes 项目支出; 其中：基本支出 is a part of it)
    assert rows[1] == ["一般公共预算财政拨款支出决算明细表"]
    assert rows[-1] == ["注：本表反映部门本年度一般公共预算财政拨款支出明细情况（其中包括基本支出明细情况）。"]
    for label in ("公开08表", "公开09表"):
        rows = _rows(_sheet(wb, label))
        assert rows[2][-1] == "单位：元" and not any("金额单位" in t for t in rows[2])
        assert rows[-2][0].startswith("注：本表反映") and rows[-1] == ["说明：本表无数据"]  # 注 first, as printed
    rows = _rows(_sheet(wb, "公开07表"))
    assert rows[2][-1] == "金额单位：元" and not any("本表无数据" in " ".join(r) for r in rows)


def test_xinxi_tongji_section_heads_come_before_their_column_captions(workbook):
    rows = _rows(_sheet(workbook("001_0f45429440d9ca6e"), "公开10表"))
    head1, caps1, first1 = _index(rows, "一、政府采购情况"), _index(rows, "项目"), _index(rows, "合计")
    assert head1 < caps1 < first1 and rows[caps1] == ["项目", "行次", "采购金额"]
    head2 = _index(rows, "二、机关运行经费")
    assert rows[head2 + 1][0] == "项目" and rows[head2 + 1][-1] == "统计数"
    assert rows[head2 + 2][0] == "（一）行政单位"
    head3 = _index(rows, "三、国有资产占用情况")
    assert rows[head3 + 1][0] == "（一）车辆数合计（辆）"


def test_yusuan_tables_print_only_the_notes_and_units_of_004(workbook):
    wb = workbook("004_6de04d4622149a8f")
    with_unit = {"预算公开表2", "预算公开表7", "预算公开表8", "预算公开表9", "预算公开表11"}
    empty = {"预算公开表7", "预算公开表8", "预算公开表9"}
    for ws in wb.worksheets:
        label = ws.title.split(" ")[0]
        rows = _rows(ws)
        fields = rows[2]
        assert fields[0] == "部门名称：朔州市朔城区医疗保障局", label
        assert fields[1:] == (["单位：万元"] if label in with_unit else []), label
        notes = [r[0] for r in rows if r and r[0].startswith(("注", "说明"))]
        assert notes == (["注：本表无数据"] if label in empty else []), label


@pytest.mark.parametrize(("label", "lanci", "total"), [("预算公开表12", 7, 40.64), ("预算公开表13", 5, 27.44)])
def test_project_tables_number_columns_from_1_and_name_the_department_row(workbook, label, lanci, total):
    ws = _sheet(workbook("004_6de04d4622149a8f"), label)
    rows = _rows(ws)
    numbers = [str(n) for n in range(1, lanci + 1)]
    at = rows.index(numbers)  # the 栏次 row, 项目名称 = 1 as printed
    assert "栏次" not in sum(rows, [])
    first = [c.value for c in ws[at + 2] if c.value is not None]  # openpyxl rows are 1-based
    assert first[0] == "朔州市朔城区医疗保障局" and first[1] == pytest.approx(total)
    assert not any("部门合计" in t for r in rows for t in r)
