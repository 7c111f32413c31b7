"""Form-level actions of the 绩效 form view (its toolbar and the main window's 编辑 menu): 新建绩效表 and
删除绩效表 (each one undo step; deleting asks first), and closing the views of forms an undo removes."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.i18n import tr
from ..core.jixiao.errors import FormEditError
from .app_name import APP_NAME
from .controller import DocumentController, form_key
from .jixiao_widgets import NewFormDialog


def new_form(window: QWidget) -> int | None:
    """Ask for a shape and a title, add the form and show it; returns its id."""
    controller: DocumentController | None = getattr(window, "controller", None)
    if controller is None or controller.readonly:
        return None
    book = controller.session.forms
    dialog = NewFormDialog(dict(book.defs), window)
    if not dialog.exec():
        return None
    try:
        form_id = book.add_form(dialog.chosen_shape(), dialog.title.text(), who=controller.who)
    except FormEditError as exc:
        controller.errorOccurred.emit(str(exc))
        return None
    controller.formsListChanged.emit()
    controller.formChanged.emit(form_id)
    _recheck(controller)
    show = getattr(window, "show_form", None)
    if show is not None:
        show(form_key(form_id))
    return form_id


def remove_form(window: QWidget, view: QWidget | None = None) -> bool:
    """Delete the shown form after asking (撤销 brings it back); the window goes to the first table."""
    controller: DocumentController | None = getattr(window, "controller", None)
    stack = getattr(window, "stack", None)
    view = view or (stack.currentWidget() if stack is not None else None)
    if controller is None or controller.readonly or not hasattr(view, "form_id"):
        return False
    book = controller.session.forms
    title = book.form(view.form_id).title
    if QMessageBox.question(window, tr(APP_NAME), tr("删除绩效表《{title}》及其全部指标？", title=title)) \
            != QMessageBox.StandardButton.Yes:
        return False
    try:
        book.remove_form(view.form_id, who=controller.who)
    except FormEditError as exc:
        controller.errorOccurred.emit(str(exc))
        return False
    close_views(window, {view.form_id})
    controller.formsListChanged.emit()
    _recheck(controller)
    return True


def close_views(window: QWidget, form_ids: set[int]) -> None:
    """Close the views of forms that are going (deleted, or removed by an undo); the window goes to the
    first table if one of them was shown."""
    views = getattr(window, "form_views", {})
    stack = getattr(window, "stack", None)
    for form_id in form_ids:
        view = views.pop(form_key(form_id), None)
        if view is None:
            continue
        if stack is not None:
            shown = stack.currentWidget() is view
            stack.removeWidget(view)
            controller = getattr(window, "controller", None)
            tables = controller.session.tset.tables if controller is not None else []
            if shown and tables and hasattr(window, "show_table"):
                window.show_table(tables[0].key)
        view.deleteLater()


def _recheck(controller: DocumentController) -> None:
    """Findings and the list after a form came or went (the controller re-reads them on a form edit)."""
    controller.recheck()

