"""Kinds over the floating 三级 rows of a form: a text required when one figure falls below another, and a
printed score against the score the shape derives (定量: its completion; 定性: the band of its grade text)."""

from __future__ import annotations

from collections.abc import Iterator

from msgspec import field

from .numbers import same_at_printed_precision, shown, within_band
from .registry import Check, Params, Rule, register
from .sheet import Item, Sheet

HUNDRED = 100


class RequiredTextParams(Params):
    text: str = "reason"
    value: str = "score"
    limit: str = "weight"

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("indicators", self.text, True), ("indicators", self.value, True), ("indicators", self.limit, True)]


@register("required_text", RequiredTextParams, placeholders=("row", "value", "limit", "caption"))
def required_text(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """A text cell must be filled when a row's figure is below its limit (偏差原因 when 得分 < 分值)."""
    p: RequiredTextParams = rule.params  # type: ignore[assignment]
    t_c, v_c, l_c = (sheet.shape.column("indicators", r) for r in (p.text, p.value, p.limit))
    if t_c is None or v_c is None or l_c is None:
        return

    def evaluate(s: Sheet, item: Item):  # noqa: ANN202
        value, limit = s.item_number(item, v_c.key), s.item_number(item, l_c.key)
        if value is None or limit is None or value >= limit or s.item_text(item, t_c.key).strip():
            return None
        return rule.finding(s, str(item.id), {"row": s.path(item), "value": shown(value), "limit": shown(limit),
                                               "caption": t_c.caption},
                            [(s.table, item.row, t_c.key), (s.table, item.row, v_c.key)], left=value, right=limit)

    for item in sheet.items:
        reads = tuple((sheet.table, item.row, c.key) for c in (t_c, v_c, l_c))
        yield Check(f"{sheet.key_prefix}.{rule.id}.{item.id}", rule, reads, lambda s, i=item: evaluate(s, i))


class ScoreParams(Params):
    score: str = "score"
    weight: str = "weight"
    target: list[str] = field(default_factory=lambda: ["target_adjusted", "target"])  # the first filled is quoted
    actual: str = "actual"

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("indicators", self.score, True), ("indicators", self.weight, True),
                ("indicators", self.actual, False)] + [("indicators", r, False) for r in self.target]


def _scored_items(rule: Rule, sheet: Sheet, evaluate) -> Iterator[Check]:  # noqa: ANN001
    p: ScoreParams = rule.params  # type: ignore[assignment]
    s_c, w_c = sheet.shape.column("indicators", p.score), sheet.shape.column("indicators", p.weight)
    if s_c is None or w_c is None:
        return
    read = [c.key for r in (p.score, p.weight, p.actual, *p.target) if (c := sheet.shape.column("indicators", r))]
    for item in sheet.items:
        def run(s: Sheet, item: Item = item):  # noqa: ANN202
            score, weight = s.item_number(item, s_c.key), s.item_number(item, w_c.key)
            helped = s.derived.indicators.get(item.id)
            if score is None or weight is None or helped is None:
                return None
            return evaluate(s, item, score, weight, helped, s_c.key)

        yield Check(f"{sheet.key_prefix}.{rule.id}.{item.id}", rule, tuple((sheet.table, item.row, c) for c in read), run)


@register("suggested_score", ScoreParams, placeholders=("row", "target", "actual", "expected", "stated"))
def suggested_score(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """定量: the printed 得分 equals, at its precision, the score its 完成值 earns against its 指标值."""
    p: ScoreParams = rule.params  # type: ignore[assignment]
    cols = {r: (c.key if (c := sheet.shape.column("indicators", r)) else None) for r in [*p.target, p.actual]}

    def evaluate(s: Sheet, item: Item, score, weight, helped, score_col: str):  # noqa: ANN001, ANN202
        if helped.suggested is None or same_at_printed_precision(score, helped.suggested):
            return None
        target = next((t for r in p.target if (t := s.item_text(item, cols[r]))), "")
        return rule.finding(s, str(item.id), {
            "row": s.path(item), "target": target, "actual": s.item_text(item, cols[p.actual]),
            "expected": shown(helped.suggested), "stated": shown(score),
        }, [(s.table, item.row, score_col)], left=score, right=helped.suggested)

    yield from _scored_items(rule, sheet, evaluate)


@register("grade_band", ScoreParams,
          placeholders=("row", "band", "weight", "low", "high", "low_score", "high_score", "stated"))
def grade_band(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """定性: the printed 得分 lies in the share of 分值 that the grade text of 完成值 allows."""

    def evaluate(s: Sheet, item: Item, score, weight, helped, score_col: str):  # noqa: ANN001, ANN202
        band, limits = helped.band, helped.band_range
        if band is None or limits is None or within_band(score, limits[0], limits[1], band.high >= HUNDRED):
            return None
        return rule.finding(s, str(item.id), {
            "row": s.path(item), "band": band.text, "weight": shown(weight), "low": shown(band.low),
            "high": shown(band.high), "low_score": shown(limits[0]), "high_score": shown(limits[1]),
            "stated": shown(score),
        }, [(s.table, item.row, score_col)], left=score, right=limits[0])

    yield from _scored_items(rule, sheet, evaluate)
