"""Kinds over a whole form: a total against the sum of its parts (Σ 分值 = 满分, 总分 = Σ 得分), a weight
printed in a 一级 label, the 一级 weights against defaults, a stated grade against the total."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from .numbers import shown
from .registry import Check, Params, Rule, fill, register
from .sheet import ALL_ITEMS, Sheet

ZERO = Decimal(0)
Where = tuple[str, str]  # (row, col) of the printed total, e.g. ("total", "weight")


def _item_sums(sheet: Sheet, col: str | None) -> tuple[Decimal, dict[str, Decimal]]:
    """Σ of an indicator column over the rows inside the tree, overall and per 一级 (once per evaluation)."""
    key = ("sums", col)
    if key in sheet.memo:
        return sheet.memo[key]
    total, per_node = ZERO, {}
    for item in sheet.items:
        value = sheet.item_number(item, col)
        if item.node is None or value is None:
            continue
        total += value
        per_node[item.node] = per_node.get(item.node, ZERO) + value
    sheet.memo[key] = (total, per_node)
    return total, per_node


def _funding_part(sheet: Sheet, part: str) -> tuple[bool, Decimal | None]:
    """Whether the shape's total counts 执行率, and the funding figure (分值 or 得分) it counts."""
    if not sheet.shape.params.get("total_includes_funding"):
        return False, None
    return True, getattr(sheet.derived, f"funding_{part}")


def _reads(sheet: Sheet, col: str | None, extra: list[tuple[str, str]]) -> tuple:  # noqa: ANN401
    """The column summed in every 三级 row (one wildcard cell) and the printed cells compared."""
    return ((sheet.table, ALL_ITEMS, col or ""),) + tuple((sheet.table, r, c) for r, c in extra)


class TotalSumParams(Params):
    role: str  # the indicator column summed
    funding: Literal["weight", "score"]  # the funding figure added when the shape's total includes 执行率
    total_field: str | None = None  # a printed total (form field key) …
    total_param: str | None = None  # … or a shape parameter (full_score)
    at: Where = ("total", "weight")
    left: Literal["total", "sum"] = "total"
    only_if_items: bool = False  # skip while no indicator carries a figure
    parts: str = ""  # how the sum is broken down when 执行率 counts: {items} and {funding}

    def __post_init__(self) -> None:
        if (self.total_field is None) == (self.total_param is None):
            raise ValueError("total_field 与 total_param 须且只须给出一个")

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("indicators", self.role, True)]

    def shape_params(self) -> list[str]:
        return ["total_includes_funding"] + ([self.total_param] if self.total_param else [])

    def templates(self) -> dict[str, str]:
        return {"parts": self.parts}


@register("total_sum", TotalSumParams, placeholders=("label", "total", "sum", "parts", "diff", "items", "funding"))
def total_sum(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """A total (printed, or a shape parameter such as 满分) equals Σ of an indicator column, plus the
    funding block's figure when the shape's total includes 执行率."""
    p: TotalSumParams = rule.params  # type: ignore[assignment]
    col = sheet.shape.column("indicators", p.role)
    key = col.key if col else None

    def evaluate(s: Sheet):  # noqa: ANN202
        items, _ = _item_sums(s, key)
        if p.only_if_items and items <= 0:
            return None
        counts, fund = _funding_part(s, p.funding)
        got = items + (fund or ZERO) if counts else items
        total = s.number(p.total_field) if p.total_field else s.shape.params[p.total_param]  # type: ignore[index]
        if total is None or total == got:
            return None
        shown_parts = {"items": shown(items), "funding": shown(fund)}
        with_funding = counts and s.derived.funding_weight is not None
        values = {"label": s.shape.total_label, "total": shown(total), "sum": shown(got),  # type: ignore[arg-type]
                  "diff": shown(total - got), **shown_parts,
                  "parts": fill(p.parts, shown_parts) if with_funding else ""}
        left, right = (total, got) if p.left == "total" else (got, total)
        return rule.finding(s, p.at[1] if p.total_field else "all", values, [(s.table, *p.at)],
                            left=left, right=right)  # type: ignore[arg-type]

    yield Check(f"{sheet.key_prefix}.{rule.id}", rule, _reads(sheet, key, [p.at]), evaluate)


class StatedWeightParams(Params):
    role: str = "weight"
    field: str = "w.{node}"  # the form field holding the weight printed in a 一级 label

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("indicators", self.role, True)]


@register("stated_weight", StatedWeightParams, placeholders=("node", "stated", "sum"))
def stated_weight(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """A weight printed in a 一级 label (产出指标(60)) equals Σ 分值 of the 三级 rows under it."""
    p: StatedWeightParams = rule.params  # type: ignore[assignment]
    col = sheet.shape.column("indicators", p.role)
    key = col.key if col else None
    for node in sheet.shape.nodes:
        def evaluate(s: Sheet, node=node):  # noqa: ANN001, ANN202
            stated = s.number(p.field.replace("{node}", node.key))
            got = _item_sums(s, key)[1].get(node.key, ZERO)
            if stated is None or stated == got:
                return None
            return rule.finding(s, node.key, {"node": node.label, "stated": shown(stated), "sum": shown(got)},
                                [(s.table, "level1", node.key)], left=stated, right=got)

        yield Check(f"{sheet.key_prefix}.{rule.id}.{node.key}", rule, _reads(sheet, key, [("level1", node.key)]),
                    evaluate)


class WeightsDefaultParams(Params):
    weights: dict[str, Decimal]  # 一级 key → its default weight; funding_key stands for 执行率
    role: str = "weight"
    funding_key: str = "zhixing"
    funding_name: str = "执行率"
    strip: str = "指标"  # dropped from the end of a 一级 label in the message

    def roles(self) -> list[tuple[str, str, bool]]:
        return [("indicators", self.role, True)]

    def nodes(self) -> list[str]:
        return [k for k in self.weights if k != self.funding_key]

    def shape_params(self) -> list[str]:
        return ["total_includes_funding"]


@register("weights_default", WeightsDefaultParams, placeholders=("got", "want"))
def weights_default(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """The 一级 weights (Σ 分值 per 一级, and 执行率's 分值) against the default weights: a hint when they differ."""
    p: WeightsDefaultParams = rule.params  # type: ignore[assignment]
    col = sheet.shape.column("indicators", p.role)
    key = col.key if col else None

    def evaluate(s: Sheet):  # noqa: ANN202
        items, per_node = _item_sums(s, key)
        if not p.weights or items <= 0:
            return None
        actual = {n.key: per_node.get(n.key, ZERO) for n in s.shape.nodes if n.key in p.weights}
        counts, fund = _funding_part(s, "weight")
        if p.funding_key in p.weights and counts:
            actual[p.funding_key] = fund or ZERO
        if all(actual[k] == p.weights[k] for k in actual):
            return None
        names = {n.key: n.label.removesuffix(p.strip) for n in s.shape.nodes} | {p.funding_key: p.funding_name}
        order = [k for k in p.weights if k in actual]
        return rule.finding(s, "all", {
            "got": "、".join(f"{names[k]} {shown(actual[k])}" for k in order),
            "want": "/".join(shown(p.weights[k]) for k in order),
        }, [(s.table, "level1", k) for k in order if actual[k] != p.weights[k]])

    yield Check(f"{sheet.key_prefix}.{rule.id}", rule, _reads(sheet, key, []), evaluate)


class GradeParams(Params):
    field: str = "grade"  # the form field of the stated grade
    at: Where = ("total", "grade")

    def shape_params(self) -> list[str]:
        return ["grades"]


@register("grade", GradeParams, placeholders=("stated", "total", "grade", "bands", "last"))
def grade(rule: Rule, sheet: Sheet) -> Iterator[Check]:
    """A stated grade (优/良/中/差) agrees with the band of the form's total score."""
    p: GradeParams = rule.params  # type: ignore[assignment]

    def evaluate(s: Sheet):  # noqa: ANN202
        stated, derived = s.text(p.field).strip(), s.derived.grade
        if not stated or not derived or stated == derived:
            return None
        grades = s.shape.params["grades"]
        return rule.finding(s, p.at[1], {
            "stated": stated, "total": shown(s.derived.total_score), "grade": derived,
            "bands": "，".join(f"{g.grade} ≥ {shown(g.min)}" for g in grades[:-1]),  # type: ignore[index]
            "last": grades[-1].grade,  # type: ignore[index]
        }, [(s.table, *p.at)])

    yield Check(f"{sheet.key_prefix}.{rule.id}", rule, _reads(sheet, None, [p.at]), evaluate)
