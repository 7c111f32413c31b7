"""Expand a set's rules over the rows a document has now, into :class:`Instance` objects.

Floating rows change what ``sum(zhichu[类].c1)`` or a rollup covers, so a structural edit (adding or
removing a 科目 row) recompiles what depends on the table it touched (see :mod:`.incremental`); a value
edit never does. Every expression is parsed once per rule: ``{row}``, ``{col}`` and ``{code}`` stand as
placeholders in the parsed terms and are filled in per binding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from msgspec import Struct

from ..codes import CodeLists, normalise_name
from ..definitions.models import BlockDef, CodeCheckRule, CompareRule, RollupRule, TableDef
from ..definitions.template_set import LEVEL_NAMES, TemplateSet, code_level
from ..i18n import tr
from .expr import Term, parse
from .instances import Cell, Instance, Side, StructuralFinding
from .rowindex import RowIndex, RowInfo

PLACEHOLDERS = {"row": "__row__", "col": "__col__", "code": "__code__"}
Binding = dict[str, str]


def _placeheld(text: str) -> str:
    for name, mark in PLACEHOLDERS.items():
        text = text.replace("{" + name + "}", mark)
    return text


_WHOLE = {mark: name for name, mark in PLACEHOLDERS.items()}


def _fill(text: str | None, binding: Binding) -> str | None:
    if text is None or "__" not in text:
        return text
    whole = _WHOLE.get(text)
    if whole is not None and whole in binding:
        return binding[whole]
    for name, value in binding.items():
        text = text.replace(PLACEHOLDERS[name], value)
    return text


class PreparedCompare(Struct, frozen=True):
    """A compare rule parsed once, with the tables its expansion depends on."""

    rule: CompareRule
    position: int  # the rule's place in the set: an earlier formula for the same cell wins
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    templated: bool  # some term holds a placeholder
    selector_tables: frozenset[str]  # tables whose rows a sum(...) selects
    foreach_tables: frozenset[str]  # tables whose rows the foreach runs over
    unique_targets: bool  # every binding derives a different cell (or the rule derives none)

    @classmethod
    def of(cls, rule: CompareRule, position: int) -> PreparedCompare:
        left, right = parse(_placeheld(rule.left)), parse(_placeheld(rule.right))
        terms = left + right
        templated = any("__" in f"{t.table}.{t.row}.{t.col}.{t.selector}" for t in terms)
        selector_tables = frozenset(t.table for t in terms if t.selector is not None)
        fe = rule.foreach
        foreach_tables = frozenset(s.split("[", 1)[0] for s in fe.rows) if fe else frozenset()
        unique = True
        if rule.formula and fe is not None and left:
            cell = f"{left[0].table}.{left[0].row}.{left[0].col}"
            unique = (not fe.rows or PLACEHOLDERS["row"] in cell) and (not fe.cols or PLACEHOLDERS["col"] in cell)
        return cls(rule, position, left, right, templated, selector_tables, foreach_tables, unique)

    def row_bindings(self, rows: RowIndex) -> list[tuple[str, str]]:
        """(row key, code) of every row the foreach runs over, in order, first table first."""
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        assert self.rule.foreach is not None
        for selector in self.rule.foreach.rows:
            table, sel = selector.split("[", 1)
            for key in rows.select(table, sel.rstrip("]")):
                if key not in seen:
                    seen.add(key)
                    info = rows.get(table, key)
                    out.append((key, (info.code if info and info.code else key)))
        return out

    def bindings(self, rows: RowIndex, row_keys: Iterable[tuple[str, str]] | None = None) -> Iterator[Binding]:
        """The rule's bindings (all of them, or those of ``row_keys`` only)."""
        fe = self.rule.foreach
        if fe is None:
            yield {}
            return
        keys = list(row_keys) if row_keys is not None else (self.row_bindings(rows) if fe.rows else [])
        if fe.rows and not keys:
            return
        row_part: list[Binding] = [{"row": k, "code": c} for k, c in keys] or [{}]
        col_part: list[Binding] = [{"col": c} for c in fe.cols] or [{}]
        for rb in row_part:
            for cb in col_part:
                yield {**rb, **cb}

    def instance_key(self, binding: Binding) -> str:
        suffix = "|".join(binding[k] for k in ("row", "col") if k in binding)
        return f"{self.rule.id}[{suffix}]" if suffix else self.rule.id

    def instances(self, rows: RowIndex, row_keys: Iterable[tuple[str, str]] | None = None) -> Iterator[Instance]:
        rule = self.rule
        for seq, binding in enumerate(self.bindings(rows, row_keys)):
            left = _expand(self.left, binding if self.templated else {}, rows)
            right = _expand(self.right, binding if self.templated else {}, rows)
            target = left[0][1] if rule.formula and rule.op == "=" and len(left) == 1 and left[0][0] == 1 else None
            table = left[0][1][0] if left else right[0][1][0]
            yield Instance(self.instance_key(binding), rule.id, rule.name, rule.severity, rule.op, left, right,
                           table, target, None, (self.position, 0 if self.unique_targets else seq))



def _expand(terms: tuple[Term, ...], binding: Binding, rows: RowIndex) -> Side:
    """The signed cells of ``terms`` with ``binding`` filled in and selections expanded over ``rows``."""
    out: list[tuple[int, Cell]] = []
    for term in terms:
        table, row, col = term.table, term.row, term.col
        if binding:
            table, row, col = _fill(table, binding) or "", _fill(row, binding), _fill(col, binding) or ""
        if row is not None:
            out.append((term.sign, (table, row, col)))
        else:
            sign, selector = term.sign, (_fill(term.selector, binding) if binding else term.selector)
            out.extend((sign, (table, key, col)) for key in rows.select(table, selector or "*"))
    return tuple(out)


def rollup_columns(rule: RollupRule, table: TableDef) -> list[str]:
    cols = list(rule.columns) or [c.key for b in table.blocks for c in b.value_columns]
    return list(dict.fromkeys(cols))


def rollup_groups(table: TableDef, rows: RowIndex) -> dict[str, list[str]]:
    """Parent row → its child rows in printed order; the floating block's total gets the top rows."""
    children: dict[str, list[str]] = {}
    top: list[str] = []
    for key, parent in rows.coded_parents(table.key):
        if parent is None:
            top.append(key)
        else:
            children.setdefault(parent, []).append(key)
    fl = table.floating_block
    if fl is not None and fl.floating is not None:
        children[fl.floating.total_key] = top
    return children


def rollup_instances(rule: RollupRule, position: int, table: TableDef, rows: RowIndex, parent: str,
                     kids: list[str], cols: list[str]) -> Iterator[Instance]:
    """The instances of one rollup group: ``parent`` = sum of ``kids``, per column."""
    info = rows.get(table.key, parent)
    detail = _rollup_detail(table.floating_block, info, rows.get(table.key, kids[0]) if kids else None)
    for col in cols:
        left: Side = ((1, (table.key, parent, col)),)
        right: Side = tuple((1, (table.key, k, col)) for k in kids)
        target = left[0][1] if rule.formula else None
        yield Instance(f"{rule.id}[{parent}|{col}]", rule.id, rule.name, rule.severity, "=", left, right, table.key,
                       target, detail, (position, 0))


def _rollup_detail(block: BlockDef | None, parent: RowInfo | None, child: RowInfo | None) -> str:
    """How the right side of a roll-up is described: 各类之和, 其下各款之和, 其下各项目之和 …"""
    fl = block.floating if block else None
    if fl is not None and fl.named and child is not None and child.code:
        depth = sorted(fl.levels).index(len(child.code)) if len(child.code) in fl.levels else -1
        name = fl.level_names[depth] if depth >= 0 else tr("下级")
        return tr("各{name}之和", name=name) if parent and parent.is_total else tr("其下各{name}之和", name=name)
    if parent and parent.is_total:
        return tr("各类之和")
    level = LEVEL_NAMES.get(code_level(parent.code), "") if parent and parent.code else ""
    return {"类": tr("其下各款（项）之和"), "款": tr("其下各项之和")}.get(level, tr("下级科目之和"))


def code_findings(rule: CodeCheckRule, tset: TemplateSet, codes: CodeLists, row: RowInfo) -> Iterator[
    StructuralFinding
]:
    """The findings about one coded row: its code's shape, its name, its pair."""
    table = tset.table(rule.table)
    if not row.code:
        return
    fb = table.floating_block
    levels = fb.floating.levels if fb and fb.floating else [3, 5, 7]
    block = table.block(row.block)
    code_col = next((c.key for c in block.columns if c.kind in ("code", "code_part", "name")), "code") if block else "code"
    cell: Cell = (table.key, row.key, code_col)
    if not row.code.isdigit() or len(row.code) not in levels:
        allowed = "、".join(str(n) for n in levels)
        yield StructuralFinding(
            f"{rule.id}[{row.key}|shape]", rule.id, "error",
            tr("科目编码“{code}”格式不对：应为 {allowed} 位数字", code=row.code, allowed=allowed), table.key, (cell,),
        )
        return
    known = codes.name(rule.code_list, row.code, tset.info.year)
    if known is not None and row.label and not codes.same_name(known, row.label):
        yield StructuralFinding(
            f"{rule.id}[{row.key}|name]", rule.id, "warning",
            tr("科目 {code} 的名称“{label}”与代码表中的“{known}”不一致，请核实", code=row.code, label=row.label, known=known), table.key, (cell,),
        )
    if rule.pair_list and row.code2 is not None:
        allowed_pairs = codes.allowed_pairs(rule.pair_list, row.label)
        if allowed_pairs is not None and normalise_name(row.label2) not in allowed_pairs:
            yield StructuralFinding(
                f"{rule.id}[{row.key}|pair]", rule.id, "warning",
                tr("部门经济科目“{label}”列在政府经济科目“{pair}”下，"
                "与对应关系表不符，请核实", label=row.label, pair=row.label2 or row.code2), table.key, (cell,),
            )


def compile_rules(tset: TemplateSet, rows: RowIndex, codes: CodeLists) -> tuple[list[Instance], list[StructuralFinding]]:
    """All rule instances and the structural findings for the rows a document has now."""
    instances: list[Instance] = []
    structural: list[StructuralFinding] = []
    for position, rule in enumerate(tset.rules):
        if isinstance(rule, CompareRule):
            instances.extend(PreparedCompare.of(rule, position).instances(rows))
        elif isinstance(rule, RollupRule):
            table = tset.table(rule.table)
            cols = rollup_columns(rule, table)
            for parent, kids in rollup_groups(table, rows).items():
                instances.extend(rollup_instances(rule, position, table, rows, parent, kids, cols))
        else:
            for row in rows.rows(rule.table):
                structural.extend(code_findings(rule, tset, codes, row))
    return instances, structural
