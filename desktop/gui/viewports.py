"""Item views get a viewport created in Python.

The viewport Qt makes for a scroll area is a plain ``QWidget`` created in C++. The first time Python is handed
such a widget (``view.viewport()``), PySide cannot tell from the object which Python class fits it best and
tries every ``QWidget`` subclass it knows, building each one's Python type and enums on the way: about 70
enums, 6-8 ms, paid while a document's first window is built. A viewport created in Python already has its
wrapper, so asking for it later converts nothing. Qt uses it exactly as it would its own (the scroll area
takes ownership; item views set it up in ``setupViewport``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QWidget


def own_viewport(view: QAbstractScrollArea) -> None:
    """Give ``view`` a viewport created in Python (see the module docstring)."""
    view.setViewport(QWidget())
