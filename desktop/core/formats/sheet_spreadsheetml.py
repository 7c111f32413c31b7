"""Read an Excel 2003 XML workbook (SpreadsheetML; written by WPS and many web systems under a .xls name).

The XML is parsed with defusedxml: a document type definition or entity (an "XML bomb", an external entity
that would read a local file) is refused before anything is expanded. Each ``Worksheet`` becomes a sheet:
``ss:Index`` gives a row's or cell's position, ``ss:MergeAcross``/``ss:MergeDown`` the merged ranges,
``ss:Hidden`` hidden rows and columns (skipped like those of any workbook), ``ss:Formula`` a formula in
R1C1 notation (reported, never run). Numbers keep the exact text stored in the file.
"""

from __future__ import annotations

from typing import Any

from ..i18n import tr
from .errors import WorkbookError
from .workbook_reader import MAX_COLUMN, Cell, Limits, Sheet

NS = "{urn:schemas-microsoft-com:office:spreadsheet}"
X_NS = "{urn:schemas-microsoft-com:office:excel}"
MAX_MERGE = 256


def _int(element: Any, name: str, default: int, what: str) -> int:
    raw = element.get(NS + name)
    if raw is None:
        return default
    try:
        value = int(str(raw).strip())
    except ValueError as exc:
        raise WorkbookError(tr("Excel 2003 XML 工作簿的 {what}“{raw}”不是整数，文件可能已损坏。", what=what, raw=str(raw)[:20])) from exc
    return value


def _read_sheet(ws: Any, limits: Limits, budget: list[int]) -> Sheet:
    name = str(ws.get(NS + "Name") or f"Sheet{budget[1]}")[:100]
    sheet = Sheet(name)
    options = ws.find(X_NS + "WorksheetOptions")
    if options is not None and options.find(X_NS + "Visible") is not None:
        sheet.hidden = (options.findtext(X_NS + "Visible") or "").strip() in ("SheetHidden", "SheetVeryHidden")
    table = ws.find(NS + "Table")
    if table is None:
        return sheet
    col = 0
    for column in table.findall(NS + "Column"):
        col = _int(column, "Index", col + 1, tr("列号"))
        span = _int(column, "Span", 0, tr("列数"))
        if not 1 <= col <= MAX_COLUMN or not 0 <= span <= MAX_COLUMN:
            raise WorkbookError(tr("工作表“{name}”的列号超出 Excel 的范围，文件可能已损坏。", name=name))
        if str(column.get(NS + "Hidden") or "").strip() in ("1", "true"):
            sheet.hidden_cols.update(range(col - 1, min(col + span, MAX_COLUMN)))
        col += span
    r = 0
    for row in table.findall(NS + "Row"):
        r = _int(row, "Index", r + 1, tr("行号"))
        if not 1 <= r <= limits.max_rows:
            raise WorkbookError(tr("工作表“{name}”有第 {r:,} 行，超过 {max_rows:,} 行，超出公开表的合理范围，已拒绝。", name=name, r=r, max_rows=limits.max_rows))
        if str(row.get(NS + "Hidden") or "").strip() in ("1", "true"):
            sheet.hidden_rows.add(r - 1)
        c = 0
        for cell in row.findall(NS + "Cell"):
            c = _int(cell, "Index", c + 1, tr("列号"))
            across, down = _int(cell, "MergeAcross", 0, tr("合并列数")), _int(cell, "MergeDown", 0, tr("合并行数"))
            if not 1 <= c <= MAX_COLUMN or not 0 <= across <= MAX_MERGE or not 0 <= down <= MAX_MERGE:
                raise WorkbookError(tr("工作表“{name}”第 {r} 行的单元格位置或合并范围超出合理范围，已拒绝。", name=name, r=r))
            if across or down:
                sheet.merges.append((r - 1, c - 1, r - 1 + down, c - 1 + across))
            data = cell.find(NS + "Data")
            text = "".join(data.itertext()).strip() if data is not None else ""
            kind = str(data.get(NS + "Type") or "String") if data is not None else ""
            formula = cell.get(NS + "Formula")
            if text or formula:
                budget[0] -= 1
                if budget[0] < 0:
                    raise WorkbookError(tr("工作簿的非空单元格超过 {max_cells:,} 个，超出公开表的合理范围，已拒绝。", max_cells=limits.max_cells))
                sheet.cells[(r - 1, c - 1)] = Cell(text, kind == "Number" and bool(text), formula or None,
                                                   cached=bool(text))
            c += across
    return sheet


def spreadsheetml_sheets(data: bytes, limits: Limits) -> list[Sheet]:
    """Every worksheet of an Excel 2003 XML workbook; raises :class:`WorkbookError`."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise WorkbookError(tr("Excel 2003 XML 工作簿中含有不安全的 XML（实体或文档类型定义，可能是“XML 炸弹”"
                            "或读取本机文件的外部实体），已拒绝。")) from exc
    except (ParseError, ValueError, UnicodeError) as exc:
        raise WorkbookError(tr("Excel 2003 XML 工作簿无法读取（{exc}），文件可能已损坏。"
                            "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。", exc=str(exc)[:120])) from exc
    worksheets = root.findall(NS + "Worksheet")
    if len(worksheets) > limits.max_sheets:
        raise WorkbookError(tr("工作簿有 {worksheets_count} 个工作表，超过上限 {max_sheets}。", worksheets_count=len(worksheets), max_sheets=limits.max_sheets))
    if not worksheets:
        raise WorkbookError(tr("这个 Excel 2003 XML 文件中没有工作表，未创建文档。请确认选对了文件。"))
    budget = [limits.max_cells, 0]
    sheets = []
    for n, ws in enumerate(worksheets, 1):
        budget[1] = n
        sheets.append(_read_sheet(ws, limits, budget))
    return sheets
