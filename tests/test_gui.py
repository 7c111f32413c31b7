"""The desktop application driven through its real widgets, offscreen (pytest-qt)."""

from __future__ import annotations

import os
import stat

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QMessageBox  # noqa: E402

from desktop.core.demo import build_demo  # noqa: E402
from desktop.core.session import Session  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    app = Application(make_qapplication())
    win = app.open_path(build_demo(tmp_path / "demo.gkb"))
    qtbot.addWidget(win)
    win.activateWindow()
    qtbot.waitExposed(win)
    yield win
    win.close()


def type_into(qtbot, view, cell, text):
    """Select ``cell`` in the grid, type ``text`` as a clerk would and press Enter."""
    index = view.model.index_of(cell)
    view.body.setCurrentIndex(index)
    view.body.setFocus()
    if text.isascii():
        qtbot.keyClicks(view.body, text[0])  # typing replaces, as in Excel
    else:
        qtbot.keyClick(view.body, Qt.Key.Key_F2)  # Chinese comes through the input method: F2, then text
    editor = view.body.indexWidget(index) or view.body.focusWidget()
    assert editor is not view.body, "typing did not open the cell editor"
    if text.isascii():
        qtbot.keyClicks(editor, text[1:])
    else:
        editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits queued; a refused entry comes back in a new editor (with the typed text), an accepted one not
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState
                    or view.body.focusWidget() is not editor)


def errors_on(win, cell):
    return [f for f in win.controller.by_cell.get(cell, []) if f.severity == "error"]


def test_typing_a_figure_raises_a_finding_and_typing_it_back_clears_it(qtbot, window):
    view = window.show_table("zhichu")
    cell = ("zhichu", "2101501", "jb")
    assert window.controller.value(cell) == 68205640
    type_into(qtbot, view, cell, "682,000.40")
    assert window.controller.value(cell) == 68200040
    # the 款/类/合计 follow, and the cross-table relations with 公开01/04/05 now fail
    assert window.controller.value(("zhichu", "total", "jb")) == 643236627 - 5600
    assert any(f.table != "zhichu" for f in window.controller.findings)
    assert view.model.index_of(cell).row() + 1 == view.body.currentIndex().row()  # Enter moved down
    panel_rows = window.findings.proxy.rowCount()
    assert panel_rows == len(window.controller.findings) > 0
    type_into(qtbot, view, cell, "682056.40")
    assert window.controller.findings == []
    assert window.findings.proxy.rowCount() == 0
    assert "没有发现问题" in window.findings.summary.text()


def test_a_non_number_is_refused_with_a_message_and_changes_nothing(qtbot, window, messages):
    view = window.show_table("zhichu")
    cell = ("zhichu", "2101501", "jb")
    before = window.session.doc.change_log()
    type_into(qtbot, view, cell, "六十万")
    assert window.controller.value(cell) == 68205640
    assert messages and "六十万" in messages[-1]
    assert window.session.doc.change_log() == before
    assert window.controller.undo_stack.count() == 0


def test_paste_a_block_is_one_undo_step_and_undo_redo_restore_exactly(qtbot, window):
    view = window.show_table("zhichu")
    start = view.model.index_of(("zhichu", "2101501", "jb"))
    view.body.setCurrentIndex(start)
    assert view.body.paste("700000\t99304.30\n1,000.00\t201874\n")
    c = window.controller
    assert c.value(("zhichu", "2101501", "jb")) == 70000000
    assert c.value(("zhichu", "2101501", "xm")) == 9930430
    assert c.value(("zhichu", "2101506", "jb")) == 100000
    assert c.value(("zhichu", "2101506", "xm")) == 20187400
    assert c.undo_stack.count() == 1
    changed_total = c.value(("zhichu", "total", "jb"))
    c.undo_stack.undo()
    assert c.value(("zhichu", "2101501", "jb")) == 68205640
    assert c.value(("zhichu", "2101506", "jb")) is None
    assert c.value(("zhichu", "total", "jb")) == 643236627
    assert c.findings == []
    c.undo_stack.redo()
    assert c.value(("zhichu", "2101506", "xm")) == 20187400
    assert c.value(("zhichu", "total", "jb")) == changed_total
    # what is on screen is what is in the file
    reopened = Session.open(window.session.doc.path, readonly=True)
    try:
        assert reopened.value(("zhichu", "2101506", "xm")) == 20187400
    finally:
        reopened.close()


def test_a_bad_cell_in_a_pasted_block_refuses_the_whole_paste(qtbot, window, messages):
    view = window.show_table("zhichu")
    view.body.setCurrentIndex(view.model.index_of(("zhichu", "2101501", "jb")))
    assert not view.body.paste("1\tabc\n")
    assert window.controller.value(("zhichu", "2101501", "jb")) == 68205640
    assert "abc" in messages[-1] or "数字" in messages[-1]


def test_delete_clears_the_selection_in_one_step(qtbot, window):
    view = window.show_table("zhichu")
    cells = [("zhichu", "2101501", "jb"), ("zhichu", "2101501", "xm")]
    view.body.select_cells([view.model.index_of(c) for c in cells])
    view.body.setFocus()
    qtbot.keyClick(view.body, Qt.Key.Key_Delete)
    assert [window.controller.value(c) for c in cells] == [None, None]
    window.controller.undo_stack.undo()
    assert window.controller.value(cells[0]) == 68205640


def test_copy_gives_tab_separated_plain_figures(qtbot, window):
    view = window.show_table("zhichu")
    cells = [("zhichu", "2101501", "total"), ("zhichu", "2101501", "jb")]
    view.body.select_cells([view.model.index_of(c) for c in cells])
    assert view.body.copy_selection() == "799360.70\t682056.40\n"


def test_double_click_on_a_finding_jumps_to_and_selects_its_cells(qtbot, window):
    window.controller.set_texts({("shouzhi_zongbiao", "in_sy", "amount"): "12.5"})
    finding = next(f for f in window.controller.findings if f.table == "shouru")
    window.jump_to(finding)
    view = window.current_view()
    assert view.table.key == "shouru"
    selected = {view.model.body_cell(i).cell for i in view.body.selectionModel().selectedIndexes()}
    assert selected == {c for c in finding.cells if c[0] == "shouru"}


def test_adding_a_floating_row_brings_its_kuan_lei_and_total(qtbot, window):
    view = window.show_table("zhichu")
    c = window.controller
    rows_before = view.model.rowCount()
    assert c.add_row("zhichu", "2080505")
    codes = window.session.rows.floating_codes("zhichu")
    assert {"208", "20805", "2080505"} <= set(codes)
    assert view.model.rowCount() == rows_before + 3
    assert window.session.rows.get("zhichu", "20805").label == "行政事业单位养老支出"
    c.set_texts({("zhichu", "2080505", "jb"): "100"})
    assert c.value(("zhichu", "20805", "jb")) == 10000
    assert c.value(("zhichu", "208", "total")) == 10000
    assert c.value(("zhichu", "total", "jb")) == 643236627 + 10000
    position = view.grid.row_position
    assert position["208"] < position["20805"] < position["2080505"] < position["210"]
    c.undo_stack.undo()  # the figure
    c.undo_stack.undo()  # the rows
    assert "208" not in window.session.rows.floating_codes("zhichu")
    assert view.model.rowCount() == rows_before


def test_removing_a_row_can_be_undone_with_its_figures(qtbot, window):
    c = window.controller
    assert c.remove_row("zhichu", "2101506")
    assert "2101506" not in window.session.rows.floating_codes("zhichu")
    assert c.value(("zhichu", "21015", "xm")) == 32017830 - 20287400
    c.undo_stack.undo()
    assert c.value(("zhichu", "2101506", "xm")) == 20287400
    assert c.value(("zhichu", "21015", "xm")) == 32017830


def test_a_read_only_file_opens_with_editing_disabled(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    path = build_demo(tmp_path / "ro.gkb")
    before = path.read_bytes()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        app = Application(make_qapplication())
        win = app.open_path(path)
        qtbot.addWidget(win)
        if os.geteuid() == 0:
            pytest.skip("root can write read-only files")
        assert win.controller.readonly and win.banner.isVisibleTo(win)
        view = win.show_table("zhichu")
        index = view.model.index_of(("zhichu", "2101501", "jb"))
        assert not view.model.flags(index) & Qt.ItemFlag.ItemIsEditable
        assert not win.act_add_row.isEnabled()
        win.close()
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert path.read_bytes() == before


def test_a_file_someone_else_is_editing_opens_read_only_with_editing_disabled(qtbot, tmp_path, monkeypatch):
    """Works as root too: the read-only view comes from another computer's edit lock, not file modes."""
    import json

    from desktop.core.document.lock import lock_path
    from desktop.gui import open_mode

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    path = build_demo(tmp_path / "shared.gkb")
    lock_path(path).write_text(json.dumps({"user": "王出纳", "host": "财务科-PC2", "pid": 1, "at": "2026-11-22T09:30:00"}))
    before = path.read_bytes()
    offered = []
    monkeypatch.setattr(open_mode, "ask_readonly", lambda parent, reason: offered.append(reason) or True)
    win = Application(make_qapplication()).open_path(path)
    qtbot.addWidget(win)
    assert offered and "王出纳" in offered[0]  # the clerk is told who has it before the read-only view opens
    assert win.controller.readonly and win.banner.isVisibleTo(win) and "王出纳" in win.banner.text()
    view = win.show_table("zhichu")
    index = view.model.index_of(("zhichu", "2101501", "jb"))
    assert not view.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not win.act_add_row.isEnabled()
    view.body.setCurrentIndex(index)
    assert not view.body.paste("1\t2\n")
    win.close()
    assert path.read_bytes() == before


def test_a_foreign_file_gets_a_chinese_message_and_no_window(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    bad = tmp_path / "notes.gkb"
    bad.write_bytes(b"just some text, not a document")
    app = Application(make_qapplication())
    assert app.open_path(bad) is None
    assert messages and "文件" in messages[-1]
    assert bad.read_bytes() == b"just some text, not a document"


def test_explanation_is_kept_and_goes_stale_when_the_figures_move(qtbot, window):
    c = window.controller
    warnings = [f for f in c.findings if f.severity == "warning"]
    if not warnings:  # make a 提示: an unknown well-formed code with a name that is not on the list
        c.add_row("zhichu", "2101599", "自拟科目")
        warnings = [f for f in c.findings if f.severity == "warning"]
    assert warnings
    finding = warnings[0]
    assert c.explain(finding, "编码表未收录，按财政下达科目填列")
    assert c.explanation(finding).value == "explained"
    assert "已说明" in window.findings.model._explanation_text(finding)


def test_models_pass_the_qt_model_tester(qtbot, qtmodeltester, window):
    for key in ("shouzhi_zongbiao", "zhichu", "jiben_mingxi", "xinxi_tongji"):
        view = window.show_table(key)
        qtmodeltester.check(view.model, force_py=True)
        qtmodeltester.check(view.header.model(), force_py=True)
    qtmodeltester.check(window.findings.model, force_py=True)
    qtmodeltester.check(window.findings.proxy, force_py=True)


def test_status_bar_sums_the_selection(qtbot, window):
    view = window.show_table("zhichu")
    cells = [("zhichu", "2101501", "jb"), ("zhichu", "2101550", "jb")]
    view.body.select_cells([view.model.index_of(c) for c in cells])
    assert "求和：6,371,136.27" in window.selection_label.text()
    assert "计数：2" in window.selection_label.text()


def test_find_goes_to_the_next_matching_cell(qtbot, window):
    window.find_box.setText("2101506")
    expected = [t.key for t in window.session.tset.tables
                if "2101506" in window.session.rows.floating_codes(t.key)]
    assert expected[:2] == ["shouru", "zhichu"]
    found = []
    for _ in range(len(expected) + 1):
        assert window.find_next()
        view = window.current_view()
        assert view.model.body_cell(view.body.currentIndex()).text == "2101506"
        found.append(view.table.key)
    assert found == expected + expected[:1]  # table by table in printed order, then round again
    window.find_box.setText("没有这个词")
    assert not window.find_next()


@pytest.fixture
def yusuan_window(qtbot, tmp_path, load_seed, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    session, conversion = load_seed("004_6de04d4622149a8f")
    assert not conversion.unplaced
    path = session.doc.path
    session.close()
    win = Application(make_qapplication()).open_path(path)
    qtbot.addWidget(win)
    yield win
    win.close()


def test_a_yusuan_document_shows_every_table_and_its_rounding_notes(qtbot, qtmodeltester, yusuan_window):
    win = yusuan_window
    assert win.controller.tset.info.kind == "预算"
    for table in win.controller.tset.tables:
        view = win.show_table(table.key)
        qtmodeltester.check(view.model, force_py=True)
        assert view.grid.row_count > 0
    severities = {f.severity for f in win.controller.findings}
    assert "error" not in severities and "rounding" in severities
    view = win.show_table("jiben_jingji")  # 表6: the 政府经济科目 name printed beside the 部门经济科目
    row = view.grid.row_position["30101_50501"]
    texts = [view.model.display_text(c) for c in view.grid.body[row]]
    assert texts[0].strip() == "基本工资" and texts[1] == "工资福利支出"  # 部门 then 政府经济科目 name


def test_named_and_paired_rows_are_added_and_undone_in_a_yusuan_document(qtbot, yusuan_window):
    win, c = yusuan_window, yusuan_window.controller
    key = c.add_named_row("xiangmu_bennian", "医保信息化建设", parent="01")
    assert key and key.startswith("01") and len(key) == 4
    assert c.session.rows.get("xiangmu_bennian", key).label == "医保信息化建设"
    view = win.show_table("xiangmu_bennian")
    assert key in view.grid.row_position
    c.undo_stack.undo()
    assert key not in c.session.rows.floating_codes("xiangmu_bennian")
    assert c.add_row("jiben_jingji", "30107_50101")
    assert c.session.rows.get("jiben_jingji", "30107_50101") is not None
    c.undo_stack.undo()
    assert c.session.rows.get("jiben_jingji", "30107_50101") is None


def test_export_to_excel_and_import_it_back_from_the_file_menu(qtbot, window, tmp_path, monkeypatch):
    pytest.importorskip("desktop.core.formats.xlsx_import")
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    workbook = window.export_excel(tmp_path / "导出.xlsx")
    assert workbook is not None and workbook.stat().st_size > 0
    created = window.import_excel(workbook, tmp_path / "导回.gkb")
    assert created == tmp_path / "导回.gkb"
    reopened = window.hooks.windows[-1]
    assert reopened is not window and reopened.session.doc.path == created
    assert reopened.session.doc.values() == window.session.doc.values()
    assert reopened.session.doc.floating_rows() == window.session.doc.floating_rows()
    reopened.close()


def test_a_bad_workbook_is_refused_with_a_message_and_creates_nothing(qtbot, window, tmp_path, messages):
    pytest.importorskip("desktop.core.formats.xlsx_import")
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    assert window.import_excel(bad, tmp_path / "x.gkb") is None
    assert not (tmp_path / "x.gkb").exists()
    assert messages and "未能导入" in messages[-1]


def test_table_and_findings_models_pass_the_tester_without_any_view(qtbot, request, tmp_path):
    from pytestqt.modeltest import ModelTester

    from desktop.gui.controller import DocumentController

    def check(model) -> None:  # one tester per model: a tester validates every later signal of its model
        ModelTester(request.config).check(model, force_py=True)

    from desktop.gui.findings_panel import FindingsModel
    from desktop.gui.table_model import HeaderModel, TableModel

    session = Session.open(build_demo(tmp_path / "bare.gkb"))
    try:
        controller = DocumentController(session, "测试员")
        models = [TableModel(controller, t.key) for t in session.tset.tables]
        headers = [HeaderModel(model.grid) for model in models]
        for model in models + headers:
            check(model)
        findings = FindingsModel(controller)
        check(findings)
        controller.set_texts({("shouzhi_zongbiao", "in_sy", "amount"): "5"})  # rows appear under the tester
        assert findings.rowCount() == len(controller.findings) > 0
        controller.add_row("zhichu", "2080505")  # a reset of the 公开03 model under the tester
        zhichu = models[[t.key for t in session.tset.tables].index("zhichu")]
        assert zhichu.rowCount() == zhichu.grid.row_count and "2080505" in zhichu.grid.row_position
    finally:
        session.close()


def test_the_header_scrolls_with_the_body_to_the_last_pixel(qtbot, window):
    window.resize(900, 700)
    view = window.show_table("jiben_mingxi")  # 16 columns: wider than the window
    qtbot.waitUntil(lambda: view.body.horizontalScrollBar().maximum() > 0)
    bar = view.body.horizontalScrollBar()
    for value in (bar.maximum() // 3, bar.maximum()):
        bar.setValue(value)
        for col in (0, 5, view.grid.column_count - 1):
            assert view.header.columnViewportPosition(col) == view.body.columnViewportPosition(col)


def test_every_table_of_every_shipped_set_lays_out_and_takes_a_figure(qtbot, tmp_path):
    """A new document of each set: every table laid out, 本表无数据 shown, its first input cell typed into."""
    from desktop.core.definitions import all_sets
    from desktop.core.document import Document
    from desktop.gui.controller import DocumentController
    from desktop.gui.form_view import FormView

    for tset in all_sets().values():
        path = tmp_path / f"{tset.id}.gkb"
        Document.create(path, {"set_id": tset.id, "unit_name": "测试单位", "year": str(tset.info.year),
                               "money_unit": tset.info.money_unit}).close()
        session = Session.open(path)
        try:
            controller = DocumentController(session, "测试员")
            for table in tset.tables:
                view = FormView(controller, table.key)
                qtbot.addWidget(view)
                assert view.grid.header_rows >= 1 and view.grid.row_count >= 1, (tset.id, table.key)
                assert view.empty_note.isVisibleTo(view)  # a new document: 本表无数据
                shown = {c: view.model.is_editable(view.model.grid.at(*view.grid.position[c]))
                         for c in view.grid.value_cells()}
                # the model answers per painted cell as the session would for the whole table
                assert shown == {c: session.cell_info(c).editable for c in shown}, (tset.id, table.key)
                inputs = [c for c, editable in shown.items() if editable]
                if inputs:
                    assert controller.set_texts({inputs[0]: "1"}), (tset.id, table.key)
                    assert controller.value(inputs[0]) == 100
                    assert not view.empty_note.isVisibleTo(view)
        finally:
            session.close()
