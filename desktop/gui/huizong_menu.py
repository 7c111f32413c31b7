"""The 汇总 menu of the document window: 汇总单位文件…, 追溯到单位文件 and 批量审核文件夹….

The menu is built with the window; what its items do (:mod:`.huizong_actions`: a worker thread, a progress
dialog, the result dialogs) loads when one is first chosen, not at every start.
"""

from __future__ import annotations

from types import ModuleType

from PySide6.QtWidgets import QMenu, QWidget

from ..core.i18n import tr


def _actions() -> ModuleType:
    from . import huizong_actions

    return huizong_actions


def install(window: QWidget) -> QMenu:
    """Add the 汇总 menu to ``window``'s menu bar (before 帮助)."""
    bar = window.menuBar()  # type: ignore[attr-defined]
    menu = QMenu(tr("汇总(&U)"), bar)
    menu.addAction(tr("汇总单位文件…"), lambda: _actions().consolidate(window))
    menu.addAction(tr("追溯到单位文件"), lambda: _actions().trace(window))
    menu.addSeparator()
    menu.addAction(tr("批量审核文件夹…"), lambda: _actions().batch(window))
    actions = bar.actions()
    bar.insertMenu(actions[-1], menu) if actions else bar.addMenu(menu)
    return menu
