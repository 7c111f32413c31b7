"""Surviving PySide6 6.12's lost references to None, True and False (``Fatal Python error: none_dealloc``).

With PySide6 6.12 on Python 3.11 the bindings hand ``None`` back to Python without taking a reference to
it: every call of a ``void`` Qt method (``label.setText``, ``view.update``, ``QStyledItemDelegate.paint``…)
and every read of an *empty* QVariant (``index.data(role)`` for a role the model answers with None,
``QTreeWidgetItem.data`` of an unset role, ``QComboBox.currentData`` of an item added with None,
``QObject.property`` of an unknown name) takes one reference away; every ``signal.emit()`` from Python
takes one away from ``True`` the same way. When the count of ``None`` reaches
zero CPython aborts and the clerk loses the window: the grid's delegate lost two per painted cell, so
≈250 edits or 50 table switches were enough (measured: ~190 per repaint of 公开02, ~200 per switch).

Avoiding the calls cannot work for ``void`` methods — the GUI is made of them — so the fix is
:func:`shield_singletons`, applied when :mod:`desktop.gui` is imported, before any window exists: if a live
probe finds the installed PySide6 losing references (a behaviour check, not a version check, so a fixed
PySide6 gets nothing) and these objects are mortal (CPython < 3.12; from 3.12 on they are immortal and the bug is
harmless), ``None``, ``True`` and ``False`` each get a reserve of 2**40 references — at 10,000 lost a second that lasts three
thousand years. Extra references to them are harmless; a missing one is fatal.

Where the GUI reads values back it also avoids the empty-QVariant conversions, so the loss stays small
and predictable: :func:`index_value` asks the Python model behind an index (through any proxy) directly,
a plain Python call; :func:`chosen` never reads the data of a filter box's "全部…" item; item views keep
their values in Python lists beside the widget. tests/test_gui_soak.py measures the loss per edit /
switch / scroll, and tests/test_gui.py proves a child process survives what used to abort it.
"""

from __future__ import annotations

import ctypes
import gc
import inspect
import sys
import types
from typing import Any

from PySide6.QtCore import QAbstractProxyModel, QModelIndex, QObject, Signal
from PySide6.QtWidgets import QComboBox

RESERVE = 1 << 40  # references added once to each of None, True, False; see the module docstring
_SLACK = 8  # references that come and go while a count is read (see _add_references)
_shielded = False


def _answers_in_python(model: object) -> bool:
    """True when ``model.data`` is a method written in Python (so calling it converts nothing)."""
    return isinstance(inspect.getattr_static(type(model), "data", None), types.FunctionType)


def index_value(index: QModelIndex, role: int) -> Any:
    """``index.data(role)`` read from the Python model itself, through any proxy models.

    Only a model implemented in C++ (none in this application) falls back to Qt's own read.
    """
    if not index.isValid():
        return None
    model = index.model()
    while isinstance(model, QAbstractProxyModel) and not _answers_in_python(model):
        index = model.mapToSource(index)
        model = model.sourceModel()
    if model is None:
        return None
    if _answers_in_python(model):
        return model.data(index, role)
    return index.data(role)  # pragma: no cover - no C++ models in this application


SINGLETONS = (None, True, False)


class _Probe(QObject):
    ping = Signal()


def references_lost(calls: int = 50) -> int:
    """References to None/True/False the installed PySide6 loses on ``calls`` void calls, empty reads and
    signal emissions (0 for a sound PySide6)."""
    probe = _Probe()
    _exercise(probe, 5)  # the first calls build PySide's caches, which hold new references: not counted
    before = [sys.getrefcount(obj) for obj in SINGLETONS]
    _exercise(probe, calls)
    return sum(b - sys.getrefcount(obj) for b, obj in zip(before, SINGLETONS, strict=True))


def _exercise(probe: _Probe, calls: int) -> None:
    for _ in range(calls):
        probe.setObjectName("probe")  # void: hands back None
        probe.property("gongkai_no_such_property")  # empty QVariant: None
        probe.ping.emit()  # hands back True


def _add_references(obj: object, count: int) -> bool:
    """Add ``count`` references to ``obj``; verified by reading the count back, undone if it did not land.
    The caller keeps the garbage collector off: a collection in between would move the count."""
    field = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of a CPython object
    # the two readings differ by getrefcount's own argument and the odd reference the interpreter holds for
    # a moment (None's count moves on its own): an exact comparison failed about one start in two under pytest
    if abs(field.value - sys.getrefcount(obj)) > _SLACK:
        return False  # not the layout we expect
    before = sys.getrefcount(obj)
    field.value += count
    if abs(sys.getrefcount(obj) - before - count) > _SLACK:  # pragma: no cover - undo a write that missed
        field.value -= count
        return False
    return True


def shield_singletons() -> bool:
    """Give None, True and False a large reserve of references if this PySide6 loses them (module docstring).

    Returns True when the reserve is in place.
    """
    global _shielded
    if _shielded or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _shielded
    collecting = gc.isenabled()
    gc.disable()  # a collection during the probe or the write would move the counts being compared
    try:
        if references_lost() <= 0:
            return False
        _shielded = all([_add_references(obj, RESERVE) for obj in SINGLETONS])
    finally:
        if collecting:
            gc.enable()
    return _shielded


def chosen(box: QComboBox) -> Any:
    """The data of a filter box's current item; None for its first item, "全部…", which carries none.

    ``currentData()`` of an item without data would lose a reference to None (module docstring).
    """
    return None if box.currentIndex() <= 0 else box.currentData()
