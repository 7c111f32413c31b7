"""Typed, frozen definitions of the 绩效 forms (shapes A–G and 部门整体), loaded from resources/forms/jixiao.

A form definition says what a clerk fills in: header fields, the funding block (rows × columns, each
column with a *role* such as 全年预算数 or 执行率), the objectives and text blocks, the fixed 一级/二级
indicator tree with its floating 三级 rows and their columns, the 总分 row, and the scoring parameters
and its rules. The checks are rules in YAML (``_shared/rules.yaml``, changed per form under ``overrides``,
added under ``rules``), evaluated by the rule kinds of desktop/core/rules/kinds.

The classes are msgspec Structs: they validate a form file when the forms are compiled (:mod:`.validate`,
a cache miss) and are what the compiled forms hold, so a start served from the compiled cache imports
neither pydantic nor YAML (:mod:`.loader`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from msgspec import Meta, field

from ..rules.kinds import RuleChange, RuleSpec
from ..rules.kinds.registry import Frozen

Key = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_]+$", min_length=1)]
FundingRole = Literal["initial", "declared", "budget", "exec", "balance", "amount", "weight", "rate", "score",
                      "reason"]
IndicatorRole = Literal["name", "target", "target_adjusted", "actual", "note", "weight", "score", "reason",
                        "direction", "unit", "period_name", "period_target"]
Section = Literal["header", "funding", "texts", "objectives", "indicators", "footer"]

FUNDING_AMOUNT_ROLES = ("initial", "declared", "budget", "exec", "balance", "amount")
FUNDING_NUMBER_ROLES = (*FUNDING_AMOUNT_ROLES, "weight", "rate", "score")
INDICATOR_NUMBER_ROLES = ("weight", "score")


def _unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{what} {key} 重复")
        seen.add(key)


class FieldDef(Frozen):
    """A text field: header (项目名称 …), objective (预期目标 …), analysis text or footer (填报日期 …)."""

    key: Key
    label: str
    multiline: bool = False
    aliases: list[str] = []


class FieldGroup(Frozen):
    caption: str
    fields: Annotated[list[FieldDef], Meta(min_length=1)]


class FundingColumn(Frozen):
    """A column of the funding block; ``role`` says what the scoring rules read from it."""

    key: Key
    role: FundingRole
    header: Annotated[list[str], Meta(min_length=1)]
    aliases: list[str] = []

    @property
    def caption(self) -> str:
        return "".join(self.header[-1:])

    @property
    def numeric(self) -> bool:
        return self.role in FUNDING_NUMBER_ROLES


class FundingRow(Frozen):
    """年度资金总额 (``total``) or one of its 其中 rows; ``scored`` rows carry 分值/执行率/得分."""

    key: Key
    label: str
    total: bool = False
    scored: bool = False
    aliases: list[str] = []


class FundingDef(Frozen):
    caption: str
    unit: Literal["元", "万元"]
    columns: Annotated[list[FundingColumn], Meta(min_length=1)]
    rows: Annotated[list[FundingRow], Meta(min_length=1)]

    def __post_init__(self) -> None:
        _unique([c.key for c in self.columns], "资金栏键")
        _unique([r.key for r in self.rows], "资金行键")
        if sum(1 for r in self.rows if r.total) != 1:
            raise ValueError("资金表须有且只有一行 total: true（年度资金总额）")

    def column(self, key: str) -> FundingColumn | None:
        return next((c for c in self.columns if c.key == key), None)

    def row(self, key: str) -> FundingRow | None:
        return next((r for r in self.rows if r.key == key), None)

    def by_role(self, role: str) -> FundingColumn | None:
        return next((c for c in self.columns if c.role == role), None)

    @property
    def total_row(self) -> FundingRow:
        return next(r for r in self.rows if r.total)


class Level2Def(Frozen):
    key: Key
    label: str
    aliases: list[str] = []


class Level1Def(Frozen):
    key: Key
    label: str
    children: Annotated[list[Level2Def], Meta(min_length=1)]
    aliases: list[str] = []


class IndicatorColumn(Frozen):
    """A column of the floating 三级 rows; ``role`` tells the scoring rules what it holds."""

    key: Key
    role: IndicatorRole
    header: Annotated[list[str], Meta(min_length=1)]
    aliases: list[str] = []

    @property
    def caption(self) -> str:
        return self.header[-1]

    @property
    def numeric(self) -> bool:
        return self.role in INDICATOR_NUMBER_ROLES


class IndicatorsDef(Frozen):
    """The fixed tree (a file under _shared/ or inline) and the columns of each 三级 row."""

    tree: str | list[Level1Def]
    columns: Annotated[list[IndicatorColumn], Meta(min_length=1)]
    level2_labels: dict[str, str] = {}

    def __post_init__(self) -> None:
        _unique([c.key for c in self.columns], "指标栏键")
        if not any(c.role == "name" for c in self.columns):
            raise ValueError("指标栏须有一栏 role: name（三级指标）")


class TotalDef(Frozen):
    label: str = "总分"


class GradeBand(Frozen):
    grade: str
    min: Decimal


class QualitativeBand(Frozen):
    text: str
    low: Decimal
    high: Decimal
    aliases: list[str] = []


class ScoringDef(Frozen):
    """Scoring parameters (shared defaults in _shared/scoring.yaml, overridden per form)."""

    full_score: Decimal
    funding_weight: Decimal | None
    total_includes_funding: bool
    grades: Annotated[list[GradeBand], Meta(min_length=1)]
    qualitative: list[QualitativeBand]
    scored: bool = True

    def __post_init__(self) -> None:
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True):
            raise ValueError("grades 须按分数从高到低排列")


class FormFile(Frozen, kw_only=True):
    """One form file as written (the tree may still be a file reference; scoring is merged later).

    ``project``: one project per form (False for 部门整体), counted in Σ 全年执行数; ``notes``: the 注 lines
    printed under the form, as the printed form words them; ``overrides``: changes to shared rules by id
    (severity off: not applied); ``rules``: this shape's own rules (ids not among the shared ones);
    ``sections``: the printed order of the parts (the 目标表 prints its 项目概况 texts before the objectives)."""

    key: Key
    shape: str
    kind: Literal["self_eval", "target"]
    project: bool = True
    name: str
    title: str
    title_aliases: list[str] = []
    header: list[FieldDef] = []
    funding: FundingDef
    objectives: FieldGroup | None = None
    indicators: IndicatorsDef
    total: TotalDef | None = None
    texts: FieldGroup | None = None
    footer: list[FieldDef] = []
    notes: list[str] = []
    scoring: dict[str, Any] = {}
    overrides: dict[str, RuleChange] = {}
    rules: list[RuleSpec] = []
    sections: list[Section] = field(
        default_factory=lambda: ["header", "funding", "objectives", "indicators", "texts", "footer"])

    def __post_init__(self) -> None:
        keys = [f.key for f in self.header] + [f.key for f in self.footer]
        for group in (self.objectives, self.texts):
            keys += [f.key for f in group.fields] if group else []
        _unique(keys, "字段键")
