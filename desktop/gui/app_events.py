"""The application's one event filter: labels plain, tooltips escaped (:mod:`.plain_text`), dialogs fitted
to the screen (:mod:`.fit_screen`).

Every event of every widget passes through an application-wide filter, into Python and back. So there is
one filter, not one per concern, and it asks an event its type() only after a class test has narrowed it
down (type() builds a Python enum value). Building and first showing a document's window sends thousands
of events to hundreds of widgets, and each widget class first seen by the filter costs PySide a wrapper
type; the first object of a private Qt class it is handed (a QWidgetWindow, a QGestureManager) makes PySide
build one for every Qt class a QObject could be, about 170 Python enums, 17 ms. So a document's window is
built and first shown in a :class:`NewWindowPause`: those events bypass Python, and the filter comes back once
the window has been painted for the first time (that cost is paid after the window appears, not before).
Labels stay plain: the new window's labels are made plain before its first paint (only its own: asking Qt
for every top-level widget hands Python Qt's private ones too, at the same cost), every top-level's when the
filter comes back.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from .fit_screen import fit_dialog
from .plain_text import make_label_plain, make_labels_plain, show_tooltip_escaped

_ATTRIBUTE = "_gongkai_events"  # where the application keeps its filter (a Python attribute of its wrapper)
LATEST_RESUME_MS = 1000  # a window that is never painted (minimised, off every screen) gets the filter back then


class ApplicationEvents(QObject):
    """Installed once on the application (:func:`install`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if isinstance(event, QHelpEvent):
            return event.type() == QEvent.Type.ToolTip and show_tooltip_escaped(watched, event)
        if isinstance(watched, QLabel):
            if event.type() == QEvent.Type.Polish:
                make_label_plain(watched)
        elif isinstance(watched, QDialog) and event.type() == QEvent.Type.Show:
            fit_dialog(watched)
        return False

    def pause_for_new_window(self) -> NewWindowPause:
        """Take the filter out while a document's window is built and first shown: out until that window has
        been painted once (see :class:`NewWindowPause`, which says how the pause ends)."""
        return NewWindowPause(self)

    def resume(self) -> None:
        """The filter back on the application (again: Qt keeps one), and what it would have done meanwhile
        done now: every label plain, every dialog on show fitted to the screen."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
            for top in QApplication.topLevelWidgets():  # not allWidgets(): wrapping each one costs more
                make_labels_plain(top)
                if isinstance(top, QDialog) and top.isVisible():
                    fit_dialog(top)


class NewWindowPause(QObject):
    """The filter out from now until a new window's first paint is done (:meth:`watch` names the window;
    built and shown by then, its labels are made plain there, before that paint). It comes back at once
    if the window is hidden, closed or deactivated first, or blocked by a modal dialog (sent before the
    dialog paints), on :meth:`resume`, or after :data:`LATEST_RESUME_MS` at the latest. Between ``watch`` and the paint
    only Qt's own posted events run: no dialog or tooltip can show; an escaping exception's message box
    calls :meth:`ApplicationEvents.resume` first (``app.show_unexpected``)."""

    _AT_ONCE = (QEvent.Type.WindowBlocked, QEvent.Type.WindowDeactivate, QEvent.Type.Hide, QEvent.Type.Close)

    def __init__(self, events: ApplicationEvents) -> None:
        super().__init__(events)
        self._events = events
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(events)

    def watch(self, window: QWidget) -> None:
        """``window`` is built and shown: its labels plain now, the filter back after its first paint."""
        make_labels_plain(window)  # not every top-level: see the module docstring
        window.installEventFilter(self)  # a Python widget: handing it to Python builds no wrapper types
        QTimer.singleShot(LATEST_RESUME_MS, self.resume)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.resume)  # after the children: they are painted in this same pass
        elif kind in self._AT_ONCE:
            watched.removeEventFilter(self)
            self.resume()
        return False

    def resume(self) -> None:
        """The pause is over (again: harmless)."""
        if shiboken6.isValid(self):
            self._events.resume()
            self.deleteLater()


def install(app: QApplication) -> ApplicationEvents:
    """The application's filter, installed on first call (a child of ``app``, so it stays alive)."""
    found = getattr(app, _ATTRIBUTE, None)  # not a search of app.children(): wrapping each one costs milliseconds
    if isinstance(found, ApplicationEvents) and shiboken6.isValid(found):
        return found
    events = ApplicationEvents(app)
    app.installEventFilter(events)
    setattr(app, _ATTRIBUTE, events)
    return events
