"""A day's work in one window, run as a child process by tests/test_gui_soak.py (an abort is then a
failed test, not a dead pytest). Prints one JSON line: the figures and whether the file holds what was typed.

    python tests/gui_soak_child.py WORKDIR EDITS SWITCHES SCROLLS KEYED
"""

from __future__ import annotations

import faulthandler
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GONGKAI_USER", "测试员")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's desktop package

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication  # noqa: E402


def editable_cells(view) -> list:  # noqa: ANN001 - FormView
    """(row, column, cell) of every figure a clerk may type in this table."""
    model = view.model
    out = []
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            body = model.body_cell(model.index(r, c))
            if body.cell is not None and model.is_editable(body):
                out.append((r, c, body.cell))
    return out


def type_keys(view, row: int, col: int, text: str) -> None:  # noqa: ANN001
    """Type as a clerk: the first key opens the editor (typing replaces), the rest, then Enter."""
    index = view.model.index(row, col)
    view.body.setCurrentIndex(index)
    view.body.setFocus()
    QTest.keyClicks(view.body, text[0])
    editor = view.body.focusWidget()
    QTest.keyClicks(editor, text[1:])
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert view.body.state() != QAbstractItemView.State.EditingState


def main(workdir: Path, edits: int, switches: int, scrolls: int, keyed: int) -> dict:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []  # a modal box would block the soak: collect what would have been shown
    for name in ("warning", "critical", "information"):
        setattr(QMessageBox, name, staticmethod(lambda _parent, _title, text, *a, **k: shown.append(text)))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(workdir / "settings"))
    from desktop.core.demo import build_demo
    from desktop.core.session import Session
    from desktop.gui.app import Application, make_qapplication

    app = Application(make_qapplication())
    path = build_demo(workdir / "soak.gkb")
    win = app.open_path(path)
    win.resize(1200, 800)
    QApplication.processEvents()
    keys = [t.key for t in win.session.tset.tables]
    targets = {}
    for key in keys:
        cells = editable_cells(win.show_table(key))
        if cells:
            targets[key] = cells
    editing = sorted(targets)
    rng = random.Random(12)
    typed: dict = {}
    none_before = sys.getrefcount(None)
    started = time.perf_counter()
    timings = {}

    t0 = time.perf_counter()
    for i in range(edits):
        key = editing[i % len(editing)] if i % 50 == 0 or i < 1 else key  # a new table every 50 edits
        view = win.show_table(key)
        r, c, cell = rng.choice(targets[key])
        if view.model.decimals(cell) == 0:  # counts (人数、车辆数) take whole numbers
            whole = rng.randrange(0, 500)
            hundredths, text = whole * 100, str(whole)
        else:
            hundredths = rng.randrange(0, 10_000_000)
            text = f"{hundredths // 100}.{hundredths % 100:02d}"
        if i < keyed:
            type_keys(view, r, c, text)
        else:  # the delegate's commit path: QStyledItemDelegate.setModelData -> model.setData(EditRole)
            assert view.model.setData(view.model.index(r, c), text, Qt.ItemDataRole.EditRole), (cell, text, shown)
        typed[cell] = hundredths
        QApplication.processEvents()  # paints what the edit changed, as the event loop would
        if i % 10 == 0:
            view.body.viewport().repaint()
    timings["edits_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(switches):
        win.tables.select_table(keys[i % len(keys)])  # the table list, as a click on it
        QApplication.processEvents()
        win.current_grid().viewport().repaint()
    timings["switches_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    view = win.show_table(max(targets, key=lambda k: win.view_for(k).model.rowCount()))
    bar = view.body.verticalScrollBar()
    for i in range(scrolls):
        bar.setValue(bar.maximum() if i % 2 == 0 else bar.minimum() + (i % 7) * bar.singleStep())
        view.body.viewport().repaint()
    QApplication.processEvents()
    timings["scrolls_s"] = time.perf_counter() - t0

    total = time.perf_counter() - started
    in_window = all(win.controller.value(cell) == value for cell, value in typed.items())
    win.close()
    QApplication.processEvents()
    for window in list(app.windows):
        window.session.close()
    check = Session.open(path, who="核对")  # what is on disk
    on_disk = {cell: check.value(cell) for cell in typed}
    check.close()
    wrong = {str(cell): [typed[cell], on_disk[cell]] for cell in typed if on_disk[cell] != typed[cell]}
    return {
        "edits": edits, "keyed": keyed, "switches": switches, "scrolls": scrolls,
        "seconds": round(total, 2), **{k: round(v, 2) for k, v in timings.items()},
        "edits_per_s": round(edits / timings["edits_s"], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "none_refs_lost": none_before - sys.getrefcount(None),
        "messages": shown[:5],
        "cells_typed": len(typed), "in_window": in_window, "wrong_on_disk": wrong,
    }


if __name__ == "__main__":
    faulthandler.enable()
    faulthandler.dump_traceback_later(float(os.environ.get("SOAK_HANG_S", "300")), exit=True)
    work, *numbers = sys.argv[1:]
    print(json.dumps(main(Path(work), *map(int, numbers)), ensure_ascii=False))
