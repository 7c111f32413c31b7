"""A write the core refuses (file replaced or deleted while open, disk full): the clerk is told in Chinese,
with what they typed in the message so nothing is lost silently, and the grid shows what is committed."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings  # noqa: E402
from test_gui import type_into  # noqa: E402

from desktop.core.demo import build_demo  # noqa: E402
from desktop.core.document import Document, DocumentError  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    app = Application(make_qapplication())
    win = app.open_path(build_demo(tmp_path / "demo.gkb"))
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    yield win
    win.close()


def fail_writes(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise DocumentError("write_failed", "保存失败（磁盘已满），本次修改未写入文件。")
    monkeypatch.setattr(Document, "write", refuse)


def test_a_refused_write_is_told_with_the_typed_text_and_the_grid_keeps_the_committed_value(
        qtbot, window, messages, monkeypatch):
    view = window.show_table("zhichu")
    cell = ("zhichu", "2101501", "jb")
    committed = window.controller.value(cell)
    before = window.session.doc.change_log()
    fail_writes(monkeypatch)
    type_into(qtbot, view, cell, "123456.78")
    assert messages, "the clerk was not told that the figure was not saved"
    assert "保存失败" in messages[-1] and "123456.78" in messages[-1]
    assert window.controller.value(cell) == committed
    assert view.model.index_of(cell).data() == view.model.display_text(view.model.body_cell(view.model.index_of(cell)))
    assert window.session.doc.change_log() == before


def test_a_refused_paste_names_every_typed_cell(qtbot, window, messages, monkeypatch):
    view = window.show_table("zhichu")
    cell = ("zhichu", "2101501", "jb")
    view.body.setCurrentIndex(view.model.index_of(cell))
    fail_writes(monkeypatch)
    assert not view.body.paste("11.11\n22.22")
    assert messages and "11.11" in messages[-1] and "22.22" in messages[-1]
