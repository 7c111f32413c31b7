"""Excel export in the official layouts: one sheet per table, rendered from :mod:`.sheet_layout`.

Amounts are real numbers with ``#,##0.00`` (Excel keeps 15 significant digits, so every amount below 10^13 is
exact; a larger one is refused rather than rounded); labels
and codes are text (a code stays ``2101201``, a caption starting with ``=`` stays a caption, not a
formula). 宋体, thin borders, widths from the definition (widened so no amount shows ``###``), row heights
that fit wrapped captions, frozen header rows, A4 print set-up fitted to one page wide with the header
repeated on every page and page numbers in the footer. The workbook is written to a temporary file and
renamed into place, and the same data always gives the same bytes (fixed document dates and zip times).
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..definitions import TableDef, TemplateSet, get_set
from ..document import Document
from ..money import SCALE, format_amount
from .errors import ExportError
from .sheet_layout import GridCell, SheetGrid, table_grid

FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)  # document properties: the same data gives the same bytes
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FONT_NAME = "宋体"
CREATOR = "公开表工作台"
MAX_SHEET_NAME = 31
LANDSCAPE_WIDTH = 110  # total column width (characters) above which a table is printed landscape
LINE_HEIGHT = 14.5  # points per wrapped line at 10.5 pt
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONTS = {
    "title": Font(name=FONT_NAME, size=16, bold=True),
    "header": Font(name=FONT_NAME, size=10.5, bold=True),
    "heading": Font(name=FONT_NAME, size=10.5, bold=True),
    "body": Font(name=FONT_NAME, size=10.5),
}
_BORDERED = {"header", "lanci", "rowno", "code", "text", "heading", "amount", "na"}




def _alignment(cell: GridCell) -> Alignment:
    role = cell.role
    if role in ("title", "header", "lanci", "rowno", "na", "empty_note"):
        return Alignment(horizontal="center", vertical="center", wrap_text=True)
    if role == "table_label":
        return Alignment(horizontal="right", vertical="center")
    if role == "field":
        horizontal = "left" if cell.indent == 0 else ("right" if cell.indent >= 2 else "center")
        return Alignment(horizontal=horizontal, vertical="center")
    if role == "amount":
        return Alignment(horizontal="right", vertical="center")
    if role == "note":
        return Alignment(horizontal="left", vertical="top", wrap_text=True)
    return Alignment(horizontal="left", vertical="center", wrap_text=True, indent=cell.indent)


def display_width(text: str) -> float:
    """Approximate printed width in Excel character units (a CJK character is about two)."""
    return sum(1.8 if ord(ch) > 0x2E7F else 1.0 for ch in text)


EXCEL_DIGITS = 15


def _amount_value(cell: GridCell) -> Decimal | int | None:
    if cell.value is None:
        return None
    if abs(cell.value) >= 10**EXCEL_DIGITS:
        raise ExportError(f"金额 {format_amount(cell.value)} 超过 Excel 能精确保存的 {EXCEL_DIGITS} 位有效数字，未导出。")
    if cell.decimals == 0 and cell.value % SCALE == 0:
        return cell.value // SCALE
    return Decimal(cell.value) / SCALE


def _number_format(cell: GridCell) -> str:
    if cell.decimals == 0 and (cell.value is None or cell.value % SCALE == 0):
        return "#,##0"
    return "#,##0.00"


def _style_key(cell: GridCell) -> tuple:
    number_format = _number_format(cell) if cell.role == "amount" else (
        "@" if cell.text and cell.role in ("code", "rowno", "lanci") else "General")
    return cell.role, cell.indent, number_format


def _write_cell(ws: Worksheet, row: int, col: int, cell: GridCell, styles: dict) -> None:
    """Write one cell; a style already built for the same role is copied (openpyxl's style lookup is slow)."""
    target = ws.cell(row=row + 1, column=col + 1)
    if cell.role == "amount":
        target.value = _amount_value(cell)
    elif cell.text:
        target.value = cell.text
        target.data_type = "s"  # text stays text: "=…" is not a formula, "2101201" not a number
    key = _style_key(cell)
    if key in styles:
        target._style = copy(styles[key])  # noqa: SLF001 - a StyleArray of indexes into the workbook's styles
        return
    target.number_format = key[2]
    target.font = FONTS["title"] if cell.role == "title" else FONTS.get(cell.role, FONTS["body"])
    target.alignment = _alignment(cell)
    if cell.role in _BORDERED:
        target.border = BORDER
    styles[key] = copy(target._style)  # noqa: SLF001


def _widths(grid: SheetGrid) -> list[float]:
    widths = [float(w) for w in grid.widths]
    for (_, col), cell in grid.cells.items():
        if cell.role == "amount" and cell.value is not None:
            text = format_amount(cell.value, decimals=cell.decimals)
            widths[col] = max(widths[col], len(text) * 1.15 + 2.5)
    return widths


def _row_heights(grid: SheetGrid, widths: list[float]) -> dict[int, float]:
    span = {(r1, c1): sum(widths[c1 : c2 + 1]) for r1, c1, _, c2 in grid.merges}
    rows_of = {(r1, c1): r2 - r1 + 1 for r1, c1, r2, _ in grid.merges}
    heights: dict[int, float] = {}
    for (row, col), cell in grid.cells.items():
        if not cell.text or cell.role in ("table_label", "field"):
            continue
        width = span.get((row, col), widths[col]) - 1.0 - 2 * cell.indent
        lines = max(1, math.ceil(display_width(cell.text) / max(width, 2)))
        points = (26.0 if cell.role == "title" else 0.0) or lines * LINE_HEIGHT + 4
        points /= rows_of.get((row, col), 1)
        heights[row] = max(heights.get(row, 18.0), points)
    return heights


def render_sheet(ws: Worksheet, grid: SheetGrid) -> None:
    """Write one table grid into an empty worksheet, with styles, merges and print set-up."""
    styles: dict = {}
    for (row, col), cell in sorted(grid.cells.items()):
        _write_cell(ws, row, col, cell, styles)
    for r1, c1, r2, c2 in grid.merges:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    widths = _widths(grid)
    for col, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(col + 1)].width = round(width, 1)
    for row, height in sorted(_row_heights(grid, widths).items()):
        ws.row_dimensions[row + 1].height = round(height, 1)
    first, last = grid.header_rows
    ws.freeze_panes = f"A{last + 2}"
    ws.print_title_rows = f"{first + 1}:{last + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > LANDSCAPE_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.8  # room for the footer line below the table (LibreOffice clipped it at 0.6)
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 9
    ws.sheet_view.showGridLines = False


def sheet_names(tables: Sequence[TableDef]) -> list[str]:
    """Unique sheet names within Excel's 31 characters: “公开01表 收入支出决算总表”."""
    names: list[str] = []
    for table in tables:
        base = " ".join(p for p in (table.label, table.title) if p).translate(_BAD_SHEET_CHARS).strip("' ")
        base = base[:MAX_SHEET_NAME] or table.key[:MAX_SHEET_NAME]
        name, n = base, 2
        while name.lower() in {x.lower() for x in names}:
            suffix = f"({n})"
            name, n = base[: MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _fixed_zip(data: bytes) -> bytes:
    """Re-pack the workbook zip with fixed entry times, keeping the entry order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_workbook(tset: TemplateSet, meta: Mapping[str, str], values: Mapping[tuple[str, str, str], int],
                   floating: Mapping[str, Iterable[tuple[str, str]]], table_keys: Sequence[str] | None = None) -> bytes:
    """The workbook's bytes for a document's content; ``table_keys`` limits it to some tables."""
    if table_keys:
        unknown = [k for k in table_keys if not tset.has_table(k)]
        if unknown:
            keys = "、".join(t.key for t in tset.tables)
            raise ExportError(f"模板 {tset.id} 中没有表 {'、'.join(unknown)}（可用：{keys}）")
        tables = [tset.table(k) for k in table_keys]
    else:
        tables = list(tset.tables)
    per_table: dict[str, dict[tuple[str, str], int]] = {}
    for (tkey, row, col), value in values.items():
        per_table.setdefault(tkey, {})[(row, col)] = value
    wb = Workbook()
    wb.remove(wb.active)
    for table, name in zip(tables, sheet_names(tables), strict=True):
        grid = table_grid(tset, table.key, per_table.get(table.key, {}), list(floating.get(table.key, ())), meta)
        render_sheet(wb.create_sheet(name), grid)
    props = wb.properties
    props.creator, props.lastModifiedBy = CREATOR, CREATOR
    props.title = f"{meta.get('unit_name', '')} {meta.get('year', '')} {tset.name}".strip()
    props.created = props.modified = FIXED_TIME
    wb.calculation = CalcProperties(fullCalcOnLoad=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _fixed_zip(buffer.getvalue())


def write_atomically(data: bytes, target: Path) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"文件夹“{folder}”不存在，未导出。")
    if target.is_dir():
        raise ExportError(f"“{target}”是一个文件夹，请给出工作簿文件名（如 某单位-2022.xlsx）。")
    fd, tmp = tempfile.mkstemp(prefix=".gongkai-export-", suffix=".xlsx", dir=folder)
    tmp_path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise ExportError(f"无法写入“{target}”（{exc.strerror or exc}），未导出。") from exc
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def export_document(doc: Document, target: Path, table_keys: Sequence[str] | None = None) -> list[str]:
    """Export an open document to ``target`` (.xlsx); returns the sheet names written."""
    tset = get_set(doc.set_id)
    data = build_workbook(tset, doc.meta, doc.values(), doc.floating_rows(), table_keys)
    write_atomically(data, target)
    tables = [tset.table(k) for k in table_keys] if table_keys else list(tset.tables)
    return sheet_names(tables)
