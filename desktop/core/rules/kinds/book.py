"""Kinds across the forms of a document and its tables: a value of a form equals the one in the matching
form of another kind (自评表 年度指标值 = 目标表 年度指标值), and Σ of a funding figure over the project forms
stays within a cell of the tables (Σ 全年执行数 ≤ 决算 项目支出), allowing for each figure's rounding."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from msgspec import field

from ...money import format_amount, to_decimal
from .numbers import hundredths, norm, plain
from .registry import Check, Frozen, Params, Rule, register
from .sheet import Book, Sheet

UNIT_YUAN = {"元": Decimal(1), "万元": Decimal(10000)}
HALF_STEP_YUAN = {"元": Decimal("0.005"), "万元": Decimal(50)}
CENT = Decimal("0.01")


def _key(sheet: Sheet, role: str) -> str | None:
    col = sheet.shape.column("indicators", role)
    return col.key if col else None


class MatchesParams(Params):
    form_kind: str = "self_eval"  # the forms checked …
    other_kind: str = "target"  # … against the forms of this kind
    link: str = "t.xmmc"  # the field that pairs them (项目名称), compared without spaces or quotes
    name: str = "name"  # the role naming a 三级 row in the checked form
    other_names: list[str] = field(default_factory=lambda: ["name", "period_name"])  # roles naming it in the other form (first match kept)
    value: str = "target"  # the role whose text must agree

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("indicators", r, False) for r in (self.name, self.value, *self.other_names)]


@register("matches_other_form", MatchesParams, scope="book", placeholders=("name", "mine", "other", "theirs"))
def matches_other_form(rule: Rule, book: Book) -> Iterator[Check]:
    """A row's value equals the value of the same row (same 二级, same name) in the paired form."""
    p: MatchesParams = rule.params  # type: ignore[assignment]

    def evaluate(b: Book) -> list:  # noqa: ANN202 - findings
        others = [s for s in b.sheets if s.shape.kind == p.other_kind and s.text(p.link).strip()]
        out = []
        for mine in b.sheets:
            own = b.rule_on(mine, rule.id)
            project = norm(mine.text(p.link))
            if mine.shape.kind != p.form_kind or own is None or not project:
                continue
            for other in others:
                if norm(other.text(p.link)) != project:
                    continue
                wanted: dict[tuple[str, str], str] = {}
                for item in other.items:
                    for role in p.other_names:
                        name = norm(other.item_text(item, _key(other, role)))
                        if name:
                            wanted.setdefault((item.group, name), other.item_text(item, _key(other, p.value)))
                for item in mine.items:
                    key = (item.group, norm(mine.item_text(item, _key(mine, p.name))))
                    text = mine.item_text(item, _key(mine, p.value))
                    if key not in wanted or not text.strip() or norm(text) == norm(wanted[key]):
                        continue
                    out.append(own.finding(mine, str(item.id), {
                        "name": mine.item_text(item, _key(mine, p.name)), "mine": text, "other": other.title,
                        "theirs": wanted[key]}, [(mine.table, item.row, _key(mine, p.value) or "")]))
        return out

    yield Check(f"{book.key_prefix}.{rule.id}", rule, (), evaluate)


class TableCell(Frozen):
    table: str
    row: str
    col: str


class SumWithinParams(Params, kw_only=True):
    role: str = "exec"  # the funding column summed, on each form's total row
    form_kind: str = "self_eval"
    projects_only: bool = True  # only forms of one project each (not 部门整体)
    cells: list[TableCell]  # the limit: the first of these cells the document's table set has

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("funding", self.role, False)]


@register("sum_within_cell", SumWithinParams, scope="book",
          placeholders=("sum", "unit", "listed", "limit", "diff"))
def sum_within_cell(rule: Rule, book: Book) -> Iterator[Check]:
    """Σ of a funding figure over the forms, converted to the document's unit, is not above a table cell
    beyond the rounding of the figures summed."""
    p: SumWithinParams = rule.params  # type: ignore[assignment]

    def evaluate(b: Book) -> list:  # noqa: ANN202 - findings
        ref = next((c for c in p.cells if b.has_table(c.table)), None)
        if ref is None or (ref.table, ref.row, ref.col) not in b.table_values:
            return []
        unit = b.money_unit
        limit_yuan = to_decimal(b.table_values[(ref.table, ref.row, ref.col)]) * UNIT_YUAN[unit]
        total, slack, used = Decimal(0), HALF_STEP_YUAN[unit], []
        for s in b.sheets:
            col = s.shape.column("funding", p.role)
            value = s.fund(s.shape.total_row.key, col.key) if col else None
            if s.shape.kind != p.form_kind or (p.projects_only and not s.shape.project) or value is None:
                continue
            total += value * UNIT_YUAN[s.shape.unit]
            slack += HALF_STEP_YUAN[s.shape.unit]
            used.append(f"《{s.title}》{plain(value)}{s.shape.unit}")
        if not used or total <= limit_yuan + slack:
            return []
        scale = UNIT_YUAN[unit]
        got, limit = (total / scale).quantize(CENT), (limit_yuan / scale).quantize(CENT)
        return [rule.finding(None, "", {
            "sum": format_amount(hundredths(got)), "unit": unit, "listed": "、".join(used),
            "limit": format_amount(hundredths(limit)), "diff": format_amount(hundredths(got - limit)),
        }, [(ref.table, ref.row, ref.col)], left=got, right=limit, table=ref.table, key_prefix=b.key_prefix)]

    yield Check(f"{book.key_prefix}.{rule.id}", rule, tuple((c.table, c.row, c.col) for c in p.cells), evaluate)
