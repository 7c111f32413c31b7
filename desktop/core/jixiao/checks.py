"""The checks of one form (DOMAIN.md §1, issue 5 item 2) as :class:`Finding` objects with Chinese messages
naming the form's title, the row or indicator and both figures. Which checks apply, and how severe they
are, comes from the form definition (``scoring.checks``)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..rules.findings import Finding
from . import scoring
from .definition import FormDef
from .derive import Derived, derive
from .form import Form, Indicator
from .store import form_table
from .values import hundredths, plain, round_to, same_at_printed_precision

ZERO = Decimal(0)


def n(value: Decimal | None) -> str:
    """A figure as printed in messages."""
    return plain(value) if value is not None else "空"


class FormChecker:
    """Runs the checks of one form; ``run()`` yields its findings."""

    def __init__(self, fdef: FormDef, form: Form, derived: Derived | None = None) -> None:
        self.fdef, self.form = fdef, form
        self.d = derived or derive(fdef, form)
        self.table = form_table(form.id)
        self.title = f"《{form.title}》"

    # -- helpers --------------------------------------------------------------------------------
    def _finding(self, check: str, where: str, message: str, cells: list[tuple[str, str]],
                 left: Decimal | None = None, right: Decimal | None = None) -> Finding | None:
        level = self.fdef.scoring.level(check)
        if level == "off":
            return None
        return Finding(
            key=f"jx{self.form.id}.{check}.{where}", rule_id=f"jixiao.{check}", severity=level,
            message=f"{self.title}：{message}", table=self.table,
            cells=tuple((self.table, r, c) for r, c in cells), left=hundredths(left), right=hundredths(right),
        )

    def _col(self, role: str) -> str | None:
        col = self.fdef.column_by_role(role)
        return col.key if col else None

    def path(self, ind: Indicator) -> str:
        found = self.fdef.level2(ind.level2)
        l1 = found[0].label if found else "?"
        name = ind.text(self._col("name")).strip().rstrip(":：") or "（未命名）"
        return f"{l1}·{self.fdef.level2_label(ind.level2)}·{name}"

    def run(self) -> list[Finding]:
        out = [f for f in (*self._funding(), *self._indicators(), *self._totals()) if f is not None]
        return out

    # -- funding block --------------------------------------------------------------------------
    def _funding(self) -> Iterator[Finding | None]:
        fund, form, d = self.fdef.funding, self.form, self.d
        roles = {c.role: c for c in fund.columns}
        budget_c, exec_c, rate_c = roles.get("budget"), roles.get("exec"), roles.get("rate")
        for row in fund.rows:
            budget = form.funding(row.key, budget_c.key) if budget_c else None
            executed = form.funding(row.key, exec_c.key) if exec_c else None
            exact = scoring.exact_rate(budget, executed)
            stated = form.funding(row.key, rate_c.key) if rate_c else None
            if rate_c and stated is not None and exact is not None and not same_at_printed_precision(stated, exact):
                shown = round_to(exact, 2)
                yield self._finding(
                    "rate", row.key,
                    f"{row.label}的{rate_c.caption}印为 {n(stated)}%，按全年执行数 {n(executed)} ÷ 全年预算数 "
                    f"{n(budget)} 应为 {n(shown)}%（相差 {n(stated - shown)} 个百分点）",
                    [(f"fund.{row.key}", rate_c.key)], stated, shown)
            if budget is not None and executed is not None and executed > budget:
                yield self._finding(
                    "exec_over_budget", row.key,
                    f"{row.label} 全年执行数 {n(executed)} 超过全年预算数 {n(budget)}（多 {n(executed - budget)}），请核实",
                    [(f"fund.{row.key}", exec_c.key if exec_c else "")], executed, budget)
            bal_c = roles.get("balance")
            if bal_c and row.key in d.balances:
                printed = form.funding(row.key, bal_c.key)
                if printed is not None and printed != d.balances[row.key]:
                    yield self._finding(
                        "balance", row.key,
                        f"{row.label} 资金结(转)余印为 {n(printed)}，应为全年预算数 {n(budget)} − 全年执行数 "
                        f"{n(executed)} = {n(d.balances[row.key])}",
                        [(f"fund.{row.key}", bal_c.key)], printed, d.balances[row.key])
            yield from self._rate_score(row, roles, stated, exact)
        yield from self._sources()

    def _rate_score(self, row, roles, stated_rate, exact) -> Iterator[Finding | None]:  # noqa: ANN001
        score_c = roles.get("score")
        if not (row.scored and score_c):
            return
        printed = self.form.funding(row.key, score_c.key)
        weight_c = roles.get("weight")
        weight = self.form.funding(row.key, weight_c.key) if weight_c else None
        if weight is None and row.total:
            weight = self.fdef.scoring.funding_weight
        if printed is None or weight is None:
            return
        candidates = [scoring.rate_score(weight, r) for r in (exact, stated_rate) if r is not None]
        if any(same_at_printed_precision(printed, c) for c in candidates if c is not None):
            return
        if printed > weight:
            expected = weight
        elif candidates and candidates[0] is not None:
            expected = candidates[0]
        else:
            return
        rate_text = f"执行率 {n(round_to(exact, 2))}%" if exact is not None else f"执行率 {n(stated_rate)}%"
        yield self._finding(
            "rate_score", row.key,
            f"{row.label}的执行率得分印为 {n(printed)}，按分值 {n(weight)} × {rate_text} 应为 {n(expected)}"
            f"（执行率得分不超过分值）",
            [(f"fund.{row.key}", score_c.key)], printed, expected)

    def _sources(self) -> Iterator[Finding | None]:
        fund = self.fdef.funding
        total = fund.total_row
        parts = [r for r in fund.rows if not r.total]
        for col in fund.columns:
            if col.role not in ("initial", "declared", "budget", "exec", "balance", "amount"):
                continue
            values = [(r, self.form.funding(r.key, col.key)) for r in parts]
            given = [(r, v) for r, v in values if v is not None]
            head = self.form.funding(total.key, col.key)
            if not given or head is None:
                continue
            s = sum((v for _, v in given), ZERO)
            if s != head:
                listed = " + ".join(f"{r.label.removeprefix('其中：')} {n(v)}" for r, v in given)
                yield self._finding(
                    "sources_sum", col.key,
                    f"{col.caption}：{total.label} {n(head)} 不等于其中各项之和 {n(s)}（{listed}），相差 {n(head - s)}",
                    [(f"fund.{total.key}", col.key)] + [(f"fund.{r.key}", col.key) for r, _ in given], head, s)

    # -- indicators -----------------------------------------------------------------------------
    def _indicators(self) -> Iterator[Finding | None]:
        wc, sc, rc = self._col("weight"), self._col("score"), self._col("reason")
        for ind in self.form.indicators:
            weight, score = ind.number(wc), ind.number(sc)
            row = f"indicator:{ind.id}"
            if weight is None or score is None:
                continue
            if score > weight:
                yield self._finding("score_le_weight", f"{ind.id}",
                                    f"{self.path(ind)}：得分 {n(score)} 超过分值 {n(weight)}",
                                    [(row, sc or "")], score, weight)
            elif score < weight and rc and not ind.text(rc).strip():
                reason = self.fdef.column(rc)
                yield self._finding(
                    "reason_required", f"{ind.id}",
                    f"{self.path(ind)}：得分 {n(score)} 低于分值 {n(weight)}，须填写“{reason.caption if reason else '偏差原因'}”",
                    [(row, rc), (row, sc or "")], score, weight)
            help_ = self.d.indicators.get(ind.id)
            if help_ is None:
                continue
            if help_.suggested is not None and not same_at_printed_precision(score, help_.suggested):
                target = ind.text(self._col("target_adjusted")) or ind.text(self._col("target"))
                yield self._finding(
                    "suggested_score", f"{ind.id}",
                    f"{self.path(ind)}：指标值 {target}，实际完成值 {ind.text(self._col('actual'))}，按完成程度应得 "
                    f"{n(help_.suggested)} 分，填写的得分为 {n(score)}，请核实",
                    [(row, sc or "")], score, help_.suggested)
            band, limits = help_.band, help_.band_range
            if band is not None and limits is not None and not scoring.in_band(score, band, weight):
                yield self._finding(
                    "qualitative_band", f"{ind.id}",
                    f"{self.path(ind)}：实际完成值为“{band.text}”，得分应在分值 {n(weight)} 的 "
                    f"{n(band.low)}%–{n(band.high)}%（{n(limits[0])}–{n(limits[1])}）之内，填写的得分为 {n(score)}",
                    [(row, sc or "")], score, limits[0])

    # -- weights, totals, grade -----------------------------------------------------------------
    def _totals(self) -> Iterator[Finding | None]:
        fdef, form, d = self.fdef, self.form, self.d
        if not fdef.scoring.scored:
            return
        total_label = fdef.file.total.label if fdef.file.total else "总分"
        with_funding = fdef.scoring.total_includes_funding and d.funding_weight is not None
        parts = f"（指标 {n(d.indicator_weight)} + 执行率 {n(d.funding_weight)}）" if with_funding else ""
        if d.indicator_weight > 0 and d.total_weight != fdef.scoring.full_score:
            yield self._finding("weight_sum", "all",
                                f"各项分值合计 {n(d.total_weight)}{parts}，应为满分 {n(fdef.scoring.full_score)}",
                                [("total", "weight")], d.total_weight, fdef.scoring.full_score)
        for node in fdef.tree:
            stated = form.number(f"w.{node.key}")
            got = d.level1_weights.get(node.key, ZERO)
            if stated is not None and stated != got:
                yield self._finding("level1_stated", node.key,
                                    f"一级指标“{node.label}”印明权重 {n(stated)}，其下三级指标分值合计为 {n(got)}",
                                    [("level1", node.key)], stated, got)
        yield from self._level1_weights()
        printed_w, printed_s = form.number("total.weight"), form.number("total.score")
        s_parts = f"（指标 {n(d.indicator_score)} + 执行率 {n(d.funding_score)}）" if with_funding else ""
        if printed_w is not None and printed_w != d.total_weight:
            yield self._finding("total_weight", "weight",
                                f"{total_label}栏分值印为 {n(printed_w)}，各项分值合计{parts}为 {n(d.total_weight)}",
                                [("total", "weight")], printed_w, d.total_weight)
        if printed_s is not None and printed_s != d.total_score:
            yield self._finding("total_score", "score",
                                f"{total_label}印为 {n(printed_s)}，各项得分合计{s_parts}为 {n(d.total_score)}，"
                                f"相差 {n(printed_s - d.total_score)}",
                                [("total", "score")], printed_s, d.total_score)
        stated_grade = form.text("grade").strip()
        if stated_grade and d.grade and stated_grade != d.grade:
            bands = "，".join(f"{g.grade} ≥ {n(g.min)}" for g in fdef.scoring.grades[:-1])
            yield self._finding("grade", "grade",
                                f"自评等级为“{stated_grade}”，但总分 {n(d.total_score)} 对应“{d.grade}”（{bands}，其余为"
                                f"{fdef.scoring.grades[-1].grade}）", [("total", "grade")])

    def _level1_weights(self) -> Iterator[Finding | None]:
        fdef, d = self.fdef, self.d
        defaults = fdef.scoring.default_weights
        if not defaults or d.indicator_weight <= 0:
            return
        actual = {node.key: d.level1_weights.get(node.key, ZERO) for node in fdef.tree if node.key in defaults}
        if "zhixing" in defaults and fdef.scoring.total_includes_funding:
            actual["zhixing"] = d.funding_weight or ZERO
        if all(actual[k] == defaults[k] for k in actual):
            return
        names = {node.key: node.label.removesuffix("指标") for node in fdef.tree} | {"zhixing": "执行率"}
        order = [k for k in defaults if k in actual]
        got = "、".join(f"{names[k]} {n(actual[k])}" for k in order)
        want = "/".join(n(defaults[k]) for k in order)
        yield self._finding("level1_weights", "all",
                            f"一级指标权重为 {got}，与默认权重 {want} 不同（原则上按默认权重设置，调整须说明理由）",
                            [("level1", k) for k in order if actual[k] != defaults[k]])


def check_form(fdef: FormDef, form: Form) -> list[Finding]:
    """All findings of one form."""
    return FormChecker(fdef, form).run()
