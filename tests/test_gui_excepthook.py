"""An exception escaping a slot of the window is logged and told in Chinese (sys.excepthook of the GUI),
instead of PySide6 printing a traceback nobody sees and the window carrying on in a broken state."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6")


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - a real traceback for the log
        return caught


def test_an_unforeseen_error_is_a_chinese_dialog_and_a_log_entry(qtbot, messages, monkeypatch, tmp_path):
    from desktop.gui.app import show_unexpected

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    exc = _raised(ZeroDivisionError("division by zero"))
    show_unexpected(type(exc), exc, exc.__traceback__)
    assert len(messages) == 1 and "内部错误" in messages[0] and "已保存的内容不受影响" in messages[0]
    log = (tmp_path / "gongkai" / "crash.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log and "test_gui_excepthook.py" in log  # the traceback, for support


def test_a_document_error_is_told_as_is(qtbot, messages):
    from desktop.core.document import DocumentError
    from desktop.gui.app import show_unexpected

    exc = _raised(DocumentError("gone", "文件已被删除或移走，刚才的修改没有保存。"))
    show_unexpected(type(exc), exc, exc.__traceback__)
    assert messages == ["文件已被删除或移走，刚才的修改没有保存。"]


def test_the_window_installs_it(qtbot, monkeypatch):
    import desktop.gui.app as gui_app

    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    monkeypatch.setattr(gui_app.QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(gui_app.Application, "show_welcome", lambda self: None)
    assert gui_app.run([]) == 0
    assert sys.excepthook is gui_app.show_unexpected
