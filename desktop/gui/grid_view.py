"""The body grid with Excel/WPS habits: Enter moves down, typing replaces, Delete clears, Ctrl+C/V."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from .clipboard import format_block, parse_block
from .qt_values import index_value
from .table_model import TableModel


class CellDelegate(QStyledItemDelegate):
    """A plain line editor, right-aligned for amounts, that starts with the cell's exact figure."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:  # noqa: ANN001, N802
        editor = QLineEdit(parent)
        editor.setFrame(False)
        align = index_value(index, Qt.ItemDataRole.TextAlignmentRole)  # not index.data(): see qt_values
        if align is not None:
            editor.setAlignment(Qt.AlignmentFlag(align))
        return editor


class GridView(QTableView):
    """A table view that behaves like a spreadsheet for a clerk used to Excel or WPS."""

    zoomRequested = Signal(int)  # +1 / -1
    pasteDone = Signal(str)  # a status message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(CellDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(True)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()

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
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:  # noqa: N802
        """Enter in an editor commits and moves down, as in Excel; Tab moves right as usual."""
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.move_cursor(1, 0)
            return
        super().closeEditor(editor, hint)

    def move_cursor(self, rows: int, cols: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        model = self.model()
        row = min(max(current.row() + rows, 0), model.rowCount() - 1)
        col = min(max(current.column() + cols, 0), model.columnCount() - 1)
        self.setCurrentIndex(model.index(row, col))

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
        ok = model.controller.set_texts(texts, "粘贴") if texts else False
        if ok:
            note = f"已粘贴 {len(texts)} 个单元格"
            if skipped:
                note += f"；{skipped} 个落在项目名称、合计或不适用单元格上，未采用（合计由公式计算）"
            if outside:
                note += f"；{outside} 个超出表格范围，未粘贴"
            self.pasteDone.emit(note)
        return ok

    def clear_selection_values(self) -> bool:
        model = self.table_model()
        cells = {}
        for index in self.selectionModel().selectedIndexes():
            cell = model.body_cell(index)
            if model.is_editable(cell) and cell.cell is not None and model.controller.value(cell.cell) is not None:
                cells[cell.cell] = ""
        return model.controller.set_texts(cells, "清除") if cells else False
