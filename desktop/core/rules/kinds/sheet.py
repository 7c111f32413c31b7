"""What a rule kind sees of a form: its shape (columns by role, rows by key, the 一级 nodes, the shape's
scoring parameters) and one filled-in instance (figures, texts and the figures the shape derives).

The 绩效 package builds these from its definitions and forms (jixiao/sheet.py); the kinds know nothing else.
Cells are addressed like :class:`~desktop.core.rules.findings.Finding` cells: ``fund.<row>`` and
``indicator:<id>`` rows, ``total`` / ``level1`` rows for printed totals and 一级 weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from msgspec import Struct, field

BLOCKS = ("funding", "indicators")


class Column(Struct, frozen=True):
    key: str
    role: str
    caption: str


class Row(Struct, frozen=True):
    """A fixed row of the funding block: the total (``total``) or one of its 其中 rows; ``scored`` rows
    carry 分值/执行率/得分."""

    key: str
    label: str
    total: bool = False
    scored: bool = False


class Node(Struct, frozen=True):
    """A 一级 node of the indicator tree."""

    key: str
    label: str


class Grade(Struct, frozen=True):
    grade: str
    min: Decimal


class Shape(Struct, frozen=True, kw_only=True):
    """The structure a rule is expanded over, and the vocabulary it is validated against."""

    key: str
    kind: str  # self_eval | target
    project: bool
    unit: str
    scored: bool
    funding_columns: tuple[Column, ...]
    funding_rows: tuple[Row, ...]
    indicator_columns: tuple[Column, ...]
    nodes: tuple[Node, ...]
    total_label: str
    params: Mapping[str, object]  # full_score, funding_weight, total_includes_funding, grades …
    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)  # every role a block may have

    def columns(self, block: str) -> tuple[Column, ...]:
        return self.funding_columns if block == "funding" else self.indicator_columns

    def column(self, block: str, role: str) -> Column | None:
        return next((c for c in self.columns(block) if c.role == role), None)

    @property
    def total_row(self) -> Row:
        return next(r for r in self.funding_rows if r.total)

    def select_rows(self, selector: str | Sequence[str]) -> list[Row]:
        """``all``, ``total``, ``parts`` (the 其中 rows), ``scored`` or a list of row keys."""
        if isinstance(selector, str):
            pick = {"all": lambda r: True, "total": lambda r: r.total, "parts": lambda r: not r.total,
                    "scored": lambda r: r.scored}[selector]
            return [r for r in self.funding_rows if pick(r)]
        return [r for r in self.funding_rows if r.key in selector]


class Item(Struct, frozen=True):
    """A floating 三级 row: its id, its 二级, its 一级 (None outside the tree) and its row in finding cells
    (``indicator:<id>``, see :func:`item`); messages name it through :meth:`Sheet.path`, since its name is a
    value that edits change."""

    id: int
    group: str  # its 二级
    node: str | None
    row: str


def item(item_id: int, group: str, node: str | None) -> Item:
    """The 三级 row ``item_id`` of 二级 ``group`` under 一级 ``node``."""
    return Item(item_id, group, node, f"indicator:{item_id}")


ALL_ITEMS = "indicator:*"  # the row of a cell a check reads in every 三级 row (Σ over a column)


class Band(Protocol):
    text: str
    low: Decimal
    high: Decimal


class ItemHelp(Protocol):
    suggested: Decimal | None
    band: Band | None
    band_range: tuple[Decimal, Decimal] | None


class Derived(Protocol):
    """The figures a form's shape derives (shown beside the values; see jixiao/derive.py)."""

    funding_weight: Decimal | None
    funding_score: Decimal | None
    total_score: Decimal
    grade: str | None
    indicators: Mapping[int, ItemHelp]


class Sheet(Protocol):
    """One filled-in form."""

    shape: Shape
    table: str
    title: str
    key_prefix: str
    items: Sequence[Item]
    derived: Derived
    memo: dict  # figures several checks of one evaluation share (Σ of a column …)

    def fund(self, row: str, col: str | None) -> Decimal | None: ...
    def number(self, key: str) -> Decimal | None: ...
    def text(self, key: str) -> str: ...
    def item_number(self, item: Item, col: str | None) -> Decimal | None: ...
    def item_text(self, item: Item, col: str | None) -> str: ...
    def path(self, item: Item) -> str:
        """How messages name a 三级 row: 一级·二级·name."""
        ...


class Book(Protocol):
    """Every form of a document, with the document's table figures (for rules across forms and tables)."""

    sheets: Sequence[Sheet]
    money_unit: str
    key_prefix: str
    table_values: Mapping[tuple[str, str, str], int]

    def has_table(self, key: str) -> bool: ...
    def rule_on(self, sheet: Sheet, rule_id: str):  # noqa: ANN201 - Rule | None (as that form's shape has it)
        ...
