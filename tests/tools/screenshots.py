"""Save screenshots of the application on the demo document (from the project root; no display needed):

    PYTHONPATH=tests QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.screenshots [FOLDER]

FOLDER defaults to resources/docs/images (README and the 用户手册 link the pictures there).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop.core.demo import build_demo

from . import IMAGES

SHOTS = (("01_gk01_shouzhi_zongbiao.png", "shouzhi_zongbiao"), ("02_gk03_zhichu.png", "zhichu"),
         ("03_gk06_jiben_mingxi.png", "jiben_mingxi"))


def _settle(qapp: QApplication) -> None:
    for _ in range(5):
        qapp.processEvents()


def start(argv: list[str], prefix: str):  # noqa: ANN201 - (out folder, work folder, QApplication, Application)
    """What every screenshot script needs: the output folder, a scratch folder with its own settings (so
    nothing of the user's is read or changed), and the application."""
    out = Path(argv[0]) if argv else IMAGES
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=prefix))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    from desktop.gui.app import Application, make_qapplication

    qapp = make_qapplication()
    return out, work, qapp, Application(qapp)


def main(argv: list[str]) -> int:
    out, work, qapp, app = start(argv, "gongkai-shots-")
    window = app.open_path(build_demo(work / "示例.gkb", who="示例"), mode="edit")
    assert window is not None
    window.resize(1500, 940)
    window.show()
    _settle(qapp)
    for name, key in SHOTS:
        window.show_table(key)
        _settle(qapp)
        window.grab().save(str(out / name))
    # the 审核结果 panel with live findings: two figures typed that break relationships
    window.show_table("zhichu")
    window.controller.set_texts({("zhichu", "2101501", "jb"): "682,056.00"})
    window.show_table("shouzhi_zongbiao")
    window.controller.set_texts({("shouzhi_zongbiao", "in_sy", "amount"): "12.5"})
    window.findings.view.selectRow(0)
    window.jump_to(window.findings.current_finding())
    _settle(qapp)
    window.grab().save(str(out / "04_findings_panel.png"))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
