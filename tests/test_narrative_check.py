"""情况说明 checks on the real seeds: every known prose error that ties to a table is flagged, nothing else.

Expected rows are those of ../shared/seeds/KNOWN_ERRORS.md naming 第三部分 (000 #4–#6, 001 #1–#6 and
#19, 004 #1–#4 as errors, #34 and #37 as 尾数误差). 001 #18 ties to a 绩效 form, not to a table, and 004
#35/#36 need the previous year's figures: those are not expected here.
"""

from __future__ import annotations

import pytest
from conftest import SEEDS

from desktop.core.narrative import check_narrative


def _findings(load_seed, stem: str):
    text_path = SEEDS / f"{stem}.txt"
    if not text_path.exists():
        pytest.skip("seed text not beside the project")
    session, _ = load_seed(stem)
    return check_narrative(session, text_path.read_text(encoding="utf-8"))


def _has(findings, rule: str, severity: str, *words: str) -> bool:
    return any(f.rule_id == rule and f.severity == severity and all(w in f.message for w in words)
               for f in findings)


def test_seed_000_income_paragraph(load_seed):
    found = _findings(load_seed, "000_add86a24b3a51088")
    assert _has(found, "narrative.tie", "error", "收入合计", "公开02表", "25,731,201.68", "-266.15")  # #4
    assert _has(found, "narrative.list", "error", "收入合计", "25731201.68元", "-266.15元")  # #5
    assert _has(found, "narrative.tie", "error", "其他收入", "公开01表", "八、其他收入", "空")  # #6
    assert len(found) == 3, [f.message for f in found]


def test_seed_001_prose_errors(load_seed):
    found = _findings(load_seed, "001_0f45429440d9ca6e")
    assert _has(found, "narrative.tie", "error", "人员经费为 17686720.57元", "5,551,377.42")  # #1
    assert _has(found, "narrative.tie", "error", "日常公用经费为 19844174.51元", "880,988.85")  # #2
    assert _has(found, "narrative.tie", "error", "一般公共服务支出为 37530895.08元", "61,230.00")  # #3
    assert _has(found, "narrative.change_rate", "error", "11.77%", "12.09%")  # #4
    assert _has(found, "narrative.rate", "error", "100.00%", "99.88%")  # #5
    assert _has(found, "narrative.share", "error", "38460895.08 ÷ 32028528.81")  # #6
    assert _has(found, "narrative.grade", "error", "2个优", "89分（良）")  # #19
    assert all(f.severity == "error" for f in found)
    assert len(found) == 8, [f.message for f in found]  # #19 is stated twice (一级 and 二级 projects)


def test_seed_004_prose_errors_and_rounding(load_seed):
    found = _findings(load_seed, "004_6de04d4622149a8f")
    errors = [f for f in found if f.severity == "error"]
    rounding = [f for f in found if f.severity == "rounding"]
    assert _has(errors, "narrative.direction", "error", "较少了1.42万元", "增长 2.13%")  # #1
    assert _has(errors, "narrative.tie", "error", "财政拨款收支总", "761.35", "-761.35")  # #2
    assert _has(errors, "narrative.absent", "error", "支出包括：无", "761.35")  # #3
    assert _has(errors, "narrative.absent", "error", '无"三公"经费预算', "1.50")  # #4
    assert _has(rounding, "narrative.list", "rounding", "预算收入总计", "761.34万元")  # #34
    assert _has(rounding, "narrative.tie", "rounding", "733.91万元", "733.90")  # #37
    # #1 is printed twice (收入 and 支出 halves of 一); #2 also breaks its own 其中 list
    assert len(errors) == 6, [f.message for f in errors]
    assert all("尾数误差" in f.message for f in rounding)


def test_findings_name_the_section_and_the_cells(load_seed):
    found = _findings(load_seed, "001_0f45429440d9ca6e")
    rate = next(f for f in found if f.rule_id == "narrative.rate")
    assert rate.table == "narrative"
    assert rate.cells[0][0] == "narrative" and "三公" in rate.cells[0][1]
    assert ("sangong", "data", "ys_gc_yx") in rate.cells
    tie = next(f for f in found if "人员经费为" in f.message)
    assert (tie.left, tie.right) == (1768672057, 555137742)
    assert tie.diff == 1768672057 - 555137742
