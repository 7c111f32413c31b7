"""The clerk's window: typing never lands elsewhere, Enter/Tab go to input cells, shortcuts are unique, Qt
speaks Chinese (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QAction, QKeySequence  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialogButtonBox, QLineEdit  # noqa: E402

from desktop.core.demo import build_demo  # noqa: E402
from tests.conftest import seed_path  # noqa: E402

SEED = "001_0f45429440d9ca6e"


@pytest.fixture
def window(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    win = Application(make_qapplication()).open_path(build_demo(tmp_path / "demo.gkb"))
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def form_window(qtbot, tmp_path, messages):
    seed_path(SEED)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from tools.screenshots_jixiao import seed_document

    from desktop.gui.app import Application, make_qapplication

    win = Application(make_qapplication()).open_path(seed_document("001_", tmp_path))
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    yield win
    win.close()


def values_of(win):
    return dict(win.session.engine.values)


def test_typing_on_a_total_changes_nothing_anywhere_and_says_why(qtbot, window):
    view = window.show_table("zhichu")
    total = view.model.index_of(("zhichu", "total", "jb"))
    before, log = values_of(window), window.session.doc.change_log()
    view.body.setCurrentIndex(total)
    view.body.setFocus()
    qtbot.keyClicks(view.body, "58")  # keyboard search used to jump to a row starting with 5 and edit it
    qtbot.keyClick(view.body, Qt.Key.Key_F2)
    assert view.body.state() != QAbstractItemView.State.EditingState
    assert view.body.currentIndex() == total
    assert "合计" in window.statusBar().currentMessage()
    qtbot.keyClick(view.body, Qt.Key.Key_Return)  # Enter only moves on
    qtbot.keyClicks(view.body, "8")
    assert values_of(window) == before and window.session.doc.change_log() == log


def test_typing_on_a_caption_or_code_cell_changes_nothing(qtbot, window):
    view = window.show_table("zhichu")
    before = values_of(window)
    for col in range(2):
        index = view.model.index(view.grid.row_position["2101501"], col)
        view.body.setCurrentIndex(index)
        qtbot.keyClicks(view.body, "5")
        assert view.body.currentIndex() == index and view.body.state() != QAbstractItemView.State.EditingState
        assert window.statusBar().currentMessage()
    assert values_of(window) == before


def test_a_refused_entry_stays_in_the_editor_with_the_message(qtbot, window, messages):
    view = window.show_table("zhichu")
    cell = ("zhichu", "2101501", "jb")
    index = view.model.index_of(cell)
    view.body.setCurrentIndex(index)
    view.body.setFocus()
    qtbot.keyClicks(view.body, "1")
    editor = view.body.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.insert("2万3")  # Chinese comes through the input method
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(messages))  # Qt commits queued
    qtbot.waitUntil(lambda: view.body.state() == QAbstractItemView.State.EditingState
                    and isinstance(view.body.focusWidget(), QLineEdit) and view.body.focusWidget().text() == "12万3")
    assert view.body.currentIndex() == index and messages and "12万3" in messages[-1]
    assert window.controller.value(cell) == 68205640
    editor = view.body.focusWidget()
    editor.setText("12.50")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.value(cell) == 1250)


def test_enter_and_tab_land_on_the_next_input_cell(qtbot, window):
    view = window.show_table("zhichu")
    model, body = view.model, view.body
    editable = [(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
                if model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable]
    # an input cell whose next row in the same column is a total (款/类 subtotal or 合计)
    start = next((r, c) for r, c in editable
                 if r + 1 < model.rowCount() and not model.flags(model.index(r + 1, c)) & Qt.ItemFlag.ItemIsEditable
                 and any(rr > r + 1 and cc == c for rr, cc in editable))
    body.setCurrentIndex(model.index(*start))
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_Return)
    landed = body.currentIndex()
    assert (landed.row(), landed.column()) == min((rr, cc) for rr, cc in editable if cc == start[1] and rr > start[0])
    qtbot.keyClick(body, Qt.Key.Key_Tab)
    tabbed = body.currentIndex()
    assert model.flags(tabbed) & Qt.ItemFlag.ItemIsEditable
    assert (tabbed.row(), tabbed.column()) == min(e for e in editable if e > (landed.row(), landed.column()))


def test_a_new_subject_row_puts_the_cursor_on_its_first_input_column(qtbot, window, monkeypatch):
    from desktop.gui import dialogs  # main_window imports its dialogs when one is asked for

    class Chosen:
        def __init__(self, *a, **k):
            pass

        def exec(self):
            return True

        def chosen_code(self):
            return "2101199"

    monkeypatch.setattr(dialogs, "AddRowDialog", Chosen)
    view = window.show_table("zhichu")
    window.add_row()
    current = view.body.currentIndex()
    assert view.model.body_cell(current).row_key == "2101199"
    assert view.model.flags(current) & Qt.ItemFlag.ItemIsEditable
    assert not any(view.model.flags(view.model.index(current.row(), c)) & Qt.ItemFlag.ItemIsEditable
                   for c in range(current.column()))
    qtbot.keyClicks(view.body, "7")
    qtbot.keyClick(view.body.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.value(view.model.body_cell(current).cell) == 700)


def test_tab_after_a_new_indicator_goes_to_an_input_cell_and_typing_is_kept(qtbot, form_window):
    win = form_window
    view = win.show_form(win.controller.form_keys()[0])
    grid, model = view.indicators, view.indicator_model
    first = model.form.indicators[0]
    grid.setCurrentIndex(model.index(model.row_of(first.id), model.column_of("name")))
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    new = model.last_added()
    assert new is not None and grid.currentIndex() == model.index(model.row_of(new), model.column_of("name"))
    for _ in range(model.columnCount()):
        qtbot.keyClick(grid, Qt.Key.Key_Tab)
        assert grid.currentIndex().flags() & Qt.ItemFlag.ItemIsEditable
    index = grid.currentIndex()
    qtbot.keyClicks(grid, "3")
    qtbot.keyClick(grid.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState or grid.currentIndex() != index)
    assert str(model.data(index, Qt.ItemDataRole.EditRole)).startswith("3")


def _sequences(action: QAction) -> list[str]:
    out = []
    for seq in action.shortcuts():
        text = seq.toString(QKeySequence.SequenceFormat.PortableText)
        # on a US keyboard Ctrl++ is typed as Ctrl+Shift+=: the same keys
        out.append(text.replace("Ctrl++", "Ctrl+Shift+=").replace("Ctrl+_", "Ctrl+Shift+-"))
    return [s for s in out if s]


def test_every_shortcut_in_the_window_is_unique(qtbot, form_window):
    win = form_window
    win.show_form(win.controller.form_keys()[0])  # the form view's own actions exist now
    win.show_table(win.session.tset.tables[0].key)
    seen: dict[str, str] = {}
    clashes = []
    for action in win.findChildren(QAction):
        for seq in _sequences(action):
            if seq in seen and seen[seq] != action.text():
                clashes.append((seq, seen[seq], action.text()))
            seen.setdefault(seq, action.text())
    assert not clashes, clashes
    assert "Ctrl+Shift+=" in seen and "Ctrl+=" in seen  # 增加科目行/指标 and 放大 both have their keys


def test_zoom_and_add_row_keys_both_work(qtbot, window):
    view = window.show_table("zhichu")
    view.body.setFocus()
    qtbot.keyClick(view.body, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom == 1


def test_qt_dialogs_speak_chinese(qtbot, window):
    app = QApplication.instance()
    assert app.property("gongkaiTranslators") >= 1
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert [b.text() for b in box.buttons()] == ["确定", "取消"]
    assert QApplication.translate("QMessageBox", "Show Details...") != "Show Details..."
    assert QApplication.translate("QFileDialog", "File &name:") != "File &name:"
    assert QApplication.translate("QPrintDialog", "Print") != "Print"


LONG = ("公开03表《支出决算表》 2101501 行政运行 · 基本支出（栏次2）：682,056.40 与 公开05表《一般公共预算财政拨款支出决算表》"
        "同一科目 · 基本支出 682,000.00 不一致，相差 56.40；" * 6)


def _fits(dialog) -> bool:
    frame = dialog.frameGeometry()
    return frame.width() <= 1366 and frame.height() <= 768


def test_dialogs_fit_a_1366_by_768_screen(qtbot, window, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    from desktop.gui.changelog_view import ChangeLogDialog
    from desktop.gui.dialogs import AddRowDialog, ExplainDialog, NamedRowDialog, NewDocumentDialog

    assert _fits(window)
    s = window.session
    dialogs = [ExplainDialog(LONG, "", window), NewDocumentDialog(window),
               AddRowDialog(s.codes, "func_class", s.tset.info.year, window),
               NamedRowDialog(["单位", "项目"], LONG[:60], window), ChangeLogDialog(s, window)]
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        assert _fits(dialog), (type(dialog).__name__, dialog.frameGeometry())
        dialog.close()
    # Qt's own input dialog, as the 批注 and 退回 dialogs use it, with a finding's long message
    seen = []

    def look():
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        seen.append(_fits(box))
        box.reject()

    QTimer.singleShot(200, look)
    QInputDialog.getMultiLineText(window, "对审核结果写批注", f"{LONG}\n\n批注：")
    assert seen == [True]


def test_the_explain_dialog_wraps_the_finding_and_keeps_the_reason(qtbot, window, monkeypatch):
    from desktop.gui.dialogs import ExplainDialog

    c = window.controller
    c.add_row("zhichu", "2101599", "自拟科目")  # a 提示: a code that is not on the list
    finding = next(f for f in c.findings if f.severity == "warning")
    monkeypatch.setattr(ExplainDialog, "exec", lambda self: (self.text.setPlainText("按财政批复执行"), 1)[1])
    window.explain(finding)
    assert window.controller.explanations[finding.key]["text"] == "按财政批复执行"


def _pdf_text(path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    import unicodedata

    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    out = unicodedata.normalize("NFKC", out).replace(" ", "")  # the PDF's CJK radicals back to characters
    return out.replace("\u2eda", "页").replace("\u2ed4", "门")  # two radicals NFKC leaves alone


def test_a_form_prints_from_the_window_with_ctrl_p(qtbot, form_window, tmp_path, messages):
    win = form_window
    view = win.show_form(win.controller.form_keys()[0])
    target = tmp_path / "form.pdf"
    assert win.review_ui.print_table(str(target)) == str(target)
    assert not messages  # no 请先打开要打印的公开表
    text = _pdf_text(target)
    assert view.title.text()[:6] in text and "第1页" in text


def test_print_all_covers_every_table_with_its_notes_and_every_form(qtbot, form_window, tmp_path):
    win = form_window
    target = tmp_path / "all.pdf"
    assert win.print_all(str(target)) == str(target)
    compact = _pdf_text(target)
    for table in win.session.tset.tables:
        assert table.label in compact
    assert "注:本表反映部门本年度的总收支" in compact
    assert compact.count("绩效") >= len(win.session.forms.forms())


def test_export_from_the_window_writes_tables_forms_and_the_review_sheet(qtbot, form_window, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QMessageBox

    from desktop.gui.export_all import ExportChoice

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    win = form_window
    target = win.export_excel(tmp_path / "全部.xlsx", ExportChoice(tables=True, forms=True, review=True))
    wb = load_workbook(target)
    forms = [f.title for f in win.session.forms.forms()]
    assert len(wb.sheetnames) == len(win.session.tset.tables) + len(forms) + 2  # + 审核情况 + hidden shapes
    assert "审核情况" in wb.sheetnames and wb["_gongkai"].sheet_state == "hidden"
    review = wb["审核情况"]
    names = [review.cell(r, 1).value for r in range(3, review.max_row + 1)]
    assert len(names) == len(win.session.tset.tables) + len(forms)
    assert not [n for n in names if "shanxi" in n or "jixiao:" in n]  # titles, not internal ids


def test_a_cancelled_export_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    from desktop.gui import export_all

    target = tmp_path / "x.xlsx"
    target.write_bytes(b"old")

    def cancelled(parent, label, total, work):
        return work(lambda: False)

    monkeypatch.setattr(export_all, "run_with_progress", cancelled)
    assert window.export_excel(target, export_all.ExportChoice()) is None
    assert target.read_bytes() == b"old" and "取消" in window.statusBar().currentMessage()


def test_fill_down_copies_the_top_figure_into_the_input_cells_below(qtbot, window):
    view = window.show_table("zhichu")
    model, body = view.model, view.body
    col = model.index_of(("zhichu", "2101501", "jb")).column()
    inputs = [r for r in range(model.rowCount()) if body.can_fill(model.index(r, col))]
    top, bottom = inputs[0], inputs[2]
    body.select_cells([model.index(r, col) for r in range(top, bottom + 1)])
    steps = window.controller.undo_stack.count()
    qtbot.keyClick(body, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    first = model.body_cell(model.index(top, col)).cell
    for r in inputs[:3]:
        assert window.controller.value(model.body_cell(model.index(r, col)).cell) == window.controller.value(first)
    assert window.controller.undo_stack.count() == steps + 1  # one undo step


def test_go_to_a_table_or_a_row(qtbot, window):
    from desktop.gui import clerk_actions

    assert clerk_actions.go_to(window, "公开05")
    assert window.current_view().table.key == "ybgg_zhichu" or window.current_view().table.label == "公开05表"
    view = window.show_table("zhichu")
    assert clerk_actions.go_to(window, "2101501")
    current = view.body.currentIndex()
    assert view.model.body_cell(current).row_key == "2101501" and view.body.can_fill(current)
    assert not clerk_actions.go_to(window, "不存在的项目")
    assert "没有" in window.statusBar().currentMessage()


def test_the_file_menu_has_recent_files_and_quit_and_grids_have_a_context_menu(qtbot, window):
    from desktop.gui import clerk_actions

    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "最近文件" in texts and "退出" in texts
    window.recent_menu.aboutToShow.emit()
    assert any(window.session.doc.path.name in a.text() for a in window.recent_menu.actions())
    view = window.show_table("zhichu")
    menu = clerk_actions.grid_menu(window, view.body, view.body.rect().center())
    labels = [a.text() for a in menu.actions()]
    for wanted in ("复制", "粘贴", "清除内容", "向下填充", "定位…", "自动调整列宽"):
        assert wanted in labels
    before = view.body.columnWidth(1)
    view.body.setColumnWidth(1, 20)
    clerk_actions.autofit(window)
    assert view.body.columnWidth(1) > 20 and view.header.columnWidth(1) == view.body.columnWidth(1)
    assert before > 0


def test_a_figure_still_in_its_editor_is_saved_when_the_window_closes(qtbot, window):
    view = window.show_table("zhichu")
    cell = ("zhichu", "2101501", "jb")
    path = window.session.doc.path
    view.body.setCurrentIndex(view.model.index_of(cell))
    view.body.setFocus()
    qtbot.keyClicks(view.body, "7")
    editor = view.body.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "00")
    window.close()  # no Enter: Excel keeps what was typed, and so does the file
    from desktop.core.session import Session

    reopened = Session.open(path, readonly=True)
    try:
        assert reopened.value(cell) == 70000
    finally:
        reopened.close()
