"""What moved since the last 汇总: per cell, old → new, and which unit file it came from.

A unit file's change log says what its clerk changed and when; the 汇总 recorded the newest log row of
each unit (``log_head``). When a unit file changed since, the rows after that head name the cells and
their old → new figures: that is how a moved 汇总 cell is traced to the unit that moved it. A file whose
log does not continue from the recorded head (replaced by another copy, or edited by another tool) is
named as a possible source without a per-cell figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diff import CellChange, Comparison
from ..document import DocumentError
from ..i18n import tr
from .provenance import Provenance
from .sources import Version, changes_since


@dataclass(frozen=True)
class UnitChange:
    """One unit file that is new, gone or different since the last 汇总."""

    label: str
    kind: str  # added | removed | edited | replaced
    detail: str = ""

    def text(self) -> str:
        what = {"added": tr("新加入"), "removed": tr("已移出"), "edited": tr("已修改"), "replaced": tr("文件已被替换或被其他工具改动")}[self.kind]
        return f"{self.label}：{what}{('，' + self.detail) if self.detail else ''}"


@dataclass(frozen=True)
class CellMove:
    change: CellChange
    sources: tuple[str, ...]

    def text(self) -> str:
        origin = "；".join(self.sources) if self.sources else tr("未能对应到单位文件")
        return f"{self.change.text()} ← {origin}"


@dataclass
class Moves:
    units: list[UnitChange] = field(default_factory=list)
    cells: list[CellMove] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.units or self.cells or self.rows)

    def lines(self) -> list[str]:
        if self.same:
            return [tr("与上次汇总相比：单位文件和汇总数字都没有变动。")]
        out = [tr("与上次汇总相比：单位文件变动 {units_count} 个，汇总数字变动 {cells_count} 处，"
               "科目行变动 {rows_count} 处。", units_count=len(self.units), cells_count=len(self.cells), rows_count=len(self.rows))]
        out += [f"  {u.text()}" for u in self.units]
        out += [f"  {r}" for r in self.rows]
        out += [f"  {c.text()}" for c in self.cells]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"same": self.same,
                "units": [{"unit": u.label, "kind": u.kind, "detail": u.detail} for u in self.units],
                "rows": self.rows,
                "cells": [{"table": m.change.cell[0], "row": m.change.cell[1], "col": m.change.cell[2],
                           "text": m.change.text(), "sources": list(m.sources)} for m in self.cells]}


def _log_continues(entries: list[dict[str, Any]], old: Version, new: Version) -> bool:
    """The unit's log still holds the recorded head row and only grew after it."""
    return new.log_count - old.log_count == len(entries) and new.log_count >= old.log_count


def _touched(path: str, old: Version, new: Version, index: int, prov: Provenance
             ) -> tuple[dict[tuple[str, str, str], tuple[str | None, str | None]], bool]:
    """Cells (in 汇总 keys) the unit's clerk changed since the recorded head: first old, last new."""
    head = old.log_head.get("id")
    if not isinstance(head, int):
        return {}, False
    try:
        entries = changes_since(Path(path), head)
    except DocumentError:
        return {}, False
    if not _log_continues(entries, old, new):
        return {}, False
    out: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}
    for e in entries:
        if not (e["tbl"] and e["row"] and e["col"]):
            continue
        cell = (e["tbl"], prov.unit_key(e["tbl"], index, e["row"]), e["col"])
        first = out.get(cell, (e["old"], None))[0]
        out[cell] = (first, e["new"])
    return out, True


def compare_runs(before: Provenance, after: Provenance, comparison: Comparison) -> Moves:
    """The unit files and cells that moved between two 汇总 of the same units."""
    moves = Moves()
    old_by_file = {v.file: v for v in before.units}
    new_files = {v.file for v in after.units}
    touched: dict[tuple[str, str, str], list[str]] = {}
    vague: list[str] = []
    for index, new in enumerate(after.units):
        old = old_by_file.get(new.file)
        if old is None:
            moves.units.append(UnitChange(new.label, "added"))
            vague.append(tr("{label}（新加入）", label=new.label))
            continue
        if old.sha256 == new.sha256:
            continue
        cells, ok = _touched(new.file, old, new, index, after)
        if not ok:
            moves.units.append(UnitChange(new.label, "replaced", tr("无法逐格对应")))
            vague.append(tr("{label}（文件已被替换）", label=new.label))
            continue
        moves.units.append(UnitChange(new.label, "edited", tr("修改记录增加 {count} 条", count=new.log_count - old.log_count)))
        empty = tr("空")
        for cell, (first, last) in cells.items():
            touched.setdefault(cell, []).append(f"{new.label}：{first or empty} → {last or empty}")
    for old in before.units:
        if old.file not in new_files:
            moves.units.append(UnitChange(old.label, "removed"))
            vague.append(tr("{label}（已移出）", label=old.label))
    moves.rows = [r.text() for r in comparison.rows]
    for change in comparison.cells:
        sources = touched.get(change.cell) or vague
        moves.cells.append(CellMove(change, tuple(sources)))
    return moves
