"""Table figures for narrative labels, and how a printed figure compares with them.

Table values are integer hundredths of the document's unit. A printed amount is compared in 元 with
Decimal arithmetic: a 万元 figure stands for ±half its last printed digit, and in a 万元 document so does
every table cell. A printed figure that is the table value rounded to its own precision agrees; a gap
inside the rounding intervals is 尾数误差; anything else is an error.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from msgspec import Struct

from ..rules.expr import parse
from ..rules.instances import Cell
from .figures import Figure, normalise_label
from .spec import RowTie, SectionSpec, Tie

if TYPE_CHECKING:
    from ..session import Session


class TableValue(Struct, frozen=True):
    """The sum an expression names: hundredths of the document unit, the cells read, how many were filled."""

    value: int
    cells: tuple[Cell, ...]
    filled: int


class Tables:
    """Reads cells of one session for the narrative checks and drafts; ``reads``, when given, collects every
    cell read (so a later table edit outside them need not re-check the prose)."""

    def __init__(self, session: Session, reads: set[Cell] | None = None) -> None:
        self.session = session
        self.wan = session.doc.money_unit == "万元"
        self.reads = reads

    def evaluate(self, expr: str) -> TableValue | None:
        """The value of a rule expression; ``None`` when the set has no such table."""
        total = filled = 0
        cells: list[Cell] = []
        values = self.session.engine.values
        for term in parse(expr):
            if not self.session.tset.has_table(term.table):
                return None
            rows = [term.row] if term.row is not None else self.session.rows.select(term.table, term.selector or "*")
            for row in rows:
                cell = (term.table, row, term.col)
                cells.append(cell)
                v = values.get(cell)
                if v is not None:
                    total += term.sign * v
                    filled += 1
        if self.reads is not None:
            self.reads.update(cells)
        return TableValue(total, tuple(cells), filled)

    def yuan(self, hundredths: int) -> Decimal:
        factor = Decimal(100) if self.wan else Decimal("0.01")
        return Decimal(hundredths) * factor

    def half_step(self, filled: int) -> Decimal:
        return Decimal(50) * max(filled, 1) if self.wan else Decimal(0)

    def to_doc(self, fig: Figure) -> int:
        """A printed amount in hundredths of the document's unit (rounded half-up)."""
        value = fig.yuan() / 100 if self.wan else fig.yuan() * 100
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def compare(self, fig: Figure, table: TableValue) -> str | None:
        """``None`` when the printed amount agrees, else ``"rounding"`` or ``"error"``."""
        printed, exact = fig.yuan(), self.yuan(table.value)
        if printed == exact:
            return None
        if fig.unit == "万元":
            step = Decimal(1).scaleb(-fig.decimals)
            if (exact / 10000).quantize(step, rounding=ROUND_HALF_UP) == fig.value:
                return None
        tolerance = fig.half_step_yuan() + self.half_step(table.filled)
        if self.wan and abs(printed - exact) <= tolerance:
            return "rounding"
        return "error"

    def describe(self, table: TableValue) -> str:
        describer = self.session.engine.describer
        parts = [describer.cell(c, with_table=True) for c in table.cells[:3]]
        more = f"等 {len(table.cells)} 个单元格之和" if len(table.cells) > 3 else ""
        return "＋".join(parts) + more


@lru_cache(maxsize=8192)
def _norm(label: str) -> str:
    text = normalise_label(label)
    return re.sub(r"(支出|费用|费)$", "", text)


def find_tie(specs: list[SectionSpec], *names: str) -> Tie | None:
    """The tie whose label a name ends with: names are tried in order (the label with its measure word,
    the subject, the subject without 支出); within one name the longest label wins."""
    for raw in names:
        for name in dict.fromkeys((normalise_label(raw), re.sub("支出$", "", normalise_label(raw)))):
            if not name:
                continue
            best: tuple[int, Tie] | None = None
            for spec in specs:
                for tie in spec.ties:
                    for label in tie.labels:
                        if name.endswith(normalise_label(label)) and (best is None or len(label) > best[0]):
                            best = (len(label), tie)
            if best:
                return best[1]
    return None


def find_row(tables: Tables, specs: list[SectionSpec], subject: str) -> tuple[RowTie, str] | None:
    """The one row whose printed name is the subject (功能分类/经济分类 names); ambiguous names give None."""
    wanted = _norm(subject)
    if len(wanted) < 2:
        return None
    session = tables.session
    for spec in reversed(specs):
        for row_tie in spec.rows:
            if not session.tset.has_table(row_tie.table):
                continue
            hits = []
            for key in session.rows.select(row_tie.table, row_tie.selector):
                info = session.rows.get(row_tie.table, key)
                if info is not None and info.label and _norm(info.label) == wanted:
                    hits.append(key)
            if len(hits) == 1:
                return row_tie, hits[0]
    return None
