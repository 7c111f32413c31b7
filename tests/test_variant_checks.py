"""The same checks on documents in the other two 决算 variants, built from seed 001's real figures.

Seed 001 is re-expressed the way a 山西 2024 (万元, 三公 = 公开09, one-column 公开06) and a 宁夏 2023 (元,
公开01 总计 at 行次 30 with 51/52 skipped, no 公开10) disclosure prints it. The set must be recognised
from the printed layout alone, every value placed, and the relations that hold must stay quiet.
"""

from __future__ import annotations

import contextlib
import copy
from decimal import ROUND_HALF_UP, Decimal

from conftest import seed_data

from desktop.core.formats.dump import load_dump
from desktop.core.formats.published import convert_published
from desktop.core.session import Session


def _table(data, label):
    return next(t for t in data["tables"] if t["label"] == label)


def _basic_only(gk06, caption):
    for block in gk06["blocks"]:
        for row in block["rows"]:
            row[caption] = row.pop("其中：基本支出")
            row.pop("金额")
    for total in gk06["totals"]:
        total[caption] = total.pop("其中：基本支出")
        total.pop("金额")
    gk06["block_columns"] = ["科目编码", "科目名称", caption]


def _wanyuan(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key not in ("行次", "栏次", "科目编码") and "." in value:
                with contextlib.suppress(ArithmeticError):
                    node[key] = f"{(Decimal(value) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):.2f}"
            else:
                _wanyuan(value)
    elif isinstance(node, list):
        for item in node:
            _wanyuan(item)


def as_shanxi_2024():
    data = copy.deepcopy(seed_data("001_0f45429440d9ca6e"))
    data["document"].update(fiscal_year=2024, money_unit="万元")
    _table(data, "公开07")["label"] = "公开09"
    _table(data, "公开08")["label"] = "公开07"
    _table(data, "公开09")["label"] = "公开08"
    _basic_only(_table(data, "公开06"), "决算数")
    _wanyuan(data["tables"])
    return data


def as_ningxia_2023():
    data = copy.deepcopy(seed_data("001_0f45429440d9ca6e"))
    data["document"].update(fiscal_year=2023)
    data["tables"] = [t for t in data["tables"] if t["label"] != "公开10"]
    gk01 = _table(data, "公开01")
    gk01["income_rows"] = [r for r in gk01["income_rows"] if r["行次"] != "30"]
    gk01["income_rows"][-1]["行次"] = "30"
    expenditure = [r for r in gk01["expenditure_rows"] if r["行次"] != "61.00"]
    numbers = [*range(31, 51), *range(53, 63)]
    for row, number in zip(expenditure, numbers, strict=True):
        row["行次"] = str(number)
    gk01["expenditure_rows"] = expenditure
    _table(data, "公开07")["title"] = "一般公共预算财政拨款“三公”经费支出决算表"
    gk06 = _table(data, "公开06")
    _basic_only(gk06, "决算数")
    total = sum(Decimal(t["决算数"]) for t in gk06["totals"])
    gk06["totals"].append({"label": "合计", "决算数": f"{total:.2f}"})
    return data


def build(tmp_path, data, name):
    conversion = convert_published(data)
    session = Session(load_dump(conversion.dump, tmp_path / f"{name}.gkb"))
    return session, conversion


def test_a_2024_style_document_is_recognised_and_only_rounding_is_reported(tmp_path):
    session, conversion = build(tmp_path, as_shanxi_2024(), "sx2024")
    assert conversion.set_id == "shanxi_2024_juesuan", conversion.set_reason
    assert conversion.unplaced == [] and conversion.unmatched_tables == []
    assert session.doc.money_unit == "万元"
    assert session.value(("sangong", "data", "js_gc_yx")) == 400  # 39,951.85 元 → 4.00 万元
    assert session.value(("jiben_mingxi", "30231", "basic")) == 400
    severities = {f.severity for f in session.findings()}
    assert severities <= {"rounding"}, [f.message for f in session.findings() if f.severity != "rounding"]
    session.close()


def test_a_ningxia_style_document_is_recognised_and_raises_nothing(tmp_path):
    session, conversion = build(tmp_path, as_ningxia_2023(), "nx2023")
    assert conversion.set_id == "ningxia_2023_juesuan", conversion.set_reason
    assert conversion.unplaced == [] and conversion.unmatched_tables == []
    assert not session.tset.has_table("xinxi_tongji")
    assert session.value(("shouzhi_zongbiao", "in_zj", "amount")) == 3846089508
    assert [f.message for f in session.findings()] == []
    session.close()


def test_an_error_in_a_ningxia_document_names_its_own_hangci(tmp_path):
    data = as_ningxia_2023()
    gk01 = _table(data, "公开01")
    gk01["expenditure_rows"][-4]["values"]["决算数"] = "38460895.00"  # 本年支出合计 (行次59) mistyped
    session, _ = build(tmp_path, data, "nx_err")
    finding = next(f for f in session.findings() if f.key == "gk01_expenditure_year_total")
    assert finding.severity == "error" and "行次59" in finding.message and "-0.08" in finding.message
    session.close()
