"""The body grid with Excel/WPS habits: Enter moves down, typing replaces, Delete clears, Ctrl+C/V.

Enter and Tab land on the next cell a clerk can fill (a total or a caption is skipped); typing on a cell that
cannot be filled changes nothing anywhere and the status bar says why (Qt's keyboard search, which jumped to
a row starting with the typed digit and then took the typing there, is switched off). An entry the document
refuses stays in the editor, as typed, next to the message.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QMainWindow,
    QStyledItemDelegate,
    QWidget,
)

from ..core.i18n import N_, tr
from .clipboard import format_block, parse_block
from .frozen_columns import FollowedView, FrozenColumns
from .qt_values import index_value
from .table_model import TableModel
from .viewports import own_viewport


class CellDelegate(QStyledItemDelegate):
    """A plain line editor, right-aligned for amounts, that starts with the cell's exact figure."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:  # noqa: ANN001, N802
        editor = QLineEdit(parent)
        editor.setFrame(False)
        align = index_value(index, Qt.ItemDataRole.TextAlignmentRole)  # not index.data(): see qt_values
        if align is not None:
            editor.setAlignment(Qt.AlignmentFlag(align))
        return editor

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:  # noqa: ANN001, N802
        """Commit; when the model refuses the text, the view opens the editor again with it (see GridView)."""
        text = editor.text() if isinstance(editor, QLineEdit) else ""
        before = model.data(index, Qt.ItemDataRole.EditRole)
        ok = model.setData(index, text, Qt.ItemDataRole.EditRole)
        view = self.parent()
        if not ok and isinstance(view, GridView) and text.strip() != str(before or "").strip():
            view.refused = (QPersistentModelIndex(index), text)


class GridView(FollowedView):
    """A table view that behaves like a spreadsheet for a clerk used to Excel or WPS."""

    zoomRequested = Signal(int)  # +1 / -1
    pasteDone = Signal(str)  # a status message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        own_viewport(self)
        self.setItemDelegate(CellDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        # a thin strip above the body: drag a divider to change a column's width, double-click to fit it
        strip = self.horizontalHeader()
        strip.setFixedHeight(6)
        strip.setToolTip(tr("拖动分隔线调整列宽，双击自动调整"))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.refused: tuple[QPersistentModelIndex, str] | None = None
        self.frozen: FrozenColumns | None = None  # the 项目/编码 columns kept in sight (set by the form view)

    def scrollTo(self, index: QModelIndex, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible  # noqa: N802
                 ) -> None:
        """Scroll as usual, then so that a cell right of the frozen columns is not hidden under them."""
        super().scrollTo(index, hint)
        if self.frozen is None or not index.isValid() or index.column() < self.frozen.count:
            return
        cover = self.frozen.frozen_width()
        left = self.visualRect(index).left()
        if cover and left < cover:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - (cover - left))

    # -- where a clerk can type --------------------------------------------------------------------
    def can_fill(self, index: QModelIndex) -> bool:
        return index.isValid() and bool(index.flags() & Qt.ItemFlag.ItemIsEditable)

    def readonly_reason(self, index: QModelIndex) -> str:
        """Why this cell takes no typing, in the clerk's words."""
        reason = getattr(self.model(), "readonly_reason", None)
        if callable(reason):
            return reason(index)
        tip = index_value(index, Qt.ItemDataRole.ToolTipRole)
        if tip and "不能" in str(tip):
            return str(tip).splitlines()[-1]
        return tr("此单元格不能填写（项目名称、合计或自动计算的数）。")

    def next_input(self, index: QModelIndex, rows: int, cols: int) -> QModelIndex:
        """The next cell a clerk can fill from ``index`` going down (rows ±1) or along the row (cols ±1,
        wrapping to the next row); ``index`` itself moved by one when there is none."""
        model = self.model()
        n_rows, n_cols = model.rowCount(), model.columnCount()
        r, c = index.row(), index.column()
        for _ in range(n_rows * max(n_cols, 1)):
            if cols:
                c += cols
                if c >= n_cols:
                    r, c = r + 1, 0
                elif c < 0:
                    r, c = r - 1, n_cols - 1
            else:
                r += rows
            if not (0 <= r < n_rows) or (rows and not 0 <= c < n_cols):
                break
            candidate = model.index(r, c)
            if self.can_fill(candidate) and self._span_start(candidate):
                return candidate
        row = min(max(index.row() + rows, 0), n_rows - 1)
        col = min(max(index.column() + cols, 0), n_cols - 1)
        return model.index(row, col)

    def _span_start(self, index: QModelIndex) -> bool:
        r, c = index.row(), index.column()
        for dr in range(0, -4, -1):
            for dc in range(0, -4, -1):
                if (dr, dc) == (0, 0) or r + dr < 0 or c + dc < 0:
                    continue
                if self.rowSpan(r + dr, c + dc) > -dr and self.columnSpan(r + dr, c + dc) > -dc:
                    return False
        return True

    def first_input_in_row(self, row: int) -> QModelIndex:
        """The first cell of ``row`` a clerk can fill (the row's first cell when none)."""
        model = self.model()
        for c in range(model.columnCount()):
            if self.can_fill(model.index(row, c)):
                return model.index(row, c)
        return model.index(row, 0)

    def moveCursor(self, action, modifiers):  # noqa: ANN001, ANN201, N802
        """Tab / Shift+Tab go to the next / previous cell a clerk can fill."""
        current = self.currentIndex()
        if current.isValid() and action in (QAbstractItemView.CursorAction.MoveNext,
                                            QAbstractItemView.CursorAction.MovePrevious):
            return self.next_input(current, 0, 1 if action == QAbstractItemView.CursorAction.MoveNext else -1)
        return super().moveCursor(action, modifiers)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802
        """No jumping to a row that starts with the typed text: a spreadsheet does not do that."""

    def tell(self, message: str) -> None:
        """A short note in the window's status bar."""
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 8000)

    def table_model(self) -> TableModel:
        model = self.model()
        assert isinstance(model, TableModel)
        return model

    # -- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste(QGuiApplication.clipboard().text())
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != QAbstractItemView.State.EditingState:
            self.clear_selection_values()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            self.move_cursor(1 if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier else -1, 0)
            return
        typed = event.text()
        plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                         | Qt.KeyboardModifier.MetaModifier)
        if (typed and typed.isprintable() and plain and self.state() != QAbstractItemView.State.EditingState
                or event.key() == Qt.Key.Key_F2) and not self.can_fill(self.currentIndex()):
            self.tell(self.readonly_reason(self.currentIndex()))
            event.accept()
            return
        super().keyPressEvent(event)

    def setItemDelegate(self, delegate: QAbstractItemDelegate) -> None:  # noqa: N802
        """Also follow the delegate's editors closing (see :meth:`_editor_closed`)."""
        super().setItemDelegate(delegate)
        delegate.closeEditor.connect(self._editor_closed)

    def _editor_closed(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """After the view closed an editor: Enter moves down to the next input cell, as in Excel; a refused
        entry opens again with what was typed. (A signal, not an override of ``closeEditor``: PySide 6.12
        can call a stale Python override of that slot.)"""
        refused, self.refused = self.refused, None
        if refused is not None and refused[0].isValid():
            QTimer.singleShot(0, lambda: self.reopen(QModelIndex(refused[0]), refused[1]))
            return
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self.move_cursor(1, 0)

    def reopen(self, index: QModelIndex, text: str) -> None:
        """Open the editor on ``index`` again with the refused ``text``, for the clerk to correct it."""
        if not index.isValid() or self.state() == QAbstractItemView.State.EditingState:
            return
        self.setCurrentIndex(index)
        self.edit(index)
        editor = self.indexWidget(index) or self.focusWidget()
        if isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()
        self.tell(tr("输入未被接受，原样留在单元格中：请改正后回车，或按 Esc 放弃。"))

    def move_cursor(self, rows: int, cols: int) -> None:
        """Enter / Shift+Enter: down / up to the next cell a clerk can fill."""
        current = self.currentIndex()
        if not current.isValid():
            return
        self.setCurrentIndex(self.next_input(current, rows, cols))

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoomRequested.emit(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    # -- selection --------------------------------------------------------------------------------
    def selected_bounds(self) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right) of the selection, or of the current cell."""
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not indexes:
            current = self.currentIndex()
            if not current.isValid():
                return None
            indexes = [current]
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        return min(rows), min(cols), max(rows), max(cols)

    def select_cells(self, indexes: list[QModelIndex]) -> None:
        """Select exactly ``indexes`` and scroll the first into view."""
        indexes = [i for i in indexes if i.isValid()]
        if not indexes:
            return
        selection = QItemSelection()
        for index in indexes:
            selection.select(index, index)
        self.setCurrentIndex(indexes[0])
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(indexes[0], QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- clipboard --------------------------------------------------------------------------------
    def copy_selection(self) -> str:
        bounds = self.selected_bounds()
        if bounds is None:
            return ""
        top, left, bottom, right = bounds
        model = self.table_model()
        selected = {(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()} or {(top, left)}
        rows = []
        for r in range(top, bottom + 1):
            rows.append([model.edit_text(model.grid.at(r, c)) if (r, c) in selected else ""
                         for c in range(left, right + 1)])
        text = format_block(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str) -> bool:
        """Paste a tab-separated block at the current cell (or fill the selection with one value)."""
        block = parse_block(text)
        bounds = self.selected_bounds()
        if not block or bounds is None:
            return False
        top, left, bottom, right = bounds
        model = self.table_model()
        if len(block) == 1 and len(block[0]) == 1 and (bottom > top or right > left):
            block = [[block[0][0]] * (right - left + 1) for _ in range(bottom - top + 1)]
        texts = {}
        skipped = outside = 0
        for dr, row in enumerate(block):
            for dc, text_in in enumerate(row):
                r, c = top + dr, left + dc
                if r >= model.rowCount() or c >= model.columnCount():
                    outside += 1 if text_in.strip() else 0
                    continue
                cell = model.grid.at(r, c)
                if model.is_editable(cell) and cell.cell is not None:
                    texts[cell.cell] = text_in
                elif text_in.strip() and text_in.strip() != model.edit_text(cell).strip():
                    skipped += 1
        ok = model.controller.set_texts(texts, N_("粘贴")) if texts else False
        if ok:
            note = tr("已粘贴 {texts_count} 个单元格", texts_count=len(texts))
            if skipped:
                note += tr("；{skipped} 个落在项目名称、合计或不适用单元格上，未采用（合计由公式计算）", skipped=skipped)
            if outside:
                note += tr("；{outside} 个超出表格范围，未粘贴", outside=outside)
            self.pasteDone.emit(note)
        return ok

    def apply_edits(self, edits: list[tuple[QModelIndex, str]], label: str) -> bool:
        """Several cells as one undo step (向下填充)."""
        model = self.table_model()
        texts = {model.body_cell(index).cell: text for index, text in edits if model.body_cell(index).cell is not None}
        return model.controller.set_texts(texts, label) if texts else False

    def clear_selection_values(self) -> bool:
        model = self.table_model()
        cells = {}
        for index in self.selectionModel().selectedIndexes():
            cell = model.body_cell(index)
            if model.is_editable(cell) and cell.cell is not None and model.controller.value(cell.cell) is not None:
                cells[cell.cell] = ""
        return model.controller.set_texts(cells, N_("清除")) if cells else False
