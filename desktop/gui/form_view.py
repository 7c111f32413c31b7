"""One table as the official form shows it: title, 表号, unit line, merged header, body, notes; the 项目/编码
columns of header and body stay in sight while the figures scroll right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ..core.formats.sheet_layout import header_field_text, stub_columns
from ..core.grid import TableGrid
from .controller import DocumentController
from .frozen_columns import FollowedView, FrozenColumns
from .grid_view import GridView
from .table_model import HeaderModel, TableModel
from .viewports import own_viewport

DEFAULT_WIDTHS = {"label": 30, "rowno": 5, "code": 10, "code_part": 5, "name": 26, "amount": 15, "count": 10}


class FormView(QWidget):
    """The widget for one table; :attr:`body` is the editable grid."""

    def __init__(self, controller: DocumentController, table_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.table = controller.tset.table(table_key)
        self.model = TableModel(controller, table_key, self)
        self.zoom = 0

        self.title = QLabel(self.table.title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel(self.table.label)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.unit_line = QLabel(self._unit_text())
        self.header = FollowedView()
        own_viewport(self.header)
        self.header.setObjectName("formHeader")
        self.header.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.header.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.header.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.header.horizontalHeader().hide()
        self.header.verticalHeader().hide()
        self.header.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.header.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.header.setWordWrap(True)
        self.header.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)  # scrolled with the body
        self.body = GridView()
        self.body.setObjectName("formBody")
        # the vertical scroll bar is always there, and the header leaves its width free, so that header
        # and body have the same width and scroll by the same pixels all the way to the right edge
        self.body.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.body.setModel(self.model)
        frozen = len(self.frozen_columns())
        # 项目/编码 stay in sight while scrolling right; the grid knows where cells are merged
        self.body.frozen = FrozenColumns(self.body, frozen, spans=lambda: (
            (s.row, s.col, s.rows, s.cols) for s in self.grid.body_spans))
        self.header_frozen = FrozenColumns(self.header, frozen, spans=lambda: (
            (s.row, s.col, s.rows, s.cols) for s in self.grid.header if s.rows > 1 or s.cols > 1))
        self.notes = QLabel("\n".join(self.table.notes))
        self.notes.setWordWrap(True)
        self.empty_note = QLabel(self.table.empty_note)
        self.empty_note.setStyleSheet("color: #777;")

        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.unit_line)
        header_row = QHBoxLayout()
        header_row.setSpacing(0)
        header_row.addWidget(self.header)
        header_row.addSpacing(self.body.verticalScrollBar().sizeHint().width())
        layout.addLayout(header_row)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.notes)

        self.body.horizontalScrollBar().valueChanged.connect(self.header.horizontalScrollBar().setValue)
        self.body.horizontalHeader().sectionResized.connect(self._column_resized)
        self.body.zoomRequested.connect(self.zoom_by)
        self.model.modelReset.connect(self._layout_grid)
        self.model.dataChanged.connect(self._update_empty_note)
        self._layout_grid(widths=False)
        self._applied_zoom: int | None = None
        self.apply_zoom()  # sets the fonts, then the widths and row heights once

    def _unit_text(self) -> str:
        """部门名称 / 公开部门 / 年度 / 金额单位 as the export and the print write them."""
        meta = self.controller.session.doc.meta
        return "　　　　".join(header_field_text(name, meta) for name in self.table.header_fields)

    @property
    def grid(self) -> TableGrid:
        return self.model.grid

    def frozen_columns(self) -> list[int]:
        """The columns kept in sight while scrolling right: those the exported workbook freezes."""
        return [0] if self.table.layout == "side_by_side" else stub_columns(self.table.blocks[0])

    def _refresh_frozen(self) -> None:
        for overlay in (self.body.frozen, self.header_frozen):
            if overlay is not None:
                overlay.refresh()

    # -- layout ---------------------------------------------------------------------------------
    def _layout_grid(self, widths: bool = True) -> None:
        grid = self.grid
        self.header.setModel(HeaderModel(grid, self.header))
        self.header.clearSpans()
        for span in grid.header:
            if span.rows > 1 or span.cols > 1:
                self.header.setSpan(span.row, span.col, span.rows, span.cols)
        self.body.clearSpans()
        for span in grid.body_spans:
            self.body.setSpan(span.row, span.col, span.rows, span.cols)
        if widths:
            self._apply_widths()  # which refreshes the frozen columns; at first, apply_zoom() does
        self._update_empty_note()

    def _apply_widths(self) -> None:
        unit = max(self.body.fontMetrics().horizontalAdvance("0"), 6)
        for c, gc in enumerate(self.grid.columns):
            chars = gc.column.width or DEFAULT_WIDTHS.get(gc.column.kind, 12)
            self.body.setColumnWidth(c, int(chars * unit * 1.1) + 8)
        self._sync_header()
        self._refresh_frozen()

    def _column_resized(self, col: int, _old: int, new: int) -> None:
        self.header.setColumnWidth(col, new)

    def _sync_header(self) -> None:
        for c in range(self.grid.column_count):
            self.header.setColumnWidth(c, self.body.columnWidth(c))
        self.header.resizeRowsToContents()
        rows = self.header.model().rowCount() if self.header.model() else 0
        height = sum(self.header.rowHeight(r) for r in range(rows)) + 2 * self.header.frameWidth()
        self.header.setFixedHeight(height)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """One line per row, taller only where a caption wraps (measuring every cell of every row with
        resizeRowsToContents was the slowest part of showing a table)."""
        metrics = self.body.fontMetrics()
        self.body.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        room = [self.body.columnWidth(c) - 8 for c in range(self.grid.column_count)]
        # no character of a caption is wider than these: a caption of n characters within n of the widest
        # fits without measuring it (most 科目 names and every code do)
        samples = (chr(0x56FD), "W", "M", chr(0x2014), chr(0xFF05))  # 国 W M — ％: a sample, not a word shown
        widest = max(metrics.horizontalAdvance(ch) for ch in samples)
        for r, row in enumerate(self.grid.body):
            for c, cell in enumerate(row):
                if cell.cell is not None or not cell.text or (len(cell.text) + cell.indent) * widest <= room[c]:
                    continue  # a figure, an empty cell, or a caption short enough (with its indent)
                if metrics.horizontalAdvance(self.model.display_text(cell)) > room[c]:
                    self.body.resizeRowToContents(r)
                    break

    def _update_empty_note(self, *args: object) -> None:
        empty = all(self.controller.value(c) is None for c in self.grid.value_cells())
        self.empty_note.setVisible(empty)

    # -- zoom -----------------------------------------------------------------------------------
    def zoom_by(self, step: int) -> None:
        self.zoom = max(-4, min(8, self.zoom + step))
        self.apply_zoom()

    def set_zoom(self, zoom: int) -> None:
        if zoom == self._applied_zoom:
            return  # measuring every row again is the costly part of showing a table
        self.zoom = zoom
        self.apply_zoom()

    def apply_zoom(self) -> None:
        base = self.font().pointSize() if self.font().pointSize() > 0 else 10
        size = max(6, base + self.zoom)
        for widget in (self.body, self.header, self.unit_line, self.notes, self.label, self.empty_note):
            font = QFont(widget.font())
            font.setPointSize(size)
            widget.setFont(font)
        title_font = QFont(self.title.font())
        title_font.setPointSize(size + 6)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.body.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._apply_widths()
        self._applied_zoom = self.zoom
