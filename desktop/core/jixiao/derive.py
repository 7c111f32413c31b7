"""What follows from a form's figures: 执行率 per funding row, 执行率得分, 结余, sums, 总分, grade and the
suggested score or band of each indicator. Shown beside the entered values; read by the checks."""

from __future__ import annotations

from decimal import Decimal

from msgspec import Struct, field

from . import scoring
from .definition import FormDef
from .form import Form, Indicator
from .models import QualitativeBand
from .values import Target, parse_direction, parse_number, parse_target, parse_template

ZERO = Decimal(0)


class IndicatorDerived(Struct, frozen=True):
    """Scoring help for one 三级 row: a suggested score (定量) or the band of its grade text (定性)."""

    suggested: Decimal | None = None
    band: QualitativeBand | None = None
    band_range: tuple[Decimal, Decimal] | None = None


class Derived(Struct):
    """Everything computed for one form; None where the figures are missing."""

    rates: dict[str, Decimal] = field(default_factory=dict)  # funding row key -> 执行率 % (2 decimals)
    rate_scores: dict[str, Decimal] = field(default_factory=dict)  # scored row key -> 执行率得分
    balances: dict[str, Decimal] = field(default_factory=dict)  # row key -> 全年预算数 − 全年执行数
    funding_weight: Decimal | None = None  # 执行率 分值 (printed or implied)
    funding_score: Decimal | None = None  # 执行率得分 that counts for the total (printed, else derived)
    level1_weights: dict[str, Decimal] = field(default_factory=dict)  # Σ 分值 per 一级
    level1_scores: dict[str, Decimal] = field(default_factory=dict)
    indicator_weight: Decimal = ZERO
    indicator_score: Decimal = ZERO
    total_weight: Decimal = ZERO  # indicators (+ 执行率 when the shape's total includes it)
    total_score: Decimal = ZERO
    scored_any: bool = False
    grade: str | None = None
    indicators: dict[int, IndicatorDerived] = field(default_factory=dict)


def target_of(fdef: FormDef, ind: Indicator) -> Target | None:
    """The 指标值 to score against: 调整后 when filled, taking direction and unit from the 年初 value (or
    from a 年初 template such as ``≥%``) when it lacks them; else the 年初 value itself."""
    base_text = ind.text(_col(fdef, "target"))
    base = parse_target(base_text)
    adjusted_text = ind.text(_col(fdef, "target_adjusted"))
    if not adjusted_text.strip():
        return base
    adjusted = parse_target(adjusted_text)
    hint = base or parse_template(base_text)
    if adjusted is not None and hint is not None and adjusted.direction is None:
        return Target(hint.direction, adjusted.number, adjusted.unit or hint.unit)
    return adjusted


def _col(fdef: FormDef, role: str) -> str | None:
    col = fdef.column_by_role(role)
    return col.key if col else None


def indicator_help(fdef: FormDef, ind: Indicator) -> IndicatorDerived:
    """Suggested score of a 定量 row with a direction, or the grade band of a 定性 row."""
    weight = ind.number(_col(fdef, "weight"))
    if weight is None:
        return IndicatorDerived()
    actual_text = ind.text(_col(fdef, "actual"))
    band = scoring.qualitative_band(actual_text, fdef.scoring.qualitative)
    if band is not None:
        return IndicatorDerived(band=band, band_range=scoring.band_limits(band, weight))
    target = target_of(fdef, ind)
    actual = parse_target(actual_text)
    if target is None or actual is None:
        return IndicatorDerived()
    if actual.unit and target.unit and actual.unit != target.unit:
        return IndicatorDerived()
    direction = parse_direction(ind.text(_col(fdef, "direction"))) or target.direction
    return IndicatorDerived(suggested=scoring.suggested_score(target, actual.number, weight, direction))


def derive(fdef: FormDef, form: Form) -> Derived:
    """Compute a form's derived figures."""
    out = Derived()
    fund = fdef.funding
    col = {role: (c.key if c else None) for role in ("budget", "exec", "weight", "rate", "score", "balance")
           for c in [fund.by_role(role)]}
    for row in fund.rows:
        budget, executed = form.funding(row.key, col["budget"]), form.funding(row.key, col["exec"])
        rate = scoring.execution_rate(budget, executed)
        if rate is not None:
            out.rates[row.key] = rate
        if budget is not None and executed is not None and col["balance"]:
            out.balances[row.key] = budget - executed
        if row.scored and fdef.scoring.scored:
            weight = form.funding(row.key, col["weight"])
            if weight is None and row.total:  # 分值 left empty (or no such column, shape E): normally 10
                weight = fdef.scoring.funding_weight
            stated_rate = form.funding(row.key, col["rate"])
            score = scoring.rate_score(weight, rate if rate is not None else stated_rate)
            if score is not None:
                out.rate_scores[row.key] = score
            if row.total:
                out.funding_weight = weight
                stated = form.funding(row.key, col["score"])
                out.funding_score = stated if stated is not None else score
    weight_col, score_col = _col(fdef, "weight"), _col(fdef, "score")
    for ind in form.indicators:
        found = fdef.level2(ind.level2)
        if found is None:
            continue
        l1 = found[0].key
        w, s = ind.number(weight_col), ind.number(score_col)
        if w is not None:
            out.level1_weights[l1] = out.level1_weights.get(l1, ZERO) + w
            out.indicator_weight += w
        if s is not None:
            out.level1_scores[l1] = out.level1_scores.get(l1, ZERO) + s
            out.indicator_score += s
            out.scored_any = True
        out.indicators[ind.id] = indicator_help(fdef, ind)
    out.total_weight, out.total_score = out.indicator_weight, out.indicator_score
    if fdef.scoring.total_includes_funding:
        out.total_weight += out.funding_weight or ZERO
        out.total_score += out.funding_score or ZERO
        out.scored_any = out.scored_any or out.funding_score is not None
    if fdef.scoring.scored and out.scored_any:
        out.grade = scoring.grade_of(out.total_score, fdef.scoring.grades)
    return out


__all__ = ["Derived", "IndicatorDerived", "derive", "indicator_help", "parse_number", "target_of"]
