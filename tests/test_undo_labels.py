"""Undo step labels are message ids: stored in the file in the source Chinese whatever language made the edit,
shown in the reader's language by ``gongkai undo --list`` and the window's 编辑 menu."""

from __future__ import annotations

import json
import re

import pytest

from desktop.cli import main
from desktop.core import i18n, step_labels
from desktop.core.demo import build_demo
from desktop.core.session import Session

WHO = "测试员"
CELL = ("zhichu", "2080505", "jb")


@pytest.fixture
def pseudo(monkeypatch):
    """The pseudo language (every message bracketed) for one test; the source Chinese again afterwards."""
    monkeypatch.delenv(i18n.LANGUAGE_ENV, raising=False)
    assert i18n.select(i18n.PSEUDO) == i18n.PSEUDO
    yield
    i18n.select(i18n.SOURCE_LANGUAGE)


def stored_labels(path) -> list[str]:
    session = Session.open(path, readonly=True)
    try:
        return [s.label for s in session.history.steps()]
    finally:
        session.close()


def test_a_label_with_fields_is_stored_filled_in_and_shown_through_its_template(pseudo):
    label = step_labels.stored(step_labels.ADD_ROW, code="2080505")
    assert label == "增加科目行 2080505"
    assert step_labels.shown(label) == "⟦增加科目行 2080505⟧"  # the template translated, the field kept
    assert step_labels.shown(step_labels.stored(step_labels.FILL_ROW_ITEM, label="产出指标", caption="指标值")) \
        == "⟦填写 产出指标·指标值⟧"
    assert step_labels.shown("粘贴") == "⟦粘贴⟧"
    assert step_labels.shown(None) == ""


def test_the_source_language_shows_a_label_as_stored():
    step_labels._pattern.cache_clear()
    assert step_labels.shown("增加科目行 2080505") == "增加科目行 2080505"
    assert step_labels.shown("填写 产出指标·指标值") == "填写 产出指标·指标值"
    assert step_labels.shown("一个以后版本写下的名称") == "一个以后版本写下的名称"
    assert step_labels._pattern.cache_info().currsize == 0  # nothing to match: no template compiled


def test_only_a_listed_template_can_be_filled():
    with pytest.raises(ValueError):
        step_labels.stored("增加 {what}", what="行")


def test_undo_list_translates_the_labels_the_file_keeps_in_chinese(tmp_path, pseudo, capsys):
    demo = build_demo(tmp_path / "demo.gkb")
    session = Session.open(demo, who=WHO)  # the edits themselves are made under the pseudo language
    session.add_row("zhichu", "2080505", who=WHO)
    session.set_text(CELL, "100", who=WHO)
    session.close()
    assert stored_labels(demo) == ["填写", "增加科目行 2080505"]  # the file is the same whatever the language
    assert main(["undo", str(demo), "--list"]) == 0
    out = capsys.readouterr().out
    assert "⟦填写⟧" in out and "⟦增加科目行 2080505⟧" in out and re.search(r"⟦\d+ 个数字⟧", out)
    assert main(["undo", str(demo), "--list", "--json"]) == 0
    assert [s["label"] for s in json.loads(capsys.readouterr().out)] == ["填写", "增加科目行 2080505"]
    assert main(["undo", str(demo)]) == 0
    assert "⟦已撤销：⟦填写⟧（" in capsys.readouterr().out
    assert stored_labels(demo) == ["增加科目行 2080505"]


def test_the_edit_menu_shows_the_label_translated(tmp_path, pseudo, qtbot, messages):
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QSettings

    from desktop.gui.app import Application, make_qapplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    demo = build_demo(tmp_path / "demo.gkb")
    app = Application(make_qapplication())
    window = app.open_path(demo, mode="edit")
    try:
        assert window.act_undo.text() == "⟦撤销⟧" and not window.act_undo.isEnabled()
        assert window.controller.add_row("zhichu", "2080505")
        assert window.act_undo.text() == "⟦撤销 ⟦增加科目行 2080505⟧⟧"
        window.act_undo.trigger()
        assert window.act_redo.text() == "⟦重做 ⟦增加科目行 2080505⟧⟧"
        assert window.controller.session.history.summary()[3] == "增加科目行 2080505"  # stored in Chinese
    finally:
        window.close()
