"""A loaded form definition: the form file with its tree resolved, its scoring merged and its rules resolved."""

from __future__ import annotations

from functools import cached_property

from msgspec import Struct

from ..i18n import tr
from ..rules.kinds import Rule
from ..rules.kinds.sheet import Shape
from .models import FieldDef, FormFile, IndicatorColumn, Level1Def, Level2Def, ScoringDef


class FormDef(Struct, frozen=True, dict=True):
    """Everything about one form shape, ready for the store, the checks and the form view. (``dict=True``:
    the lookups by role and by 二级 key are worked out once per definition, :func:`cached_property`.)"""

    file: FormFile
    tree: tuple[Level1Def, ...]
    scoring: ScoringDef
    path: str
    shape: Shape
    rules: tuple[Rule, ...] = ()  # the rules that apply to this shape (form and book kinds), in order
    book_rules: tuple[Rule, ...] = ()  # the shared rules across forms and tables, as written

    @property
    def key(self) -> str:
        return self.file.key

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def kind(self) -> str:
        return self.file.kind

    @property
    def funding(self):  # noqa: ANN201 - FundingDef
        return self.file.funding

    @property
    def columns(self) -> list[IndicatorColumn]:
        return self.file.indicators.columns

    def column(self, key: str) -> IndicatorColumn | None:
        return next((c for c in self.columns if c.key == key), None)

    def column_by_role(self, role: str) -> IndicatorColumn | None:
        return self._by_role.get(role)

    @cached_property
    def _by_role(self) -> dict[str, IndicatorColumn]:
        out: dict[str, IndicatorColumn] = {}
        for column in self.columns:
            out.setdefault(column.role, column)  # the first column of a role, as a search from the left finds
        return out

    def text_fields(self) -> list[tuple[str, FieldDef]]:
        """(group caption, field) for every text field, in printed order."""
        out = [(tr("表头"), f) for f in self.file.header]
        for group in (self.file.objectives, self.file.texts):
            if group:
                out += [(group.caption, f) for f in group.fields]
        out += [(tr("表尾"), f) for f in self.file.footer]
        return out

    def field(self, key: str) -> FieldDef | None:
        return next((f for _, f in self.text_fields() if f.key == key), None)

    def level1(self, key: str) -> Level1Def | None:
        return next((n for n in self.tree if n.key == key), None)

    def level2(self, key: str) -> tuple[Level1Def, Level2Def] | None:
        return self._level2.get(key)

    @cached_property
    def _level2(self) -> dict[str, tuple[Level1Def, Level2Def]]:
        out: dict[str, tuple[Level1Def, Level2Def]] = {}
        for node in self.tree:
            for child in node.children:
                out.setdefault(child.key, (node, child))  # the first, as a search of the tree finds
        return out

    def level2_label(self, key: str) -> str:
        found = self.level2(key)
        return self.file.indicators.level2_labels.get(key) or (found[1].label if found else key)

    @property
    def level2_keys(self) -> list[str]:
        return [c.key for n in self.tree for c in n.children]
