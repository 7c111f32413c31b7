"""Read an untrusted .xlsx or .xls workbook into plain cells, safely.

The workbook comes from someone else, so before anything is parsed: the file size is capped, an .xlsx is
checked member by member (count, declared sizes, compression ratio: a zip bomb is refused before it is
inflated), and XML goes through defusedxml (openpyxl uses it when it is installed; entity definitions such
as "billion laughs" are refused). Sheets are streamed with a cap on rows and cells. Nothing is evaluated:
a formula cell gives the value Excel cached for it together with the formula text, so the importer can
refuse a formula where a caption belongs; external links and macros are never loaded. Numbers keep the
exact text stored in the file (no float round trip). Old .xls files are read with xlrd.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import range_boundaries

from ..i18n import tr
from .errors import WorkbookError
from .safe_file import UnsafeFileError, read_regular_file

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """Caps that keep a hostile or broken workbook from exhausting memory or time."""

    max_file_bytes: int = 30 * 1024 * 1024
    max_members: int = 1000
    max_member_bytes: int = 8 * 1024 * 1024  # a sheet's XML; a 公开表 sheet is well under 1 MB
    max_total_bytes: int = 64 * 1024 * 1024
    max_ratio: int = 120  # uncompressed / compressed, for members above ratio_floor bytes
    ratio_floor: int = 1024 * 1024
    max_sheets: int = 200
    max_rows: int = 50_000  # per sheet
    max_cells: int = 500_000  # non-empty cells in the whole workbook


@dataclass(frozen=True, slots=True)
class Cell:
    """A non-empty cell: its text (numbers as stored, e.g. "1234.56"), whether it is a number, its formula,
    its indent level (a named row's level in a list of 单位 and their 项目) and its number format ("0.00"),
    which says how many decimals a number was printed with. A formula cell without a cached value has
    empty text and ``cached`` False (see :mod:`.formulas`)."""

    text: str
    number: bool = False
    formula: str | None = None
    indent: int = 0
    number_format: str = "General"
    cached: bool = True


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # 0-based (row, column)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive
    formula_notes: list[Any] = field(default_factory=list)  # formulas.FormulaNote: computed, disagreeing, unchecked
    hidden: bool = False  # the sheet itself is hidden
    hidden_rows: set[int] = field(default_factory=set)  # 0-based, as the file marks them
    hidden_cols: set[int] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)  # what was not read (hidden rows, columns, cells), in Chinese

    @property
    def nrows(self) -> int:
        return max((r for r, _ in self.cells), default=-1) + 1


def _as_text(value: Any) -> tuple[str, bool] | None:
    """A cell value as (text, is_number); None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return repr(value), True
    if isinstance(value, datetime | date | time):
        return value.isoformat(), False
    text = str(value)
    return (text, False) if text.strip() else None


MAX_COLUMN = 16384  # Excel's last column (XFD)


def _true(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true")


# -- .xlsx ------------------------------------------------------------------------------------------
def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip whose members would inflate beyond the limits (declared sizes bound what is read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise WorkbookError(tr("文件已损坏，无法作为 Excel 工作簿打开（{exc}）。", exc=exc)) from exc
    if len(infos) > limits.max_members:
        raise WorkbookError(tr("工作簿包含 {infos_count} 个部件，超过上限 {max_members}，疑似恶意文件，已拒绝。", infos_count=len(infos), max_members=limits.max_members))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise WorkbookError(
                tr("工作簿部件“{filename}”解压后 {file_size:,} 字节（压缩比 {ratio:.0f}:1），"
                "超过安全上限，疑似“压缩炸弹”，已拒绝。", filename=info.filename, file_size=info.file_size, ratio=ratio)
            )
        if info.file_size > limits.max_member_bytes:
            raise WorkbookError(
                tr("工作簿部件“{filename}”解压后 {file_size:,} 字节，超过单个部件的上限 "
                "{max_member_bytes:,} 字节（公开表远小于此），已拒绝。", filename=info.filename, file_size=info.file_size, max_member_bytes=limits.max_member_bytes)
            )
    if total > limits.max_total_bytes:
        raise WorkbookError(tr("工作簿解压后共 {total:,} 字节，超过安全上限，已拒绝。", total=total))
    _refuse_doctypes(data, infos)


def _refuse_doctypes(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """No part of a workbook needs a DTD: any DOCTYPE or ENTITY (bombs, external entities) is refused here,
    before openpyxl parses anything (the sizes were checked, so reading every part is bounded)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    body = archive.read(info)
                    if b"<!DOCTYPE" in body or b"<!ENTITY" in body or "<!DOCTYPE".encode("utf-16-le") in body:
                        raise WorkbookError(
                            tr("工作簿部件“{filename}”中含有不安全的 XML（实体或文档类型定义，可能是“XML 炸弹”"
                            "或读取本机文件的外部实体），已拒绝。", filename=info.filename))
    except WorkbookError:
        raise
    except Exception as exc:  # zlib.error, BadZipFile, CRC errors, unsupported compression …
        raise WorkbookError(tr("文件已损坏，无法作为 Excel 工作簿打开（{name}）。", name=type(exc).__name__)) from exc


def _xlsx_sheets(data: bytes, limits: Limits) -> list[Sheet]:
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    check_zip(data, limits)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False, keep_vba=False)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise WorkbookError(tr("这不是 Excel 工作簿（.xlsx）：缺少工作簿的必要部件。")) from exc
    except Exception as exc:  # openpyxl raises many types on malformed parts, wrapping defusedxml's refusal
        raise _unreadable(exc, DefusedXmlException) from exc
    try:
        if len(wb.worksheets) > limits.max_sheets:
            raise WorkbookError(tr("工作簿有 {worksheets_count} 个工作表，超过上限 {max_sheets}。", worksheets_count=len(wb.worksheets), max_sheets=limits.max_sheets))
        budget = [limits.max_cells]
        sheets = []
        for ws in wb.worksheets:
            if not hasattr(ws, "_worksheet_path"):  # chart sheets have no cells
                continue
            sheets.append(_read_xlsx_sheet(wb, ws, limits, budget))
        return sheets
    except WorkbookError:
        raise
    except Exception as exc:
        raise _unreadable(exc, DefusedXmlException) from exc
    finally:
        wb.close()


def _unreadable(exc: BaseException, defused: type) -> WorkbookError:
    """The Chinese message for a workbook openpyxl could not read; an XML bomb is named as such."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, defused):
            return WorkbookError(tr("工作簿中含有不安全的 XML（实体或文档类型定义，可能是“XML 炸弹”），已拒绝。"))
        seen = seen.__cause__ or seen.__context__
    return WorkbookError(tr("工作簿无法读取（{kind}：{detail}），"
                         "文件可能已损坏。请在 Excel/WPS 中打开并另存为 .xlsx 后重新导入，或向发送者重新索取。", kind=type(exc).__name__, detail=str(exc).splitlines()[0][:200] if str(exc) else ''))


def _read_xlsx_sheet(wb: Any, ws: Any, limits: Limits, budget: list[int]) -> Sheet:
    """Stream one sheet: cached values, the stored number text, formulas and merged ranges."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):  # keeps the stored text of numbers and the formula beside the value
        def parse_cell(self, element: Any) -> dict:
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            cell["formula"] = None if formula is None else "=" + (formula.text or "")
            cell["raw"] = element.findtext(VALUE_TAG) if cell["data_type"] == "n" else None
            return cell

    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    sheet = Sheet(ws.title, hidden=getattr(ws, "sheet_state", "visible") != "visible")
    styles, alignments, formats = wb._cell_styles, wb._alignments, wb._number_formats  # noqa: SLF001

    def indent(style_id: int) -> int:
        try:
            return int(alignments[styles[style_id].alignmentId].indent or 0)
        except (IndexError, AttributeError, TypeError, ValueError):
            return 0

    def number_format(style_id: int) -> str:
        try:
            fid = styles[style_id].numFmtId
            if fid < BUILTIN_FORMATS_MAX_SIZE:
                return BUILTIN_FORMATS.get(fid, "General")
            return str(formats[fid - BUILTIN_FORMATS_MAX_SIZE])
        except (IndexError, AttributeError, TypeError, ValueError):
            return "General"

    with wb._archive.open(ws._worksheet_path) as src:  # noqa: SLF001 - openpyxl's read-only API
        parser = _Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,  # noqa: SLF001
                         date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)  # noqa: SLF001
        for idx, row in parser.parse():
            if idx > limits.max_rows:
                raise WorkbookError(tr("工作表“{title}”超过 {max_rows:,} 行，超出公开表的合理范围，已拒绝。", title=ws.title, max_rows=limits.max_rows))
            for item in row:
                if item["raw"] is not None and item["value"] is not None and not isinstance(item["value"], datetime):
                    text: tuple[str, bool] | None = (item["raw"].strip(), True)
                else:
                    text = _as_text(item["value"])
                if text is None and item["formula"] is None:
                    continue
                if item["row"] > limits.max_rows:  # a cell's own address can lie beyond its row's
                    raise WorkbookError(tr("工作表“{title}”有单元格位于第 {row:,} 行，超过 {max_rows:,} 行，"
                                        "超出公开表的合理范围，已拒绝。", title=ws.title, row=item['row'], max_rows=limits.max_rows))
                budget[0] -= 1
                if budget[0] < 0:
                    raise WorkbookError(tr("工作簿的非空单元格超过 {max_cells:,} 个，超出公开表的合理范围，已拒绝。", max_cells=limits.max_cells))
                shown, number = text or ("", False)
                style = item["style_id"] or 0
                sheet.cells[(item["row"] - 1, item["column"] - 1)] = Cell(
                    shown, number, item["formula"], indent(style), number_format(style), text is not None)
        sheet.hidden_rows = {int(r) - 1 for r, attrs in parser.row_dimensions.items()
                             if _true(attrs.get("hidden")) and str(r).isdigit()}
        for attrs in parser.column_dimensions.values():
            if _true(attrs.get("hidden")):
                try:
                    low, high = int(attrs.get("min", 0)), int(attrs.get("max", attrs.get("min", 0)))
                except (TypeError, ValueError):
                    continue
                sheet.hidden_cols.update(range(max(low, 1) - 1, min(high, MAX_COLUMN)))
        merged = parser.merged_cells
        for ref in (merged.mergeCell if merged is not None else []):
            c1, r1, c2, r2 = range_boundaries(ref.ref)
            sheet.merges.append((r1 - 1, c1 - 1, r2 - 1, c2 - 1))
    return sheet


# -- .xls -------------------------------------------------------------------------------------------
def _xls_sheets(data: bytes, limits: Limits) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors …
        raise WorkbookError(tr("无法读取 .xls 工作簿（可能已加密或损坏：{exc}）。"
                            "请在 Excel/WPS 中打开（如有密码先取消），另存为 .xlsx 后重新导入。", exc=str(exc)[:200])) from exc
    sheets, budget = [], limits.max_cells
    try:
        if book.nsheets > limits.max_sheets:
            raise WorkbookError(tr("工作簿有 {nsheets} 个工作表，超过上限 {max_sheets}。", nsheets=book.nsheets, max_sheets=limits.max_sheets))
        for index in range(book.nsheets):
            xs = book.sheet_by_index(index)
            if xs.nrows > limits.max_rows:
                raise WorkbookError(tr("工作表“{name}”超过 {max_rows:,} 行，超出公开表的合理范围，已拒绝。", name=xs.name, max_rows=limits.max_rows))
            sheet = Sheet(xs.name, hidden=bool(getattr(xs, "visibility", 0)))
            sheet.hidden_rows = {r for r, info in xs.rowinfo_map.items() if getattr(info, "hidden", 0)}
            sheet.hidden_cols = {c for c, info in xs.colinfo_map.items() if getattr(info, "hidden", 0)}
            for r in range(xs.nrows):
                for c, cell in enumerate(xs.row(r)):
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        continue
                    if cell.ctype == xlrd.XL_CELL_NUMBER:
                        value: tuple[str, bool] | None = (repr(float(cell.value)), True)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        value = (xlrd.error_text_from_code.get(cell.value, "#ERR"), False)
                    else:
                        value = _as_text(cell.value)
                    if value is None:
                        continue
                    budget -= 1
                    if budget < 0:
                        raise WorkbookError(tr("工作簿的非空单元格超过 {max_cells:,} 个，已拒绝。", max_cells=limits.max_cells))
                    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                    fmt = book.format_map.get(xf.format_key) if xf else None
                    sheet.cells[(r, c)] = Cell(value[0], value[1], None, xf.alignment.indent_level if xf else 0,
                                               str(fmt.format_str) if fmt else "General")
            sheet.merges = [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in xs.merged_cells]
            sheets.append(sheet)
            book.unload_sheet(index)
    except WorkbookError:
        raise
    except Exception as exc:  # a sheet is parsed only now (on_demand): a damaged one fails here
        raise WorkbookError(tr("无法读取 .xls 工作簿（文件已损坏：{name}），请在 Excel/WPS 中打开后另存为 .xlsx 再导入。", name=type(exc).__name__)) from exc
    finally:
        book.release_resources()
    return sheets


def drop_hidden(sheet: Sheet) -> None:
    """Take the cells of hidden rows and columns out of ``sheet`` and say so in ``skipped`` (a hidden row is
    not printed, so it is not part of the table as the clerk sees it)."""
    if not sheet.hidden_rows and not sheet.hidden_cols:
        return
    from openpyxl.utils import get_column_letter

    rows: dict[int, int] = {}
    cols: dict[int, int] = {}
    shown = set()  # a merged cell shows its text in the visible part of its range (a title over a hidden column)
    for r1, c1, r2, c2 in sheet.merges:
        if (r1 in sheet.hidden_rows or c1 in sheet.hidden_cols) and (r2 - r1 + 1) * (c2 - c1 + 1) <= 10_000 and any(
                r not in sheet.hidden_rows and c not in sheet.hidden_cols
                for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)):
            shown.add((r1, c1))
    for r, c in list(sheet.cells):
        if (r, c) in shown:
            continue
        if r in sheet.hidden_rows:
            rows[r] = rows.get(r, 0) + 1
        elif c in sheet.hidden_cols:
            cols[c] = cols.get(c, 0) + 1
        else:
            continue
        del sheet.cells[(r, c)]
    for r, n in sorted(rows.items()):
        sheet.skipped.append(tr("工作表“{name}”第 {row} 行是隐藏行，其中 {n} 个非空单元格未读入", name=sheet.name, row=r + 1, n=n))
    for c, n in sorted(cols.items()):
        sheet.skipped.append(tr("工作表“{name}”{column} 列是隐藏列，其中 {n} 个非空单元格未读入", name=sheet.name, column=get_column_letter(c + 1), n=n))


def sniff_markup(data: bytes) -> str | None:
    """"html" or "spreadsheetml" for a web page or an Excel 2003 XML workbook saved under an Excel name."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text and b"<html" not in text and \
            (text.startswith(b"<?xml") or b"<workbook" in text):
        return "spreadsheetml"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<?xml")) or \
            (text.startswith(b"<") and (b"<table" in text or b"<html" in text)):
        return "html" if (b"<table" in data[:1 << 20].lower() or b"<html" in text) else None
    return None


def read_workbook(path: Path, limits: Limits | None = None) -> list[Sheet]:
    """All sheets of an .xlsx/.xlsm or .xls file as plain cells; raises :class:`WorkbookError`.

    Also read: a web page whose tables were saved as .xls (common from web systems; :mod:`.sheet_html`)
    and an Excel 2003 XML workbook (SpreadsheetML, from WPS and web systems; :mod:`.sheet_spreadsheetml`).
    Hidden rows and columns are not read; each sheet's ``skipped`` says which. Formula cells are checked
    (:mod:`.formulas`): each sheet's ``formula_notes`` says which were computed here (no cached value),
    which disagree with their cached value and which could not be checked."""
    limits = limits or Limits()
    path = Path(path)
    try:
        data = read_regular_file(path, limits.max_file_bytes, tr("Excel 工作簿"))
    except UnsafeFileError as exc:
        raise WorkbookError(str(exc)) from exc
    if data.startswith(b"PK\x03\x04"):
        sheets = _xlsx_sheets(data, limits)
    elif data.startswith(OLE2_MAGIC):
        sheets = _xls_sheets(data, limits)
    elif (markup := sniff_markup(data)) == "html":
        from .sheet_html import html_sheets

        sheets = html_sheets(data, limits, path.stem)
    elif markup == "spreadsheetml":
        from .sheet_spreadsheetml import spreadsheetml_sheets

        sheets = spreadsheetml_sheets(data, limits)
    else:
        sheets = None
    if sheets is not None:
        from .formulas import resolve_formulas

        resolve_formulas(sheets)  # before hidden cells go: a visible total may add up hidden rows
        for sheet in sheets:
            drop_hidden(sheet)
        return sheets
    raise WorkbookError(tr("“{name}”不是 Excel 工作簿（.xlsx 或 .xls），请确认文件类型（改扩展名不能改变文件内容）。", name=path.name))
