"""Untrusted workbooks: each malformed or hostile file is refused (or read safely) with a Chinese message,
and no document is left behind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import seed_data
from openpyxl import Workbook
from xlsx_handmade import Style, write_handmade

from desktop.cli import main
from desktop.core.formats.workbook_reader import Limits, WorkbookError, read_workbook
from desktop.core.formats.xlsx_import import convert_workbook, import_workbook

BILLION_LAUGHS = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol9;</t></si></sst>"""
SST_REL = ('<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>')
SST_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sharedStrings+xml"/>')


def _small_workbook() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "收入决算表"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _refused(tmp_path: Path, capsys, name: str, data: bytes, words: str) -> None:
    """Refused by the core and by the CLI (exit 2, message on stderr), and no document is created."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(WorkbookError, match=words):
        import_workbook(path, tmp_path / "out.gkb")
    assert main(["import", str(path), "-o", str(tmp_path / "out.gkb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and any("\u4e00" <= ch <= "\u9fff" for ch in err)
    assert not (tmp_path / "out.gkb").exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix != ".xlsx"]


def test_not_a_zip(tmp_path, capsys):
    _refused(tmp_path, capsys, "随机.xlsx", bytes(range(256)) * 8, "不是 Excel 工作簿")


def test_a_renamed_text_file(tmp_path, capsys):
    _refused(tmp_path, capsys, "报表.xlsx", "部门名称：某单位\n合计 100\n".encode(), "不是 Excel 工作簿")


def test_a_broken_zip_and_a_zip_that_is_not_a_workbook(tmp_path, capsys):
    _refused(tmp_path, capsys, "截断.xlsx", _small_workbook()[:300], "已损坏|无法")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "hello")
    _refused(tmp_path, capsys, "压缩包.xlsx", other.getvalue(), "不是 Excel 工作簿|缺少")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, capsys):
    bomb = _rewrite(_small_workbook(), {"xl/worksheets/sheet1.xml": b"<" + b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    _refused(tmp_path, capsys, "炸弹.xlsx", bomb, "压缩炸弹")


def test_an_xml_entity_bomb_in_shared_strings(tmp_path, capsys):
    data = _small_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    bomb = _rewrite(data, {"xl/_rels/workbook.xml.rels": rels.replace("</Relationships>", SST_REL + "</Relationships>").encode(),
                           "[Content_Types].xml": types.replace("</Types>", SST_TYPE + "</Types>").encode()},
                    {"xl/sharedStrings.xml": BILLION_LAUGHS.encode()})
    _refused(tmp_path, capsys, "实体炸弹.xlsx", bomb, "不安全的 XML")


def test_a_sheet_with_a_million_rows(tmp_path, capsys):
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 1_000_001))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>').encode()
    big = _rewrite(_small_workbook(), {"xl/worksheets/sheet1.xml": sheet})
    _refused(tmp_path, capsys, "百万行.xlsx", big, "行|压缩炸弹|上限")


def test_row_and_cell_caps_stop_reading_early(tmp_path):
    data = write_handmade(seed_data("001_0f45429440d9ca6e"), tmp_path / "wb.xlsx", Style())
    assert read_workbook(data)  # within the default limits
    with pytest.raises(WorkbookError, match="超过 100 行"):
        read_workbook(data, Limits(max_rows=100))
    with pytest.raises(WorkbookError, match="非空单元格超过 50 个"):
        read_workbook(data, Limits(max_cells=50))


def test_a_hyperlink_formula_as_a_caption_is_not_followed_and_is_reported(tmp_path, capsys):
    data = seed_data("001_0f45429440d9ca6e")
    path = write_handmade(data, tmp_path / "链接.xlsx", Style(amounts="number"))
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    target = next(c for row in ws.iter_rows() for c in row if c.value == "一、一般公共预算财政拨款收入")
    target.value = '=HYPERLINK("http://example.invalid/x","一、一般公共预算财政拨款收入")'
    wb.save(path)
    conversion = convert_workbook(path)
    assert conversion.set_id == "shanxi_2022_juesuan"
    lost = [u for u in conversion.unplaced if "公式" in u.reason]
    assert len(lost) == 1 and lost[0].raw == "37530895.08" and "HYPERLINK" in lost[0].reason
    assert "in_ybgg" not in conversion.dump["tables"]["shouzhi_zongbiao"]["values"]
    assert main(["import", str(path), "-o", str(tmp_path / "x.gkb")]) == 0
    assert "行标题是公式" in capsys.readouterr().out


def test_a_formula_title_does_not_find_the_table(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = '=HYPERLINK("http://example.invalid","收入决算表")'
    ws["A3"], ws["B3"], ws["C3"] = "科目编码", "科目名称", "本年收入合计"
    ws["A4"], ws["C4"] = "合计", 12
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(WorkbookError, match="没有找到任何公开表"):
        import_workbook(tmp_path / "t.xlsx", tmp_path / "t.gkb")
    assert not (tmp_path / "t.gkb").exists()
