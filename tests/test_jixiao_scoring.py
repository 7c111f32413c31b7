"""Each scoring rule on both sides of its boundary, through a real form in a real document."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.document import Document
from desktop.core.jixiao import scoring
from desktop.core.jixiao.book import FormBook, FormEditError
from desktop.core.jixiao.loader import get_form
from desktop.core.jixiao.values import Target, parse_target

WHO = "测试员"


@pytest.fixture
def book(tmp_path):
    doc = Document.create(tmp_path / "f.gkb", {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2024"})
    yield FormBook(doc)
    doc.close()


def keys(book, form_id, check):
    return [f for f in book.form_findings(form_id) if f.rule_id == f"jixiao.{check}"]


def full_form(book, scores=(50, 30, 10), rate=("100", "100")):
    """A shape-A form with one indicator per 一级 carrying the given 分值 (all scored in full)."""
    fid = book.add_form("a_zhuanyi_ziping", "测试项目自评表", who=WHO)
    for level2, weight in zip(("shuliang", "shehui", "fuwu"), scores, strict=True):
        book.add_indicator(fid, level2, who=WHO, texts={"name": f"指标{level2}", "weight": str(weight),
                                                         "score": str(weight)})
    book.set_field(fid, "f.total.qn", rate[0], who=WHO)
    book.set_field(fid, "f.total.zx", rate[1], who=WHO)
    book.set_field(fid, "f.total.fz", "10", who=WHO)
    return fid


def test_grade_bands_on_both_sides_of_each_boundary():
    grades = get_form("a_zhuanyi_ziping").scoring.grades
    cases = {"100": "优", "90": "优", "89.99": "良", "80": "良", "79.99": "中", "60": "中", "59.99": "差", "0": "差"}
    assert {k: scoring.grade_of(Decimal(k), grades) for k in cases} == cases


def test_execution_rate_100_and_101_percent(book):
    fid = full_form(book, rate=("100", "100"))
    d = book.derived(fid)
    assert (d.rates["total"], d.rate_scores["total"]) == (Decimal("100.00"), Decimal("10.00"))
    assert keys(book, fid, "exec_over_budget") == []
    book.set_field(fid, "f.total.zx", "101", who=WHO)
    d = book.derived(fid)
    assert d.rates["total"] == Decimal("101.00")
    assert d.rate_scores["total"] == Decimal("10.00")  # capped at 分值
    over = keys(book, fid, "exec_over_budget")
    assert len(over) == 1 and over[0].severity == "warning" and "101" in over[0].message


def test_rate_is_kept_to_two_decimals_of_a_percent_half_up(book):
    fid = full_form(book, rate=("3", "2"))
    assert book.derived(fid).rates["total"] == Decimal("66.67")
    assert book.derived(fid).rate_scores["total"] == Decimal("6.67")


def test_total_90_is_you_and_89_99_is_liang(book):
    fid = full_form(book)
    assert book.derived(fid).grade == "优" and book.derived(fid).total_score == Decimal(100)
    first = book.form(fid).under("shuliang")[0].id
    book.set_indicator(fid, first, "score", "40", who=WHO)
    book.set_indicator(fid, first, "reason", "部分未完成", who=WHO)
    assert (book.derived(fid).total_score, book.derived(fid).grade) == (Decimal(90), "优")
    book.set_indicator(fid, first, "score", "39.99", who=WHO)
    assert (book.derived(fid).total_score, book.derived(fid).grade) == (Decimal("89.99"), "良")
    book.set_field(fid, "grade", "优", who=WHO)
    assert len(keys(book, fid, "grade")) == 1
    book.set_indicator(fid, first, "score", "40", who=WHO)
    assert keys(book, fid, "grade") == []


def test_score_equal_to_weight_is_fine_above_is_an_error_below_needs_a_reason(book):
    fid = full_form(book)
    ind = book.form(fid).under("shehui")[0].id
    assert keys(book, fid, "score_le_weight") == keys(book, fid, "reason_required") == []
    book.set_indicator(fid, ind, "score", "30.01", who=WHO)
    above = keys(book, fid, "score_le_weight")
    assert len(above) == 1 and above[0].severity == "error" and "30.01" in above[0].message
    book.set_indicator(fid, ind, "score", "29.99", who=WHO)
    assert keys(book, fid, "score_le_weight") == []
    below = keys(book, fid, "reason_required")
    assert len(below) == 1 and "偏差原因分析及改进措施" in below[0].message
    book.set_indicator(fid, ind, "reason", "受疫情影响，下一步加快进度", who=WHO)
    assert keys(book, fid, "reason_required") == []


def test_weights_must_add_to_the_full_score_and_differing_weights_are_a_hint(book):
    fid = full_form(book)
    assert keys(book, fid, "weight_sum") == [] and keys(book, fid, "level1_weights") == []
    fid2 = full_form(book, scores=(40, 40, 10))
    assert keys(book, fid2, "weight_sum") == []
    hint = keys(book, fid2, "level1_weights")
    assert len(hint) == 1 and hint[0].severity == "warning"
    fid3 = full_form(book, scores=(60, 30, 10))
    wrong = keys(book, fid3, "weight_sum")
    assert len(wrong) == 1 and wrong[0].severity == "error" and "110" in wrong[0].message


def test_printed_totals_are_checked_and_cannot_be_typed(book):
    fid = full_form(book)
    with pytest.raises(FormEditError, match="公式"):
        book.set_field(fid, "total.score", "100", who=WHO)
    with pytest.raises(FormEditError, match="公式"):
        book.set_field(fid, "f.total.zxl", "99%", who=WHO)


@pytest.mark.parametrize(("target", "actual", "weight", "expected"), [
    ("≥70%", "70%", "8", "8.00"),  # met exactly
    ("≥70%", "69.99%", "10", "10.00"),  # 69.99/70 × 10 = 9.9986 → 10.00 at 2 decimals
    ("≥70%", "35%", "10", "5.00"),
    ("≤15%", "15%", "8", "8.00"),
    ("≤15%", "29.37%", "8", "0.34"),  # DOMAIN §1.4: (1 − 14.37/15) × 8
    ("≤15%", "30%", "8", "0.00"),  # twice the target and beyond: 0
    ("=0%", "0%", "5", "5.00"),
    ("=0%", "1%", "5", "0.00"),
])
def test_suggested_score_of_quantitative_indicators(target, actual, weight, expected):
    t, a = parse_target(target), parse_target(actual)
    assert scoring.suggested_score(t, a.number, Decimal(weight)) == Decimal(expected)


def test_suggested_score_differing_from_the_entered_one_is_a_hint(book):
    fid = book.add_form("a_zhuanyi_ziping", "定量", who=WHO)
    ind = book.add_indicator(fid, "zhiliang", who=WHO, texts={
        "name": "覆盖率", "target": "≥90%", "actual": "81%", "weight": "10", "score": "10"})
    assert book.derived(fid).indicators[ind].suggested == Decimal("9.00")
    found = keys(book, fid, "suggested_score")
    assert len(found) == 1 and found[0].severity == "warning" and "9" in found[0].message
    book.set_indicator(fid, ind, "score", "9", who=WHO)
    assert keys(book, fid, "suggested_score") == []


def test_qualitative_band_edges(book):
    fid = book.add_form("a_zhuanyi_ziping", "定性", who=WHO)
    ind = book.add_indicator(fid, "shehui", who=WHO, texts={
        "name": "群众就医负担", "target": "有效缓解", "actual": "达成年度指标", "weight": "10", "score": "8",
        "reason": "说明"})
    assert keys(book, fid, "qualitative_band") == []
    book.set_indicator(fid, ind, "score", "7.99", who=WHO)
    assert len(keys(book, fid, "qualitative_band")) == 1
    book.set_indicator(fid, ind, "actual", "部分达成年度指标并具有一定效果", who=WHO)
    assert keys(book, fid, "qualitative_band") == []  # 60%(含)–80%
    book.set_indicator(fid, ind, "score", "8", who=WHO)
    assert len(keys(book, fid, "qualitative_band")) == 1  # 80% belongs to the band above
    book.set_indicator(fid, ind, "score", "6", who=WHO)
    assert keys(book, fid, "qualitative_band") == []


def test_sources_must_add_to_the_total_and_balance_follows_budget_minus_execution(book):
    fid = book.add_form("e_lanxian_ziping", "岚县式样", who=WHO)
    for key, text in (("f.total.qn", "100"), ("f.total.zx", "80"), ("f.shixian.qn", "60"), ("f.qita.qn", "40")):
        book.set_field(fid, key, text, who=WHO)
    assert keys(book, fid, "sources_sum") == []
    assert book.derived(fid).balances["total"] == Decimal(20)
    assert book.derived(fid).funding_weight == Decimal(10)  # shape E has no 分值 column: 10 implied
    book.set_field(fid, "f.qita.qn", "40.01", who=WHO)
    wrong = keys(book, fid, "sources_sum")
    assert len(wrong) == 1 and "100.01" in wrong[0].message


@settings(max_examples=150, deadline=None)
@given(
    goal=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2),
    done=st.decimals(min_value=Decimal(0), max_value=Decimal(3000), places=2),
    weight=st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2),
    direction=st.sampled_from(["≥", "≤", "="]),
)
def test_suggested_score_is_between_0_and_the_weight_and_full_when_met(goal, done, weight, direction):
    score = scoring.suggested_score(Target(direction, goal, "%"), done, weight)
    assert Decimal(0) <= score <= weight
    met = done >= goal if direction in ("≥", "=") else done <= goal
    assert (score == weight) or not met


@settings(max_examples=100, deadline=None)
@given(budget=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**9), places=2),
       executed=st.decimals(min_value=Decimal(0), max_value=Decimal(10**9), places=2))
def test_rate_score_never_exceeds_its_weight(budget, executed):
    rate = scoring.execution_rate(budget, executed)
    score = scoring.rate_score(Decimal(10), rate)
    assert Decimal(0) <= score <= Decimal(10)
    assert rate == (executed / budget * 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def test_a_scored_source_row_still_adds_up_to_the_total(book):
    """Shape C repeats 分值/执行率/得分 on 其中：当年财政拨款; it is still a part of 年度资金总额."""
    fid = book.add_form("c_zhongdian_ziping", "重点项目", who=WHO)
    book.set_field(fid, "f.total.qn", "1928.75", who=WHO)
    book.set_field(fid, "f.dangnian.qn", "1928.75", who=WHO)
    assert keys(book, fid, "sources_sum") == []
    book.set_field(fid, "f.dangnian.qn", "1928.57", who=WHO)
    assert len(keys(book, fid, "sources_sum")) == 1


def test_a_grade_word_printed_in_the_total_row_is_read_as_the_stated_grade():
    from desktop.core.jixiao.seeds import convert_forms

    printed = {"shape": "E_项目支出绩效自评表", "title_printed": "项目支出绩效自评表", "项目名称": "某项目",
               "funding": {"rows": [{"label": "资金总额:", "全年预算数": "100", "全年执行数": "95", "执行率": "95",
                                     "得分": "9.5"}]},
               "indicators": [{"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "人数",
                               "年初指标值": "≥人", "调整后指标值": "≥100", "实际完成值": "100人", "分值": "90",
                               "得分": "80", "偏差原因分析及改进措施": "略"}],
               "总分": {"分值": "100", "得分": "良"}}
    conversion = convert_forms({"performance_forms": [printed]})
    assert conversion.unplaced == []
    shape, _, fields, rows = conversion.forms[0]
    assert shape == "e_lanxian_ziping" and fields["grade"] == "良" and "total.score" not in fields
    assert rows == [("shuliang", {"name": "人数", "target": "≥人", "adjusted": "≥100", "actual": "100人",
                                  "weight": Decimal(90), "score": Decimal(80), "reason": "略"})]


def test_a_template_target_takes_its_figure_from_the_adjusted_value(book):
    """Seed 003 style: 年初指标值 ``≥%`` holds direction and unit, 调整后指标值 the figure."""
    fid = book.add_form("e_lanxian_ziping", "岚县", who=WHO)
    ind = book.add_indicator(fid, "zhiliang", who=WHO, texts={
        "name": "结算率", "target": "≥%", "adjusted": "95", "actual": "76%", "weight": "10", "score": "8",
        "reason": "未达标"})
    assert book.derived(fid).indicators[ind].suggested == Decimal("8.00")  # 76/95 × 10
    book.set_indicator(fid, ind, "adjusted", "", who=WHO)
    assert book.derived(fid).indicators[ind].suggested is None  # a template alone scores nothing


def test_an_edit_reports_which_findings_came_and_went(book):
    """What a form view needs after each keystroke: the findings that appeared and the keys that cleared."""
    fid = full_form(book)
    ind = book.add_indicator(fid, "shuliang", who=WHO, texts={"name": "新指标", "weight": "5"})
    delta = book.set_indicator(fid, ind, "score", "6", who=WHO)
    assert [f.rule_id for f in delta.added] == ["jixiao.score_le_weight"]  # 分值 95 + 10 ≠ 100 was there before
    assert keys(book, fid, "weight_sum")
    above = next(f for f in delta.added if f.rule_id == "jixiao.score_le_weight")
    delta = book.set_indicator(fid, ind, "score", "4", who=WHO)
    assert above.key in delta.removed
    assert any(f.rule_id == "jixiao.reason_required" for f in delta.added)
    delta = book.set_indicator(fid, ind, "reason", "进度滞后", who=WHO)
    assert delta.added == [] and any(".reason_required." in k for k in delta.removed)


def test_weights_printed_in_the_level1_labels_are_checked(tmp_path):
    from desktop.core.jixiao.seeds import convert_forms

    printed = {"shape": "D_项目支出绩效自评表（宁夏）", "title_printed": "项目支出绩效自评表", "项目名称": "某项目",
               "indicators": [{"一级指标": "产出指标(40分)", "二级指标": "数量指标", "三级指标": "人数", "分值": "30",
                               "得分": "30"},
                              {"一级指标": "效益指标(40分)", "二级指标": "社会效益指标", "三级指标": "覆盖", "分值": "40",
                               "得分": "40"},
                              {"一级指标": "满意度指标(20分)", "二级指标": "服务对象满意度指标", "三级指标": "满意度",
                               "分值": "20", "得分": "20"}]}
    conversion = convert_forms({"performance_forms": [printed]})
    shape, title, fields, rows = conversion.forms[0]
    assert shape == "d_ningxia_ziping" and fields["w.chanchu"] == Decimal(40)
    doc = Document.create(tmp_path / "d.gkb", {"set_id": "shanxi_2022_juesuan", "unit_name": "x", "year": "2023"})
    from desktop.core.jixiao.seeds import load_forms

    load_forms(doc, conversion, who=WHO)
    book = FormBook(doc)
    found = {f.rule_id: f for f in book.findings()}
    assert "产出指标" in found["jixiao.level1_stated"].message and "30" in found["jixiao.level1_stated"].message
    assert "90" in found["jixiao.weight_sum"].message  # D's total is the indicators alone: 30 + 40 + 20 ≠ 100
    doc.close()


def test_the_whole_department_form_is_configured_by_its_file(book):
    fid = book.add_form("zhengti_ziping", "2024年度部门整体支出绩效自评表", who=WHO)
    fdef = book.definition(fid)
    assert [n.label for n in fdef.tree] == ["履职产出指标", "部门管理指标", "效益指标", "满意度指标"]
    for level2, weight in (("shuliang", "40"), ("yusuan", "20"), ("shehui", "20"), ("fuwu", "10")):
        book.add_indicator(fid, level2, who=WHO, texts={"name": level2, "weight": weight, "score": weight,
                                                         "direction": "正向", "target": "100", "actual": "100"})
    for key, text in (("f.total.qn", "500"), ("f.total.zx", "450"), ("f.total.fz", "10")):
        book.set_field(fid, key, text, who=WHO)
    d = book.derived(fid)
    assert (d.total_weight, d.total_score, d.grade) == (Decimal(100), Decimal(99), "优")
    assert book.form_findings(fid) == []
