"""How the window starts. The core is imported before Qt (see desktop/gui/__init__.py): PySide6 reads the
source text of every module imported after it, so a core module the window needs that is first imported
after Qt costs every start a file read; a fresh process starts a document's window as `gongkai` does and
lists what was imported after PySide6. The garbage collector is off while the start builds what stays
(desktop.cli._start_gui) and on again once the windows are built (desktop.gui.app.start), collecting at
Python's usual rhythm, not at the one-shot commands' slower one (desktop.cli.run)."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from pathlib import Path

from tools import child_env

from desktop.core.demo import build_demo

START_AND_LIST = """
import sys
from pathlib import Path
import desktop.cli
from desktop.core.load_ahead import load_ahead
load_ahead(sys.argv[1:])  # as desktop.cli._start_gui does
from desktop.gui.app import Application, make_qapplication
from PySide6.QtCore import QTimer
qapp = make_qapplication()
window = Application(qapp).open_path(Path(sys.argv[1]), mode="edit")
def painted():
    handle = window.windowHandle()
    if handle is None or not handle.isExposed():
        QTimer.singleShot(0, painted)
        return
    qapp.quit()
QTimer.singleShot(0, painted)
qapp.exec()
names = list(sys.modules)  # in the order they were first imported
print("\\n".join(names[names.index("PySide6"):]))
print("#forms-engine", "desktop.core.jixiao.book" in sys.modules)
print("#openssl", "_hashlib" in sys.modules)  # hashlib loads libcrypto: ~2.5 ms (desktop/core/digest.py)
"""

QT_AND_ITS_LAYER = ("PySide6", "shiboken6", "shibokensupport", "desktop.gui")


def _imported_after_qt(document: Path, folder: Path) -> tuple[list[str], bool]:
    """(the modules a start of ``document``'s window imported after PySide6, whether the 绩效 engine loaded)."""
    done = subprocess.run([sys.executable, "-c", START_AND_LIST, str(document)], capture_output=True, text=True,
                          timeout=120, env=child_env(QT_QPA_PLATFORM="offscreen", GONGKAI_LANG="zh_CN"),
                          cwd=folder)
    assert done.returncode == 0, done.stderr
    *after_qt, marker, forms_engine, openssl_marker, openssl = done.stdout.split()
    assert (marker, openssl_marker) == ("#forms-engine", "#openssl")
    assert openssl == "False", "a start loaded hashlib (OpenSSL): use desktop.core.digest.sha256"
    assert "desktop.gui.main_window" in after_qt  # the window was built after Qt was imported
    late = [name for name in after_qt if not name.startswith(QT_AND_ITS_LAYER)
            and name not in sys.builtin_module_names and not name.startswith("encodings.")]
    return late, forms_engine == "True"


def test_the_core_and_its_libraries_load_before_qt(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo.gkb", who="test")
    late, forms_engine = _imported_after_qt(demo, tmp_path)
    assert late == [], f"imported after PySide6 at start (add them to desktop/gui/__init__.py): {late}"
    assert not forms_engine  # no 绩效 forms in the demo: their engine is not loaded at all


def test_a_document_with_forms_gets_their_engine_before_qt(tmp_path: Path) -> None:
    from tools.bench_dumps import add_shape_a_forms

    from desktop.core.session import Session

    path = build_demo(tmp_path / "forms.gkb", who="test")
    session = Session.open(path, who="test")
    add_shape_a_forms(session.doc, 2, 2, who="test")
    session.close()
    _imported_after_qt(path, tmp_path)  # this process may hold the forms already: the first start may compile them
    received = tmp_path / "received.gkb"
    shutil.copy2(path, received)  # another file: no findings kept with it
    late, forms_engine = _imported_after_qt(received, tmp_path)
    assert forms_engine and late == [], f"imported after PySide6 at start (see desktop/core/load_ahead.py): {late}"
    # that window's close kept the forms' findings with the file (desktop/core/kept_findings.py): the next
    # start shows them as kept and loads no forms engine at all
    late, forms_engine = _imported_after_qt(received, tmp_path)
    assert not forms_engine and late == []


def test_a_document_with_a_text_gets_its_checker_before_qt(tmp_path: Path) -> None:
    from conftest import seed_path

    from desktop.core.session import Session

    path = build_demo(tmp_path / "text.gkb", who="test")
    session = Session.open(path, who="test")  # the demo is seed 001: its published 情况说明
    session.narrative.import_text(seed_path("001_0f45429440d9ca6e").with_suffix(".txt").read_text(encoding="utf-8"),
                                  who="test")
    session.close()
    late, _ = _imported_after_qt(path, tmp_path)  # no findings kept: checked in full, the checker before Qt
    assert late == [], f"imported after PySide6 at start (see desktop/core/load_ahead.py): {late}"
    late, _ = _imported_after_qt(path, tmp_path)  # as that window's close left it: nothing of the checker
    assert not [name for name in late if name.startswith("desktop.core.narrative")] and late == []


def test_the_collector_is_off_while_the_gui_starts_and_on_once_its_windows_are_built(qtbot, messages, monkeypatch,
                                                                                    tmp_path):
    from PySide6.QtCore import QSettings

    import desktop.cli
    import desktop.gui.app as gui_app

    seen = []
    monkeypatch.setattr(gui_app, "run", lambda files: seen.append((gc.isenabled(), gc.get_threshold())) or 0)
    usual = gc.get_threshold()
    gc.set_threshold(*desktop.cli.ONE_SHOT_COLLECTION)  # as desktop.cli.run() leaves it for one-shot commands
    try:
        assert desktop.cli._start_gui(["x.gkb"]) == 0
    finally:
        gc.enable()
        gc.set_threshold(*usual)
    assert seen == [(False, usual)]  # the GUI was loaded and run with the collector off, then the usual rhythm

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    gc.disable()
    try:
        app = gui_app.start([str(build_demo(tmp_path / "demo.gkb"))])
        enabled = gc.isenabled()
    finally:
        gc.enable()
    assert enabled and len(app.windows) == 1 and messages == []
    app.windows[0].close()


LOAD_THE_CORE = """
import sys
import desktop.cli
from desktop.core.session import Session
from desktop.core.demo import build_demo
held = "typing_extensions" in sys.modules
session = Session.open(build_demo(sys.argv[1]), who="test")  # the core's Structs built and checked
checked = isinstance(session.findings(), list)
import typing_extensions  # a later import, by a library or a plug-in, works as usual
print(held, checked, typing_extensions.TypedDict is not None)
"""


def test_the_core_loads_msgspec_without_typing_extensions(tmp_path: Path) -> None:
    # msgspec falls back to typing when typing_extensions cannot load (desktop/core/__init__.py); ~3 ms a start
    done = subprocess.run([sys.executable, "-c", LOAD_THE_CORE, str(tmp_path / "demo.gkb")], capture_output=True,
                          text=True, timeout=120, env=child_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]
