"""Typed, frozen models of a template set: tables, blocks, columns, rows and rules.

A template set is data (YAML under resources/templates/); these models validate it when it is loaded,
so a mistake in a definition file is reported with its place in the file, not discovered while a clerk
types. One definition drives entry, checks, export and import.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Key = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$", min_length=1)]
Severity = Literal["error", "warning"]

COLUMN_VALUE_KINDS = ("amount", "count")


class _Frozen(BaseModel):
    # defer_build: schemas are built on first validation, so a start-up served from the set cache skips it
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ColumnDef(_Frozen):
    """One printed column of a block.

    kind: ``label`` (the row's printed caption), ``rowno`` (行次), ``code`` (科目编码), ``code_part``
    (one of the 类/款/项 code columns, with ``level``), ``name`` (科目名称), ``amount`` (money),
    ``count`` (a whole number such as 车辆数).
    """

    key: Key
    kind: Literal["label", "rowno", "code", "code_part", "name", "amount", "count"]
    header: list[str] = Field(min_length=1, description="header path, top to bottom; equal runs merge")
    lanci: str | None = None
    aliases: list[str] = []
    width: int | None = None
    level: int | None = None

    @property
    def caption(self) -> str:
        return self.header[-1]

    @property
    def is_value(self) -> bool:
        return self.kind in COLUMN_VALUE_KINDS

    @property
    def decimals(self) -> int:
        return 0 if self.kind == "count" else 2


class RowDef(_Frozen):
    """A fixed row as printed. ``blank`` rows carry only a 行次; ``heading`` rows only a caption."""

    key: Key
    label: str = ""
    hangci: str | None = None
    code: str | None = None
    kind: Literal["data", "blank", "heading"] = "data"
    aliases: list[str] = []
    na: list[str] = Field(default_factory=list, description="columns printed as —— (not applicable)")
    indent: int = 0
    footer: bool = False


class FloatingDef(_Frozen):
    """浮动行: rows the clerk adds by code; parents (类/款) and the total row follow."""

    code_list: str
    levels: list[int] = Field(default=[3, 5, 7], description="code lengths shown, e.g. [3, 7] without 款")
    total_label: str = "合计"
    total_key: Key = "total"


class BlockDef(_Frozen):
    """A rectangular part of a table with its own columns (公开01 has 收入 and 支出 side by side)."""

    key: Key
    caption: str | None = None
    columns: list[ColumnDef] = Field(min_length=1)
    rows: list[RowDef] = []
    floating: FloatingDef | None = None

    @model_validator(mode="after")
    def _unique_columns(self) -> BlockDef:
        seen: set[str] = set()
        for col in self.columns:
            if col.key in seen:
                raise ValueError(f"列键 {col.key} 重复")
            seen.add(col.key)
        return self

    def column(self, key: str) -> ColumnDef | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def value_columns(self) -> list[ColumnDef]:
        return [c for c in self.columns if c.is_value]


class TableDef(_Frozen):
    """One printed table (公开01表 …), identified by its stable ``key``, never by its number."""

    key: Key
    label: str = ""
    title: str
    aliases: list[str] = Field(default_factory=list, description="other printed titles of this table")
    header_fields: list[str] = ["部门名称", "年度", "金额单位"]
    notes: list[str] = []
    layout: Literal["stacked", "side_by_side"] = "stacked"
    blocks: list[BlockDef] = Field(min_length=1)
    show_lanci: bool = True
    empty_note: str = "本表无数据"

    @model_validator(mode="after")
    def _unique_rows(self) -> TableDef:
        seen: set[str] = set()
        for block in self.blocks:
            for row in block.rows:
                if row.key in seen:
                    raise ValueError(f"行键 {row.key} 重复")
                seen.add(row.key)
        if sum(1 for b in self.blocks if b.floating) > 1:
            raise ValueError("一张表最多一个浮动行区域")
        return self

    def block(self, key: str) -> BlockDef | None:
        return next((b for b in self.blocks if b.key == key), None)

    @property
    def floating_block(self) -> BlockDef | None:
        return next((b for b in self.blocks if b.floating), None)


class ForeachDef(_Frozen):
    """Expand a rule over rows and/or columns; ``{row}``, ``{col}`` and ``{code}`` are substituted."""

    rows: list[str] = Field(default_factory=list, description="row selectors such as zhichu[类]; union")
    cols: list[str] = Field(default_factory=list)


class CompareRule(_Frozen):
    """``left op right`` where both sides are sums of cells, e.g. a total against its parts."""

    kind: Literal["compare"] = "compare"
    id: Key
    name: str
    severity: Severity = "error"
    left: str
    op: Literal["=", "<=", ">="] = "="
    right: str
    foreach: ForeachDef | None = None
    formula: bool = Field(False, description="the left cell is derived from the right while a clerk types")
    ref: str | None = Field(None, description="where the relationship comes from, e.g. DOMAIN §2.3-1")


class RollupRule(_Frozen):
    """类 = Σ款 = Σ项 in every value column of a coded block, and the total row = Σ类."""

    kind: Literal["rollup"]
    id: Key
    name: str
    severity: Severity = "error"
    table: Key
    columns: list[Key] = Field(default_factory=list, description="empty: every value column")
    formula: bool = True
    ref: str | None = None


class CodeCheckRule(_Frozen):
    """Check each coded row: the code's shape and parent, and its printed name against the list."""

    kind: Literal["codes"]
    id: Key
    name: str
    table: Key
    code_list: str
    ref: str | None = None


RuleDef = Annotated[CompareRule | RollupRule | CodeCheckRule, Field(discriminator="kind")]


class TableRef(_Frozen):
    """How a set lists a table: a file, optionally re-labelled (公开07表 in one year, 公开09表 in another)."""

    file: str
    label: str | None = None
    title: str | None = None


class SetFile(_Frozen):
    """The set.yaml of a template set folder."""

    id: Key
    name: str
    kind: Literal["决算", "预算", "绩效"]
    year: int
    region: str
    version: str = "1"
    description: str = ""
    money_unit: Literal["元", "万元"] = "元"
    tables: list[TableRef] = Field(min_length=1)
    rule_files: list[str] = []
    detect: dict[str, list[str]] = Field(
        default_factory=dict, description="hints used by import to recognise this set"
    )


class RuleFile(_Frozen):
    rules: list[RuleDef] = []

    @model_validator(mode="before")
    @classmethod
    def _default_kind(cls, data: object) -> object:
        """A rule without ``kind`` is a ``compare`` rule."""
        if isinstance(data, dict) and isinstance(data.get("rules"), list):
            data = dict(data)
            data["rules"] = [
                {"kind": "compare", **r} if isinstance(r, dict) and "kind" not in r else r for r in data["rules"]
            ]
        return data
