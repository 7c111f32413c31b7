"""The 绩效 forms' 注 lines: written in the form files (shapes B and C carry them in seed 001), printed under
the form in the xlsx export and in the window's print, and absent where the printed form has none."""

from __future__ import annotations

import pytest
from conftest import seed_path
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from desktop.cli import main
from desktop.core.formats.forms_xlsx_export import form_layout
from desktop.core.jixiao.form import Form
from desktop.core.jixiao.loader import all_forms, get_form

B_FIRST = "注：1.资金使用单位按项目绩效目标填报，主管部门汇总时按区域绩效目标填报。"
C_LAST = ("5、定性指标，资金使用单位分别按照80%（含）—100%、60%（含）—80%、0—60%合理填写实际完成值，"
          "地方各级主管部门汇总时，按照资金金额度加权平均计算完成值。")


def test_only_the_shapes_printed_with_notes_carry_them():
    with_notes = {key for key, fdef in all_forms().items() if fdef.file.notes}
    assert with_notes == {"b_zhuanyi_shenbao", "c_zhongdian_ziping"}
    for key in with_notes:
        notes = get_form(key).file.notes
        assert len(notes) == 5 and notes[0].startswith("注：1")


def test_the_export_prints_the_notes_below_the_form_in_order(tmp_path, capsys):
    doc = tmp_path / "001.gkb"
    assert main(["load", str(seed_path("001_0f45429440d9ca6e")), "-o", str(doc)]) == 0
    book = tmp_path / "forms.xlsx"
    assert main(["forms", str(doc), "-o", str(book)]) == 0
    capsys.readouterr()
    wb = load_workbook(book)
    shapes = {row[0]: row[1] for row in wb["_gongkai"].iter_rows(min_row=2, values_only=True)}
    seen = set()
    for name, shape in shapes.items():
        ws = wb[name]
        column_a = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
        notes = get_form(shape).file.notes
        if not notes:
            assert not any(str(v or "").startswith("注") for v in column_a), name
            continue
        seen.add(shape)
        assert column_a[-len(notes):] == notes, name  # the last rows, in printed order
        last = ws.max_row
        assert f"A{last}:{get_column_letter(ws.max_column)}{last}" in {str(r) for r in ws.merged_cells.ranges}
        assert ws.cell(row=last, column=1).border.left.style is None  # under the form, not inside it
        assert "说明" in column_a[: -len(notes)]  # the form's own rows come first
    assert seen == {"b_zhuanyi_shenbao", "c_zhongdian_ziping"}
    assert C_LAST in get_form("c_zhongdian_ziping").file.notes and get_form("b_zhuanyi_shenbao").file.notes[0] == B_FIRST


@pytest.mark.parametrize("shape", ["b_zhuanyi_shenbao", "a_zhuanyi_ziping"])
def test_the_window_print_puts_the_notes_after_the_table(shape):
    pytest.importorskip("PySide6")
    from desktop.gui.print_forms import form_html

    fdef = get_form(shape)
    html = form_html(form_layout(fdef, Form(id=1, shape=shape, title=fdef.file.title, position=0)))
    if fdef.file.notes:
        assert html.index("</table>") < html.index(B_FIRST)
    else:
        assert "注：" not in html
