"""The 情况说明 stored in the document and checked through the Session and the CLI.

Acceptance of issue 15: importing the 第三部分 of seeds 000, 001 and 004 (as .txt and as a .docx made from
it) flags every KNOWN_ERRORS row about 第三部分 that ties to a table figure (the rows pinned in
tests/test_narrative_check.py), with nothing else, through ``Session.findings()``, ``gongkai check`` and
``gongkai narrative check``.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import SEEDS, make_old_document, seed_path

from desktop.cli import main
from desktop.core.narrative import check_narrative
from desktop.core.narrative.store import MAX_BODY_CHARS, NarrativeStoreError
from desktop.core.session import EditError, Session

# KNOWN_ERRORS rows about 第三部分 that tie to tables: (errors, 尾数误差) as pinned in test_narrative_check
EXPECTED = {"000_add86a24b3a51088": (3, 0), "001_0f45429440d9ca6e": (8, 0), "004_6de04d4622149a8f": (6, 4)}  # #34 and #37 are each printed twice


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _seed_document(tmp_path, capsys, stem: str):
    path = tmp_path / f"{stem}.gkb"
    code, _, err = _cli(capsys, "load", str(seed_path(stem)), "-o", str(path))
    assert code == 0, err
    return path


def _docx_of(text: str, path):
    docx = pytest.importorskip("docx")
    word = docx.Document()
    for line in text.splitlines():
        word.add_paragraph(line)
    word.save(str(path))
    return path


def _narrative(findings):
    return sorted((f["rule"], f["severity"], f["message"]) for f in findings if f["rule"].startswith("narrative."))


@pytest.mark.parametrize("stem", sorted(EXPECTED))
@pytest.mark.parametrize("kind", ["txt", "docx"])
def test_imported_text_is_checked_through_the_session_and_cli(tmp_path, capsys, stem, kind):
    text_path = SEEDS / f"{stem}.txt"
    if not text_path.exists():
        pytest.skip("seed text not beside the project")
    gkb = _seed_document(tmp_path, capsys, stem)
    text = text_path.read_text(encoding="utf-8")
    source = text_path if kind == "txt" else _docx_of(text, tmp_path / "公开文本.docx")
    code, out, err = _cli(capsys, "narrative", "import", str(gkb), str(source))
    assert code == 0, err
    assert "已导入情况说明" in out

    code, out, _ = _cli(capsys, "check", str(gkb), "--json")
    report = json.loads(out)
    prose = [f for f in report["findings"] if f["rule"].startswith("narrative.")]
    errors, rounding = EXPECTED[stem]
    assert sum(f["severity"] == "error" for f in prose) == errors, [f["message"] for f in prose]
    assert sum(f["severity"] == "rounding" for f in prose) == rounding
    assert all(f["table_label"] == "第三部分" and f["cells"][0]["table"] == "narrative" for f in prose)
    assert code == 1  # 错误 found

    code, out, _ = _cli(capsys, "narrative", "check", str(gkb), "--json")
    assert _narrative(json.loads(out)["findings"]) == _narrative(prose)
    # the same findings as checking the whole published text directly (nothing lost in storing)
    session = Session.open(gkb, readonly=True)
    try:
        direct = sorted((f.rule_id, f.severity, f.message) for f in check_narrative(session, text))
        assert direct == _narrative(prose)
        assert [f.rule_id for f in session.findings() if f.table == "narrative"] == [f["rule"] for f in prose]
    finally:
        session.close()


def test_text_check_output_and_exit_codes(tmp_path, capsys):
    gkb = _seed_document(tmp_path, capsys, "000_add86a24b3a51088")
    code, _, err = _cli(capsys, "narrative", "check", str(gkb))
    assert code == 2 and "还没有情况说明" in err
    code, out, _ = _cli(capsys, "narrative", "check", str(gkb), "--text", str(SEEDS / "000_add86a24b3a51088.txt"))
    assert code == 1 and "错误 3 条" in out and "-266.15" in out
    code, out, _ = _cli(capsys, "check", str(gkb))
    assert "情况说明" not in out  # a --text check stores nothing


def test_stored_draft_reproduces_the_table_figures_and_passes(tmp_path, capsys):
    gkb = _seed_document(tmp_path, capsys, "001_0f45429440d9ca6e")
    code, out, _ = _cli(capsys, "narrative", "draft", str(gkb))
    assert code == 0 and "人员经费5,551,377.42元" in out  # printed 17686720.57 (#1)
    assert _cli(capsys, "narrative", "draft", str(gkb), "--save")[0] == 0
    code, _, err = _cli(capsys, "narrative", "draft", str(gkb), "--save")
    assert code == 2 and "--replace" in err
    session = Session.open(gkb, readonly=True)
    try:
        assert session.narrative.sections()[0].heading == "一、收入支出决算总体情况说明"
        assert "日常公用经费880,988.85元" in session.narrative.text()
        assert [f for f in session.findings() if f.table == "narrative"] == []
    finally:
        session.close()


def test_edits_are_logged_keys_survive_typing_and_explanations_stick(load_seed):
    session, _ = load_seed("000_add86a24b3a51088")
    session.narrative.import_text((SEEDS / "000_add86a24b3a51088.txt").read_text(encoding="utf-8"), who="甲")
    before = {f.key for f in session.narrative.findings()}
    income = next(s for s in session.narrative.sections() if s.heading.startswith("二、"))
    first = session.narrative.sections()[0]
    assert session.narrative.set_body(first.id, first.body + "另有说明。", who="乙")
    assert {f.key for f in session.narrative.findings()} == before  # typing elsewhere keeps the keys
    log = session.doc.change_log(limit=1)[0]
    assert (log["who"], log["action"], log["tbl"]) == ("乙", "narrative_edit", "narrative:shuoming")
    assert log["new"].endswith("另有说明。") and not log["old"].endswith("另有说明。")
    tie = next(f for f in session.findings() if f.rule_id == "narrative.tie" and "其他收入" in f.message)
    session.explain(tie, "266.15 元为利息收入，表中已按规定列示", who="乙")
    assert session.doc.explanations()[tie.key]["text"].startswith("266.15")
    fixed = income.body.replace("其他收入266.15元", "其他收入0.00元")
    session.narrative.set_body(income.id, fixed, who="乙")
    assert not any("八、其他收入" in f.message for f in session.narrative.findings())  # live: gone once fixed


def test_bad_text_and_review_mode_change_nothing(load_seed):
    session, _ = load_seed("000_add86a24b3a51088")
    session.narrative.import_draft(who="甲")
    section = session.narrative.sections()[0]
    count = len(session.doc.change_log())
    with pytest.raises(NarrativeStoreError, match="超过"):
        session.narrative.set_body(section.id, "字" * (MAX_BODY_CHARS + 1), who="甲")
    session.review_mode = True
    with pytest.raises(EditError, match="审阅模式"):
        session.narrative.set_body(section.id, "改了", who="审核人")
    assert session.narrative.sections()[0].body == section.body
    assert len(session.doc.change_log()) == count


def test_older_documents_open_and_gain_the_narrative_tables(tmp_path):
    meta = {"set_id": "shanxi_2022_juesuan", "unit_name": "旧单位", "year": "2022", "money_unit": "元"}
    old = make_old_document(tmp_path / "旧.gkb", 3, meta, {("shouzhi_zongbiao", "in_ybgg", "amount"): 100})
    ro = Session.open(old, readonly=True)  # read-only: upgraded in memory, the file untouched
    assert ro.narrative.sections() == [] and ro.findings() is not None
    ro.close()
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 3
    session = Session.open(old)
    try:
        session.narrative.import_draft(who="甲")
        assert session.narrative.sections()
    finally:
        session.close()
