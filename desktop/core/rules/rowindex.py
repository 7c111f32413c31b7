"""The rows a table has right now: its fixed rows plus the clerk's floating coded rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..codes import CodeLists, default_code_lists
from ..definitions.models import FloatingDef
from ..definitions.template_set import LEVEL_BY_NAME, TemplateSet, code_level


@dataclass(frozen=True, slots=True)
class RowInfo:
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


class RowIndex:
    """Rows per table in printed order; floating rows are keyed by their code."""

    def __init__(self, tset: TemplateSet, floating: FloatingRows | None = None, codes: CodeLists | None = None) -> None:
        self.tset = tset
        codes = codes or default_code_lists()
        self._rows: dict[str, list[RowInfo]] = {}
        self._by_key: dict[str, dict[str, RowInfo]] = {}
        self._by_code: dict[str, dict[str, str]] = {}
        floating = floating or {}
        for table in tset.tables:
            rows: list[RowInfo] = []
            for block in table.blocks:
                for row in block.rows:
                    if row.kind == "data":
                        rows.append(RowInfo(row.key, row.label, block.key, row.code, row.hangci))
                if block.floating:
                    fl = block.floating
                    rows.append(RowInfo(fl.total_key, fl.total_label, block.key, is_total=True))
                    coded = sorted(floating.get(table.key, ()), key=lambda cn: cn[0])
                    rows.extend(_floating_row(fl, key, name, block.key, codes, tset.info.year) for key, name in coded)
            self._rows[table.key] = rows
            self._by_key[table.key] = {r.key: r for r in rows}
            self._by_code[table.key] = {r.code: r.key for r in rows if r.code}

    def rows(self, table: str) -> list[RowInfo]:
        return self._rows.get(table, [])

    def get(self, table: str, row: str) -> RowInfo | None:
        return self._by_key.get(table, {}).get(row)

    def floating_codes(self, table: str) -> list[str]:
        return [r.key for r in self._rows.get(table, []) if r.code and (r.key == r.code or r.code2 is not None)]

    def select(self, table: str, selector: str) -> list[str]:
        """Row keys chosen by a selector (see :mod:`desktop.core.rules.expr`)."""
        rows = self._rows.get(table, [])
        sel = selector.strip()
        if sel == "*":
            return [r.key for r in rows]
        if sel in LEVEL_BY_NAME:
            level = LEVEL_BY_NAME[sel]
            return [r.key for r in rows if r.code and r.level == level]
        if sel == "floating":
            return [r.key for r in rows if r.code and (r.key == r.code or r.code2 is not None)]
        if sel == "coded":
            return [r.key for r in rows if r.code]
        if sel.startswith("code:"):
            prefix = sel[5:].strip()
            return [r.key for r in rows if r.code and not r.named and r.code.startswith(prefix)]
        if ".." in sel:
            first, last = (s.strip() for s in sel.split("..", 1))
            keys = [r.key for r in rows]
            if first not in keys or last not in keys:
                return []
            return keys[keys.index(first) : keys.index(last) + 1]
        return [s.strip() for s in sel.split(",") if s.strip()]

    def parent_of(self, table: str, code: str) -> str | None:
        """The nearest coded row above ``code`` (a 款 for a 项, else the 类), if the table has one."""
        by_code = self._by_code.get(table, {})
        fl = self.tset.table(table).floating_block if self.tset.has_table(table) else None
        lengths = sorted(fl.floating.levels, reverse=True) if fl and fl.floating else [5, 3]
        for length in lengths:
            if len(code) > length and code[:length] in by_code:
                return by_code[code[:length]]
        return None


def _floating_row(fl: FloatingDef, key: str, name: str, block: str, codes: CodeLists, year: int) -> RowInfo:
    """A clerk's row: coded (key = code), paired (key = code_code2) or named (key = generated number)."""
    if fl.named:
        return RowInfo(key, name, block, key, named=True)
    code, code2 = fl.split_key(key)
    if code2 is None or fl.pair_list is None:
        return RowInfo(key, name, block, code)
    return RowInfo(key, name, block, code, code2=code2, label2=codes.name(fl.pair_list, code2, year) or "")
