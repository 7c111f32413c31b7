"""The compiled rules of one document, updated in place when 科目 rows are added or removed.

A structural edit in table T only changes the instances whose expansion reads T's row list: the
rollup groups whose children changed, the foreach bindings of the rows added or removed, and the
rules that sum over a selection of T's rows (``sum(T[类].c)``). Everything else is kept. The result is
the same as compiling the whole set again (tests/test_engine_incremental.py checks this).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from msgspec import Struct, field

from ..codes import CodeLists
from ..definitions.models import CodeCheckRule, CompareRule, RollupRule
from ..definitions.template_set import TemplateSet
from .compile import (
    PLACEHOLDERS,
    PreparedCompare,
    code_findings,
    rollup_columns,
    rollup_groups,
    rollup_instances,
)
from .instances import Instance, StructuralFinding
from .rowindex import RowIndex

_TOP = ""  # parent of a table's top rows when it has no floating total


class Recompiled(Struct):
    """What a structural edit changed in the compiled rules."""

    dropped: list[str] = field(default_factory=list)  # instance keys that no longer exist or changed
    instances: list[Instance] = field(default_factory=list)  # new or changed instances
    dropped_structural: list[str] = field(default_factory=list)
    structural: list[StructuralFinding] = field(default_factory=list)


class _Groups:
    """Parent → children of one table's coded rows (what its rollups sum), kept up to date."""

    def __init__(self, tset: TemplateSet, table: str, rows: RowIndex) -> None:
        self.table = tset.table(table)
        fb = self.table.floating_block
        self.total = fb.floating.total_key if fb is not None and fb.floating is not None else None
        self.kids = rollup_groups(self.table, rows)
        if self.total is None:
            self.kids[_TOP] = [key for key, parent in rows.coded_parents(table) if parent is None]
        top = self.total if self.total is not None else _TOP
        self.parent = {k: p for p, kids in self.kids.items() for k in kids}
        self.parent.update({k: top for k in self.kids.get(top, [])})

    def emitted(self) -> dict[str, list[str]]:
        return {p: k for p, k in self.kids.items() if p != _TOP}

    def update(self, old_rows: RowIndex, rows: RowIndex, added: set[str], removed: set[str]) -> set[str]:
        """Re-parent what the edit touched; returns the parents whose groups changed."""
        key = self.table.key
        top = self.total if self.total is not None else _TOP
        dirty: set[str] = set()
        prefixes = tuple(i.code for i in [*(old_rows.get(key, k) for k in removed), *(rows.get(key, k) for k in added)]
                         if i is not None and i.code)
        for k in removed:
            p = self.parent.pop(k, None)
            if p is not None and k in self.kids.get(p, ()):
                self.kids[p].remove(k)
                dirty.add(p)
        for k in removed:
            if k in self.kids and k != top:
                del self.kids[k]
                dirty.add(k)
        if prefixes:
            position = rows.position
            for row in rows.rows(key):
                if not row.code or not row.code.startswith(prefixes):
                    continue
                new = rows.parent_of(key, row.code) or top
                old = self.parent.get(row.key)
                if old == new:
                    continue
                if old is not None:
                    if row.key in self.kids.get(old, ()):
                        self.kids[old].remove(row.key)
                    dirty.add(old)
                self.parent[row.key] = new
                bisect.insort(self.kids.setdefault(new, []), row.key, key=lambda r: position(key, r))
                dirty.add(new)
        for p in dirty:
            if p != top and not self.kids.get(p, True):
                del self.kids[p]
        return dirty


def _mentions(rule: object, prep: PreparedCompare | None) -> frozenset[str] | None:
    """The tables a rule's instances can read, derive or run over (``None``: it may name any table)."""
    if prep is None:
        return frozenset({rule.table})  # type: ignore[attr-defined]  # rollups and code checks
    tables = {t.table for t in prep.left + prep.right}
    if any("__" in t for t in tables):
        return None
    return frozenset(tables) | prep.foreach_tables


def _code_of(prep: PreparedCompare, rows: RowIndex, key: str) -> str | None:
    """The code a foreach rule binds for row ``key`` (from the first selector choosing it), or ``None``."""
    assert prep.rule.foreach is not None
    for selector in prep.rule.foreach.rows:
        table, sel = selector.split("[", 1)
        if rows.selects(table, sel.rstrip("]"), key):
            info = rows.get(table, key)
            return info.code if info and info.code else key
    return None


class RuleBook:
    """A set's rules expanded over a document's rows, with what is needed to expand them again in part."""

    def __init__(self, tset: TemplateSet, codes: CodeLists) -> None:
        self.tset, self.codes = tset, codes
        self.compares = [PreparedCompare.of(r, i) for i, r in enumerate(tset.rules) if isinstance(r, CompareRule)]
        self.rollups = [(i, r) for i, r in enumerate(tset.rules) if isinstance(r, RollupRule)]
        self.code_checks = [r for r in tset.rules if isinstance(r, CodeCheckRule)]
        self._keys: dict[int, list[str]] = {}  # instance keys of each compare rule compiled whole
        self._bound: dict[int, dict[str, str]] = {}  # row key → code of each foreach-over-rows rule
        self._groups: dict[str, _Groups] = {}
        self._prepared = {p.position: p for p in self.compares}
        self._mentions: list[frozenset[str] | None] = [_mentions(r, self._prepared.get(i)) for i, r in
                                                       enumerate(tset.rules)]
        self._compiled: set[int] = set()
        # rules whose every term reads the bound row only (zhichu.{row}.total = zhichu.{row}.jb + …): a
        # cell's readers among them are the instances of that one row, compiled one row at a time
        self._row_local: dict[str, list[int]] = {}
        for prep in self.compares:
            terms = prep.left + prep.right
            if self._incremental(prep) and all(t.row == PLACEHOLDERS["row"] for t in terms):
                for table in {t.table for t in terms}:
                    self._row_local.setdefault(table, []).append(prep.position)
        self._local = {p for ps in self._row_local.values() for p in ps}
        self._looked: dict[int, set[str]] = {}  # rows of a row-local rule compiled (or found unbound)
        # roll-up groups (parent row) already expanded, per rule, before the rule is compiled whole: a cell
        # is read by the group above its row and derived by its row's own group, nothing else of the rule
        self._rollup_parents: dict[int, set[str]] = {}
        self._rollups_of: dict[str, list[tuple[int, RollupRule]]] = {}
        for position, rule in self.rollups:
            self._rollups_of.setdefault(rule.table, []).append((position, rule))

    def _incremental(self, prep: PreparedCompare) -> bool:
        """Whether a rule's instances follow its foreach rows one by one (else it is compiled whole)."""
        return bool(prep.rule.foreach and prep.rule.foreach.rows and prep.unique_targets and not prep.selector_tables)

    def _rebind(self, prep: PreparedCompare, rows: RowIndex, tables: set[str], adds: dict[str, set[str]],
                gones: dict[str, set[str]]) -> dict[str, str | None]:
        """Row key → new code (``None``: no longer bound) of the foreach rows whose binding changed."""
        assert prep.rule.foreach is not None
        old = self._bound[prep.position]
        selectors = [s.split("[", 1) for s in prep.rule.foreach.rows]
        if any(".." in sel and table in tables for table, sel in selectors):  # a range: bind every row again
            new: dict[str, str] = dict(prep.row_bindings(rows))
            keys = old.keys() | new.keys()
            return {k: new.get(k) for k in keys if new.get(k) != old.get(k)}
        out: dict[str, str | None] = {}
        for key in {k for t in tables for k in adds.get(t, set()) | gones.get(t, set())}:
            code = _code_of(prep, rows, key)
            if code != old.get(key):
                out[key] = code
        return out

    def compile_row(self, rows: RowIndex, table: str, key: str) -> list[Instance]:
        """The instances of row-local rules on ``table`` for the row ``key``, if not compiled yet."""
        out: list[Instance] = []
        for position in self._row_local.get(table, ()):
            looked = self._looked.setdefault(position, set())
            if position in self._compiled or key in looked:
                continue
            looked.add(key)
            prep = self._prepared[position]
            code = _code_of(prep, rows, key)
            if code is not None:
                self._bound.setdefault(position, {})[key] = code
                out.extend(prep.instances(rows, [(key, code)]))
        for position, rule in self._rollups_of.get(table, ()):
            if position not in self._compiled:
                groups = self._table_groups(rows, table)
                parents = [p for p in (key, groups.parent.get(key)) if p is not None and p != _TOP]
                out.extend(self._rollup_groups(position, rule, rows, groups, parents))
        return out

    def _table_groups(self, rows: RowIndex, table: str) -> _Groups:
        groups = self._groups.get(table)
        if groups is None:
            groups = self._groups[table] = _Groups(self.tset, table, rows)
        return groups

    def _rollup_groups(self, position: int, rule: RollupRule, rows: RowIndex, groups: _Groups,
                       parents: Iterable[str]) -> list[Instance]:
        """The instances of the groups of ``parents`` (each expanded once) of a roll-up rule."""
        done = self._rollup_parents.setdefault(position, set())
        emitted = groups.emitted()
        cols = rollup_columns(rule, groups.table)
        out: list[Instance] = []
        for parent in parents:
            if parent in done or parent not in emitted:
                continue
            done.add(parent)
            out.extend(rollup_instances(rule, position, groups.table, rows, parent, emitted[parent], cols))
        return out

    def compile(self, rows: RowIndex, tables: set[str] | None = None) -> tuple[list[Instance], list[StructuralFinding]]:
        """The instances and structural findings of the rules not compiled yet that mention one of
        ``tables`` (every rule when ``None``), in the set's order; remembers how they were expanded."""
        instances: list[Instance] = []
        structural: list[StructuralFinding] = []
        for position, rule in enumerate(self.tset.rules):
            mentions = self._mentions[position]
            if position in self._compiled or (tables is not None and mentions is not None and not mentions & tables):
                continue
            if tables is not None and (position in self._local or isinstance(rule, CodeCheckRule | RollupRule)):
                continue  # row by row (compile_row) / only for a full check: they derive and read nothing
            self._compiled.add(position)
            if isinstance(rule, CompareRule):
                prep = self._prepared[position]
                if self._incremental(prep):
                    bound = prep.row_bindings(rows)
                    done = self._bound.setdefault(position, {})
                    instances.extend(prep.instances(rows, [(k, c) for k, c in bound if k not in done]))
                    self._bound[position] = dict(bound)
                else:
                    fresh = list(prep.instances(rows))
                    self._keys[position] = [i.key for i in fresh]
                    instances.extend(fresh)
            elif isinstance(rule, RollupRule):
                groups = self._table_groups(rows, rule.table)
                instances.extend(self._rollup_groups(position, rule, rows, groups, list(groups.emitted())))
            else:
                for row in rows.rows(rule.table):
                    structural.extend(code_findings(rule, self.tset, self.codes, row))
        return instances, structural

    def update(self, old_rows: RowIndex, rows: RowIndex, added: Iterable[tuple[str, str]],
               removed: Iterable[tuple[str, str]]) -> Recompiled:
        """Expand again what rows ``added`` and ``removed`` (``(table, key)``) change."""
        adds: dict[str, set[str]] = {}
        gones: dict[str, set[str]] = {}
        for table, key in added:
            adds.setdefault(table, set()).add(key)
        for table, key in removed:
            gones.setdefault(table, set()).add(key)
        tables = adds.keys() | gones.keys()
        out = Recompiled()
        for prep in self.compares:
            if not (prep.selector_tables & tables or prep.foreach_tables & tables):
                continue
            if not self._incremental(prep):
                out.dropped.extend(self._keys[prep.position])
                fresh = list(prep.instances(rows))
                self._keys[prep.position] = [i.key for i in fresh]
                out.instances.extend(fresh)
                continue
            old = self._bound[prep.position]
            changed = self._rebind(prep, rows, tables, adds, gones)
            for key, code in changed.items():
                if key in old:
                    out.dropped.extend(prep.instance_key(b) for b in prep.bindings(rows, [(key, old.pop(key))]))
                if code is not None:
                    old[key] = code
            out.instances.extend(prep.instances(rows, [(k, c) for k, c in changed.items() if c is not None]))
        dirty = {t: self._groups[t].update(old_rows, rows, adds.get(t, set()), gones.get(t, set()))
                 for t in tables if t in self._groups}
        for position, rule in self.rollups:
            if rule.table not in dirty:
                continue
            groups = self._groups[rule.table]
            cols = rollup_columns(rule, groups.table)
            for parent in dirty[rule.table]:
                out.dropped.extend(f"{rule.id}[{parent}|{col}]" for col in cols)
                if parent in groups.kids and parent != _TOP and rows.get(rule.table, parent) is not None:
                    out.instances.extend(rollup_instances(rule, position, groups.table, rows, parent,
                                                          groups.kids[parent], cols))
        for rule in self.code_checks:
            for key in gones.get(rule.table, ()):
                out.dropped_structural.extend(f"{rule.id}[{key}|{what}]" for what in ("shape", "name", "pair"))
            for key in adds.get(rule.table, ()):
                info = rows.get(rule.table, key)
                if info is not None:
                    out.structural.extend(code_findings(rule, self.tset, self.codes, info))
        return out
