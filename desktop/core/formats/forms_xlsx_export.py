"""绩效 forms written to xlsx, one sheet per form, laid out like the printed form.

Title; header fields (label | value); the funding block with its column headers; objectives; the indicator
table with 一级/二级 merged down their rows (a 一级 with a stated weight prints as ``产出指标(60)``, an empty
二级 keeps one blank row); the 总分 row and grade; analysis texts; footer. Long text wraps; A4, fitted to
the page width, header rows repeated on every page. Derived figures (执行率, 执行率得分, 结余, 总分, grade)
are written where the form prints them. The reader (:mod:`.forms_xlsx`) reads such a sheet back by its
captions; a hidden sheet ``_gongkai`` records each sheet's form shape.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..jixiao.book import FormBook
from ..jixiao.definition import FormDef
from ..jixiao.derive import derive
from ..jixiao.form import Form
from ..jixiao.values import decimals_of, plain
from .errors import ExportError
from .forms_xlsx import META_SHEET
from .xlsx_export import write_atomically

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("", title)[:28].strip("'") or "绩效表"
    name, n = base, 2
    while name in taken or name == META_SHEET:
        name, n = f"{base[:26]}-{n}", n + 1
    taken.add(name)
    return name


def _put(ws: Worksheet, row: int, col: int, value: Any) -> Any:
    """Write one cell; text is always text (a title starting with "=" is not a formula, "007" not a number)."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


class _Writer:
    def __init__(self, ws: Worksheet, fdef: FormDef, form: Form) -> None:
        self.ws, self.fdef, self.form = ws, fdef, form
        self.width = max(2 + len(fdef.funding.columns), 2 + len(fdef.columns), 4)
        self.row = 1
        self.lines: dict[int, int] = {}

    @staticmethod
    def col_width(n: int) -> int:
        return 12 if n <= 2 else 16

    def cell(self, col: int, value: Any, *, bold: bool = False, center: bool = False,
             to_col: int | None = None, to_row: int | None = None, row: int | None = None) -> None:
        r = row or self.row
        c = _put(self.ws, r, col, value)
        c.alignment = _CENTER if center else _WRAP
        if isinstance(value, Decimal):  # keep the printed decimals (93 is not 93.00)
            places = decimals_of(value)
            c.number_format = "0." + "0" * places if places else "0"
        if bold:
            c.font = Font(bold=True)
        last_col, last_row = to_col or col, to_row or r
        if isinstance(value, str) and last_row == r:
            width = sum(self.col_width(n) for n in range(col, last_col + 1))
            shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in value)
            lines = max(1, -(-shown // max(1, int(width) - 1)))
            self.lines[r] = max(self.lines.get(r, 1), lines)
        for rr in range(r, last_row + 1):
            for cc in range(col, last_col + 1):
                self.ws.cell(row=rr, column=cc).border = _BOX
        if last_col > col or last_row > r:
            self.ws.merge_cells(start_row=r, start_column=col, end_row=last_row, end_column=last_col)

    def pair(self, label: str, value: Any, *, tall: bool = False) -> None:
        self.cell(1, label, bold=True, to_col=2)
        self.cell(3, value, to_col=self.width)
        if tall:
            self.lines[self.row] = max(self.lines.get(self.row, 1), 2)
        self.row += 1

    def caption(self, text: str) -> None:
        self.cell(1, text, bold=True, center=True, to_col=self.width)
        self.row += 1

    def write(self) -> None:
        fdef, form = self.fdef, self.form
        d = derive(fdef, form)
        _put(self.ws, 1, 1, form.title).font = Font(bold=True, size=14)
        self.ws.cell(row=1, column=1).alignment = _CENTER
        self.ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=self.width)
        self.ws.row_dimensions[1].height = 28
        self.row = 2
        for section in fdef.file.sections:
            if section in ("header", "footer"):
                for f in getattr(fdef.file, section):
                    self.pair(f.label, form.fields.get(f"t.{f.key}"))
            elif section == "funding":
                self._funding(d)
            elif section == "indicators":
                self._indicators(d)
            elif (group := getattr(fdef.file, section)) is not None:
                self.caption(group.caption)
                for f in group.fields:
                    self.pair(f.label, form.fields.get(f"t.{f.key}"), tall=True)
        self._page()

    def _funding(self, d) -> None:  # noqa: ANN001 - Derived
        fund, form = self.fdef.funding, self.form
        self.caption(fund.caption)
        self.cell(1, "项目", bold=True, center=True, to_col=2)
        for n, col in enumerate(fund.columns, 3):
            self.cell(n, "·".join(col.header), bold=True, center=True)
        self.row += 1
        for frow in fund.rows:
            self.cell(1, frow.label, to_col=2)
            for n, col in enumerate(fund.columns, 3):
                value = form.fields.get(f"f.{frow.key}.{col.key}")
                shows_rate = frow.total or frow.scored
                if value is None and col.role == "rate" and shows_rate and frow.key in d.rates:
                    value = d.rates[frow.key]
                elif value is None and col.role == "score" and frow.key in d.rate_scores:
                    value = d.rate_scores[frow.key]
                elif value is None and col.role == "balance" and frow.key in d.balances:
                    value = d.balances[frow.key]
                self.cell(n, f"{plain(value)}%" if col.role == "rate" and isinstance(value, Decimal) else value)
            self.row += 1

    def _indicators(self, d) -> None:  # noqa: ANN001 - Derived
        fdef, form = self.fdef, self.form
        self.cell(1, "一级指标", bold=True, center=True)
        self.cell(2, "二级指标", bold=True, center=True)
        for n, col in enumerate(fdef.columns, 3):
            self.cell(n, "·".join(col.header), bold=True, center=True)
        self.row += 1
        for node in fdef.tree:
            start = self.row
            for child in node.children:
                rows = form.under(child.key) or [None]
                top = self.row
                for ind in rows:
                    for n, col in enumerate(fdef.columns, 3):
                        self.cell(n, ind.cells.get(col.key) if ind else None)
                    self.row += 1
                self.cell(2, fdef.level2_label(child.key), to_row=self.row - 1, row=top)
            weight = form.number(f"w.{node.key}")
            label = f"{node.label}({plain(weight)})" if weight is not None else node.label
            self.cell(1, label, to_row=self.row - 1, row=start)
        if fdef.scoring.scored:
            total = fdef.file.total.label if fdef.file.total else "总分"
            self.cell(1, total, bold=True, to_col=2)
            for n, col in enumerate(fdef.columns, 3):
                value = {"weight": form.number("total.weight") or d.total_weight,
                         "score": form.number("total.score") or d.total_score}.get(col.role)
                self.cell(n, value)
            self.row += 1
            self.pair("自评等级", form.text("grade") or d.grade)

    def _page(self) -> None:
        ws = self.ws
        for n in range(1, self.width + 1):
            ws.column_dimensions[get_column_letter(n)].width = self.col_width(n)
        for r, lines in self.lines.items():
            if lines > 1 and r > 1:
                ws.row_dimensions[r].height = min(409, 15 * lines)
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if self.width > 8 else "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        ws.page_margins.left = ws.page_margins.right = 0.5


def export_forms(book: FormBook, target: Path, form_ids: Iterable[int] | None = None) -> Path:
    """Write the forms (all, or ``form_ids``) to ``target``, one sheet each, plus the hidden shape list.

    The workbook is written to a temporary file beside ``target`` and renamed into place: on any failure an
    existing file at ``target`` is left as it was. A document without forms is refused (:class:`ExportError`).
    """

    ids = list(form_ids) if form_ids is not None else [f.id for f in book.forms()]
    if not ids:
        raise ExportError("本文档没有绩效表，未导出（目标文件未改动）。请先新建绩效表，或用 gongkai forms 文档 --import 工作簿 读入。")
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    meta = []
    for form_id in ids:
        form, fdef = book.form(form_id), book.definition(form_id)
        ws = wb.create_sheet(_sheet_name(form.title, taken))
        _Writer(ws, fdef, form).write()
        meta.append((ws.title, fdef.key, form.title))
    info = wb.create_sheet(META_SHEET)
    for r, item in enumerate([("sheet", "shape", "title"), *meta], 1):
        for c, text in enumerate(item, 1):
            _put(info, r, c, text)
    info.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomically(buffer.getvalue(), Path(target))
    return target
