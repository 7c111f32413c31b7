"""Why a document cannot be opened or written, in plain Chinese with what to do."""

from __future__ import annotations


class DocumentError(Exception):
    """A problem with a document file. ``code`` is stable for programs; ``str()`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)
