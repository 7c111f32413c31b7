"""撤销/重做 in the window: a thin view of the document's own undo history (:mod:`desktop.core.history`).

The history lives in the file, so the window, ``gongkai undo`` and the next session share one history.
:class:`UndoView` offers what the window used of a ``QUndoStack`` (undo, redo, count, index and the two
actions, whose text says what they will do: "撤销 粘贴") and asks the controller to undo or redo; it
re-reads the history (one query) after every change that moved it. A step's label is stored in the source
Chinese and shown in the reader's language (:func:`desktop.core.step_labels.shown`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from ..core import step_labels
from ..core.i18n import tr

if TYPE_CHECKING:
    from .controller import DocumentController


class UndoView(QObject):
    """The controller's undo history as the 编辑 menu and the toolbar show it."""

    changed = Signal()  # counts or labels moved

    def __init__(self, controller: DocumentController) -> None:
        super().__init__(controller)
        self._controller = controller
        self._state: tuple[int, int, str | None, str | None] = (0, 0, None, None)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the history (after an edit, an undo or a redo)."""
        state = self._controller.session.history.summary()
        if state != self._state:
            self._state = state
            self.changed.emit()

    # -- what a QUndoStack answered --------------------------------------------------------------
    def count(self) -> int:
        return self._state[0] + self._state[1]

    def index(self) -> int:
        return self._state[0]

    def canUndo(self) -> bool:  # noqa: N802 - the Qt name the window used
        return self._state[0] > 0 and not self._controller.readonly

    def canRedo(self) -> bool:  # noqa: N802
        return self._state[1] > 0 and not self._controller.readonly

    def undoText(self) -> str:  # noqa: N802
        """The label of the step undo would take back, in the reader's language ("" when none)."""
        return step_labels.shown(self._state[2])

    def redoText(self) -> str:  # noqa: N802
        return step_labels.shown(self._state[3])

    def undo(self) -> None:
        self._controller.undo()

    def redo(self) -> None:
        self._controller.redo()

    def createUndoAction(self, parent: QObject) -> QAction:  # noqa: N802
        """撤销, or 撤销 <the step> when there is one."""
        return self._action(parent, lambda step: tr("撤销 {step}", step=step) if step else tr("撤销"),
                            self.canUndo, self.undoText, self.undo)

    def createRedoAction(self, parent: QObject) -> QAction:  # noqa: N802
        """重做, or 重做 <the step> when there is one."""
        return self._action(parent, lambda step: tr("重做 {step}", step=step) if step else tr("重做"),
                            self.canRedo, self.redoText, self.redo)

    def _action(self, parent: QObject, title, can, text, run) -> QAction:  # noqa: ANN001
        action = QAction(title(""), parent)

        def update() -> None:
            action.setEnabled(can())
            action.setText(title(text()))

        self.changed.connect(update)
        action.triggered.connect(lambda _checked=False: run())
        update()
        return action
