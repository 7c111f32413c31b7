"""One form in a document, as plain data: its fields and its ordered 三级 indicator rows.

Field keys: ``t.<field>`` (header, objectives, analysis texts, footer), ``f.<row>.<col>`` (funding block),
``total.weight`` / ``total.score`` (the printed 总分 row), ``grade`` (a stated 优/良/中/差) and
``w.<一级>`` (a weight printed in the 一级 label, e.g. 产出指标(60)). Numbers are Decimal, text is str.
"""

from __future__ import annotations

from decimal import Decimal

from msgspec import Struct, field

Value = str | Decimal


class Indicator(Struct):
    """A 三级指标 row: its id (stable across reorders), its 二级 and its cells by column key."""

    id: int
    level2: str
    cells: dict[str, Value] = field(default_factory=dict)

    def text(self, col: str | None) -> str:
        value = self.cells.get(col or "")
        return value if isinstance(value, str) else ("" if value is None else format(value, "f"))

    def number(self, col: str | None) -> Decimal | None:
        value = self.cells.get(col or "")
        return value if isinstance(value, Decimal) else None


class Form(Struct):
    """A form instance: definition key (``shape``), title and values."""

    id: int
    shape: str
    title: str
    position: int
    fields: dict[str, Value] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)

    def text(self, key: str) -> str:
        value = self.fields.get(key)
        return value if isinstance(value, str) else ("" if value is None else format(value, "f"))

    def number(self, key: str) -> Decimal | None:
        value = self.fields.get(key)
        return value if isinstance(value, Decimal) else None

    def funding(self, row: str, col: str | None) -> Decimal | None:
        return self.number(f"f.{row}.{col}") if col else None

    def under(self, level2: str) -> list[Indicator]:
        """The 三级 rows of one 二级, in order."""
        return [i for i in self.indicators if i.level2 == level2]

    def indicator(self, ind_id: int) -> Indicator | None:
        return next((i for i in self.indicators if i.id == ind_id), None)
