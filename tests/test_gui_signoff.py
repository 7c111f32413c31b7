"""Sign-off in the window (pytest-qt, offscreen): separation of duties as the core decides it, the
confirmation before 审核通过, the verification display, and a returned file showing its reasons at once."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings  # noqa: E402

from desktop.core.demo import build_demo  # noqa: E402
from desktop.core.document import Document  # noqa: E402
from desktop.core.review import TableState  # noqa: E402
from desktop.core.review import seal as sl  # noqa: E402
from desktop.core.session import Session  # noqa: E402
from desktop.gui import signoff_dialogs  # noqa: E402

CELL = ("zhichu", "2101501", "jb")
CLERK, REVIEWER = "张会计", "李审核"


@pytest.fixture
def app(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    application = Application(make_qapplication())
    yield application
    for win in list(application.windows):
        win.close()


class Confirmations(list):
    """The confirmations shown before 审核通过: (table name, lines); ``answer`` is what the reviewer clicks."""

    answer = True

    def __call__(self, parent, name, lines):
        self.append((name, lines))
        return self.answer


@pytest.fixture
def asked(monkeypatch):
    shown = Confirmations()
    monkeypatch.setattr(signoff_dialogs, "ask_approval", shown)
    return shown


def open_window(qtbot, app, path, who, mode="edit"):
    from desktop.gui import settings as app_settings

    app_settings.set_user_name(who)
    win = app.open_path(path, mode=mode)
    assert win is not None
    qtbot.addWidget(win)
    return win


def submitted(tmp_path):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    with closing(Session.open(path, who=CLERK)) as s:
        s.review.submit("zhichu", who=CLERK)
    return path


def test_the_clerk_is_refused_approval_before_any_confirmation_and_the_figures_are_locked(
        qtbot, app, tmp_path, messages, asked):
    from tests.test_gui import type_into

    win = open_window(qtbot, app, submitted(tmp_path), CLERK)
    view = win.show_table("zhichu")
    assert not win.review_ui.change_state("approve")
    assert "本人提交的，不能自己审核通过" in messages[-1] and asked == []
    type_into(qtbot, view, CELL, "1")
    assert "待审核" in messages[-1] and "数字已锁定" in messages[-1] and win.controller.value(CELL) == 68205640
    assert win.review_ui.change_state("withdraw")
    assert win.session.review.state("zhichu").state is TableState.DRAFT
    type_into(qtbot, view, CELL, "682,000.40")
    assert win.controller.value(CELL) == 68200040


def test_a_reviewer_cannot_submit_for_the_clerk(qtbot, app, tmp_path, messages):
    path = build_demo(tmp_path / "demo.gkb", who=CLERK)
    win = open_window(qtbot, app, path, REVIEWER, mode="review")
    win.show_table("zhichu")
    assert not win.review_ui.act_submit.isEnabled() and not win.review_ui.act_withdraw.isEnabled()
    assert not win.review_ui.change_state("submit")
    assert "审阅模式下不能提交审核" in messages[-1]
    assert win.session.review.state("zhichu").state is TableState.DRAFT


def test_approval_lists_what_is_signed_and_cancel_signs_nothing(qtbot, app, tmp_path, asked):
    win = open_window(qtbot, app, submitted(tmp_path), REVIEWER, mode="review")
    win.show_table("zhichu")
    asked.answer = False
    assert not win.review_ui.change_state("approve")
    (name, lines), = asked
    assert name == "公开03表《支出决算表》"
    text = "\n".join(lines)
    assert "表：公开03表《支出决算表》" in text and "个单元格" in text and "科目行" in text
    assert "提交人：张会计；审核人（签章人）：李审核" in text and "指纹" in text
    assert win.session.review.state("zhichu").state is TableState.SUBMITTED  # cancelled: nothing signed
    asked.answer = True
    assert win.review_ui.change_state("approve")
    assert win.session.review.state("zhichu").state is TableState.APPROVED
    bar = win.review_ui.bar.text()
    assert "封签完好" in bar and "签章有效（密钥指纹" in bar
    dialog = signoff_dialogs.ApprovalDialog(name, lines)
    qtbot.addWidget(dialog)
    assert dialog.lines() == [f"• {line}" for line in lines] and dialog.ok_button.text() == "审核通过并签章"


def test_a_forged_approval_shows_as_untrusted_in_the_bar_the_list_and_the_verification(qtbot, app, tmp_path):
    path = submitted(tmp_path)
    with Document.open(path, readonly=True) as doc:
        figures = sl.canonical(sl.figures(doc, "zhichu"))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE review_state SET state = 'approved', who = ? WHERE tbl = 'zhichu'", (REVIEWER,))
    conn.execute("INSERT INTO review_seal(tbl, digest, figures, signer, at, log_id) VALUES ('zhichu', ?, ?, ?, "
                 "'2026-12-01T08:00:00Z', 1)", (sl.digest(figures), figures, REVIEWER))
    conn.execute("UPDATE change_log SET who = '王出纳' WHERE id = 2")
    conn.commit()
    conn.close()
    win = open_window(qtbot, app, path, REVIEWER, mode="review")
    win.show_table("zhichu")
    bar = win.review_ui.bar.text()
    assert "签章不可信" in bar and "未签章" in bar and "封签完好" not in bar
    assert "签章不可信" in win.tables.items["zhichu"].text(1)
    dialog = win.review_ui.show_verification()
    texts = dialog.texts()
    assert texts[0].startswith("✗ 修改记录链断裂：第 2 条修改记录")
    assert "✗ 公开03表《支出决算表》：签章不可信" in texts and any("未签章" in t for t in texts)
    dialog.close()


def test_a_clerk_reopening_a_returned_file_sees_the_reasons_and_open_comments_at_once(qtbot, app, tmp_path):
    path = submitted(tmp_path)
    win = open_window(qtbot, app, path, CLERK)
    win.review_ui.dock.hide()  # the clerk closed the 批注 panel: the saved layout hides it next time
    win.close()
    with closing(Session.open(path, who=REVIEWER, review=True)) as s:
        s.review.comment("zhichu", "行政运行为何减少？", who=REVIEWER, row=CELL[1], col=CELL[2])
        s.review.send_back("zhichu", "行政运行请附人员变动说明", who=REVIEWER)
    again = open_window(qtbot, app, path, CLERK)
    assert again.review_ui.dock.isVisibleTo(again)
    assert again.current_view().table.key == "zhichu"
    assert "退回" in again.review_ui.bar.text() and "行政运行请附人员变动说明" in again.review_ui.bar.text()
    assert again.review_ui.panel.tree.topLevelItemCount() == 1


def test_a_copy_of_a_signed_file_verifies_on_another_computer_with_a_first_use_notice(
        qtbot, app, tmp_path, asked, monkeypatch):
    path = submitted(tmp_path)
    win = open_window(qtbot, app, path, REVIEWER, mode="review")
    win.show_table("zhichu")
    assert win.review_ui.change_state("approve")
    win.close()
    copy = tmp_path / "copy.gkb"
    shutil.copy(path, copy)
    monkeypatch.setenv("GONGKAI_PROFILE", str(tmp_path / "another-computer"))
    other = open_window(qtbot, app, copy, CLERK)
    other.show_table("zhichu")
    bar = other.review_ui.bar.text()
    assert "封签完好" in bar and "本机第一次见到 李审核 的签章密钥" in bar
