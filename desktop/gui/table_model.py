"""Qt models of one table laid out like the printed form: the header rows and the body."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from ..core.grid import BodyCell, TableGrid
from ..core.i18n import N_, tr
from ..core.money import format_amount, to_plain
from ..core.rules.findings import SEVERITY_LABELS, SEVERITY_ORDER
from ..core.rules.instances import Cell
from . import style
from .controller import DocumentController

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
INDENT = "　"  # one full-width space per level, as the printed tables indent
COMMENT_ROLE = Qt.ItemDataRole.UserRole + 7  # "open" / "resolved" when the cell has 批注 (painted by review_ui)


class HeaderModel(QAbstractTableModel):
    """The merged multi-row header and the 栏次 row (read-only)."""

    def __init__(self, grid: TableGrid, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self._text: dict[tuple[int, int], str] = {(s.row, s.col): s.text for s in grid.header}
        if grid.lanci is not None:
            for c, text in enumerate(grid.lanci):
                self._text[(grid.header_rows, c)] = text

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.grid.header_rows + (1 if self.grid.lanci is not None else 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.grid.column_count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text.get((index.row(), index.column()), "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.HEADER_TINT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags


class TableModel(QAbstractTableModel):
    """The body of one table: static labels, 行次 and codes, and the value cells of the document."""

    def __init__(self, controller: DocumentController, table_key: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.table_key = table_key
        self._bold = QFont()
        self._bold.setBold(True)
        self._rebuild()
        controller.cellsChanged.connect(self._refresh_cells)
        controller.structureChanged.connect(self._structure_changed)

    def _rebuild(self) -> None:
        """Lay the table out again and cache what does not change while figures do."""
        session = self.controller.session
        self.grid = TableGrid(session.tset.table(self.table_key), session.rows)
        self._total_rows = self._derived_rows()
        # asked per painted cell, never for the whole table up front (a 5,000-row table opens at once):
        # a value cell of the grid is never a 不适用 one (those are laid out as "na"), so it is editable
        # unless derived; its decimals are its column's
        self._engine, self._rows, self._table = session.engine, session.rows, session.tset.table(self.table_key)
        self._decimals: dict[tuple[str, str], int] = {}  # (block, column) -> decimals

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.grid.row_count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.grid.column_count

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """No captions in the view's own header strip (the printed header is drawn above it)."""
        return None

    def body_cell(self, index: Index) -> BodyCell:
        return self.grid.at(index.row(), index.column())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.body_cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(cell)
        if role == Qt.ItemDataRole.EditRole:
            return self.edit_text(cell)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if cell.kind == "value":
                return RIGHT
            return CENTER if cell.kind in ("rowno", "code", "na", "subheader") else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cell)
        if role == COMMENT_ROLE:
            return self.controller.comment_marks.get(cell.cell) if cell.cell is not None else None
        if role == Qt.ItemDataRole.FontRole and (cell.kind in ("total", "heading", "subheader")
                                                  or self._is_total_row(cell)):
            return self._bold
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.is_editable(self.body_cell(index)):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        cell = self.body_cell(index)
        if role != Qt.ItemDataRole.EditRole or cell.cell is None:
            return False
        text = "" if value is None else str(value)
        if text.strip() == (self.edit_text(cell) or ""):
            return True  # unchanged: no write, no undo step
        return self.controller.set_texts({cell.cell: text}, N_("填写"))

    # -- helpers --------------------------------------------------------------------------------
    def decimals(self, cell: Cell) -> int:
        info = self._rows.get(cell[0], cell[1])
        key = (info.block if info else "", cell[2])
        found = self._decimals.get(key)
        if found is None:
            block = self._table.block(key[0])
            column = block.column(cell[2]) if block else None
            found = self._decimals[key] = column.decimals if column else 2
        return found

    def display_text(self, cell: BodyCell) -> str:
        if cell.cell is not None:
            return format_amount(self.controller.value(cell.cell), decimals=self.decimals(cell.cell))
        return INDENT * cell.indent + cell.text if cell.kind == "label" else cell.text

    def edit_text(self, cell: BodyCell) -> str:
        if cell.cell is None:
            return cell.text
        return to_plain(self.controller.value(cell.cell), self.decimals(cell.cell)) or ""

    def is_editable(self, cell: BodyCell) -> bool:
        return cell.cell is not None and not self.controller.readonly and not self._engine.is_derived(cell.cell)

    def is_derived(self, cell: BodyCell) -> bool:
        return cell.cell is not None and self._engine.is_derived(cell.cell)

    def readonly_reason(self, index: Index) -> str:
        """Why typing on this cell changes nothing (shown in the status bar)."""
        cell = self.body_cell(index)
        if self.controller.readonly:
            return tr("文件以只读方式打开，不能修改数字。")
        if self.is_derived(cell):
            return tr("这是合计（由公式自动计算），不能直接填写：请修改它下面的明细数。")
        if cell.kind == "na":
            return tr("此单元格不适用（表中印作 ——），不能填写。")
        if cell.kind in ("label", "heading", "name", "subheader"):
            return tr("项目名称不能在这里修改；要增加科目行请用 编辑 → 增加科目行。")
        if cell.kind in ("rowno", "code", "code_part"):
            return tr("行次和科目编码不能在这里修改。")
        return tr("此单元格不能填写。")

    def _derived_rows(self) -> set[str]:
        """Rows whose every figure is a derived total: printed bold, as the official tables do."""
        is_derived = self.controller.session.engine.is_derived
        derived: set[str] = set()
        entered: set[str] = set()  # rows with a figure a clerk enters: the engine is asked no more of them
        for row in self.grid.body:
            for c in row:
                key = c.row_key
                if c.cell is not None and key and key not in entered:
                    (derived if is_derived(c.cell) else entered).add(key)
        return derived - entered

    def _is_total_row(self, cell: BodyCell) -> bool:
        return cell.row_key in self._total_rows

    def findings_at(self, cell: BodyCell) -> list:
        if cell.cell is None:
            return []
        return self.controller.by_cell.get(cell.cell, [])

    def worst_severity(self, cell: BodyCell) -> str | None:
        found = self.findings_at(cell)
        if not found:
            return None
        return min((f.severity for f in found), key=SEVERITY_ORDER.__getitem__)

    def _background(self, cell: BodyCell) -> Any:
        if cell.kind == "subheader":
            return style.HEADER_TINT
        if cell.cell is not None and cell.cell in self.controller.compare_marks:
            return style.COMPARE_TINT
        severity = self.worst_severity(cell)
        if severity:
            return style.SEVERITY_TINTS[severity]
        if self.is_derived(cell):
            return style.DERIVED_TINT
        if cell.cell is None:
            return style.STATIC_TINT
        return None

    def _tooltip(self, cell: BodyCell) -> str | None:
        lines = [f"【{tr(SEVERITY_LABELS[f.severity])}】{f.message}" for f in self.findings_at(cell)]
        if cell.cell is not None and cell.cell in self.controller.compare_marks:
            lines.insert(0, tr("对比文件中为：{compare_marks}", compare_marks=self.controller.compare_marks[cell.cell]))
        if self.is_derived(cell):
            lines.append(tr("由公式自动计算，不能直接填写"))
        elif cell.kind == "na":
            lines.append(tr("不适用"))
        return "\n".join(lines) or None

    def index_of(self, cell: Cell) -> QModelIndex:
        pos = self.grid.position.get(cell)
        return self.index(*pos) if pos else QModelIndex()

    # -- refresh --------------------------------------------------------------------------------
    def _refresh_cells(self, cells: set[Cell]) -> None:
        """Repaint the given cells of this table (figures changed, or their findings did)."""
        rows: dict[int, list[int]] = {}
        for cell in cells:
            pos = self.grid.position.get(cell) if cell[0] == self.table_key else None
            if pos is not None:
                rows.setdefault(pos[0], []).append(pos[1])
        for row, cols in rows.items():
            self.dataChanged.emit(self.index(row, min(cols)), self.index(row, max(cols)))

    def _structure_changed(self, table_key: str) -> None:
        if table_key == self.table_key:
            self.beginResetModel()
            self._rebuild()
            self.endResetModel()
