"""The 项目/编码 columns stay in sight while the figures scroll right (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QRect  # noqa: E402


@pytest.fixture
def view_of(qtbot, load_seed):
    from desktop.gui.controller import DocumentController
    from desktop.gui.form_view import FormView

    session, _ = load_seed("001_0f45429440d9ca6e")
    controller = DocumentController(session, "测试员")

    def build(key: str, width: int = 800):
        view = FormView(controller, key)
        qtbot.addWidget(view)
        view.resize(width, 600)
        view.show()
        qtbot.waitExposed(view)
        return view
    return build


def _row_of(view, text: str) -> int:
    model = view.model
    return next(r for r in range(model.rowCount()) if text in str(model.index(r, 1).data() or ""))


def test_scrolling_right_keeps_the_code_and_name_columns_shown(view_of, qtbot):
    view = view_of("shouru")  # 公开02: 功能分类科目编码 | 科目名称 | seven amounts, wider than the window
    body, frozen = view.body, view.body.frozen
    assert frozen is not None and frozen.count == 2 and view.header_frozen.count == 2
    width = frozen.frozen_width()
    assert width == body.columnWidth(0) + body.columnWidth(1)
    rows = body.viewport().geometry().bottom()  # above the horizontal scroll bar
    left = QRect(0, 0, width, rows)
    right = QRect(width + 2, 0, body.viewport().width() - width - 2, rows)
    before, figures_before = body.grab(left).toImage(), body.grab(right).toImage()
    bar = body.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    qtbot.wait(10)
    r = _row_of(view, "行政运行")
    assert body.visualRect(view.model.index(r, 1)).right() < width  # the body itself scrolled the name away
    assert frozen.isVisible() and view.header_frozen.isVisible()
    name = frozen.visualRect(frozen.model().index(r, 1))
    assert name.left() >= 0 and name.right() <= frozen.width()  # … and the overlay shows it in place
    assert body.grab(left).toImage() == before  # the caption columns look exactly as before scrolling
    assert body.grab(right).toImage() != figures_before
    # moving back to the first figure brings it out from under the frozen columns
    first = view.model.index(r, 2)
    body.setCurrentIndex(first)
    body.scrollTo(first)
    assert body.visualRect(first).left() >= width


def test_frozen_columns_follow_the_vertical_scroll_and_step_aside_in_a_narrow_window(view_of, qtbot):
    view = view_of("shouru", width=500)  # code + name would cover most of the body: not frozen
    assert view.body.frozen.isHidden() and view.body.frozen.frozen_width() == 0
    view.resize(900, 300)
    qtbot.waitUntil(lambda: not view.body.frozen.isHidden())
    bar = view.body.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert view.body.frozen.verticalScrollBar().value() == bar.value() > 0
