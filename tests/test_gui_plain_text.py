"""Text from a colleague's file is shown as text: an ``<img src=…>`` in a unit name, a lock owner or a
comment is never rendered (Qt would open the path it names; on Windows a ``\\\\host\\share`` path leaks the
user's credentials)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QHelpEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTableView, QToolTip  # noqa: E402

HOSTILE = '<img src="file:///nonexistent/probe.png">恶意<b>单位</b>'


@pytest.fixture
def app(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    application = Application(make_qapplication())
    yield application
    for window in list(application.windows):
        window.close()


def hostile_demo(folder: Path) -> Path:
    from desktop.core.demo import build_demo

    path = build_demo(folder / "demo.gkb")
    with sqlite3.connect(path) as conn:  # what a colleague's copy can hold: any text as the unit's name
        conn.execute("UPDATE meta SET value = ? WHERE key = 'unit_name'", (HOSTILE,))
    conn.close()
    return path


def test_a_unit_name_with_markup_is_shown_as_typed(app, qtbot, tmp_path):
    window = app.open_path(hostile_demo(tmp_path), mode="edit")
    assert window is not None
    window.show()
    qtbot.waitExposed(window)
    view = window.show_table(window.session.tset.tables[0].key)  # its 编制单位 line names the unit
    qtbot.waitExposed(view)
    showing = [label for label in window.findChildren(QLabel) if "<img" in label.text() and label.isVisible()]
    assert showing, "the unit's name is shown nowhere"
    assert "<img" in window.windowTitle()  # the title bar is always plain text
    for label in showing:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()


def test_every_label_shown_is_plain_text_unless_built_as_markup(app, qtbot):
    box = QMessageBox(QMessageBox.Icon.Warning, "公开表工作台", f"锁文件属于 {HOSTILE}")
    box.setInformativeText(HOSTILE)
    box.show()
    qtbot.waitExposed(box)
    labels = [label for label in box.findChildren(QLabel) if "<img" in label.text()]
    assert len(labels) == 2
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    box.close()


class _OneCell(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 1

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return HOSTILE if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None


def test_a_tooltip_from_the_file_is_escaped(app, qtbot):
    view = QTableView()
    model = _OneCell()
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    at = view.visualRect(model.index(0, 0)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), event)
    shown = QToolTip.text()
    assert "&lt;img" in shown and "<img" not in shown
    QToolTip.hideText()
    view.setToolTip(HOSTILE)
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, QPoint(1, 1), view.mapToGlobal(QPoint(1, 1))))
    assert "&lt;b&gt;单位" in QToolTip.text()
    view.close()


def test_a_label_built_while_the_filter_is_paused_is_plain_before_it_is_shown(app, qtbot):
    from desktop.gui.app_events import install

    events = install(QApplication.instance())
    assert install(QApplication.instance()) is events  # one filter per application
    pause = events.pause_for_new_window()  # how a document's window is built: its events bypass Python
    window = QMessageBox()
    inner = QLabel(HOSTILE, window)
    window.show()
    assert inner.textFormat() == Qt.TextFormat.AutoText
    pause.watch(window)
    assert inner.textFormat() == Qt.TextFormat.PlainText  # made plain when watched, before any paint
    qtbot.waitExposed(window)
    qtbot.wait(20)
    later = QLabel(HOSTILE)  # and the filter is back for what comes after the first paint
    qtbot.addWidget(later)
    later.show()
    qtbot.waitExposed(later)
    assert later.textFormat() == Qt.TextFormat.PlainText
    window.deleteLater()


def _label_shown_now(qtbot) -> QLabel:
    label = QLabel(HOSTILE)
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    return label


def test_a_new_window_is_painted_before_the_filter_returns_and_it_returns_after(app, qtbot, tmp_path):
    window = app.open_path(hostile_demo(tmp_path), mode="edit")
    assert window is not None
    # shown while the filter is out (app_events.paused_until_painted): already plain, before any paint
    labels = [label for label in window.findChildren(QLabel) if "<img" in label.text()]
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    qtbot.waitExposed(window)
    qtbot.wait(20)  # the filter comes back once that first paint is done
    assert _label_shown_now(qtbot).textFormat() == Qt.TextFormat.PlainText


def test_a_modal_dialog_before_the_first_paint_brings_the_filter_back_first(app, qtbot, tmp_path):
    window = app.open_path(hostile_demo(tmp_path), mode="edit")
    box = QMessageBox(QMessageBox.Icon.Warning, "公开表工作台", HOSTILE, parent=window)
    box.setModal(True)
    box.show()  # blocks the window before either is painted
    inner = [label for label in box.findChildren(QLabel) if "<img" in label.text()]
    assert inner and all(label.textFormat() == Qt.TextFormat.PlainText for label in inner)
    box.close()


def test_a_window_closed_before_its_first_paint_leaves_the_filter_in_place(app, qtbot, tmp_path):
    window = app.open_path(hostile_demo(tmp_path), mode="edit")
    window.close()
    assert _label_shown_now(qtbot).textFormat() == Qt.TextFormat.PlainText
