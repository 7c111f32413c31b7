"""Hostile workbooks given to `gongkai import` and `gongkai forms GOOD --import`: bombs, formulas that must not
be trusted, files that are not workbooks, and things that are not files at all.

A kind that is legitimately read (formulas without a cached value, an .xlsm with macros, a real .xls) declares
its runs: the import succeeds with a report and writes the new document (``may_write``); the forms import
runs on a document made beside the input (``{input}.gkb``) so the healthy shared document is never changed.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from hostile.harness import Kind, Run, good_document
from hostile.workbooks import (
    XLS,
    demo_document,
    document_with_forms,
    forms_workbook,
    member,
    minimal_xlsx,
    rewrite,
    tables_workbook,
)

IMPORT = ("import", "{input}", "-o", "{out}.gkb")
FORMS_BESIDE = ("forms", "{input}.gkb", "--import", "{input}")
SHEET1 = "xl/worksheets/sheet1.xml"
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
                            for n in range(1, 10))
                  + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                  'uniqueCount="1"><si><t>&lol9;</t></si></sst>')


def _file(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data())
        return path

    return build


def _with_forms_doc(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    """The workbook, and a document with one form beside it (``NAME.gkb``) for the forms import to add to."""

    def build(folder: Path) -> Path:
        path = _file(name, data)(folder)
        document_with_forms(Path(f"{path}.gkb"))
        return path

    return build


def _sheet_edit(data: Callable[[], bytes], edit: Callable[[str], str], name: str = SHEET1) -> Callable[[], bytes]:
    return lambda: rewrite(data(), {name: edit(member(data(), name).decode()).encode()})


def _every_sheet(data: Callable[[], bytes], edit: Callable[[str], str]) -> Callable[[], bytes]:
    def build() -> bytes:
        with zipfile.ZipFile(io.BytesIO(data())) as archive:
            names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return rewrite(data(), {n: edit(member(data(), n).decode()).encode() for n in names})

    return build


NUMBER_CELL = re.compile(r'<c r="([A-Z]+\d+)" s="(\d+)" t="n"><v>([0-9.E+-]+)</v></c>')


def _amounts_to_formulas(xml: str) -> str:
    """Every number cell becomes a formula without a cached value (what openpyxl writes): =SUM(n) or =n+0."""
    def one(m: re.Match) -> str:
        value = m.group(3)
        formula = f"SUM({value})" if len(value) % 2 else f"{value}+0"
        return f'<c r="{m.group(1)}" s="{m.group(2)}"><f>{formula}</f><v></v></c>'

    return NUMBER_CELL.sub(one, xml)


def _first_amount_cached_wrong(xml: str) -> str:
    return NUMBER_CELL.sub(lambda m: f'<c r="{m.group(1)}" s="{m.group(2)}"><f>{m.group(3)}+1</f><v>{m.group(3)}</v></c>',
                           xml, count=3)


def _formula_in_amounts(formula: str) -> Callable[[str], str]:
    def edit(xml: str) -> str:
        return NUMBER_CELL.sub(lambda m: f'<c r="{m.group(1)}" s="{m.group(2)}"><f>{formula}</f><v></v></c>', xml, count=4)

    return edit


def _forms_formula(xml: str) -> str:
    """The forms sheet: the 主管部门 text becomes a HYPERLINK formula, two numbers become SUMs; no cached values."""
    xml = re.sub(r'<c r="C4"([^>]*?) t="inlineStr"><is><t>[^<]*</t></is></c>',
                 r'<c r="C4"\1><f>HYPERLINK("http://example.invalid/x","交通局")</f><v></v></c>', xml, count=1)
    return re.sub(r'<c r="([A-Z]+\d+)" s="(\d+)" t="n"><v>([0-9.]+)</v></c>',
                  lambda m: f'<c r="{m.group(1)}" s="{m.group(2)}"><f>SUM({m.group(3)},0)</f><v></v></c>', xml, count=2)


def _zip_bomb() -> bytes:
    return rewrite(tables_workbook(), {SHEET1: b" " * (24 * 1024 * 1024)})


def _external_entity() -> bytes:
    xml = member(tables_workbook(), SHEET1).decode()
    doctype = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    xml = (doctype + xml).replace("<sheetData>", "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t>"
                                  "</is></c></row>", 1)
    return rewrite(tables_workbook(), {SHEET1: xml.encode()})


def _huge_dimension() -> bytes:
    return minimal_xlsx(['<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'])


def _million_rows() -> bytes:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 1_000_001))
    return minimal_xlsx([rows])


def _many_sheets() -> bytes:
    return minimal_xlsx(['<row r="1"><c r="A1"><v>1</v></c></row>'] * 230)


def _many_members() -> bytes:
    return rewrite(tables_workbook(), add={f"xl/media/image{n}.png": b"x" for n in range(1100)})


def _xlsm() -> bytes:
    return rewrite(tables_workbook(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500})


def _ole_not_xls() -> bytes:
    data = XLS.read_bytes()
    name = "Workbook".encode("utf-16-le")
    return data.replace(name, "Wxrkbook".encode("utf-16-le")).replace("Book".encode("utf-16-le"), "Bxxk".encode("utf-16-le"))


def _fifo(name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        os.mkfifo(folder / name)
        return folder / name

    return build


def _symlink(name: str, to: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / name).symlink_to(to)
        return folder / name

    return build


def _directory(name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / name).mkdir()
        return folder / name

    return build


def _sparse(name: str, size: int) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        with open(folder / name, "wb") as fh:
            fh.write(b"PK\x03\x04")
            fh.truncate(size)
        return folder / name

    return build


def _no_forms_export(folder: Path) -> Path:
    """A document without forms and a colleague's workbook at the export target (it must survive)."""
    path = good_document(folder)
    Path(f"{path}.xlsx").write_bytes(tables_workbook())
    return path


READ = (Run(IMPORT, frozenset({0}), may_write=True), Run(FORMS_BESIDE, frozenset({0}), may_write=True))
FORMS_READ = (Run(FORMS_BESIDE, frozenset({0}), may_write=True),)

KINDS = [
    # bombs and sizes
    Kind("zip-bomb", "workbook", _file("炸弹.xlsx", _zip_bomb), words=("压缩",)),
    Kind("entity-bomb", "workbook", _file("实体炸弹.xlsx", lambda: rewrite(
        minimal_xlsx(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], ["x"]),
        {"xl/sharedStrings.xml": BILLION_LAUGHS.encode()})), words=("不安全的 XML",)),
    Kind("external-entity", "workbook", _file("外部实体.xlsx", _external_entity), words=("不安全的 XML",)),
    Kind("huge-sheet-dimension", "workbook", _file("巨大区域.xlsx", _huge_dimension), words=("行",)),
    Kind("million-rows", "workbook", _file("百万行.xlsx", _million_rows)),
    Kind("many-sheets", "workbook", _file("很多工作表.xlsx", _many_sheets), words=("工作表",)),
    Kind("many-members", "workbook", _file("很多部件.xlsx", _many_members), words=("部件",)),
    Kind("huge-file", "workbook", _sparse("超大.xlsx", 31 * 1024 * 1024), words=("上限",)),
    # formulas: read, never run, reported cell by cell
    Kind("formulas-without-cache", "workbook", _with_forms_doc("无缓存公式.xlsx",
         _every_sheet(tables_workbook, _amounts_to_formulas)), runs=READ,
         notes="openpyxl-written formulas: computed exactly (SUM, +), each reported"),
    Kind("formula-cache-disagrees", "workbook", _with_forms_doc("缓存不符.xlsx",
         _sheet_edit(tables_workbook, _first_amount_cached_wrong)), runs=READ),
    Kind("hyperlink-formulas", "workbook", _with_forms_doc("超链接.xlsx",
         _sheet_edit(tables_workbook, _formula_in_amounts('HYPERLINK("http://example.invalid/x","1")'))), runs=READ),
    Kind("webservice-formulas", "workbook", _with_forms_doc("网络服务.xlsx",
         _sheet_edit(tables_workbook, _formula_in_amounts('WEBSERVICE("http://example.invalid/x")'))), runs=READ),
    Kind("dde-formulas", "workbook", _with_forms_doc("DDE.xlsx",
         _sheet_edit(tables_workbook, _formula_in_amounts("cmd|' /C calc'!A0"))), runs=READ),
    Kind("forms-formulas-without-cache", "workbook", _with_forms_doc("绩效公式.xlsx",
         _sheet_edit(forms_workbook, _forms_formula)), runs=FORMS_READ),
    Kind("number-overflow-cell", "workbook", _with_forms_doc("溢出.xlsx", _sheet_edit(
        tables_workbook, lambda x: NUMBER_CELL.sub(r'<c r="\1" s="\2" t="n"><v>1e999</v></c>', x, count=3))), runs=READ),
    # not what the name says
    Kind("xls-renamed-text", "workbook", _file("文本.xls", lambda: "姓名,金额\n张三,100\n".encode()),
         words=("不是 Excel 工作簿",)),
    Kind("xls-truncated", "workbook", _file("半个.xls", lambda: XLS.read_bytes()[:3000])),
    Kind("ole-not-xls", "workbook", _file("加密.xls", _ole_not_xls)),
    Kind("ole-magic-only", "workbook", _file("空OLE.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)),
    Kind("real-xls", "workbook", _with_forms_doc("旧格式.xls", XLS.read_bytes), runs=READ,
         notes=".xls is read (xlrd); the forms import finds no form sheet and says so"),
    Kind("xlsm-with-vba", "workbook", _with_forms_doc("宏.xlsm", _xlsm), runs=READ,
         notes="read; the macro part is never loaded"),
    Kind("gkb-renamed-xlsx", "workbook", _file("文档.xlsx", lambda: demo_document().read_bytes()), words=("不是 Excel 工作簿",)),
    Kind("csv-renamed-xlsx", "workbook", _file("表.xlsx", lambda: "科目编码,金额\n201,1\n".encode("gbk")),
         words=("不是 Excel 工作簿",)),
    Kind("empty-file", "workbook", _file("空.xlsx", lambda: b"")),
    Kind("truncated-xlsx", "workbook", _file("一半.xlsx", lambda: tables_workbook()[: len(tables_workbook()) // 2])),
    Kind("zip-not-workbook", "workbook", _file("压缩包.xlsx", lambda: rewrite(
        tables_workbook(), {n: None for n in ("xl/workbook.xml", "[Content_Types].xml")}))),
    Kind("sheet-xml-cut", "workbook", _file("坏表.xlsx", lambda: rewrite(
        tables_workbook(), {SHEET1: member(tables_workbook(), SHEET1)[:4000]}))),
    Kind("shared-string-out-of-range", "workbook", _file("坏索引.xlsx", lambda: minimal_xlsx(
        ['<row r="1"><c r="A1" t="s"><v>999999</v></c></row>'], ["x"]))),
    Kind("styles-garbage", "workbook", _file("坏样式.xlsx", lambda: rewrite(
        tables_workbook(), {"xl/styles.xml": b"<styleSheet><numFmts count='1'><numFmt numFmtId='x'/></numFmts>"}))),
    Kind("forms-meta-sheet-lies", "workbook", _with_forms_doc("谎称表样.xlsx", _sheet_edit(
        forms_workbook, lambda x: x.replace("c_zhongdian_ziping", "no_such_shape"),
        name="xl/worksheets/sheet2.xml")), runs=FORMS_READ),
    # not a file
    Kind("fifo-xlsx", "workbook", _fifo("管道.xlsx"), words=("管道",)),
    Kind("symlink-dev-zero", "workbook", _symlink("零.xlsx", "/dev/zero"), words=("设备",)),
    Kind("directory-xlsx", "workbook", _directory("文件夹.xlsx"), words=("文件夹",)),
    Kind("symlink-dangling", "workbook", _symlink("断链.xlsx", "/nonexistent/x.xlsx"), words=("找不到",)),
    # the forms export: no forms, a workbook already at the target
    Kind("forms-export-without-forms", "workbook", _no_forms_export,
         runs=(Run(("forms", "{input}", "-o", "{input}.xlsx"), words=("没有绩效表",)),)),
]



# -- web pages and Excel 2003 XML saved as .xls (read since issue 16) -----------------------------------
SPREADSHEETML = ('<?xml version="1.0"?>{doctype}<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                 'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="表1"><Table>{rows}'
                 '</Table></Worksheet></Workbook>')
LAUGHS = ('<!DOCTYPE Workbook [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
                    for n in range(1, 10)) + "]>")


def _xml2003(rows: str, doctype: str = "") -> Callable[[], bytes]:
    return lambda: SPREADSHEETML.format(doctype=doctype, rows=rows).encode()


def _html(body: str, charset: str = "utf-8") -> Callable[[], bytes]:
    return lambda: (f'<html><head><meta charset="{charset}"></head><body>{body}</body></html>').encode(
        "gb18030" if charset == "gbk" else "utf-8")


HTML_READ = (Run(IMPORT, frozenset({2}), words=("没有找到任何公开表",)), Run(FORMS_BESIDE, frozenset({0}), may_write=True))

KINDS += [
    Kind("html-renamed-xls", "workbook", _with_forms_doc("网页.xls", lambda: "<html><body><table><tr><td>收入</td>"
                                                                      "<td>1</td></tr></table></body></html>".encode()),
         runs=HTML_READ, notes="read as a web page (Excel does the same); no 公开表 in it, so no document"),
    Kind("html-colspan-bomb", "workbook", _file("跨列炸弹.xls", _html('<table><tr><td colspan="100000000">x</td></tr>'
                                                                    "</table>")), words=("合理范围",)),
    Kind("html-rowspan-area-bomb", "workbook", _file("跨行炸弹.xls", _html(
        "<table>" + '<tr><td rowspan="256" colspan="256">x</td></tr>' * 400 + "</table>")), words=("合理范围",)),
    Kind("html-many-cells", "workbook", _file("很多单元格.xls", _html(
        "<table>" + ("<tr>" + "<td>1</td>" * 1500 + "</tr>") * 340 + "</table>")), words=("单元格",), gui=False),
    Kind("html-entity-doctype", "workbook", _with_forms_doc("网页实体.xls", lambda: (
        b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><table><tr><td>&x;</td></tr>'
        b"</table></body></html>")), runs=HTML_READ, notes="HTML entities are never expanded"),
    Kind("html-gbk-garbage", "workbook", _with_forms_doc("乱码网页.xls", lambda: (
        b'<html><head><meta charset="gbk"></head><body><table><tr><td>\xff\xfe\x81</td></tr></table></body></html>')),
         runs=HTML_READ),
    Kind("xml2003-billion-laughs", "workbook", _file("实体炸弹2003.xls", _xml2003(
        '<Row><Cell><Data ss:Type="String">&lol9;</Data></Cell></Row>', LAUGHS)), words=("不安全的 XML",)),
    Kind("xml2003-external-entity", "workbook", _file("外部实体2003.xls", _xml2003(
        '<Row><Cell><Data ss:Type="String">&x;</Data></Cell></Row>',
        '<!DOCTYPE Workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>')), words=("不安全的 XML",)),
    Kind("xml2003-huge-row-index", "workbook", _file("巨大行号2003.xls", _xml2003(
        '<Row ss:Index="99999999"><Cell><Data ss:Type="Number">1</Data></Cell></Row>')), words=("行",)),
    Kind("xml2003-merge-bomb", "workbook", _file("合并炸弹2003.xls", _xml2003(
        '<Row><Cell ss:MergeAcross="1000000" ss:MergeDown="1000000"><Data ss:Type="String">x</Data></Cell></Row>')),
         words=("合理范围",)),
    Kind("xml2003-bad-index", "workbook", _file("坏行号2003.xls", _xml2003(
        '<Row ss:Index="abc"><Cell><Data ss:Type="Number">1</Data></Cell></Row>')), words=("不是整数",)),
    Kind("xml2003-cut", "workbook", _file("半个2003.xls", lambda: _xml2003(
        '<Row><Cell><Data ss:Type="Number">1</Data></Cell></Row>')()[:150])),
]
