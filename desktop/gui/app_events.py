"""The application's one event filter: labels plain, tooltips escaped (:mod:`.plain_text`), dialogs fitted
to the screen (:mod:`.fit_screen`).

Every event of every widget passes through an application-wide filter, into Python and back. So there is
one filter, not one per concern, and it asks an event its type() only after a class test has narrowed it
down (type() builds a Python enum value). Building and first showing a document's window sends thousands
of events to hundreds of widgets, and each widget class first seen by the filter costs PySide a wrapper
type: :meth:`ApplicationEvents.paused` lets those events bypass Python (building, then showing the window
took 30 ms less at start). Labels stay plain: on leaving a pause every label is made plain, so a window
built in one pause is plain before it is shown in the next, and nothing is painted inside a pause.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from .fit_screen import fit_dialog
from .plain_text import make_label_plain, make_labels_plain, show_tooltip_escaped

_ATTRIBUTE = "_gongkai_events"  # where the application keeps its filter (a Python attribute of its wrapper)


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

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Build or show widgets without this filter. Inside, no dialog may be shown and no label laid out
        before it was made plain (build in one pause, show in another); on leaving, every label of the
        application is made plain and the filter is back before the next paint."""
        app = QApplication.instance()
        if app is None:
            yield
            return
        app.removeEventFilter(self)
        try:
            yield
        finally:
            app.installEventFilter(self)
            for top in QApplication.topLevelWidgets():  # not allWidgets(): wrapping each one costs more
                make_labels_plain([top, *top.findChildren(QLabel)])


def install(app: QApplication) -> ApplicationEvents:
    """The application's filter, installed on first call (a child of ``app``, so it stays alive)."""
    found = getattr(app, _ATTRIBUTE, None)  # not a search of app.children(): wrapping each one costs milliseconds
    if isinstance(found, ApplicationEvents) and shiboken6.isValid(found):
        return found
    events = ApplicationEvents(app)
    app.installEventFilter(events)
    setattr(app, _ATTRIBUTE, events)
    return events
