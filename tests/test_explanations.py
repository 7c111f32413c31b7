"""出错说明: kept in the file, shown as explained, and stale once the figures it explained move."""

from __future__ import annotations

from desktop.core.explain import ExplanationState, explanation_state
from desktop.core.session import Session

HOUSING = ("ybgg_zhichu", "2210201", "jb")  # 表5 住房公积金 (基本支出), against 表6 住房公积金


def housing_warning(session: Session):
    return next((f for f in session.findings() if f.rule_id == "x06_05_housing"), None)


def test_explanation_survives_reopening_and_goes_stale_when_its_figures_change(load_seed):
    session, _ = load_seed("004_6de04d4622149a8f")
    assert housing_warning(session) is None  # holds in the published tables
    printed = session.value(HOUSING)
    session.set_values({HOUSING: printed + 100}, who="张会计")  # 表5 one 万元 higher: a 提示, not an 错误
    finding = housing_warning(session)
    assert finding is not None and finding.severity == "warning" and finding.diff == -100
    session.explain(finding, "住房公积金部分在其他科目列支", who="张会计")
    path = session.doc.path
    session.close()

    reopened = Session.open(path, who="李科长")
    try:
        finding = housing_warning(reopened)
        explanations = reopened.doc.explanations()
        assert explanation_state(finding, explanations) is ExplanationState.EXPLAINED
        assert explanations[finding.key]["author"] == "张会计"
        reopened.set_values({HOUSING: printed + 250}, who="李科长")  # the figures the reason was for moved
        moved = housing_warning(reopened)
        assert moved.key == finding.key and moved.diff == -250
        assert explanation_state(moved, reopened.doc.explanations()) is ExplanationState.STALE
        assert ExplanationState.STALE.label == "说明已过期"
        reopened.explain(moved, "", who="李科长")  # empty text removes it
        assert explanation_state(moved, reopened.doc.explanations()) is ExplanationState.NONE
    finally:
        reopened.close()
