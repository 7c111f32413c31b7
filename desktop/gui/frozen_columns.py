"""Frozen 项目/编码 columns: a view laid over the left edge of a table view showing only its first columns,
so the captions stay in sight while the figures scroll right (as the exported workbook freezes them).

The overlay shares the view's model and selection; it takes no keyboard focus (the caption columns hold no
figures, so nothing is ever edited under it), follows the view's vertical scrolling, column widths, row
heights and spans, and hides itself when the frozen columns would take most of the view's width.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QTableView

from .viewports import own_viewport

MAX_SHARE = 0.7  # frozen columns wider than this share of the view are not frozen (nothing else would show)


class FollowedView(QTableView):
    """A table view that says when its viewport changed size, for the overlay that follows it.

    A scroll area's resizeEvent is its viewport's (Qt calls it once the viewport has its new geometry), so
    the overlay needs no event filter on the viewport: a filter written in Python is handed every event of
    what it watches (each mouse move and paint of the grid, and the scroll bars' events too, as the scroll
    area filters those), one call into Python and one conversion each, for the one event it wants."""

    viewportResized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.viewportResized.emit()


class FrozenColumns(QTableView):
    """The first ``count`` columns of ``view``, drawn over its left edge."""

    def __init__(self, view: FollowedView, count: int,
                 spans: Callable[[], Iterable[tuple[int, int, int, int]]] | None = None) -> None:
        """``spans``: the view's merged cells as (row, col, rows, cols), when its owner knows them (else
        every row of the view is asked, which on a 5,000-row table is 30,000 calls)."""
        super().__init__(view)
        own_viewport(self)
        self.view, self.count = view, count
        self._spans = spans
        self.setObjectName(f"{view.objectName() or 'table'}Frozen")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(view.selectionMode())
        self.setWordWrap(view.wordWrap())
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.verticalHeader().hide()
        strip = view.horizontalHeader()  # the body's thin resize strip: the overlay has its own over it
        self.horizontalHeader().setVisible(not strip.isHidden())
        self.horizontalHeader().setFixedHeight(max(strip.height(), 0))
        self.horizontalHeader().setToolTip(strip.toolTip())
        self.horizontalHeader().sectionResized.connect(self._dragged)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(view.verticalScrollMode())
        self.setStyleSheet("QTableView { border-right: 1px solid #999; }")
        view.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(view.verticalScrollBar().setValue)
        view.horizontalHeader().sectionResized.connect(self._column_resized)
        view.verticalHeader().sectionResized.connect(self._row_resized)
        view.viewportResized.connect(self.place)
        self.refresh()

    # -- following the view ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Take the view's model, selection, spans, font, widths and heights again (after a re-layout)."""
        view = self.view
        if self.model() is not view.model():
            self.setModel(view.model())
        if view.selectionModel() is not None and self.selectionModel() is not view.selectionModel():
            self.setSelectionModel(view.selectionModel())
        self.setFont(view.font())
        model = view.model()
        columns = model.columnCount() if model is not None else 0
        rows = model.rowCount() if model is not None else 0
        self.clearSpans()
        for c in range(columns):
            self.setColumnHidden(c, c >= self.count)
            if c < self.count:
                self.setColumnWidth(c, view.columnWidth(c))
        self._copy_row_heights(rows)
        for r, c, down, across in self._view_spans(rows, min(self.count, columns)):
            if c < self.count:
                self.setSpan(r, c, down, across)
        self.verticalScrollBar().setValue(view.verticalScrollBar().value())
        self.place()

    def _copy_row_heights(self, rows: int) -> None:
        """The view's row heights: its default, then only the rows that differ (most rows of a long table
        are one line high; setting each of 5,000 rows was most of a refresh)."""
        theirs, mine = self.view.verticalHeader(), self.verticalHeader()
        if mine.defaultSectionSize() != theirs.defaultSectionSize():
            mine.setDefaultSectionSize(theirs.defaultSectionSize())
        for r in range(rows):
            height = self.view.rowHeight(r)
            if self.rowHeight(r) != height:
                self.setRowHeight(r, height)

    def _view_spans(self, rows: int, columns: int) -> Iterable[tuple[int, int, int, int]]:
        """The view's merged cells that start in the frozen columns, as (row, col, rows, cols)."""
        if self._spans is not None:
            yield from self._spans()
            return
        covered: set[tuple[int, int]] = set()  # a span answers for every cell it covers: take its origin
        for r in range(rows):
            for c in range(columns):
                down, across = self.view.rowSpan(r, c), self.view.columnSpan(r, c)
                if (down > 1 or across > 1) and (r, c) not in covered:
                    covered |= {(r + i, c + j) for i in range(down) for j in range(across)}
                    yield r, c, down, across

    def frozen_width(self) -> int:
        """The width the frozen columns cover, in pixels; 0 while they are not frozen."""
        return 0 if self.isHidden() else sum(self.view.columnWidth(c) for c in range(self.count))

    def place(self) -> None:
        """Lay the overlay over the view's frozen columns, or hide it when they would fill the view."""
        view = self.view
        width = sum(view.columnWidth(c) for c in range(self.count))
        shown = 0 < width <= view.viewport().width() * MAX_SHARE
        self.setVisible(shown)
        if shown:
            viewport = view.viewport().geometry()
            strip = 0 if self.horizontalHeader().isHidden() else self.horizontalHeader().height()
            self.setGeometry(viewport.x(), viewport.y() - strip, width, viewport.height() + strip)
            self.raise_()

    def _column_resized(self, col: int, _old: int, new: int) -> None:
        if col < self.count:
            self.setColumnWidth(col, new)
        self.place()

    def _dragged(self, col: int, _old: int, new: int) -> None:
        if col < self.count and self.view.columnWidth(col) != new:
            self.view.setColumnWidth(col, new)  # a divider dragged on the overlay resizes the view's column

    def _row_resized(self, row: int, _old: int, new: int) -> None:
        self.setRowHeight(row, new)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - the view scrolls (and zooms) as usual
        self.view.wheelEvent(event)
