"""The error of a refused 绩效 form edit, importable without loading the form machinery."""

from __future__ import annotations


class FormEditError(ValueError):
    """An edit that was refused; ``str()`` is the Chinese reason. Nothing was changed."""
