"""Undo and redo in the core: the history is kept in the file, each user action is one step, undo restores
exactly (totals, rows, forms, texts) and obeys the rules of an edit."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from conftest import make_old_document

from desktop.core.demo import build_demo
from desktop.core.document import Document, DocumentError, changelog, schema_version
from desktop.core.document.testing import raw_connection_for_tests
from desktop.core.session import EditError, Session

WHO = "测试员"
CELL = ("zhichu", "2101501", "jb")
TOTAL = ("zhichu", "total", "jb")


@pytest.fixture
def demo(tmp_path):
    return build_demo(tmp_path / "demo.gkb")


def fresh_values(path):
    """The figures a new session reads from the file (what any other process would see)."""
    with Document.open(path, readonly=True) as doc:
        return doc.values(), doc.floating_rows()


def finding_keys(session):
    return {(f.key, f.message) for f in session.findings()}


def test_undo_after_reopening_restores_the_figure_and_its_totals(demo):
    session = Session.open(demo, who=WHO)
    before = fresh_values(demo)
    session.set_text(CELL, "700000", who=WHO)
    assert session.value(TOTAL) == 643236627 + 1794360
    session.close()

    again = Session.open(demo, who="另一人")  # a new process, as the CLI runs one per command
    assert again.history.counts() == (1, 0)
    change = again.undo(who="另一人")
    assert again.value(CELL) == 68205640 and again.value(TOTAL) == 643236627
    assert change.history and change.cells[CELL] == 68205640 and change.old[CELL] == 70000000
    assert again.history.counts() == (0, 1)
    log = again.doc.change_log()
    undone = [e for e in log if e["action"] == "undo"]
    assert {(e["tbl"], e["row"], e["col"]) for e in undone} >= {CELL, TOTAL}
    assert all(e["who"] == "另一人" for e in undone)
    assert changelog.verify(raw_connection_for_tests(again.doc)).ok
    again.close()
    assert fresh_values(demo) == before


def test_a_paste_is_one_step_and_redo_puts_it_back(demo):
    session = Session.open(demo, who=WHO)
    block = {("zhichu", "2101501", "jb"): "700000", ("zhichu", "2101501", "xm"): "99304.30",
             ("zhichu", "2101506", "jb"): "1,000.00", ("zhichu", "2101506", "xm"): "201874"}
    before = dict(session.engine.values)
    pasted = session.set_texts(block, who=WHO)
    after = dict(session.engine.values)
    assert session.history.counts() == (1, 0) and session.history.summary()[2] == "粘贴"
    session.undo(who=WHO)
    assert session.engine.values == before
    redone = session.redo(who=WHO)
    assert session.engine.values == after
    assert redone.cells == pasted.cells
    with pytest.raises(EditError, match="没有可重做"):
        session.redo(who=WHO)
    session.close()
    assert fresh_values(demo)[0] == after


def test_undo_of_a_row_removal_restores_the_exact_values_and_rows(demo):
    session = Session.open(demo, who=WHO)
    values, rows = dict(session.engine.values), session.doc.floating_rows()
    findings = finding_keys(session)
    removed = session.remove_row("zhichu", "21015", who=WHO)  # a 款 with its 项 rows and their figures
    assert "2101506" in removed and session.value(("zhichu", "2101506", "xm")) is None
    change = session.undo(who=WHO)
    assert set(change.rows_added) >= {("zhichu", c) for c in removed}
    assert session.engine.values == values and session.doc.floating_rows() == rows
    assert set(session.rows.floating_codes("zhichu")) >= set(removed)
    assert finding_keys(session) == findings
    session.close()
    assert fresh_values(demo) == (values, rows)
    reopened = Session.open(demo, readonly=True)
    assert reopened.engine.values == values and finding_keys(reopened) == findings
    reopened.close()


def test_undo_then_check_gives_the_findings_there_were_before(demo):
    session = Session.open(demo, who=WHO)
    session.findings()  # the session tracks findings from here, as the window does
    before = finding_keys(session)
    told = session.set_text(("shouzhi_zongbiao", "in_sy", "amount"), "12.5", who=WHO)
    assert told.added and finding_keys(session) != before
    change = session.undo(who=WHO)
    assert {f.key for f in told.added} <= set(change.removed)
    assert finding_keys(session) == before
    session.close()
    checked = Session.open(demo, readonly=True)
    assert finding_keys(checked) == before
    checked.close()


def test_adding_a_row_and_typing_into_it_are_two_steps_undone_in_turn(demo):
    session = Session.open(demo, who=WHO)
    values, codes = dict(session.engine.values), set(session.rows.floating_codes("zhichu"))
    session.add_row("zhichu", "2080505", who=WHO)
    session.set_text(("zhichu", "2080505", "jb"), "100", who=WHO)
    labels = [s.label for s in session.history.steps()]
    assert labels == ["填写", "增加科目行 2080505"]
    session.undo(who=WHO)
    assert session.value(("zhichu", "20805", "jb")) is None and "2080505" in session.rows.floating_codes("zhichu")
    change = session.undo(who=WHO)
    assert ("zhichu", "208") in change.rows_removed
    assert set(session.rows.floating_codes("zhichu")) == codes and session.engine.values == values
    session.close()


def test_a_new_edit_clears_redo(demo):
    session = Session.open(demo, who=WHO)
    session.set_text(CELL, "1", who=WHO)
    session.set_text(CELL, "2", who=WHO)
    session.undo(who=WHO)
    assert session.history.counts() == (1, 1)
    session.set_text(("zhichu", "2101501", "xm"), "3", who=WHO)
    assert session.history.counts() == (2, 0)
    with pytest.raises(EditError, match="没有可重做"):
        session.redo(who=WHO)
    session.undo(who=WHO)
    session.undo(who=WHO)
    assert session.value(CELL) == 68205640
    with pytest.raises(EditError, match="没有可撤销"):
        session.undo(who=WHO)
    session.close()


def test_undo_is_refused_on_a_locked_table_and_changes_nothing(demo):
    session = Session.open(demo, who=WHO)
    session.set_text(CELL, "700000", who=WHO)
    session.set_text(CELL, "682056.40", who=WHO)  # back as it was: the table can be submitted
    session.review.submit("zhichu", who=WHO)
    log, values = session.doc.change_log(), dict(session.engine.values)
    with pytest.raises(EditError, match="待审核"):
        session.undo(who=WHO)
    with pytest.raises(EditError, match="待审核"):
        session.history.check(undo=True, count=1)
    assert session.doc.change_log() == log and session.engine.values == values
    assert session.history.counts() == (2, 0)
    session.review.withdraw("zhichu", who=WHO)
    session.undo(who=WHO)
    assert session.value(CELL) == 70000000
    session.close()


def test_read_only_files_and_review_mode_refuse_undo(demo):
    session = Session.open(demo, who=WHO)
    session.set_text(CELL, "700000", who=WHO)
    session.close()
    data = demo.read_bytes()
    reader = Session.open(demo, readonly=True)
    with pytest.raises(DocumentError, match="只读"):
        reader.undo(who=WHO)
    assert [s.label for s in reader.history.steps()] == ["填写"]  # what undo would take back can be listed
    reader.close()
    reviewer = Session.open(demo, review=True, who=WHO)
    with pytest.raises(EditError, match="审阅模式"):
        reviewer.undo(who=WHO)
    reviewer.close()
    assert demo.read_bytes() == data


def test_form_edits_rows_and_forms_are_undone(demo):
    session = Session.open(demo, who=WHO)
    book = session.forms
    fid = book.add_form("a_zhuanyi_ziping", "医疗救助资金绩效自评表", who=WHO)
    ind = book.add_indicator(fid, "shuliang", who=WHO, texts={"name": "救助人次", "weight": "8", "score": "8"})
    book.set_indicator(fid, ind, "score", "7.5", who=WHO)
    book.set_field(fid, "t.ssdw", "柳林县医疗保障局", who=WHO)
    assert [s.label for s in session.history.steps()] == ["填写绩效表", "填写绩效表", "增加指标", "新建绩效表"]
    session.undo(who=WHO)
    assert book.form(fid).text("t.ssdw") in ("", None)
    change = session.undo(who=WHO)
    assert fid in change.forms and book.form(fid).indicator(ind).cells["score"] == Decimal(8)
    book.remove_indicator(fid, ind, who=WHO)  # clears redo; the row goes with its cells
    assert book.form(fid).under("shuliang") == []
    session.undo(who=WHO)
    back = book.form(fid).indicator(ind)  # the same row, with its cells
    assert back is not None and back.text("name") == "救助人次" and back.cells["score"] == Decimal(8)
    session.undo(who=WHO)  # the row added
    change = session.undo(who=WHO)  # the form added
    assert change.structure and book.forms() == []
    session.redo(who=WHO)
    assert [f.title for f in book.forms()] == ["医疗救助资金绩效自评表"]
    session.close()


def test_several_form_cells_typed_as_one_action_are_one_step(demo):
    session = Session.open(demo, who=WHO)
    book = session.forms
    fid = book.add_form("a_zhuanyi_ziping", "甲", who=WHO)
    ind = book.add_indicator(fid, "shuliang", who=WHO, texts={"name": "人次"})
    with session.step("粘贴"):
        book.set_indicator(fid, ind, "weight", "8", who=WHO)
        book.set_indicator(fid, ind, "score", "6", who=WHO)
    assert session.history.summary()[:3] == (3, 0, "粘贴")
    session.undo(who=WHO)
    assert book.form(fid).indicator(ind).cells == {"name": "人次"}
    session.close()


def test_text_parts_and_explanations_are_undone(demo):
    session = Session.open(demo, who=WHO)
    session.narrative.set_part("gaikuang", "一、部门职责\n负责医疗保障。\n二、机构设置\n内设三个股室。", who=WHO)
    session.narrative.set_part("gaikuang", "一、部门职责\n负责全县医疗保障。", who=WHO)
    session.undo(who=WHO)
    assert "内设三个股室" in session.narrative.text("gaikuang")
    change = session.undo(who=WHO)
    assert change.narrative and session.narrative.text("gaikuang") == ""
    session.set_text(("shouzhi_zongbiao", "in_sy", "amount"), "12.5", who=WHO)
    finding = session.findings()[0]
    session.explain(finding, "上级补助，已核实", who=WHO)
    assert finding.key in session.doc.explanations()
    change = session.undo(who=WHO)
    assert change.explanations == {finding.key} and finding.key not in session.doc.explanations()
    session.close()


def test_a_document_of_schema_5_opens_and_gets_a_history(tmp_path):
    path = make_old_document(tmp_path / "old.gkb", 5, {"set_id": "shanxi_2022_juesuan", "unit_name": "旧单位",
                                                       "year": "2022", "money_unit": "元"},
                             {("shouzhi_zongbiao", "in_ybgg", "amount"): 100})
    reader = Session.open(path, readonly=True)  # read-only: migrated in memory, the file untouched
    assert reader.history.counts() == (0, 0)
    reader.close()
    session = Session.open(path, who=WHO)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 7
    session.set_text(("shouzhi_zongbiao", "in_ybgg", "amount"), "2", who=WHO)
    session.undo(who=WHO)
    assert session.value(("shouzhi_zongbiao", "in_ybgg", "amount")) == 100
    session.close()


def test_the_history_keeps_the_last_hundred_steps(demo):
    session = Session.open(demo, who=WHO)
    for n in range(105):
        session.set_text(CELL, str(n), who=WHO)
    assert session.history.counts() == (100, 0)
    session.close()


def test_a_step_changed_outside_the_history_is_refused_and_nothing_changes(demo):
    session = Session.open(demo, who=WHO)
    session.set_text(CELL, "700000", who=WHO)
    session.close()
    conn = sqlite3.connect(demo)  # a SQLite tool changes the figure behind the history's back
    conn.execute("UPDATE cell SET num = 5 WHERE tbl = 'zhichu' AND row = '2101501' AND col = 'jb'")
    conn.commit()
    conn.close()
    data = demo.read_bytes()
    session = Session.open(demo, who=WHO)
    with pytest.raises(DocumentError, match="改动过"):
        session.undo(who=WHO)
    session.close()
    assert demo.read_bytes() == data
