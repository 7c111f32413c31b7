"""Opening a colleague's file: 审阅 (figures read-only, comments allowed) or 编辑; a file someone else is
editing: read-only or not at all. Nothing about the choice is remembered."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..core.i18n import tr
from .app_name import APP_NAME

REVIEW, EDIT = "review", "edit"
DEMO_AUTHOR = "示例"  # build_demo's default author: the built-in example is nobody's file


def ask_open_mode(parent: QWidget | None, file_name: str, editors: list[str]) -> str | None:
    """审阅 / 编辑 / 取消 for a file last filled in by someone else; returns REVIEW, EDIT or None."""
    from PySide6.QtWidgets import QMessageBox  # dialogs load when first shown, not at start

    box = QMessageBox(parent)
    box.setWindowTitle(tr(APP_NAME))
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(tr("“{file_name}”由 {editors} 填报。", file_name=file_name, editors='、'.join(editors[:3])))
    box.setInformativeText(tr("审阅：数字只读，可以写批注、审核通过或退回。\n编辑：可以修改数字（每次修改都记录修改人）。"))
    review = box.addButton(tr("审阅"), QMessageBox.ButtonRole.AcceptRole)
    edit = box.addButton(tr("编辑"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(review)
    box.exec()
    clicked = box.clickedButton()
    return REVIEW if clicked is review else EDIT if clicked is edit else None


def ask_readonly(parent: QWidget | None, reason: str) -> bool:
    """Someone else is editing: open read-only? (Nothing they type can be lost either way.)"""
    from PySide6.QtWidgets import QMessageBox  # dialogs load when first shown, not at start

    answer = QMessageBox.question(parent, tr(APP_NAME), tr("{reason}。\n\n以只读方式打开查看吗？", reason=reason),
                                  QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Open


def choose(session, parent: QWidget | None, mode: str | None) -> bool:  # noqa: ANN001 - Session
    """Settle how an opened session is used; False when the user cancelled (the caller closes it)."""
    doc = session.doc
    if doc.other_editor is not None:
        return mode is not None or ask_readonly(parent, doc.readonly_reason or doc.other_editor.describe())
    if doc.readonly:
        return True
    if mode is None:
        from . import settings as app_settings

        editors = [e for e in session.review.figure_editors() if e != DEMO_AUTHOR]
        me = app_settings.user_name()
        if editors and me not in editors:
            mode = ask_open_mode(parent, doc.path.name, editors)
            if mode is None:
                return False
    session.review_mode = mode == REVIEW
    return True
