"""The incremental rule engine.

It holds the document's numbers in memory, indexes every rule instance by the cells it reads, and on an
edit re-evaluates only those instances (and recomputes derived cells, in dependency order, when asked).
Comparison follows the rounding model of the document's unit: in a 万元 document each printed figure
stands for an interval of ±0.005 万元, so a relation holds within half a step per non-empty figure and
a gap inside that is reported as 尾数误差, not as an error. 元 documents have no tolerance.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..codes import CodeLists, default_code_lists
from ..definitions.errors import DefinitionError
from ..definitions.template_set import TemplateSet
from .describe import Describer
from .findings import Finding
from .incremental import RuleBook
from .instances import Cell, Instance, StructuralFinding
from .rowindex import RowIndex

Values = dict[Cell, int]


@dataclass
class Delta:
    """What an edit changed: cells (including derived ones) and findings added or removed."""

    cells: dict[Cell, int | None] = field(default_factory=dict)
    old: dict[Cell, int | None] = field(default_factory=dict)
    added: list[Finding] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class Engine:
    """Evaluates a set's rules over one document's values."""

    def __init__(
        self,
        tset: TemplateSet,
        rows: RowIndex,
        values: Mapping[Cell, int],
        *,
        rounding: bool,
        codes: CodeLists | None = None,
    ) -> None:
        self.tset, self.rounding = tset, rounding
        self.codes = codes or default_code_lists()
        self.values: Values = dict(values)
        self.findings: dict[str, Finding] = {}
        self._table_columns: dict[str, list[str]] = {}
        self.rebuild(rows)

    # -- structure ------------------------------------------------------------------------------
    def rebuild(self, rows: RowIndex) -> None:
        """Compile every rule for a row structure and check everything."""
        self.rows = rows
        self.describer = Describer(self.tset, rows)
        self.book = RuleBook(self.tset, self.codes)
        instances, structural = self.book.compile(rows)
        self.instances: dict[str, Instance] = {}
        self.readers: dict[Cell, dict[str, Instance]] = {}
        self.formulas: dict[Cell, Instance] = {}
        self._candidates: dict[Cell, list[Instance]] = {}
        for inst in instances:
            self._index(inst, set())
        self._rank: dict[Cell, int] = {}
        for target in self.formulas:
            self._visit(target, set())
        self.structural = {s.key: self._structural(s) for s in structural}
        self.check_all()

    def _structural(self, s: StructuralFinding) -> Finding:
        return Finding(s.key, s.rule_id, s.severity, f"{self.describer.table_name(s.table)}：{s.message}", s.table,
                       s.cells)

    def _index(self, inst: Instance, retargeted: set[Cell]) -> None:
        if inst.key in self.instances:
            self._unindex(inst.key, retargeted)
        self.instances[inst.key] = inst
        for cell in inst.cells:
            self.readers.setdefault(cell, {})[inst.key] = inst
        target = inst.target
        if target is not None:
            self._candidates.setdefault(target, []).append(inst)
            current = self.formulas.get(target)
            if current is None or inst.order < current.order:
                self.formulas[target] = inst
                retargeted.add(target)

    def _unindex(self, key: str, retargeted: set[Cell]) -> None:
        inst = self.instances.pop(key)
        for cell in inst.cells:
            readers = self.readers.get(cell)
            if readers is not None:
                readers.pop(key, None)
                if not readers:
                    del self.readers[cell]
        target = inst.target
        if target is not None:
            candidates = self._candidates[target]
            candidates.remove(inst)
            if self.formulas.get(target) is inst:
                retargeted.add(target)
                if candidates:
                    self.formulas[target] = min(candidates, key=lambda i: i.order)
                else:
                    del self.formulas[target], self._candidates[target]

    def _visit(self, cell: Cell, visiting: set[Cell]) -> int:
        """Topological rank of a derived cell (inputs first); a cycle is a definition error."""
        rank = self._rank.get(cell)
        if rank is not None:
            return rank
        if cell in visiting:
            raise DefinitionError(self.tset.id, "rules", f"公式循环引用：{cell}")
        visiting.add(cell)
        inst = self.formulas.get(cell)
        depth = 0
        if inst is not None:
            for _, src in inst.right:
                depth = max(depth, self._visit(src, visiting) + 1)
        visiting.discard(cell)
        self._rank[cell] = depth
        return depth

    def _dependents(self, cell: Cell) -> Iterator[Cell]:
        """Derived cells computed from ``cell``."""
        for inst in self.readers.get(cell, {}).values():
            target = inst.target
            if target is not None and target != cell and self.formulas.get(target) is inst:
                yield target

    def _rerank(self, targets: Iterable[Cell]) -> None:
        """Rank again the cells whose formula changed and every derived cell computed from them."""
        stale: set[Cell] = set()
        stack = list(targets)
        while stack:
            cell = stack.pop()
            if cell not in stale:
                stale.add(cell)
                stack.extend(self._dependents(cell))
        for cell in stale:
            self._rank.pop(cell, None)
        for cell in stale:
            self._visit(cell, set())

    def restructure(self, rows: RowIndex, added: Iterable[tuple[str, str]], removed: Iterable[tuple[str, str]]) -> Delta:
        """Rows ``added`` and ``removed`` (``(table, key)``), ``rows`` being the index that has them now.

        Only what those rows change is compiled again; the derived cells that follow are recomputed and
        the findings they touch re-checked. ``delta.cells`` are the derived cells that changed; the
        values the removed rows held are in ``delta.old`` only. The state afterwards is the same as a new
        :class:`Engine` built over ``rows`` and the same values."""
        added, removed = list(added), list(removed)
        old_rows, self.rows = self.rows, rows
        self.describer = Describer(self.tset, rows)
        change = self.book.update(old_rows, rows, added, removed)
        delta = Delta()
        retargeted: set[Cell] = set()
        for key in change.dropped:
            if key in self.instances:
                self._unindex(key, retargeted)
        for inst in change.instances:
            self._index(inst, retargeted)
        self._rerank(retargeted)
        recheck: dict[str, Instance] = {i.key: i for i in change.instances}
        for key in change.dropped:
            if key not in self.instances and key in self.findings:
                del self.findings[key]
                delta.removed.append(key)
        for key in change.dropped_structural:
            if self.structural.pop(key, None) is not None:
                del self.findings[key]
                delta.removed.append(key)
        for s in change.structural:
            finding = self.structural[s.key] = self.findings[s.key] = self._structural(s)
            delta.added.append(finding)
        gone: list[Cell] = []
        for table, key in [*added, *removed]:  # their captions change in every message naming them
            for col in self._columns(table):
                cell = (table, key, col)
                recheck.update(self.readers.get(cell, {}))
                if cell in self.values and (table, key) in removed:
                    delta.old[cell] = self.values.pop(cell)
                    gone.append(cell)
        self._derive(gone, [t for t in retargeted if t in self.formulas], {}, delta)
        for cell in [*gone, *delta.cells]:
            recheck.update(self.readers.get(cell, {}))
        self._recheck(recheck, delta)
        return delta

    def _columns(self, table: str) -> list[str]:
        cols = self._table_columns.get(table)
        if cols is None:
            tdef = self.tset.table(table)
            cols = self._table_columns[table] = list(dict.fromkeys(c.key for b in tdef.blocks for c in b.columns))
        return cols

    def is_derived(self, cell: Cell) -> bool:
        return cell in self.formulas

    # -- evaluation -----------------------------------------------------------------------------
    def _sum(self, side: Iterable[tuple[int, Cell]]) -> tuple[int, int]:
        total = count = 0
        values = self.values
        for sign, cell in side:
            v = values.get(cell)
            if v is not None:
                total += sign * v
                count += 1
        return total, count

    def evaluate(self, inst: Instance) -> Finding | None:
        """The finding for one instance, or ``None`` when it holds."""
        left, n_left = self._sum(inst.left)
        right, n_right = self._sum(inst.right)
        gap = left - right
        if inst.op == "=":
            excess = abs(gap)
        elif inst.op == "<=":
            excess = max(gap, 0)
        else:
            excess = max(-gap, 0)
        if excess == 0:
            return None
        rounding = self.rounding and 2 * excess <= n_left + n_right
        severity = "rounding" if rounding else inst.severity
        message = self.describer.message(inst, left, right, rounding, (n_left == 0, n_right == 0))
        return Finding(inst.key, inst.rule_id, severity, message, inst.table, inst.cells, left, right)

    def check_all(self) -> list[Finding]:
        """Evaluate every instance; returns all findings, errors first."""
        self.findings = dict(self.structural)
        for inst in self.instances.values():
            finding = self.evaluate(inst)
            if finding is not None:
                self.findings[inst.key] = finding
        return self.sorted_findings()

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings.values(), key=Finding.sort_key)

    def _derive_one(self, inst: Instance) -> int | None:
        total, count = self._sum(inst.right)
        return total if count else None

    def derive_all(self) -> dict[Cell, int | None]:
        """Recompute every derived cell from its parts (used when a new document is filled)."""
        changed: dict[Cell, int | None] = {}
        for target in sorted(self.formulas, key=self._rank.__getitem__):
            new = self._derive_one(self.formulas[target])
            if self.values.get(target) != new:
                self._store(target, new)
                changed[target] = new
        return changed

    def _store(self, cell: Cell, value: int | None) -> None:
        if value is None:
            self.values.pop(cell, None)
        else:
            self.values[cell] = value

    def apply(self, changes: Mapping[Cell, int | None], *, derive: bool = True) -> Delta:
        """Set cells, recompute the derived cells that depend on them, re-check what they touch."""
        delta = Delta()
        for cell, value in changes.items():
            if self.values.get(cell) != value:
                delta.old.setdefault(cell, self.values.get(cell))
                self._store(cell, value)
                delta.cells[cell] = value
        if derive:
            self._derive(list(delta.cells), (), changes, delta)
        touched: dict[str, Instance] = {}
        for cell in delta.cells:
            touched.update(self.readers.get(cell, {}))
        self._recheck(touched, delta)
        return delta

    def _derive(self, changed: Iterable[Cell], targets: Iterable[Cell], own: Mapping[Cell, int | None],
                delta: Delta) -> None:
        """Recompute, in rank order, ``targets`` and the derived cells computed from ``changed`` cells
        (and from what they change in turn); cells in ``own`` keep the clerk's value."""
        heap: list[tuple[int, Cell]] = []
        queued: set[Cell] = set()

        def push(target: Cell) -> None:
            if target not in queued:
                queued.add(target)
                heapq.heappush(heap, (self._rank[target], target))

        for cell in changed:
            for target in self._dependents(cell):
                push(target)
        for target in targets:
            push(target)
        while heap:
            _, target = heapq.heappop(heap)
            queued.discard(target)
            if target in own:
                continue  # the clerk's own value for a derived cell wins in this edit
            new = self._derive_one(self.formulas[target])
            if self.values.get(target) != new:
                delta.old.setdefault(target, self.values.get(target))
                self._store(target, new)
                delta.cells[target] = new
                for dependent in self._dependents(target):
                    push(dependent)

    def _recheck(self, touched: Mapping[str, Instance], delta: Delta) -> None:
        for key, inst in touched.items():
            finding = self.evaluate(inst)
            old = self.findings.get(key)
            if finding is None:
                if old is not None:
                    del self.findings[key]
                    delta.removed.append(key)
            elif finding != old:
                self.findings[key] = finding
                if old is not None:
                    delta.removed.append(key)
                delta.added.append(finding)
