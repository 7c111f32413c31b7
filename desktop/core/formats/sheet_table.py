"""Read one table's region of a sheet (found by :mod:`.sheet_header`) into values, floating rows and cells
that could not be placed.

The table's header lines give the unit, year and money unit (:mod:`.sheet_meta`); the body rows are placed
by 科目编码 (:mod:`.sheet_codes`: one column or 类/款/项, whole or level digits), 行次 and caption with the same
matchers as the published-figures import (a caption printed twice without 行次 takes the next unused row).
Named rows without a level marker (表12's 部门 / 单位 / 项目, the 部门 row printed under the department's
name) take their level from the totals, as the JSON route does. A table continued on another sheet (a
"(续)" sheet, a PDF page without a title) is read on with the same columns, or with those of its repeated
header. Every value that cannot be placed or parsed is reported with its table, row, column, sheet cell and
raw text; printed totals are kept as stated.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..definitions import BlockDef, ColumnDef
from ..definitions.template_set import LEVEL_NAMES, code_level
from ..i18n import tr
from ..money import AmountError, is_not_applicable, to_plain
from .listed_rows import infer_levels
from .published import (
    Unplaced,
    code_of,
    find_fixed_row,
    match_fixed_row,
    next_unused_row,
    norm,
    norm_hangci,
    title_score,
)
from .sheet_codes import CodeReader, part_level
from .sheet_header import CODE_PATTERN, TOTAL_WORDS, Anchor, HeaderReader, SheetView, is_numeric
from .sheet_layout import STUB_KINDS
from .sheet_listed import ListedKeys, is_listed
from .sheet_meta import is_field_line, money_units, unit_names, years
from .sheet_result import TableResult, cell_hundredths, most_common  # noqa: F401 - re-exported

_NOTE_PREFIXES = ("注", "说明", "备注")


@dataclass
class _Ident:
    label: str = ""
    hangci: str | None = None
    code: str | None = None
    name: str = ""
    name2: str = ""  # a second caption (政府经济科目名称 beside 部门经济科目名称)
    indent: int = 0  # the caption's indent: a named row's level
    formula: tuple[int, str] | None = None  # a caption cell that is a formula: (column, formula text)


class TableReader:
    """Reads one table's region of a sheet into values, floating rows and unplaced cells."""

    def __init__(self, view: SheetView, anchor: Anchor, end: int, out: TableResult, year: int) -> None:
        self.view, self.anchor, self.end, self.out = view, anchor, end, out
        self.table = anchor.table
        self.header = HeaderReader(view, self.table, end)
        self.used: dict[str, set[str]] = {}  # fixed rows placed so far, per block
        self.listed = ListedKeys(year)
        self.codes = CodeReader()
        self.code_cols: dict[int, int] = {}  # sheet column -> 0 (whole code) or 1/2/3 (类/款/项)
        self.mapping: dict[tuple[str, str], int] = {}
        self.segments: list[tuple[BlockDef, dict]] = []
        self.pending: dict[str, list[tuple[int, SheetView, _Ident, list, dict]]] = {}  # named rows, per block
        self.found = False

    # where am I
    def where(self, r: int, c: int, view: SheetView | None = None) -> str:
        return f"{(view or self.view).sheet.name}!{get_column_letter(c + 1)}{r + 1}"

    def run(self) -> None:
        start = self.anchor.row + 1
        header_top = self.header.header_start(start)
        if header_top is None:
            self.out.unmatched.append(tr("{title}（{where}：找不到表头）",
                                         title=self.table.title, where=self.where(self.anchor.row, 0)))
            return
        self._meta(self.anchor.top, header_top)
        first = self._columns(header_top)
        self.out.tables_found[self.table.key] = self.anchor
        self.found = True
        self._body(first, self.end)

    def _columns(self, header_top: int) -> int:
        """Map the sheet's columns from the header band at ``header_top``; the first body row."""
        band = self.header.header_end(header_top)
        cols = self.header.sheet_columns(header_top, band.header_end, band.lanci_row)
        self.mapping = self.header.align(cols)
        self.segments = [(b, self.mapping) for b in self.table.blocks] if self.table.layout == "side_by_side" else []
        self.segments += self.header.repeated_blocks(cols, set(self.mapping.values()))
        self.code_cols = {}
        for block, seg in [*self.segments, *((b, self.mapping) for b in self.table.blocks)]:
            for col in block.columns:
                c = seg.get((block.key, col.key))
                if c is not None and col.kind == "code":
                    self.code_cols.setdefault(c, 0)
                elif c is not None and col.kind == "code_part":
                    self.code_cols.setdefault(c, col.level or 1)
        if any(col.kind in ("code", "code_part") for b in self.table.blocks for col in b.columns) \
                and self.table.layout != "side_by_side":
            for sc in cols:  # 类 | 款 | 项 printed where the set has one 科目编码 column, or the reverse
                level = part_level(sc.path)
                if level is not None and sc.index not in set(self.mapping.values()) - set(self.code_cols):
                    self.code_cols[sc.index] = level
        return (band.lanci_row if band.lanci_row is not None else band.header_end) + 1

    def _body(self, first: int, end: int) -> None:
        used = {c for _, seg in self.segments for c in seg.values()} | set(self.mapping.values()) | set(self.code_cols)
        for r in range(first, end + 1):
            cols_here = self.view.row_cols(r)
            if not cols_here or self._is_note(r) or self._is_subheader(r):
                continue
            if self.segments:
                for block, seg in self.segments:
                    self._block_row(r, block, seg)
            else:
                self._block_row(r, self._stacked_block(r, self.mapping), self.mapping)
            for c in cols_here:
                if c not in used and not any(self.view.owner.get((r, u)) == (r, c) for u in used):
                    self._stray(r, c, tr("表中没有对应的栏"))

    def continue_on(self, view: SheetView, start: int, end: int) -> bool:
        """Read rows ``start``..``end`` of another sheet as more of this table (a "(续)" sheet, a PDF page
        without a title): past a repeated title and header lines, with the repeated header's columns when
        it is printed, else with this table's. False (nothing read) when the rows do not look like it."""
        if not self.found:
            return False
        numeric = any(is_numeric(c) for (r, _c), c in view.sheet.cells.items() if start <= r <= end)
        if not numeric:
            return False
        part = copy.copy(self)
        part.view, part.end = view, end
        part.header = HeaderReader(view, self.table, end)
        first = start
        for r in range(start, min(start + 4, end + 1)):  # a "(续)" title and the header lines above the body
            cells = [view.cell(r, c) for c in view.row_cols(r)]
            texts = [c.text.strip() for c in cells if c is not None and not is_numeric(c)]
            if len(texts) == len(cells) and any(
                    "续" in t or is_field_line(t) or (len(t) >= 4 and title_score(t, self.table) >= 0.8) for t in texts):
                first = r + 1
        header_top = part.header.header_start(first)
        if header_top is not None and any(is_numeric(view.cell(header_top, c)) for c in view.row_cols(header_top)):
            header_top = None  # a body row whose caption is also a column caption (公开04's 一般公共预算财政拨款)
        if header_top is not None and header_top <= first + 3:
            first = part._columns(header_top)
            if not part.mapping:
                return False
        part._body(first, end)
        self.pending = part.pending
        self.out.continued.append(tr("{title}：工作表“{sheet}”第 {first}–{last} 行",
                                     title=self.table.title, sheet=view.sheet.name, first=start + 1, last=end + 1))
        return True

    # meta
    def _meta(self, top: int, header_top: int) -> None:
        for r in range(top, header_top):
            texts = [self.view.text(r, c) for c in self.view.row_cols(r)]
            field_line = any(is_field_line(t) for t in texts)
            for text in texts:
                self.out.money_units += money_units(text)
                self.out.unit_names += unit_names(text)
                self.out.years += years(text, field_line)

    # body
    def _is_note(self, r: int) -> bool:
        texts = [self.view.text(r, c) for c in self.view.row_cols(r)]
        first = next((t for t in texts if t), "")
        if not first:
            return True
        notes = {norm(n) for n in self.table.notes}
        return (first.startswith(_NOTE_PREFIXES) or norm(first) in notes
                or norm(self.table.empty_note) in norm(first)) and not any(
            is_numeric(self.view.cell(r, c)) for c in self.view.row_cols(r)[1:])

    def _is_subheader(self, r: int) -> bool:
        cells = [self.view.cell(r, c) for c in self.view.row_cols(r)]
        return all(c is not None and not c.number and norm(c.text) in self.header.header_tokens for c in cells)

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

    def _identity(self, r: int, block: BlockDef, mapping: dict[tuple[str, str], int]) -> _Ident:
        ident = _Ident()
        parts: dict[str, str] = {}
        texts: list[str] = []
        by_sheet = bool(self.code_cols) and self.table.layout != "side_by_side"
        for col in block.columns:
            c = mapping.get((block.key, col.key))
            if c is None or col.is_value or (by_sheet and c in self.code_cols):
                continue
            cell = self.view.cell(r, c)
            if cell is not None and cell.formula:
                ident.formula = (c, cell.formula)
            text = self.view.text(r, c, merged=True) if col.kind != "rowno" else self.view.text(r, c)
            if not text:
                continue
            if col.kind == "rowno":
                ident.hangci = text
            elif col.kind == "code" and CODE_PATTERN.match(re.sub(r"\s", "", text)):
                parts["科目编码"] = text
            elif col.kind == "code_part" and re.sub(r"\s", "", text).isdigit():
                parts[LEVEL_NAMES.get(col.level or 0, "类")] = text
            elif col.kind == "name":
                ident.name = text
                texts.append(text)
            elif col.kind in STUB_KINDS:
                texts.append(text)
            else:
                ident.name2 = text
                continue
            if not ident.indent and cell is not None:
                ident.indent = cell.indent
        if by_sheet:
            printed: dict[int, str] = {}
            for c, level in sorted(self.code_cols.items()):
                cell = self.view.cell(r, c)
                if cell is not None and cell.formula:
                    ident.formula = (c, cell.formula)
                text = self.view.text(r, c, merged=True)
                if text and not re.sub(r"\s", "", text).isdigit():
                    texts.append(text)  # 合计 printed in the code column
                elif text and level not in printed:
                    printed[level] = text
            ident.code = self.codes.compose(printed)
        else:
            ident.code = code_of(parts) if parts else None
        if ident.code and not code_level(ident.code) and not any(r.code == ident.code for r in block.rows):
            ident.code = None
        ident.label = next((t for t in texts if t), "")
        return ident

    @staticmethod
    def _total_of(block: BlockDef | None, label: str) -> bool:
        if block is None or block.floating is None:
            return False
        return norm(label) in {norm(block.floating.total_label), *TOTAL_WORDS}

    def _block_row(self, r: int, block: BlockDef, mapping: dict[tuple[str, str], int]) -> None:
        ident = self._identity(r, block, mapping)
        value_cells = [(col, c) for col in block.value_columns
                       if (c := mapping.get((block.key, col.key))) is not None and self._has_value(r, c)]
        if ident.formula is not None:
            c, formula = ident.formula
            reason = tr("行标题是公式（{formula}，{where}），按规定不读取公式，请改为文字", formula=formula[:60], where=self.where(r, c))
            if not value_cells:
                self.out.unplaced.append(Unplaced(self.table.title, tr("第{row}行", row=r + 1), tr("项目"), formula,
                                                  f"{reason}（{self.where(r, c)}）"))
            for col, c2 in value_cells:
                self._lost(r, c2, tr("第{row}行", row=r + 1), col.caption, reason)
            return
        fl = block.floating
        if fl is not None and getattr(fl, "named", False) and len(fl.levels) > 1 and not ident.code \
                and (ident.label or value_cells):
            texts = {col.key: self.view.text(r, c) for col, c in value_cells}
            self.pending.setdefault(block.key, []).append((r, self.view, ident, value_cells, texts))
            return  # its level is known only once the whole table is read (see finish)
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
        self._place(r, ident, value_cells, key, caption)

    def _place(self, r: int, ident: _Ident, value_cells: list, key: str | None, caption: str) -> None:
        if key is None:
            if not ident.label and not ident.code and not value_cells:
                return
            for col, c in value_cells:
                self._lost(r, c, caption or tr("第{row}行", row=r + 1), col.caption, tr("表中没有对应的行"))
            return
        for col, c in value_cells:
            self._value(r, c, key, col, caption)

    def finish(self) -> None:
        """Place the named rows (部门 / 单位 / 项目): by their indent when the workbook indents them, else by
        the totals (a row is a 单位 when the rows after it add up to it), as the published-figures import."""
        for block_key, rows in self.pending.items():
            block = next(b for b in self.table.blocks if b.key == block_key)
            fl = block.floating
            assert fl is not None
            levels = None
            if not any(ident.indent for _, _, ident, _, _ in rows):
                levels = infer_levels([{"values": texts} for *_, texts in rows], len(fl.levels))
            names = {norm(n) for n in self.out.unit_names}
            for i, (r, view, ident, value_cells, _texts) in enumerate(rows):
                self.view = view
                if levels is None and i == 0 and fl.total_printed and norm(ident.label) in names:
                    key, caption = fl.total_key, ident.label  # 表12/13 open with the 部门's name: the total
                elif levels is None:
                    key, caption = self._row_key(block, ident)
                elif levels[i] == 0:
                    key, caption = fl.total_key, ident.label
                else:
                    key, caption = self.listed.key(block, ident.label, ident.name2, levels[i] - 1), ident.label
                    if key is not None:
                        self.out.floating.setdefault(self.table.key, {})[key] = ident.label
                self._place(r, ident, value_cells, key, caption)
        self.pending = {}

    def _row_key(self, block: BlockDef, ident: _Ident) -> tuple[str | None, str]:
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
        caption = ident.label or (tr("行次{hangci}", hangci=norm_hangci(ident.hangci)) if ident.hangci else "")
        if ident.label and self._total_of(block, ident.label):
            return block.floating.total_key, caption  # type: ignore[union-attr]
        if is_listed(block):
            key = self.listed.key(block, ident.label, ident.name2, ident.indent)
            if key is not None:
                self.out.floating.setdefault(self.table.key, {})[key] = ident.label
            return key, caption
        key = match_fixed_row(block, ident.label or None, ident.hangci) if (ident.label or ident.hangci) else None
        used = self.used.setdefault(block.key, set())
        if (key is None or key in used) and ident.label and not ident.hangci:
            key = next_unused_row(block, ident.label, used) or key  # a caption printed twice without 行次
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
            self._lost(r, c, caption, col.caption, tr("同一单元格在表中出现了两次，保留先出现的数"))
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
        self._lost(r, c, tr("第{row}行", row=r + 1), tr("{letter}列", letter=get_column_letter(c + 1)), reason)


def _levels(block: BlockDef) -> set[int]:
    fl = block.floating
    return {code_level("0" * n) for n in fl.levels} if fl else set()


