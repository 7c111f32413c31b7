"""The schema a template set's YAML is validated against when a set is compiled (a cache miss).

A template set is data (YAML under resources/templates/); these pydantic models check it when it is
loaded, so a mistake in a definition file is reported with its place in the file, not discovered while a
clerk types. What the program then holds are the plain objects of :mod:`.models` (:func:`to_plain`), so
a start served from the set cache never imports pydantic. Each class here has a namesake there with the
same fields and defaults (tests/test_definition_models.py keeps them in step).
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
    (one of the 类/款/项 code columns, with ``level``), ``name`` (科目名称), ``name2`` (the name of the
    row's second code in a paired block, e.g. 政府预算支出经济科目名称 beside 部门预算支出经济科目名称),
    ``amount`` (money), ``count`` (a whole number such as 车辆数).
    """

    key: Key
    kind: Literal["label", "rowno", "code", "code_part", "name", "name2", "amount", "count"]
    header: list[str] = Field(min_length=1, description="header path, top to bottom; equal runs merge")
    lanci: str | None = None
    aliases: list[str] = []
    width: int | None = None
    level: int | None = None

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
    """浮动行: rows the clerk adds; parents and the total row follow.

    Three kinds, all keyed so that a parent's key is a prefix of its children's keys:
    - coded (``code_list`` set): rows keyed by 科目编码 (类/款/项 = 3/5/7 digits);
    - paired (``pair_list`` set too): each detail row also carries a code of a second list, keyed
      ``<code>_<code2>`` (预算 表6: 部门经济科目 30101 paid as 政府经济科目 50501 → ``30101_50501``);
      rows of the first level (the 类) carry no second code;
    - named (no ``code_list``): rows the clerk names (单位, 项目), keyed by a generated number whose
      length gives the level, e.g. levels [2, 4] with ``level_names`` [单位, 项目]: 单位 ``01``, its
      项目 ``0101``, ``0102``. The total row stands for the level above (部门).
    """

    code_list: str | None = None
    levels: list[int] = Field(default=[3, 5, 7], description="key lengths shown, e.g. [3, 7] without 款")
    level_names: list[str] = Field(default_factory=list, description="printed name of each level (named rows)")
    pair_list: str | None = Field(None, description="second code list of a paired block (政府经济分类)")
    total_label: str = "合计"
    total_key: Key = "total"
    total_printed: Literal["部门名称"] | None = Field(
        None, description="the printed total row carries this header field's value (预算 表12/13: the 部门's name)")

    @model_validator(mode="after")
    def _consistent(self) -> FloatingDef:
        if self.code_list is None and len(self.level_names) != len(self.levels):
            raise ValueError("命名浮动行（无 code_list）须为每一级写出 level_names")
        if self.pair_list is not None and self.code_list is None:
            raise ValueError("pair_list 须与 code_list 一起使用")
        return self

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
    pair_list: str | None = Field(None, description="allowed (name, second name) pairs, e.g. 部门→政府经济科目")
    ref: str | None = None


RuleDef = Annotated[CompareRule | RollupRule | CodeCheckRule, Field(discriminator="kind")]


class SetInfo(_Frozen):
    """What a set says about itself (set.yaml without its list of files; a derived set inherits it)."""

    id: Key
    name: str
    kind: Literal["决算", "预算", "绩效"]
    year: int
    region: str
    version: str = "1"
    description: str = ""
    money_unit: Literal["元", "万元"] = "元"


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


def to_plain(value: object) -> object:
    """A validated model (or a list of them) as the plain objects of :mod:`.models`, field by field."""
    from . import models

    if isinstance(value, BaseModel):
        plain = getattr(models, type(value).__name__)
        return plain(**{name: to_plain(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    return value
