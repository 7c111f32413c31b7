"""The 情况说明 screen driven through its widgets (offscreen): list entry, tints, live checks, regenerate."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from conftest import SEEDS, seed_path  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from desktop.cli import main  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path, messages, capsys):
    text = SEEDS / "000_add86a24b3a51088.txt"
    if not text.exists():
        pytest.skip("seed text not beside the project")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    gkb = tmp_path / "000.gkb"
    assert main(["load", str(seed_path("000_add86a24b3a51088")), "-o", str(gkb)]) == 0
    assert main(["narrative", "import", str(gkb), str(text)]) == 0
    capsys.readouterr()
    from desktop.gui.app import Application, make_qapplication

    app = Application(make_qapplication())
    win = app.open_path(gkb)
    qtbot.addWidget(win)
    yield win
    win.close()


def _income(win):
    view = win.show_table("narrative")
    view.select_section("二、收入决算情况说明")
    return view


def test_the_table_list_has_the_narrative_with_its_error_count(window):
    item = window.tables.items["narrative"]
    assert item.text(0) == "第三部分 情况说明" and item.text(1) == "错误 3"
    window.tables.setCurrentItem(item)
    assert window.stack.currentWidget() is window.narrative_ui.view


def test_findings_are_tinted_in_the_text_and_listed(window):
    view = _income(window)
    assert view.current.heading == "二、收入决算情况说明"
    selections = view.editor.extraSelections()
    tinted = {view.editor.toPlainText()[s.cursor.selectionStart():s.cursor.selectionEnd()] for s in selections}
    assert "25,730,935.53元" in tinted and "266.15元" in tinted  # the figures themselves, as the clerk typed them
    assert view.found.count() == 3


def test_typing_a_fix_is_saved_logged_and_rechecked(qtbot, window):
    view = _income(window)
    view.editor.setPlainText(view.editor.toPlainText().replace("25,730,935.53元，其中", "25,731,201.68元，其中"))
    qtbot.waitUntil(lambda: view.current.body.startswith("2022年度收入合计25,731,201.68元"), timeout=3000)
    session = window.session
    assert session.doc.change_log(limit=1)[0]["action"] == "narrative_edit"
    messages = [f.message for f in window.controller.findings if f.table == "narrative"]
    assert not any("收入合计为 25730935.53元" in m for m in messages)
    assert window.tables.items["narrative"].text(1) == "错误 2"  # #4 and #5 gone, #6 (其他收入) stays


def test_regenerate_shows_the_difference_and_replaces_only_when_confirmed(window, monkeypatch):
    from desktop.gui import narrative_dialogs

    view = _income(window)
    before = view.editor.toPlainText()
    monkeypatch.setattr(narrative_dialogs.DiffDialog, "exec", lambda self: 0)
    view.regenerate()
    assert view.editor.toPlainText() == before
    shown = []

    def accept(self):
        shown.append(self.view.toHtml())
        return 1

    monkeypatch.setattr(narrative_dialogs.DiffDialog, "exec", accept)
    view.regenerate()
    assert shown and "line-through" in shown[0] and "#cdebd3" in shown[0]  # removed and added text marked
    assert view.current.body.startswith("2022年度收入合计25,731,201.68元")
    listed = [view.found.item(i).text() for i in range(view.found.count())]
    assert listed and not any("收入合计为 25730935.53元" in t for t in listed)  # 其他收入 vs 公开01 stays (#6)


def test_jumping_to_a_prose_finding_selects_its_figure(window):
    finding = next(f for f in window.controller.findings if f.table == "narrative" and "其他收入为 266.15" in f.message)
    window.jump_to(finding)
    view = window.narrative_ui.view
    assert window.stack.currentWidget() is view and view.current.heading.startswith("二、")
    assert "266.15" in view.editor.textCursor().selectedText()
