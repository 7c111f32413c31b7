"""Import official-layout workbooks (.xlsx/.xls), written by this application or by anyone else.

:mod:`.workbook_reader` reads the cells safely; :mod:`.sheet_header` finds each table (by title or label,
anywhere in any sheet) and maps its columns. Here the 部门名称 / 年度 / 金额单位 line gives the document's
metadata and the body rows are placed by 科目编码 (also split over 类/款/项), 行次 and caption with the same
matchers as the published-figures import (a caption printed twice without 行次 takes the next unused row).
Amounts follow the money rules (thousands separators, 全角 digits, numbers stored as text, dashes for "not
applicable"); printed totals are kept as stated. Every value that cannot be placed or parsed is reported
with its table, row, column, sheet cell and raw text. The template set is the one that fits best, or the
one forced. The result is a dump, loaded the same way as ``gongkai load``.
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

from ..definitions import BlockDef, ColumnDef, TemplateSet, all_sets
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
    next_unused_row,
    norm,
    norm_hangci,
)
from .sheet_header import (
    CODE_PATTERN,
    FIELD_PATTERN,
    TOTAL_WORDS,
    Anchor,
    HeaderReader,
    SheetView,
    find_tables,
    is_numeric,
)
from .sheet_layout import STUB_KINDS
from .sheet_listed import ListedKeys, is_listed
from .workbook_reader import Cell, Limits, WorkbookError, read_workbook

_YEAR = re.compile(r"(\d{4})\s*年")
_NOTE_PREFIXES = ("注", "说明", "备注")
_UNIT_FIELDS = ("部门名称", "单位名称", "公开部门", "预算单位", "编制单位", "填报单位")


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
    if abs(value) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise AmountError(f"“{cell.text}”数值过大（超过 {MAX_INTEGER_DIGITS} 位整数）")
    step = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(step, rounding=ROUND_HALF_UP)
    if abs(value - rounded) > max(abs(value) * Decimal("1e-13"), Decimal("1e-9")):  # beyond float noise
        what = "应为整数" if decimals == 0 else f"的小数超过 {decimals} 位，金额最多保留到分（两位小数）"
        raise AmountError(f"“{cell.text}”{what}")
    if abs(rounded) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise AmountError(f"“{cell.text}”数值过大（超过 {MAX_INTEGER_DIGITS} 位整数）")
    return int(rounded * SCALE)


# -- one table region ---------------------------------------------------------------------------------
class _TableReader:
    """Reads one table's region of a sheet into values, floating rows and unplaced cells."""

    def __init__(self, view: SheetView, anchor: Anchor, end: int, out: _Result, year: int) -> None:
        self.view, self.anchor, self.end, self.out = view, anchor, end, out
        self.table = anchor.table
        self.header = HeaderReader(view, self.table, end)
        self.used: dict[str, set[str]] = {}  # fixed rows placed so far, per block
        self.listed = ListedKeys(year)

    # where am I
    def where(self, r: int, c: int) -> str:
        return f"{self.view.sheet.name}!{get_column_letter(c + 1)}{r + 1}"

    def run(self) -> None:
        start = self.anchor.row + 1
        header_top = self.header.header_start(start)
        if header_top is None:
            self.out.unmatched.append(f"{self.table.title}（{self.where(self.anchor.row, 0)}：找不到表头）")
            return
        self._meta(self.anchor.top, header_top)
        body = self.header.header_end(header_top)
        cols = self.header.sheet_columns(header_top, body.header_end, body.lanci_row)
        mapping = self.header.align(cols)
        segments = [(b, mapping) for b in self.table.blocks] if self.table.layout == "side_by_side" else []
        segments += self.header.repeated_blocks(cols, set(mapping.values()))
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

    # meta
    def _meta(self, top: int, header_top: int) -> None:
        for r in range(top, header_top):
            for c in self.view.row_cols(r):
                text = self.view.text(r, c)
                m = FIELD_PATTERN.match(text)
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

    @dataclass
    class _Ident:
        label: str = ""
        hangci: str | None = None
        code: str | None = None
        name: str = ""
        name2: str = ""  # a second caption (政府经济科目名称 beside 部门经济科目名称)
        indent: int = 0  # the caption's indent: a named row's level
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
            reason = f"行标题是公式（{formula[:60]}，{self.where(r, c)}），按规定不读取公式，请改为文字"
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


def _levels(block: BlockDef) -> set[int]:
    fl = block.floating
    return {code_level("0" * n) for n in fl.levels} if fl else set()


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


def _convert(views: Sequence[SheetView], tset: TemplateSet) -> _Result:
    out = _Result()
    anchors = find_tables(views, tset)
    for i, anchor in enumerate(anchors):
        nxt = anchors[i + 1] if i + 1 < len(anchors) else None
        end = (nxt.top - 1) if nxt is not None and nxt.sheet == anchor.sheet else views[anchor.sheet].sheet.nrows - 1
        _TableReader(views[anchor.sheet], anchor, end, out, tset.info.year).run()
    for s, view in enumerate(views):
        if view.sheet.cells and not any(a.sheet == s for a in anchors):
            out.unmatched.append(f"工作表“{view.sheet.name}”（未找到 {tset.name} 中的任何表）")
    return out


def convert_workbook(path: Path, set_id: str | None = None, limits: Limits | None = None) -> Conversion:
    """Read a workbook and convert it for the best-fitting template set (or ``set_id``)."""
    sheets = read_workbook(Path(path), limits)
    views = [SheetView(s) for s in sheets]
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
    notes = [n for s in sheets for n in s.formula_notes]
    told = " ".join(u.reason for u in res.unplaced)  # a formula caption is reported by its table already
    res.unplaced += [Unplaced(f"工作表“{n.sheet}”", f"单元格 {n.address}", "公式", n.formula, n.message)
                     for n in notes if not n.used and f"{n.sheet}!{n.address}）" not in told]
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
    return Conversion(dump, tset.id, reason, matched, res.unmatched, res.unplaced, [n for n in notes if n.used])


def import_workbook(path: Path, target: Path, set_id: str | None = None, *, who: str = "",
                    limits: Limits | None = None) -> tuple[Document, Conversion]:
    """Create a document at ``target`` from a workbook; nothing is created if the workbook is refused."""
    conversion = convert_workbook(path, set_id, limits)
    return load_dump(conversion.dump, target, who=who), conversion
