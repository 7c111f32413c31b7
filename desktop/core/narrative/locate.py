"""Where a prose finding sits in the clerk's own text (for tinting it in the editor).

The checks read a normalised text (full-width punctuation, no spaces or line breaks, no thousands
separators); a finding quotes a clause of it. :func:`locate` normalises the clerk's text the same way
while remembering where each character came from, finds the clause, and maps it back.
"""

from __future__ import annotations

from .text import _WIDTH

_SPACES = " \t\u3000\xa0\r\n"


def _normal_with_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _SPACES:
            continue
        chars.append(ch.translate(_WIDTH))
        where.append(i)
    # thousands separators: a "，" between a digit and exactly three digits not followed by a digit
    keep_chars, keep_where = [], []
    n = len(chars)
    for k, ch in enumerate(chars):
        if (ch == "，" and k > 0 and chars[k - 1].isdigit() and k + 3 < n
                and all(chars[k + j].isdigit() for j in (1, 2, 3))
                and not (k + 4 < n and chars[k + 4].isdigit())):
            continue
        keep_chars.append(ch)
        keep_where.append(where[k])
    return "".join(keep_chars), keep_where


def locate(text: str, clause: str) -> tuple[int, int] | None:
    """(start, end) in ``text`` of the normalised ``clause``; None when it is not there (text edited)."""
    if not clause:
        return None
    normal, where = _normal_with_map(text)
    at = normal.find(clause)
    if at < 0:
        return None
    return where[at], where[at + len(clause) - 1] + 1


def locate_within(text: str, clause: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) in ``text`` of the characters ``start:end`` of the normalised ``clause``."""
    if not clause or not 0 <= start < end <= len(clause):
        return None
    normal, where = _normal_with_map(text)
    at = normal.find(clause)
    if at < 0:
        return None
    return where[at + start], where[at + end - 1] + 1
