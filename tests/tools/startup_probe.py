"""Start, paint one window, print "painted", exit: timed from outside by the benchmark (:mod:`tools.bench_gui`).

    PYTHONPATH=tests python -m tools.startup_probe bare          # a bare PySide6 window, an empty QTableView
    PYTHONPATH=tests python -m tools.startup_probe app DOC.gkb   # the application with DOC open and checked

The application is started in the order the `gongkai` command starts it: the CLI, then the GUI package (which
loads the core before Qt), then Qt.
"""

from __future__ import annotations

import sys
import tempfile


def main(argv: list[str]) -> int:
    if argv[0] != "bare":
        import desktop.cli  # noqa: F401 - the `gongkai` entry point loads the CLI before the GUI
        import desktop.gui.app  # noqa: F401 - then the GUI, as desktop.cli's _start_gui does

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    if argv[0] == "bare":
        qapp = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setCentralWidget(QTableView())
        window.resize(1280, 820)
        window.show()
    else:
        from pathlib import Path

        from desktop.gui.app import Application, make_qapplication

        qapp = make_qapplication()
        window = Application(qapp).open_path(Path(argv[1]), mode="edit")
        if window is None:
            return 2

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
