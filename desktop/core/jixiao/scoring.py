"""The scoring rules of DOMAIN.md §1.3–§1.6 as pure functions over Decimal (no float, explicit rounding): what
derive.py computes and the form view shows; the checks are rules (rules.yaml) that compare against it.

- 执行率 = 全年执行数 ÷ 全年预算数, kept to 2 decimals of a percent (half-up);
- 执行率得分 = 分值 × 执行率, capped at 分值, 2 decimals;
- 定量 indicators: the score a 完成值 earns against its 指标值 and direction (≥, ≤, =);
- 定性 indicators: the band of 分值 that a grade text allows;
- the grade of a total (优/良/中/差) from the bands in the definition.
"""

from __future__ import annotations

from decimal import Decimal

from ..rules.kinds.numbers import capped_product, within_band
from .models import GradeBand, QualitativeBand
from .values import Target, round_to

HUNDRED = Decimal(100)
CENT = 2


def execution_rate(budget: Decimal | None, executed: Decimal | None) -> Decimal | None:
    """执行率 in percent to 2 decimals; None without a positive 全年预算数 or without 全年执行数."""
    if budget is None or executed is None or budget <= 0:
        return None
    return round_to(executed / budget * HUNDRED, CENT)


def exact_rate(budget: Decimal | None, executed: Decimal | None) -> Decimal | None:
    """执行率 in percent, unrounded (for comparing a printed rate at its own precision)."""
    if budget is None or executed is None or budget <= 0:
        return None
    return executed / budget * HUNDRED


def rate_score(weight: Decimal | None, rate_percent: Decimal | None) -> Decimal | None:
    """执行率得分 = 分值 × 执行率, never more than 分值, 2 decimals."""
    if weight is None or rate_percent is None:
        return None
    return capped_product(weight, rate_percent, HUNDRED, CENT)


def suggested_score(target: Target, actual: Decimal, weight: Decimal, direction: str | None = None) -> Decimal | None:
    """The score a 定量 indicator earns (DOMAIN.md §1.4); None without a direction.

    ≥ and =: full when 完成值 ≥ 指标值, else 完成值/指标值 × 分值 (指标值 0: full only if 完成值 ≤ 0 for =,
    full for ≥). ≤: full when 完成值 ≤ 指标值; between 指标值 and twice it (1 − (完成值−指标值)/指标值) × 分值;
    0 from twice 指标值 on (指标值 0: full only if 完成值 ≤ 0). A negative 完成值 counts as 0.
    """
    way = direction or target.direction
    if way is None:
        return None
    goal, done = target.number, max(actual, Decimal(0))
    if way in ("≥", "="):
        if goal == 0:
            full = done <= 0 if way == "=" else True
            return weight if full else Decimal(0)
        score = weight if done >= goal else weight * done / goal
    else:
        if goal == 0:
            return weight if done <= 0 else Decimal(0)
        if done <= goal:
            score = weight
        elif done >= 2 * goal:
            score = Decimal(0)
        else:
            score = (1 - (done - goal) / goal) * weight
    return round_to(score, CENT)


def grade_of(total: Decimal, grades: list[GradeBand]) -> str:
    """优/良/中/差 from the bands (highest first); the last band catches everything below."""
    for band in grades:
        if total >= band.min:
            return band.grade
    return grades[-1].grade


def qualitative_band(text: str | None, bands: list[QualitativeBand]) -> QualitativeBand | None:
    """The band whose grade text (or an alias) the 实际完成值 is, or None for any other text."""
    if not text:
        return None
    s = "".join(text.split())
    for band in bands:
        if s == band.text or s in band.aliases:
            return band
    return None


def band_limits(band: QualitativeBand, weight: Decimal) -> tuple[Decimal, Decimal]:
    """The score range of a band for an indicator of ``weight`` (low inclusive)."""
    return (round_to(weight * band.low / HUNDRED, CENT), round_to(weight * band.high / HUNDRED, CENT))


def in_band(score: Decimal, band: QualitativeBand, weight: Decimal) -> bool:
    """80%(含)–100%, 60%(含)–80%, 0–60%: low inclusive, high exclusive except at 100%."""
    low, high = band_limits(band, weight)
    return within_band(score, low, high, closed_top=band.high >= HUNDRED)
