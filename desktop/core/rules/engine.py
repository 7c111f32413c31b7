"""The incremental rule engine.

It holds the document's numbers in memory, indexes every rule instance by the cells it reads, and on an
edit re-evaluates only those instances (and recomputes derived cells, in dependency order, when asked).
Comparison follows the rounding model of the document's unit: in a 万元 document each printed figure
stands for an interval of ±0.005 万元, so a relation holds within half a step per non-empty figure and
a gap inside that is reported as 尾数误差, not as an error. 元 documents have no tolerance.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..codes import CodeLists, default_code_lists
from ..definitions.errors import DefinitionError
from ..definitions.template_set import TemplateSet
from .compile import compile_rules
from .describe import Describer
from .findings import Finding
from .instances import Cell, Instance
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
        self.rebuild(rows)

    # -- structure ------------------------------------------------------------------------------
    def rebuild(self, rows: RowIndex) -> None:
        """Recompile every rule for a new row structure and re-check everything."""
        self.rows = rows
        self.describer = Describer(self.tset, rows)
        instances, structural = compile_rules(self.tset, rows, self.codes)
        self.instances: dict[str, Instance] = {}
        self.readers: dict[Cell, list[Instance]] = {}
        self.formulas: dict[Cell, Instance] = {}
        for inst in instances:
            self.instances[inst.key] = inst
            for cell in inst.cells:
                self.readers.setdefault(cell, []).append(inst)
            if inst.target is not None and inst.target not in self.formulas:
                self.formulas[inst.target] = inst
        self._rank = self._rank_formulas()
        self.structural = {
            s.key: Finding(s.key, s.rule_id, s.severity, f"{self.describer.table_name(s.table)}：{s.message}",
                           s.table, s.cells)
            for s in structural
        }
        self.check_all()

    def _rank_formulas(self) -> dict[Cell, int]:
        """Topological rank of derived cells (inputs first); a cycle is a definition error."""
        rank: dict[Cell, int] = {}
        visiting: set[Cell] = set()

        def visit(cell: Cell) -> int:
            if cell in rank:
                return rank[cell]
            if cell in visiting:
                raise DefinitionError(self.tset.id, "rules", f"公式循环引用：{cell}")
            visiting.add(cell)
            inst = self.formulas.get(cell)
            depth = 0
            if inst is not None:
                for _, src in inst.right:
                    depth = max(depth, visit(src) + 1)
            visiting.discard(cell)
            rank[cell] = depth
            return depth

        for target in self.formulas:
            visit(target)
        return rank

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

    def _derive(self, inst: Instance) -> int | None:
        total, count = self._sum(inst.right)
        return total if count else None

    def derive_all(self) -> dict[Cell, int | None]:
        """Recompute every derived cell from its parts (used when a new document is filled)."""
        changed: dict[Cell, int | None] = {}
        for target in sorted(self.formulas, key=self._rank.__getitem__):
            new = self._derive(self.formulas[target])
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
            heap: list[tuple[int, Cell]] = []
            queued: set[Cell] = set()

            def push_dependents(cell: Cell) -> None:
                for inst in self.readers.get(cell, ()):
                    tgt = inst.target
                    if tgt is not None and self.formulas.get(tgt) is inst and tgt not in queued and tgt != cell:
                        queued.add(tgt)
                        heapq.heappush(heap, (self._rank[tgt], tgt))

            for cell in list(delta.cells):
                push_dependents(cell)
            while heap:
                _, target = heapq.heappop(heap)
                queued.discard(target)
                if target in changes:
                    continue  # the clerk's own value for a derived cell wins in this edit
                new = self._derive(self.formulas[target])
                if self.values.get(target) != new:
                    delta.old.setdefault(target, self.values.get(target))
                    self._store(target, new)
                    delta.cells[target] = new
                    push_dependents(target)
        touched: dict[str, Instance] = {}
        for cell in delta.cells:
            for inst in self.readers.get(cell, ()):
                touched[inst.key] = inst
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
        return delta
