"""What a window's start imports before Qt, for the documents it is about to open.

PySide6 reads the source text of every module imported after it (its ``__feature__`` switch looks for the
word "PySide6"), and the modules a document needs are imported after Qt when the window first asks for
them. desktop/gui/__init__.py imports what every document needs first; a document with 绩效 forms also
needs the forms' engine (~20 modules), one with a 情况说明 or 上年数 the narrative checker (~15), which cost
such a start several milliseconds more after Qt than before it, and a document without them as much for
nothing. So the files named on the command line are looked at first
(:func:`~desktop.core.document.probe.parts_held`: a read-only query, never an error). A file reopened as
this program's last close left it shows the findings kept with it (:mod:`.kept_findings`): its start needs
neither engine."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .document.checked import kept_with, state_as_left
from .document.probe import parts_held
from .kept_findings import decode_kept


def engines_needed(path: Path) -> frozenset[str]:
    """The parts of ``path`` (``forms``, ``prose``) whose checks opening it will run: those it holds, unless
    findings were kept for it as it is now."""
    held = parts_held(path)
    if not held:
        return held
    state = state_as_left(path)
    return held if decode_kept(kept_with(path, state) if state else None) is None else frozenset()


def load_ahead(files: Iterable[str]) -> None:
    """Import now what the documents ``files`` will need (call before the GUI is imported)."""
    needed = frozenset().union(*(engines_needed(Path(name)) for name in files))
    if "forms" in needed:
        from .jixiao import book  # noqa: F401 - the 绩效 forms' engine, loaded before Qt
    if "prose" in needed:
        from .narrative import book, check, ratios  # noqa: F401 - the 情况说明 and its checker, before Qt
