"""Kinds over the rows of a form's funding block (or, for ``le``, its 三级 rows too): a ratio, a
difference, a capped product, parts adding to the total, one figure not above another."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Literal

from msgspec import field

from .numbers import capped_product as capped
from .numbers import round_to, same_at_printed_precision, shown
from .registry import Check, Params, Rule, register
from .sheet import Row, Sheet

RowSelector = Literal["all", "total", "parts", "scored"] | list[str]
ZERO = Decimal(0)


def _selected(sheet: Sheet, selector: str | Sequence[str]) -> list[Row]:
    return sheet.shape.select_rows(selector)


def _fund_cell(sheet: Sheet, row: Row, col: str) -> tuple[str, str, str]:
    return (sheet.table, f"fund.{row.key}", col)


class RatioParams(Params):
    result: str = "rate"
    numerator: str = "exec"
    denominator: str = "budget"
    scale: Decimal = Decimal(100)
    decimals: int = 2
    select: RowSelector = "all"

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("funding", self.result, True), ("funding", self.numerator, False),
                ("funding", self.denominator, False)]

    def rows(self) -> list[str]:
        return list(self.select) if isinstance(self.select, list) else []


@register("ratio", RatioParams, placeholders=("row", "col", "stated", "numerator", "denominator", "expected", "diff"))
def ratio(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """A printed ratio (执行率) = numerator ÷ denominator × scale, compared at the printed precision."""
    p: RatioParams = rule.params  # type: ignore[assignment]
    shape = sheet.shape
    res, num_c, den_c = (shape.column("funding", r) for r in (p.result, p.numerator, p.denominator))
    if res is None:
        return
    for row in _selected(sheet, p.select):
        def evaluate(s: Sheet, row: Row = row):  # noqa: ANN202
            stated = s.fund(row.key, res.key)
            num = s.fund(row.key, num_c.key if num_c else None)
            den = s.fund(row.key, den_c.key if den_c else None)
            if stated is None or num is None or den is None or den <= 0:
                return None
            exact = num / den * p.scale
            if same_at_printed_precision(stated, exact):
                return None
            expected = round_to(exact, p.decimals)
            return rule.finding(s, row.key, {
                "row": row.label, "col": res.caption, "stated": shown(stated), "numerator": shown(num),
                "denominator": shown(den), "expected": shown(expected), "diff": shown(stated - expected),
            }, [_fund_cell(s, row, res.key)], left=stated, right=expected)

        reads = tuple(_fund_cell(sheet, row, c.key) for c in (res, num_c, den_c) if c)
        yield Check(f"{sheet.key_prefix}.{rule.id}.{row.key}", rule, reads, evaluate)


class DifferenceParams(Params):
    result: str = "balance"
    minuend: str = "budget"
    subtrahend: str = "exec"
    select: RowSelector = "all"

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("funding", self.result, True), ("funding", self.minuend, True), ("funding", self.subtrahend, True)]

    def rows(self) -> list[str]:
        return list(self.select) if isinstance(self.select, list) else []


@register("difference", DifferenceParams, placeholders=("row", "col", "stated", "minuend", "subtrahend", "expected"))
def difference(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """A printed difference (资金结余) = minuend − subtrahend, exactly."""
    p: DifferenceParams = rule.params  # type: ignore[assignment]
    res, a_c, b_c = (sheet.shape.column("funding", r) for r in (p.result, p.minuend, p.subtrahend))
    if res is None or a_c is None or b_c is None:
        return
    for row in _selected(sheet, p.select):
        def evaluate(s: Sheet, row: Row = row):  # noqa: ANN202
            a, b, printed = s.fund(row.key, a_c.key), s.fund(row.key, b_c.key), s.fund(row.key, res.key)
            if a is None or b is None or printed is None or printed == a - b:
                return None
            return rule.finding(s, row.key, {
                "row": row.label, "col": res.caption, "stated": shown(printed), "minuend": shown(a),
                "subtrahend": shown(b), "expected": shown(a - b),
            }, [_fund_cell(s, row, res.key)], left=printed, right=a - b)

        yield Check(f"{sheet.key_prefix}.{rule.id}.{row.key}", rule,
                    tuple(_fund_cell(sheet, row, c.key) for c in (res, a_c, b_c)), evaluate)


class CappedProductParams(Params):
    result: str = "score"
    factor: str = "weight"
    numerator: str = "exec"
    denominator: str = "budget"
    rate: str = "rate"
    scale: Decimal = Decimal(100)
    decimals: int = 2
    select: RowSelector = "scored"
    default_factor: str | None = "funding_weight"  # shape parameter used on the total row when 分值 is empty

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("funding", self.result, True), ("funding", self.factor, False), ("funding", self.numerator, False),
                ("funding", self.denominator, False), ("funding", self.rate, False)]

    def rows(self) -> list[str]:
        return list(self.select) if isinstance(self.select, list) else []

    def shape_params(self) -> list[str]:
        return [self.default_factor] if self.default_factor else []


@register("capped_product", CappedProductParams, placeholders=("row", "col", "stated", "factor", "rate", "expected"))
def capped_product(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """A printed product (执行率得分) = factor × ratio, never above the factor; the printed ratio is accepted too."""
    p: CappedProductParams = rule.params  # type: ignore[assignment]
    shape = sheet.shape
    res = shape.column("funding", p.result)
    f_c, n_c, d_c, r_c = (shape.column("funding", r) for r in (p.factor, p.numerator, p.denominator, p.rate))
    if res is None:
        return
    key = lambda c: c.key if c else None  # noqa: E731
    for row in _selected(sheet, p.select):
        def evaluate(s: Sheet, row: Row = row):  # noqa: ANN202
            printed, factor = s.fund(row.key, res.key), s.fund(row.key, key(f_c))
            if factor is None and row.total and p.default_factor:
                factor = s.shape.params.get(p.default_factor)  # type: ignore[assignment]
            if printed is None or factor is None:
                return None
            num, den, stated_rate = s.fund(row.key, key(n_c)), s.fund(row.key, key(d_c)), s.fund(row.key, key(r_c))
            exact = num / den * p.scale if num is not None and den is not None and den > 0 else None
            candidates = [capped(factor, r, p.scale, p.decimals) for r in (exact, stated_rate) if r is not None]
            if any(same_at_printed_precision(printed, c) for c in candidates):
                return None
            if printed > factor:
                expected = factor
            elif candidates:
                expected = candidates[0]
            else:
                return None
            rate = round_to(exact, p.decimals) if exact is not None else stated_rate
            return rule.finding(s, row.key, {
                "row": row.label, "col": res.caption, "stated": shown(printed), "factor": shown(factor),
                "rate": shown(rate), "expected": shown(expected),
            }, [_fund_cell(s, row, res.key)], left=printed, right=expected)

        reads = tuple(_fund_cell(sheet, row, c.key) for c in (res, f_c, n_c, d_c, r_c) if c)
        yield Check(f"{sheet.key_prefix}.{rule.id}.{row.key}", rule, reads, evaluate)


class PartsSumParams(Params):
    columns: list[str] = field(default_factory=lambda: ["initial", "declared", "budget", "exec", "balance", "amount"])
    strip: str = "其中："  # dropped from a part's label when parts are listed

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("funding", role, False) for role in self.columns]


@register("parts_sum", PartsSumParams, placeholders=("col", "total_row", "total", "sum", "parts", "diff"))
def parts_sum(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """The 其中 rows add up to the total row, column by column (the rows left empty count as absent)."""
    p: PartsSumParams = rule.params  # type: ignore[assignment]
    shape = sheet.shape
    total, parts = shape.total_row, [r for r in shape.funding_rows if not r.total]
    for col in shape.funding_columns:
        if col.role not in p.columns:
            continue

        def evaluate(s: Sheet, col=col):  # noqa: ANN001, ANN202
            given = [(r, v) for r in parts if (v := s.fund(r.key, col.key)) is not None]
            head = s.fund(total.key, col.key)
            if not given or head is None:
                return None
            got = sum((v for _, v in given), ZERO)
            if got == head:
                return None
            listed = " + ".join(f"{r.label.removeprefix(p.strip)} {shown(v)}" for r, v in given)
            return rule.finding(s, col.key, {
                "col": col.caption, "total_row": total.label, "total": shown(head), "sum": shown(got),
                "parts": listed, "diff": shown(head - got),
            }, [_fund_cell(s, total, col.key)] + [_fund_cell(s, r, col.key) for r, _ in given], left=head, right=got)

        reads = tuple(_fund_cell(sheet, r, col.key) for r in shape.funding_rows)
        yield Check(f"{sheet.key_prefix}.{rule.id}.{col.key}", rule, reads, evaluate)


class LeParams(Params):
    block: Literal["funding", "indicators"]
    left: str
    right: str
    select: RowSelector = "all"

    def roles(self) -> list[tuple[str, str, bool]]:
        return [(self.block, self.left, True), (self.block, self.right, True)]

    def rows(self) -> list[str]:
        return list(self.select) if isinstance(self.select, list) and self.block == "funding" else []


@register("le", LeParams, placeholders=("row", "left", "right", "diff", "left_col", "right_col"))
def le(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """One figure of a row is not above another of the same row (得分 ≤ 分值, 执行数 ≤ 预算数)."""
    p: LeParams = rule.params  # type: ignore[assignment]
    a_c, b_c = sheet.shape.column(p.block, p.left), sheet.shape.column(p.block, p.right)
    if a_c is None or b_c is None:
        return

    def found(s: Sheet, where: str, name, row: str, a: Decimal | None, b: Decimal | None):  # noqa: ANN001, ANN202
        if a is None or b is None or a <= b:
            return None
        return rule.finding(s, where, {"row": name(), "left": shown(a), "right": shown(b), "diff": shown(a - b),
                                       "left_col": a_c.caption, "right_col": b_c.caption},
                            [(s.table, row, a_c.key)], left=a, right=b)

    if p.block == "funding":
        for r in _selected(sheet, p.select):
            yield Check(f"{sheet.key_prefix}.{rule.id}.{r.key}", rule,
                        (_fund_cell(sheet, r, a_c.key), _fund_cell(sheet, r, b_c.key)),
                        lambda s, r=r: found(s, r.key, lambda: r.label, f"fund.{r.key}", s.fund(r.key, a_c.key),
                                             s.fund(r.key, b_c.key)))
        return
    for item in sheet.items:
        yield Check(f"{sheet.key_prefix}.{rule.id}.{item.id}", rule,
                    ((sheet.table, item.row, a_c.key), (sheet.table, item.row, b_c.key)),
                    lambda s, i=item: found(s, str(i.id), lambda: s.path(i), i.row, s.item_number(i, a_c.key),
                                            s.item_number(i, b_c.key)))
