"""Review and hand-over in the core: 批注 threads, 审阅 mode, the hand-over gate, sealed sign-off, the dump."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import make_old_document

from desktop.core.demo import build_demo
from desktop.core.document import Document, DocumentError, schema_version
from desktop.core.document.testing import raw_connection_for_tests
from desktop.core.formats.dump import dump_document, load_dump
from desktop.core.jixiao.errors import FormEditError
from desktop.core.review import ReviewError, TableState
from desktop.core.session import EditError, Session

CELL = ("zhichu", "2101501", "jb")  # 公开03表 2101501 行政运行 · 基本支出: 682,056.40 in the demo


@pytest.fixture
def demo(tmp_path):
    path = build_demo(tmp_path / "demo.gkb")
    session = Session.open(path, who="张会计")
    yield session
    session.close()


def as_an_older_release(monkeypatch, session):
    """Figures of a signed table changed the way a release without the 审核 locks could (logged, chained):
    the seal must still show who changed what."""
    monkeypatch.setattr(session.review, "lock_message", lambda tables: None)


def review_log(session):
    return [e for e in session.doc.change_log() if (e["action"] or "").startswith("review.")]


def test_a_comment_thread_on_a_cell_is_kept_replied_to_and_resolved(demo):
    review = demo.review
    tid = review.comment("zhichu", "行政运行为何比上年少？", who="李科长", row=CELL[1], col=CELL[2])
    review.reply(tid, "人员减少 2 人，见说明", who="张会计")
    (thread,) = review.threads("zhichu")
    assert thread.first.cell == CELL and thread.first.kind == "cell"
    assert [(c.author, c.text) for c in thread.comments] == [("李科长", "行政运行为何比上年少？"),
                                                            ("张会计", "人员减少 2 人，见说明")]
    assert not thread.resolved and review.open_threads() == [thread]
    review.resolve(tid, who="张会计")
    (thread,) = review.threads()
    assert thread.resolved and thread.first.resolved_by == "张会计" and review.open_threads() == []
    assert [(e["who"], e["action"]) for e in reversed(review_log(demo))] == [
        ("李科长", "review.comment"), ("张会计", "review.reply"), ("张会计", "review.resolve")]
    with pytest.raises(ReviewError, match="不能为空"):
        review.reply(tid, "  ", who="张会计")
    with pytest.raises(ReviewError, match="没有表"):
        review.comment("no_such_table", "?", who="李科长")


def test_review_mode_refuses_figures_but_allows_comments_and_states(tmp_path):
    path = build_demo(tmp_path / "demo.gkb")
    session = Session.open(path, who="李科长", review=True)
    try:
        log_before = session.doc.change_log()
        with pytest.raises(EditError, match="审阅模式"):
            session.set_text(CELL, "1", who="李科长")
        with pytest.raises(EditError, match="审阅模式"):
            session.add_row("zhichu", "2101599", "自拟科目", who="李科长")
        with pytest.raises(DocumentError, match="审阅模式"):  # the document itself refuses, too
            session.doc.write({CELL: 1}, who="李科长")
        assert session.value(CELL) == 68205640 and session.doc.change_log() == log_before
        session.review.comment("zhichu", "请附人员变动说明", who="李科长")
        with pytest.raises(ReviewError, match="审阅模式下不能提交审核"):  # submitting is the clerk's (issue 14)
            session.review.submit("zhichu", who="李科长")
        assert session.review.state("zhichu").state is TableState.DRAFT
    finally:
        session.close()
    with Document.open(path) as doc:
        assert doc.values()[CELL] == 68205640
        assert raw_connection_for_tests(doc).execute("SELECT COUNT(*) FROM review_comment").fetchone()[0] == 1


def test_sending_a_table_with_an_unexplained_tip_is_refused_with_the_reason(demo):
    demo.add_row("zhichu", "2101599", "自拟科目", who="张会计")
    (tip,) = [f for f in demo.findings() if f.table == "zhichu"]
    assert tip.severity == "warning"
    with pytest.raises(ReviewError) as refused:
        demo.review.submit("zhichu", who="张会计")
    assert "提示未写出错说明" in str(refused.value) and "2101599" in str(refused.value)
    assert demo.review.state("zhichu").state is TableState.DRAFT and review_log(demo) == []
    demo.explain(tip, "编码表未收录，按财政下达科目填列", who="张会计")
    demo.review.submit("zhichu", who="张会计")
    assert demo.review.state("zhichu").state is TableState.SUBMITTED
    demo.review.send_back("zhichu", "科目名称请按编码表填列", who="李科长")
    assert demo.review.state("zhichu").reason == "科目名称请按编码表填列"
    demo.set_text(("zhichu", "2101599", "jb"), "10", who="张会计")  # the 提示 is unchanged (a name check)
    # an 错误 blocks too: 公开03表 no longer adds up with 公开01表
    with pytest.raises(ReviewError, match="错误"):
        demo.review.submit("zhichu", who="张会计")
    with pytest.raises(ReviewError, match="原因"):
        demo.review.send_back("zhichu", " ", who="李科长")
    assert [h.state for h in demo.review.history("zhichu")] == [TableState.SUBMITTED, TableState.RETURNED]


def test_a_signed_table_changed_later_breaks_the_seal_and_names_who_changed_what(demo, monkeypatch):
    review = demo.review
    review.submit("zhichu", who="张会计")
    with pytest.raises(ReviewError, match="只有待审核"):
        review.approve("shouru", who="李科长")
    review.approve("zhichu", who="李科长")
    assert review.seal_intact("zhichu") and review.seal("zhichu").signer == "李科长"
    with pytest.raises(EditError, match="已审核.*数字已锁定"):  # this release refuses the edit outright
        demo.set_text(CELL, "682,000.40", who="王出纳")
    as_an_older_release(monkeypatch, demo)
    demo.set_text(CELL, "682,000.40", who="王出纳")
    check = review.seal_check("zhichu")
    assert not check.intact and review.broken_seals().keys() == {"zhichu"}
    changed = {(c.row, c.col): c for c in check.changes}
    typed = changed[(CELL[1], CELL[2])]
    assert (typed.sealed, typed.now, typed.who) == ("68205640", "68200040", ["王出纳"])
    # the 款/类/合计 that followed are listed too, and nothing outside this table's changed cells
    assert {("21015", "jb"), ("210", "jb"), ("total", "jb")} <= set(changed)
    assert all(c.who == ["王出纳"] for c in check.changes)
    text = review.change_text(typed)
    assert "2101501" in text and "682,056.40 → 682,000.40" in text and "王出纳" in text
    assert review.state("zhichu").state is TableState.APPROVED  # still signed, but visibly broken
    with pytest.raises(ReviewError, match="不能审核通过"):  # 公开03表 no longer agrees with 公开01表
        review.approve("zhichu", who="李科长")
    demo.set_text(CELL, "682,056.40", who="王出纳")  # changed back: the figures are the signed ones again
    assert review.seal_intact("zhichu")
    demo.add_row("zhichu", "2101599", "自拟科目", who="王出纳")
    rows = [c for c in review.seal_check("zhichu").changes if c.col is None]
    assert {c.row for c in rows} == {"2101599"} and "增加科目行 2101599" in review.change_text(rows[0])


def test_the_dump_carries_comments_states_and_seals_and_round_trips(demo, tmp_path):
    tid = demo.review.comment("zhichu", "请核对", who="李科长", row=CELL[1], col=CELL[2])
    demo.review.reply(tid, "已核对", who="张会计")
    demo.review.comment("shouru", "表整体意见", who="李科长")
    demo.review.resolve(tid, who="张会计")
    demo.review.submit("zhichu", who="张会计")
    demo.review.approve("zhichu", who="李科长")
    data = dump_document(demo.doc)
    assert len(data["review"]["comments"]) == 3 and data["review"]["states"][0]["state"] == "approved"
    copy = load_dump(data, tmp_path / "copy.gkb")
    try:
        assert dump_document(copy) == data
        again = Session(copy)
        assert again.review.seal_intact("zhichu")
        assert [t.resolved for t in again.review.threads()] == [True, False]
    finally:
        copy.close()


def test_a_version_2_document_upgrades_to_the_review_tables(tmp_path):
    path = make_old_document(tmp_path / "old.gkb", 2,
                             {"set_id": "shanxi_2022_juesuan", "unit_name": "旧单位", "year": "2022"},
                             {("zhichu", "total", "xm"): 123456})
    assert schema_version() >= 3
    session = Session.open(path, who="李科长")
    try:
        assert session.doc.values() == {("zhichu", "total", "xm"): 123456}
        assert session.review.state("zhichu").state is TableState.DRAFT
        session.review.comment("zhichu", "旧文件也能批注", who="李科长")
    finally:
        session.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert conn.execute("SELECT author, text FROM review_comment").fetchall() == [("李科长", "旧文件也能批注")]
    conn.close()


def test_a_broken_seal_needs_the_reviewer_again_and_signing_again_seals_the_new_figures(demo, monkeypatch):
    review = demo.review
    review.submit("zhichu", who="张会计")
    review.approve("zhichu", who="李科长")
    with pytest.raises(ReviewError, match="不能再提交审核"):  # an intact 已审核 table is not sent again
        review.submit("zhichu", who="张会计")
    as_an_older_release(monkeypatch, demo)
    demo.add_row("zhichu", "2101599", "自拟科目", who="张会计")  # a 科目 row (a 提示 on its name)
    assert not review.seal_intact("zhichu")
    with pytest.raises(ReviewError, match="提示未写出错说明"):
        review.approve("zhichu", who="李科长")
    (tip,) = [f for f in demo.findings() if f.table == "zhichu"]
    demo.explain(tip, "按财政下达科目填列", who="张会计")
    review.submit("zhichu", who="张会计")  # a broken seal may be sent again
    review.approve("zhichu", who="李科长")
    assert review.seal_intact("zhichu") and review.seal("zhichu").at >= review.history("zhichu")[0].at
    assert [h.state.label for h in review.history("zhichu")] == ["待审核", "已审核", "待审核", "已审核"]


def test_gongkai_review_lists_states_seals_and_comments(demo, capsys, monkeypatch):
    from desktop.cli import main

    demo.review.comment("zhichu", "请附说明", who="李科长", row=CELL[1], col=CELL[2])
    demo.review.submit("zhichu", who="张会计")
    demo.review.approve("zhichu", who="李科长")
    path = str(demo.doc.path)
    assert main(["review", path]) == 0
    out = capsys.readouterr().out
    assert "公开03表《支出决算表》：已审核（李科长" in out and "封签完好" in out and "批注[未解决]" in out
    as_an_older_release(monkeypatch, demo)
    demo.set_text(CELL, "682,000.40", who="王出纳")
    assert main(["review", path, "--json"]) == 1  # a broken seal
    report = json.loads(capsys.readouterr().out)
    (entry,) = report["tables"]
    assert report["broken_seals"] == ["zhichu"] and not entry["seal"]["intact"]
    assert len(entry["seal"]["changes"]) == 1 and "王出纳" in entry["seal"]["changes"][0]
    assert entry["seal"]["totals_changed"] == 7  # 本年支出合计 of 2101501, and 基本支出 + 合计 of 21015, 210, 合计


def test_the_gate_names_errors_missing_and_stale_explanations():
    from desktop.core.explain import basis_of
    from desktop.core.review.states import blockers
    from desktop.core.rules.findings import Finding

    cells = (CELL,)
    error = Finding("e", "r1", "error", "合计不等", "zhichu", cells, 100, 90)
    tip = Finding("w", "r2", "warning", "上下年差异大", "zhichu", cells, 100, 50)
    moved = Finding("w", "r2", "warning", "上下年差异大", "zhichu", cells, 120, 50)
    rounding = Finding("t", "r3", "rounding", "尾数", "zhichu", cells, 1, 2)
    said = {"w": {"text": "新增人员", "basis": basis_of(tip)}}
    assert blockers([rounding], {}) == []
    assert blockers([tip], said) == []
    assert blockers([error, tip], {}) == ["错误：合计不等", "提示未写出错说明：上下年差异大"]
    assert blockers([moved], said) == ["出错说明已过期（数字变动后未重新说明）：上下年差异大"]


def test_a_jixiao_form_is_signed_and_its_seal_breaks_on_a_changed_figure(demo, monkeypatch):
    fid = demo.forms.add_form("a_zhuanyi_ziping", "甲项目自评表", who="张会计")
    key = f"jixiao:{fid}"
    demo.forms.set_field(fid, "f.total.qn", "1,928.75", who="张会计")
    assert demo.review.blockers(key) == []
    demo.review.submit(key, who="张会计")
    demo.review.approve(key, who="李科长")
    assert demo.review.seal_intact(key)
    with pytest.raises(FormEditError, match="已审核.*数字已锁定"):
        demo.forms.set_field(fid, "f.total.qn", "1,900.00", who="王出纳")
    monkeypatch.setattr(demo.forms, "_guard", lambda tables: None)  # as a release without the locks could
    demo.forms.set_field(fid, "f.total.qn", "1,900.00", who="王出纳")
    (change,) = demo.review.seal_check(key).changes
    assert (change.row, change.col, change.sealed, change.now, change.who) == (
        "field", "f.total.qn", "1928.75", "1900.00", ["王出纳"])
    assert "甲项目自评表" in demo.review.change_text(change)
