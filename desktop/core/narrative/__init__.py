"""情况说明 (第三部分): read the prose, check its figures against the tables, draft it from them.

Plain API for the CLI and GUI (no Qt): :func:`check_narrative` returns the tables' :class:`Finding`
objects for a text, :func:`draft_narrative` renders a set's standard sentences from a document.
The names load on first use (PEP 562), so importing one submodule (e.g. the store, which every opened
document needs) does not load the checker and the drafter.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOME = {
    "check_narrative": "check", "draft_narrative": "draft", "NarrativeSpecError": "spec", "load_spec": "spec",
    "NarrativeTextError": "text", "part_three": "text", "read_text_file": "text", "split_sections": "text",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)
