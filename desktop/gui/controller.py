"""One open document as the widgets see it: edits as undoable commands, findings indexed for painting.

Every edit goes through :class:`DocumentController`: it is applied and committed by the core session at
once (so it is saved the moment it is shown), then recorded on the undo stack as the exact before/after
values, so undo and redo restore figures exactly, totals included.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..core.change import Change
from ..core.document import DocumentError
from ..core.explain import ExplanationState, explanation_state
from ..core.i18n import tr
from ..core.jixiao.errors import FormEditError
from ..core.narrative.book import NARRATIVE_TABLE
from ..core.rules.findings import Finding
from ..core.rules.instances import Cell
from ..core.session import EditError, Session

Values = Mapping[Cell, int | None]
FORM_PREFIX = "jixiao:"  # findings of 绩效 forms carry table = "jixiao:<form id>"


def form_key(form_id: int) -> str:
    return f"{FORM_PREFIX}{form_id}"


def form_id_of(key: str) -> int | None:
    """The form id of a "jixiao:<id>" key, None for a table key."""
    return int(key[len(FORM_PREFIX):]) if key.startswith(FORM_PREFIX) else None


class _FirstRedoSkipped(QUndoCommand):
    """A command whose first redo already happened before it was pushed."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self.apply_redo()

    def apply_redo(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class SetValuesCommand(_FirstRedoSkipped):
    """Typed, pasted or cleared cells, with every total that followed."""

    def __init__(self, controller: DocumentController, delta: Change, text: str) -> None:
        super().__init__(text)
        self.controller = controller
        self.after = dict(delta.cells)
        self.before = dict(delta.old)

    def apply_redo(self) -> None:
        self.controller._restore(self.after, "redo")

    def undo(self) -> None:
        self.controller._restore(self.before, "undo")


class AddRowCommand(_FirstRedoSkipped):
    def __init__(self, controller: DocumentController, table: str, code: str, name: str | None,
                 added: list[str]) -> None:
        super().__init__(tr("增加科目行 {code}", code=code))
        self.controller, self.table, self.code, self.name, self.added = controller, table, code, name, added

    def apply_redo(self) -> None:
        self.controller._guard(lambda: self.controller.session.add_row(
            self.table, self.code, self.name, who=self.controller.who), structure=self.table)

    def undo(self) -> None:
        def remove() -> None:
            for code in sorted(self.added, key=len, reverse=True):
                if code in self.controller.session.rows.floating_codes(self.table):
                    self.controller.session.remove_row(self.table, code, who=self.controller.who)
        self.controller._guard(remove, structure=self.table)


class RemoveRowCommand(_FirstRedoSkipped):
    def __init__(self, controller: DocumentController, table: str, code: str, rows: list[tuple[str, str]],
                 values: dict[Cell, int | None]) -> None:
        super().__init__(tr("删除科目行 {code}", code=code))
        self.controller, self.table, self.code, self.rows, self.values = controller, table, code, rows, values

    def apply_redo(self) -> None:
        self.controller._guard(lambda: self.controller.session.remove_row(
            self.table, self.code, who=self.controller.who), structure=self.table)

    def undo(self) -> None:
        self.controller._guard(lambda: self.controller.session.restore_rows(
            self.table, self.rows, self.values, who=self.controller.who), structure=self.table)


class CallableCommand(_FirstRedoSkipped):
    """An edit whose redo and undo are given as callables (used by the 绩效 form view)."""

    def __init__(self, controller: DocumentController, text: str, redo, undo, form_id: int | None) -> None:  # noqa: ANN001
        super().__init__(text)
        self.controller, self._redo, self._undo, self.form_id = controller, redo, undo, form_id

    def apply_redo(self) -> None:
        self.controller._guard(self._redo, form=self.form_id)

    def undo(self) -> None:
        self.controller._guard(self._undo, form=self.form_id)


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
    errorOccurred = Signal(str)

    def __init__(self, session: Session, who: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.who = who
        self.undo_stack = QUndoStack(self)
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
            try:
                return self.session.forms.form(fid).title
            except ValueError:
                return tr("绩效表")
        table = self.tset.table(key)
        return table.label or table.title

    def form_keys(self) -> list[str]:
        if not self.session.has_forms():
            return []
        return [form_key(f.id) for f in self.session.forms.forms()]

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
            delta = self.session.set_texts(texts, who=self.who)
        except EditError as exc:
            self.errorOccurred.emit(str(exc))
            return False
        except DocumentError as exc:  # the file could not be written: keep what was typed in the message
            self.errorOccurred.emit(f"{exc}\n\n{self.unsaved_text(texts)}")
            return False
        self.undo_stack.push(SetValuesCommand(self, delta, label or tr("填写")))  # the change itself was applied as told
        return True

    def unsaved_text(self, texts: Mapping[Cell, str], limit: int = 20) -> str:
        """What the clerk typed and the file did not take, cell by cell, to copy down before retrying."""
        lines = [f"{self.session.review.place(*cell)}：“{text}”" for cell, text in list(texts.items())[:limit]]
        if len(texts) > limit:
            lines.append(tr("…另有 {value} 个单元格", value=len(texts) - limit))
        return tr("以下输入没有保存，表中仍显示文件里的数字。请记下后检查文件（是否被移动、替换，或磁盘已满），再重新输入：\n") + \
            "\n".join(lines)

    def add_row(self, table: str, code: str, name: str | None = None) -> bool:
        try:
            added = self.session.add_row(table, code, name, who=self.who)
        except (EditError, DocumentError) as exc:
            self.errorOccurred.emit(str(exc))
            return False
        self.structureChanged.emit(table)
        self.undo_stack.push(AddRowCommand(self, table, code.strip(), name, added))
        return True

    def add_named_row(self, table: str, name: str, parent: str | None = None) -> str | None:
        """Add a named row (单位, or a 项目 under ``parent``); returns its key."""
        try:
            key = self.session.add_named_row(table, name, parent, who=self.who)
        except (EditError, DocumentError) as exc:
            self.errorOccurred.emit(str(exc))
            return None
        self.structureChanged.emit(table)
        self.undo_stack.push(AddRowCommand(self, table, key, name, [key]))
        return key

    def remove_row(self, table: str, code: str) -> bool:
        rows_before = dict(self.session.doc.floating_rows().get(table, []))
        before = dict(self.session.engine.values)
        try:
            removed = self.session.remove_row(table, code, who=self.who)
        except (EditError, DocumentError) as exc:
            self.errorOccurred.emit(str(exc))
            return False
        rows = [(c, rows_before.get(c, "")) for c in removed]
        after = self.session.engine.values
        kept = {c: v for c, v in before.items() if c[1] in removed and c[0] == table or after.get(c) != v}
        self.structureChanged.emit(table)
        self.undo_stack.push(RemoveRowCommand(self, table, code, rows, kept))
        return True

    def explain(self, finding: Finding, text: str) -> bool:
        try:
            self.session.explain(finding, text, who=self.who)
        except DocumentError as exc:
            self.errorOccurred.emit(str(exc))
            return False
        return True  # the change (the 出错说明) was applied as told

    def form_edit(self, label: str, redo, undo, form_id: int | None) -> bool:  # noqa: ANN001
        """Run a 绩效 form edit now and record it for undo: ``redo``/``undo`` are callables using
        ``session.forms``; a refusal (FormEditError, DocumentError) is shown and nothing is recorded."""
        if not self._guard(redo, form=form_id):
            return False
        self.undo_stack.push(CallableCommand(self, label, redo, undo, form_id))
        return True

    # -- undo/redo plumbing ---------------------------------------------------------------------
    def _restore(self, values: Values, action: str) -> None:
        def apply() -> None:
            self.session.set_values(values, who=self.who, action=action, derive=False, allow_derived=True)
        self._guard(apply)

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
