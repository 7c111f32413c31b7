"""Compare this document with another file of the same set: every differing cell, 科目 row and cover field."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.diff import Comparison, DiffError, compare_documents
from ..core.document import Document, DocumentError
from ..core.i18n import N_, tr
from ..core.money import format_amount
from ..core.session import Session

COLUMNS = (N_("表"), N_("行"), N_("栏"), N_("另一文件"), N_("本文件"), N_("差额"))


class CompareDialog(QDialog):
    """Differences between ``other`` (the version I saw) and this document, table by table;
    double-click a cell's line to go to it in the table."""

    cellActivated = Signal(object)  # (table, row, col)

    def __init__(self, session: Session, other: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("比较：{other} → {this}", other=Path(other).name, this=session.doc.path.name))
        self.comparison: Comparison | None = None
        self.error = ""
        try:
            with Document.open(Path(other), readonly=True) as old:
                self.comparison = compare_documents(old, session.doc)
        except (DiffError, DocumentError) as exc:
            self.error = str(exc)
        self.summary = QLabel(self.error or (self.comparison.summary() if self.comparison else ""))
        self.summary.setWordWrap(True)
        self.list = QTableWidget(0, len(COLUMNS))
        self.list.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.verticalHeader().hide()
        self.list.itemDoubleClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.fill()
        self.resize(1100, 560)

    def rows(self) -> list[tuple[str, ...]]:
        if self.comparison is None:
            return []
        out = []
        for c in self.comparison.cells:
            def show(v: int | None, d: int = c.decimals) -> str:
                return "" if v is None else format_amount(v, decimals=d)
            out.append((c.table, c.row, c.column, show(c.old), show(c.new), format_amount(c.difference, decimals=c.decimals)))
        for r in self.comparison.rows:
            out.append((r.table, f"{r.code} {r.name}".strip(), tr("增加科目行") if r.added else tr("删除科目行"), "", "", ""))
        for label, old, new in self.comparison.meta:
            out.append((tr("封面"), label, "", old, new, ""))
        return out

    def fill(self) -> None:
        rows = self.rows()
        cells = [c.cell for c in self.comparison.cells] if self.comparison else []
        self.list.setRowCount(len(rows))
        for r, texts in enumerate(rows):
            for c, text in enumerate(texts):
                self.list.setItem(r, c, QTableWidgetItem(text))
        self.row_cells = cells  # row r of the list is cells[r] (rows past them: added rows, cover)
        self.list.resizeColumnsToContents()
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def marks(self) -> dict[tuple[str, str, str], str]:
        """What the other file has in each differing cell, for tinting the tables."""
        if self.comparison is None:
            return {}
        return {c.cell: (tr("空") if c.old is None else format_amount(c.old, decimals=c.decimals))
                for c in self.comparison.cells}

    def _activated(self, item: QTableWidgetItem) -> None:
        row = item.row()  # the cell is kept in Python: item.data() of an empty role loses a None reference
        if 0 <= row < len(self.row_cells):
            self.cellActivated.emit(tuple(self.row_cells[row]))


def choose_and_compare(parent: QWidget, session: Session) -> CompareDialog | None:
    path, _ = QFileDialog.getOpenFileName(parent, tr("选择要比较的文件（如同事上次发来的版本）"),
                                          str(session.doc.path.parent), tr("公开表文档 (*.gkb)"))
    if not path:
        return None
    return CompareDialog(session, path, parent)
