"""GUI figures for :mod:`tools.bench`: start-up against a bare PySide6 window, edit → panel, many findings,
opening a tall table."""

from __future__ import annotations

import json
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


def whole_disclosure(path: Path) -> Path:
    """Seed 001 as a unit's file holds it: its 决算 tables (the demo), its three 绩效 forms and its published
    情况说明, with the undo history of entering them; as a window's close leaves it."""
    from desktop.core.jixiao.seeds import convert_forms, load_forms
    from desktop.core.session import Session
    from desktop.gui.open_mode import DEMO_AUTHOR

    from .screenshots_jixiao import SEEDS

    seed = next(SEEDS.glob("001_*.json"))
    build_demo(path)  # the demo is seed 001's tables
    session = Session.open(path)
    load_forms(session.doc, convert_forms(json.loads(seed.read_text(encoding="utf-8"))), who=DEMO_AUTHOR)
    session.forms.reload()
    session.narrative.import_text(seed.with_suffix(".txt").read_text(encoding="utf-8"), who=DEMO_AUTHOR)
    session.findings()
    session.close()
    return path


STARTS = {  # what each start-up series opens: a file as its last close left it, or a fresh copy ("received")
    "bare": None, "demo": "demo", "forms": "forms", "forms received": "forms", "whole": "whole",
    "whole received": "whole",
}


def startup_samples(repeat: int = 5) -> dict[str, list[float]]:
    """Seconds from process start to the first painted window, by series (:data:`STARTS`): a bare PySide6
    window; the application on the demo; on the demo with :data:`FORMS` 绩效 forms; on the whole disclosure
    of seed 001 (:func:`whole_disclosure`). A "received" series opens a fresh copy each time: checked in
    full, every finding computed, as a colleague's file is."""
    folder = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    files = {"demo": build_demo(folder / "demo.gkb"),  # the example's author: opened for editing, nothing asked
             "forms": demo_with_forms(folder / "forms.gkb"), "whole": whole_disclosure(folder / "whole.gkb")}
    copies = 0

    def once(series: str) -> float:
        nonlocal copies
        name = STARTS[series]
        if name is None:
            return _start_once(["bare"])
        path = files[name]
        if series.endswith("received"):
            copies += 1
            path = _received_copy(path, copies)
        return _start_once(["app", str(path)])

    for series in STARTS:  # warm the OS file cache and write the bytecode caches for all of them
        once(series)
    samples: dict[str, list[float]] = {series: [] for series in STARTS}
    for _ in range(repeat):
        for series in STARTS:
            samples[series].append(once(series))
    return samples


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
