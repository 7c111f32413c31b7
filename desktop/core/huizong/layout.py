"""Where a value may sit in a set, per table: which rows exist and which columns hold numbers.

Built once per set from the definitions (no rule is compiled); used to keep a unit's stray values (a
value on a row the unit does not have, or in a column that holds no number) out of a 汇总.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..definitions import TemplateSet, get_set
from ..definitions.models import FloatingDef


@dataclass
class TableLayout:
    """One table: its fixed rows (and floating total) with their value columns, and its floating block."""

    key: str
    title: str
    fixed: dict[str, dict[str, int]] = field(default_factory=dict)  # row key -> {column key: decimals}
    floating: FloatingDef | None = None
    floating_columns: dict[str, int] = field(default_factory=dict)

    @property
    def named(self) -> bool:
        return self.floating is not None and self.floating.named

    def columns(self, row: str, floating_rows: set[str]) -> dict[str, int] | None:
        """The value columns of ``row`` (None when the table has no such row for this unit)."""
        if row in self.fixed:
            return self.fixed[row]
        if self.floating is not None and row in floating_rows and self.floating.key_problem(row) is None:
            return self.floating_columns
        return None


@lru_cache(maxsize=8)
def layout_of(set_id: str) -> dict[str, TableLayout]:
    """Every table of the set, by key."""
    tset: TemplateSet = get_set(set_id)
    out: dict[str, TableLayout] = {}
    for table in tset.tables:
        lay = TableLayout(table.key, table.title)
        for block in table.blocks:
            cols = {c.key: c.decimals for c in block.value_columns}
            for row in block.rows:
                if row.kind == "data":
                    lay.fixed[row.key] = cols
            if block.floating is not None:
                lay.floating, lay.floating_columns = block.floating, cols
                lay.fixed[block.floating.total_key] = cols
        out[table.key] = lay
    return out
