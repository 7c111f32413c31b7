"""The window's 撤销/重做 are the core's: one history with ``gongkai undo`` and with the next session."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings  # noqa: E402

from desktop.cli import main  # noqa: E402
from desktop.core.demo import build_demo  # noqa: E402

CELL = ("zhichu", "2101501", "jb")


@pytest.fixture
def app(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    application = Application(make_qapplication())
    yield application
    for window in list(application.windows):
        window.close()


def test_an_edit_made_with_the_cli_is_undone_in_the_window_and_the_other_way(app, tmp_path, capsys):
    path = build_demo(tmp_path / "demo.gkb")
    assert main(["set", str(path), *CELL, "700000"]) == 0
    window = app.open_path(path, mode="edit")
    assert window.act_undo.isEnabled() and window.act_undo.text() == "撤销 填写"
    assert not window.act_redo.isEnabled()
    window.act_undo.trigger()
    assert window.controller.value(CELL) == 68205640 and window.controller.findings == []
    assert window.act_redo.text() == "重做 填写" and not window.act_undo.isEnabled()
    window.controller.set_texts({("zhichu", "2101501", "xm"): "1"}, "填写")
    assert not window.act_redo.isEnabled()  # a new edit clears redo
    window.close()
    capsys.readouterr()
    assert main(["undo", str(path)]) == 0  # the window's edit, taken back from the command line
    assert "已撤销：填写" in capsys.readouterr().out
    again = app.open_path(path, mode="edit")
    assert again.controller.value(("zhichu", "2101501", "xm")) == 11730430
    assert again.controller.undo_stack.count() == 1 and again.act_redo.isEnabled()
    again.close()


def test_undoing_a_new_form_closes_its_view_and_redo_brings_it_back(app, tmp_path, monkeypatch):
    from desktop.gui import jixiao_actions
    from desktop.gui.jixiao_widgets import NewFormDialog

    window = app.open_path(build_demo(tmp_path / "demo.gkb"), mode="edit")

    def choose(dialog):
        dialog.shape.setCurrentIndex(dialog.shape.findData("g_mubiao"))
        dialog.title.setText("档案管理经费 项目绩效目标表")
        return True

    monkeypatch.setattr(NewFormDialog, "exec", choose)
    form_id = jixiao_actions.new_form(window)
    key = f"jixiao:{form_id}"
    assert window.stack.currentWidget() is window.form_views[key]
    assert window.act_undo.text() == "撤销 新建绩效表"
    window.act_undo.trigger()
    assert key not in window.form_views and window.controller.form_keys() == []
    assert window.current_view() is not None  # back on a table
    window.act_redo.trigger()
    assert window.controller.form_keys() == [key] and key in window.tables.items
    window.show_table(key)
    assert window.stack.currentWidget() is window.form_views[key]


def test_undo_refused_on_a_locked_table_says_why_and_keeps_the_history(app, tmp_path, messages):
    path = build_demo(tmp_path / "demo.gkb")
    window = app.open_path(path, mode="edit")
    controller = window.controller
    controller.set_texts({CELL: "700000"}, "填写")
    controller.set_texts({CELL: "682056.40"}, "填写")
    window.session.review.submit("zhichu", who="测试员")
    steps = controller.undo_stack.index()
    window.act_undo.trigger()
    assert messages and "待审核" in messages[-1]
    assert controller.undo_stack.index() == steps and controller.value(CELL) == 68205640
