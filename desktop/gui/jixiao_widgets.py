"""Small widgets of the 绩效 form view: the grid with Excel habits over a form model, text fields that commit
when the clerk leaves them, and the 新建绩效表 dialog."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from ..core.i18n import N_, tr
from ..core.jixiao.definition import FormDef
from .clipboard import format_block, parse_block
from .grid_view import CellDelegate, GridView
from .jixiao_models import FormModelBase
from .qt_values import index_value


class TypingDelegate(CellDelegate):
    """The grid's cell editor, telling what is being typed before it is committed (for the live 总分)."""

    typing = Signal(int, int, str)  # row, column (-1 when the editor closed), text so far

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:  # noqa: ANN001, N802
        editor = super().createEditor(parent, option, index)
        row, column = index.row(), index.column()
        editor.textEdited.connect(lambda text: self.typing.emit(row, column, text))
        return editor

    def destroyEditor(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        super().destroyEditor(editor, index)
        self.typing.emit(-1, -1, "")


class FormGrid(GridView):
    """A GridView over a form model: typing replaces, Enter commits and moves down, Delete clears, Ctrl+C/V."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.typing_delegate = TypingDelegate(self)
        self.setItemDelegate(self.typing_delegate)
        self.horizontalHeader().show()
        self.horizontalHeader().setMinimumHeight(0)
        self.horizontalHeader().setMaximumHeight(16777215)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustIgnored)

    def event(self, event: QEvent) -> bool:
        """Keep Delete, Ctrl+C and Ctrl+V for the grid (the window's 编辑 shortcuts act on the tables' grid)."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Copy) or event.matches(QKeySequence.StandardKey.Paste)
                or (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers())):
            event.accept()
            return True
        return super().event(event)

    def form_model(self) -> FormModelBase:
        model = self.model()
        assert isinstance(model, FormModelBase)
        return model

    def _selected(self) -> list[QModelIndex]:
        found = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        return sorted(found or ([self.currentIndex()] if self.currentIndex().isValid() else []),
                      key=lambda i: (i.row(), i.column()))

    def copy_selection(self) -> str:
        indexes = self._selected()
        if not indexes:
            return ""
        top, left = min(i.row() for i in indexes), min(i.column() for i in indexes)
        bottom, right = max(i.row() for i in indexes), max(i.column() for i in indexes)
        chosen = {(i.row(), i.column()) for i in indexes}
        model = self.model()
        rows = [[str(index_value(model.index(r, c), Qt.ItemDataRole.EditRole) or "") if (r, c) in chosen else ""
                 for c in range(left, right + 1)] for r in range(top, bottom + 1)]
        text = format_block(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def _apply(self, edits: list[tuple[QModelIndex, str]], label: str) -> bool:
        """All edits as one undo step; if one is refused, the ones before it are undone too."""
        controller = self.form_model().controller
        done = 0
        with controller.step(label):
            for index, text in edits:
                if not self.model().setData(index, text):
                    break
                done += 1
        if done < len(edits) and done:
            controller.undo()
        return done == len(edits)

    def apply_edits(self, edits: list[tuple[QModelIndex, str]], label: str) -> bool:
        return bool(edits) and self._apply(edits, label)

    def paste(self, text: str) -> bool:
        block = parse_block(text)
        indexes = self._selected()
        if not block or not indexes:
            return False
        model, top, left = self.model(), indexes[0].row(), indexes[0].column()
        edits = []
        for dr, row in enumerate(block):
            for dc, value in enumerate(row):
                index = model.index(top + dr, left + dc)
                if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable:
                    edits.append((index, value))
        ok = bool(edits) and self._apply(edits, N_("粘贴"))
        if ok:
            self.pasteDone.emit(tr("已粘贴 {edits_count} 个单元格", edits_count=len(edits)))
        return ok

    def clear_selection_values(self) -> bool:
        edits = [(i, "") for i in self._selected()
                 if i.flags() & Qt.ItemFlag.ItemIsEditable and str(index_value(i, Qt.ItemDataRole.EditRole) or "")]
        return bool(edits) and self._apply(edits, N_("清除"))

    def fit_height(self) -> None:
        """Show every row: the page scrolls, not the table."""
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + sum(self.rowHeight(r) for r in range(self.model().rowCount()))
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)


def fixed_width(view: QTableView) -> None:
    view.setFixedWidth(sum(view.columnWidth(c) for c in range(view.model().columnCount())) + 2 * view.frameWidth() + 2)


class FieldLine(QLineEdit):
    """A one-line form field; ``committed(text)`` when the clerk presses Enter or leaves it changed."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = ""
        self.editingFinished.connect(self._finish)

    def show_text(self, text: str) -> None:
        self._shown = text
        if self.text() != text:
            self.setText(text)
            self.setCursorPosition(0)

    def _finish(self) -> None:
        if self.text().strip() != self._shown.strip():
            self.committed.emit(self.text())


class FieldText(QPlainTextEdit):
    """A multi-line text block (年度总体目标, 分析 …); commits when focus leaves it."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = ""
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(54)
        self.document().contentsChanged.connect(self._grow)

    def show_text(self, text: str) -> None:
        self._shown = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def _grow(self) -> None:
        lines = max(2, min(8, int(self.document().size().height()) + 1))
        self.setFixedHeight(lines * self.fontMetrics().lineSpacing() + 14)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._grow()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.commit()

    def commit(self) -> None:
        if self.toPlainText().strip() != self._shown.strip():
            self.committed.emit(self.toPlainText())


class NewFormDialog(QDialog):
    """Choose a form shape (from the definitions) and a title."""

    def __init__(self, definitions: dict[str, FormDef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("新建绩效表"))
        self.defs = definitions
        self.shape = QComboBox()
        for key, fdef in sorted(definitions.items(), key=lambda kv: (kv[1].file.shape, kv[0])):
            self.shape.addItem(f"{fdef.file.shape}　{fdef.name}", key)
        self.title = QLineEdit()
        self.title.setPlaceholderText(tr("如：城乡居民医疗救助资金绩效自评表"))
        self.shape.currentIndexChanged.connect(self._suggest)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(tr("表样："), self.shape)
        layout.addRow(tr("表名："), self.title)
        layout.addRow(buttons)
        self.resize(520, 0)
        self._suggest()

    def _suggest(self) -> None:
        fdef = self.defs.get(self.chosen_shape())
        if fdef:
            self.title.setText(fdef.file.title)
            self.title.selectAll()

    def chosen_shape(self) -> str:
        return str(self.shape.currentData() or "")
