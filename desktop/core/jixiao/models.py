"""Typed, frozen definitions of the 绩效 forms (shapes A–G and 部门整体), loaded from resources/forms/jixiao.

A form definition says what a clerk fills in: header fields, the funding block (rows × columns, each
column with a *role* such as 全年预算数 or 执行率), the objectives and text blocks, the fixed 一级/二级
indicator tree with its floating 三级 rows and their columns, the 总分 row, and the scoring parameters
and its rules. The checks are rules in YAML (``_shared/rules.yaml``, changed per form under ``overrides``,
added under ``rules``), evaluated by the rule kinds of desktop/core/rules/kinds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..rules.kinds import RuleChange, RuleSpec

Key = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$", min_length=1)]

FUNDING_AMOUNT_ROLES = ("initial", "declared", "budget", "exec", "balance", "amount")
FUNDING_NUMBER_ROLES = (*FUNDING_AMOUNT_ROLES, "weight", "rate", "score")
INDICATOR_NUMBER_ROLES = ("weight", "score")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{what} {key} 重复")
        seen.add(key)


class FieldDef(_Frozen):
    """A text field: header (项目名称 …), objective (预期目标 …), analysis text or footer (填报日期 …)."""

    key: Key
    label: str
    multiline: bool = False
    aliases: list[str] = []


class FieldGroup(_Frozen):
    caption: str
    fields: list[FieldDef] = Field(min_length=1)


class FundingColumn(_Frozen):
    """A column of the funding block; ``role`` says what the scoring rules read from it."""

    key: Key
    role: Literal["initial", "declared", "budget", "exec", "balance", "amount", "weight", "rate", "score", "reason"]
    header: list[str] = Field(min_length=1)
    aliases: list[str] = []

    @property
    def caption(self) -> str:
        return "".join(self.header[-1:])

    @property
    def numeric(self) -> bool:
        return self.role in FUNDING_NUMBER_ROLES


class FundingRow(_Frozen):
    """年度资金总额 (``total``) or one of its 其中 rows; ``scored`` rows carry 分值/执行率/得分."""

    key: Key
    label: str
    total: bool = False
    scored: bool = False
    aliases: list[str] = []


class FundingDef(_Frozen):
    caption: str
    unit: Literal["元", "万元"]
    columns: list[FundingColumn] = Field(min_length=1)
    rows: list[FundingRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> FundingDef:
        _unique([c.key for c in self.columns], "资金栏键")
        _unique([r.key for r in self.rows], "资金行键")
        if sum(1 for r in self.rows if r.total) != 1:
            raise ValueError("资金表须有且只有一行 total: true（年度资金总额）")
        return self

    def column(self, key: str) -> FundingColumn | None:
        return next((c for c in self.columns if c.key == key), None)

    def row(self, key: str) -> FundingRow | None:
        return next((r for r in self.rows if r.key == key), None)

    def by_role(self, role: str) -> FundingColumn | None:
        return next((c for c in self.columns if c.role == role), None)

    @property
    def total_row(self) -> FundingRow:
        return next(r for r in self.rows if r.total)


class Level2Def(_Frozen):
    key: Key
    label: str
    aliases: list[str] = []


class Level1Def(_Frozen):
    key: Key
    label: str
    aliases: list[str] = []
    children: list[Level2Def] = Field(min_length=1)


class IndicatorColumn(_Frozen):
    """A column of the floating 三级 rows; ``role`` tells the scoring rules what it holds."""

    key: Key
    role: Literal["name", "target", "target_adjusted", "actual", "note", "weight", "score", "reason", "direction",
                  "unit", "period_name", "period_target"]
    header: list[str] = Field(min_length=1)
    aliases: list[str] = []

    @property
    def caption(self) -> str:
        return self.header[-1]

    @property
    def numeric(self) -> bool:
        return self.role in INDICATOR_NUMBER_ROLES


class IndicatorsDef(_Frozen):
    """The fixed tree (a file under _shared/ or inline) and the columns of each 三级 row."""

    tree: str | list[Level1Def]
    level2_labels: dict[str, str] = {}
    columns: list[IndicatorColumn] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> IndicatorsDef:
        _unique([c.key for c in self.columns], "指标栏键")
        if not any(c.role == "name" for c in self.columns):
            raise ValueError("指标栏须有一栏 role: name（三级指标）")
        return self


class TotalDef(_Frozen):
    label: str = "总分"


class GradeBand(_Frozen):
    grade: str
    min: Decimal


class QualitativeBand(_Frozen):
    text: str
    low: Decimal
    high: Decimal
    aliases: list[str] = []


class ScoringDef(_Frozen):
    """Scoring parameters (shared defaults in _shared/scoring.yaml, overridden per form)."""

    scored: bool = True
    full_score: Decimal
    funding_weight: Decimal | None
    total_includes_funding: bool
    grades: list[GradeBand] = Field(min_length=1)
    qualitative: list[QualitativeBand]

    @model_validator(mode="after")
    def _check(self) -> ScoringDef:
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True):
            raise ValueError("grades 须按分数从高到低排列")
        return self


class FormFile(_Frozen):
    """One form file as written (the tree may still be a file reference; scoring is merged later)."""

    key: Key
    shape: str
    kind: Literal["self_eval", "target"]
    project: bool = Field(True, description="one project per form (False for 部门整体): counts in Σ 全年执行数")
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
    notes: list[str] = Field([], description="注 lines printed under the form, as the printed form words them")
    scoring: dict[str, object] = {}
    overrides: dict[str, RuleChange] = Field({}, description="changes to shared rules by id (severity off: not applied)")
    rules: list[RuleSpec] = Field([], description="this shape's own rules (ids not among the shared ones)")
    sections: list[Literal["header", "funding", "texts", "objectives", "indicators", "footer"]] = Field(
        default=["header", "funding", "objectives", "indicators", "texts", "footer"],
        description="printed order of the parts (the 目标表 prints its 项目概况 texts before the objectives)",
    )

    @model_validator(mode="after")
    def _check(self) -> FormFile:
        keys = [f.key for f in self.header] + [f.key for f in self.footer]
        for group in (self.objectives, self.texts):
            keys += [f.key for f in group.fields] if group else []
        _unique(keys, "字段键")
        return self
