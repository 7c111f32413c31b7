"""Compare two documents of the same set cell by cell: what a colleague changed since the copy I saw."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .definitions import TemplateSet, get_set
from .document import Document, DocumentError
from .i18n import N_, tr
from .money import format_amount, to_plain
from .review.compare import ReviewChange, compare_review
from .rules.describe import Describer
from .rules.instances import Cell
from .rules.rowindex import RowIndex

META_SHOWN = {"unit_name": N_("单位名称"), "year": N_("年度"), "money_unit": N_("金额单位")}


class DiffError(ValueError):
    """The two files cannot be compared; ``str()`` says why in Chinese."""


@dataclass(frozen=True)
class CellChange:
    cell: Cell
    table: str  # 公开03表《支出决算表》
    row: str  # 行次 or code with caption
    column: str  # caption with 栏次
    old: int | None
    new: int | None
    decimals: int = 2

    @property
    def difference(self) -> int:
        return (self.new or 0) - (self.old or 0)

    def text(self) -> str:
        def show(v: int | None) -> str:
            return tr("空") if v is None else format_amount(v, decimals=self.decimals)
        diff = format_amount(self.difference, decimals=self.decimals)
        sign = "+" if self.difference > 0 else ""
        return f"{self.table} {self.row} · {self.column}：{show(self.old)} → {show(self.new)}（{sign}{diff}）"


@dataclass(frozen=True)
class RowChange:
    table: str
    code: str
    name: str
    added: bool

    def text(self) -> str:
        what = tr("增加科目行") if self.added else tr("删除科目行")
        return f"{self.table} {what} {self.code} {self.name}".rstrip()


@dataclass
class Comparison:
    cells: list[CellChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    meta: list[tuple[str, str, str]] = field(default_factory=list)
    review: list[ReviewChange] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.cells or self.rows or self.meta or self.review)

    def summary(self) -> str:
        if self.same:
            return tr("两个文件的数字和审核记录完全相同。")
        added = sum(1 for r in self.rows if r.added)
        return (tr("共 {cells} 个单元格不同；增加科目行 {added} 个，删除 {removed} 个；"
                "封面信息不同 {meta} 项；审核记录（状态、签章、批注）不同 {review} 处。", cells=len(self.cells), added=added, removed=len(self.rows) - added, meta=len(self.meta), review=len(self.review)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "same": self.same,
            "cells": [{"table": c.cell[0], "row": c.cell[1], "col": c.cell[2], "table_name": c.table,
                       "row_caption": c.row, "col_caption": c.column,
                       "old": to_plain(c.old, c.decimals), "new": to_plain(c.new, c.decimals)} for c in self.cells],
            "rows": [{"table": r.table, "code": r.code, "name": r.name, "added": r.added} for r in self.rows],
            "meta": [{"field": k, "old": o, "new": n} for k, o, n in self.meta],
            "review": [{"table": r.tbl, "table_name": r.table, "kind": r.kind, "old": r.old, "new": r.new}
                       for r in self.review],
        }


def _order(tset: TemplateSet, rows: RowIndex, tables: set[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """Printed place (table, row) of every row of ``tables`` (only those tables' rows are looked at)."""
    order = {}
    for t, table in enumerate(tset.tables):
        if table.key in tables:
            for r, row in enumerate(rows.rows(table.key)):
                order[(table.key, row.key)] = (t, r)
    return order


def _decimals(tset: TemplateSet, rows: RowIndex, cell: Cell) -> int:
    """Decimal places of a value cell (2 when the cell is not a value cell of the set)."""
    table, row, col = cell
    info = rows.get(table, row) if tset.has_table(table) else None
    block = tset.table(table).block(info.block) if info else None
    column = block.column(col) if block else None
    return column.decimals if column is not None and column.is_value else 2


def compare_documents(old: Document, new: Document) -> Comparison:
    """Every differing value, floating row and cover field between ``old`` and ``new``.

    Cells are described from the set's definitions and each file's rows alone: no rule is compiled."""
    if old.set_id != new.set_id:
        raise DiffError(tr("两个文件使用不同的模板（{set_a} 与 {set_b}），不能逐格比较。", set_a=old.set_id, set_b=new.set_id))
    try:
        tset = get_set(old.set_id)
    except KeyError as exc:
        raise DocumentError("unknown_set", tr("文件使用的模板“{set_id}”本软件没有，请升级软件。", set_id=old.set_id)) from exc
    result = Comparison()
    for key, label in META_SHOWN.items():
        if old.meta.get(key, "") != new.meta.get(key, ""):
            result.meta.append((tr(label), old.meta.get(key, ""), new.meta.get(key, "")))
    rows_a, rows_b = old.floating_rows(), new.floating_rows()
    index_a, index_b = RowIndex(tset, rows_a), RowIndex(tset, rows_b)
    describe_a, describe_b = Describer(tset, index_a), Describer(tset, index_b)
    for table in tset.tables:
        before, after = dict(rows_a.get(table.key, [])), dict(rows_b.get(table.key, []))
        name = describe_a.table_name(table.key)
        for code in sorted(before.keys() - after.keys()):
            result.rows.append(RowChange(name, code, before[code], added=False))
        for code in sorted(after.keys() - before.keys()):
            result.rows.append(RowChange(name, code, after[code], added=True))
    result.review = compare_review(old, new, describe_b.table_name)
    va, vb = old.values(), new.values()
    changed = [c for c in va.keys() | vb.keys() if va.get(c) != vb.get(c)]
    touched = {c[0] for c in changed}
    order_a, order_b = _order(tset, index_a, touched), _order(tset, index_b, touched)
    far = (len(tset.tables), 1 << 30)
    changed.sort(key=lambda c: (order_b.get((c[0], c[1])) or order_a.get((c[0], c[1])) or far, c))
    for cell in changed:
        index, describer = (index_b, describe_b) if (cell[0], cell[1]) in order_b else (index_a, describe_a)
        result.cells.append(CellChange(cell, describer.table_name(cell[0]), describer.row_caption(cell[0], cell[1]),
                                       describer.col_caption(*cell), va.get(cell), vb.get(cell),
                                       _decimals(tset, index, cell)))
    return result


__all__ = ["CellChange", "Comparison", "DiffError", "ReviewChange", "RowChange", "compare_documents"]
