"""A loaded template set: its tables by key and its rules, ready for documents and the engine."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field

from .models import BlockDef, RowDef, RuleDef, SetInfo, TableDef

LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}
LEVEL_BY_NAME = {v: k for k, v in LEVEL_NAMES.items()}


def code_level(code: str) -> int:
    """类 = 1 (3 digits), 款 = 2 (5 digits), 项 = 3 (7 digits); 0 for anything else."""
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0) if code.isdigit() else 0


class TemplateSet(Struct, frozen=True):
    """One published table set (e.g. 山西 2022 决算公开) with its tables in printed order."""

    info: SetInfo
    tables: tuple[TableDef, ...]
    rules: tuple[RuleDef, ...]
    folder: Path
    # the tables by key, filled from ``tables``: a field (a Struct holds no other attribute), so it is pickled,
    # compared and shown too, which changes no comparison (it follows from ``tables``)
    _by_key: dict[str, TableDef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_key.update({t.key: t for t in self.tables})

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def name(self) -> str:
        return self.info.name

    def table(self, key: str) -> TableDef:
        return self._by_key[key]

    def has_table(self, key: str) -> bool:
        return key in self._by_key

    def block_of_row(self, table: TableDef, row_key: str) -> BlockDef | None:
        """The block holding a fixed row; the floating block for any other key."""
        for block in table.blocks:
            if any(r.key == row_key for r in block.rows):
                return block
        return table.floating_block

    def fixed_row(self, table_key: str, row_key: str) -> RowDef | None:
        for block in self.table(table_key).blocks:
            for row in block.rows:
                if row.key == row_key:
                    return row
        return None
