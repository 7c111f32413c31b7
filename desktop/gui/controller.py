"""One open document as the widgets see it: edits, undo and redo, findings indexed for painting.

Every edit goes through :class:`DocumentController`: it is applied and committed by the core session at
once (so it is saved the moment it is shown). The core records each edit as one undo step in the file
(:mod:`desktop.core.history`); undo and redo are the core's, so they restore figures exactly, totals
included, and the window and ``gongkai undo`` share one history. :attr:`DocumentController.undo_stack` is
its thin view (:class:`~.undo_view.UndoView`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from ..core.change import Change
from ..core.document import DocumentError
from ..core.explain import ExplanationState, explanation_state
from ..core.i18n import tr
from ..core.jixiao.errors import FormEditError
from ..core.narrative.names import NARRATIVE_TABLE
from ..core.rules.findings import Finding
from ..core.rules.instances import Cell
from ..core.session import EditError, Session
from .undo_view import UndoView

FORM_PREFIX = "jixiao:"  # findings of 绩效 forms carry table = "jixiao:<form id>"


def form_key(form_id: int) -> str:
    return f"{FORM_PREFIX}{form_id}"


def form_id_of(key: str) -> int | None:
    """The form id of a "jixiao:<id>" key, None for a table key."""
    return int(key[len(FORM_PREFIX):]) if key.startswith(FORM_PREFIX) else None


class DocumentController(QObject):
    """The session, its undo stack, and the findings indexed by cell and by table."""

    cellsChanged = Signal(object)  # set[Cell]: figures, tints or tooltips to repaint
    structureChanged = Signal(str)  # table key
    formChanged = Signal(int)  # a 绩效 form's figures, texts or indicator rows changed
    formsListChanged = Signal()  # a form was added, removed or renamed
    findingsChanged = Signal()  # after every change: findings, 出错说明 or figures (summaries, counts, seals)
    findingsDelta = Signal(object, object)  # list[Finding] gone (or replaced), list[Finding] new (or changed)
    findingsReset = Signal()  # every finding re-read: lists rebuild
    explanationsChanged = Signal(object)  # set[str]: finding keys whose 出错说明 changed
    changeApplied = Signal(object)  # the core's Change, after the indexes above follow it
    formsClosing = Signal(object)  # set[int]: forms an undo or redo removed (their views close first)
    errorOccurred = Signal(str)

    def __init__(self, session: Session, who: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.who = who
        self.findings: list[Finding] = []  # sorted by Finding.sort_key
        self._by_key: dict[str, Finding] = {}
        self.by_cell: dict[Cell, list[Finding]] = {}
        self.counts: dict[str, Counter[str]] = {}
        self.explanations: dict[str, dict[str, str]] = session.doc.explanations()
        self.compare_marks: dict[Cell, str] = {}
        self.comment_marks: dict[Cell, str] = {}  # cells with 批注: "open" / "resolved" (kept by review_ui)
        self.state_labels: dict[str, str] = {}  # table key -> 待审核 / 已审核 / 退回 … (kept by review_ui)
        self._reindex()
        self._unsubscribe = session.subscribe(self._apply_change)
        self.undo_stack = UndoView(self)

    def detach(self) -> None:
        """Stop following the session (the window is closing; the session may outlive it)."""
        self._unsubscribe()

    # -- state ----------------------------------------------------------------------------------
    @property
    def readonly(self) -> bool:
        """Figures cannot be changed: a read-only file, or 审阅 mode."""
        return self.session.doc.readonly or self.session.review_mode

    @property
    def tset(self):  # noqa: ANN201 - TemplateSet
        return self.session.tset

    def value(self, cell: Cell) -> int | None:
        return self.session.value(cell)

    def set_compare_marks(self, marks: dict[Cell, str]) -> None:
        """Cells that differ from another file (text: what that file has), shown tinted on the tables
        while a comparison is open; an empty dict clears them."""
        touched = set(self.compare_marks) | set(marks)
        self.compare_marks = dict(marks)
        self.cellsChanged.emit(touched)

    def caption(self, key: str) -> str:
        """What the table list and the findings panel call a table ("公开01表") or a form (its title)."""
        if key == NARRATIVE_TABLE:
            return tr("情况说明")
        fid = form_id_of(key)
        if fid is not None:
            return dict(self.session.form_titles()).get(fid) or tr("绩效表")
        table = self.tset.table(key)
        return table.label or table.title

    def form_keys(self) -> list[str]:
        return [form_key(fid) for fid, _ in self.session.form_titles()]

    def explanation(self, finding: Finding) -> ExplanationState:
        return explanation_state(finding, self.explanations)

    def recheck(self) -> None:
        """Re-read every finding (e.g. after a comparison or a reload) and repaint what changed."""
        self.cellsChanged.emit(self._reindex())

    def _reindex(self) -> set[Cell]:
        """Re-read every finding; returns the cells whose findings changed (to repaint their tint)."""
        before = self._by_key
        self.findings = self.session.findings()
        self._by_key = {f.key: f for f in self.findings}
        by_cell: dict[Cell, list[Finding]] = defaultdict(list)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for f in self.findings:
            counts[f.table][f.severity] += 1
            for cell in f.cells:
                by_cell[cell].append(f)
        self.by_cell, self.counts = dict(by_cell), dict(counts)
        touched: set[Cell] = set()
        for key in before.keys() | self._by_key.keys():
            old, new = before.get(key), self._by_key.get(key)
            if old != new:
                touched.update(old.cells if old else ())
                touched.update(new.cells if new else ())
        self.findingsReset.emit()
        self.findingsChanged.emit()
        return touched

    def _apply_change(self, change: Change) -> None:
        """Follow one change of the core: findings out and in (indexes kept sorted), cells to repaint."""
        if change.structure and change.forms:  # forms gone (an undo of 新建绩效表): their views close first
            gone = change.forms - {f.id for f in self.session.forms.forms()}
            if gone:
                self.formsClosing.emit(gone)
        gone: list[Finding] = []
        for key in change.removed:
            finding = self._by_key.pop(key, None)
            if finding is not None:
                gone.append(finding)
                self._unindex(finding)
        new: list[Finding] = []
        for finding in change.added:
            if finding.key in self._by_key:  # told twice (two sources): keep the latest
                gone.append(self._by_key.pop(finding.key))
                self._unindex(gone[-1])
            self._by_key[finding.key] = finding
            self._index(finding)
            new.append(finding)
        if change.explanations:
            self.explanations = self.session.doc.explanations()
        touched = set(change.cells) | set(change.old)
        for finding in (*gone, *new):
            touched.update(finding.cells)
        if gone or new:
            self.findingsDelta.emit(gone, new)
        if change.explanations:
            self.explanationsChanged.emit(set(change.explanations))
        if not change.empty:  # listeners that read figures too (seals, form totals, counts) follow every change
            self.findingsChanged.emit()
        if touched:
            self.cellsChanged.emit(touched)
        if change.history:
            self.undo_stack.refresh()
        self.changeApplied.emit(change)

    def _index(self, finding: Finding) -> None:
        insort(self.findings, finding, key=Finding.sort_key)
        self.counts.setdefault(finding.table, Counter())[finding.severity] += 1
        for cell in finding.cells:
            self.by_cell.setdefault(cell, []).append(finding)

    def _unindex(self, finding: Finding) -> None:
        at = bisect_left(self.findings, finding.sort_key(), key=Finding.sort_key)
        if at < len(self.findings) and self.findings[at].key == finding.key:
            del self.findings[at]
        counter = self.counts.get(finding.table)
        if counter is not None:
            counter[finding.severity] -= 1
            if counter[finding.severity] <= 0:
                del counter[finding.severity]
            if not counter:
                del self.counts[finding.table]
        for cell in finding.cells:
            listed = self.by_cell.get(cell)
            if listed is not None:
                listed[:] = [f for f in listed if f.key != finding.key]
                if not listed:
                    del self.by_cell[cell]

    # -- edits ----------------------------------------------------------------------------------
    def set_texts(self, texts: Mapping[Cell, str], label: str | None = None) -> bool:
        """Parse and apply typed or pasted text as one undo step; False (and a message) if refused."""
        if not texts:
            return True
        try:
            with self.session.step(label):
                self.session.set_texts(texts, who=self.who)
        except EditError as exc:
            self.errorOccurred.emit(str(exc))
            return False
        except DocumentError as exc:  # the file could not be written: keep what was typed in the message
            self.errorOccurred.emit(f"{exc}\n\n{self.unsaved_text(texts)}")
            return False
        return True  # the change itself was applied as told

    def unsaved_text(self, texts: Mapping[Cell, str], limit: int = 20) -> str:
        """What the clerk typed and the file did not take, cell by cell, to copy down before retrying."""
        lines = [f"{self.session.review.place(*cell)}：“{text}”" for cell, text in list(texts.items())[:limit]]
        if len(texts) > limit:
            lines.append(tr("…另有 {value} 个单元格", value=len(texts) - limit))
        return tr("以下输入没有保存，表中仍显示文件里的数字。请记下后检查文件（是否被移动、替换，或磁盘已满），再重新输入：\n") + \
            "\n".join(lines)

    def add_row(self, table: str, code: str, name: str | None = None) -> bool:
        try:
            self.session.add_row(table, code, name, who=self.who)
        except (EditError, DocumentError) as exc:
            self.errorOccurred.emit(str(exc))
            return False
        self.structureChanged.emit(table)
        return True

    def add_named_row(self, table: str, name: str, parent: str | None = None) -> str | None:
        """Add a named row (单位, or a 项目 under ``parent``); returns its key."""
        try:
            key = self.session.add_named_row(table, name, parent, who=self.who)
        except (EditError, DocumentError) as exc:
            self.errorOccurred.emit(str(exc))
            return None
        self.structureChanged.emit(table)
        return key

    def remove_row(self, table: str, code: str) -> bool:
        """Remove a 科目 row with its figures (one undo step: the core keeps every value it held)."""
        try:
            self.session.remove_row(table, code, who=self.who)
        except (EditError, DocumentError) as exc:
            self.errorOccurred.emit(str(exc))
            return False
        self.structureChanged.emit(table)
        return True

    def explain(self, finding: Finding, text: str) -> bool:
        try:
            self.session.explain(finding, text, who=self.who)
        except DocumentError as exc:
            self.errorOccurred.emit(str(exc))
            return False
        return True  # the change (the 出错说明) was applied as told

    def form_edit(self, label: str, redo, undo, form_id: int | None) -> bool:  # noqa: ANN001
        """Run a 绩效 form edit now as one undo step called ``label``: ``redo`` is a callable using
        ``session.forms``; a refusal (FormEditError, DocumentError) is shown and nothing is recorded.
        ``undo`` is no longer called (the core's history takes any edit back) and kept for the callers."""
        with self.session.step(label):
            return self._guard(redo, form=form_id)

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Every edit inside is one undo step called ``label`` (e.g. a block of form cells)."""
        with self.session.step(label):
            yield

    # -- undo and redo (the core's, see desktop.core.history) -----------------------------------
    def undo(self) -> bool:
        return self._move(undo=True)

    def redo(self) -> bool:
        return self._move(undo=False)

    def _move(self, *, undo: bool) -> bool:
        """Undo or redo one step; a refusal (locked table, read-only file, nothing to undo) is shown."""
        try:
            change = self.session.undo(who=self.who) if undo else self.session.redo(who=self.who)
        except (EditError, DocumentError, FormEditError) as exc:
            self.errorOccurred.emit(str(exc))
            return False
        for table in sorted({t for t, _ in change.rows_added} | {t for t, _ in change.rows_removed}):
            self.structureChanged.emit(table)
        if change.structure:
            self.formsListChanged.emit()
        present = {f.id for f in self.session.forms.forms()} if change.forms else set()
        for form_id in sorted(change.forms & present):
            self.formChanged.emit(form_id)
        return True

    def _guard(self, work, structure: str | None = None, form: int | None = None) -> bool:  # noqa: ANN001
        try:
            work()
        except (EditError, DocumentError, FormEditError) as exc:
            self.errorOccurred.emit(str(exc))
            return False
        if structure:
            self.structureChanged.emit(structure)
        if form is not None:
            self.formChanged.emit(form)
        return True
