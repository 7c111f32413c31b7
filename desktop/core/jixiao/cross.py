"""Checks across forms and tables: a 自评表's 年度指标值 against the matching 项目绩效目标表, and
Σ 全年执行数 of the project forms against the 项目支出 of the 决算 tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from ..money import format_amount, to_decimal
from ..rules.findings import Finding
from .definition import FormDef
from .form import Form
from .loader import base_scoring, cross_rules
from .store import form_table
from .values import hundredths, norm, plain

UNIT_YUAN = {"元": Decimal(1), "万元": Decimal(10000)}
HALF_STEP_YUAN = {"元": Decimal("0.005"), "万元": Decimal(50)}


def _col(fdef: FormDef, role: str) -> str | None:
    col = fdef.column_by_role(role)
    return col.key if col else None


def target_findings(pairs: Iterable[tuple[FormDef, Form]]) -> list[Finding]:
    """提示 where a 自评表's 年度指标值 differs from the 年度 指标值 of the 目标表 of the same project."""
    pairs = list(pairs)
    targets = [(d, f) for d, f in pairs if d.kind == "target" and f.text("t.xmmc").strip()]
    out: list[Finding] = []
    for sdef, sform in pairs:
        level = sdef.scoring.level("target_matches")
        project = norm(sform.text("t.xmmc"))
        if sdef.kind != "self_eval" or level == "off" or not project:
            continue
        for tdef, tform in targets:
            if norm(tform.text("t.xmmc")) != project:
                continue
            wanted: dict[tuple[str, str], str] = {}
            for ind in tform.indicators:
                for name_col in (_col(tdef, "name"), _col(tdef, "period_name")):
                    name = norm(ind.text(name_col))
                    if name:
                        wanted.setdefault((ind.level2, name), ind.text(_col(tdef, "target")))
            for ind in sform.indicators:
                key = (ind.level2, norm(ind.text(_col(sdef, "name"))))
                mine = ind.text(_col(sdef, "target"))
                if key not in wanted or not mine.strip() or norm(mine) == norm(wanted[key]):
                    continue
                table = form_table(sform.id)
                out.append(Finding(
                    key=f"jx{sform.id}.target_matches.{ind.id}", rule_id="jixiao.target_matches", severity=level,
                    message=(f"《{sform.title}》：{ind.text(_col(sdef, 'name'))} 的年度指标值“{mine}”与"
                             f"《{tform.title}》中的年度指标值“{wanted[key]}”不同，请核实"),
                    table=table, cells=((table, f"indicator:{ind.id}", _col(sdef, "target") or ""),),
                ))
    return out


def exec_findings(pairs: Iterable[tuple[FormDef, Form]], table_values: Mapping[tuple[str, str, str], int],
                  has_table: Callable[[str], bool], money_unit: str) -> list[Finding]:
    """提示 when Σ 全年执行数 of the project 自评表 exceeds the 决算 项目支出 (beyond rounding)."""
    level = base_scoring().level("exec_vs_final_accounts")
    ref = next((r for r in cross_rules().final_accounts_project_spending if has_table(r.table)), None)
    if level == "off" or ref is None or (ref.table, ref.row, ref.col) not in table_values:
        return []
    spending = to_decimal(table_values[(ref.table, ref.row, ref.col)]) * UNIT_YUAN[money_unit]
    total, slack, used = Decimal(0), HALF_STEP_YUAN[money_unit], []
    for fdef, form in pairs:
        col = fdef.funding.by_role("exec")
        value = form.funding(fdef.funding.total_row.key, col.key) if col else None
        if fdef.kind != "self_eval" or not fdef.file.project or value is None:
            continue
        unit = fdef.funding.unit
        total += value * UNIT_YUAN[unit]
        slack += HALF_STEP_YUAN[unit]
        used.append(f"《{form.title}》{plain(value)}{unit}")
    if not used or total <= spending + slack:
        return []
    listed = "、".join(used)
    scale = UNIT_YUAN[money_unit]
    shown, limit = (total / scale).quantize(Decimal("0.01")), (spending / scale).quantize(Decimal("0.01"))
    return [Finding(
        key="jx.exec_vs_final_accounts", rule_id="jixiao.exec_vs_final_accounts", severity=level,
        message=(f"各项目绩效自评表的全年执行数合计 {format_amount(hundredths(shown))} {money_unit}（{listed}）超过决算"
                 f"项目支出 {format_amount(hundredths(limit))} {money_unit}，相差 {format_amount(hundredths(shown - limit))} "
                 f"{money_unit}，请核实"),
        table=ref.table, cells=((ref.table, ref.row, ref.col),),
        left=hundredths(shown), right=hundredths(limit),
    )]
