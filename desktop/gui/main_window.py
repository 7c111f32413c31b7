"""The document window: table list, the table as printed, the 审核结果 panel, menus and status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import tr
from ..core.money import format_amount
from ..core.narrative.names import NARRATIVE_TABLE
from ..core.rules.findings import Finding
from ..core.session import Session
from . import clerk_actions, huizong_menu, narrative_actions, review_ui
from . import settings as app_settings
from .app_name import APP_NAME
from .controller import DocumentController, form_id_of
from .findings_panel import FindingsPanel
from .form_view import FormView
from .tables_panel import TablesPanel


def _jixiao_actions():  # noqa: ANN202 - 新建/删除绩效表, loaded when first needed
    from . import jixiao_actions

    return jixiao_actions


def _jixiao():  # noqa: ANN202 - the 绩效 form view module, loaded when first needed
    from . import jixiao_view

    return jixiao_view


class MainWindow(QMainWindow):
    """One open document."""

    def __init__(self, session: Session, app_hooks: object | None = None) -> None:
        super().__init__()
        self.session = session
        self.hooks = app_hooks
        self.controller = DocumentController(session, app_settings.user_name(), self)
        self.views: dict[str, FormView] = {}
        self.form_views: dict[str, QWidget] = {}
        self.zoom = 0
        self.setObjectName("documentWindow")

        self.stack = QStackedWidget()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff4ce; color:#5c4400; padding:6px; border-bottom:1px solid #e0c97a;")
        self.banner.setVisible(self.controller.readonly)
        if self.controller.readonly:
            self.banner.setText(tr("只读：{reason}。可以查看和审核，不能修改数字。",
                                    reason=session.doc.readonly_reason or tr("文件以只读方式打开")))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.tables = TablesPanel(self.controller)
        dock = QDockWidget(tr("表"), self)
        dock.setObjectName("tablesDock")
        dock.setWidget(self.tables)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.findings = FindingsPanel(self.controller)
        self.findings_dock = QDockWidget(tr("审核结果"), self)
        self.findings_dock.setObjectName("findingsDock")
        self.findings_dock.setWidget(self.findings)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.findings_dock)

        self.user_label = QLabel()
        self.selection_label = QLabel()
        self.statusBar().addPermanentWidget(self.selection_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self._update_user()

        self._build_actions()
        clerk_actions.install(self)  # 向下填充, 定位, 自动调整列宽, 最近文件, 退出
        self.tables.tableSelected.connect(self.show_table)
        self.findings.jumpRequested.connect(self.jump_to)
        self.findings.explainRequested.connect(self.explain)
        self.controller.errorOccurred.connect(self.show_error)
        self.controller.formsClosing.connect(lambda ids: _jixiao_actions().close_views(self, ids))
        self._update_title()
        self._fit_screen(1280, 820)
        self.resizeDocks([dock], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.findings_dock], [190], Qt.Orientation.Vertical)
        self.review_ui = review_ui.install(self)  # 审阅 menu, 批注 dock, table states, seal bar
        self.narrative_ui = narrative_actions.install(self)  # 情况说明 entry, screen and menu
        self.huizong_menu = huizong_menu.install(self)  # 汇总 menu: 汇总单位文件, 追溯, 批量审核
        self._restore_layout()
        first = session.tset.tables[0].key
        self.tables.select_table(first)
        self.show_table(first)
        self.review_ui.layout_restored()  # 退回 reasons and open 批注 show even if the saved layout hid them

    def _fit_screen(self, width: int, height: int) -> None:
        """The wished size, or less on a small screen (a 1366×768 laptop keeps the title bar and task bar)."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None and screen.width() > 0:
            width, height = min(width, screen.width() - 20), min(height, screen.height() - 40)
        self.resize(width, height)

    # -- actions --------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("文件(&F)"))
        self.act_new = file_menu.addAction(tr("新建…"), QKeySequence.StandardKey.New, self._new)
        self.act_open = file_menu.addAction(tr("打开…"), QKeySequence.StandardKey.Open, self._open)
        file_menu.addSeparator()
        self.act_save_as = file_menu.addAction(tr("另存为…"), QKeySequence.StandardKey.SaveAs, self._save_as)
        file_menu.addSeparator()
        self.act_export = file_menu.addAction(tr("导出 Excel…"), QKeySequence("Ctrl+E"), lambda: self.export_excel())
        self.act_import = file_menu.addAction(tr("导入 Excel…"), QKeySequence("Ctrl+I"), lambda: self.import_excel())
        self.act_print_all = file_menu.addAction(tr("打印全部（公开表＋绩效表）…"), QKeySequence("Ctrl+Shift+P"),
                                                 lambda: self.print_all())
        file_menu.addSeparator()
        self.act_user = file_menu.addAction(tr("我的姓名…"), self._ask_user)
        file_menu.addSeparator()
        file_menu.addAction(tr("关闭"), QKeySequence.StandardKey.Close, self.close)

        edit = bar.addMenu(tr("编辑(&E)"))
        self.act_undo = self.controller.undo_stack.createUndoAction(self)
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.controller.undo_stack.createRedoAction(self)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        edit.addSeparator()
        edit.addAction(tr("复制"), QKeySequence.StandardKey.Copy, lambda: self.current_grid() and self.current_grid().copy_selection())
        edit.addAction(tr("粘贴"), QKeySequence.StandardKey.Paste, self._paste)
        edit.addAction(tr("清除内容"), QKeySequence.StandardKey.Delete,
                       lambda: self.current_grid() and self.current_grid().clear_selection_values())
        edit.addSeparator()
        self.act_find = edit.addAction(tr("查找…"), QKeySequence.StandardKey.Find, self._focus_find)
        edit.addSeparator()
        self.act_add_row = edit.addAction(tr("增加科目行…"), QKeySequence("Ctrl+Shift+="), self.add_row)
        self.act_remove_row = edit.addAction(tr("删除科目行"), QKeySequence("Ctrl+Shift+-"), self.remove_row)
        edit.addSeparator()
        self.act_new_form = edit.addAction(tr("新建绩效表…"), lambda: _jixiao().new_form(self))
        self.act_remove_form = edit.addAction(tr("删除绩效表"), lambda: _jixiao().remove_form(self))
        for act in edit.actions():
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        view = bar.addMenu(tr("视图(&V)"))
        # Ctrl+= / Ctrl+- (not the platform's Ctrl++, which is the same keys as 增加科目行's Ctrl+Shift+=)
        view.addAction(tr("放大"), QKeySequence("Ctrl+="), lambda: self.zoom_by(1))
        view.addAction(tr("缩小"), QKeySequence("Ctrl+-"), lambda: self.zoom_by(-1))
        view.addAction(tr("实际大小"), QKeySequence("Ctrl+0"), lambda: self.zoom_by(-self.zoom))
        view.addSeparator()
        view.addAction(self.findings_dock.toggleViewAction())

        help_menu = bar.addMenu(tr("帮助(&H)"))
        help_menu.addAction(tr("用户手册"), QKeySequence("F1"), self._open_guide)
        help_menu.addAction(tr("关于"), self._about)

        tools = QToolBar(tr("工具栏"))
        tools.setObjectName("mainToolbar")
        tools.setMovable(False)
        tools.addAction(self.act_undo)
        tools.addAction(self.act_redo)
        tools.addSeparator()
        tools.addAction(self.act_add_row)
        tools.addAction(self.act_remove_row)
        tools.addSeparator()
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText(tr("查找项目、编码或金额（Ctrl+F，回车找下一个）"))
        self.find_box.setClearButtonEnabled(True)
        self.find_box.setMaximumWidth(320)
        self.find_box.returnPressed.connect(self.find_next)
        tools.addWidget(self.find_box)
        self.addToolBar(tools)
        readonly = self.controller.readonly
        for act in (self.act_add_row, self.act_remove_row, self.act_new_form, self.act_remove_form):
            act.setEnabled(not readonly)

    # -- tables ---------------------------------------------------------------------------------
    def current_view(self) -> FormView | None:
        """The current 公开表 view (None while a 绩效 form is shown)."""
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, FormView) else None

    def current_grid(self):  # noqa: ANN201 - GridView | None: the table's body or a 绩效 form's current grid
        view = self.current_view()
        return view.body if view is not None else getattr(self.stack.currentWidget(), "current_grid", lambda: None)()

    def form_view_for(self, key: str) -> QWidget:
        view = self.form_views.get(key)
        if view is None:
            from .jixiao_view import JixiaoFormView

            view = JixiaoFormView(self.controller, form_id_of(key))
            for grid in (view.funding, view.indicators):
                grid.customContextMenuRequested.connect(
                    lambda pos, g=grid: clerk_actions.show_grid_menu(self, g, pos))
            self.form_views[key] = view
            self.stack.addWidget(view)
        return view

    def view_for(self, key: str) -> FormView:
        view = self.views.get(key)
        if view is None:
            view = FormView(self.controller, key)
            view.set_zoom(self.zoom)
            view.body.pasteDone.connect(lambda text: self.statusBar().showMessage(text, 8000))
            view.body.selectionModel().selectionChanged.connect(self._selection_changed)
            view.body.customContextMenuRequested.connect(
                lambda pos, g=view.body: clerk_actions.show_grid_menu(self, g, pos))
            self.views[key] = view
            self.stack.addWidget(view)
        return view

    def show_form(self, key: str) -> QWidget:
        view = self.form_view_for(key)
        self.stack.setCurrentWidget(view)
        self.tables.select_table(key)
        # one action, one key (Ctrl+Shift+= / Ctrl+Shift+-) for 科目行 in a table and 指标 in a form
        self.act_add_row.setText(tr("增加指标"))
        self.act_remove_row.setText(tr("删除指标"))
        self.act_add_row.setEnabled(not self.controller.readonly)
        self.act_remove_row.setEnabled(not self.controller.readonly)
        return view

    def show_table(self, key: str) -> FormView:
        if key == NARRATIVE_TABLE:
            return self.narrative_ui.show()  # type: ignore[return-value]
        if form_id_of(key) is not None:
            return self.show_form(key)  # type: ignore[return-value]
        view = self.view_for(key)
        self.stack.setCurrentWidget(view)
        self.tables.select_table(key)
        table = self.session.tset.table(key)
        has_floating = table.floating_block is not None and not self.controller.readonly
        self.act_add_row.setText(tr("增加科目行…"))
        self.act_remove_row.setText(tr("删除科目行"))
        self.act_add_row.setEnabled(has_floating)
        self.act_remove_row.setEnabled(has_floating)
        self._selection_changed()
        return view

    def zoom_by(self, step: int) -> None:
        self.zoom = max(-4, min(8, self.zoom + step))
        for view in self.views.values():
            view.set_zoom(self.zoom)

    # -- findings -------------------------------------------------------------------------------
    def jump_to(self, finding: Finding | None) -> None:
        if finding is None:
            return
        if finding.table == NARRATIVE_TABLE:
            self.narrative_ui.show().select_finding(finding)
            return
        if form_id_of(finding.table) is not None:
            form_view = self.show_form(finding.table)
            select = getattr(form_view, "select_finding", None)
            if select is not None:
                select(finding)
            return
        tables = [c[0] for c in finding.cells if form_id_of(c[0]) is None] or [finding.table]
        key = finding.table if finding.table in tables else tables[0]
        view = self.show_table(key)
        indexes = [view.model.index_of(c) for c in finding.cells if c[0] == key]
        view.body.select_cells(indexes)
        view.body.setFocus()

    def explain(self, finding: Finding) -> None:
        current = self.controller.explanations.get(finding.key, {}).get("text", "")
        from .dialogs import ExplainDialog  # the dialogs module loads when first needed

        dialog = ExplainDialog(finding.message, current, self)
        if dialog.exec():
            self.controller.explain(finding, dialog.reason())

    # -- floating rows --------------------------------------------------------------------------
    def add_row(self) -> None:
        view = self.current_view()
        if view is None and hasattr(self.stack.currentWidget(), "add_indicator"):
            self.stack.currentWidget().add_indicator()
            return
        if view is None or view.table.floating_block is None or self.controller.readonly:
            return
        floating = view.table.floating_block.floating
        if floating.named:
            self._add_named_row(view)
            return
        from .dialogs import AddRowDialog  # the dialogs module loads when first needed

        dialog = AddRowDialog(self.session.codes, floating.code_list, self.session.tset.info.year, self,
                              pair_list=floating.pair_list)
        if dialog.exec() and dialog.chosen_code() and self.controller.add_row(view.table.key, dialog.chosen_code()):
            self._go_to_row(view, dialog.chosen_code())

    def _add_named_row(self, view: FormView) -> None:
        floating = view.table.floating_block.floating
        current = view.body.currentIndex()
        key = view.model.body_cell(current).row_key if current.isValid() else None
        top = min(floating.levels)
        parent = key[:top] if key and key in self.session.rows.floating_codes(view.table.key) else None
        caption = self.session.rows.get(view.table.key, parent).label if parent else None
        from .dialogs import NamedRowDialog  # the dialogs module loads when first needed

        dialog = NamedRowDialog(floating.level_names, caption, self)
        if dialog.exec() and dialog.name.text().strip():
            added = self.controller.add_named_row(view.table.key, dialog.name.text().strip(),
                                                  parent if dialog.under_parent() else None)
            if added:
                self._go_to_row(view, added)

    def _go_to_row(self, view: FormView, key: str) -> None:
        """The cursor on the new row's first cell a clerk can fill, ready for typing."""
        pos = view.grid.row_position.get(key)
        if pos is not None:
            view.body.setCurrentIndex(view.body.first_input_in_row(pos))
            view.body.setFocus()

    def remove_row(self) -> None:
        view = self.current_view()
        if view is None and hasattr(self.stack.currentWidget(), "remove_indicator"):
            self.stack.currentWidget().remove_indicator()
            return
        if view is None or self.controller.readonly:
            return
        cell = view.model.body_cell(view.body.currentIndex()) if view.body.currentIndex().isValid() else None
        code = cell.row_key if cell else None
        if not code or code not in self.session.rows.floating_codes(view.table.key):
            self.show_error(tr("请先选中要删除的科目行（合计行不能删除）。"))
            return
        from PySide6.QtWidgets import QMessageBox  # dialogs load when first shown, not at start

        if QMessageBox.question(self, tr(APP_NAME), tr("删除科目 {code} 及其下级科目行？（可以撤销）", code=code)) == QMessageBox.StandardButton.Yes:
            self.controller.remove_row(view.table.key, code)

    # -- find -----------------------------------------------------------------------------------
    def _focus_find(self) -> None:
        self.find_box.setFocus()
        self.find_box.selectAll()

    def find_next(self) -> bool:
        """Go to the next cell (after the current one, across tables in order, wrapping) containing the text."""
        needle = self.find_box.text().strip().replace(",", "")
        if not needle:
            return False
        keys = [t.key for t in self.session.tset.tables]
        current = self.current_view()
        here = (keys.index(current.table.key), current.body.currentIndex().row(),
                current.body.currentIndex().column()) if current else (0, -1, -1)
        matches = []
        for n, key in enumerate(keys):
            view = self.view_for(key)
            for r in range(view.grid.row_count):
                for c in range(view.grid.column_count):
                    if needle in view.model.display_text(view.grid.at(r, c)).replace(",", ""):
                        matches.append((n, r, c))
        if not matches:
            self.statusBar().showMessage(tr("没有找到“{needle}”", needle=needle), 5000)
            return False
        n, r, c = next((m for m in matches if m > here), matches[0])
        view = self.show_table(keys[n])
        view.body.select_cells([view.model.index(r, c)])
        return True

    # -- clipboard ------------------------------------------------------------------------------
    def _paste(self) -> None:
        grid = self.current_grid()
        if grid is not None:
            from PySide6.QtGui import QGuiApplication
            grid.paste(QGuiApplication.clipboard().text())

    # -- status ---------------------------------------------------------------------------------
    def _selection_changed(self, *_: object) -> None:
        view = self.current_view()
        if view is None or view.body.selectionModel() is None:
            return
        values = []
        for index in view.body.selectionModel().selectedIndexes():
            cell = view.model.body_cell(index)
            if cell.cell is not None:
                value = self.controller.value(cell.cell)
                if value is not None:
                    values.append(value)
        if len(values) > 1:
            total = sum(values)
            average = (total * 2 + len(values)) // (2 * len(values))  # rounded half up, in hundredths
            self.selection_label.setText(tr("求和：{total}　计数：{count}　平均值：{average}", total=format_amount(total), count=len(values), average=format_amount(average)))
        else:
            self.selection_label.setText("")

    def _about(self) -> None:
        from .dialogs import show_about

        show_about(self)

    def _open_guide(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from ..core.paths import resources_dir

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(resources_dir() / "docs" / "用户手册.md")))

    def _update_user(self) -> None:
        self.user_label.setText(tr("填报人：{who}", who=self.controller.who))

    def _update_title(self) -> None:
        meta = self.session.doc.meta
        mode = tr("（审阅）") if self.session.review_mode else tr("（只读）") if self.controller.readonly else ""
        self.setWindowTitle(f"{self.session.doc.path.name} — {meta.get('unit_name', '')} {meta.get('year', '')}"
                            f"{mode} — {tr(APP_NAME)}")

    def show_error(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # dialogs load when first shown, not at start

        self.statusBar().showMessage(message, 10000)
        QMessageBox.warning(self, tr(APP_NAME), message)

    def _ask_user(self) -> None:
        from PySide6.QtWidgets import QInputDialog  # dialogs load when first shown, not at start

        name, ok = QInputDialog.getText(self, tr("我的姓名"), tr("姓名（记录在每次修改和说明中）："), text=self.controller.who)
        if ok and name.strip():
            app_settings.set_user_name(name)
            self.controller.who = name.strip()
            self._update_user()

    # -- files ----------------------------------------------------------------------------------
    def _new(self) -> None:
        if self.hooks is not None:
            self.hooks.new_document(self)

    def _open(self) -> None:
        if self.hooks is not None:
            self.hooks.open_dialog(self)

    def export_excel(self, target: Path | None = None, choice=None) -> Path | None:  # noqa: ANN001
        """公开表 + 绩效表 (+ 审核情况) in one workbook; with ``target`` and no ``choice``: tables and forms."""
        from .export_all import ExportChoice, export_all

        return export_all(self, target, choice if choice is not None or target is None else ExportChoice())

    def print_all(self, path: str | None = None) -> str | None:
        """Every table and form as one print job (or PDF at ``path``), with progress and 取消."""
        from .export_all import run_on_gui_with_progress
        from .print_view import all_keys, ask_and_print, write_pdf

        keys = all_keys(self.session)
        if path is None:
            return ask_and_print(self, self.session, keys)
        run_on_gui_with_progress(self, tr("正在生成 PDF…"), len(keys), lambda step: write_pdf(self.session, keys, path, step))
        return path

    def import_excel(self, source: Path | None = None, target: Path | None = None) -> Path | None:
        from .excel_actions import import_excel

        created = import_excel(self, self.controller.who, source, target)
        if created is not None and self.hooks is not None:
            self.hooks.open_path(created, self)
        return created

    def _save_as(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first shown, not at start

        path, _ = QFileDialog.getSaveFileName(self, tr("另存为"), str(self.session.doc.path), tr("公开表文档 (*.gkb)"))
        if not path:
            return
        try:
            self.session.doc.save_as(Path(path))
        except Exception as exc:  # noqa: BLE001 - any failure is reported, the original stays open
            self.show_error(tr("另存为失败：{exc}", exc=exc))
            return
        self.statusBar().showMessage(tr("已另存为 {path}（当前窗口仍编辑原文件）", path=path), 8000)

    # -- layout ---------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = app_settings.settings()
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _finish_typing(self) -> None:
        for view in self.findChildren(QAbstractItemView):
            if view.state() != QAbstractItemView.State.EditingState:
                continue
            editor = view.indexWidget(view.currentIndex()) or view.focusWidget()
            if editor is not None and editor is not view:
                view.commitData(editor)
                view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        s = app_settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        self._finish_typing()  # a figure still in its editor is saved, as Excel does, before the file closes
        self.controller.detach()
        self.session.close()
        if self.hooks is not None:
            self.hooks.window_closed(self)
        super().closeEvent(event)
