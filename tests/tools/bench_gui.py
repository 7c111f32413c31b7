"""GUI figures for :mod:`tools.bench`: start-up against a bare PySide6 window, edit → panel, many findings,
opening a tall table."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop.core.demo import build_demo

from . import child_env


def _start_once(args: list[str]) -> float:
    env = child_env(QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # as installed (pip, the bundle): modules load from cached bytecode, not compiled at every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "tools.startup_probe", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    line = proc.stdout.readline() if proc.stdout else ""
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if line.strip() != "painted":
        raise RuntimeError(f"startup probe {args[0]} did not paint")
    return elapsed


FORMS = 6  # 绩效 forms added to the demo for the second document timed
FORM_ROWS = 3  # 三级 rows under each 二级 of a form


def demo_with_forms(path: Path) -> Path:
    """The demo with :data:`FORMS` shape-A 绩效自评表 (27 三级 rows each), as a unit's file usually has some."""
    from desktop.core.session import Session
    from desktop.gui.open_mode import DEMO_AUTHOR  # the example's author: opened for editing, nothing asked

    from .bench_dumps import add_shape_a_forms

    build_demo(path)
    session = Session.open(path)
    add_shape_a_forms(session.doc, FORMS, FORM_ROWS, who=DEMO_AUTHOR)
    session.findings()  # as a window's close leaves the file: its forms' findings kept (kept_findings.py)
    session.close()
    return path


def startup_samples(repeat: int = 5) -> tuple[list[float], list[float], list[float], list[float]]:
    """Seconds from process start to the first painted window: (bare PySide6, the application on the demo,
    the application on the demo with :data:`FORMS` 绩效 forms as its last close left it, the same file
    received: a fresh copy each time, so checked in full and its forms' findings computed)."""
    folder = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    demo = build_demo(folder / "demo.gkb")  # the built-in example's author: opened for editing, nothing asked
    forms = demo_with_forms(folder / "forms.gkb")
    bare, app, with_forms, received = [], [], [], []
    _start_once(["bare"])  # warm the OS file cache and write the bytecode caches for all four
    _start_once(["app", str(demo)])
    _start_once(["app", str(forms)])
    _start_once(["app", str(_received_copy(forms, 0))])
    for n in range(repeat):
        bare.append(_start_once(["bare"]))
        app.append(_start_once(["app", str(demo)]))
        with_forms.append(_start_once(["app", str(forms)]))
        received.append(_start_once(["app", str(_received_copy(forms, n + 1))]))
    return bare, app, with_forms, received


def _received_copy(path: Path, n: int) -> Path:
    """A copy of ``path`` as if received from a colleague: another file, with no record of this program's."""
    copy = path.with_name(f"received-{n}.gkb")
    shutil.copyfile(path, copy)
    return copy


def edit_to_panel_samples(edits: int = 200) -> tuple[list[float], list[float]]:
    """Seconds per typed cell edit: (text → durably committed, committed → grid, table list and 审核结果
    panel updated and repainted)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from desktop.gui.app import Application, make_qapplication

    qapp = make_qapplication()
    folder = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    window = Application(qapp).open_path(build_demo(folder / "demo.gkb", who="bench"), mode="edit")
    assert window is not None
    view = window.show_table("zhichu")
    qapp.processEvents()
    cells = [c for c in view.grid.value_cells() if view.model.is_editable(view.model.grid.at(*view.grid.position[c]))]
    rng = random.Random(3)
    session = window.session
    committed_at: list[float] = []
    commit = session.set_texts

    def timed_commit(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        delta = commit(*args, **kwargs)
        committed_at.append(time.perf_counter())
        return delta

    session.set_texts = timed_commit  # type: ignore[method-assign]
    to_commit, to_panel = [], []
    for _ in range(edits):
        cell = rng.choice(cells)
        text = f"{rng.randint(0, 10**7)}.{rng.randint(0, 99):02d}"
        start = time.perf_counter()
        window.controller.set_texts({cell: text})
        qapp.processEvents()  # the posted repaints of the grid, the table list and the panel
        end = time.perf_counter()
        to_commit.append(committed_at[-1] - start)
        to_panel.append(end - committed_at[-1])
    window.close()
    window.deleteLater()
    qapp.processEvents()
    return to_commit, to_panel


def _window_on(dump: dict):  # noqa: ANN202 - (QApplication, MainWindow)
    """An offscreen window, with settings in a scratch folder, on a new document made from ``dump``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from desktop.core.formats.dump import load_dump

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from desktop.gui.app import Application, make_qapplication

    qapp = make_qapplication()
    path = Path(tempfile.mkdtemp(prefix="gongkai-bench-")) / "bench.gkb"
    load_dump(dump, path, who="bench").close()
    window = Application(qapp).open_path(path, mode="edit")
    assert window is not None
    return qapp, window


def _close(qapp, window) -> None:  # noqa: ANN001
    window.close()
    window.deleteLater()
    qapp.processEvents()


def many_findings_samples(dump: dict, edits: int = 100) -> tuple[int, list[float], list[float]]:
    """Seconds from a committed edit to the grid, table list and 审核结果 list repainted, on a document with
    many findings: (finding count, the change applied as the core told it, every finding re-read as before).
    Commit time is left out (the same in both)."""
    qapp, window = _window_on(dump)
    controller, session = window.controller, window.session
    table = next(t.key for t in session.tset.tables if t.floating_block is not None)
    window.show_table(table)
    qapp.processEvents()
    cells = [c for c in session.engine.values if c[0] == table and session.cell_info(c).editable]
    rng = random.Random(5)
    committed_at: list[float] = []
    commit = session.set_values

    def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        change = commit(*args, **kwargs)
        committed_at.append(time.perf_counter())
        return change

    session.set_values = timed  # type: ignore[method-assign]
    applied, reread = [], []
    for i in range(2 * edits):
        controller.set_texts({rng.choice(cells): str(rng.randint(1, 10**6))})
        if i % 2:
            controller.recheck()  # what every edit cost before: all findings re-read, re-sorted, list reset
        qapp.processEvents()
        (reread if i % 2 else applied).append(time.perf_counter() - committed_at[-1])
    count = len(controller.findings)
    _close(qapp, window)
    return count, applied, reread


def open_table_samples(dump: dict, tables: int = 4) -> tuple[int, list[float]]:
    """Seconds to open (lay out, fill and paint) each coded table of a document with many 科目 rows,
    the first time it is shown: (rows in the first table, one sample per table)."""
    qapp, window = _window_on(dump)
    qapp.processEvents()
    keys = [t.key for t in window.session.tset.tables if t.floating_block is not None][:tables]
    samples = []
    for key in keys:
        start = time.perf_counter()
        window.show_table(key)
        qapp.processEvents()
        samples.append(time.perf_counter() - start)
    rows = len(window.session.rows.rows(keys[0]))
    _close(qapp, window)
    return rows, samples
