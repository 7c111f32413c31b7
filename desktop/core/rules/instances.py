"""Rule instances: one relationship between concrete cells, produced by expanding a rule."""

from __future__ import annotations

from msgspec import Struct

Cell = tuple[str, str, str]  # (table key, row key, column key)
Side = tuple[tuple[int, Cell], ...]  # signed cells


class Instance(Struct):
    """``left op right`` over concrete cells; ``target`` is set when the left cell is derived."""

    key: str
    rule_id: str
    name: str
    severity: str
    op: str
    left: Side
    right: Side
    table: str
    target: Cell | None = None
    detail: str | None = None
    order: tuple[int, int] = (0, 0)  # (rule's place in the set, binding): the first formula for a cell wins

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for _, c in self.left) + tuple(c for _, c in self.right)


class StructuralFinding(Struct, frozen=True):
    """A finding about a row itself (a code's shape or name), not about amounts."""

    key: str
    rule_id: str
    severity: str
    message: str
    table: str
    cells: tuple[Cell, ...]
