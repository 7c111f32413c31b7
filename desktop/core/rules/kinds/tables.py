"""The kinds of the 决算/预算 tables, listed in the same registry: their parameter models are the rule models
of a set's YAML (definitions/models.py) and their expansion is the table engine's own (compile.py, whose
hot path is unchanged). Context: ``(template set, row index, code lists)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...definitions.models import CodeCheckRule, CompareRule, RollupRule
from .. import compile as table_compile
from .registry import register_table_kind


def _position(tset: Any, rule: Any) -> int:
    """The rule's place in the set (an earlier formula for the same cell wins)."""
    return next(i for i, r in enumerate(tset.rules) if r is rule)


@register_table_kind("compare", CompareRule)
def compare(rule: CompareRule, context: tuple[Any, Any, Any]) -> Iterator[Any]:
    """``left op right`` over sums of cells, optionally for each row and column of a selection."""
    tset, rows, _codes = context
    return table_compile.PreparedCompare.of(rule, _position(tset, rule)).instances(rows)


@register_table_kind("rollup", RollupRule)
def rollup(rule: RollupRule, context: tuple[Any, Any, Any]) -> Iterator[Any]:
    """类 = Σ款 = Σ项 in each value column of a coded block, and the total row = Σ类."""
    tset, rows, _codes = context
    table = tset.table(rule.table)
    cols = table_compile.rollup_columns(rule, table)
    position = _position(tset, rule)
    for parent, kids in table_compile.rollup_groups(table, rows).items():
        yield from table_compile.rollup_instances(rule, position, table, rows, parent, kids, cols)


@register_table_kind("codes", CodeCheckRule)
def codes(rule: CodeCheckRule, context: tuple[Any, Any, Any]) -> Iterator[Any]:
    """Each coded row: the code's shape, and its printed name against the code list."""
    tset, rows, code_lists = context
    for row in rows.rows(rule.table):
        yield from table_compile.code_findings(rule, tset, code_lists, row)
