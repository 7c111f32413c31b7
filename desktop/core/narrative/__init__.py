"""情况说明 (第三部分): read the prose, check its figures against the tables, draft it from them.

Plain API for the CLI and GUI (no Qt): :func:`check_narrative` returns the tables' :class:`Finding`
objects for a text, :func:`draft_narrative` renders a set's standard sentences from a document.
"""

from .check import check_narrative
from .draft import draft_narrative
from .spec import NarrativeSpecError, load_spec
from .text import NarrativeTextError, part_three, read_text_file, split_sections

__all__ = [
    "NarrativeSpecError", "NarrativeTextError", "check_narrative", "draft_narrative", "load_spec", "part_three", "read_text_file",
    "split_sections",
]
