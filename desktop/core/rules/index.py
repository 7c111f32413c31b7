"""The engine's index of rule instances: who reads a cell, which instance derives it, in what order.

Rules are compiled table by table on first need, and rules that only read the row they run over
(``foreach`` rows, every term ``T.{row}.c``) row by row: opening a document to type one figure compiles
what the edit reaches, not the whole set. Anything that needs every instance
(a full check, a structural edit, ``instances``) compiles the rest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..codes import CodeLists
from ..definitions.errors import DefinitionError
from ..definitions.template_set import TemplateSet
from ..i18n import tr
from .incremental import Recompiled, RuleBook
from .instances import Cell, Instance, StructuralFinding
from .rowindex import RowIndex

_NONE: dict[str, Instance] = {}


class InstanceIndex:
    """Rule instances by key, by the cells they read and by the derived cell they compute."""

    def __init__(self, tset: TemplateSet, codes: CodeLists, rows: RowIndex) -> None:
        self.tset, self.rows = tset, rows
        self.book = RuleBook(tset, codes)
        self._instances: dict[str, Instance] = {}
        self._readers: dict[Cell, dict[str, Instance]] = {}
        self._formulas: dict[Cell, Instance] = {}
        self._candidates: dict[Cell, list[Instance]] = {}
        self._rank: dict[Cell, int] = {}
        self.structural: dict[str, StructuralFinding] = {}
        self._tables: set[str] = set()
        self._cell_rows: set[tuple[str, str]] = set()
        self.complete = False

    # -- compiling on demand --------------------------------------------------------------------
    def ensure(self, table: str) -> None:
        """Compile the rules that mention ``table`` (those that can read or derive its cells)."""
        if table not in self._tables and not self.complete:
            self._tables.add(table)
            self._take(*self.book.compile(self.rows, {table}))

    def ensure_all(self) -> None:
        if not self.complete:
            self.complete = True
            self._take(*self.book.compile(self.rows, None))
            for target in list(self._formulas):
                self.rank(target)  # a cycle in the set's formulas is reported here

    def _take(self, instances: list[Instance], structural: list[StructuralFinding]) -> None:
        retargeted: set[Cell] = set()
        for inst in instances:
            self.add(inst, retargeted)
        self.structural.update((s.key, s) for s in structural)
        self.rerank(t for t in retargeted if t in self._rank)

    @property
    def instances(self) -> dict[str, Instance]:
        self.ensure_all()
        return self._instances

    @property
    def readers(self) -> dict[Cell, dict[str, Instance]]:
        self.ensure_all()
        return self._readers

    @property
    def formulas(self) -> dict[Cell, Instance]:
        self.ensure_all()
        return self._formulas

    def _ensure_cell(self, cell: Cell) -> None:
        if not self.complete:
            self.ensure(cell[0])
            if (cell[0], cell[1]) not in self._cell_rows:
                self._cell_rows.add((cell[0], cell[1]))
                self._take(self.book.compile_row(self.rows, cell[0], cell[1]), [])

    def readers_of(self, cell: Cell) -> dict[str, Instance]:
        self._ensure_cell(cell)
        return self._readers.get(cell, _NONE)

    def formula_of(self, cell: Cell) -> Instance | None:
        self._ensure_cell(cell)
        return self._formulas.get(cell)

    def dependents(self, cell: Cell) -> Iterator[Cell]:
        """Derived cells computed from ``cell``."""
        for inst in list(self.readers_of(cell).values()):
            target = inst.target
            if target is not None and target != cell and self.formula_of(target) is inst:
                yield target

    # -- keeping the index ----------------------------------------------------------------------
    def add(self, inst: Instance, retargeted: set[Cell]) -> None:
        if inst.key in self._instances:
            self.drop(inst.key, retargeted)
        self._instances[inst.key] = inst
        for cell in inst.cells:
            self._readers.setdefault(cell, {})[inst.key] = inst
        target = inst.target
        if target is not None:
            self._candidates.setdefault(target, []).append(inst)
            current = self._formulas.get(target)
            if current is None or inst.order < current.order:
                self._formulas[target] = inst
                retargeted.add(target)

    def drop(self, key: str, retargeted: set[Cell]) -> None:
        inst = self._instances.pop(key)
        for cell in inst.cells:
            readers = self._readers.get(cell)
            if readers is not None:
                readers.pop(key, None)
                if not readers:
                    del self._readers[cell]
        target = inst.target
        if target is not None:
            candidates = self._candidates[target]
            candidates.remove(inst)
            if self._formulas.get(target) is inst:
                retargeted.add(target)
                if candidates:
                    self._formulas[target] = min(candidates, key=lambda i: i.order)
                else:
                    del self._formulas[target], self._candidates[target]

    def update(self, rows: RowIndex, added: list[tuple[str, str]], removed: list[tuple[str, str]]) -> tuple[
        Recompiled, set[Cell]
    ]:
        """Compile again what rows ``added`` and ``removed`` change; returns the change and the derived
        cells whose formula changed."""
        self.ensure_all()
        old_rows, self.rows = self.rows, rows
        change = self.book.update(old_rows, rows, added, removed)
        retargeted: set[Cell] = set()
        for key in change.dropped:
            if key in self._instances:
                self.drop(key, retargeted)
        for inst in change.instances:
            self.add(inst, retargeted)
        self.rerank(retargeted)
        for key in change.dropped_structural:
            self.structural.pop(key, None)
        self.structural.update((s.key, s) for s in change.structural)
        return change, retargeted

    # -- order of derivation --------------------------------------------------------------------
    def rank(self, cell: Cell) -> int:
        """Topological rank of a derived cell (inputs first); a cycle is a definition error."""
        return self._visit(cell, set())

    def _visit(self, cell: Cell, visiting: set[Cell]) -> int:
        rank = self._rank.get(cell)
        if rank is not None:
            return rank
        if cell in visiting:
            raise DefinitionError(self.tset.id, "rules", tr("公式循环引用：{cell}", cell=cell))
        visiting.add(cell)
        inst = self.formula_of(cell)
        depth = 0
        if inst is not None:
            for _, src in inst.right:
                depth = max(depth, self._visit(src, visiting) + 1)
        visiting.discard(cell)
        self._rank[cell] = depth
        return depth

    def rerank(self, targets: Iterable[Cell]) -> None:
        """Forget the rank of cells whose formula changed and of every derived cell computed from them."""
        stale: set[Cell] = set()
        stack = list(targets)
        while stack:
            cell = stack.pop()
            if cell not in stale:
                stale.add(cell)
                stack.extend(self.dependents(cell))
        for cell in stale:
            self._rank.pop(cell, None)
