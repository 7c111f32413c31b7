"""比上年增加/减少 x: a change claim checked against this year's table figure minus the stored 上年数.

The claim's subject is its own label (收入总计增加…) or, for a bare 比上年减少…, the nearest amount before
it in the same sentence that is not an item of a listed breakdown, with no other change claim between.
The subject names a ``prior`` item of the set's narrative data by one of its ``labels``; nothing is said
when the document has no 上年数 for it. In a 万元 document a gap inside the rounding of the three figures
is 尾数误差.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..i18n import tr
from ..money import format_amount
from .figures import Figure, normalise_label, sentence_bounds, snippet
from .spec import PriorItem
from .ties import TableValue

if TYPE_CHECKING:
    from .check import Part, _Checker

Result = tuple[Figure, str, str, TableValue, int, int]


def prior_for(items: tuple[PriorItem, ...], label: str) -> PriorItem | None:
    """The prior item a label names (the longest matching label wins)."""
    name = normalise_label(label)
    if not name:
        return None
    best: tuple[int, PriorItem] | None = None
    for item in items:
        for alias in item.labels:
            alias = normalise_label(alias)
            if name.endswith(alias) and (best is None or len(alias) > best[0]):
                best = (len(alias), item)
    return best[1] if best else None


def _subject(part: Part, index: int) -> Figure | None:
    from .check import listing_of

    fig = part.figures[index]
    start = sentence_bounds(part.text, fig.start)[0]
    for earlier in reversed(part.figures[:index]):
        if earlier.start < start:
            return None
        if earlier.change:
            return None  # another claim sits between: this one's subject is unclear
        if earlier.is_money and earlier.measure != "budget" and listing_of(part, earlier) is None:
            return earlier
    return None


def check_prior_changes(checker: _Checker, part: Part) -> Iterator[Result]:
    tables, year = checker.tables, checker.year
    for index, fig in enumerate(part.figures):
        if not fig.is_money or not fig.change or any(y != year - 1 for y in fig.years):
            continue
        label = fig.subject
        if not label:
            subject = _subject(part, index)
            if subject is None or any(y != year for y in subject.years):
                continue
            label = subject.subject
        item = prior_for(checker.spec.prior, label)
        if item is None or item.key not in checker.prior:
            continue
        current = tables.evaluate(item.value)
        if current is None:
            continue
        prior = checker.prior[item.key]
        expected = current.value - prior
        stated = fig.change * fig.yuan()
        exact = tables.yuan(expected)
        if stated == exact:
            continue
        if fig.unit == "万元":
            step = Decimal(1).scaleb(-fig.decimals)
            if (exact / 10000).quantize(step, rounding=ROUND_HALF_UP) == stated / 10000:
                continue
        tolerance = fig.half_step_yuan() + tables.half_step(current.filled) + tables.half_step(1)
        same_way = (stated > 0) == (exact > 0) or exact == 0
        severity = "rounding" if tables.wan and same_way and abs(stated - exact) <= tolerance else "error"
        unit = checker.session.doc.money_unit
        word = tr("增加") if fig.change > 0 else tr("减少")
        should = tr("增加") if expected > 0 else (tr("减少") if expected < 0 else tr("持平"))
        amount = "" if expected == 0 else f" {format_amount(abs(expected))}"
        left = tables.to_doc(fig) * fig.change
        yield (fig, severity,
               tr("“{snippet}”中{label}比上年{word} {text}，按本年 "
               "{format_amount} 与上年数 {format_amount2}（{unit}）计算应为{should}{amount}，"
               "相差 {format_amount3}。请改正说明，或核对上年数。", snippet=snippet(part.text, fig), label=item.label, word=word, text=fig.text(part.text), format_amount=format_amount(current.value), format_amount2=format_amount(prior), unit=unit, should=should, amount=amount, format_amount3=format_amount(left - expected)),
               current, left, expected)
