"""Errors of the workbook formats, importable without loading openpyxl (the CLI catches them)."""

from __future__ import annotations


class WorkbookError(ValueError):
    """A workbook that cannot be read; ``str()`` is the Chinese reason. Nothing was created."""


class ExportError(ValueError):
    """An export that could not be written; ``str()`` is the Chinese reason. No file was left behind."""
