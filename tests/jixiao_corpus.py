"""A fixed corpus of 绩效 forms and the findings they give, for the equivalence test of the rule engine.

Scenarios: the forms of seeds 001 (with its 决算 tables) and 004, and two documents (元 and 万元) of
generated forms of every shape — figures drawn by a seeded generator so that each check fires on some forms
and not on others (sums right and wrong, printed rates at 0 or 2 decimals, scores above/below/at 分值,
定量 and 定性 values, stated grades and 一级 weights, target forms of the same projects).
``python tests/jixiao_corpus.py`` rewrites the snapshot (only when the findings are meant to change).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "data" / "jixiao_findings_snapshot.json"
SEEDS = HERE.parents[0].parent / "shared" / "seeds"
WHO = "测试员"
PROJECTS = ["医保基金监管工作经费", "档案管理经费", "项目丙", "项目丁", "项目戊", "项目己"]
TARGETS = ["≥90%", "≤15%", "=0%", "100人", "有效缓解", "≥%", "≥95%", "=万元", "30天", ""]
ACTUALS = ["81%", "达成年度指标", "部分达成", "未达成年度指标且效果较差", "100人", "95%", "", "16%", "0%", "明显提高"]


def finding_rows(findings) -> list[dict]:  # noqa: ANN001 - list[Finding]
    return [{"key": f.key, "rule_id": f.rule_id, "severity": f.severity, "message": f.message, "table": f.table,
             "cells": [list(c) for c in f.cells], "left": f.left, "right": f.right} for f in findings]


def _amount(rng: random.Random) -> Decimal:
    return Decimal(rng.choice([0, 5, 12, 30, 100, 250, 1000])) + Decimal(rng.choice([0, 0, 25, 5, 44])) / 100


def _funding(fdef, rng: random.Random) -> dict[str, Decimal]:  # noqa: ANN001
    fund, out = fdef.funding, {}
    total, parts = fund.total_row, [r for r in fund.rows if not r.total]
    roles = {c.role: c.key for c in fund.columns}
    for col in fund.columns:
        if col.role not in ("initial", "declared", "budget", "amount"):
            continue
        values = {r.key: _amount(rng) for r in parts if rng.random() < 0.6}
        for key, value in values.items():
            out[f"f.{key}.{col.key}"] = value
        head = sum(values.values(), Decimal(0))
        if rng.random() < 0.3:
            head += rng.choice([Decimal("0.01"), Decimal(1), Decimal(-5)])
        if values or rng.random() < 0.5:
            out[f"f.{total.key}.{col.key}"] = head if values else _amount(rng)
    for row in fund.rows:
        budget = out.get(f"f.{row.key}.{roles.get('budget')}")
        if "exec" in roles and (budget is not None or rng.random() < 0.3):
            base = budget if budget is not None else _amount(rng)
            executed = base * Decimal(rng.choice(["1", "0.7063", "0.5", "1.01", "0.9241", "0"]))
            out[f"f.{row.key}.{roles['exec']}"] = executed.quantize(Decimal("0.01"))
        executed = out.get(f"f.{row.key}.{roles.get('exec')}")
        if "balance" in roles and rng.random() < 0.7 and budget is not None and executed is not None:
            out[f"f.{row.key}.{roles['balance']}"] = budget - executed + rng.choice([Decimal(0), Decimal(0), Decimal(1)])
        rate = None
        if budget and executed is not None and budget > 0:
            rate = executed / budget * 100
            if "rate" in roles and rng.random() < 0.8:
                printed = rate.quantize(Decimal(rng.choice(["1", "0.01", "0.01"])))
                out[f"f.{row.key}.{roles['rate']}"] = printed + rng.choice([Decimal(0), Decimal(0), Decimal(-3)])
        elif "rate" in roles and rng.random() < 0.2:
            out[f"f.{row.key}.{roles['rate']}"] = Decimal("67.60")
        if row.scored and fdef.scoring.scored:
            weight = rng.choice([Decimal(10), Decimal(10), Decimal(8), None])
            if "weight" in roles and weight is not None:
                out[f"f.{row.key}.{roles['weight']}"] = weight
            if "score" in roles and rng.random() < 0.8:
                w = weight or Decimal(10)
                score = min(w, w * (rate or Decimal(50)) / 100).quantize(Decimal(rng.choice(["0.01", "0.1"])))
                out[f"f.{row.key}.{roles['score']}"] = score + rng.choice([Decimal(0), Decimal(0), Decimal(2)])
    return out


def _indicators(fdef, rng: random.Random) -> list[tuple[str, dict]]:  # noqa: ANN001
    cols = {c.role: c.key for c in fdef.columns}
    rows = []
    for level2 in fdef.level2_keys:
        for n in range(rng.choice([0, 1, 1, 2])):
            cells: dict = {cols["name"]: f"{level2}指标{n}" if rng.random() < 0.9 else "指标1:"}
            weight = rng.choice([Decimal(5), Decimal(10), Decimal(20), Decimal(30), None])
            if "weight" in cols and weight is not None:
                cells[cols["weight"]] = weight
            if "score" in cols and rng.random() < 0.9:
                w = weight or Decimal(10)
                cells[cols["score"]] = rng.choice([w, w, w - 1, w + 1, w * Decimal("0.9"), w * Decimal("0.7")])
            for role, pool in (("target", TARGETS), ("actual", ACTUALS), ("period_target", TARGETS)):
                if role in cols and rng.random() < 0.8:
                    cells[cols[role]] = rng.choice(pool)
            if "target_adjusted" in cols and rng.random() < 0.3:
                cells[cols["target_adjusted"]] = rng.choice(["95", "≥80%", "100人"])
            if "period_name" in cols and rng.random() < 0.7:
                cells[cols["period_name"]] = f"{level2}指标{n}"
            if "direction" in cols and rng.random() < 0.5:
                cells[cols["direction"]] = rng.choice(["正向", "反向", "=", "≥"])
            if "reason" in cols and rng.random() < 0.4:
                cells[cols["reason"]] = "原因"
            rows.append((level2, {k: v for k, v in cells.items() if v != ""}))
    return rows


def _fields(fdef, rng: random.Random, rows) -> dict:  # noqa: ANN001
    fields = {"t.xmmc": rng.choice(PROJECTS)} if fdef.field("xmmc") else {}
    fields.update(_funding(fdef, rng))
    if fdef.scoring.scored:
        wc, sc = fdef.column_by_role("weight"), fdef.column_by_role("score")
        weights = sum((r[1].get(wc.key, Decimal(0)) for r in rows), Decimal(0)) if wc else Decimal(0)
        scores = sum((r[1].get(sc.key, Decimal(0)) for r in rows), Decimal(0)) if sc else Decimal(0)
        if rng.random() < 0.6:
            fields["total.weight"] = weights + rng.choice([Decimal(0), Decimal(10), Decimal(10), Decimal(1)])
        if rng.random() < 0.6:
            fields["total.score"] = scores + rng.choice([Decimal(0), Decimal(7), Decimal("9.3")])
        if rng.random() < 0.4:
            fields["grade"] = rng.choice(["优", "良", "中", "差"])
        for node in fdef.tree:
            if rng.random() < 0.3:
                fields[f"w.{node.key}"] = rng.choice([Decimal(40), Decimal(50), Decimal(30), Decimal(10)])
    return fields


def generated(tmp: Path, money_unit: str, seed: int, per_shape: int = 4):  # noqa: ANN201 - FormBook
    from desktop.core.document import Document
    from desktop.core.jixiao.book import FormBook
    from desktop.core.jixiao.loader import all_forms
    from desktop.core.jixiao.store import insert_form

    rng = random.Random(seed)
    doc = Document.create(tmp / f"gen_{money_unit}_{seed}.gkb", {"set_id": "shanxi_2022_juesuan", "unit_name": "生成",
                                                                 "year": "2024", "money_unit": money_unit})
    for key, fdef in sorted(all_forms().items()):
        for n in range(per_shape):
            rows = _indicators(fdef, rng)
            insert_form(doc, key, f"{fdef.name}{n}", _fields(fdef, rng, rows), rows, who=WHO)
    spending = rng.choice([10**5, 10**9, 3 * 10**6])
    return doc, FormBook(doc, table_values=lambda: {("zhichu", "total", "xm"): spending}, has_table=lambda t: True)


def seed_scenarios(tmp: Path) -> dict[str, list[dict]]:
    from desktop.core.document import Document
    from desktop.core.formats.dump import load_dump
    from desktop.core.formats.published import convert_published
    from desktop.core.jixiao.book import FormBook
    from desktop.core.jixiao.seeds import convert_forms, load_forms
    from desktop.core.session import Session

    out: dict[str, list[dict]] = {}
    path = SEEDS / "001_0f45429440d9ca6e.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = load_dump(convert_published(data, None).dump, tmp / "001.gkb", who=WHO)
        session = Session(doc)
        load_forms(session.doc, convert_forms(data), who=WHO)
        session.forms.reload()
        out["seed001"] = finding_rows(session.forms.findings())
        f1 = session.forms.forms()[0].id
        session.forms.set_field(f1, "grade", "优", who=WHO)
        out["seed001_graded"] = finding_rows(session.forms.findings())
        session.close()
    path = SEEDS / "004_6de04d4622149a8f.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = Document.create(tmp / "004.gkb", {"set_id": "shanxi_2022_juesuan", "unit_name": "x", "year": "2025",
                                                "money_unit": "万元"})
        load_forms(doc, convert_forms(data), who=WHO)
        book = FormBook(doc)
        out["seed004"] = finding_rows(book.findings())
        own = book.add_form("a_zhuanyi_ziping", "医保基金监管工作经费自评表", who=WHO,
                            fields={"t.xmmc": "医保基金监管工作经费"})
        book.add_indicator(own, "zhiliang", who=WHO, texts={"name": "医保系统正常运", "target": "≥95%"})
        out["seed004_with_self_eval"] = finding_rows(book.findings())
        doc.close()
    return out


def all_scenarios(tmp: Path) -> dict[str, list[dict]]:
    out = seed_scenarios(tmp)
    for unit, seed in (("元", 1), ("万元", 2), ("元", 3)):
        doc, book = generated(tmp, unit, seed)
        out[f"generated_{unit}_{seed}"] = finding_rows(book.findings())
        doc.close()
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    with tempfile.TemporaryDirectory() as tmp:
        found = all_scenarios(Path(tmp))
    lines = [f"{json.dumps(name, ensure_ascii=False)}: [\n" + ",\n".join(
        json.dumps(f, ensure_ascii=False, sort_keys=True) for f in rows) + "\n]" for name, rows in sorted(found.items())]
    SNAPSHOT.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print({k: len(v) for k, v in found.items()})
