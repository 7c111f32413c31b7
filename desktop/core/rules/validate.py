"""Check, when a set loads, that every rule names tables, rows and columns the set really has."""

from __future__ import annotations

from ..codes import default_code_lists
from ..definitions.errors import DefinitionError
from ..definitions.models import CodeCheckRule, CompareRule, RollupRule
from ..definitions.template_set import LEVEL_BY_NAME, TemplateSet
from ..i18n import tr
from .expr import ExprError, Term, parse

_PLACEHOLDERS = {"{row}": "__row__", "{col}": "__col__", "{code}": "__code__"}


def _fail(tset: TemplateSet, rule_id: str, problem: str) -> DefinitionError:
    return DefinitionError(str(tset.folder / "set.yaml"), tr("规则 {rule_id}", rule_id=rule_id), problem, code="GK120", rule_id=rule_id)


def _check_selector(tset: TemplateSet, rule_id: str, table: str, selector: str) -> None:
    if not tset.has_table(table):
        raise _fail(tset, rule_id, tr("未知的表 {table}", table=table))
    sel = selector.strip()
    if sel in ("*", "floating", "coded") or sel in LEVEL_BY_NAME:
        return
    if sel.startswith("code:"):
        if not sel[5:].strip().isdigit():
            raise _fail(tset, rule_id, tr("选择 {sel} 应为 code:科目编码", sel=sel))
        return
    keys = [r.key for b in tset.table(table).blocks for r in b.rows]
    names = [s.strip() for s in sel.split("..")] if ".." in sel else [s.strip() for s in sel.split(",")]
    for name in names:
        if name not in keys and not name.startswith("__"):
            raise _fail(tset, rule_id, tr("表 {table} 没有行 {name}", table=table, name=name))


def _check_term(tset: TemplateSet, rule_id: str, term: Term) -> None:
    if not tset.has_table(term.table):
        raise _fail(tset, rule_id, tr("未知的表 {table}", table=term.table))
    table = tset.table(term.table)
    if not term.col.startswith("__") and not any(b.column(term.col) for b in table.blocks):
        raise _fail(tset, rule_id, tr("表 {table} 没有列 {col}", table=term.table, col=term.col))
    if term.selector is not None:
        _check_selector(tset, rule_id, term.table, term.selector)
    elif term.row and not term.row.startswith("__"):
        fixed = tset.fixed_row(term.table, term.row)
        if fixed is None and table.floating_block is None:
            raise _fail(tset, rule_id, tr("表 {table} 没有行 {row}", table=term.table, row=term.row))
        if fixed is not None and fixed.kind != "data":
            raise _fail(tset, rule_id, tr("表 {table} 的行 {row} 不是数据行", table=term.table, row=term.row))


def _parse(tset: TemplateSet, rule_id: str, text: str) -> tuple[Term, ...]:
    for name, sentinel in _PLACEHOLDERS.items():
        text = text.replace(name, sentinel)
    try:
        return parse(text)
    except ExprError as exc:
        raise _fail(tset, rule_id, str(exc)) from exc


def validate_rules(tset: TemplateSet) -> None:
    """Raise :class:`DefinitionError` for the first rule that cannot be evaluated on this set."""
    code_lists = default_code_lists()
    for rule in tset.rules:
        if isinstance(rule, CompareRule):
            for text in (rule.left, rule.right):
                for term in _parse(tset, rule.id, text):
                    _check_term(tset, rule.id, term)
            if rule.foreach:
                for selector in rule.foreach.rows:
                    if "[" not in selector or not selector.endswith("]"):
                        raise _fail(tset, rule.id, tr("foreach.rows 应写成 表[选择]：{selector}", selector=selector))
                    table, sel = selector[:-1].split("[", 1)
                    _check_selector(tset, rule.id, table, sel)
        elif isinstance(rule, RollupRule):
            if not tset.has_table(rule.table):
                raise _fail(tset, rule.id, tr("未知的表 {table}", table=rule.table))
            table = tset.table(rule.table)
            for col in rule.columns:
                if not any(b.column(col) for b in table.blocks):
                    raise _fail(tset, rule.id, tr("表 {table} 没有列 {col}", table=rule.table, col=col))
        elif isinstance(rule, CodeCheckRule):
            if not tset.has_table(rule.table):
                raise _fail(tset, rule.id, tr("未知的表 {table}", table=rule.table))
            if rule.code_list not in code_lists.names():
                raise _fail(tset, rule.id, tr("没有代码表 {code_list}", code_list=rule.code_list))
            if rule.pair_list is not None and rule.pair_list not in code_lists.pair_names():
                raise _fail(tset, rule.id, tr("没有对应关系表 {pair_list}", pair_list=rule.pair_list))
