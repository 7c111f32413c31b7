"""Screenshots for the user guide (resources/docs/用户手册.md), on seed 001:

    PYTHONPATH=tests QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.screenshots_guide [FOLDER]

FOLDER defaults to resources/docs/images. 07 and 08 (an exported and a printed page) are made by hand.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from .screenshots import _settle, start
from .screenshots_jixiao import seed_document


def main(argv: list[str]) -> int:
    from desktop.gui.clerk_actions import grid_menu
    from desktop.gui.dialogs import ExplainDialog
    from desktop.gui.export_all import ExportDialog

    out, work, qapp, app = start(argv, "gongkai-guide-")
    window = app.open_path(seed_document("001_", work), mode="edit")
    assert window is not None
    window.resize(1366, 740)  # a laptop screen
    window.show()
    _settle(qapp)
    view = window.show_table("zhichu")
    _settle(qapp)
    window.grab().save(str(out / "01_主窗口.png"))
    # typing on a total: nothing changes, the status bar says why
    view.body.setCurrentIndex(view.model.index_of(("zhichu", "total", "jb")))
    view.body.setFocus()
    QTest.keyClicks(view.body, "58")
    _settle(qapp)
    window.grab().save(str(out / "02_合计不能填写.png"))
    # the right-click menu
    index = view.model.index_of(("zhichu", "2101501", "jb"))
    view.body.setCurrentIndex(index)
    menu = grid_menu(window, view.body, view.body.visualRect(index).center())
    menu.popup(view.body.viewport().mapToGlobal(view.body.visualRect(index).center() + QPoint(4, 4)))
    _settle(qapp)
    menu.grab().save(str(out / "03_右键菜单.png"))
    menu.close()
    # 出错说明 for a 提示
    finding = next((f for f in window.controller.findings if f.severity == "warning"), None)
    message = finding.message if finding else "公开03表《支出决算表》与公开05表数字不一致，相差 56.40"
    dialog = ExplainDialog(message, "年中调整预算，已按财政批复执行", window)
    dialog.show()
    _settle(qapp)
    dialog.grab().save(str(out / "04_出错说明.png"))
    dialog.close()
    # 导出 Excel
    export = ExportDialog(window.session, window)
    export.review.setChecked(True)
    export.show()
    _settle(qapp)
    export.grab().save(str(out / "05_导出Excel.png"))
    export.close()
    # a 绩效 form
    window.show_form(window.controller.form_keys()[0])
    _settle(qapp)
    window.grab().save(str(out / "06_绩效自评表.png"))
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
