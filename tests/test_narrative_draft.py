"""Drafts of the 情况说明 rendered from the tables, and the narrative data of every set."""

from __future__ import annotations

from conftest import SEEDS  # noqa: F401 - the seeds must be beside the project for load_seed

from desktop.core.definitions import get_set
from desktop.core.narrative import check_narrative, load_spec
from desktop.core.narrative.draft import draft_narrative
from desktop.core.narrative.spec import narrative_dir
from desktop.core.rules.expr import parse


def test_draft_of_000_has_the_table_figures(load_seed):
    session, _ = load_seed("000_add86a24b3a51088")
    draft = draft_narrative(session)
    # the published text says 收入合计 25,730,935.53 (KNOWN_ERRORS 000 #4); 公开02 has 25,731,201.68
    assert "2022年度收入合计25,731,201.68元" in draft
    assert "其他收入266.15元" in draft
    assert "人员经费6,185,966.37元，占比24.04%" in draft
    assert "卫生健康支出（类）25,730,935.53元，占比100.00%" in draft
    assert "七、政府性基金预算财政拨款收支决算情况说明\n本年度无此项支出。" in draft
    assert "本部门无机关运行经费。" in draft


def test_draft_of_001_fixes_the_known_prose_errors(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e")
    draft = draft_narrative(session)
    assert "人员经费5,551,377.42元" in draft  # printed 17686720.57 (#1)
    assert "日常公用经费880,988.85元" in draft  # printed 19844174.51 (#2)
    assert "公务用车运行维护费支出39,951.85元，完成全年预算的99.88%" in draft  # printed 100.00% (#5)
    assert "一般公共服务支出（类）61,230.00元，占比0.16%" in draft
    # a draft made from consistent tables passes its own checks
    assert check_narrative(session, draft) == []


def test_draft_of_004_in_wan_yuan(load_seed):
    session, _ = load_seed("004_6de04d4622149a8f")
    draft = draft_narrative(session)
    assert "财政拨款收支总预算761.35万元" in draft  # printed 0万元 (#2)
    assert "支出包括：社会保障和就业支出82.93万元" in draft  # printed 无 (#3)
    assert "“三公”经费预算1.50万元" in draft and "本部门无“三公”经费预算" not in draft  # #4
    # only the 万元 rounding of the tables themselves is left (761.35 vs 733.90 + 27.44)
    assert {f.severity for f in check_narrative(session, draft)} <= {"rounding"}


def test_every_narrative_file_loads_and_names_real_columns():
    files = sorted(p.stem for p in narrative_dir().glob("*.yaml"))
    assert {"shanxi_2022_juesuan", "shanxi_2024_juesuan", "ningxia_2023_juesuan", "shanxi_2025_yusuan"} <= set(files)
    for set_id in files:
        spec, tset = load_spec(set_id), get_set(set_id)
        exprs = [e for s in spec.sections for t in s.ties for e in (*t.value, *t.budget)]
        exprs += [a.value for s in spec.sections for a in s.absent]
        for expr in exprs:
            for term in parse(expr):
                if not tset.has_table(term.table):
                    continue  # e.g. 宁夏 has no 公开10: the tie is skipped
                columns = {c.key for b in tset.table(term.table).blocks for c in b.columns}
                assert term.col in columns, (set_id, expr)
