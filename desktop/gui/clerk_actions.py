"""Excel/WPS habits of the document window: the right-click menu, 向下填充 (Ctrl+D), 定位 (Ctrl+G),
自动调整列宽, 最近文件 and 退出 in the 文件 menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from ..core.i18n import N_, tr
from . import settings as app_settings


def install(window) -> None:  # noqa: ANN001 - MainWindow
    """Add the actions to the window's 编辑 and 文件 menus."""
    edit = window.menuBar().actions()[1].menu()
    window.act_fill_down = edit.addAction(tr("向下填充"), QKeySequence("Ctrl+D"), lambda: fill_down(window))
    window.act_goto = edit.addAction(tr("定位…"), QKeySequence("Ctrl+G"), lambda: go_to(window))
    window.act_autofit = edit.addAction(tr("自动调整列宽"), lambda: autofit(window))
    for act in (window.act_fill_down, window.act_goto):
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.act_fill_down.setEnabled(not window.controller.readonly)
    file_menu = window.menuBar().actions()[0].menu()
    close = file_menu.actions()[-1]
    window.recent_menu = QMenu(tr("最近文件"), window)
    window.recent_menu.aboutToShow.connect(lambda: _fill_recent(window))
    file_menu.insertMenu(close, window.recent_menu)
    file_menu.insertSeparator(close)
    window.act_quit = file_menu.addAction(tr("退出"), QKeySequence("Ctrl+Q"), QApplication.closeAllWindows)


def _fill_recent(window) -> None:  # noqa: ANN001
    menu = window.recent_menu
    menu.clear()
    files = [f for f in app_settings.recent_files() if Path(f).exists()]
    for n, name in enumerate(files[:9], 1):
        menu.addAction(f"&{n} {Path(name).name}　{Path(name).parent}", lambda p=name: _open(window, p))
    if not files:
        menu.addAction(tr("（没有最近打开的文件）")).setEnabled(False)


def _open(window, path: str) -> None:  # noqa: ANN001
    if window.hooks is not None:
        window.hooks.open_path(Path(path), window)


def grid_menu(window, grid, pos: QPoint) -> QMenu:  # noqa: ANN001 - MainWindow, GridView
    """The right-click menu of a grid: the 编辑 actions a clerk reaches for, acting on that grid."""
    menu = QMenu(grid)
    menu.addAction(tr("复制"), QKeySequence.StandardKey.Copy, grid.copy_selection)
    menu.addAction(tr("粘贴"), QKeySequence.StandardKey.Paste,
                   lambda: grid.paste(QApplication.clipboard().text())).setEnabled(not window.controller.readonly)
    menu.addAction(tr("清除内容"), QKeySequence.StandardKey.Delete,
                   grid.clear_selection_values).setEnabled(not window.controller.readonly)
    menu.addAction(window.act_fill_down)
    menu.addSeparator()
    if window.act_add_row.isEnabled():
        menu.addAction(window.act_add_row)
        menu.addAction(window.act_remove_row)
        menu.addSeparator()
    comment = getattr(getattr(window, "review_ui", None), "act_comment", None)
    if comment is not None:
        menu.addAction(comment)
    menu.addAction(window.act_goto)
    menu.addAction(tr("自动调整列宽"), lambda: autofit(window, grid))
    return menu


def show_grid_menu(window, grid, pos: QPoint) -> None:  # noqa: ANN001
    grid_menu(window, grid, pos).popup(grid.viewport().mapToGlobal(pos))


def fill_down(window) -> bool:  # noqa: ANN001
    """Ctrl+D: the first row of the selection copied into the rows below it (one row selected: the cell above
    copied into it), only into cells a clerk can fill, as one undo step."""
    grid = window.current_grid()
    if grid is None or window.controller.readonly:
        return False
    bounds = grid.selected_bounds()
    if bounds is None:
        return False
    top, left, bottom, right = bounds
    model = grid.model()
    source = top if bottom > top else top - 1
    if source < 0:
        return False
    edits = []
    for c in range(left, right + 1):
        text = str(model.index(source, c).data(Qt.ItemDataRole.EditRole) or "")
        for r in range(source + 1, bottom + 1):
            index = model.index(r, c)
            if grid.can_fill(index):
                edits.append((index, text))
    if not edits:
        window.statusBar().showMessage(tr("选中的单元格都不能填写（合计或项目名称），没有填充。"), 8000)
        return False
    return grid.apply_edits(edits, N_("向下填充"))


def go_to(window, text: str | None = None) -> bool:  # noqa: ANN001
    """Ctrl+G: a table (公开03 / 表3), or a row of the current table by 行次, 科目编码 or part of its name."""
    if text is None:
        from PySide6.QtWidgets import QInputDialog  # dialogs load when first shown, not at start

        text, ok = QInputDialog.getText(window, tr("定位"), tr("表号（如 公开03、表5），或本表的行次、科目编码、项目名称："))
        if not ok:
            return False
    wanted = text.strip()
    if not wanted:
        return False
    for table in window.session.tset.tables:
        if wanted in (table.key, table.label, table.label.rstrip("表")) or table.label.endswith(wanted) \
                or table.label.rstrip("表").endswith(wanted):
            view = window.show_table(table.key)
            view.body.setFocus()
            return True
    view = window.current_view()
    if view is None:
        return False
    grid = view.grid
    for r, row in enumerate(grid.body):
        texts = {c.text.strip() for c in row if c.cell is None}
        keys = {c.row_key for c in row if c.row_key}
        if wanted in texts or wanted in keys or any(wanted in t for t in texts if len(wanted) > 1 and not t.isdigit()):
            view.body.select_cells([view.body.first_input_in_row(r)])
            view.body.setFocus()
            return True
    window.statusBar().showMessage(tr("本表没有“{wanted}”：请输入行次、科目编码或项目名称。", wanted=wanted), 8000)
    return False


def autofit(window, grid=None) -> None:  # noqa: ANN001
    """Widen (or narrow) every column of the grid to its contents, as a double-click on the divider does."""
    grid = grid or window.current_grid()
    if grid is None:
        return
    for c in range(grid.model().columnCount()):
        grid.resizeColumnToContents(c)
