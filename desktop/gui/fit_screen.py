"""Every dialog fits a 1366×768 laptop screen.

Qt's QInputDialog and QMessageBox put their label on one line: a finding's message made the 出错说明 and
批注 dialogs 2,073 px wide, their 确定 off the screen. The application's event filter (:mod:`.app_events`)
calls :func:`fit_dialog` when a dialog is first shown: it wraps such labels and keeps the dialog inside the
screen's free area.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

SMALL_SCREEN = (1366, 768)
LABEL_WIDTH = 640  # a label wider than this is wrapped (about 40 Chinese characters a line)


def fit_dialog(dialog: QWidget) -> None:
    """Wrap over-long labels and shrink/move ``dialog`` into its screen (or a 1366×768 one)."""
    for label in dialog.findChildren(QLabel):
        if not label.wordWrap() and label.sizeHint().width() > LABEL_WIDTH:
            label.setWordWrap(True)
            label.setMaximumWidth(LABEL_WIDTH)
    if dialog.layout() is not None:
        dialog.layout().activate()
    screen = dialog.screen().availableGeometry() if dialog.screen() else None
    max_w = min(SMALL_SCREEN[0], screen.width() if screen and screen.width() > 0 else SMALL_SCREEN[0]) - 20
    max_h = min(SMALL_SCREEN[1], screen.height() if screen and screen.height() > 0 else SMALL_SCREEN[1]) - 60
    size = dialog.size()
    hint = dialog.sizeHint()
    width = min(max(size.width() if size.width() < max_w else hint.width(), 0), max_w)
    height = min(max(size.height() if size.height() < max_h else hint.height(), 0), max_h)
    if (width, height) != (size.width(), size.height()):
        dialog.resize(width, height)
    if screen is not None and screen.width() > 0:
        frame = dialog.frameGeometry()
        x = min(max(frame.x(), screen.x()), screen.right() - frame.width())
        y = min(max(frame.y(), screen.y()), screen.bottom() - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            dialog.move(max(x, screen.x()), max(y, screen.y()))
