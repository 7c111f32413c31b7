"""The narrative parser and checks on small inline texts (the rules, not one document's wording)."""

from __future__ import annotations

import pytest

from desktop.core.narrative import NarrativeTextError, check_narrative, part_three, split_sections
from desktop.core.narrative.figures import find_figures
from desktop.core.narrative.grades import check_grades
from desktop.core.narrative.lists import find_lists
from desktop.core.narrative.spec import load_spec


def test_pdf_text_is_joined_and_doubled_headings_collapse():
    text = ("目录\n第三部分 情况说明.....17\n正文\n 第三部分 第三部分 情况说明情况说明\n\n"
            "二、收入决算情况说明二、收入决算情况说明\n\n2022年度收入合计25,730,935.53元，其中：\n\n"
            "财政拨款收入25,730,\n935.53元。\n第四部分 名词解释\n")
    sections = split_sections(part_three(text))
    assert [s.label for s in sections] == ["二、收入决算情况说明"]
    assert sections[0].body == "2022年度收入合计25730935.53元，其中：财政拨款收入25730935.53元。"


def test_text_without_a_narrative_part_is_refused():
    with pytest.raises(NarrativeTextError, match="第三部分"):
        part_three("公开01表 收入支出决算总表\n本年收入合计 100\n")


def test_figures_carry_subject_measure_and_change():
    figs = find_figures("支出年初预算120.97万元，支出决算129.57万元，完成年初预算的107.11%，较2021年决算减少80.41万元")
    assert [(f.value, f.unit) for f in figs][0] == (figs[0].value, "万元")
    assert figs[0].measure == "budget" and figs[1].measure == "actual"
    assert figs[2].rate and figs[2].is_percent
    assert figs[3].change == -1 and figs[3].subject == ""


def test_nested_lists_and_doubled_heads():
    text = ("基本支出300元，其中：人员经费200元，主要包括人员经费200元，主要包括基本工资150元，"
            "津贴补贴50元；公用经费100元，主要包括办公费60元，印刷费30元。")
    lists = find_lists(text, find_figures(text))
    shapes = [(str(x.head.value), [str(i.value) for i in x.items]) for x in lists]
    assert shapes == [("300", ["200", "100"]), ("200", ["150", "50"]), ("100", ["60", "30"])]


def test_grade_claims_against_scores():
    bands = load_spec("shanxi_2022_juesuan").grades
    wrong = "2个项目自评等级为\"优\"，0个项目自评等级为\"良\"。一、项目自评得分89分。二、项目自评得分92.4分。"
    assert len(check_grades(wrong, bands)) == 1
    right = "1个项目自评等级为\"优\"，1个项目自评等级为\"良\"。一、项目自评得分89分。二、项目自评得分92.4分。"
    assert check_grades(right, bands) == []


def _document(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e")
    return session


def test_text_citing_no_figure_raises_nothing(load_seed):
    session = _document(load_seed)
    assert check_narrative(session, "一、收入支出决算总体情况说明\n本单位收支平稳，主要用于保障运转。\n") == []


def test_change_words_and_missing_prior_year(load_seed):
    session = _document(load_seed)
    ok = "一、收入支出决算总体情况说明\n2022年度收入总计38,460,895.08元。与上年相比，收入总计增加1.00元。\n"
    assert check_narrative(session, ok) == []  # no previous-year figure in the tables: nothing to compare
    bad = ("一、收入支出决算总体情况说明\n2022年度收入总计38,460,895.08元。与上年相比，收入总计增加4,048,702.72元，"
           "下降11.77%。\n")
    found = check_narrative(session, bad)
    assert [f.rule_id for f in found] == ["narrative.direction"]


def test_a_wrong_share_and_a_wrong_total(load_seed):
    session = _document(load_seed)
    text = ("三、支出决算情况说明\n2022年度支出合计38,460,895.08元，其中：基本支出6,432,366.27元，占比16.00%；"
            "项目支出32,028,528.81元，占比83.28%。\n")
    found = check_narrative(session, text)
    assert [f.rule_id for f in found] == ["narrative.share"]
    assert "16.72%" in found[0].message
    text = text.replace("38,460,895.08", "38,460,995.08").replace("16.00%", "16.72%")
    rules = sorted(f.rule_id for f in check_narrative(session, text))
    assert rules == ["narrative.list", "narrative.tie", "narrative.tie"]  # 公开01 and 公开03 both say otherwise


def test_docx_and_txt_files_are_read_and_bad_files_refused(tmp_path):
    from desktop.core.narrative import read_text_file

    docx = pytest.importorskip("docx")
    word = docx.Document()
    word.add_paragraph("第三部分 情况说明")
    word.add_paragraph("一、收入支出决算总体情况说明")
    word.add_paragraph("2022年度收入总计100.00元。")
    path = tmp_path / "说明.docx"
    word.save(str(path))
    sections = split_sections(part_three(read_text_file(path)))
    assert sections[0].body == "2022年度收入总计100.00元。"
    gbk = tmp_path / "说明.txt"
    gbk.write_bytes("一、收入支出决算总体情况说明\n收入总计1元。\n".encode("gb18030"))
    assert "收入总计1元" in read_text_file(gbk)
    for name, data in (("坏.docx", b"PK\x03\x04 not a zip"), ("二进制.txt", b"\x00\x01\x02binary")):
        bad = tmp_path / name
        bad.write_bytes(data)
        with pytest.raises(NarrativeTextError):
            read_text_file(bad)
        assert bad.read_bytes() == data  # bad input changes nothing
