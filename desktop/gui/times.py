"""How the window shows a stored time (ISO 8601, UTC mark): to the minute, without the ``T`` and ``Z``."""

from __future__ import annotations


def short_time(at: str) -> str:
    """``2026-12-06T20:31:07Z`` → ``2026-12-06 20:31``."""
    return at.replace("T", " ").rstrip("Z")[:16]
