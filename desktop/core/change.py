"""What one mutation of a document changed, told once by the Session to whoever shows the document.

Every edit through :class:`desktop.core.session.Session` (figures, 科目 rows, 绩效 forms, 出错说明) ends in
a :class:`Change`: the cells whose values changed (typed and derived, with the values before), the rows
added and removed, the findings that appeared (new, or changed text or figures) and the keys of those that
went, the forms and tables touched. A window applies it incrementally (insert and remove rows of its
findings list, repaint the touched cells, re-check seals of touched tables only) instead of re-reading the
document after each keystroke.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct, field

from .rules.findings import Finding
from .rules.instances import Cell


class Change(Struct):
    """One mutation: cells (new values) and ``old`` (before), rows, findings added/removed, what it touched."""

    cells: dict[Cell, int | None] = field(default_factory=dict)
    old: dict[Cell, int | None] = field(default_factory=dict)
    added: list[Finding] = field(default_factory=list)  # findings new or changed (same key, new content)
    removed: list[str] = field(default_factory=list)  # keys of findings gone or replaced by one in ``added``
    rows_added: list[tuple[str, str]] = field(default_factory=list)  # (table, row key)
    rows_removed: list[tuple[str, str]] = field(default_factory=list)
    forms: set[int] = field(default_factory=set)  # 绩效 forms edited, added or removed
    explanations: set[str] = field(default_factory=set)  # finding keys whose 出错说明 changed
    structure: bool = False  # forms added or removed: the list of forms itself changed
    narrative: bool = False  # the 情况说明, another text part or the 上年数 changed
    history: bool = False  # the undo history moved (a step recorded, merged, undone or redone)

    @property
    def tables(self) -> set[str]:
        """The tables whose figures or rows changed."""
        return ({cell[0] for cell in self.cells} | {cell[0] for cell in self.old}
                | {t for t, _ in self.rows_added} | {t for t, _ in self.rows_removed})

    @property
    def empty(self) -> bool:
        return not (self.cells or self.old or self.added or self.removed or self.rows_added or self.rows_removed
                    or self.forms or self.explanations or self.structure or self.narrative)

    def merge_findings(self, added: Iterable[Finding], removed: Iterable[str]) -> None:
        """Add a second source's finding changes (e.g. the 绩效 forms' after a table edit)."""
        self.added.extend(added)
        self.removed.extend(removed)


def findings_diff(before: Mapping[str, Finding], after: Mapping[str, Finding]) -> tuple[list[Finding], list[str]]:
    """(findings new or changed, keys gone or changed) from one set of findings to the next, by key."""
    added = [f for key, f in after.items() if before.get(key) != f]
    removed = [key for key, f in before.items() if after.get(key) != f]
    return added, removed
