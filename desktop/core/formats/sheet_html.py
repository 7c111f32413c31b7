"""Read a web page saved as .xls (an "Excel" download from a web system, or WPS' HTML format) as one sheet.

Excel opens such a file by laying the page out on one sheet: text lines outside tables (a title in a <div>
or <h1>, a <caption>) become rows of one cell, each <table> follows, cells keep their rowspan/colspan as
merged ranges. This does the same with the standard library's ``html.parser`` (no scripts, no network, no
entities beyond HTML's own character references). Excel's own HTML attributes are honoured: ``x:num``
(the number behind a formatted text), ``x:str`` and ``x:fmla`` (a formula, reported like any other).
Rows or cells styled ``display:none`` are hidden, and skipped like hidden rows of a workbook. The same
caps as for a workbook bound the rows, cells and spans.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..i18n import tr
from .errors import WorkbookError
from .workbook_reader import Cell, Limits, Sheet

MAX_SPAN = 256  # a colspan/rowspan beyond this is not a printed table
MAX_COLUMNS = 2000
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.IGNORECASE)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.IGNORECASE)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "br", "li", "caption", "tr", "title"}


def decode(data: bytes) -> str:
    """The page's text: BOM, then the declared charset (GBK/GB2312 read as GB18030), then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    declared = _CHARSET.search(data[:4096])
    names = []
    if declared:
        name = declared.group(1).decode("ascii", errors="ignore").lower()
        names.append("gb18030" if name in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936") else name)
    for name in [*names, "utf-8", "gb18030"]:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


class _Page(HTMLParser):
    """Builds the sheet while the page is parsed; ``fail`` raises at the first cap crossed."""

    def __init__(self, sheet: Sheet, limits: Limits) -> None:
        super().__init__(convert_charrefs=True)
        self.sheet, self.limits = sheet, limits
        self.budget = limits.max_cells
        self.row = 0  # next free sheet row
        self.depth = 0  # table nesting; a nested table's text joins its outer cell
        self.taken: set[tuple[int, int]] = set()  # cells covered by spans of the current table
        self.table_top = 0
        self.r = -1  # current row of the current table (sheet row)
        self.c = 0
        self.cell: dict | None = None
        self.text: list[str] = []  # text outside tables, flushed as a line
        self.row_hidden = False
        self.skip = 0  # inside <script>/<style>/<head> content
        self.covered = 0  # cells covered by row spans, in all tables (bounds the work a span bomb asks for)

    # caps
    def _room(self, r: int, c: int) -> None:
        if r >= self.limits.max_rows:
            raise WorkbookError(tr("网页表格超过 {max_rows:,} 行，超出公开表的合理范围，已拒绝。", max_rows=self.limits.max_rows))
        if c >= MAX_COLUMNS:
            raise WorkbookError(tr("网页表格超过 {limit:,} 列，超出公开表的合理范围，已拒绝。", limit=MAX_COLUMNS))

    def _put(self, r: int, c: int, cell: Cell) -> None:
        self._room(r, c)
        self.budget -= 1
        if self.budget < 0:
            raise WorkbookError(tr("网页的非空单元格超过 {max_cells:,} 个，超出公开表的合理范围，已拒绝。", max_cells=self.limits.max_cells))
        self.sheet.cells[(r, c)] = cell

    # text outside tables
    def _flush_line(self) -> None:
        line = re.sub(r"\s+", " ", "".join(self.text)).strip()
        self.text = []
        if line:
            self._put(self.row, 0, Cell(line))
            self.row += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in ("script", "style", "head", "xml"):
            self.skip += 1
            return
        if tag == "table":
            if self.depth == 0:
                self._flush_line()
                self.taken, self.table_top, self.r = set(), self.row, self.row - 1
            self.depth += 1
            return
        if self.depth != 1:
            if self.depth == 0 and tag in _BLOCK:
                self._flush_line()
            elif self.cell is not None and tag == "br":
                self.cell["text"].append("\n")
            return
        if tag == "tr":
            self._end_cell()
            self.r += 1
            self.row = max(self.row, self.r + 1)
            self.c = 0
            self.row_hidden = bool(_HIDDEN.search(a.get("style", "")))
            if self.row_hidden:
                self.sheet.hidden_rows.add(self.r)
        elif tag in ("td", "th"):
            self._end_cell()
            if self.r < self.table_top:  # a cell before any <tr>
                self.r = self.table_top
                self.row = max(self.row, self.r + 1)
            while (self.r, self.c) in self.taken:
                self.c += 1
            self.cell = {"attrs": a, "text": [], "r": self.r, "c": self.c}
        elif tag == "caption":
            self.cell = {"attrs": a, "text": [], "r": None, "c": 0}
        elif tag == "br" and self.cell is not None:
            self.cell["text"].append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self.handle_starttag(tag, attrs)
            self._end_cell()
        elif tag == "br":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "xml"):
            self.skip = max(0, self.skip - 1)
            return
        if tag == "table":
            if self.depth == 1:
                self._end_cell()
                self.row = max(self.row, self.r + 1, self.table_top)
            self.depth = max(0, self.depth - 1)
            return
        if self.depth == 1 and tag in ("td", "th", "caption"):
            self._end_cell()
        elif self.depth == 0 and tag in _BLOCK:
            self._flush_line()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell["text"].append(data)
        elif self.depth == 0:
            self.text.append(data)

    def _span(self, attrs: dict, name: str) -> int:
        try:
            value = int(str(attrs.get(name) or "1").strip() or 1)
        except ValueError:
            return 1
        if value > MAX_SPAN:
            raise WorkbookError(tr("网页表格的单元格跨 {span:,} 行/列（{where}），超出公开表的合理范围，已拒绝。", span=value, where=name))
        return max(value, 1)

    def _end_cell(self) -> None:
        cell, self.cell = self.cell, None
        if cell is None:
            return
        a = cell["attrs"]
        text = re.sub(r"[ \t\r\f\v\xa0]+", " ", "".join(cell["text"])).strip()
        text = re.sub(r" *\n *", "\n", text)
        if cell["r"] is None:  # <caption>: a line of its own above the table
            if text:
                self._put(self.row, 0, Cell(text))
                self.row += 1
                self.table_top = self.row
                self.r = self.row - 1
            return
        r, c = cell["r"], cell["c"]
        rows, cols = self._span(a, "rowspan"), self._span(a, "colspan")
        self._room(r + rows - 1, c + cols - 1)
        if rows > 1:  # cells of the rows below that this one covers (this row's are skipped by advancing)
            self.covered += (rows - 1) * cols
            if self.covered > self.limits.max_cells:
                raise WorkbookError(tr("网页表格合并的单元格范围过大，超出公开表的合理范围，已拒绝。"))
            self.taken.update((rr, cc) for rr in range(r + 1, r + rows) for cc in range(c, c + cols))
        if rows > 1 or cols > 1:
            self.sheet.merges.append((r, c, r + rows - 1, c + cols - 1))
        self.c = c + cols
        hidden = bool(_HIDDEN.search(a.get("style", "")))
        formula = a.get("x:fmla") or None
        number = False
        if "x:num" in a:
            raw = (a.get("x:num") or "").strip() or text.replace(",", "")
            if _NUMBER.match(raw):
                text, number = raw, True
        if hidden:
            if text:
                self.sheet.skipped.append(tr("工作表“{name}”第 {row} 行第 {column} 列的单元格被隐藏"
                                          "（display:none），“{text}”未读入", name=self.sheet.name, row=r + 1, column=c + 1, text=text[:40]))
            return
        if text or formula:
            self._put(r, c, Cell(text, number, "=" + formula.lstrip("=") if formula else None, cached=bool(text)))


def html_sheets(data: bytes, limits: Limits, name: str = "") -> list[Sheet]:
    """The page as one sheet named after the file (as Excel names it); raises :class:`WorkbookError`."""
    sheet = Sheet(name[:31] or tr("网页"))
    page = _Page(sheet, limits)
    try:
        page.feed(decode(data))
        page.close()
        page._end_cell()  # noqa: SLF001 - an unclosed last cell
        page._flush_line()  # noqa: SLF001
    except WorkbookError:
        raise
    except (ValueError, IndexError, AssertionError, RecursionError) as exc:
        raise WorkbookError(tr("网页格式的工作簿无法读取（{name}），请在 Excel/WPS 中打开后另存为 .xlsx 再导入。", name=type(exc).__name__)) from exc
    if not sheet.cells:
        raise WorkbookError(tr("这个网页格式的文件中没有任何表格内容，未创建文档。请确认选对了文件。"))
    return [sheet]
