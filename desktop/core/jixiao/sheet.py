"""A 绩效 form as the rule kinds see it (:mod:`desktop.core.rules.kinds.sheet`): the shape of its definition
and the figures and texts of one form, with the figures derive.py computes from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cached_property
from typing import get_args

from ..i18n import tr
from ..rules.kinds.sheet import Column, Grade, Item, Node, Row, Shape, item
from .derive import Derived, derive
from .form import Form
from .models import FormFile, FundingRole, IndicatorRole, Level1Def, ScoringDef
from .store import form_table

ROLES = {"funding": frozenset(get_args(FundingRole)), "indicators": frozenset(get_args(IndicatorRole))}


def shape_of(file: FormFile, tree: Sequence[Level1Def], scoring: ScoringDef) -> Shape:
    """The structure and scoring parameters of a form definition, for expanding and validating rules."""
    fund = file.funding
    return Shape(
        key=file.key, kind=file.kind, project=file.project, unit=fund.unit, scored=scoring.scored,
        funding_columns=tuple(Column(c.key, c.role, c.caption) for c in fund.columns),
        funding_rows=tuple(Row(r.key, r.label, r.total, r.scored) for r in fund.rows),
        indicator_columns=tuple(Column(c.key, c.role, c.caption) for c in file.indicators.columns),
        nodes=tuple(Node(n.key, n.label) for n in tree),
        total_label=file.total.label if file.total else tr("总分"),
        params={"full_score": scoring.full_score, "funding_weight": scoring.funding_weight,
                "total_includes_funding": scoring.total_includes_funding,
                "grades": tuple(Grade(g.grade, g.min) for g in scoring.grades)},
        roles=ROLES,
    )


def items_of(fdef, form: Form) -> list[Item]:  # noqa: ANN001 - FormDef
    """The 三级 rows of a form as rule items (their ids and places in the tree, not their values)."""
    out = []
    for ind in form.indicators:
        found = fdef.level2(ind.level2)
        out.append(item(ind.id, ind.level2, found[0].key if found else None))
    return out


class FormSheet:
    """One form of a definition, read through roles and row keys."""

    def __init__(self, fdef, form: Form, derived: Derived | None = None) -> None:  # noqa: ANN001 - FormDef
        self.fdef, self.form, self.shape = fdef, form, fdef.shape
        self.table, self.title, self.key_prefix = form_table(form.id), form.title, f"jx{form.id}"
        self._derived = derived
        self.memo: dict = {}
        name = fdef.column_by_role("name")
        self._name = name.key if name else None

    @cached_property
    def derived(self) -> Derived:
        return self._derived or derive(self.fdef, self.form)

    @cached_property
    def items(self) -> list[Item]:
        return items_of(self.fdef, self.form)

    def path(self, item: Item) -> str:
        found = self.fdef.level2(item.group)
        name = self.item_text(item, self._name).strip().rstrip(":：") or tr("（未命名）")
        return f"{found[0].label if found else '?'}·{self.fdef.level2_label(item.group)}·{name}"

    @cached_property
    def _cells(self) -> dict[int, Mapping[str, object]]:
        return {ind.id: ind.cells for ind in self.form.indicators}

    def fund(self, row: str, col: str | None) -> Decimal | None:
        return self.form.funding(row, col)

    def number(self, key: str) -> Decimal | None:
        return self.form.number(key)

    def text(self, key: str) -> str:
        return self.form.text(key)

    def item_number(self, item: Item, col: str | None) -> Decimal | None:
        value = self._cells[item.id].get(col or "")
        return value if isinstance(value, Decimal) else None

    def item_text(self, item: Item, col: str | None) -> str:
        value = self._cells[item.id].get(col or "")
        return value if isinstance(value, str) else ("" if value is None else format(value, "f"))


class FormBookView:
    """Every form of a document and its table figures, for the rules across forms (book kinds)."""

    key_prefix = "jx"

    def __init__(self, sheets: list[FormSheet], table_values: Mapping[tuple[str, str, str], int],
                 has_table, money_unit: str) -> None:  # noqa: ANN001
        self.sheets, self.table_values, self._has_table, self.money_unit = sheets, table_values, has_table, money_unit

    def has_table(self, key: str) -> bool:
        return self._has_table(key)

    def rule_on(self, sheet: FormSheet, rule_id: str):  # noqa: ANN201 - Rule | None
        return next((r for r in sheet.fdef.rules if r.id == rule_id), None)
