"""Excel export in the official layouts: one sheet per table, rendered from :mod:`.sheet_layout`.

Amounts are real numbers with ``#,##0.00`` (Excel keeps 15 significant digits, so every amount below 10^13 is
exact; a larger one is refused rather than rounded); labels
and codes are text (a code stays ``2101201``, a caption starting with ``=`` stays a caption, not a
formula). 宋体, thin borders, widths from the definition (widened so no amount shows ``###``), row heights
that fit wrapped captions, frozen header rows and 项目/编码 columns, 合计/总计/类 rows and the 栏次 row in bold.
Print set-up (:func:`print_plan`): A4, every table legible at 9 pt or more — one page when it fits at that
size, else fitted to the page width (portrait, else landscape), else split across pages between its
side-by-side blocks (or with the 项目 columns repeated) at the 9 pt scale; header rows repeated on every
page and page numbers in the footer. The workbook is written to a temporary file and
renamed into place, and the same data always gives the same bytes (fixed document dates and zip times).
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..definitions import TableDef, TemplateSet, get_set
from ..document import Document
from ..i18n import N_, tr
from ..money import SCALE, format_amount
from .errors import ExportError
from .sheet_layout import GridCell, SheetGrid, stub_columns, table_grid

FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)  # document properties: the same data gives the same bytes
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FONT_NAME = "宋体"
CREATOR = "公开表工作台"
MAX_SHEET_NAME = 31
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
BODY_PT = 10.5
MIN_PRINT_PT = 9.0
MIN_SCALE = MIN_PRINT_PT / BODY_PT  # the smallest print scale that keeps 10.5 pt text at 9 pt
MARGINS = {"left": 0.3, "right": 0.3, "top": 0.5, "bottom": 0.7, "footer": 0.3}  # inches
A4_INCHES = (8.27, 11.69)
ROW_POINTS = 18.0  # a row with no height of its own
_TOTAL_CAPTION = re.compile(r"^(合计|总计)|(合计|总计)$")



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
        raise ExportError(tr("金额 {amount} 超过 Excel 能精确保存的 {digits} 位有效数字，未导出。",
                             amount=format_amount(cell.value), digits=EXCEL_DIGITS))
    if cell.decimals == 0 and cell.value % SCALE == 0:
        return cell.value // SCALE
    return Decimal(cell.value) / SCALE


def _number_format(cell: GridCell) -> str:
    if cell.decimals == 0 and (cell.value is None or cell.value % SCALE == 0):
        return "#,##0"
    return "#,##0.00"


def _style_key(cell: GridCell, bold: bool) -> tuple:
    number_format = _number_format(cell) if cell.role == "amount" else (
        "@" if cell.text and cell.role in ("code", "rowno", "lanci") else "General")
    return cell.role, cell.indent, number_format, bold


def _font(cell: GridCell, bold: bool) -> Font:
    if cell.role == "title":
        return FONTS["title"]
    if bold or cell.role == "lanci":
        return FONTS["heading"]
    return FONTS.get(cell.role, FONTS["body"])


def bold_rows(grid: SheetGrid) -> set[int]:
    """Body rows printed bold, as the official tables do: 合计/总计 rows (…合计, 总计…) and 类 rows (3-digit codes)."""
    first, last = grid.body_rows
    rows = set()
    for (row, _), cell in grid.cells.items():
        if not first <= row <= last:
            continue
        text = re.sub(r"\s", "", cell.text)
        total = cell.role in ("text", "heading") and _TOTAL_CAPTION.search(text)
        if total or (cell.role == "code" and len(text) == 3 and text.isdigit()):
            rows.add(row)
    return rows


def _write_cell(ws: Worksheet, row: int, col: int, cell: GridCell, styles: dict, bold: bool = False) -> None:
    """Write one cell; a style already built for the same role is copied (openpyxl's style lookup is slow)."""
    target = ws.cell(row=row + 1, column=col + 1)
    if cell.role == "amount":
        target.value = _amount_value(cell)
    elif cell.text:
        target.value = cell.text
        target.data_type = "s"  # text stays text: "=…" is not a formula, "2101201" not a number
    key = _style_key(cell, bold)
    if key in styles:
        target._style = copy(styles[key])  # noqa: SLF001 - a StyleArray of indexes into the workbook's styles
        return
    target.number_format = key[2]
    target.font = _font(cell, bold)
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


def printable_points(orientation: str) -> tuple[float, float]:
    """(width, height) in points inside the margins of an A4 page."""
    short, long_ = A4_INCHES
    width, height = (short, long_) if orientation == "portrait" else (long_, short)
    return ((width - MARGINS["left"] - MARGINS["right"]) * 72, (height - MARGINS["top"] - MARGINS["bottom"]) * 72)


def column_points(width: float) -> float:
    """An Excel column width (characters of the default font) in points: 7 px a character + 5 px padding."""
    return (width * 7 + 5) * 0.75


@dataclass(frozen=True)
class PrintPlan:
    """How a sheet prints: orientation, fit-to-page or a fixed scale, column breaks and repeated columns."""

    orientation: str
    fit_width: bool
    fit_height: bool
    scale: float  # the scale the printed page ends up at (1.0 = 100 %)
    column_breaks: tuple[int, ...] = ()  # 0-based columns that start a new page
    title_columns: tuple[int, int] | None = None  # 0-based first/last column repeated on every page

    @property
    def font_points(self) -> float:
        return BODY_PT * self.scale


def _block_starts(grid: SheetGrid) -> list[int]:
    table = grid.table
    if table.layout != "side_by_side":
        return []
    starts, col = [], 0
    for block in table.blocks:
        starts.append(col)
        col += len(block.columns)
    return starts[1:]


def print_plan(grid: SheetGrid, widths: Sequence[float], heights: Mapping[int, float]) -> PrintPlan:
    """The print set-up that keeps the body at :data:`MIN_PRINT_PT` or more on A4 (see the module docstring)."""
    cols = [column_points(w) for w in widths]
    total_w = sum(cols)
    total_h = sum(heights.get(r, ROW_POINTS) for r in range(grid.nrows))
    for orientation in ("portrait", "landscape"):
        page_w, page_h = printable_points(orientation)
        scale = min(1.0, page_w / total_w, page_h / total_h)
        if scale >= MIN_SCALE:
            return PrintPlan(orientation, True, True, scale)
    for orientation in ("portrait", "landscape"):
        page_w, _ = printable_points(orientation)
        scale = min(1.0, page_w / total_w)
        if scale >= MIN_SCALE:
            return PrintPlan(orientation, True, False, scale)
    # too wide for one page at 9 pt: split the columns, at block boundaries where the table has side-by-side
    # blocks, else with the 项目/编码 columns repeated on every page; the orientation giving fewer pages wins
    scale = math.ceil(MIN_SCALE * 100) / 100
    plans = []
    for orientation in ("portrait", "landscape"):
        page_w, page_h = (x / scale for x in printable_points(orientation))
        breaks, title = _column_breaks(grid, cols, page_w)
        pages = (len(breaks) + 1) * math.ceil(total_h / page_h)
        plans.append((pages, PrintPlan(orientation, False, False, scale, breaks, title)))
    return min(plans, key=lambda p: p[0])[1]


def _column_breaks(grid: SheetGrid, cols: Sequence[float], page_w: float) -> tuple[tuple[int, ...], tuple[int, int] | None]:
    """Columns that start a new page so each page is at most ``page_w`` wide, and the repeated columns."""
    starts = _block_starts(grid)
    title: tuple[int, int] | None = None
    if not starts:
        stub = stub_columns(grid.table.blocks[0])
        title = (stub[0], stub[-1])
        starts = list(range(stub[-1] + 1, len(cols)))
    breaks: list[int] = []
    page_start, repeated, previous = 0, 0.0, None
    for cut in [*starts, len(cols)]:
        if repeated + sum(cols[page_start:cut]) > page_w and previous is not None and previous > page_start:
            breaks.append(previous)
            page_start = previous
            repeated = sum(cols[title[0]:title[1] + 1]) if title else 0.0
        previous = cut
    return tuple(breaks), title


def _split_by_width(widths: Sequence[float], parts: int) -> list[int]:
    """Column bounds splitting ``widths`` into ``parts`` runs of about equal width (each at least one column)."""
    total, bounds, run = sum(widths), [0], 0.0
    for col, width in enumerate(widths):
        run += width
        if len(bounds) < parts and run >= total * len(bounds) / parts and col + 1 < len(widths):
            bounds.append(col + 1)
    while len(bounds) < parts:
        bounds.append(min(bounds[-1] + 1, len(widths)))
    return [*bounds, len(widths)]


def _first_part_only(grid: SheetGrid, ncols: int) -> tuple[SheetGrid, list[tuple[int, int, int, int]]]:
    """A table split across pages: the lines above the header (表号, title, 部门名称 …) and below the body
    (注, 本表无数据) laid out over its first ``ncols`` columns, so they print whole on its first page."""
    top, bottom = grid.header_rows[0], grid.body_rows[1]
    cells = dict(grid.cells)
    merges = [m for m in grid.merges if top <= m[0] and m[2] <= bottom]
    for (row, col), cell in grid.cells.items():
        if top <= row <= bottom:
            continue
        del cells[(row, col)]
        if cell.role == "table_label":
            cells[(row, ncols - 1)] = cell
        elif cell.role == "field":  # spread by width: 部门名称 over the wide 名称 column, not a narrow 编码 one
            fields = sorted(c for (r, c) in grid.cells if r == row)
            bounds = _split_by_width(grid.widths[:ncols], len(fields))
            n = fields.index(col)
            cells[(row, bounds[n])] = cell
            merges.append((row, bounds[n], row, bounds[n + 1] - 1))
        else:
            cells[(row, 0)] = cell
            merges.append((row, 0, row, ncols - 1))
    clipped = SheetGrid(grid.table, grid.ncols, grid.nrows, cells, [m for m in merges if m[:2] != m[2:]],
                        grid.widths, grid.header_rows, grid.body_rows)
    return clipped, clipped.merges


def render_sheet(ws: Worksheet, grid: SheetGrid) -> PrintPlan:
    """Write one table grid into an empty worksheet, with styles, merges and print set-up."""
    widths = _widths(grid)
    heights = _row_heights(grid, widths)
    plan = print_plan(grid, widths, heights)
    merges = grid.merges
    if plan.column_breaks:
        grid, merges = _first_part_only(grid, plan.column_breaks[0])
    styles: dict = {}
    bold = bold_rows(grid)
    for (row, col), cell in sorted(grid.cells.items()):
        _write_cell(ws, row, col, cell, styles, row in bold and cell.role != "na")
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    for col, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(col + 1)].width = round(width, 1)
    for row, height in sorted(heights.items()):
        ws.row_dimensions[row + 1].height = round(height, 1)
    first, last = grid.header_rows
    stub = stub_columns(grid.table.blocks[0]) if grid.table.layout != "side_by_side" else [0]
    ws.freeze_panes = f"{get_column_letter(stub[-1] + 2)}{last + 2}"  # header rows and 项目/编码 columns
    ws.print_title_rows = f"{first + 1}:{last + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = plan.orientation
    if plan.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if plan.fit_height else 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = round(plan.scale * 100)
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.pageOrder = "overThenDown"  # the parts of one row band follow each other
        for col in plan.column_breaks:
            ws.col_breaks.append(Break(id=col))
        if plan.title_columns:
            ws.print_title_cols = f"{get_column_letter(plan.title_columns[0] + 1)}:{get_column_letter(plan.title_columns[1] + 1)}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left, ws.page_margins.right = MARGINS["left"], MARGINS["right"]
    ws.page_margins.top = MARGINS["top"]
    ws.page_margins.bottom = MARGINS["bottom"]  # room for the footer line below the table
    ws.page_margins.footer = MARGINS["footer"]
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = BODY_PT  # 9 pt or more after scaling, like the table
    ws.sheet_view.showGridLines = False
    return plan


def _cut(name: str, limit: int) -> str:
    """``name`` within ``limit`` characters, never cut inside a bracket (the bracket goes whole or not at all)."""
    if len(name) <= limit:
        return name
    cut = name[:limit]
    for open_, close in (("（", "）"), ("(", ")"), ("《", "》")):
        if cut.rfind(open_) > cut.rfind(close):
            cut = cut[: cut.rfind(open_)]
    return cut.rstrip()


def sheet_names(tables: Sequence[TableDef]) -> list[str]:
    """Unique sheet names within Excel's 31 characters: “公开01表 收入支出决算总表”."""
    names: list[str] = []
    for table in tables:
        base = " ".join(p for p in (table.label, table.title) if p).translate(_BAD_SHEET_CHARS).strip("' ")
        base = _cut(base, MAX_SHEET_NAME) or table.key[:MAX_SHEET_NAME]
        name, n = base, 2
        while name.lower() in {x.lower() for x in names}:
            suffix = f"({n})"
            name, n = _cut(base, MAX_SHEET_NAME - len(suffix)) + suffix, n + 1
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


class ExportCancelled(ExportError):
    """The clerk cancelled a long export; nothing was written."""


REVIEW_SHEET = "审核情况"
REVIEW_COLUMNS = (("表", 34), ("审核状态", 10), ("审核人", 10), ("时间", 17), ("退回原因", 26), ("批注", 40),
                  ("出错说明", 40))


def _review_sheet(wb: Workbook, rows: Sequence[Sequence[str]]) -> None:
    """The optional 审核情况 sheet: one row per table and form (state, who, when, reason, 批注, 出错说明)."""
    ws = wb.create_sheet(REVIEW_SHEET)
    ws.cell(row=1, column=1, value="审核情况").font = FONTS["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REVIEW_COLUMNS))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, (caption, width) in enumerate(REVIEW_COLUMNS, 1):
        cell = ws.cell(row=2, column=c, value=caption)
        cell.font, cell.border = FONTS["header"], BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, row in enumerate(rows, 3):
        lines = 1
        for c, text in enumerate(row, 1):
            cell = ws.cell(row=r, column=c, value=text or None)
            if text:
                cell.data_type = "s"
            cell.font, cell.border, cell.alignment = FONTS["body"], BORDER, wrap
            width = REVIEW_COLUMNS[c - 1][1]
            lines = max(lines, sum(max(1, math.ceil(display_width(t) / width)) for t in (text or "").split("\n")))
        ws.row_dimensions[r].height = min(409, lines * LINE_HEIGHT + 4)
    ws.print_title_rows = "2:2"
    ws.freeze_panes = "B3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = BODY_PT
    ws.sheet_view.showGridLines = False


def build_workbook(tset: TemplateSet, meta: Mapping[str, str], values: Mapping[tuple[str, str, str], int],
                   floating: Mapping[str, Iterable[tuple[str, str]]], table_keys: Sequence[str] | None = None,
                   *, forms: Sequence[tuple[object, object]] = (), review: Sequence[Sequence[str]] | None = None,
                   step: Callable[[], bool] | None = None) -> bytes:
    """The workbook's bytes for a document's content; ``table_keys`` limits it to some tables (an empty list:
    none). ``forms`` (definition, form) pairs add the 绩效 forms, ``review`` rows the 审核情况 sheet. ``step`` is
    called after each sheet; when it returns False the export stops with :class:`ExportCancelled`."""
    if table_keys:
        unknown = [k for k in table_keys if not tset.has_table(k)]
        if unknown:
            keys = "、".join(t.key for t in tset.tables)
            raise ExportError(tr("模板 {set} 中没有表 {tables}（可用：{keys}）", set=tset.id, tables="、".join(unknown), keys=keys))
        tables = [tset.table(k) for k in table_keys]
    else:
        tables = [] if table_keys is not None and (forms or review) else list(tset.tables)

    def advance() -> None:
        if step is not None and not step():
            raise ExportCancelled(tr("已取消导出，没有写入任何文件。"))

    per_table: dict[str, dict[tuple[str, str], int]] = {}
    for (tkey, row, col), value in values.items():
        per_table.setdefault(tkey, {})[(row, col)] = value
    wb = Workbook()
    wb.remove(wb.active)
    for table, name in zip(tables, sheet_names(tables), strict=True):
        grid = table_grid(tset, table.key, per_table.get(table.key, {}), list(floating.get(table.key, ())), meta)
        render_sheet(wb.create_sheet(name), grid)
        advance()
    if forms:
        from .forms_xlsx_export import add_form_sheets

        add_form_sheets(wb, forms, set(wb.sheetnames) | {REVIEW_SHEET}, advance)  # type: ignore[arg-type]
    if review is not None:
        _review_sheet(wb, review)
    if forms:  # the hidden shape list last, so the visible sheets keep their order
        wb.move_sheet(wb["_gongkai"], offset=len(wb.sheetnames))
    props = wb.properties
    props.creator, props.lastModifiedBy = CREATOR, CREATOR
    props.title = f"{meta.get('unit_name', '')} {meta.get('year', '')} {tset.name}".strip()
    props.created = props.modified = FIXED_TIME
    wb.calculation = CalcProperties(fullCalcOnLoad=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _fixed_zip(buffer.getvalue())


def write_atomically(data: bytes, target: Path, example: str = N_("工作簿文件名（如 某单位-2022.xlsx）")) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place; ``example`` completes
    "请给出…" when ``target`` is a folder."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(tr("文件夹“{folder}”不存在，未导出。", folder=folder))
    if target.is_dir():
        raise ExportError(tr("“{target}”是一个文件夹，请给出{example}。", target=target, example=tr(example)))
    fd, tmp = tempfile.mkstemp(prefix=".gongkai-export-", suffix=target.suffix or ".tmp", dir=folder)
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
        raise ExportError(tr("无法写入“{target}”（{reason}），未导出。", target=target, reason=exc.strerror or exc)) from exc
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
