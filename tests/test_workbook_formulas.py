"""Formula cells in imported workbooks: never run, never dropped in silence.

A workbook saved without cached values (openpyxl, generators) has its simple formulas computed exactly and
each one reported; a cached value that disagrees with its formula is reported; any other formula is reported
as not checked, by sheet and cell. The forms export writes every text as text (no live formula)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hostile.workbooks import DEMO, forms_workbook, minimal_xlsx, rewrite, tables_workbook
from openpyxl import load_workbook

from desktop.cli import main
from desktop.core.formats.formulas import resolve_formulas
from desktop.core.formats.workbook_reader import read_workbook
from desktop.core.formats.xlsx_import import convert_workbook


def _demo_values() -> dict:
    return {k: v["values"] for k, v in json.loads(DEMO.read_text(encoding="utf-8"))["tables"].items()}


def _as_formula(value: float | int, n: int) -> str:
    """One of the simple forms, giving exactly ``value``: =v, =SUM(v), =SUM(a,b), =a+b-c."""
    v = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return [f"={v}", f"=SUM({v})", f"=SUM({v - 1},1)", f"={v + Decimal('3.25')}+2-5.25"][n % 4]


def test_a_workbook_saved_without_cached_values_is_computed_and_reported(tmp_path: Path) -> None:
    source = tmp_path / "导出.xlsx"
    source.write_bytes(tables_workbook())
    wb = load_workbook(source)
    count = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.value = _as_formula(cell.value, count)
                    count += 1
    path = tmp_path / "无缓存.xlsx"
    wb.save(path)  # openpyxl stores formulas without values
    assert count > 100
    conversion = convert_workbook(path)
    assert {k: v["values"] for k, v in conversion.dump["tables"].items()} == _demo_values()
    assert not conversion.unplaced
    assert len(conversion.formulas) == count
    note = str(conversion.formulas[0])
    assert "工作表“" in note and re.search(r"单元格 [A-Z]+\d+", note) and "已按公式算出" in note


def test_cell_references_ranges_and_what_is_not_checked(tmp_path: Path) -> None:
    rows = ('<row r="1"><c r="A1"><v>1.10</v></c><c r="B1"><v>2.20</v></c><c r="C1" t="s"><v>0</v></c>'
            '<c r="D1"><f>SUM(A1:C1)</f></c><c r="E1"><f>$A$1+B1-D1</f></c><c r="F1"><f>SUM(A1,B1,E1)</f></c>'
            '<c r="G1"><f>A1*2</f></c><c r="H1"><f>H1+1</f></c><c r="I1"><f>C1+1</f></c>'
            '<c r="J1"><f>SUM(A1:B1)</f><v>3.3</v></c><c r="K1"><f>A1+B1</f><v>4</v></c>'
            '<c r="L1"><f>VLOOKUP(A1,A1:B1,2)</f><v>2.2</v></c><c r="M1"><f>0.1+0.2</f><v>0.30000000000000004</v></c>'
            "</row>")
    path = tmp_path / "公式.xlsx"
    path.write_bytes(minimal_xlsx([rows], ["文字"]))
    sheet = read_workbook(path)[0]
    cells = {f"{chr(65 + c)}{r + 1}": cell for (r, c), cell in sheet.cells.items()}
    notes = {n.address: n for n in sheet.formula_notes}
    assert cells["D1"].text == "3.3" and cells["D1"].number  # SUM skips the text in C1
    assert cells["E1"].text == "0" and cells["F1"].text == "3.3"
    for unchecked in ("G1", "H1", "I1"):  # a product, a circular reference, text in a sum
        assert "公式未能核对/无缓存值" in notes[unchecked].message and not notes[unchecked].used
        assert cells[unchecked].text == ""
    assert "J1" not in notes and "M1" not in notes  # agreeing caches (float noise allowed) say nothing
    assert "不一致" in notes["K1"].message and "3.3" in notes["K1"].message and cells["K1"].text == "4"
    assert "公式未能核对" in notes["L1"].message and notes["L1"].used
    assert str(notes["K1"]).startswith("工作表“S1”单元格 K1")


def test_huge_ranges_and_numbers_do_not_stall_or_crash(tmp_path: Path) -> None:
    sheet_rows = "".join(f'<row r="{n}"><c r="A{n}"><f>SUM(A{n + 1}:XFD1048576)</f></c></row>' for n in range(1, 400))
    sheet_rows += '<row r="500"><c r="B500"><v>1e999</v></c><c r="C500"><f>B500+1</f></c></row>'
    path = tmp_path / "大范围.xlsx"
    path.write_bytes(minimal_xlsx([sheet_rows]))
    sheet = read_workbook(path)[0]
    assert all(n.message for n in sheet.formula_notes) and len(sheet.formula_notes) == 400
    assert not resolve_formulas([])


def _import_cli(tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "表.xlsx"
    path.write_bytes(data)
    assert main(["import", str(path), "-o", str(tmp_path / "新.gkb")]) == 0
    return capsys.readouterr().out


def test_a_cached_value_that_disagrees_and_an_unchecked_formula_are_reported(tmp_path: Path, capsys) -> None:
    name = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(tables_workbook())).read(name).decode()
    xml = re.sub(r'<c r="C7" s="(\d+)" t="n"><v>([0-9.]+)</v></c>', r'<c r="C7" s="\1"><f>1+1</f><v>\2</v></c>', xml)
    xml = re.sub(r'<c r="C8" s="(\d+)" t="n"><v>([0-9.]+)</v></c>',
                 r'<c r="C8" s="\1"><f>WEBSERVICE("http://example.invalid")</f><v></v></c>', xml)
    out = _import_cli(tmp_path, rewrite(tables_workbook(), {name: xml.encode()}), capsys)
    assert re.search(r"公式：工作表“[^”]+”单元格 C7（=1\+1）：公式算出 2，但文件中保存的结果是 [0-9.]+，两者不一致", out)
    assert re.search(r"未能放入：工作表“[^”]+” · 单元格 C8 · 公式：“=WEBSERVICE.*公式未能核对/无缓存值", out)
    assert "1 个单元格未能放入，1 个公式单元格请核对" in out


def test_forms_export_writes_text_never_a_formula(tmp_path: Path) -> None:
    from hostile.workbooks import document_with_forms

    doc = document_with_forms(tmp_path / "注入.gkb", title='=HYPERLINK("http://example.invalid","点我")')
    book = tmp_path / "绩效.xlsx"
    assert main(["forms", str(doc), "-o", str(book)]) == 0
    with zipfile.ZipFile(book) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"HYPERLINK" in xml
    wb = load_workbook(book)
    titles = [ws["A1"] for ws in wb.worksheets[:1]] + [wb["_gongkai"]["C2"]]
    assert all(c.data_type == "s" and c.value.startswith("=HYPERLINK") for c in titles)


def test_forms_export_is_atomic_and_refused_without_forms(tmp_path: Path, capsys, monkeypatch) -> None:
    from hostile.harness import good_document
    from hostile.workbooks import document_with_forms

    target = tmp_path / "同事的.xlsx"
    target.write_bytes(b"colleague's workbook")
    empty = good_document(tmp_path)
    assert main(["forms", str(empty), "-o", str(target)]) == 2
    assert "本文档没有绩效表" in capsys.readouterr().err
    doc = document_with_forms(tmp_path / "有表.gkb")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", broken)
    assert main(["forms", str(doc), "-o", str(target)]) == 2
    assert "未导出" in capsys.readouterr().err
    assert target.read_bytes() == b"colleague's workbook"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
        ["同事的.xlsx", empty.name, "有表.gkb"])
    assert not list(tmp_path.glob(".gongkai-export-*"))


def test_forms_import_reads_through_the_safe_reader(tmp_path: Path, capsys) -> None:
    from hostile.workbooks import document_with_forms

    doc = document_with_forms(tmp_path / "文档.gkb")
    bomb = tmp_path / "炸弹.xlsx"
    bomb.write_bytes(rewrite(forms_workbook(), {"xl/worksheets/sheet1.xml": b" " * (24 * 1024 * 1024)}))
    before = doc.read_bytes()
    assert main(["forms", str(doc), "--import", str(bomb)]) == 2
    assert "压缩炸弹" in capsys.readouterr().err and doc.read_bytes() == before


def test_a_failure_while_loading_leaves_no_document(tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    from desktop.core.formats import dump as dump_module

    def fail(*args: object) -> None:
        raise sqlite3.IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(dump_module, "load_review", fail)
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    with pytest.raises(dump_module.DumpError, match="未创建文档"):
        dump_module.load_dump(data, tmp_path / "新.gkb", who="测试")
    assert list(tmp_path.iterdir()) == []
