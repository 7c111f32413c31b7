"""The incremental rule engine.

It holds the document's numbers in memory, indexes every rule instance by the cells it reads, and on an
edit re-evaluates only those instances (and recomputes derived cells, in dependency order, when asked).
Comparison follows the rounding model of the document's unit: in a 万元 document each printed figure
stands for an interval of ±0.005 万元, so a relation holds within half a step per non-empty figure and
a gap inside that is reported as 尾数误差, not as an error. 元 documents have no tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct, field

from ..codes import CodeLists, default_code_lists
from ..definitions.errors import DefinitionError
from ..definitions.template_set import TemplateSet
from ..i18n import tr
from .describe import Describer
from .findings import Finding
from .index import InstanceIndex
from .instances import Cell, Instance, StructuralFinding
from .lazy_values import LazyValues, RowKey
from .rowindex import RowIndex

Values = dict[Cell, int]


class Delta(Struct):
    """What an edit changed: cells (including derived ones) and findings added or removed."""

    cells: dict[Cell, int | None] = field(default_factory=dict)
    old: dict[Cell, int | None] = field(default_factory=dict)
    added: list[Finding] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class Engine:
    """Evaluates a set's rules over one document's values.

    Rules compile on first need (see :class:`InstanceIndex`) and findings are worked out on first
    access to :attr:`findings`; until then an edit reports the findings it changes without keeping them.
    """

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
        # the file's figures as they are read (a LazyValues is kept, and filled as cells are first read)
        self.values: Values = values if isinstance(values, LazyValues) else dict(values)
        self._table_columns: dict[str, list[str]] = {}
        self.rebuild(rows)

    # -- structure ------------------------------------------------------------------------------
    def rebuild(self, rows: RowIndex) -> None:
        """Start again for a row structure (rules compile and findings are checked on first need)."""
        self.rows = rows
        self.describer = Describer(self.tset, rows)
        self.index = InstanceIndex(self.tset, self.codes, rows)
        self._findings: dict[str, Finding] | None = None

    @property
    def instances(self) -> dict[str, Instance]:
        return self.index.instances

    @property
    def readers(self) -> dict[Cell, dict[str, Instance]]:
        return self.index.readers

    @property
    def formulas(self) -> dict[Cell, Instance]:
        return self.index.formulas

    @property
    def structural(self) -> dict[str, Finding]:
        self.index.ensure_all()
        return {k: self._structural(s) for k, s in self.index.structural.items()}

    @property
    def findings(self) -> dict[str, Finding]:
        """Every current finding by key (the first access checks everything)."""
        if self._findings is None:
            self.check_all()
        assert self._findings is not None
        return self._findings

    def _structural(self, s: StructuralFinding) -> Finding:
        return Finding(s.key, s.rule_id, s.severity, f"{self.describer.table_name(s.table)}：{s.message}", s.table,
                       s.cells)

    def restructure(self, rows: RowIndex, added: Iterable[tuple[str, str]], removed: Iterable[tuple[str, str]]) -> Delta:
        """Rows ``added`` and ``removed`` (``(table, key)``), ``rows`` being the index that has them now.

        Only what those rows change is compiled again; the derived cells that follow are recomputed and
        the findings they touch re-checked. ``delta.cells`` are the derived cells that changed; the
        values the removed rows held are in ``delta.old`` only. The state afterwards is the same as a new
        :class:`Engine` built over ``rows`` and the same values."""
        added, removed = list(added), list(removed)
        findings = self.findings
        self.rows, self.describer = rows, Describer(self.tset, rows)
        change, retargeted = self.index.update(rows, added, removed)
        delta = Delta()
        recheck: dict[str, Instance] = {i.key: i for i in change.instances}
        for key in change.dropped:
            if key not in self.index.instances and key in findings:
                del findings[key]
                delta.removed.append(key)
        for key in change.dropped_structural:
            if findings.pop(key, None) is not None:
                delta.removed.append(key)
        for s in change.structural:
            finding = findings[s.key] = self._structural(s)
            delta.added.append(finding)
        gone: list[Cell] = []
        for table, key in [*added, *removed]:  # their captions change in every message naming them
            for col in self._columns(table):
                cell = (table, key, col)
                recheck.update(self.index.readers_of(cell))
                if cell in self.values and (table, key) in removed:
                    delta.old[cell] = self.values.pop(cell)
                    gone.append(cell)
        self._derive(gone, [t for t in retargeted if t in self.index.formulas], {}, delta)
        for cell in [*gone, *delta.cells]:
            recheck.update(self.index.readers_of(cell))
        self._recheck(recheck, delta)
        return delta

    def _columns(self, table: str) -> list[str]:
        cols = self._table_columns.get(table)
        if cols is None:
            tdef = self.tset.table(table)
            cols = self._table_columns[table] = list(dict.fromkeys(c.key for b in tdef.blocks for c in b.columns))
        return cols

    def is_derived(self, cell: Cell) -> bool:
        return self.index.formula_of(cell) is not None

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

    def load_rows(self, rows: Iterable[RowKey]) -> None:
        """Read these rows' figures now, before the file changes under them (an undo writes the file first)."""
        if isinstance(self.values, LazyValues):
            self.values.load_rows(rows)

    def _load_all(self) -> None:
        if isinstance(self.values, LazyValues):
            self.values.load_all()  # one read of the whole file, rather than one per row

    def check_all(self) -> list[Finding]:
        """Evaluate every instance; returns all findings, errors first."""
        self._load_all()
        findings = self._findings = dict(self.structural)
        for inst in self.index.instances.values():
            finding = self.evaluate(inst)
            if finding is not None:
                findings[inst.key] = finding
        return self.sorted_findings()

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings.values(), key=Finding.sort_key)

    def _derive_one(self, inst: Instance) -> int | None:
        total, count = self._sum(inst.right)
        return total if count else None

    def derive_all(self) -> dict[Cell, int | None]:
        """Recompute every derived cell from its parts (used when a new document is filled)."""
        self._load_all()
        changed: dict[Cell, int | None] = {}
        formulas = self.index.formulas
        for target in sorted(formulas, key=self.index.rank):
            new = self._derive_one(formulas[target])
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
            touched.update(self.index.readers_of(cell))
        self._recheck(touched, delta)
        return delta

    def _derive(self, changed: Iterable[Cell], targets: Iterable[Cell], own: Mapping[Cell, int | None],
                delta: Delta) -> None:
        """Recompute ``targets`` and the derived cells computed from ``changed`` cells (and from what they
        change in turn), each after the cells it is computed from; cells in ``own`` keep the clerk's value.

        Only the derived cells downstream of the edit are ordered (not the whole set's formulas), so an
        edit in a large table looks at its own column of totals, not at every row under them."""
        moved = set(changed)
        forced = {t for t in targets if self.index.formula_of(t) is not None}
        cone: dict[Cell, Instance] = {}
        stack = [t for c in moved for t in self.index.dependents(c)] + list(forced)
        while stack:
            target = stack.pop()
            if target not in cone:
                formula = self.index.formula_of(target)
                assert formula is not None
                cone[target] = formula
                stack.extend(self.index.dependents(target))
        waiting = dict.fromkeys(cone, 0)
        users: dict[Cell, list[Cell]] = {}
        for target, formula in cone.items():
            for _, src in formula.right:
                if src in cone and src != target:
                    waiting[target] += 1
                    users.setdefault(src, []).append(target)
        ready = [t for t, n in waiting.items() if n == 0]
        done = 0
        while ready:
            target = ready.pop()
            done += 1
            formula = cone[target]
            if target not in own and (target in forced or any(src in moved for _, src in formula.right)):
                new = self._derive_one(formula)
                if self.values.get(target) != new:
                    delta.old.setdefault(target, self.values.get(target))
                    self._store(target, new)
                    delta.cells[target] = new
                    moved.add(target)
            for user in users.get(target, ()):
                waiting[user] -= 1
                if waiting[user] == 0:
                    ready.append(user)
        if done < len(cone):
            stuck = next(t for t, n in waiting.items() if n > 0)
            raise DefinitionError(self.tset.id, "rules", tr("公式循环引用：{stuck}", stuck=stuck))

    def _recheck(self, touched: Mapping[str, Instance], delta: Delta) -> None:
        findings = self._findings
        if findings is None:  # not checked yet: compare with the figures before the edit, keep nothing
            now = {key: self.evaluate(inst) for key, inst in touched.items()}
            after = {cell: self.values.get(cell) for cell in delta.old}
            for cell, value in delta.old.items():
                self._store(cell, value)
            findings = {key: f for key, inst in touched.items() if (f := self.evaluate(inst)) is not None}
            for cell, value in after.items():
                self._store(cell, value)
        else:
            now = None
        for key, inst in touched.items():
            finding = self.evaluate(inst) if now is None else now[key]
            old = findings.get(key)
            if finding is None:
                if old is not None:
                    del findings[key]
                    delta.removed.append(key)
            elif finding != old:
                findings[key] = finding
                if old is not None:
                    delta.removed.append(key)
                delta.added.append(finding)
