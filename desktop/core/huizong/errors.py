"""The one error of 汇总: a refusal whose ``str()`` is the Chinese reason. Nothing was written."""

from __future__ import annotations


class HuizongError(ValueError):
    """A 汇总 (or a trace of one) that cannot be made; ``str()`` says why and what to do, in Chinese."""
