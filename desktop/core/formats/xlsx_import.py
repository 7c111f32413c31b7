"""Import official-layout workbooks (.xlsx/.xls), written by this application or by anyone else.

Each table is found by its printed title (or, failing that, its label such as 公开03表) anywhere in any
sheet; its region runs to the next table. Inside it the 部门名称 / 年度 / 金额单位 line gives the document's
metadata, the header rows (merged cells filled, blank group cells carried right under the same parent) give
each column a header path that is aligned, in order, with the definition's columns by header text and
栏次; rows are placed by 科目编码 (also split over 类/款/项), 行次 and caption with the same matchers as the
published-figures import. Amounts follow the money rules (thousands separators, 全角 digits, numbers stored
as text, dashes for "not applicable"); printed totals are kept as stated. Every value that cannot be placed
or parsed is reported with its table, row, column, sheet cell and raw text. The template set is chosen by
how well each set fits, or forced. The result is a dump, loaded the same way as ``gongkai load``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..definitions import BlockDef, ColumnDef, TableDef, TemplateSet, all_sets
from ..definitions.template_set import LEVEL_NAMES, code_level
from ..document import Document
from ..money import MAX_INTEGER_DIGITS, SCALE, AmountError, is_not_applicable, parse_amount, to_plain
from .dump import FORMAT, FORMAT_VERSION, load_dump
from .published import (
    Conversion,
    Unplaced,
    code_of,
    find_fixed_row,
    match_fixed_row,
    norm,
    norm_hangci,
    strip_numbering,
    title_score,
)
from .sheet_layout import LANCI_CAPTION, placed_columns
from .workbook_reader import Cell, Limits, Sheet, WorkbookError, read_workbook

TITLE_MIN_SCORE = 0.8
MAX_HEADER_ROWS = 6
_YEAR = re.compile(r"(\d{4})\s*年")
_FIELD = re.compile(r"^\s*([^：:]{1,8})[：:]\s*(.*)$")
_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_TOTAL_WORDS = ("合计", "总计")
_NOTE_PREFIXES = ("注", "说明", "备注")
_UNIT_FIELDS = ("部门名称", "单位名称", "公开部门", "预算单位", "编制单位", "填报单位")


@dataclass
class Anchor:
    table: TableDef
    sheet: int
    row: int
    top: int  # the first row of the table (its label above the title, when printed)


@dataclass
class _Col:
    """A sheet column of a table region: its header path and 栏次."""

    index: int
    path: list[str]
    lanci: str | None


# -- numbers ----------------------------------------------------------------------------------------
def cell_hundredths(cell: Cell, decimals: int) -> int | None:
    """A cell's value in hundredths; numbers stored as numbers keep their exact stored text."""
    if not cell.number:
        return parse_amount(cell.text, decimals)
    try:
        value = Decimal(cell.text)
    except InvalidOperation as exc:
        raise AmountError(f"“{cell.text}”不是数字") from exc
    if not value.is_finite():
        raise AmountError(f"“{cell.text}”不是数字")
    step = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(step, rounding=ROUND_HALF_UP)
    if abs(value - rounded) > max(abs(value) * Decimal("1e-13"), Decimal("1e-9")):  # beyond float noise
        what = "应为整数" if decimals == 0 else f"的小数超过 {decimals} 位，金额最多保留到分（两位小数）"
        raise AmountError(f"“{cell.text}”{what}")
    if abs(rounded) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise AmountError(f"“{cell.text}”数值过大（超过 {MAX_INTEGER_DIGITS} 位整数）")
    return int(rounded * SCALE)


def _is_numeric(cell: Cell | None) -> bool:
    if cell is None:
        return False
    if cell.number:
        return True
    try:
        return parse_amount(cell.text) is not None
    except AmountError:
        return False


# -- the sheet as text with merges filled ------------------------------------------------------------
class _View:
    """A sheet's cells, with the top-left text of each merged range readable from every cell of it."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.owner: dict[tuple[int, int], tuple[int, int]] = {}
        for r1, c1, r2, c2 in sheet.merges:
            if (r2 - r1 + 1) * (c2 - c1 + 1) > 10_000:
                continue  # a merge over a whole area carries no header meaning
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self.owner[(r, c)] = (r1, c1)
        self.rows: dict[int, list[int]] = {}
        for r, c in sorted(sheet.cells):
            self.rows.setdefault(r, []).append(c)

    def cell(self, r: int, c: int) -> Cell | None:
        return self.sheet.cells.get((r, c))

    def text(self, r: int, c: int, merged: bool = False) -> str:
        pos = self.owner.get((r, c), (r, c)) if merged else (r, c)
        cell = self.sheet.cells.get(pos)
        return cell.text.strip() if cell else ""

    def row_cols(self, r: int) -> list[int]:
        return self.rows.get(r, [])


# -- finding tables -----------------------------------------------------------------------------------
def _title_candidates(views: Sequence[_View], tset: TemplateSet) -> list[tuple[float, int, int, TableDef]]:
    out = []
    for s, view in enumerate(views):
        for (r, _c), cell in view.sheet.cells.items():
            text = cell.text.strip()
            if cell.number or "表" not in text or len(text) > 80 or cell.formula:
                continue
            for table in tset.tables:
                score = title_score(text, table)
                if score >= TITLE_MIN_SCORE:
                    out.append((score, s, r, table))
    return out


def find_tables(views: Sequence[_View], tset: TemplateSet) -> list[Anchor]:
    """Each table of the set printed in the workbook, by title (best match first), else by label."""
    candidates = sorted(_title_candidates(views, tset), key=lambda x: (-x[0], x[1], x[2]))
    anchors: list[Anchor] = []
    used_rows: set[tuple[int, int]] = set()
    for _score, s, r, table in candidates:
        if any(a.table.key == table.key for a in anchors) or (s, r) in used_rows:
            continue
        used_rows.add((s, r))
        anchors.append(Anchor(table, s, r, _label_top(views[s], table, r)))
    for table in tset.tables:
        if not table.label or any(a.table.key == table.key for a in anchors):
            continue
        for s, view in enumerate(views):
            spot = next(((r, c) for (r, c), cell in sorted(view.sheet.cells.items())
                         if not cell.formula and norm(cell.text) in (norm(table.label), norm(table.label) + "表")), None)
            if spot is None:
                continue
            near_title = any(a.sheet == s and 0 < a.row - spot[0] <= 3 for a in anchors)
            if not near_title and (s, spot[0]) not in used_rows:
                used_rows.add((s, spot[0]))
                anchors.append(Anchor(table, s, spot[0], spot[0]))
                break
    return sorted(anchors, key=lambda a: (a.sheet, a.row))


def _label_top(view: _View, table: TableDef, row: int) -> int:
    if not table.label:
        return row
    wanted = {norm(table.label), norm(table.label) + "表"}
    for r in range(row - 1, max(row - 4, -1), -1):
        if any(norm(view.text(r, c)) in wanted for c in view.row_cols(r)):
            return r
    return row


# -- one table region ---------------------------------------------------------------------------------
class _TableReader:
    """Reads one table's region of a sheet into values, floating rows and unplaced cells."""

    def __init__(self, view: _View, anchor: Anchor, end: int, out: _Result) -> None:
        self.view, self.anchor, self.end, self.out = view, anchor, end, out
        self.table = anchor.table
        self.columns = placed_columns(self.table)
        self.used: dict[str, set[str]] = {}  # fixed rows placed so far, per block
        tokens: set[str] = set()
        for block in self.table.blocks:
            for col in block.columns:
                tokens.update(norm(h) for h in col.header)
                tokens.update(norm(a) for a in col.aliases)
        tokens.add(norm(LANCI_CAPTION))
        self.header_tokens = tokens - {""}
        labels: set[str] = set()
        for block in self.table.blocks:
            labels.update(norm(r.label) for r in block.rows if r.label)
            labels.update(norm(a) for r in block.rows for a in r.aliases)
            if block.floating:
                labels.update({norm(block.floating.total_label), *_TOTAL_WORDS})
        self.row_labels = labels - {""} - tokens

    # where am I
    def where(self, r: int, c: int) -> str:
        return f"{self.view.sheet.name}!{get_column_letter(c + 1)}{r + 1}"

    def run(self) -> None:
        start = self.anchor.row + 1
        header_top = self._header_start(start)
        if header_top is None:
            self.out.unmatched.append(f"{self.table.title}（{self.where(self.anchor.row, 0)}：找不到表头）")
            return
        self._meta(self.anchor.top, header_top)
        body = self._header_end(header_top)
        cols = self._sheet_columns(header_top, body.header_end, body.lanci_row)
        mapping = self._align(cols)
        segments = [(b, mapping) for b in self.table.blocks] if self.table.layout == "side_by_side" else []
        segments += self._repeated_blocks(cols, set(mapping.values()))
        self.out.tables_found[self.table.key] = self.anchor
        first = (body.lanci_row if body.lanci_row is not None else body.header_end) + 1
        used = {c for _, seg in segments for c in seg.values()} | set(mapping.values())
        for r in range(first, self.end + 1):
            cols_here = self.view.row_cols(r)
            if not cols_here or self._is_note(r) or self._is_subheader(r):
                continue
            if segments:
                for block, seg in segments:
                    self._block_row(r, block, seg)
            else:
                self._block_row(r, self._stacked_block(r, mapping), mapping)
            for c in cols_here:
                if c not in used:
                    self._stray(r, c, "表中没有对应的栏")

    # header
    def _header_start(self, start: int) -> int | None:
        for r in range(start, min(self.end, start + 12) + 1):
            cells = [norm(self.view.text(r, c)) for c in self.view.row_cols(r)]
            if any(t in self.header_tokens for t in cells) and not self._is_field_row(r):
                return r
        return None

    def _is_field_row(self, r: int) -> bool:
        for c in self.view.row_cols(r):
            text = self.view.text(r, c)
            m = _FIELD.match(text)
            if (m and any(norm(f) == norm(m.group(1)) for f in [*self.table.header_fields, "金额单位", "单位"])) \
                    or re.fullmatch(r"\d{4}\s*年度?", text):
                return True
        return False

    @dataclass
    class _Band:
        header_end: int
        lanci_row: int | None

    def _header_end(self, top: int) -> _TableReader._Band:
        end = top
        for r in range(top + 1, min(top + MAX_HEADER_ROWS, self.end + 1)):
            if self._is_lanci_row(r) or self._looks_like_body(r):
                break
            end = r
        lanci = end + 1 if end + 1 <= self.end and self._is_lanci_row(end + 1) else None
        return self._Band(end, lanci)

    def _is_lanci_row(self, r: int) -> bool:
        texts = [self.view.text(r, c) for c in self.view.row_cols(r)]
        if any(norm(t) == norm(LANCI_CAPTION) for t in texts):
            return True
        numbers = [norm_hangci(t) for t in texts]
        if len(numbers) < 2 or not all(n and n.isdigit() for n in numbers):
            return False
        ints = [int(n) for n in numbers if n]
        return ints == sorted(ints) and len(set(ints)) == len(ints) and ints[0] <= 2

    def _looks_like_body(self, r: int) -> bool:
        for c in self.view.row_cols(r):
            cell = self.view.cell(r, c)
            if cell is None:
                continue
            text = norm(cell.text)
            if _is_numeric(cell) or _CODE.match(text) or text in self.row_labels:
                return True
        return False

    def _sheet_columns(self, top: int, bottom: int, lanci_row: int | None) -> list[_Col]:
        cols = sorted({c for r in range(top, (lanci_row or bottom) + 1) for c in self.view.row_cols(r)}
                      | {c for (r, c) in self.view.owner if top <= r <= bottom})
        if not cols:
            return []
        span = range(min(cols), max(cols) + 1)
        grid = {(r, c): self.view.text(r, c, merged=True) for r in range(top, bottom + 1) for c in span}
        for r in range(top, bottom + 1):  # a blank group cell continues the group on its left, same parent
            for c in span:
                left = (r, c - 1)
                if grid[(r, c)] or left not in grid or not grid[left]:
                    continue
                parent_same = all(grid[(p, c)] == grid[(p, c - 1)] for p in range(top, r))
                below_blank = all(not grid[(q, c)] for q in range(r + 1, bottom + 1))
                left_is_group = any(grid[(q, c - 1)] for q in range(r + 1, bottom + 1))
                if parent_same and below_blank and left_is_group:
                    grid[(r, c)] = grid[left]
        out = []
        for c in span:
            path: list[str] = []
            for r in range(top, bottom + 1):
                t = grid[(r, c)]
                if t and (not path or norm(path[-1]) != norm(t)):
                    path.append(t)
            lanci = self.view.text(lanci_row, c, merged=False) if lanci_row is not None else None
            out.append(_Col(c, path, lanci or None))
        return out

    def _align(self, cols: list[_Col]) -> dict[tuple[str, str], int]:
        """Sheet columns to (block, column) keys: the best in-order alignment by header text and 栏次."""
        defs = self.columns
        n, m = len(cols), len(defs)
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            for j in range(m - 1, -1, -1):
                s = _col_score(cols[i], defs[j][1])
                best[i][j] = max(best[i + 1][j], best[i][j + 1], (s + best[i + 1][j + 1]) if s > 0 else 0.0)
        mapping: dict[tuple[str, str], int] = {}
        i = j = 0
        while i < n and j < m:
            s = _col_score(cols[i], defs[j][1])
            if s > 0 and best[i][j] == s + best[i + 1][j + 1]:
                block, col = defs[j]
                mapping[(block.key, col.key)] = cols[i].index
                i, j = i + 1, j + 1
            elif best[i][j] == best[i + 1][j]:
                i += 1
            else:
                j += 1
        if self.table.layout != "side_by_side":  # stacked blocks share the first block's printed columns
            first = self.table.blocks[0]
            for block in self.table.blocks[1:]:
                for k, col in enumerate(block.columns):
                    if k < len(first.columns) and (first.key, first.columns[k].key) in mapping:
                        mapping[(block.key, col.key)] = mapping[(first.key, first.columns[k].key)]
        return mapping

    # meta
    def _meta(self, top: int, header_top: int) -> None:
        for r in range(top, header_top):
            for c in self.view.row_cols(r):
                text = self.view.text(r, c)
                m = _FIELD.match(text)
                if m:
                    name, value = norm(m.group(1)), m.group(2).strip()
                    if name in ("金额单位", "单位") and value:
                        self.out.money_units.append("万元" if value.startswith("万") else value)
                    elif name != "年度" and value and (name in _UNIT_FIELDS
                                                       or any(norm(f) == name for f in self.table.header_fields)):
                        self.out.unit_names.append(value)
                    elif name == "年度" and _YEAR.search(value + "年"):
                        self.out.years.append(_YEAR.search(value + "年").group(1))  # type: ignore[union-attr]
                    continue
                y = re.fullmatch(r"(\d{4})\s*年度?", text)
                if y:
                    self.out.years.append(y.group(1))

    # body
    def _is_note(self, r: int) -> bool:
        texts = [self.view.text(r, c) for c in self.view.row_cols(r)]
        first = next((t for t in texts if t), "")
        if not first:
            return True
        notes = {norm(n) for n in self.table.notes}
        return (first.startswith(_NOTE_PREFIXES) or norm(first) in notes
                or norm(self.table.empty_note) in norm(first)) and not any(
            _is_numeric(self.view.cell(r, c)) for c in self.view.row_cols(r)[1:])

    def _is_subheader(self, r: int) -> bool:
        cells = [self.view.cell(r, c) for c in self.view.row_cols(r)]
        return all(c is not None and not c.number and norm(c.text) in self.header_tokens for c in cells)

    def _repeated_blocks(self, cols: list[_Col], used: set[int]) -> list[tuple[BlockDef, dict]]:
        """Extra side-by-side blocks printed beyond the definition's (4 blocks where the set has 3)."""
        if self.table.layout != "side_by_side":
            return []
        out: list[tuple[BlockDef, dict]] = []
        free = [c for c in cols if c.index not in used]
        i = 0
        while i < len(free):
            for block in self.table.blocks:
                run = free[i : i + len(block.columns)]
                if len(run) == len(block.columns) and all(
                        run[k].index == run[0].index + k and _col_score(run[k], col) > 0
                        for k, col in enumerate(block.columns)):
                    out.append((block, {(block.key, col.key): run[k].index for k, col in enumerate(block.columns)}))
                    i += len(block.columns)
                    break
            else:
                i += 1
        return out

    def _stacked_block(self, r: int, mapping: dict[tuple[str, str], int]) -> BlockDef:
        ident = self._identity(r, self.table.blocks[0], mapping)
        if ident.code:
            for block in self.table.blocks:
                if any(row.code == ident.code for row in block.rows):
                    return block
            return self.table.floating_block or self.table.blocks[0]
        if ident.label and self._total_of(self.table.floating_block, ident.label):
            return self.table.floating_block  # type: ignore[return-value]
        block, _ = find_fixed_row(self.table, ident.label or None, ident.hangci)
        return block

    @dataclass
    class _Ident:
        label: str = ""
        hangci: str | None = None
        code: str | None = None
        name: str = ""
        formula: tuple[int, str] | None = None  # a caption cell that is a formula: (column, formula text)

    def _identity(self, r: int, block: BlockDef, mapping: dict[tuple[str, str], int]) -> _TableReader._Ident:
        ident = self._Ident()
        parts: dict[str, str] = {}
        texts: list[str] = []
        for col in block.columns:
            c = mapping.get((block.key, col.key))
            if c is None or col.is_value:
                continue
            cell = self.view.cell(r, c)
            if cell is not None and cell.formula:
                ident.formula = (c, cell.formula)
            text = self.view.text(r, c, merged=True) if col.kind != "rowno" else self.view.text(r, c)
            if not text:
                continue
            if col.kind == "rowno":
                ident.hangci = text
            elif col.kind == "code" and _CODE.match(re.sub(r"\s", "", text)):
                parts["科目编码"] = text
            elif col.kind == "code_part" and re.sub(r"\s", "", text).isdigit():
                parts[LEVEL_NAMES.get(col.level or 0, "类")] = text
            elif col.kind == "name":
                ident.name = text
                texts.append(text)
            else:
                texts.append(text)
        ident.code = code_of(parts) if parts else None
        if ident.code and not code_level(ident.code) and not any(r.code == ident.code for r in block.rows):
            ident.code = None
        ident.label = next((t for t in texts if t), "")
        return ident

    @staticmethod
    def _total_of(block: BlockDef | None, label: str) -> bool:
        if block is None or block.floating is None:
            return False
        return norm(label) in {norm(block.floating.total_label), *_TOTAL_WORDS}

    def _block_row(self, r: int, block: BlockDef, mapping: dict[tuple[str, str], int]) -> None:
        ident = self._identity(r, block, mapping)
        value_cells = [(col, c) for col in block.value_columns
                       if (c := mapping.get((block.key, col.key))) is not None and self._has_value(r, c)]
        if ident.formula is not None:
            c, formula = ident.formula
            reason = f"行标题是公式（{formula[:60]}），按规定不读取公式，请改为文字"
            if not value_cells:
                self.out.unplaced.append(Unplaced(self.table.title, f"第{r + 1}行", "项目", formula,
                                                  f"{reason}（{self.where(r, c)}）"))
            for col, c2 in value_cells:
                self._lost(r, c2, f"第{r + 1}行", col.caption, reason)
            return
        key, caption = self._row_key(block, ident)
        if key is None and (ident.code or ident.label) and self.table.layout == "side_by_side":
            # printed in another block than the set's (4 blocks where it has 3): place it by code or caption
            for other in self.table.blocks:
                if ident.code:
                    key = next((row.key for row in other.rows if row.code == ident.code), None)
                else:
                    key = match_fixed_row(other, ident.label, ident.hangci)
                if key is not None:
                    block = other
                    value_cells = [(col, c) for col, c in value_cells if block.column(col.key) is not None]
                    break
        if key is None:
            if not ident.label and not ident.code and not value_cells:
                return
            for col, c in value_cells:
                self._lost(r, c, caption or f"第{r + 1}行", col.caption, "表中没有对应的行")
            return
        for col, c in value_cells:
            self._value(r, c, key, col, caption)

    def _row_key(self, block: BlockDef, ident: _TableReader._Ident) -> tuple[str | None, str]:
        if ident.code:
            caption = f"{ident.code} {ident.name or ident.label}".strip()
            for row in block.rows:
                if row.code == ident.code:
                    return row.key, caption
            if block.floating is not None and code_level(ident.code) in _levels(block):
                names = self.out.floating.setdefault(self.table.key, {})
                if ident.name or ident.code not in names:
                    names[ident.code] = ident.name or ident.label
                return ident.code, caption
            return None, caption
        caption = ident.label or (f"行次{norm_hangci(ident.hangci)}" if ident.hangci else "")
        if ident.label and self._total_of(block, ident.label):
            return block.floating.total_key, caption  # type: ignore[union-attr]
        key = match_fixed_row(block, ident.label or None, ident.hangci) if (ident.label or ident.hangci) else None
        used = self.used.setdefault(block.key, set())
        if (key is None or key in used) and ident.label and not ident.hangci:
            key = _next_unused(block, ident.label, used) or key  # a caption printed twice without 行次
        if key is not None:
            used.add(key)
        if key is None and not ident.label and not ident.hangci:
            data = [row for row in block.rows if row.kind == "data"]
            if len(data) == 1 and not data[0].label:
                key = data[0].key
        return key, caption

    def _has_value(self, r: int, c: int) -> bool:
        """A cell with something in it other than a not-applicable dash."""
        cell = self.view.cell(r, c)
        return cell is not None and (cell.number or not is_not_applicable(cell.text))

    def _value(self, r: int, c: int, key: str, col: ColumnDef, caption: str) -> None:
        cell = self.view.cell(r, c)
        if cell is None or (not cell.number and is_not_applicable(cell.text)):
            return
        try:
            value = cell_hundredths(cell, col.decimals)
        except AmountError as exc:
            self._lost(r, c, caption, col.caption, str(exc))
            return
        if value is None:
            return
        cells = self.out.values.setdefault(self.table.key, {}).setdefault(key, {})
        if col.key in cells:
            self._lost(r, c, caption, col.caption, "同一单元格在表中出现了两次，保留先出现的数")
            return
        cells[col.key] = to_plain(value, col.decimals) or ""

    def _lost(self, r: int, c: int, row: str, column: str, reason: str) -> None:
        cell = self.view.cell(r, c)
        if cell is None:
            return
        raw = cell.formula or cell.text
        self.out.unplaced.append(Unplaced(self.table.title, row, column, raw, f"{reason}（{self.where(r, c)}）"))

    def _stray(self, r: int, c: int, reason: str) -> None:
        cell = self.view.cell(r, c)
        if cell is None or (not cell.number and is_not_applicable(cell.text)):
            return
        self._lost(r, c, f"第{r + 1}行", get_column_letter(c + 1) + "列", reason)


def _next_unused(block: BlockDef, label: str, used: set[str]) -> str | None:
    """The first row with this caption after the rows placed so far, in printed order (a caption such as
    一、一般公共预算 printed once under 本年 and again under 上年结转, with no 行次 to tell them apart)."""
    rows = [r for r in block.rows if r.kind == "data"]
    last = max((i for i, r in enumerate(rows) if r.key in used), default=-1)
    wanted = {norm(label), strip_numbering(label)}
    for row in rows[last + 1:]:
        names = {norm(row.label), strip_numbering(row.label), *(norm(a) for a in row.aliases)}
        if row.key not in used and wanted & names:
            return row.key
    return None


def _levels(block: BlockDef) -> set[int]:
    fl = block.floating
    return {code_level("0" * n) for n in fl.levels} if fl else set()


def _col_score(col: _Col, d: ColumnDef) -> float:
    if not col.path and not col.lanci:
        return 0.0
    full = norm("".join(col.path))
    last = norm(col.path[-1]) if col.path else ""
    names = {norm(d.caption), *(norm(a) for a in d.aliases)}
    lanci_same = bool(col.lanci and d.lanci and norm_hangci(col.lanci) == norm_hangci(d.lanci))
    if full and full == norm("".join(d.header)):
        score = 4.0
    elif last and last in names:
        score = 3.0
    elif full and norm(d.caption) and full.endswith(norm(d.caption)):
        score = 2.0
    elif lanci_same and d.is_value:
        score = 1.5
    elif d.kind == "code_part" and last and any(norm(h).endswith(last) for h in d.header[:-1]):
        score = 1.0  # one 科目编码 column where the set prints 类 | 款 | 项: whole codes go to the first
    else:
        return 0.0
    return score + (1.0 if lanci_same else 0.0)


# -- the whole workbook, for one set --------------------------------------------------------------------
@dataclass
class _Result:
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    floating: dict[str, dict[str, str]] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    tables_found: dict[str, Anchor] = field(default_factory=dict)
    unit_names: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    money_units: list[str] = field(default_factory=list)

    def score(self, tset: TemplateSet) -> float:
        found = len(self.tables_found)
        placed = sum(len(cells) for rows in self.values.values() for cells in rows.values())
        unit = _most_common(self.money_units)
        if not found:
            return float("-inf")
        return (3 * found - 2 * (len(tset.tables) - found) + 0.2 * placed - 0.5 * len(self.unplaced)
                + (1 if unit == tset.info.money_unit else 0))


def _most_common(items: list[str]) -> str:
    return Counter(items).most_common(1)[0][0] if items else ""


def _convert(views: Sequence[_View], tset: TemplateSet) -> _Result:
    out = _Result()
    anchors = find_tables(views, tset)
    for i, anchor in enumerate(anchors):
        nxt = anchors[i + 1] if i + 1 < len(anchors) else None
        end = (nxt.top - 1) if nxt is not None and nxt.sheet == anchor.sheet else views[anchor.sheet].sheet.nrows - 1
        _TableReader(views[anchor.sheet], anchor, end, out).run()
    for s, view in enumerate(views):
        if view.sheet.cells and not any(a.sheet == s for a in anchors):
            out.unmatched.append(f"工作表“{view.sheet.name}”（未找到 {tset.name} 中的任何表）")
    return out


def convert_workbook(path: Path, set_id: str | None = None, limits: Limits | None = None) -> Conversion:
    """Read a workbook and convert it for the best-fitting template set (or ``set_id``)."""
    sheets = read_workbook(Path(path), limits)
    views = [_View(s) for s in sheets]
    sets = all_sets()
    if set_id is not None:
        if set_id not in sets:
            raise WorkbookError(f"没有名为 {set_id} 的模板（可用：{'、'.join(sorted(sets))}）")
        candidates = [sets[set_id]]
    else:
        candidates = list(sets.values())
    results = []
    for tset in candidates:
        res = _convert(views, tset)
        year = _most_common(res.years)
        distance = abs(tset.info.year - int(year)) if year.isdigit() else 0
        results.append((res.score(tset) - 0.01 * distance, tset, res))
    results.sort(key=lambda x: -x[0])
    best, tset, res = results[0]
    if not res.tables_found:
        raise WorkbookError(f"在“{Path(path).name}”中没有找到任何公开表（按表名或表号查找），未创建文档。")
    unit = _most_common(res.money_units) or tset.info.money_unit
    if set_id is not None:
        reason = f"按指定使用模板 {tset.id}"
    else:
        second = results[1] if len(results) > 1 and results[1][0] > float("-inf") else None
        runner = f"；次优 {second[1].id}（{second[0]:.1f} 分）" if second else ""
        reason = (f"自动选择模板 {tset.id}（{tset.name}）：找到 {len(res.tables_found)} 张表，"
                  f"{len(res.unplaced)} 个数值未能放入，得分 {best:.1f}{runner}")
    if len(set(res.money_units)) > 1:
        reason += f"；注意：各表的金额单位不一致（{'、'.join(sorted(set(res.money_units)))}），按 {unit} 读取，未换算"
    meta = {"unit_name": _most_common(res.unit_names), "year": _most_common(res.years) or str(tset.info.year),
            "money_unit": unit, "source": Path(path).name}
    tables: dict[str, Any] = {}
    for table in tset.tables:
        entry: dict[str, Any] = {}
        if table.floating_block is not None:
            entry["floating_rows"] = [[c, n] for c, n in sorted(res.floating.get(table.key, {}).items())]
        entry["values"] = res.values.get(table.key, {})
        tables[table.key] = entry
    dump = {"format": FORMAT, "format_version": FORMAT_VERSION, "set": tset.id,
            "meta": {k: v for k, v in meta.items() if v}, "tables": tables, "explanations": {}}
    matched = {a.table.title: a.table.key for a in res.tables_found.values()}
    return Conversion(dump, tset.id, reason, matched, res.unmatched, res.unplaced)


def import_workbook(path: Path, target: Path, set_id: str | None = None, *, who: str = "",
                    limits: Limits | None = None) -> tuple[Document, Conversion]:
    """Create a document at ``target`` from a workbook; nothing is created if the workbook is refused."""
    conversion = convert_workbook(path, set_id, limits)
    return load_dump(conversion.dump, target, who=who), conversion
