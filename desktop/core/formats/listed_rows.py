"""Place printed rows that carry no 科目编码 into a floating block: named rows and paired rows.

- Named rows (单位, 项目; ``FloatingDef.code_list`` empty): each printed row gets the next generated key
  of its level, under the last row of the level above, so 部门 → 单位 → 项目 keeps its printed order and
  two projects with the same name stay two rows. A row's level is read from its ``row_level`` (or
  ``level``) field when that names one of the block's ``level_names``, else from an ``indent`` (0 for the
  first level); a level above all of them (部门), or the caption of the total row, is the total. With a
  single level every other row is of that level. When no row says its level (the printed 表12 has no
  marker), :func:`infer_levels` reads it from the totals: a row is a 单位 when the rows after it add up
  to it (within 万元 rounding), the way a reader of the printed table does.
- Paired rows (预算 表6; ``pair_list`` set): the printed 部门经济科目名称 and 政府经济科目名称 are coded
  through the two code lists; a row without a second name is a 类 row. Names that the lists do not
  know, or know under several codes, are reported as unplaced, never guessed.

Driven only by the table definition: the name columns are found by their kind and header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..codes import CodeLists, default_code_lists, normalise_name
from ..definitions import BlockDef, ColumnDef, TableDef, TemplateSet
from ..i18n import tr
from ..money import AmountError, parse_amount


class _Converter(Protocol):
    tset: TemplateSet
    floating: dict[str, dict[str, str]]

    def _put_values(self, table: TableDef, block: BlockDef, row_key: str | None, values: Mapping[str, Any],
                    columns: Mapping[str, str | None], caption: str) -> None: ...

    def _lost(self, table: TableDef, row: str, column: str, raw: Any, reason: str) -> None: ...


def _printed(row: Mapping[str, Any], col: ColumnDef | None, *fallbacks: str) -> str:
    names = [*(col.header[-1:] if col else []), *(col.aliases if col else []), *fallbacks]
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _row_sum(row: Mapping[str, Any]) -> int:
    """All figures of a printed row added up (additive, so a parent's sum is its children's)."""
    total = 0
    for raw in (row.get("values") or {}).values():
        try:
            total += parse_amount(None if raw is None else str(raw)) or 0
        except AmountError:
            continue
    return total


def infer_levels(rows: Sequence[Mapping[str, Any]], depth: int) -> list[int] | None:
    """Levels (0 = total, 1 = first named level …) of rows printed without a marker, from their totals.

    The first row is the total; then each row of level ``d`` < ``depth`` is followed by the rows of level
    ``d + 1`` that add up to it, within half a step per figure. ``None`` when the figures do not parse.
    """
    sums = [_row_sum(r) for r in rows]
    out: list[int] = [0]

    def take(pos: int, level: int, target: int | None) -> int | None:
        acc = count = 0
        while pos < len(rows) and (target is None or 2 * abs(target - acc) > count + 1):
            out.append(level)
            mine = sums[pos]
            pos += 1
            if level < depth:
                end = take(pos, level + 1, mine)
                if end is None:
                    return None
                pos = end
            acc, count = acc + mine, count + 1
        return pos if target is None or 2 * abs(target - acc) <= count + 1 else None

    if not rows:
        return []
    end = take(1, 1, None)
    return out if end == len(rows) else None


class ListedRows:
    """Places the printed rows of one table, in order, into its named or paired floating block."""

    def __init__(self, conv: _Converter, table: TableDef, block: BlockDef, columns: Mapping[str, str | None],
                 codes: CodeLists | None = None) -> None:
        assert block.floating is not None
        self.conv, self.table, self.block, self.fl = conv, table, block, block.floating
        self.columns, self.codes = columns, codes or default_code_lists()
        self.year = conv.tset.info.year
        self.levels = sorted(self.fl.levels)
        self.path: list[str] = []  # keys of the current row at each level
        self.name_col = next((c for c in block.columns if c.kind in ("name", "label")), None)
        self.name2_col = next((c for c in block.columns if c.kind == "name2"), None)
        self.rows = conv.floating.setdefault(table.key, {})

    def place_all(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Place every printed row; levels come from the totals when no row names its level."""
        marked = any(r.get("row_level") or r.get("level") or "indent" in r for r in rows)
        if self.fl.named and len(self.levels) > 1 and not marked:
            levels = infer_levels(rows, len(self.levels))
            if levels is not None:
                names = ["", *self.fl.level_names]
                rows = [{**r, "row_level": names[d]} if d else {**r, "row_level": "总计"}
                        for r, d in zip(rows, levels, strict=True)]
        for row in rows:
            self.place(row)

    def place(self, row: Mapping[str, Any]) -> None:
        values = row.get("values") or {}
        name = _printed(row, self.name_col, "label", "name", tr("科目名称"))
        key = self._named_key(row, name) if self.fl.named else self._paired_key(row, name)
        if key is None:
            return
        if key != self.fl.total_key:
            self.rows[key] = name
        self.conv._put_values(self.table, self.block, key, values, self.columns, name or key)

    def _lose(self, row: Mapping[str, Any], name: str, reason: str) -> None:
        for col, raw in (row.get("values") or {}).items():
            self.conv._lost(self.table, name or tr("（无名称行）"), col, raw, reason)

    # -- named rows -----------------------------------------------------------------------------
    def _named_key(self, row: Mapping[str, Any], name: str) -> str | None:
        level = str(row.get("row_level") or row.get("level") or "")
        names = self.fl.level_names
        indent = row.get("indent")
        if level in names:
            depth = names.index(level)
        elif level or normalise_name(name) == normalise_name(self.fl.total_label):
            return self.fl.total_key
        elif isinstance(indent, int) and 0 <= indent < len(self.levels):
            depth = indent
        elif len(self.levels) == 1:
            depth = 0
        else:
            self._lose(row, name, tr("无法判断这一行是哪一级（{levels}）", levels="、".join(names)))
            return None
        if depth > len(self.path):
            self._lose(row, name, tr("这一{names}行前面没有上一级的行", names=names[depth]))
            return None
        prefix = self.path[depth - 1] if depth else ""
        width = self.levels[depth] - len(prefix)
        taken = [k for k in self.rows if k.startswith(prefix) and len(k) == len(prefix) + width]
        number = len(taken) + 1
        if len(str(number)) > width:
            self._lose(row, name, tr("这一级超过 {limit} 行", limit=10 ** width - 1))
            return None
        key = prefix + str(number).zfill(width)
        self.path = [*self.path[:depth], key]
        return key

    # -- paired rows ----------------------------------------------------------------------------
    def _code(self, list_name: str, name: str, lengths: set[int], under: str = "") -> tuple[str | None, str]:
        found = [e for e in self.codes.find_by_name(list_name, name, self.year) if len(e.code) in lengths]
        if under and len(found) > 1:
            found = [e for e in found if e.code.startswith(under)] or found
        if len(found) == 1:
            return found[0].code, ""
        return None, tr("代码表中没有这个名称") if not found else tr("名称对应多个编码")

    def _paired_key(self, row: Mapping[str, Any], name: str) -> str | None:
        if normalise_name(name) == normalise_name(self.fl.total_label):
            return self.fl.total_key
        name2 = _printed(row, self.name2_col)
        top, rest = self.levels[0], set(self.levels[1:])
        assert self.fl.code_list is not None and self.fl.pair_list is not None
        if not name2:
            code, problem = self._code(self.fl.code_list, name, {top})
            if code is None:
                self._lose(row, name, tr("部门经济科目“{name}”：{problem}", name=name, problem=problem))
                return None
            self.path = [code]
            return code
        group = self.path[0] if self.path else ""
        code, problem = self._code(self.fl.code_list, name, rest, group)
        if code is None:
            self._lose(row, f"{name}／{name2}", tr("部门经济科目“{name}”：{problem}", name=name, problem=problem))
            return None
        code2, problem = self._code(self.fl.pair_list, name2, {len(code)})
        if code2 is None:
            self._lose(row, f"{name}／{name2}", tr("政府经济科目“{name2}”：{problem}", name2=name2, problem=problem))
            return None
        key = f"{code}_{code2}"
        if key in self.rows:
            self._lose(row, f"{name}／{name2}", tr("同一对科目重复出现"))
            return None
        return key
