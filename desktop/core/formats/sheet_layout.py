"""The printed grid of one table in its official layout, as plain data (no spreadsheet library).

From a :class:`TableDef`, the document's values and floating rows, and its metadata this computes what a
clerk sees on paper: the label (公开01表) at the right, the title, the 部门名称 / 年度 / 金额单位 line, the
multi-row header with its merges and the 栏次 row (both taken from :class:`desktop.core.grid.TableGrid`, the
same layout the application's entry grid shows), the body with 行次, codes and captions, the footer line of
side-by-side blocks (人员经费合计 | 公用经费合计 on one line, as printed), a section's own column captions
where they change (公开10 采购金额 → 统计数) with a section's head above them, the 注 lines and then the
table's own "说明：本表无数据" for an empty table. The Excel
writer renders it. Everything comes from the definition: there is no table-specific code here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from msgspec import Struct, field

from ..definitions import BlockDef, ColumnDef, RowDef, TableDef, TemplateSet
from ..definitions.template_set import code_level
from ..grid import TableGrid
from ..rules.rowindex import RowIndex

STUB_KINDS = ("label", "code", "code_part", "name")
DEFAULT_WIDTHS = {"label": 30, "rowno": 6, "code": 10, "code_part": 6, "name": 28, "amount": 16, "count": 10}
LANCI_CAPTION = "栏次"
CODE_SLICES = {1: (0, 3), 2: (3, 5), 3: (5, 7)}


class GridCell(Struct, frozen=True):
    """One printed cell. ``role`` says how to render it; amounts carry ``value`` in hundredths."""

    role: str  # table_label, title, field, header, lanci, rowno, code, text, heading, amount, na, note, empty_note
    text: str = ""
    value: int | None = None
    decimals: int = 2
    indent: int = 0


class SheetGrid(Struct):
    """A table as a grid of cells (0-based rows and columns) with merges, widths and the header band."""

    table: TableDef
    ncols: int
    nrows: int = 0
    cells: dict[tuple[int, int], GridCell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive
    widths: list[int] = field(default_factory=list)
    header_rows: tuple[int, int] = (0, 0)  # first and last row of the header band (repeated on each page)
    body_rows: tuple[int, int] = (0, -1)  # first and last body row

    def put(self, row: int, col: int, cell: GridCell) -> None:
        self.cells[(row, col)] = cell
        self.nrows = max(self.nrows, row + 1)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))
        self.nrows = max(self.nrows, r2 + 1)


class Line(Struct, frozen=True):
    """One printed row of one block: a fixed row, the floating total, or a coded floating row."""

    key: str
    label: str = ""
    code: str | None = None
    hangci: str | None = None
    kind: str = "data"  # data, blank, heading
    na: tuple[str, ...] = ()
    indent: int = 0


# -- columns ------------------------------------------------------------------------------------------
def placed_columns(table: TableDef) -> list[tuple[BlockDef, ColumnDef]]:
    """The printed columns left to right: blocks side by side; stacked, the first block's columns and any
    further ones of the widest block (as :class:`TableGrid` places them)."""
    if table.layout == "side_by_side":
        return [(b, c) for b in table.blocks for c in b.columns]
    first = table.blocks[0]
    widest = max(table.blocks, key=lambda b: len(b.columns))
    return [(first, c) for c in first.columns] + [(widest, c) for c in widest.columns[len(first.columns):]]


def block_offsets(table: TableDef) -> dict[str, int]:
    """The first grid column of each block (0 for every block of a stacked table)."""
    offsets, col = {}, 0
    for block in table.blocks:
        offsets[block.key] = col if table.layout == "side_by_side" else 0
        col += len(block.columns) if table.layout == "side_by_side" else 0
    return offsets


def stub_columns(block: BlockDef) -> list[int]:
    """Indexes (within the block) of the leading caption columns: 项目, or 编码 + 名称, or 类/款/项 + 名称."""
    out = []
    for i, col in enumerate(block.columns):
        if col.kind not in STUB_KINDS:
            break
        out.append(i)
    return out or [0]


# -- rows ---------------------------------------------------------------------------------------------
def block_lines(block: BlockDef, floating: Sequence[tuple[str, str]], meta: Mapping[str, str] | None = None
                ) -> tuple[list[Line], list[Line]]:
    """(body lines, footer lines) of a block in printed order; floating rows sorted by code after the total.
    The total row prints the 部门's name instead of its label where the definition says so (表12/13)."""
    body, footer = [], []
    for row in block.rows:
        line = _fixed_line(row)
        (footer if row.footer else body).append(line)
    if block.floating is not None:
        fl = block.floating
        printed = (meta or {}).get("unit_name", "").strip() if fl.total_printed == "部门名称" else ""
        body.append(Line(fl.total_key, printed or fl.total_label))
        for code, name in sorted(floating, key=lambda cn: cn[0]):
            depth = sorted(fl.levels).index(len(code)) if len(code) in fl.levels else 0  # 类 0, 款 1, 项 2
            body.append(Line(code, name, code=code, indent=depth))
    return body, footer


def _fixed_line(row: RowDef) -> Line:
    return Line(row.key, row.label, row.code, row.hangci, row.kind, tuple(row.na), row.indent)


def header_field_text(name: str, meta: Mapping[str, str]) -> str:
    """The printed text of one 部门名称 / 年度 / 金额单位 field."""
    if name == "年度":
        year = meta.get("year", "")
        return f"{year}年度" if year else "年度"
    if name in ("金额单位", "单位"):
        return f"{name}：{meta.get('money_unit') or '元'}"
    return f"{name}：{meta.get('unit_name', '')}"


# -- the grid -----------------------------------------------------------------------------------------
class _Builder:
    def __init__(self, table: TableDef, screen: TableGrid, rows: RowIndex, values: Mapping[tuple[str, str], int],
                 floating: Sequence[tuple[str, str]], meta: Mapping[str, str]) -> None:
        self.table, self.screen, self.rows, self.values = table, screen, rows, values
        self.floating, self.meta = floating, meta
        self.columns = placed_columns(table)
        self.grid = SheetGrid(table, len(self.columns))
        self.offsets = block_offsets(table)

    def build(self) -> SheetGrid:
        g, ncols = self.grid, self.grid.ncols
        g.widths = [c.width or DEFAULT_WIDTHS.get(c.kind, 12) for _, c in self.columns]
        row = 0
        if self.table.label:
            first = max(ncols - 2, 0)
            g.put(row, first, GridCell("table_label", self.table.label))
            g.merge(row, first, row, ncols - 1)
        row += 1
        g.put(row, 0, GridCell("title", self.table.title))
        g.merge(row, 0, row, ncols - 1)
        row += 1
        self._fields(row)
        row += 1
        top = row
        lead = self._section_head(self.table.blocks[0])
        if lead is not None:  # 一、政府采购情况 prints above its 项目 | 行次 | 采购金额 captions
            self._line(row, self.table.blocks[0], lead)
            row += 1
        row = self._header(row)
        if self.table.show_lanci:
            self._lanci_row(row)
            row += 1
        g.header_rows = (top, row - 1)
        first_body = row
        row = self._body(row)
        g.body_rows = (first_body, row - 1)
        lines = [("note", note) for note in self.table.notes]
        if not self.values and self.table.empty_note:  # after the 注, as 000 and 001 print 说明：本表无数据
            lines.append(("empty_note", self.table.empty_note))
        for role, text in lines:
            g.put(row, 0, GridCell(role, text))
            g.merge(row, 0, row, ncols - 1)
            row += 1
        return g

    def _section_head(self, block: BlockDef) -> Line | None:
        """The heading row that opens a stacked block (公开10 一、二、三), printed above the block's captions."""
        if self.table.layout == "side_by_side" or not block.rows:
            return None
        first = block.rows[0]
        return _fixed_line(first) if first.kind == "heading" and not first.footer else None

    def _fields(self, row: int) -> None:
        fields = self.table.header_fields
        ncols = self.grid.ncols
        if not fields:
            return
        bounds = [round(i * ncols / len(fields)) for i in range(len(fields) + 1)]
        for i, name in enumerate(fields):
            c1, c2 = bounds[i], max(bounds[i + 1] - 1, bounds[i])
            if c1 >= ncols:
                break
            self.grid.put(row, c1, GridCell("field", header_field_text(name, self.meta), indent=i))
            self.grid.merge(row, c1, row, min(c2, ncols - 1))

    def _header(self, top: int) -> int:
        """The header band and merges as the entry grid lays them out."""
        for span in self.screen.header:
            for r in range(top + span.row, top + span.row + span.rows):
                for c in range(span.col, span.col + span.cols):
                    first = (r, c) == (top + span.row, span.col)
                    self.grid.put(r, c, GridCell("header", span.text if first else ""))
            self.grid.merge(top + span.row, span.col, top + span.row + span.rows - 1, span.col + span.cols - 1)
        return top + self.screen.header_rows

    def _lanci_row(self, row: int) -> None:
        for col, text in enumerate(self.screen.lanci or []):
            self.grid.put(row, col, GridCell("lanci", text))
        for block in self.table.blocks if self.table.layout == "side_by_side" else self.table.blocks[:1]:
            base, stub = self.offsets[block.key], stub_columns(block)
            if len(stub) > 1 and block.columns[stub[0]].kind in STUB_KINDS:
                self.grid.merge(row, base + stub[0], row, base + stub[-1])

    def _body(self, row: int) -> int:
        lines = {b.key: block_lines(b, self.floating if b.floating else (), self.meta) for b in self.table.blocks}
        if self.table.layout == "side_by_side":
            height = max(len(body) for body, _ in lines.values())
            for block in self.table.blocks:
                body, footer = lines[block.key]
                for i in range(height):
                    self._line(row + i, block, body[i] if i < len(body) else None)
                for i, line in enumerate(footer):
                    self._line(row + height + i, block, line)
            feet = max(len(footer) for _, footer in lines.values())
            for i in range(feet):  # borders on every cell of the footer lines
                for block in self.table.blocks:
                    if i >= len(lines[block.key][1]):
                        self._line(row + height + i, block, None)
            return row + height + feet
        previous = self.table.blocks[0]
        for n, block in enumerate(self.table.blocks):
            body, footer = lines[block.key]
            lead = self._section_head(block)
            if lead is not None:  # above the header band (first block) or above the block's own captions
                body = body[1:]
                if n:
                    self._line(row, block, lead)
                    row += 1
            if [c.header for c in block.columns] != [c.header for c in previous.columns]:
                for i, col in enumerate(block.columns):
                    self.grid.put(row, i, GridCell("header", col.caption))
                row += 1
            for line in [*body, *footer]:
                self._line(row, block, line)
                row += 1
            previous = block
        return row

    def _line(self, row: int, block: BlockDef, line: Line | None) -> None:
        g, base = self.grid, self.offsets[block.key]
        stub = stub_columns(block)
        for i in range(len(block.columns)):
            g.put(row, base + i, GridCell("text"))
        if line is None:
            return
        coded = bool(line.code) and any(block.columns[i].kind in ("code", "code_part") for i in stub)
        if coded:
            self._coded_stub(row, block, line)
        elif line.kind != "blank":
            g.put(row, base + stub[0], GridCell("heading" if line.kind == "heading" else "text", line.label,
                                                indent=line.indent))
            if len(stub) > 1:
                g.merge(row, base + stub[0], row, base + stub[-1])
        for i, col in enumerate(block.columns):
            if col.kind == "rowno":
                g.put(row, base + i, GridCell("rowno", line.hangci or ""))
            elif not col.is_value and col.kind not in STUB_KINDS:  # a second caption (政府经济科目名称)
                info = self.rows.get(self.table.key, line.key)
                g.put(row, base + i, GridCell("text", str(getattr(info, "label2", "") or "")))
            elif col.is_value and line.kind == "data":
                value = self.values.get((line.key, col.key))
                if value is None and col.key in line.na:
                    g.put(row, base + i, GridCell("na", "——"))
                else:
                    g.put(row, base + i, GridCell("amount", value=value, decimals=col.decimals))

    def _coded_stub(self, row: int, block: BlockDef, line: Line) -> None:
        code, base = line.code or "", self.offsets[block.key]
        level = code_level(code)
        parts = [i for i, c in enumerate(block.columns) if c.kind == "code_part"]
        for i, col in enumerate(block.columns):
            if col.kind == "code":
                self.grid.put(row, base + i, GridCell("code", code))
            elif col.kind == "code_part" and col.level and level and col.level <= level:
                start, end = CODE_SLICES.get(col.level, (0, 0))
                self.grid.put(row, base + i, GridCell("code", code[start:end]))
            elif col.kind == "code_part" and not level and parts and i == parts[0]:
                self.grid.put(row, base + i, GridCell("code", code))  # not a 类/款/项 code: print it whole
            elif col.kind in ("name", "label"):
                self.grid.put(row, base + i, GridCell("text", line.label, indent=line.indent))


def table_grid(tset: TemplateSet, table_key: str, values: Mapping[tuple[str, str], int],
               floating: Sequence[tuple[str, str]], meta: Mapping[str, str]) -> SheetGrid:
    """The official grid of a table; ``values`` maps (row key, column key) to hundredths."""
    table = tset.table(table_key)
    rows = RowIndex(tset, {table_key: list(floating)})
    return _Builder(table, TableGrid(table, rows), rows, values, floating, meta).build()
