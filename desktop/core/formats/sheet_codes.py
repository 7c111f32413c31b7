"""The 科目编码 of a body row, however a workbook prints it.

Seen in clerks' workbooks: one column with the whole code (``2101101``); three columns 类 | 款 | 项 with
the whole code of each level (``210`` | ``21011`` | ``2101101``), or with the level's own digits only
(``210`` | ``11`` | ``01``, as 久其 and the budget 一体化 system export them), where a 款 or 项 row may leave
the upper levels blank (they carry over from the rows above); and the 宁夏 layout, where a 7-digit code sits
in the 款 column. The table's definition may have a single code column or 类/款/项 columns: the sheet's own
columns decide how the code is read, and the result is the same.
"""

from __future__ import annotations

import re

from .published import norm

LEVEL_WORDS = {"类": 1, "款": 2, "项": 3}
FULL = {1: 3, 2: 5, 3: 7}


def part_level(path: list[str]) -> int | None:
    """1/2/3 for a sheet column headed 类/款/项 (under 科目编码 or alone)."""
    if not path:
        return None
    return LEVEL_WORDS.get(norm(path[-1]))


class CodeReader:
    """Composes codes row by row; remembers the last 类 and 款 for rows that print only their own digits."""

    def __init__(self) -> None:
        self.context: dict[int, str] = {}

    def compose(self, parts: dict[int, str]) -> str | None:
        """``parts`` maps a level (0 = a whole-code column, 1-3 = 类/款/项) to the printed text."""
        digits = {lvl: re.sub(r"\s", "", t) for lvl, t in parts.items() if t and re.sub(r"\s", "", t).isdigit()}
        if not digits:
            return None
        whole = digits.get(0)
        code: str | None = whole if whole and len(whole) in (3, 5, 7) else None
        if code is None:
            for level in sorted(k for k in digits if k):
                d = digits[level]
                if len(d) in (3, 5, 7) and (code is None or (d.startswith(code) and len(d) > len(code))):
                    code = d
                elif len(d) == 2 and level >= 2:
                    base = code if code and len(code) == FULL[level - 1] else self.context.get(level - 1)
                    if base is None or len(base) != FULL[level - 1]:
                        return None
                    code = base + d
                elif code is not None and len(d) in (3, 5, 7) and code.startswith(d):
                    continue
                else:
                    return None
        if code is None:
            return whole
        level = {3: 1, 5: 2, 7: 3}.get(len(code))
        if level:
            self.context = {k: v for k, v in self.context.items() if k < level}
            self.context[level] = code
            if level >= 2:
                self.context[1] = code[:3]
            if level == 3:
                self.context[2] = code[:5]
        return code
