"""Printed percentages vs the ratios they state: 占比, 完成预算的 x%, 增长/下降 x%.

A ratio is recomputed from the figures it names (in the same sentence where they are printed, else from
the tables) and compared at the printed precision. Rounded figures (万元) are intervals, so the ratio is
an interval too: the printed value holds when it is the rounding of some ratio inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..i18n import tr
from .figures import Figure, normalise_label, sentence_bounds, snippet
from .ties import TableValue

if TYPE_CHECKING:
    from .check import Part, _Checker

Result = tuple[str, Figure, str, str, "TableValue | None"]


def _bounds(num: Decimal, hn: Decimal, den: Decimal, hd: Decimal) -> tuple[Decimal, Decimal] | None:
    if den - hd <= 0:
        return None
    lo = max(num - hn, Decimal(0)) / (den + hd) * 100
    hi = (num + hn) / (den - hd) * 100
    return lo, hi


def _holds(pct: Figure, bounds: tuple[Decimal, Decimal]) -> bool:
    half = Decimal(5).scaleb(-pct.decimals - 1)
    return bounds[0] - half <= pct.value <= bounds[1] + half


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _before(part: Part, pct: Figure) -> list[Figure]:
    start = sentence_bounds(part.text, pct.start)[0]
    return [f for f in part.figures if start <= f.start and f.end <= pct.start]


def _money_value(checker: _Checker, part: Part, label: str) -> tuple[Decimal, Decimal, TableValue | None] | None:
    """(元, half step, table) of a labelled base: an earlier amount with that label, else its table cell."""
    from .check import same_subject

    for fig in reversed(part.figures):
        if fig.is_money and not fig.change and same_subject(fig.subject, label):
            return fig.yuan(), fig.half_step_yuan(), None
    found = checker.tables_for(part, label, budget=False)
    if found:
        table = found[0]
        return checker.tables.yuan(table.value), checker.tables.half_step(table.filled), table
    return None


def check_percentages(checker: _Checker, part: Part) -> Iterator[Result]:
    from .check import listing_of, same_subject

    for pct in part.figures:
        if not pct.is_percent:
            continue
        before = _before(part, pct)
        money = [f for f in before if f.is_money and not f.change]
        if pct.change:
            yield from _change(checker, part, pct)
        elif pct.rate and money:
            num = [f for f in money if f.measure != "budget"]
            if not num:
                continue
            actual = num[-1]
            budgets = [f for f in money if f.measure == "budget" and same_subject(f.subject, actual.subject)]
            table = None
            if budgets:
                den, hd = budgets[-1].yuan(), budgets[-1].half_step_yuan()
            else:
                if checker.spec.budget_is_value:
                    continue
                found = checker.tables_for(part, actual.subject, budget=True)
                if not found:
                    continue
                table = found[0]
                den, hd = checker.tables.yuan(table.value), checker.tables.half_step(table.filled)
            yield from _ratio("rate", part, pct, actual, actual.yuan(), actual.half_step_yuan(), den, hd, table,
                              tr("完成预算的比例"))
        elif pct.share_base is not None and money:
            num = money[-1]
            if pct.share_base:
                base = _money_value(checker, part, pct.share_base)
                if base is None:
                    continue
                den, hd, table = base
            else:
                listing = listing_of(part, num)
                if listing is None:
                    continue
                den, hd, table = listing.head.yuan(), listing.head.half_step_yuan(), None
            yield from _ratio("share", part, pct, num, num.yuan(), num.half_step_yuan(), den, hd, table, tr("占比"))


def _ratio(kind: str, part: Part, pct: Figure, num_fig: Figure, num: Decimal, hn: Decimal, den: Decimal,
           hd: Decimal, table: TableValue | None, what: str) -> Iterator[Result]:
    if den == 0:
        return
    bounds = _bounds(num, hn, den, hd)
    if bounds is None or _holds(pct, bounds):
        return
    exact = num / den * 100
    should = _rounded(exact, pct.decimals)
    yield (kind, pct, "error",
           tr("“{snippet}”中{what}为 {pct}%，按 {numerator:f} ÷ {denominator:f}"
           " 计算应为 {should}%，相差 {rounded} 个百分点。"
           "请改正百分比或核对所依据的数字。", snippet=snippet(part.text, pct), what=what, pct=pct.value, numerator=num.normalize(), denominator=den.normalize(), should=should, rounded=_rounded(pct.value - exact, max(pct.decimals, 2))), table)


def _change(checker: _Checker, part: Part, pct: Figure) -> Iterator[Result]:
    """增加 x元，增长 y%: the two words must agree, and y must be x over the previous year's figure."""
    from .check import listing_of, same_subject

    index = part.figures.index(pct)
    if index == 0:
        return
    amount = part.figures[index - 1]
    between = part.text[amount.end:pct.start]
    if not amount.is_money or not amount.change or "。" in between or "；" in between:
        return
    if amount.change != pct.change:
        word_amount = tr("增加") if amount.change > 0 else tr("减少")
        word_pct = tr("增长") if pct.change > 0 else tr("下降")
        yield ("direction", pct, "error",
               tr("“{snippet}”中金额是{word_amount}（{text}），百分比却写作"
               "{word_pct} {value}%，增减方向自相矛盾。请改正其中一处。", snippet=snippet(part.text, pct), word_amount=word_amount, text=amount.text(part.text), word_pct=word_pct, value=pct.value), None)
        return
    earlier = [f for f in part.figures[:index - 1]]
    subject = None
    if amount.subject:
        same = [f for f in earlier if f.is_money and not f.change and f.measure != "budget"
                and same_subject(f.subject, amount.subject)]
        subject = same[-1] if same else None
    if subject is None:
        since = earlier
        for i in range(len(earlier) - 1, -1, -1):
            if earlier[i].change:
                since = earlier[i + 1:]
                break
        top = [f for f in since if f.is_money and f.measure != "budget" and listing_of(part, f) is None]
        subject = top[-1] if top else None
    if subject is None or any(y != checker.year for y in subject.years):
        return
    prior = subject.yuan() - amount.change * amount.yuan()
    half = subject.half_step_yuan() + amount.half_step_yuan()
    if prior <= 0:
        return
    name = normalise_label(subject.subject) or tr("本年数")
    yield from _ratio("change_rate", part, pct, amount, amount.yuan(), amount.half_step_yuan(), prior, half, None,
                      tr("增减幅度（以{name} {text} 推算上年数）", name=name, text=subject.text(part.text)))
