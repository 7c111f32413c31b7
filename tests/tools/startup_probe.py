"""Start, paint one window, print "painted", exit: timed from outside by the benchmark (:mod:`tools.bench_gui`).

    PYTHONPATH=tests python -m tools.startup_probe bare          # a bare PySide6 window, an empty QTableView
    PYTHONPATH=tests python -m tools.startup_probe app DOC.gkb   # the application with DOC open and checked

The application is started the way `gongkai open DOC` starts it (desktop.cli's ``_start_gui``): the garbage
collector off, the CLI, what the document needs (``load_ahead``), the GUI package (which loads the core before
Qt), then ``desktop.gui.app.start``.
"""

from __future__ import annotations

import gc
import sys
import tempfile


def main(argv: list[str]) -> int:
    if argv[0] == "bare":
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
        qapp = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setCentralWidget(QTableView())
        window.resize(1280, 820)
        window.show()
    else:
        gc.disable()  # as desktop.cli._start_gui does; start() turns it back on
        import desktop.cli  # noqa: F401 - the `gongkai` entry point loads the CLI before the GUI
        from desktop.core.load_ahead import load_ahead

        load_ahead(argv[1:])  # as _start_gui does: what the document needs, before Qt
        import desktop.gui.app

        start = desktop.gui.app.start  # the GUI loaded the core, then Qt: Qt's classes come from there now
        from PySide6.QtCore import QSettings, QTimer

        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
        app = start([argv[1]])
        if not app.windows:
            return 2
        qapp, window = app.qapp, app.windows[0]

    def painted() -> None:
        # The platform exposes a shown window some events later, and Qt paints all of it when it does;
        # before that a repaint() paints nothing. So wait for the exposure, not only for the first timer.
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(0, painted)
            return
        print("painted", flush=True)
        qapp.quit()

    QTimer.singleShot(0, painted)
    qapp.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
