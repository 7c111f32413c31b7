"""What the program holds of a template set: tables, blocks, columns, rows and rules as plain frozen objects.

A template set is data (YAML under resources/templates/). It is validated once, when it is compiled,
against :mod:`.schema`, then turned into these objects, which the set cache keeps pickled: a start served
from the cache imports neither pydantic nor YAML. One definition drives entry, checks, export and import.
Fields and defaults match :mod:`.schema` (tests/test_definition_models.py keeps them in step).
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct, field

Severity = Literal["error", "warning"]

COLUMN_VALUE_KINDS = ("amount", "count")


class ColumnDef(Struct, frozen=True):
    """One printed column of a block.

    kind: ``label`` (the row's printed caption), ``rowno`` (行次), ``code`` (科目编码), ``code_part``
    (one of the 类/款/项 code columns, with ``level``), ``name`` (科目名称), ``name2`` (the name of the
    row's second code in a paired block, e.g. 政府预算支出经济科目名称 beside 部门预算支出经济科目名称),
    ``amount`` (money), ``count`` (a whole number such as 车辆数).
    """

    key: str
    kind: Literal["label", "rowno", "code", "code_part", "name", "name2", "amount", "count"]
    header: list[str]
    lanci: str | None = None
    aliases: list[str] = field(default_factory=list)
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


class RowDef(Struct, frozen=True):
    """A fixed row as printed. ``blank`` rows carry only a 行次; ``heading`` rows only a caption."""

    key: str
    label: str = ""
    hangci: str | None = None
    code: str | None = None
    kind: Literal["data", "blank", "heading"] = "data"
    aliases: list[str] = field(default_factory=list)
    na: list[str] = field(default_factory=list)  # columns printed as —— (not applicable)
    indent: int = 0
    footer: bool = False


class FloatingDef(Struct, frozen=True):
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
    levels: list[int] = field(default_factory=lambda: [3, 5, 7])  # key lengths shown, e.g. [3, 7] without 款
    level_names: list[str] = field(default_factory=list)  # printed name of each level (named rows)
    pair_list: str | None = None  # second code list of a paired block (政府经济分类)
    total_label: str = "合计"
    total_key: str = "total"
    total_printed: Literal["部门名称"] | None = None  # the total row prints this header field (预算 表12/13)

    @property
    def named(self) -> bool:
        return self.code_list is None

    def split_key(self, key: str) -> tuple[str, str | None]:
        """(code, second code) of a row key; the second code only in a paired block."""
        if self.pair_list is not None and "_" in key:
            code, code2 = key.split("_", 1)
            return code, code2
        return key, None

    def parents(self, key: str) -> list[str]:
        """The keys of the rows above ``key``, nearest first (款 then 类 for a 项)."""
        code = self.split_key(key)[0]
        return [code[:n] for n in sorted(self.levels, reverse=True) if n < len(code)]

    def key_problem(self, key: str) -> str | None:
        """A Chinese message if ``key`` cannot be a row of this block, else ``None``."""
        code, code2 = self.split_key(key)
        allowed = "、".join(str(n) for n in self.levels)
        what = "行号" if self.named else "科目编码"
        if not code.isdigit() or len(code) not in self.levels:
            return f"{what}“{code}”格式不对：应为 {allowed} 位数字"
        if code2 is not None and (not code2.isdigit() or len(code) == min(self.levels)):
            return f"“{key}”格式不对：应为 部门经济科目编码_政府经济科目编码，且只用于明细行"
        return None


class BlockDef(Struct, frozen=True):
    """A rectangular part of a table with its own columns (公开01 has 收入 and 支出 side by side)."""

    key: str
    columns: list[ColumnDef]
    caption: str | None = None
    rows: list[RowDef] = field(default_factory=list)
    floating: FloatingDef | None = None

    def column(self, key: str) -> ColumnDef | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def value_columns(self) -> list[ColumnDef]:
        return [c for c in self.columns if c.is_value]


class TableDef(Struct, frozen=True):
    """One printed table (公开01表 …), identified by its stable ``key``, never by its number."""

    key: str
    title: str
    blocks: list[BlockDef]
    label: str = ""
    aliases: list[str] = field(default_factory=list)  # other printed titles of this table
    header_fields: list[str] = field(default_factory=lambda: ["部门名称", "年度", "金额单位"])
    notes: list[str] = field(default_factory=list)
    layout: Literal["stacked", "side_by_side"] = "stacked"
    show_lanci: bool = True
    empty_note: str = "本表无数据"

    def block(self, key: str) -> BlockDef | None:
        return next((b for b in self.blocks if b.key == key), None)

    @property
    def floating_block(self) -> BlockDef | None:
        return next((b for b in self.blocks if b.floating), None)


class ForeachDef(Struct, frozen=True):
    """Expand a rule over rows and/or columns; ``{row}``, ``{col}`` and ``{code}`` are substituted."""

    rows: list[str] = field(default_factory=list)  # row selectors such as zhichu[类]; union
    cols: list[str] = field(default_factory=list)


class CompareRule(Struct, frozen=True):
    """``left op right`` where both sides are sums of cells, e.g. a total against its parts."""

    id: str
    name: str
    left: str
    right: str
    kind: Literal["compare"] = "compare"
    severity: Severity = "error"
    op: Literal["=", "<=", ">="] = "="
    foreach: ForeachDef | None = None
    formula: bool = False  # the left cell is derived from the right while a clerk types
    ref: str | None = None  # where the relationship comes from, e.g. DOMAIN §2.3-1


class RollupRule(Struct, frozen=True):
    """类 = Σ款 = Σ项 in every value column of a coded block, and the total row = Σ类."""

    kind: Literal["rollup"]
    id: str
    name: str
    table: str
    severity: Severity = "error"
    columns: list[str] = field(default_factory=list)  # empty: every value column
    formula: bool = True
    ref: str | None = None


class CodeCheckRule(Struct, frozen=True):
    """Check each coded row: the code's shape and parent, and its printed name against the list."""

    kind: Literal["codes"]
    id: str
    name: str
    table: str
    code_list: str
    pair_list: str | None = None  # allowed (name, second name) pairs, e.g. 部门→政府经济科目
    ref: str | None = None


RuleDef = CompareRule | RollupRule | CodeCheckRule


class SetInfo(Struct, frozen=True):
    """What a set says about itself (set.yaml without its list of files; a derived set inherits it)."""

    id: str
    name: str
    kind: Literal["决算", "预算", "绩效"]
    year: int
    region: str
    version: str = "1"
    description: str = ""
    money_unit: Literal["元", "万元"] = "元"
