"""What a window's start imports before Qt, for the documents it is about to open.

PySide6 reads the source text of every module imported after it (its ``__feature__`` switch looks for the
word "PySide6"), and the modules a document needs are imported after Qt when the window first asks for
them. desktop/gui/__init__.py imports what every document needs first; a document with 绩效 forms also
needs the forms' engine (~20 modules), which costs such a start ~2 ms more after Qt than before it, and a
document without forms ~4 ms for nothing. So the files named on the command line are looked at first
(:func:`~desktop.core.document.probe.holds_forms`: a read-only query, never an error)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .document.probe import holds_forms


def load_ahead(files: Iterable[str]) -> None:
    """Import now what the documents ``files`` will need (call before the GUI is imported)."""
    if any(holds_forms(Path(name)) for name in files):
        from .jixiao import book  # noqa: F401 - the 绩效 forms' engine, loaded before Qt
