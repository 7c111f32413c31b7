"""The 绩效 checks as rules in YAML (issue 13): a bad rule is refused at load with its file and place, and a
new check of an existing kind, or a changed one, needs only YAML."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from desktop.core.definitions import DefinitionError
from desktop.core.document import Document
from desktop.core.jixiao.book import FormBook
from desktop.core.jixiao.loader import forms_dir, load_forms
from desktop.core.rules.kinds import kinds

WHO = "测试员"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped form definitions to change."""
    out = tmp_path / "jixiao"
    shutil.copytree(forms_dir(), out)
    return out


def edit(path: Path, change) -> None:  # noqa: ANN001 - a function changing the parsed YAML in place
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def shared_rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def refused(folder: Path) -> str:
    with pytest.raises(DefinitionError) as info:
        load_forms(folder)
    return str(info.value)


@pytest.mark.parametrize(("change", "code", "where", "problem"), [
    (lambda d: d["funding"]["columns"][1].pop("key"), "GK111", "funding.columns.1.key", "缺少必填项"),
    (lambda d: d["funding"]["columns"][1].update(colour="red"), "GK101", "funding.columns.1.colour", "未知的键"),
    (lambda d: d["funding"]["columns"][1].update(role="spent"), "GK110", "funding.columns.1.role", "spent"),
    (lambda d: d["funding"]["rows"][0].update(total=False), "GK110", "funding", "只有一行 total: true"),
])
def test_a_form_file_that_does_not_fit_its_model_is_refused_with_code_place_and_line(folder, change, code, where,
                                                                                      problem):
    # the form models validate with msgspec: its errors are read back into the definition error codes
    edit(folder / "a_zhuanyi_ziping.yaml", change)
    with pytest.raises(DefinitionError) as info:
        load_forms(folder)
    found = info.value
    assert (found.code, found.where) == (code, where) and problem in found.problem
    assert found.file.endswith("a_zhuanyi_ziping.yaml") and found.line is not None and found.line > 1


@pytest.mark.parametrize(("change", "code", "where", "problem"), [
    (lambda t: t[1]["children"][0].pop("key"), "GK111", "1.children.0.key", "缺少必填项"),
    (lambda t: t[0].update(colour="red"), "GK101", "0.colour", "未知的键"),
])
def test_a_shared_indicator_tree_that_does_not_fit_is_refused_with_its_own_file_and_line(folder, change, code, where,
                                                                                       problem):
    # the tree file a form names (indicators.tree) is read like the form itself: code, place, line, in Chinese
    edit(folder / "_shared" / "tree_standard.yaml", change)
    with pytest.raises(DefinitionError) as info:
        load_forms(folder)
    found = info.value
    assert (found.code, found.where) == (code, where) and problem in found.problem
    assert found.file.endswith("tree_standard.yaml") and found.line is not None and found.line > 1


def test_an_unknown_kind_is_refused_with_file_and_place(folder):
    edit(folder / "_shared" / "rules.yaml", lambda d: shared_rule(d, "rate").update(kind="ratoi"))
    text = refused(folder)
    assert "GK110" in text and "rules.yaml（rules.0（规则 rate））" in text and "未知的规则种类 ratoi" in text and "ratio" in text


def test_a_role_no_shape_can_have_is_refused(folder):
    edit(folder / "_shared" / "rules.yaml", lambda d: shared_rule(d, "rate")["params"].update(numerator="spent"))
    text = refused(folder)
    assert "GK120" in text and "rules.yaml（rules.0（规则 rate），表样 a_zhuanyi_ziping）" in text and "栏目角色 spent 不存在" in text


def test_a_form_rule_naming_a_column_its_shape_lacks_is_refused(folder):
    """Shape G (目标表) has no 全年执行数: a rule it adds over that column cannot apply."""
    rule = {"id": "exec_le_amount", "kind": "le", "severity": "warning", "message": "{row}：{left} > {right}",
            "params": {"block": "funding", "left": "exec", "right": "amount"}}
    edit(folder / "g_mubiao.yaml", lambda d: d.update(rules=[rule]))
    text = refused(folder)
    assert "GK120" in text and "g_mubiao.yaml（rules.0（规则 exec_le_amount））" in text and "没有角色为 exec 的栏" in text


def test_an_override_naming_a_row_the_shape_lacks_is_refused(folder):
    change = {"exec_over_budget": {"params": {"select": ["total", "difang"]}}}
    edit(folder / "a_zhuanyi_ziping.yaml", lambda d: d.update(overrides=change))
    text = refused(folder)
    assert "GK120" in text and "a_zhuanyi_ziping.yaml（overrides.exec_over_budget）" in text and "没有行 difang" in text


def test_a_duplicate_rule_id_is_refused(folder):
    edit(folder / "_shared" / "rules.yaml", lambda d: d["rules"].append(dict(shared_rule(d, "grade"))))
    assert "规则编号 grade 与第 15 条规则重复" in refused(folder)


def test_a_form_rule_reusing_a_shared_id_is_refused(folder):
    rule = {"id": "grade", "kind": "grade", "severity": "error", "message": "{stated}"}
    edit(folder / "c_zhongdian_ziping.yaml", lambda d: d.update(rules=[rule]))
    text = refused(folder)
    assert "GK112" in text and "c_zhongdian_ziping.yaml（rules.0（规则 grade））" in text and "改用 overrides" in text


def test_an_override_of_an_unknown_rule_is_refused(folder):
    edit(folder / "e_lanxian_ziping.yaml", lambda d: d.update(overrides={"rate_scor": {"severity": "off"}}))
    text = refused(folder)
    assert "GK109" in text and "e_lanxian_ziping.yaml（overrides.rate_scor）" in text and "没有编号为 rate_scor 的共用规则" in text


def test_a_placeholder_the_kind_cannot_fill_is_refused(folder):
    edit(folder / "_shared" / "rules.yaml", lambda d: shared_rule(d, "balance").update(message="{row} 结余 {balanse}"))
    text = refused(folder)
    assert "（规则 balance）.message" in text and "{balanse}" in text and "{expected}" in text


def test_a_parameter_the_kind_does_not_take_is_refused(folder):
    edit(folder / "_shared" / "rules.yaml", lambda d: shared_rule(d, "sources_sum")["params"].update(colums=["exec"]))
    text = refused(folder)
    assert "（规则 sources_sum）.params.colums" in text


def _book(tmp_path: Path, folder: Path) -> tuple[Document, FormBook]:
    doc = Document.create(tmp_path / "r.gkb", {"set_id": "shanxi_2022_juesuan", "unit_name": "x", "year": "2024"})
    return doc, FormBook(doc, definitions=load_forms(folder))


def test_a_new_check_of_an_existing_kind_needs_only_yaml(tmp_path, folder):
    """年初预算数 ≤ 全年预算数 on a copy of shape A: one `le` rule in the form file, no Python."""
    rule = {"id": "initial_le_budget", "kind": "le", "severity": "warning",
            "params": {"block": "funding", "left": "initial", "right": "budget"},
            "message": "{row} {left_col} {left} 超过{right_col} {right}（多 {diff}），请核实"}
    edit(folder / "a_zhuanyi_ziping.yaml", lambda d: d.update(rules=[rule]))
    doc, book = _book(tmp_path, folder)
    fid = book.add_form("a_zhuanyi_ziping", "测试项目", who=WHO)
    book.set_field(fid, "f.total.qn", "100", who=WHO)
    delta = book.set_field(fid, "f.total.nc", "120.5", who=WHO)
    (found,) = [f for f in delta.added if f.rule_id == "jixiao.initial_le_budget"]
    assert found.key == f"jx{fid}.initial_le_budget.total" and found.severity == "warning"
    assert found.message == "《测试项目》：年度资金总额 年初预算数 120.5 超过全年预算数 100（多 20.5），请核实"
    assert found.cells == ((f"jixiao:{fid}", "fund.total", "nc"),) and (found.left, found.right) == (12050, 10000)
    delta = book.set_field(fid, "f.total.nc", "100", who=WHO)
    assert delta.removed == [found.key]
    doc.close()


def test_a_shape_rewords_switches_off_or_reparametrises_a_shared_rule(tmp_path, folder):
    changes = {"score_le_weight": {"message": "{row}：得分 {left} 大于分值 {right}，请改正", "severity": "warning"},
               "reason_required": {"severity": "off"},
               "level1_weights": {"params": {"weights": {"zhixing": 10, "chanchu": 40, "xiaoyi": 40, "manyidu": 10}}}}
    edit(folder / "a_zhuanyi_ziping.yaml", lambda d: d.update(overrides=changes))
    doc, book = _book(tmp_path, folder)
    fid = book.add_form("a_zhuanyi_ziping", "改写", who=WHO)
    for level2, weight, score in (("shuliang", "40", "41"), ("shehui", "40", "30"), ("fuwu", "10", "10")):
        book.add_indicator(fid, level2, who=WHO, texts={"name": level2, "weight": weight, "score": score})
    book.set_field(fid, "f.total.fz", "10", who=WHO)
    found = {f.rule_id: f for f in book.form_findings(fid)}
    above = found["jixiao.score_le_weight"]
    assert above.severity == "warning" and above.message.endswith("得分 41 大于分值 40，请改正")
    assert "jixiao.reason_required" not in found  # 30 < 40 without a reason: switched off for this shape
    assert "jixiao.level1_weights" not in found  # 10/40/40/10 is this shape's default now
    doc.close()


def test_every_kind_is_registered_once_with_its_scope_and_description():
    registered = kinds()
    form = {"ratio", "difference", "capped_product", "parts_sum", "le", "required_text", "suggested_score",
            "grade_band", "total_sum", "stated_weight", "weights_default", "grade"}
    assert {k for k, v in registered.items() if v.scope == "form"} == form
    assert {k for k, v in registered.items() if v.scope == "book"} == {"matches_other_form", "sum_within_cell"}
    assert {k for k, v in registered.items() if v.scope == "table"} == {"compare", "rollup", "codes"}
    assert all(v.doc for v in registered.values())


def test_the_table_kinds_expand_as_the_table_engine_compiles():
    from desktop.core.codes import default_code_lists
    from desktop.core.definitions import get_set
    from desktop.core.rules.compile import compile_rules
    from desktop.core.rules.rowindex import RowIndex

    tset = get_set("shanxi_2022_juesuan")
    rows, codes = RowIndex(tset), default_code_lists()
    instances, structural = compile_rules(tset, rows, codes)
    registered = kinds()
    expanded = [x for rule in tset.rules for x in registered[rule.kind].expand(rule, (tset, rows, codes))]
    assert len(expanded) > 100
    assert sorted(x.key for x in expanded) == sorted([i.key for i in instances] + [s.key for s in structural])


def test_the_readme_beside_the_forms_describes_every_kind():
    readme = (forms_dir() / "README.md").read_text(encoding="utf-8")
    missing = [name for name in kinds() if f"`{name}`" not in readme]
    assert missing == []
