"""The kinds of the 决算/预算 tables, listed in the same registry: their parameter models are the rule models
of a set's YAML (definitions/models.py) and their expansion is the table engine's own (compile.py, whose
hot path is unchanged). Context: ``(template set, row index, code lists)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...definitions.models import CodeCheckRule, CompareRule, RollupRule
from .. import compile as table_compile
from .registry import register_table_kind


@register_table_kind("compare", CompareRule)
def compare(rule: CompareRule, context: tuple[Any, Any, Any]) -> Iterator[Any]:
    """``left op right`` over sums of cells, optionally for each row and column of a selection."""
    _tset, rows, _codes = context
    return table_compile._compare(rule, rows)  # noqa: SLF001 - the engine's own expansion


@register_table_kind("rollup", RollupRule)
def rollup(rule: RollupRule, context: tuple[Any, Any, Any]) -> Iterator[Any]:
    """类 = Σ款 = Σ项 in each value column of a coded block, and the total row = Σ类."""
    tset, rows, _codes = context
    return table_compile._rollup(rule, tset, rows)  # noqa: SLF001


@register_table_kind("codes", CodeCheckRule)
def codes(rule: CodeCheckRule, context: tuple[Any, Any, Any]) -> Iterator[Any]:
    """Each coded row: the code's shape, and its printed name against the code list."""
    tset, rows, code_lists = context
    return table_compile._code_checks(rule, tset, rows, code_lists)  # noqa: SLF001
