"""The rules across forms and tables (book kinds: a 自评表's 年度指标值 against the matching 项目绩效目标表,
Σ 全年执行数 of the project forms against the 决算 项目支出), evaluated over every form of a document."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..rules.findings import Finding
from ..rules.kinds import kind
from .definition import FormDef
from .form import Form
from .sheet import FormBookView, FormSheet


def cross_findings(pairs: Iterable[tuple[FormDef, Form]], table_values: Mapping[tuple[str, str, str], int],
                   has_table: Callable[[str], bool], money_unit: str) -> list[Finding]:
    """Findings of the shared book rules over the forms (each with its definition) and the table figures."""
    pairs = list(pairs)
    if not pairs:
        return []
    book = FormBookView([FormSheet(d, f) for d, f in pairs], table_values, has_table, money_unit)
    out: list[Finding] = []
    for rule in pairs[0][0].book_rules:
        found = kind(rule.spec.kind)
        for check in found.expand(rule, book) if found else ():
            out.extend(check.evaluate(book))
    return out
