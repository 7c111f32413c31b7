"""The 情况说明 in the main window: its entry in the table list, its screen, and the 情况说明 menu.

:func:`install` is the one call main_window makes; the window then routes the key ``narrative`` (the
table list entry, and every prose finding's ``table``) to :meth:`NarrativeUI.show`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from ..core.document import DocumentError
from ..core.i18n import tr
from ..core.narrative.names import NARRATIVE_TABLE, has_narrative_data
from ..core.session import EditError

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .narrative_view import NarrativeView


def refused() -> tuple[type[Exception], ...]:
    """What a 情况说明 action refuses with a message. A function, evaluated by ``except refused()`` only when
    something is raised: the reader, store and writer modules load with the first action, not at start."""
    from ..core.formats.errors import ExportError
    from ..core.narrative.store import NarrativeStoreError
    from ..core.narrative.text import NarrativeTextError

    return NarrativeTextError, NarrativeStoreError, EditError, DocumentError, ExportError


class NarrativeUI:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.view: NarrativeView | None = None
        tables = window.tables
        self.item = QTreeWidgetItem([tr("第三部分 情况说明"), ""])
        self.item.setToolTip(0, tr("情况说明：文字中的数字与表格核对，按表格生成草稿"))
        tables.addTopLevelItem(self.item)
        tables.items[NARRATIVE_TABLE] = self.item
        tables.update_counts()
        menu = window.menuBar().addMenu(tr("情况说明(&N)"))
        self.act_show = menu.addAction(tr("打开情况说明"), self.show)
        menu.addSeparator()
        self.act_import = menu.addAction(tr("从公开文本导入（.txt/.docx）…"), self.import_text)
        self.act_draft = menu.addAction(tr("按表格生成全部草稿…"), self.draft)
        self.act_prior = menu.addAction(tr("上年数…"), self.prior)
        menu.addSeparator()
        self.act_export = menu.addAction(tr("导出公开文本（.docx）…"), self.export)
        readonly = window.controller.readonly
        for act in (self.act_import, self.act_draft, self.act_prior):
            act.setEnabled(not readonly)
        menu.setEnabled(has_narrative_data(window.session.tset.id))

    def show(self) -> NarrativeView:
        if self.view is None:
            from .narrative_view import NarrativeView

            self.view = NarrativeView(self.window.controller)
            self.window.stack.addWidget(self.view)
        self.window.stack.setCurrentWidget(self.view)
        self.window.tables.select_table(NARRATIVE_TABLE)
        self.window.act_add_row.setEnabled(False)
        self.window.act_remove_row.setEnabled(False)
        return self.view

    def _done(self) -> None:
        self.window.controller.recheck()
        self.show().reload()

    def import_text(self, path: Path | None = None) -> bool:
        from PySide6.QtWidgets import QFileDialog, QMessageBox  # dialogs load when first shown, not at start

        if path is None or not isinstance(path, Path):
            name, _ = QFileDialog.getOpenFileName(self.window, tr("选择公开文本"), "", tr("公开文本 (*.docx *.txt)"))
            if not name:
                return False
            path = Path(name)
        from ..core.narrative.intake import read_user_text

        try:
            text = read_user_text(path)
            if self.window.session.narrative.sections() and QMessageBox.question(
                    self.window, tr("导入情况说明"), tr("文件中已有情况说明，导入将替换现有文字（修改记录中保留原文）。继续吗？")
            ) != QMessageBox.StandardButton.Yes:
                return False
            result = self.window.session.narrative.import_text(text, who=self.window.controller.who)
        except refused() as exc:
            self.window.show_error(str(exc))
            return False
        self.window.statusBar().showMessage(tr("已导入情况说明 {sections} 节", sections=result.sections), 8000)
        self._done()
        return True

    def draft(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # dialogs load when first shown, not at start

        book = self.window.session.narrative
        if book.sections() and QMessageBox.question(
                self.window, tr("生成草稿"), tr("将用按表格生成的草稿替换全部情况说明（修改记录中保留原文）。继续吗？")
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            book.import_draft(who=self.window.controller.who)
        except refused() as exc:
            self.window.show_error(str(exc))
            return
        self._done()

    def prior(self) -> None:
        from .narrative_dialogs import PriorDialog

        PriorDialog(self.window.session, self.window.controller.who, self.window).exec()
        self.window.controller.recheck()

    def export(self, target: Path | None = None) -> Path | None:
        if target is None or not isinstance(target, Path):
            from PySide6.QtWidgets import QFileDialog  # dialogs load when first shown, not at start

            name, _ = QFileDialog.getSaveFileName(self.window, tr("导出公开文本"), "", tr("Word 文档 (*.docx)"))
            if not name:
                return None
            target = Path(name)
        if self.view is not None:
            self.view.save()
        from ..core.narrative.disclosure import export_disclosure

        self.window.setCursor(Qt.CursorShape.WaitCursor)
        try:
            export_disclosure(self.window.session, target)
        except refused() as exc:
            self.window.show_error(str(exc))
            return None
        finally:
            self.window.unsetCursor()
        self.window.statusBar().showMessage(tr("已导出公开文本 {target}", target=target), 8000)
        return target


def install(window: MainWindow) -> NarrativeUI:
    return NarrativeUI(window)
