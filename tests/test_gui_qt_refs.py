"""PySide6 6.12 hands None (void calls, empty QVariants) and True (signal.emit) back without a reference;
enough calls abort Python with ``none_dealloc``. The GUI package shields them (desktop/gui/qt_values.py).
Each test runs a child process, so an abort is a failure here rather than the end of pytest."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

PROJECT = Path(__file__).resolve().parents[1]
CALLS = 200_000  # far more references than None or True hold in a fresh interpreter

WORKOUT = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(PROJECT)!r})
    if sys.argv[1] == "gui":
        import desktop.gui  # noqa: F401 - what every window does first
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
    from PySide6.QtWidgets import QApplication, QLabel

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()): return 1
        def columnCount(self, parent=QModelIndex()): return 1
        def data(self, index, role=Qt.ItemDataRole.DisplayRole): return None

    class Pinger(QObject):
        ping = Signal()

    app = QApplication([])
    model, label, pinger = Model(), QLabel(), Pinger()
    index = model.index(0, 0)
    for _ in range({CALLS}):
        index.data(Qt.ItemDataRole.UserRole + 7)  # what the grid's delegate did for every painted cell
        label.setText("x")
        pinger.ping.emit()
    print("survived")
""")


def run(mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WORKOUT, mode], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_the_gui_package_survives_many_empty_reads_void_calls_and_signals():
    done = run("gui")
    assert done.returncode == 0 and "survived" in done.stdout, done.stderr[-2000:]


def test_the_same_work_aborts_without_the_shield_while_pyside6_has_the_bug():
    """The control: proves the workout above is strong enough to kill an unshielded process."""
    from PySide6.QtWidgets import QApplication  # noqa: F401

    from desktop.gui.qt_values import references_lost

    if sys.version_info >= (3, 12) or references_lost() <= 0:
        pytest.skip("this Python/PySide6 does not lose references to None: nothing to guard against")
    done = run("bare")
    assert done.returncode != 0 and "dealloc" in done.stderr


def test_the_grid_reads_its_own_model_and_loses_no_reference_on_a_cell_without_a_mark(tmp_path):
    """index_value: the delegate's 批注 mark (None on almost every cell) read without going through Qt."""
    from PySide6.QtWidgets import QApplication

    from desktop.core.demo import build_demo
    from desktop.core.session import Session
    from desktop.gui.controller import DocumentController
    from desktop.gui.qt_values import index_value
    from desktop.gui.table_model import COMMENT_ROLE, TableModel

    QApplication.instance() or QApplication([])
    session = Session.open(build_demo(tmp_path / "demo.gkb"), who="测试员")
    try:
        model = TableModel(DocumentController(session, "测试员"), "zhichu")
        index = model.index(3, 3)
        before = sys.getrefcount(None)
        marks = [index_value(index, COMMENT_ROLE) for _ in range(1000)]
        assert marks == [None] * 1000
        assert sys.getrefcount(None) - before >= 1000  # the list holds them: none was lost on the way
    finally:
        session.close()
