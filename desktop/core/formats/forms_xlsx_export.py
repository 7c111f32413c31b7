"""绩效 forms written to xlsx, one sheet per form, laid out like the printed form.

:func:`form_layout` lays a form out as cells (Qt-free; the window prints the same layout): title; header
fields (label | value); the funding block under its column headers (a two-level header such as 年初预算数 ›
目标申报数 | 预算编制数 keeps both levels, merged as printed); objectives; the indicator table with 一级/二级
merged down their rows (a 一级 with a stated weight prints as ``产出指标(60)``, an empty 二级 keeps one blank
row); the 总分 row and grade; analysis texts; footer; the form's 注 lines below it (shapes B and C). Derived figures (执行率, 执行率得分, 结余, 总分, grade)
are written where the form prints them; figures and rates are right-aligned.

:func:`write_form_sheet` renders a layout in 宋体 with thin borders and wrapped text: A4, fitted to the page
width, the title row repeated on every page and 第 N 页 in the footer. The reader (:mod:`.forms_xlsx`) reads
such a sheet back by its captions; a hidden sheet ``_gongkai`` records each sheet's form shape.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import tr
from ..jixiao.book import FormBook
from ..jixiao.definition import FormDef
from ..jixiao.derive import derive
from ..jixiao.form import Form
from ..jixiao.values import decimals_of, plain
from .errors import ExportError
from .forms_xlsx import META_SHEET
from .xlsx_export import FONT_NAME, write_atomically

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
BODY_PT = 10.5
TITLE_PT = 16
MIN_PRINT_PT = 9.0  # every form prints at least this large on A4
A4_PRINTABLE = {"portrait": 7.5 * 72, "landscape": 10.9 * 72}  # points across at 0.5" margins
POINTS_PER_WIDTH = 5.6  # one Excel width unit (a digit of an 11 pt font) in points at 100 %


@dataclass
class FormCell:
    """One cell of the printed form (1-based row/column), spanning ``rows`` × ``cols``."""

    row: int
    col: int
    value: Any
    rows: int = 1
    cols: int = 1
    bold: bool = False
    align: str = "left"  # left, center, right
    size: float = BODY_PT


@dataclass
class FormLayout:
    """A form as a grid of cells, with column widths (Excel units) and wrapped-line counts per row."""

    title: str
    width: int
    cells: list[FormCell] = field(default_factory=list)
    lines: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # 注 lines printed under the form, outside its borders

    @property
    def widths(self) -> list[float]:
        return [col_width(n) for n in range(1, self.width + 1)]

    @property
    def last_row(self) -> int:
        return max((c.row + c.rows - 1 for c in self.cells), default=1)


def col_width(n: int) -> float:
    """Columns 1–2 hold the 一级/二级 captions and the labels; the rest hold figures and 三级 texts."""
    return 12 if n <= 2 else 16


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else plain(value))


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a cell ``width`` Excel units wide (a Chinese character takes two)."""
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, -(-shown // max(1, int(width) - 1)))


class _Layout:
    def __init__(self, fdef: FormDef, form: Form) -> None:
        self.fdef, self.form = fdef, form
        width = max(2 + len(fdef.funding.columns), 2 + len(fdef.columns), 4)
        self.out = FormLayout(form.title, width)
        self.row = 1

    def cell(self, col: int, value: Any, *, bold: bool = False, align: str = "left", to_col: int | None = None,
             to_row: int | None = None, row: int | None = None) -> None:
        r = row or self.row
        last_col, last_row = to_col or col, to_row or r
        self.out.cells.append(FormCell(r, col, value, last_row - r + 1, last_col - col + 1, bold, align))
        text = _shown(value)
        if text and last_row == r:
            lines = wrapped_lines(text, sum(col_width(n) for n in range(col, last_col + 1)))
            self.out.lines[r] = max(self.out.lines.get(r, 1), lines)

    def pair(self, label: str, value: Any, *, tall: bool = False) -> None:
        self.cell(1, label, bold=True, to_col=2)
        self.cell(3, value, to_col=self.out.width)
        if tall:
            self.out.lines[self.row] = max(self.out.lines.get(self.row, 1), 2)
        self.row += 1

    def caption(self, text: str) -> None:
        self.cell(1, text, bold=True, align="center", to_col=self.out.width)
        self.row += 1

    def headers(self, first: int, headers: Sequence[Sequence[str]]) -> int:
        """Column headers from column ``first``: one row, or two when a column has two levels (a shared
        first level merged across its columns, a one-level caption merged down both rows). Returns the rows used."""
        depth = 2 if any(len(h) > 1 for h in headers) else 1
        n = 0
        while n < len(headers):
            head = headers[n]
            col = first + n
            if depth == 1 or len(head) == 1:
                self.cell(col, head[-1], bold=True, align="center", to_row=self.row + depth - 1)
                n += 1
                continue
            span = 1
            while n + span < len(headers) and len(headers[n + span]) > 1 and headers[n + span][0] == head[0]:
                span += 1
            self.cell(col, head[0], bold=True, align="center", to_col=col + span - 1)
            for k in range(span):
                self.cell(col + k, headers[n + k][-1], bold=True, align="center", row=self.row + 1)
            n += span
        return depth

    def build(self) -> FormLayout:
        fdef, form = self.fdef, self.form
        self.out.cells.append(FormCell(1, 1, form.title, 1, self.out.width, True, "center", TITLE_PT))
        self.row = 2
        for section in fdef.file.sections:
            if section in ("header", "footer"):
                for f in getattr(fdef.file, section):
                    self.pair(f.label, form.fields.get(f"t.{f.key}"))
            elif section == "funding":
                self._funding()
            elif section == "indicators":
                self._indicators()
            elif (group := getattr(fdef.file, section)) is not None:
                self.caption(group.caption)
                for f in group.fields:
                    self.pair(f.label, form.fields.get(f"t.{f.key}"), tall=True)
        self.out.notes = list(fdef.file.notes)
        for r, note in enumerate(self.out.notes, self.out.last_row + 1):
            self.out.lines[r] = wrapped_lines(note, sum(self.out.widths))
        return self.out

    def _funding(self) -> None:
        fund, form, d = self.fdef.funding, self.form, derive(self.fdef, self.form)
        self.caption(fund.caption)
        depth = 2 if any(len(c.header) > 1 for c in fund.columns) else 1
        self.cell(1, "项目", bold=True, align="center", to_col=2, to_row=self.row + depth - 1)
        self.row += self.headers(3, [c.header for c in fund.columns])
        for frow in fund.rows:
            self.cell(1, frow.label, bold=frow.total, to_col=2)
            for n, col in enumerate(fund.columns, 3):
                value = form.fields.get(f"f.{frow.key}.{col.key}")
                shows_rate = frow.total or frow.scored
                if value is None and col.role == "rate" and shows_rate and frow.key in d.rates:
                    value = d.rates[frow.key]
                elif value is None and col.role == "score" and frow.key in d.rate_scores:
                    value = d.rate_scores[frow.key]
                elif value is None and col.role == "balance" and frow.key in d.balances:
                    value = d.balances[frow.key]
                if col.role == "rate" and isinstance(value, Decimal):
                    value = f"{plain(value)}%"
                self.cell(n, value, bold=frow.total, align="right" if col.numeric else "left")
            self.row += 1

    def _indicators(self) -> None:
        fdef, form, d = self.fdef, self.form, derive(self.fdef, self.form)
        depth = 2 if any(len(c.header) > 1 for c in fdef.columns) else 1
        self.cell(1, "一级指标", bold=True, align="center", to_row=self.row + depth - 1)
        self.cell(2, "二级指标", bold=True, align="center", to_row=self.row + depth - 1)
        self.row += self.headers(3, [c.header for c in fdef.columns])
        for node in fdef.tree:
            start = self.row
            for child in node.children:
                rows = form.under(child.key) or [None]
                top = self.row
                for ind in rows:
                    for n, col in enumerate(fdef.columns, 3):
                        self.cell(n, ind.cells.get(col.key) if ind else None, align="right" if col.numeric else "left")
                    self.row += 1
                self.cell(2, fdef.level2_label(child.key), align="center", to_row=self.row - 1, row=top)
            weight = form.number(f"w.{node.key}")
            label = f"{node.label}({plain(weight)})" if weight is not None else node.label
            self.cell(1, label, align="center", to_row=self.row - 1, row=start)
        if fdef.scoring.scored:
            total = fdef.file.total.label if fdef.file.total else "总分"
            self.cell(1, total, bold=True, to_col=2)
            for n, col in enumerate(fdef.columns, 3):
                value = {"weight": form.number("total.weight") or d.total_weight,
                         "score": form.number("total.score") or d.total_score}.get(col.role)
                self.cell(n, value, bold=True, align="right" if col.numeric else "left")
            self.row += 1
            self.pair("自评等级", form.text("grade") or d.grade)


def form_layout(fdef: FormDef, form: Form) -> FormLayout:
    """The printed form as cells (the xlsx export and the window's print both draw this)."""
    return _Layout(fdef, form).build()


def print_scale(layout: FormLayout) -> tuple[str, int]:
    """(orientation, scale %) so the form fits the A4 width, never below :data:`MIN_PRINT_PT`."""
    total = sum(layout.widths) * POINTS_PER_WIDTH
    orientation = "portrait" if total <= A4_PRINTABLE["portrait"] * 100 / 85 else "landscape"
    fit = int(A4_PRINTABLE[orientation] * 100 // total)
    return orientation, max(min(100, fit), int(-(-MIN_PRINT_PT * 100 // BODY_PT)))


def write_form_sheet(ws: Worksheet, layout: FormLayout) -> None:
    """Render ``layout`` into an empty worksheet, with styles, merges and print set-up."""
    fonts: dict[tuple[bool, float], Font] = {}
    aligns = {a: Alignment(wrap_text=True, vertical="center", horizontal=a) for a in ("left", "center", "right")}
    for c in layout.cells:
        target = ws.cell(row=c.row, column=c.col, value=c.value)
        if isinstance(c.value, str):
            target.data_type = "s"  # text is text: a title starting with "=" is not a formula, "007" not a number
        elif isinstance(c.value, Decimal):  # keep the printed decimals (93 is not 93.00)
            places = decimals_of(c.value)
            target.number_format = "0." + "0" * places if places else "0"
        key = (c.bold, c.size)
        if key not in fonts:
            fonts[key] = Font(name=FONT_NAME, bold=c.bold, size=c.size)
        target.font = fonts[key]
        target.alignment = aligns[c.align]
        if c.row > 1:
            for rr in range(c.row, c.row + c.rows):
                for cc in range(c.col, c.col + c.cols):
                    ws.cell(row=rr, column=cc).border = _BOX
        if c.rows > 1 or c.cols > 1:
            ws.merge_cells(start_row=c.row, start_column=c.col, end_row=c.row + c.rows - 1,
                           end_column=c.col + c.cols - 1)
    _write_notes(ws, layout, fonts.setdefault((False, BODY_PT), Font(name=FONT_NAME, size=BODY_PT)))
    ws.row_dimensions[1].height = 28
    for n, width in enumerate(layout.widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    for r, lines in layout.lines.items():
        if lines > 1 and r > 1:
            ws.row_dimensions[r].height = min(409, 15 * lines)
    orientation, scale = print_scale(layout)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.bottom = 0.8
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 9
    ws.print_options.horizontalCentered = True
    ws.sheet_view.showGridLines = False


def _write_notes(ws: Worksheet, layout: FormLayout, font: Font) -> None:
    """The 注 lines below the form, each across its width, wrapped and without borders."""
    wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
    for r, note in enumerate(layout.notes, layout.last_row + 1):
        target = ws.cell(row=r, column=1, value=note)
        target.data_type, target.font, target.alignment = "s", font, wrap
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=layout.width)


def sheet_name(title: str, taken: set[str]) -> str:
    """A unique sheet name within Excel's 31 characters, never cut inside a bracket."""
    base = _BAD_SHEET_CHARS.sub("", title).strip("'")
    if len(base) > 28:
        base = base[:28]
        for open_, close in (("（", "）"), ("(", ")")):
            if base.rfind(open_) > base.rfind(close):
                base = base[: base.rfind(open_)]
    base = base.strip() or "绩效表"
    name, n = base, 2
    while name in taken or name == META_SHEET:
        name, n = f"{base[:26]}-{n}", n + 1
    taken.add(name)
    return name


def add_form_sheets(wb: Workbook, forms: Sequence[tuple[FormDef, Form]], taken: set[str],
                    step: Callable[[], None] | None = None) -> None:
    """One sheet per form, plus the hidden shape list the reader uses; ``step`` is called after each form."""
    meta = []
    for fdef, form in forms:
        ws = wb.create_sheet(sheet_name(form.title, taken))
        write_form_sheet(ws, form_layout(fdef, form))
        meta.append((ws.title, fdef.key, form.title))
        if step is not None:
            step()
    info = wb.create_sheet(META_SHEET)
    for r, item in enumerate([("sheet", "shape", "title"), *meta], 1):
        for c, text in enumerate(item, 1):
            info.cell(row=r, column=c, value=text).data_type = "s"
    info.sheet_state = "hidden"


def book_forms(book: FormBook, form_ids: Iterable[int] | None = None) -> list[tuple[FormDef, Form]]:
    """The forms of a document (all, or ``form_ids``) as (definition, form) pairs, read once."""
    ids = list(form_ids) if form_ids is not None else [f.id for f in book.forms()]
    return [(book.definition(i), book.form(i)) for i in ids]


def export_forms(book: FormBook, target: Path, form_ids: Iterable[int] | None = None) -> Path:
    """Write the forms (all, or ``form_ids``) to ``target``, one sheet each, plus the hidden shape list.

    The workbook is written to a temporary file beside ``target`` and renamed into place: on any failure an
    existing file at ``target`` is left as it was. A document without forms is refused (:class:`ExportError`).
    """
    forms = book_forms(book, form_ids)
    if not forms:
        raise ExportError(tr("本文档没有绩效表，未导出（目标文件未改动）。请先新建绩效表，或用 gongkai forms 文档 --import 工作簿 读入。"))
    wb = Workbook()
    wb.remove(wb.active)
    add_form_sheets(wb, forms, set())
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomically(buffer.getvalue(), Path(target))
    return target
