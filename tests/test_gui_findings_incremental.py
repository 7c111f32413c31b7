"""The 审核结果 list follows each edit by inserting and removing only the rows it changed: no reset, the
selected finding stays selected, and the list always equals a full re-read (seed 004, a real 预算 document
with its real errors, so the list is not empty)."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings  # noqa: E402
from test_gui import type_into  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path, load_seed, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    session, _ = load_seed("004_6de04d4622149a8f")
    path = session.doc.path
    session.close()
    win = Application(make_qapplication()).open_path(path, mode="edit")
    qtbot.addWidget(win)
    yield win
    win.close()


def test_an_edit_moves_only_its_rows_and_keeps_the_selection(qtbot, window):
    controller, panel = window.controller, window.findings
    assert len(controller.findings) > 3
    resets = []
    panel.model.modelAboutToBeReset.connect(lambda: resets.append(1))
    panel.view.setCurrentIndex(panel.proxy.index(2, 0))
    selected = panel.current_finding()
    rng = random.Random(11)
    editable = [c for c in controller.session.engine.values if controller.session.cell_info(c).editable
                and not any(c in f.cells for f in controller.findings if f.key == selected.key)]
    changed_findings = 0
    for _ in range(25):
        cell = rng.choice(editable)
        before = list(controller.findings)
        view = window.show_table(cell[0])
        type_into(qtbot, view, cell, str(rng.randint(1, 10**6)))
        changed_findings += controller.findings != before
        assert panel.model.items == controller.findings == controller.session.findings()
        assert [f.key for f in controller.findings] == sorted(
            (f.key for f in controller.findings), key=lambda k: controller._by_key[k].sort_key())
    assert changed_findings > 5, "the edits should have moved findings"
    assert resets == [], "an edit reset the whole list"
    if selected.key in controller._by_key:  # still a finding: still the selected one
        assert panel.current_finding().key == selected.key


def test_undo_and_redo_are_followed_too(qtbot, window):
    controller = window.controller
    cell = next(c for c in sorted(controller.session.engine.values) if controller.session.cell_info(c).editable)
    type_into(qtbot, window.show_table(cell[0]), cell, "123456789")
    after = list(controller.findings)
    controller.undo_stack.undo()
    assert controller.findings == controller.session.findings() != after
    controller.undo_stack.redo()
    assert controller.findings == after == window.findings.model.items


def _shown(panel) -> list[str]:
    from desktop.gui.findings_panel import FINDING_ROLE

    return [panel.proxy.index(r, 0).data(FINDING_ROLE).key for r in range(panel.proxy.rowCount())]


def test_the_severity_and_table_filters_show_exactly_their_findings_and_follow_edits(qtbot, window):
    controller, panel = window.controller, window.findings
    everything = [f.key for f in controller.findings]
    assert _shown(panel) == everything  # 全部类型, 全部表: every finding, in order
    tables = sorted({f.table for f in controller.findings})
    assert len(tables) > 1, "seed 004 should have findings in several tables"
    sizes = []
    severities = [panel.severity_box.itemData(i) for i in range(1, panel.severity_box.count())]
    table_items = [panel.table_box.itemData(i) for i in range(1, panel.table_box.count())]
    for severity in severities:
        panel.severity_box.setCurrentIndex(severities.index(severity) + 1)
        for table in [None, *tables]:
            panel.table_box.setCurrentIndex(0 if table is None else table_items.index(table) + 1)
            wanted = [f.key for f in controller.findings
                      if f.severity == severity and (table is None or f.table == table)]
            assert _shown(panel) == wanted
            sizes.append(len(wanted))
            assert ("当前显示" in panel.summary.text()) == (len(wanted) != len(everything))
    assert 0 in sizes and max(sizes) > 0  # some choices show nothing, others some rows
    panel.severity_box.setCurrentIndex(0)
    table = tables[0]
    panel.table_box.setCurrentIndex(table_items.index(table) + 1)
    assert _shown(panel) == [f.key for f in controller.findings if f.table == table]
    # an edit elsewhere changes the list; the filter still shows exactly that table's findings
    cell = next(c for c in sorted(controller.session.engine.values)
                if c[0] != table and controller.session.cell_info(c).editable)
    type_into(qtbot, window.show_table(cell[0]), cell, "987654321")
    assert _shown(panel) == [f.key for f in controller.findings if f.table == table]
    panel.table_box.setCurrentIndex(0)
    assert _shown(panel) == [f.key for f in controller.findings]
