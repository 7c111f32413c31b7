"""Where a table sits in a sheet and what its printed columns are (for the workbook import).

A table is found by its printed title (best match first, each title cell and table used once), else by its
label (公开03表); its region runs to the next table. The header band starts at the first row after the
title that holds a header caption of the definition, and ends before the 栏次 row or the first row that
looks like the body. Each sheet column gets a header path (merged cells filled; a blank group cell carries
its left neighbour's caption when both sit under the same parent) and its 栏次; the paths are aligned, in
order, with the definition's columns by header text and 栏次. Extra side-by-side blocks (four printed where
the set has three) are recognised by their captions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..definitions import BlockDef, ColumnDef, TableDef, TemplateSet
from ..money import AmountError, parse_amount
from .published import norm, norm_hangci, title_score
from .sheet_layout import LANCI_CAPTION, placed_columns
from .sheet_meta import is_label_line
from .workbook_reader import Cell, Sheet

TITLE_MIN_SCORE = 0.8
MAX_HEADER_ROWS = 6
TOTAL_WORDS = ("合计", "总计")
CODE_PATTERN = re.compile(r"^\d{3}(\d{2}){0,2}$")
FIELD_PATTERN = re.compile(r"^\s*([^：:]{1,8})[：:]\s*(.*)$")


@dataclass
class Anchor:
    table: TableDef
    sheet: int
    row: int
    top: int  # the first row of the table (its label above the title, when printed)


@dataclass
class SheetColumn:
    """A sheet column of a table region: its header path and 栏次."""

    index: int
    path: list[str]
    lanci: str | None



def is_numeric(cell: Cell | None) -> bool:
    if cell is None:
        return False
    if cell.number:
        return True
    try:
        return parse_amount(cell.text) is not None
    except AmountError:
        return False



# -- the sheet as text with merges filled ------------------------------------------------------------
class SheetView:
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
def _title_candidates(views: Sequence[SheetView], tset: TemplateSet) -> list[tuple[float, int, int, TableDef]]:
    out = []
    for s, view in enumerate(views):
        for (r, _c), cell in view.sheet.cells.items():
            text = cell.text.strip()
            if cell.number or "表" not in text or len(text) > 80 or cell.formula or re.search(r"[(（]\s*续", text):
                continue  # a "(续)" title continues a table found before
            for table in tset.tables:
                score = title_score(text, table)
                if score >= TITLE_MIN_SCORE:
                    out.append((score, s, r, table))
    return out


def _has_header(view: SheetView, table: TableDef, row: int) -> bool:
    """A header band of the table follows within a few rows (a 目录 line or a mention in a note has none)."""
    return HeaderReader(view, table, min(row + 12, view.sheet.nrows)).header_start(row + 1) is not None


def find_tables(views: Sequence[SheetView], tset: TemplateSet) -> list[Anchor]:
    """Each table of the set printed in the workbook, by title (a title with its header below first, then
    best match first), else by label."""
    candidates = sorted(((*c, _has_header(views[c[1]], c[3], c[2])) for c in _title_candidates(views, tset)),
                        key=lambda x: (not x[4], -x[0], x[1], x[2]))
    anchors: list[Anchor] = []
    used_rows: set[tuple[int, int]] = set()
    for _score, s, r, table, _header in candidates:
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


def _label_top(view: SheetView, table: TableDef, row: int) -> int:
    """The table's first row: its label line above the title (公开03表, 预算公开表3, 附件1-3) when printed."""
    wanted = {norm(table.label), norm(table.label) + "表"} if table.label else set()
    for r in range(row - 1, max(row - 4, -1), -1):
        texts = [view.text(r, c) for c in view.row_cols(r)]
        if any(norm(t) in wanted for t in texts) or is_label_line(texts):
            return r
        if texts:
            break
    return row



# -- the header band of one table ---------------------------------------------------------------------
class HeaderReader:
    """The header band, 栏次 row and column mapping of one table's region."""

    def __init__(self, view: SheetView, table: TableDef, end: int) -> None:
        self.view, self.table, self.end = view, table, end
        self.columns = placed_columns(table)
        tokens: set[str] = set()
        for block in table.blocks:
            for col in block.columns:
                tokens.update(norm(h) for h in col.header)
                tokens.update(norm(a) for a in col.aliases)
        tokens.add(norm(LANCI_CAPTION))
        self.header_tokens = tokens - {""}
        labels: set[str] = set()
        for block in table.blocks:
            labels.update(norm(r.label) for r in block.rows if r.label)
            labels.update(norm(a) for r in block.rows for a in r.aliases)
            if block.floating:
                labels.update({norm(block.floating.total_label), *TOTAL_WORDS})
        self.row_labels = labels - {""} - tokens

    def header_start(self, start: int) -> int | None:
        for r in range(start, min(self.end, start + 12) + 1):
            cells = [norm(self.view.text(r, c)) for c in self.view.row_cols(r)]
            if any(t in self.header_tokens for t in cells) and not self.is_field_row(r):
                return r
        return None

    def is_field_row(self, r: int) -> bool:
        for c in self.view.row_cols(r):
            text = self.view.text(r, c)
            m = FIELD_PATTERN.match(text)
            if (m and any(norm(f) == norm(m.group(1)) for f in [*self.table.header_fields, "金额单位", "单位"])) \
                    or re.fullmatch(r"\d{4}\s*年度?", text):
                return True
        return False

    @dataclass
    class _Band:
        header_end: int
        lanci_row: int | None

    def header_end(self, top: int) -> HeaderReader._Band:
        end = top
        left = min(self.view.row_cols(top), default=0)
        for r in range(top + 1, min(top + MAX_HEADER_ROWS, self.end + 1)):
            if self._is_lanci_row(r) or self._looks_like_body(r) or self._is_total_row(r, left):
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

    def _is_total_row(self, r: int, left: int) -> bool:
        """The 合计 row of a coded table printed right under the header (no 栏次 row between): its caption
        sits in the table's first column, where no header caption below the first header row does."""
        cols = self.view.row_cols(r)
        if not cols or not any(b.floating for b in self.table.blocks) or cols[0] > left:
            return False
        totals = {norm(b.floating.total_label) for b in self.table.blocks if b.floating} | set(TOTAL_WORDS)
        owner = self.view.owner.get((r, cols[0]), (r, cols[0]))
        return norm(self.view.text(r, cols[0])) in totals and owner[0] == r  # not a header cell merged down

    def _looks_like_body(self, r: int) -> bool:
        for c in self.view.row_cols(r):
            cell = self.view.cell(r, c)
            if cell is None:
                continue
            text = norm(cell.text)
            if is_numeric(cell) or CODE_PATTERN.match(text) or text in self.row_labels:
                return True
        return False

    def sheet_columns(self, top: int, bottom: int, lanci_row: int | None) -> list[SheetColumn]:
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
                left_is_group = any(grid[(q, c - 1)] and grid[(q, c - 1)] != grid[left]
                                    for q in range(r + 1, bottom + 1))  # it has captions under it, not merged down
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
            out.append(SheetColumn(c, path, lanci or None))
        return out

    def align(self, cols: list[SheetColumn]) -> dict[tuple[str, str], int]:
        """Sheet columns to (block, column) keys: the best in-order alignment by header text and 栏次."""
        defs = self.columns
        n, m = len(cols), len(defs)
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            for j in range(m - 1, -1, -1):
                s = column_score(cols[i], defs[j][1])
                best[i][j] = max(best[i + 1][j], best[i][j + 1], (s + best[i + 1][j + 1]) if s > 0 else 0.0)
        mapping: dict[tuple[str, str], int] = {}
        i = j = 0
        while i < n and j < m:
            s = column_score(cols[i], defs[j][1])
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

    def repeated_blocks(self, cols: list[SheetColumn], used: set[int]) -> list[tuple[BlockDef, dict]]:
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
                        run[k].index == run[0].index + k and column_score(run[k], col) > 0
                        for k, col in enumerate(block.columns)):
                    out.append((block, {(block.key, col.key): run[k].index for k, col in enumerate(block.columns)}))
                    i += len(block.columns)
                    break
            else:
                i += 1
        return out


def column_score(col: SheetColumn, d: ColumnDef) -> float:
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


