"""Expand a set's rules over the rows a document has now, into :class:`Instance` objects.

Floating rows change what ``sum(zhichu[类].c1)`` or a rollup covers, so a structural edit (adding or
removing a 科目 row) recompiles; a value edit never does.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..codes import CodeLists, normalise_name
from ..definitions.models import BlockDef, CodeCheckRule, CompareRule, RollupRule
from ..definitions.template_set import LEVEL_NAMES, TemplateSet, code_level
from .expr import Term, parse
from .instances import Cell, Instance, Side, StructuralFinding
from .rowindex import RowIndex, RowInfo


def _expand_terms(terms: tuple[Term, ...], rows: RowIndex) -> Side:
    out: list[tuple[int, Cell]] = []
    for term in terms:
        if term.row is not None:
            out.append((term.sign, (term.table, term.row, term.col)))
        else:
            for key in rows.select(term.table, term.selector or "*"):
                out.append((term.sign, (term.table, key, term.col)))
    return tuple(out)


def _bindings(rule: CompareRule, rows: RowIndex) -> Iterator[dict[str, str]]:
    if rule.foreach is None:
        yield {}
        return
    row_keys: list[tuple[str, str]] = []
    seen: set[str] = set()
    for selector in rule.foreach.rows:
        table, sel = selector.split("[", 1)
        for key in rows.select(table, sel.rstrip("]")):
            if key not in seen:
                seen.add(key)
                info = rows.get(table, key)
                row_keys.append((key, (info.code if info and info.code else key)))
    row_part = [{"row": k, "code": c} for k, c in row_keys] or [{}]
    col_part = [{"col": c} for c in rule.foreach.cols] or [{}]
    if rule.foreach.rows and not row_keys:
        return
    for rb in row_part:
        for cb in col_part:
            yield {**rb, **cb}


def _substitute(text: str, binding: dict[str, str]) -> str:
    for name, value in binding.items():
        text = text.replace("{" + name + "}", value)
    return text


def _compare(rule: CompareRule, rows: RowIndex) -> Iterator[Instance]:
    for binding in _bindings(rule, rows):
        left = _expand_terms(parse(_substitute(rule.left, binding)), rows)
        right = _expand_terms(parse(_substitute(rule.right, binding)), rows)
        suffix = "|".join(binding[k] for k in ("row", "col") if k in binding)
        key = f"{rule.id}[{suffix}]" if suffix else rule.id
        target = left[0][1] if rule.formula and rule.op == "=" and len(left) == 1 and left[0][0] == 1 else None
        table = left[0][1][0] if left else right[0][1][0]
        yield Instance(key, rule.id, rule.name, rule.severity, rule.op, left, right, table, target)


def _rollup(rule: RollupRule, tset: TemplateSet, rows: RowIndex) -> Iterator[Instance]:
    table = tset.table(rule.table)
    coded = [r for r in rows.rows(table.key) if r.code]
    children: dict[str, list[str]] = {}
    top: list[str] = []
    for row in coded:
        parent = rows.parent_of(table.key, row.code or "")
        if parent is None:
            top.append(row.key)
        else:
            children.setdefault(parent, []).append(row.key)
    cols = list(rule.columns) or [c.key for b in table.blocks for c in b.value_columns]
    cols = list(dict.fromkeys(cols))
    groups = list(children.items())
    fl = table.floating_block
    if fl is not None and fl.floating is not None:
        groups.append((fl.floating.total_key, top))
    for parent, kids in groups:
        info = rows.get(table.key, parent)
        detail = _rollup_detail(table.floating_block, info, rows.get(table.key, kids[0]) if kids else None)
        for col in cols:
            left: Side = ((1, (table.key, parent, col)),)
            right: Side = tuple((1, (table.key, k, col)) for k in kids)
            target = left[0][1] if rule.formula else None
            yield Instance(
                f"{rule.id}[{parent}|{col}]", rule.id, rule.name, rule.severity, "=", left, right, table.key,
                target, detail,
            )


def _rollup_detail(block: BlockDef | None, parent: RowInfo | None, child: RowInfo | None) -> str:
    """How the right side of a roll-up is described: 各类之和, 其下各款之和, 其下各项目之和 …"""
    fl = block.floating if block else None
    if fl is not None and fl.named and child is not None and child.code:
        depth = sorted(fl.levels).index(len(child.code)) if len(child.code) in fl.levels else -1
        name = fl.level_names[depth] if depth >= 0 else "下级"
        return f"各{name}之和" if parent and parent.is_total else f"其下各{name}之和"
    if parent and parent.is_total:
        return "各类之和"
    level = LEVEL_NAMES.get(code_level(parent.code), "") if parent and parent.code else ""
    return {"类": "其下各款（项）之和", "款": "其下各项之和"}.get(level, "下级科目之和")


def _code_checks(rule: CodeCheckRule, tset: TemplateSet, rows: RowIndex, codes: CodeLists) -> Iterator[
    StructuralFinding
]:
    table = tset.table(rule.table)
    levels = table.floating_block.floating.levels if table.floating_block and table.floating_block.floating else [3, 5, 7]
    for row in rows.rows(table.key):
        if not row.code:
            continue
        block = table.block(row.block)
        code_col = next((c.key for c in block.columns if c.kind in ("code", "code_part", "name")), "code") if block else "code"
        cell: Cell = (table.key, row.key, code_col)
        if not row.code.isdigit() or len(row.code) not in levels:
            allowed = "、".join(str(n) for n in levels)
            yield StructuralFinding(
                f"{rule.id}[{row.key}|shape]", rule.id, "error",
                f"科目编码“{row.code}”格式不对：应为 {allowed} 位数字", table.key, (cell,),
            )
            continue
        known = codes.name(rule.code_list, row.code, tset.info.year)
        if known is not None and row.label and not codes.same_name(known, row.label):
            yield StructuralFinding(
                f"{rule.id}[{row.key}|name]", rule.id, "warning",
                f"科目 {row.code} 的名称“{row.label}”与代码表中的“{known}”不一致，请核实", table.key, (cell,),
            )
        if rule.pair_list and row.code2 is not None:
            allowed = codes.allowed_pairs(rule.pair_list, row.label)
            if allowed is not None and normalise_name(row.label2) not in allowed:
                yield StructuralFinding(
                    f"{rule.id}[{row.key}|pair]", rule.id, "warning",
                    f"部门经济科目“{row.label}”列在政府经济科目“{row.label2 or row.code2}”下，"
                    f"与对应关系表不符，请核实", table.key, (cell,),
                )


def compile_rules(tset: TemplateSet, rows: RowIndex, codes: CodeLists) -> tuple[list[Instance], list[StructuralFinding]]:
    """All rule instances and the structural findings for the rows a document has now."""
    instances: list[Instance] = []
    structural: list[StructuralFinding] = []
    for rule in tset.rules:
        if isinstance(rule, CompareRule):
            instances.extend(_compare(rule, rows))
        elif isinstance(rule, RollupRule):
            instances.extend(_rollup(rule, tset, rows))
        else:
            structural.extend(_code_checks(rule, tset, rows, codes))
    return instances, structural
