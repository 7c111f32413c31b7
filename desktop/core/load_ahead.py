"""What a window's start imports before Qt, for the documents it is about to open.

PySide6 reads the source text of every module imported after it (its ``__feature__`` switch looks for the
word "PySide6"), and the modules a document needs are imported after Qt when the window first asks for
them. desktop/gui/__init__.py imports what every document needs first; a document with 绩效 forms also
needs the forms' engine (~20 modules), which costs such a start ~2 ms more after Qt than before it, and a
document without forms ~4 ms for nothing. So the files named on the command line are looked at first
(:func:`~desktop.core.document.probe.holds_forms`: a read-only query, never an error). A file reopened as
this program's last close left it shows the forms' findings kept with it (:mod:`.kept_findings`): its start
needs no engine at all."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .document.checked import kept_with, state_as_left
from .document.probe import holds_forms
from .kept_findings import decode_kept


def _needs_forms_engine(path: Path) -> bool:
    """Whether opening ``path`` will run the 绩效 forms' checks: it holds forms, and no findings were kept
    for it as it is now."""
    if not holds_forms(path):
        return False
    state = state_as_left(path)
    return decode_kept(kept_with(path, state) if state else None) is None


def load_ahead(files: Iterable[str]) -> None:
    """Import now what the documents ``files`` will need (call before the GUI is imported)."""
    if any(_needs_forms_engine(Path(name)) for name in files):
        from .jixiao import book  # noqa: F401 - the 绩效 forms' engine, loaded before Qt
