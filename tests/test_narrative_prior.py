"""上年数: typed or copied from last year's document, used for 比上年 claims, drafts and 年初 = 上年年末."""

from __future__ import annotations

import pytest
from conftest import SEEDS

from desktop.core.narrative.prior import PriorError, link_prior, set_typed
from desktop.core.narrative.store import read_prior

TEXT_001 = SEEDS / "001_0f45429440d9ca6e.txt"
TEXT_004 = SEEDS / "004_6de04d4622149a8f.txt"


def _prior_findings(session):
    return [f for f in session.narrative.findings() if f.rule_id in ("narrative.prior", "narrative.opening")]


def test_right_prior_figures_raise_nothing_and_wrong_ones_are_named(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e")
    session.narrative.import_text(TEXT_001.read_text(encoding="utf-8"), who="甲")
    # 2021: 38,460,895.08 − 4,048,702.72 and 37,530,895.08 − 3,118,702.72 (what the text claims)
    set_typed(session, "in_zj", "34,412,192.36", who="甲")
    set_typed(session, "ex_zj", "34412192.36", who="甲")
    set_typed(session, "ybgg", "34412192.36", who="甲")
    assert _prior_findings(session) == []
    set_typed(session, "in_zj", "34,000,000.00", who="甲")
    found = _prior_findings(session)
    assert len(found) == 1 and found[0].severity == "error"
    assert "收入总计比上年增加 4048702.72元" in found[0].message and "应为增加 4,460,895.08" in found[0].message
    assert read_prior(session.doc)["in_zj"].source.startswith("手工录入（甲")
    # the draft now fills 与上年相比 from the 上年数
    from desktop.core.narrative.draft import draft_narrative

    assert "与2021年相比，收入总计增加4,460,895.08元，增长13.12%" in draft_narrative(session)


def test_wan_yuan_claims_allow_rounding(load_seed):
    session, _ = load_seed("004_6de04d4622149a8f")
    session.narrative.import_text(TEXT_004.read_text(encoding="utf-8"), who="甲")
    set_typed(session, "in_zj", "803.99", who="甲")  # KNOWN_ERRORS 004 #36: 上年总计 803.99
    set_typed(session, "ybgg", "761.67", who="甲")  # 上年一般公共预算当年 761.67
    assert _prior_findings(session) == []
    set_typed(session, "ybgg", "761.66", who="甲")  # 733.90 − 761.66 = −27.76 vs printed −27.77
    (found,) = _prior_findings(session)
    assert found.severity == "rounding" and "尾数误差" in found.message
    set_typed(session, "ybgg", "770.00", who="甲")
    (found,) = _prior_findings(session)
    assert found.severity == "error" and "一般公共预算当年支出比上年减少 27.77万元" in found.message


def test_opening_balances_must_equal_last_years_closing(load_seed):
    session, _ = load_seed("000_add86a24b3a51088")
    opening = session.value(("shouzhi_zongbiao", "in_ncjz", "amount")) or 0
    set_typed(session, "nmjz", f"{opening / 100:.2f}", who="甲")
    assert _prior_findings(session) == []
    set_typed(session, "nmjz", "100.00", who="甲")
    (found,) = _prior_findings(session)
    assert found.table == "shouzhi_zongbiao" and found.cells == (("shouzhi_zongbiao", "in_ncjz", "amount"),)
    assert "年初结转和结余" in found.message and "年初数应等于上年年末数" in found.message
    assert found in session.findings()  # shown on 公开01 like any table finding


def test_link_copies_from_last_years_document_of_the_same_unit(load_seed, tmp_path):
    session, _ = load_seed("001_0f45429440d9ca6e")
    path = tmp_path / "上年.gkb"
    session.doc.save_as(path)  # the same figures, a year earlier
    from desktop.core.session import Session

    last = Session.open(path)
    last.doc.write({}, who="甲", meta={"year": "2021"})
    last.close()
    result = link_prior(session, path, who="甲")
    prior = read_prior(session.doc)
    assert prior["in_zj"].value == session.value(("shouzhi_zongbiao", "in_zj", "amount"))
    assert "上年文件：柳林县医疗保障局 2021年" in prior["in_zj"].source and path.name in prior["in_zj"].source
    assert ("收入总计", prior["in_zj"].value) in result.copied
    session.narrative.import_text(TEXT_001.read_text(encoding="utf-8"), who="甲")
    # the text claims +4,048,702.72 against figures that did not change: flagged
    assert any(f.rule_id == "narrative.prior" and "应为持平" in f.message for f in session.narrative.findings())


def test_link_refuses_another_year_another_unit_and_itself(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e")
    other, _ = load_seed("000_add86a24b3a51088")
    other.doc.write({}, who="甲", meta={"year": "2021"})
    other_path, same_year = other.doc.path, session.doc.path
    other.close()
    with pytest.raises(PriorError, match="单位"):
        link_prior(session, other_path, who="甲")
    with pytest.raises(PriorError, match="自己"):
        link_prior(session, same_year, who="甲")
    with pytest.raises(PriorError, match="无法打开"):
        link_prior(session, other_path.with_name("没有.gkb"), who="甲")
    with pytest.raises(PriorError, match="金额|数字"):
        set_typed(session, "in_zj", "一百", who="甲")
    assert read_prior(session.doc) == {}
