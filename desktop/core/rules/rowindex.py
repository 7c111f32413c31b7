"""The rows a table has right now: its fixed rows plus the clerk's floating coded rows."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping

from msgspec import Struct

from ..codes import CodeLists, default_code_lists
from ..definitions.models import FloatingDef
from ..definitions.template_set import LEVEL_BY_NAME, TemplateSet, code_level


class RowInfo(Struct, frozen=True):
    """A data row as the engine and messages see it."""

    key: str
    label: str
    block: str
    code: str | None = None
    hangci: str | None = None
    is_total: bool = False
    code2: str | None = None
    label2: str = ""
    named: bool = False

    @property
    def level(self) -> int:
        return code_level(self.code) if self.code and not self.named else 0


FloatingRows = Mapping[str, Iterable[tuple[str, str]]]


class FloatingByTable:
    """A document's floating rows, read table by table when a table is first laid out (``loader``: table →
    its ``(key, name)`` rows). Read-only to the index, as a dict of the whole would be."""

    __slots__ = ("_loader", "_read")

    def __init__(self, loader: Callable[[str], list[tuple[str, str]]]) -> None:
        self._loader = loader
        self._read: dict[str, list[tuple[str, str]]] = {}

    def get(self, table: str, default: Iterable[tuple[str, str]] = ()) -> Iterable[tuple[str, str]]:
        rows = self._read.get(table)
        if rows is None:
            rows = self._read[table] = self._loader(table)
        return rows or default


class RowIndex:
    """Rows per table in printed order; floating rows are keyed by their code."""

    def __init__(self, tset: TemplateSet, floating: FloatingRows | FloatingByTable | None = None,
                 codes: CodeLists | None = None) -> None:
        self.tset = tset
        self._codes = codes or default_code_lists()
        self._rows: dict[str, list[RowInfo]] = {}
        self._by_key: dict[str, dict[str, RowInfo]] = {}
        self._by_code: dict[str, dict[str, str]] = {}
        self._span: dict[str, tuple[int, int]] = {}  # where the floating rows sit in a table's list
        self._position: dict[str, dict[str, int]] = {}
        self._selected: dict[str, dict[str, list[str]]] = {}
        # each table's rows are built on first use (from the file, table by table, with a FloatingByTable)
        self._source = floating if isinstance(floating, FloatingByTable) else dict(floating or {})
        self._lengths: dict[str, tuple[int, ...]] = {}  # code lengths of a table's levels, longest first (of the set)

    def _table(self, table: str) -> list[RowInfo]:
        rows = self._rows.get(table)
        return rows if rows is not None else self._build(table)

    def _build(self, table: str) -> list[RowInfo]:
        rows: list[RowInfo] = []
        for block in self.tset.table(table).blocks if self.tset.has_table(table) else ():
            for row in block.rows:
                if row.kind == "data":
                    rows.append(RowInfo(row.key, row.label, block.key, row.code, row.hangci))
            if block.floating:
                fl = block.floating
                rows.append(RowInfo(fl.total_key, fl.total_label, block.key, is_total=True))
                coded = sorted(self._source.get(table, ()), key=lambda cn: cn[0])
                start = len(rows)
                codes, year = self._codes, self.tset.info.year
                rows.extend(_floating_row(fl, key, name, block.key, codes, year) for key, name in coded)
                self._span[table] = (start, len(rows))
        self._set_table(table, rows)
        return rows

    def _floating(self, fl: FloatingDef, key: str, name: str, block: str) -> RowInfo:
        return _floating_row(fl, key, name, block, self._codes, self.tset.info.year)

    def _set_table(self, table: str, rows: list[RowInfo]) -> None:
        self._rows[table] = rows
        self._by_key[table] = {r.key: r for r in rows}
        self._by_code[table] = {r.code: r.key for r in rows if r.code}
        self._position.pop(table, None)
        self._selected.pop(table, None)

    def changed(self, add: Iterable[tuple[str, str, str]], remove: Iterable[tuple[str, str]]) -> RowIndex:
        """A new index with floating rows ``(table, key, name)`` added and ``(table, key)`` removed; the
        tables not named are shared with this one (an index is never changed in place)."""
        adds: dict[str, list[tuple[str, str]]] = {}
        removes: dict[str, set[str]] = {}
        for table, key, name in add:
            adds.setdefault(table, []).append((key, name))
        for table, key in remove:
            removes.setdefault(table, set()).add(key)
        new = copy.copy(self)
        new._rows, new._by_key, new._by_code = dict(self._rows), dict(self._by_key), dict(self._by_code)
        new._span, new._position, new._selected = dict(self._span), dict(self._position), dict(self._selected)
        for table in adds.keys() | removes.keys():
            fb = self.tset.table(table).floating_block
            if fb is None or fb.floating is None:
                continue
            rows = self._table(table)
            start, end = self._span[table]
            gone = removes.get(table, set())
            kept = {r.key: r for r in rows[start:end] if r.key not in gone}
            for key, name in adds.get(table, []):
                kept[key] = self._floating(fb.floating, key, name, fb.key)
            floating = sorted(kept.values(), key=lambda r: r.key)
            new._span[table] = (start, start + len(floating))
            new._set_table(table, rows[:start] + floating + rows[end:])
        return new

    def position(self, table: str, key: str) -> int:
        """The printed place of a row in its table."""
        pos = self._position.get(table)
        if pos is None:
            pos = self._position[table] = {r.key: i for i, r in enumerate(self._table(table))}
        return pos[key]

    def rows(self, table: str) -> list[RowInfo]:
        return self._table(table)

    def get(self, table: str, row: str) -> RowInfo | None:
        by_key = self._by_key.get(table)
        if by_key is None:
            self._build(table)
            by_key = self._by_key[table]
        return by_key.get(row)

    def floating_codes(self, table: str) -> list[str]:
        return [r.key for r in self._table(table) if r.code and (r.key == r.code or r.code2 is not None)]

    def select(self, table: str, selector: str) -> list[str]:
        """Row keys chosen by a selector (see :mod:`desktop.core.rules.expr`); the list is shared, not a copy."""
        cache = self._selected.setdefault(table, {})
        keys = cache.get(selector)
        if keys is None:
            keys = cache[selector] = self._select(table, selector)
        return keys

    def _select(self, table: str, selector: str) -> list[str]:
        rows = self._table(table)
        sel = selector.strip()
        if sel == "*":
            return [r.key for r in rows]
        if ".." in sel:
            first, last = (s.strip() for s in sel.split("..", 1))
            keys = [r.key for r in rows]
            if first not in keys or last not in keys:
                return []
            return keys[keys.index(first) : keys.index(last) + 1]
        match = _matcher(sel)
        if match is None:
            return [s.strip() for s in sel.split(",") if s.strip()]
        return [r.key for r in rows if match(r)]

    def selects(self, table: str, selector: str, key: str) -> bool:
        """Whether ``selector`` chooses row ``key`` (one row looked at, unless the selector is a range)."""
        sel = selector.strip()
        if ".." in sel:
            return key in self.select(table, sel)
        info = self.get(table, key)
        match = _matcher(sel)
        if match is None:
            return key in self.select(table, sel)
        return info is not None and match(info)

    def parent_of(self, table: str, code: str) -> str | None:
        """The nearest coded row above ``code`` (a 款 for a 项, else the 类), if the table has one."""
        self._table(table)
        return _parent(code, self._by_code[table], self._code_lengths(table))

    def coded_parents(self, table: str) -> list[tuple[str, str | None]]:
        """Every coded row of ``table`` in printed order with its :meth:`parent_of` (one pass: a roll-up
        groups all 5,000 rows of a table this way)."""
        rows = self._table(table)
        by_code, lengths = self._by_code[table], self._code_lengths(table)
        return [(row.key, _parent(row.code, by_code, lengths)) for row in rows if row.code]

    def _code_lengths(self, table: str) -> tuple[int, ...]:
        lengths = self._lengths.get(table)
        if lengths is None:
            fl = self.tset.table(table).floating_block if self.tset.has_table(table) else None
            lengths = self._lengths[table] = tuple(sorted(fl.floating.levels, reverse=True) if fl and fl.floating
                                                   else (5, 3))
        return lengths


def _parent(code: str, by_code: Mapping[str, str], lengths: tuple[int, ...]) -> str | None:
    """The row of the longest code in ``lengths`` that starts ``code`` (shorter than it), if any."""
    for length in lengths:
        if len(code) > length:
            parent = by_code.get(code[:length])
            if parent is not None:
                return parent
    return None


_CODE_LENGTH = {1: 3, 2: 5, 3: 7}


def _matcher(sel: str) -> Callable[[RowInfo], bool] | None:
    """The test a row-by-row selector applies to one row (``None`` for a list of row keys)."""
    if sel == "*":
        return lambda r: True
    if sel in LEVEL_BY_NAME:
        length = _CODE_LENGTH[LEVEL_BY_NAME[sel]]
        return lambda r: bool(r.code) and not r.named and len(r.code) == length and r.code.isdigit()
    if sel == "floating":
        return lambda r: bool(r.code) and (r.key == r.code or r.code2 is not None)
    if sel == "coded":
        return lambda r: bool(r.code)
    if sel.startswith("code:"):
        prefix = sel[5:].strip()
        return lambda r: bool(r.code) and not r.named and r.code.startswith(prefix)
    return None


def _floating_row(fl: FloatingDef, key: str, name: str, block: str, codes: CodeLists, year: int) -> RowInfo:
    """A clerk's row: coded (key = code), paired (key = code_code2) or named (key = generated number)."""
    if fl.named:
        return RowInfo(key, name, block, key, named=True)
    code, code2 = fl.split_key(key)
    if code2 is None or fl.pair_list is None:
        return RowInfo(key, name, block, code)
    return RowInfo(key, name, block, code, code2=code2, label2=codes.name(fl.pair_list, code2, year) or "")
