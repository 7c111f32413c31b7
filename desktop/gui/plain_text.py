"""Text from a file or a user is shown as text, never as HTML.

Qt guesses: a label or tooltip whose text looks like markup (``<img src=…>``, ``<b>``) is rendered, and an
``<img>`` makes Qt open whatever path it names (on Windows a ``\\\\host\\share`` path sends the user's
credentials to that host). Unit names, lock owners, comments and finding messages all come from a file a
colleague handed over, so the whole window is plain text by rule, in one place: the application's event
filter (:mod:`.app_events`) sets every label to plain text when it is first shown and shows every tooltip
escaped. A label that is meant to render markup (built here from escaped parts) opts out with
``label.setProperty(RICH_TEXT, True)``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QToolTip, QWidget

from .qt_values import index_value

RICH_TEXT = "gongkai_rich_text"  # the property a deliberate rich-text label sets


def as_plain_html(text: str) -> str:
    """``text`` as markup that shows exactly these characters, line breaks kept."""
    from html import escape  # loaded with the first tooltip, not at start (html.entities: ~2 ms)

    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>"


def tooltip_text(widget: QObject, event: QHelpEvent) -> str | None:
    """What a tooltip over ``widget`` at the event's position would say; None when Qt has nothing to show."""
    view = widget.parent()
    if isinstance(view, QAbstractItemView) and widget is view.viewport():
        index = view.indexAt(event.pos())
        value = index_value(index, Qt.ItemDataRole.ToolTipRole)  # not index.data(): see qt_values
        return str(value) if value not in (None, "") else ""
    if isinstance(widget, QWidget) and widget.toolTip():
        return widget.toolTip()
    return None


def make_label_plain(label: QLabel) -> None:
    """Show ``label``'s text as typed, unless it opted in to markup (:data:`RICH_TEXT`)."""
    if RICH_TEXT.encode() not in label.dynamicPropertyNames():  # not property(): an unset one answers None
        label.setTextFormat(Qt.TextFormat.PlainText)


def make_labels_plain(window: QWidget) -> None:
    """:func:`make_label_plain` on ``window`` and every label in it (a window built while the application's
    event filter was paused, see :mod:`.app_events`)."""
    for widget in [window, *window.findChildren(QLabel)]:
        if isinstance(widget, QLabel):
            make_label_plain(widget)


def show_tooltip_escaped(watched: QObject, event: QHelpEvent) -> bool:
    """Show the tooltip a ToolTip event asks for as plain text: True when handled here, False to let Qt go on."""
    text = tooltip_text(watched, event)
    if text is None:
        return False
    if text:
        QToolTip.showText(event.globalPos(), as_plain_html(text), watched)  # type: ignore[arg-type]
    else:
        QToolTip.hideText()
    return True
