"""Review and hand-over in the application (pytest-qt, offscreen): 审阅 mode, 批注, the hand-over gate,
the broken seal, the change log, compare and PDF."""

from __future__ import annotations

import json
import socket

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QInputDialog  # noqa: E402

from desktop.core.demo import build_demo
from desktop.core.document.lock import lock_path  # noqa: E402
from desktop.core.session import Session  # noqa: E402
from desktop.gui import open_mode, signoff_dialogs, style  # noqa: E402
from desktop.gui.table_model import COMMENT_ROLE  # noqa: E402

CELL = ("zhichu", "2101501", "jb")  # 682,056.40 in the demo


@pytest.fixture
def app(qtbot, tmp_path, messages, monkeypatch):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    # 审核通过 asks for a confirmation (tests/test_gui_signoff.py looks at it): answered 审核通过并签章 here
    monkeypatch.setattr(signoff_dialogs, "ask_approval", lambda parent, name, lines: True)
    from desktop.gui.app import Application, make_qapplication

    application = Application(make_qapplication())
    yield application
    for win in list(application.windows):
        win.close()


@pytest.fixture
def answers(monkeypatch):
    """Texts the input dialogs return, in order."""
    queue: list[str] = []
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: (queue.pop(0), True))
    return queue


def open_window(qtbot, app, path, **kw):
    win = app.open_path(path, **kw)
    assert win is not None
    qtbot.addWidget(win)
    return win


def test_a_colleagues_file_opens_in_review_mode_figures_locked_comments_possible(qtbot, app, tmp_path, messages,
                                                                                    monkeypatch, answers):
    path = build_demo(tmp_path / "张会计.gkb", who="张会计")
    asked = []
    monkeypatch.setattr(open_mode, "ask_open_mode", lambda parent, name, editors: asked.append(editors) or "review")
    win = open_window(qtbot, app, path)
    assert asked == [["张会计"]]  # the file was filled in by someone else: 审阅 or 编辑 was offered
    assert win.session.review_mode and "审阅模式" in win.banner.text() and "（审阅）" in win.windowTitle()
    view = win.show_table("zhichu")
    index = view.model.index_of(CELL)
    assert not view.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not win.controller.set_texts({CELL: "1"})
    assert "审阅模式" in messages[-1] and win.controller.value(CELL) == 68205640
    assert not win.act_add_row.isEnabled()
    view.body.setCurrentIndex(index)
    answers.append("行政运行比上年少 6 万，请说明")
    win.review_ui.act_comment.trigger()
    assert index.data(COMMENT_ROLE) == "open"
    assert win.review_ui.panel.tree.topLevelItemCount() == 1 and "未解决 1 条" in win.review_ui.panel.summary.text()
    win.close()
    reopened = Session.open(path, readonly=True)
    try:
        assert reopened.value(CELL) == 68205640
        (thread,) = reopened.review.threads()
        assert thread.first.cell == CELL and thread.first.author == "测试员"
    finally:
        reopened.close()


def test_add_reply_to_and_resolve_a_comment(qtbot, app, tmp_path, answers):
    win = open_window(qtbot, app, build_demo(tmp_path / "demo.gkb"))
    view = win.show_table("zhichu")
    view.body.setCurrentIndex(view.model.index_of(CELL))
    answers.extend(["请核对人员经费", "已按工资表核对"])
    win.review_ui.act_comment.trigger()
    panel = win.review_ui.panel
    assert panel.current_thread() is not None
    qtbot.mouseClick(panel.reply_button, Qt.MouseButton.LeftButton)
    thread = panel.current_thread()
    assert [c.text for c in thread.comments] == ["请核对人员经费", "已按工资表核对"]
    assert panel.resolve_button.text() == "解决"
    qtbot.mouseClick(panel.resolve_button, Qt.MouseButton.LeftButton)
    assert panel.current_thread().resolved and panel.resolve_button.text() == "重新打开"
    assert view.model.index_of(CELL).data(COMMENT_ROLE) == "resolved"
    actions = [e["action"] for e in win.session.doc.change_log() if e["action"].startswith("review.")]
    assert actions == ["review.resolve", "review.reply", "review.comment"]


def test_sending_a_table_with_an_unexplained_tip_is_refused_with_the_reason(qtbot, app, tmp_path, messages):
    win = open_window(qtbot, app, build_demo(tmp_path / "demo.gkb"))
    assert win.controller.add_row("zhichu", "2101599", "自拟科目")
    win.show_table("zhichu")
    win.review_ui.act_submit.trigger()
    assert "不能提交审核" in messages[-1] and "提示未写出错说明" in messages[-1] and "2101599" in messages[-1]
    assert "待审核" not in win.tables.items["zhichu"].text(1)
    (tip,) = [f for f in win.controller.findings if f.table == "zhichu"]
    assert win.controller.explain(tip, "编码表未收录，按财政下达科目填列")
    win.findings.view.selectRow(0)
    assert win.review_ui.add_comment_on_finding("科目名称请按编码表改正")  # a 批注 on the finding itself
    thread = win.review_ui.panel.current_thread()
    assert thread.first.kind == "finding" and thread.first.finding == tip.key
    assert tip.message in win.review_ui.panel.detail.toPlainText()
    win.review_ui.act_submit.trigger()
    assert "待审核" in win.tables.items["zhichu"].text(1)
    assert "待审核" in win.review_ui.bar.text() and win.review_ui.bar.isVisibleTo(win)


def test_signing_a_table_then_changing_a_figure_breaks_the_seal_and_shows_who_changed_what(qtbot, app, tmp_path,
                                                                                          messages, monkeypatch):
    from tests.test_gui import type_into

    win = open_window(qtbot, app, build_demo(tmp_path / "demo.gkb"))
    win.show_table("zhichu")
    assert win.review_ui.change_state("submit")
    win.controller.who = "李科长"
    assert win.review_ui.change_state("approve")
    assert "已审核" in win.tables.items["zhichu"].text(1) and "封签完好" in win.review_ui.bar.text()
    win.controller.who = "王出纳"
    view = win.show_table("zhichu")
    type_into(qtbot, view, CELL, "682,000.40")  # refused: the figures of a signed table are locked
    assert "数字已锁定" in messages[-1] and win.controller.value(CELL) == 68205640
    # as a release without the locks could have changed it (logged): the seal shows who changed what
    monkeypatch.setattr(win.session.review, "lock_message", lambda tables: None)
    type_into(qtbot, view, CELL, "682,000.40")
    bar = win.review_ui.bar.text()
    assert "封签已破" in bar and "李科长" in bar
    assert "2101501" in bar and "682,056.40 → 682,000.40" in bar and "王出纳" in bar
    assert "封签已破" in win.tables.items["zhichu"].text(1)
    log = win.review_ui.show_change_log()
    log.who_box.setCurrentIndex(log.who_box.findData("王出纳"))
    shown = log.shown_entries()
    assert shown and {e["who"] for e in shown} == {"王出纳"} and log.list.rowCount() == len(shown)
    assert any(e["row"] == "2101501" and e["old"] == "682056.40" and e["new"] == "682000.40" for e in shown)
    log.close()
    win.controller.undo_stack.undo()  # the figure is back: the seal holds again
    assert "封签完好" in win.review_ui.bar.text()


def test_compare_view_lists_the_three_changed_cells(qtbot, app, tmp_path):
    from tests.test_diff import CHANGES, changed_copy

    old, new = changed_copy(tmp_path)
    win = open_window(qtbot, app, new, mode="edit")
    dialog = win.review_ui.show_compare(str(old))
    rows = dialog.rows()
    assert len(rows) == len(CHANGES) == 3 and dialog.list.rowCount() == 3
    by_table = {r[0]: r for r in rows}
    assert by_table["公开03表《支出决算表》"][3:] == ("682,056.40", "682,000.40", "-56.00")
    assert by_table["公开07表《财政拨款“三公”经费支出决算表》"][3:5] == ("39,951.85", "")
    assert by_table["公开01表《收入支出决算总表》"][1:5] == ("五、事业收入（行次5）", "收入·决算数（栏次1）", "", "12.50")
    assert "共 3 个单元格不同" in dialog.summary.text()
    line = next(r for r in range(3) if dialog.list.item(r, 0).text() == "公开03表《支出决算表》")
    dialog.list.itemDoubleClicked.emit(dialog.list.item(line, 3))  # goes to the cell in this document
    view = win.current_view()
    assert view.table.key == "zhichu" and view.model.body_cell(view.body.currentIndex()).cell == CELL
    # laid out on the official table while the comparison is open: tinted, with the other file's figure
    index = view.model.index_of(CELL)
    assert index.data(Qt.ItemDataRole.BackgroundRole) == style.COMPARE_TINT
    assert "对比文件中为：682,056.40" in index.data(Qt.ItemDataRole.ToolTipRole)
    untouched = view.model.index_of(("zhichu", "2101550", "jb"))
    assert untouched.data(Qt.ItemDataRole.BackgroundRole) != style.COMPARE_TINT
    dialog.close()
    assert index.data(Qt.ItemDataRole.BackgroundRole) != style.COMPARE_TINT


def test_print_to_pdf_has_the_review_state_and_signer_in_the_footer(qtbot, app, tmp_path):
    from desktop.gui.print_view import footer_text, write_pdf

    win = open_window(qtbot, app, build_demo(tmp_path / "demo.gkb"))
    win.show_table("zhichu")
    win.review_ui.change_state("submit")
    win.controller.who = "李科长"
    win.review_ui.change_state("approve")
    footer = footer_text(win.session, "zhichu")
    assert "审核状态：已审核" in footer and "审核人：李科长" in footer and "封签完好" in footer
    out = tmp_path / "zhichu.pdf"
    assert write_pdf(win.session, "zhichu", str(out)) >= 1
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5000


def test_a_file_someone_else_is_editing_is_offered_read_only_naming_them(qtbot, app, tmp_path, monkeypatch):
    path = build_demo(tmp_path / "demo.gkb")
    lock_path(path).write_text(json.dumps({"user": "王出纳", "host": "财务科-PC2", "pid": 1,
                                           "at": "2026-11-20T09:30:00"}))
    assert socket.gethostname() != "财务科-PC2"
    offered = []
    monkeypatch.setattr(open_mode, "ask_readonly", lambda parent, reason: offered.append(reason) or False)
    assert app.open_path(path) is None  # declined: nothing opened
    monkeypatch.setattr(open_mode, "ask_readonly", lambda parent, reason: offered.append(reason) or True)
    win = open_window(qtbot, app, path)
    assert len(offered) == 2 and all("王出纳" in r for r in offered)
    assert win.controller.readonly and "王出纳" in win.banner.text() and win.banner.isVisibleTo(win)
