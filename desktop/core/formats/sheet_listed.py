"""Keys of floating rows that print no code: named rows (单位 and their 项目) and paired rows (部门经济科目
名称 beside 政府经济科目名称), as a workbook shows them.

A named row's level is its caption's indent (the exporter indents each level by one); its key is generated
in printed order, as the definition describes (levels [2, 4]: 单位 ``01``, its 项目 ``0101``, ``0102``). A
paired row is coded through its names: the first level by the name alone, a detail row by its name under
the current first-level row and its second name in the second list (``30101_50501``). Everything comes
from the block's floating definition; a row that cannot be keyed returns ``None`` and is reported by the
caller.
"""

from __future__ import annotations

from typing import Any

from ..codes import default_code_lists
from ..definitions import BlockDef


def is_listed(block: BlockDef) -> bool:
    """True for a floating block whose rows print no code (named or paired rows)."""
    fl = block.floating
    return fl is not None and (getattr(fl, "named", False) or getattr(fl, "pair_list", None) is not None)


class ListedKeys:
    """Generates or looks up the keys of listed rows, block by block, in printed order."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.current: dict[str, list[str]] = {}  # block -> key of the latest row at each level

    def key(self, block: BlockDef, name: str, name2: str, indent: int) -> str | None:
        fl = block.floating
        if fl is None or not name:
            return None
        levels = sorted(fl.levels)
        chain = self.current.setdefault(block.key, [])
        if getattr(fl, "named", False):
            level = min(max(indent, 0), len(levels) - 1)
            if level > len(chain):
                return None  # a 项目 before any 单位
            parent = chain[level - 1] if level else ""
            width = levels[level] - (levels[level - 1] if level else 0)
            previous = chain[level] if len(chain) > level and chain[level].startswith(parent) else None
            number = int(previous[len(parent):]) + 1 if previous else 1
            key = f"{parent}{number:0{width}d}"
        else:
            key = self._paired(fl, levels, chain, name, name2)
            if key is None:
                return None
            level = 0 if "_" not in key else 1
        del chain[level:]
        chain.append(key)
        return key

    def _paired(self, fl: Any, levels: list[int], chain: list[str], name: str, name2: str) -> str | None:
        codes = default_code_lists()
        find = getattr(codes, "find_by_name", None)
        if find is None:
            return None
        found = [e.code for e in find(fl.code_list, name, self.year) if len(e.code) in levels]
        if not name2:
            heads = [c for c in found if len(c) == levels[0]]
            return heads[0] if heads else None
        parent = chain[0] if chain else ""
        details = [c for c in found if len(c) > levels[0] and c.startswith(parent)] or \
                  [c for c in found if len(c) > levels[0]]
        seconds = [e.code for e in find(fl.pair_list, name2, self.year)]
        if not details or not seconds:
            return None
        return f"{details[0]}_{seconds[0]}"
