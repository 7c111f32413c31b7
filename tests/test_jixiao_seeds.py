"""The 绩效 forms of seeds 001 and 004: the real errors of KNOWN_ERRORS.md are found, nothing else is wrong."""

from __future__ import annotations

from conftest import seed_data, seed_path

from desktop.core.document import Document
from desktop.core.jixiao.book import FormBook
from desktop.core.jixiao.seeds import convert_forms, load_forms
from desktop.core.report import finding_dict

# KNOWN_ERRORS.md 001, the rows about the forms (F1 = form 1, F2 = form 2, F3 = form 3).
KNOWN_001 = {
    "jx1.rate.total": 7,  # F1 执行率 70.60% ↔ 1750.5 / 2478.5 = 70.63%
    "jx1.total_weight.weight": 8,  # F1 总分 分值 90 ↔ 90 + 10
    "jx1.total_score.score": 9,  # F1 总分 得分 82 ↔ 82 + 7
    "jx2.rate.total": 10,  # F2 B/A 67.60% ↔ 30 / 30
    "jx2.rate.zhongyang": 11,  # F2 中央 67.60% ↔ 20.29 / 30
    "jx2.sources_sum.zx": 12,  # F2 全年执行数 30 ↔ Σ sources 20.29
    "jx3.rate.total": 13,  # F3 93% ↔ 92.41%
    "jx3.rate.dangnian": 14,
    "jx3.weight_sum.all": 15,  # F3 Σ 分值 110 ↔ 100
    "jx3.total_weight.weight": 16,
    "jx3.total_score.score": 17,  # F3 93.3 ↔ 93.3 + 9.3
}


def load_001(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e")
    conversion = convert_forms(seed_data("001_0f45429440d9ca6e"))
    assert conversion.unplaced == []
    load_forms(session.doc, conversion, who="测试员")
    session.forms.reload()
    return session


def reason_keys(session):
    form3 = session.forms.forms()[2]
    names = {i.id: (i.level2, i.text("name")) for i in form3.indicators}
    return {f.key: names[int(f.key.rsplit(".", 1)[1])] for f in session.findings() if ".reason_required." in f.key}


def test_seed_001_forms_report_exactly_the_known_errors(load_seed):
    session = load_001(load_seed)
    forms = session.forms.forms()
    assert [f.shape for f in forms] == ["a_zhuanyi_ziping", "b_zhuanyi_shenbao", "c_zhongdian_ziping"]
    errors = {f.key for f in session.findings() if f.severity == "error"}
    reasons = reason_keys(session)
    # KNOWN_ERRORS 001 #27-#29: three F3 rows scored below 分值 with no 偏差原因
    assert sorted(reasons.values()) == [("fuwu", "指标1:"), ("shehui", "指标1:"), ("zhiliang", "指标1:")]
    assert errors == set(KNOWN_001) | set(reasons)


def test_seed_001_warnings_are_the_weights_and_the_spending_total_only(load_seed):
    session = load_001(load_seed)
    warnings = {f.key: f for f in session.findings() if f.severity == "warning"}
    assert set(warnings) == {"jx1.level1_weights.all", "jx3.level1_weights.all", "jx.exec_vs_final_accounts"}
    spending = warnings["jx.exec_vs_final_accounts"]
    # 1750.5 + 30 + 1782.44 万元 against 公开03 合计 项目支出 32028528.81 元
    assert (spending.left, spending.right) == (3562940000, 3202852881)
    assert "40" in warnings["jx1.level1_weights.all"].message and "10/50/30/10" in warnings["jx1.level1_weights.all"].message


def test_seed_001_messages_name_form_row_and_both_figures(load_seed):
    session = load_001(load_seed)
    by_key = {f.key: f for f in session.findings()}
    rate = by_key["jx1.rate.total"]
    for text in ("医疗救助资金转移支付绩效目标自评表", "年度资金总额", "70.60%", "1750.5", "2478.5", "70.63%"):
        assert text in rate.message
    assert (rate.left, rate.right) == (7060, 7063)
    total = by_key["jx1.total_score.score"]
    assert "82" in total.message and "89" in total.message and "执行率 7" in total.message
    f3 = by_key["jx3.total_score.score"]
    assert (f3.left, f3.right) == (9330, 10260)
    data = finding_dict(session, by_key[next(k for k in by_key if ".reason_required." in k)])
    assert data["table_label"] == "绩效表" and data["table_title"] == "柳林县医疗保险服务中心重点(项目)绩效目标自评表"
    assert {c["col_caption"] for c in data["cells"]} == {"偏差原因分析及改进措施", "得分"}


def test_seed_001_totals_and_grades_follow_the_scores(load_seed):
    session = load_001(load_seed)
    first = session.forms.summaries()[0]
    assert (str(first.total_score), str(first.total_weight), first.grade) == ("89", "100", "良")
    d = session.forms.derived(first.id)
    assert str(d.rates["total"]) == "70.63" and str(d.rate_scores["total"]) == "7.06"


def test_the_89_point_project_stated_as_you_is_an_error(load_seed):
    """第三部分 十（四）calls both projects 优; F1 totals 82 + 7 = 89 (KNOWN_ERRORS 001 #19)."""
    session = load_001(load_seed)
    f1 = session.forms.forms()[0].id
    session.forms.set_field(f1, "grade", "优", who="测试员")
    grade = next(f for f in session.findings() if f.key == f"jx{f1}.grade.grade")
    assert grade.severity == "error" and "89" in grade.message and "“良”" in grade.message
    session.forms.set_field(f1, "grade", "良", who="测试员")
    assert not any(f.key == f"jx{f1}.grade.grade" for f in session.findings())


def test_seed_004_target_forms_load_alone_and_are_clean(tmp_path):
    """004's 预算 tables need a set another change adds; the forms load into any document on their own."""
    data = seed_data("004_6de04d4622149a8f")
    conversion = convert_forms(data)
    # the JSON gives form 3's 主管部门 twice: once cut off by the page, once whole; the first is kept and
    # the other reported rather than dropped
    assert len(conversion.unplaced) == 1 and "档案管理经费" in conversion.unplaced[0]
    assert "060-朔州市朔城区医疗保障局" in conversion.unplaced[0] and "文本截断" in conversion.unplaced[0]
    doc = Document.create(tmp_path / "004.gkb", {"set_id": "shanxi_2022_juesuan", "unit_name": "朔城区医疗保障局",
                                                  "year": "2025", "money_unit": "万元"})
    load_forms(doc, conversion, who="测试员")
    book = FormBook(doc)
    forms = book.forms()
    assert len(forms) == 6 and {f.shape for f in forms} == {"g_mubiao"}
    assert book.findings() == []
    first = forms[0]
    assert first.text("t.xmmc") == "医保基金监管工作经费" and first.number("f.shixian.nd") == 50000
    assert [i.text("target") for i in first.under("zhiliang")] == ["≥90%"]
    assert first.text("t.tbrq") == "20250311194410"
    last = forms[-1]
    assert [i.text("ssq_name") for i in last.under("shuliang")] == ["符合资助参保条件的一级", "符合医疗补助条件,参加"]
    doc.close()


def test_a_self_evaluation_is_compared_with_the_projects_target_form(tmp_path):
    data = seed_data("004_6de04d4622149a8f")
    doc = Document.create(tmp_path / "x.gkb", {"set_id": "shanxi_2022_juesuan", "unit_name": "x", "year": "2025"})
    load_forms(doc, convert_forms(data), who="测试员")
    book = FormBook(doc)
    own = book.add_form("a_zhuanyi_ziping", "医保基金监管工作经费自评表", who="测试员",
                        fields={"t.xmmc": "医保基金监管工作经费"})
    ind = book.add_indicator(own, "zhiliang", who="测试员", texts={"name": "医保系统正常运", "target": "≥95%"})
    found = [f for f in book.findings() if f.rule_id == "jixiao.target_matches"]
    assert len(found) == 1 and "≥95%" in found[0].message and "≥90%" in found[0].message
    assert found[0].severity == "warning"
    book.set_indicator(own, ind, "target", "≥90%", who="测试员")
    assert not [f for f in book.findings() if f.rule_id == "jixiao.target_matches"]
    doc.close()


def test_forms_survive_dump_and_load_exactly(tmp_path, capsys):
    import json

    from desktop.cli import main

    first, second = tmp_path / "a.gkb", tmp_path / "b.gkb"
    assert main(["load", str(seed_path("001_0f45429440d9ca6e")), "-o", str(first)]) == 0
    assert main(["dump", str(first), "-o", str(tmp_path / "a.json")]) == 0
    dumped = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [f["shape"] for f in dumped["forms"]] == ["a_zhuanyi_ziping", "b_zhuanyi_shenbao", "c_zhongdian_ziping"]
    assert dumped["forms"][0]["fields"]["f.total.zxl"] == "70.60"
    assert [i["cells"].get("name") for i in dumped["forms"][0]["indicators"][:2]] == [
        "医疗救助对象人次规模", "基金累计结余占筹集基金总额的比重"]
    assert main(["load", str(tmp_path / "a.json"), "-o", str(second)]) == 0
    assert main(["dump", str(second), "-o", str(tmp_path / "b.json")]) == 0
    again = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert again["forms"] == dumped["forms"] and again["tables"] == dumped["tables"]
    capsys.readouterr()


def test_a_dump_with_a_bad_form_creates_nothing(tmp_path, capsys):
    import json

    from desktop.cli import main

    source = tmp_path / "a.gkb"
    assert main(["load", str(seed_path("001_0f45429440d9ca6e")), "-o", str(source)]) == 0
    assert main(["dump", str(source), "-o", str(tmp_path / "a.json")]) == 0
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    data["forms"][0]["indicators"][0]["cells"]["score"] = "八分"
    data["forms"][1]["shape"] = "no_such_shape"
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["load", str(tmp_path / "bad.json"), "-o", str(tmp_path / "bad.gkb")]) == 2
    err = capsys.readouterr().err
    assert "八分" in err and "no_such_shape" not in err and "须有已知的 shape" in err
    assert not (tmp_path / "bad.gkb").exists()
