"""Where every cell of a table sits when it is laid out like the printed form (Qt-free).

A :class:`TableGrid` has header rows (merges come from the column header paths), an optional 栏次 row,
and body rows: fixed rows as defined (blank rows keep their 行次, headings their caption), and the
floating 科目 rows in code order under their 合计. Blocks printed side by side (公开01 收入 | 支出) sit
next to each other; stacked blocks follow one another. The application's table view reads it; it knows
nothing about widgets.
"""

from __future__ import annotations

from typing import NamedTuple

from msgspec import Struct, field

from .definitions import BlockDef, ColumnDef, TableDef
from .rules.instances import Cell
from .rules.rowindex import RowIndex, RowInfo

NOT_APPLICABLE_TEXT = "——"
CODE_PART_SLICES = {1: slice(0, 3), 2: slice(3, 5), 3: slice(5, 7)}


class Span(Struct, frozen=True):
    """A merged rectangle (``rows`` × ``cols``) whose top-left cell is (``row``, ``col``)."""

    row: int
    col: int
    rows: int
    cols: int
    text: str = ""


class GridColumn(Struct, frozen=True):
    """One screen column: the block it belongs to and its definition."""

    block: str
    column: ColumnDef


class BodyCell(NamedTuple):
    """One body cell: static ``text`` (a label, 行次, code or name) or a value ``cell``.

    kind: ``label``, ``rowno``, ``code``, ``name``, ``value``, ``na`` (printed ——), ``heading``,
    ``subheader`` (a section's own column captions), ``total`` (the caption of a floating 合计 row) or
    ``empty``. A named tuple: a table of 5,000 科目 rows lays out 40,000 of them each time it opens.
    """

    kind: str = "empty"
    text: str = ""
    cell: Cell | None = None
    row_key: str | None = None
    indent: int = 0


EMPTY = BodyCell()


_new_cell = tuple.__new__  # a BodyCell from its five fields, without the named tuple's Python __new__


def _coded_row_plan(cols: list[ColumnDef]) -> list[tuple[str, object]]:
    """What each column of a clerk's 科目 row shows, decided once per block (see :meth:`TableGrid._fixed_cell`
    for a data row): ``rowno``, ``label``, ``name2``, ``code`` (with the slice of the code) or ``value``."""
    plan: list[tuple[str, object]] = []
    for col in cols:
        if col.kind == "rowno":
            plan.append(("rowno", None))
        elif col.kind in ("label", "name"):
            plan.append(("label", None))
        elif col.kind == "name2":
            plan.append(("name2", None))
        elif col.kind == "code":
            plan.append(("code", slice(None)))
        elif col.kind == "code_part":
            plan.append(("code", CODE_PART_SLICES.get(col.level or 0, slice(0, 0))))
        else:
            plan.append(("value", col.key))
    return plan


class _BlockRows(Struct):
    rows: list[list[BodyCell]] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (row, first col, col count)


class TableGrid:
    """The printed layout of one table with the document's current floating rows."""

    def __init__(self, table: TableDef, rows: RowIndex) -> None:
        self.table = table
        self.columns: list[GridColumn] = []
        self.header: list[Span] = []
        self.header_rows = 0
        self.lanci: list[str] | None = None
        self.body: list[list[BodyCell]] = []
        self.body_spans: list[Span] = []
        self.position: dict[Cell, tuple[int, int]] = {}
        self.row_position: dict[str, int] = {}
        if table.layout == "side_by_side":
            self._side_by_side(rows)
        else:
            self._stacked(rows)
        self._index()

    # -- layout ---------------------------------------------------------------------------------
    def _side_by_side(self, rows: RowIndex) -> None:
        offset = 0
        parts = []
        for block in self.table.blocks:
            self.columns.extend(GridColumn(block.key, c) for c in block.columns)
            parts.append((offset, block, self._block_rows(block, rows)))
            offset += len(block.columns)
        height = max((len(p.rows) for _, _, p in parts), default=0)
        self.body = [[EMPTY] * len(self.columns) for _ in range(height)]
        for start, block, part in parts:
            for r, cells in enumerate(part.rows):
                self.body[r][start : start + len(block.columns)] = cells
            self.body_spans += [Span(r, start + c, 1, n) for r, c, n in part.spans]
        self._headers([block.columns for block in self.table.blocks])

    def _stacked(self, rows: RowIndex) -> None:
        widest = max(self.table.blocks, key=lambda b: len(b.columns))
        width = len(widest.columns)
        first = self.table.blocks[0]
        self.columns = [GridColumn(first.key, c) for c in first.columns]
        self.columns += [GridColumn(widest.key, c) for c in widest.columns[len(first.columns) :]]
        many = len(self.table.blocks) > 1
        shown = [c.caption for c in first.columns]
        for block in self.table.blocks:
            captions = [c.caption for c in block.columns]
            if block is not first and captions != shown[: len(captions)]:
                # a section whose columns are headed differently (公开10: 采购金额, then 统计数 / 车辆数)
                self.body.append([BodyCell("subheader", t) for t in captions] + [EMPTY] * (width - len(captions)))
                shown = captions
            if many and block.caption:
                self.body_spans.append(Span(len(self.body), 0, 1, width))
                self.body.append([BodyCell("heading", block.caption)] + [EMPTY] * (width - 1))
            part = self._block_rows(block, rows)
            base = len(self.body)
            for cells in part.rows:
                self.body.append(cells + [EMPTY] * (width - len(cells)))
            self.body_spans += [Span(base + r, c, 1, n) for r, c, n in part.spans]
        self._headers([first.columns])

    def _block_rows(self, block: BlockDef, rows: RowIndex) -> _BlockRows:
        out = _BlockRows()
        cols = block.columns
        for row in block.rows:
            cells = []
            for col in cols:
                cells.append(self._fixed_cell(row.key, row.kind, row.label, row.hangci, row.code, row.na,
                                              row.indent, col))
            out.rows.append(cells)
        if block.floating:
            fixed = {r.key for r in block.rows}
            plan = _coded_row_plan(cols)
            for info in rows.rows(self.table.key):
                if info.block != block.key or info.key in fixed:
                    continue
                cells = (self._total_cells(info, cols, out, len(out.rows)) if info.is_total
                         else self._coded_cells(info, plan))
                if info.named and block.floating and info.code and len(info.code) in block.floating.levels:
                    depth = sorted(block.floating.levels).index(len(info.code))  # 单位 0, 项目 1
                    cells = [BodyCell(c.kind, c.text, c.cell, c.row_key, depth) if c.kind == "label" else c
                             for c in cells]
                out.rows.append(cells)
        return out

    def _fixed_cell(self, key: str, kind: str, label: str, hangci: str | None, code: str | None,
                    na: list[str], indent: int, col: ColumnDef) -> BodyCell:
        if col.kind == "rowno":
            return BodyCell("rowno", hangci or "", row_key=key)
        if kind == "blank":
            return BodyCell(row_key=key)
        if col.kind in ("label", "name"):
            return BodyCell("heading" if kind == "heading" else "label", label, row_key=key, indent=indent)
        if kind == "heading" or col.kind == "name2":
            return BodyCell(row_key=key)
        if col.kind == "code":
            return BodyCell("code", code or "", row_key=key)
        if col.kind == "code_part":
            return BodyCell("code", (code or "")[CODE_PART_SLICES.get(col.level or 0, slice(0, 0))], row_key=key)
        if col.key in na:
            return BodyCell("na", NOT_APPLICABLE_TEXT, row_key=key)
        return BodyCell("value", cell=(self.table.key, key, col.key), row_key=key)

    def _total_cells(self, info: RowInfo, cols: list[ColumnDef], out: _BlockRows, r: int) -> list[BodyCell]:
        """The floating block's 合计 row: its caption over the leading static columns, then its figures."""
        static = [i for i, c in enumerate(cols) if not c.is_value]
        cells = [BodyCell("value", cell=(self.table.key, info.key, c.key), row_key=info.key)
                 if c.is_value else BodyCell(row_key=info.key) for c in cols]
        if static:
            cells[static[0]] = BodyCell("total", info.label, row_key=info.key)
            run = 1
            while run < len(static) and static[run] == static[0] + run:
                run += 1
            if run > 1:
                out.spans.append((r, static[0], run))
        return cells

    def _coded_cells(self, info: RowInfo, plan: list[tuple[str, object]]) -> list[BodyCell]:
        """The cells of a clerk's 科目 row, as :meth:`_fixed_cell` would lay out a data row (its 名称 column
        from the pair's code list). Built straight from the tuple: a 5,000-row table has 40,000 of them."""
        key, code, table = info.key, info.code or "", self.table.key
        indent = max(info.level - 1, 0)
        cells = []
        for what, arg in plan:
            if what == "value":
                cells.append(_new_cell(BodyCell, ("value", "", (table, key, arg), key, 0)))
            elif what == "label":
                cells.append(_new_cell(BodyCell, ("label", info.label, None, key, indent)))
            elif what == "code":
                cells.append(_new_cell(BodyCell, ("code", code[arg], None, key, 0)))  # type: ignore[index]
            elif what == "name2":
                cells.append(_new_cell(BodyCell, ("name", info.label2, None, key, 0)))
            else:  # 行次
                cells.append(_new_cell(BodyCell, ("rowno", info.hangci or "", None, key, 0)))
        return cells

    def _headers(self, groups: list[list[ColumnDef]]) -> None:
        columns = [c for group in groups for c in group]
        depth = max(len(c.header) for c in columns)
        self.header_rows = depth
        for level in range(depth):
            i = 0
            while i < len(columns):
                path = columns[i].header
                if level >= len(path):
                    i += 1
                    continue
                leaf = level == len(path) - 1
                j = i + 1
                if not leaf:
                    while (j < len(columns) and len(columns[j].header) - 1 > level
                           and columns[j].header[: level + 1] == path[: level + 1]):
                        j += 1
                self.header.append(Span(level, i, depth - level if leaf else 1, j - i, path[level]))
                i = j
        if self.table.show_lanci:
            self.lanci = []
            for group in groups:
                first_static = True
                for col in group:
                    if col.is_value:
                        self.lanci.append(col.lanci or "")
                    elif col.lanci:  # a numbered caption column (表12/13 项目名称 is 栏次 1)
                        self.lanci.append(col.lanci)
                        first_static = False
                    else:
                        self.lanci.append("栏次" if first_static else "")
                        first_static = False

    def _index(self) -> None:
        for r, cells in enumerate(self.body):
            for c, cell in enumerate(cells):
                if cell.cell is not None:
                    self.position[cell.cell] = (r, c)
                if cell.row_key is not None:
                    self.row_position.setdefault(cell.row_key, r)

    # -- queries --------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.body)

    @property
    def column_count(self) -> int:
        return len(self.columns)

    def at(self, row: int, col: int) -> BodyCell:
        return self.body[row][col]

    def value_cells(self) -> list[Cell]:
        return list(self.position)
