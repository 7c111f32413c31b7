"""Undo and redo of a whole document, kept in the file so that the CLI and the window share one history.

Every edit the Session makes (figures typed or pasted with the totals that followed, 科目 rows added or
removed with their figures, 绩效 form edits, 情况说明 and 上年数 edits, 出错说明) is one committed
transaction, and each is recorded as one step by :class:`~.document.undo_rows.Recorder`; a user action made
of several transactions (a block of form cells) is merged into one step by :meth:`History.group`.

Undo and redo obey the rules of an edit: refused on a read-only file, in 审阅 mode and on a table or form
that is 待审核 or 已审核; they write change-log rows (action ``undo``/``redo``) in the hash chain, bring the
engine, the forms and the 情况说明 in step, and return and publish a :class:`Change` like any edit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from msgspec import Struct

from .change import Change
from .document import DocumentError, undo_rows
from .document.changelog import Entry
from .document.store import now_iso
from .document.undo_rows import DONE, UNDONE, Image, Recorder, RowChange, Step
from .i18n import N_, tr
from .jixiao.store import form_table
from .money import format_amount, to_plain
from .rules.findings import Finding
from .rules.instances import Cell

if TYPE_CHECKING:
    from .session import Session

# The name of a step by the first change-log row of its edit: stored as written (the source Chinese) and
# shown through step_labels.shown()
ACTION_LABELS = {
    "set": N_("填写"), "paste": N_("粘贴"), "derive": N_("自动合计"), "add_row": N_("增加科目行"),
    "remove_row": N_("删除科目行"), "load": N_("导入"), "add_form": N_("新建绩效表"), "load_form": N_("导入绩效表"),
    "remove_form": N_("删除绩效表"), "rename_form": N_("修改表名"), "add_indicator": N_("增加指标"),
    "remove_indicator": N_("删除指标"), "move_indicator": N_("移动指标"), "narrative_import": N_("导入情况说明"),
    "narrative_draft": N_("生成情况说明草稿"), "narrative_edit": N_("修改情况说明"), "prior_set": N_("填写上年数"),
    "prior_link": N_("复制上年数"),
}
EXPLANATION, FORM_CELLS, OTHER_EDIT = N_("出错说明"), N_("填写绩效表"), N_("修改")
# How many rows of each kind a step changes, for its summary
KINDS = {"cell": N_("{count} 个数字"), "float_row": N_("{count} 个科目行"), "explanation": N_("{count} 条出错说明"),
         "jx_form": N_("{count} 张绩效表"), "jx_field": N_("{count} 处绩效表栏目"),
         "jx_indicator": N_("{count} 行绩效指标"), "jx_indicator_cell": N_("{count} 处绩效指标"),
         "narrative_section": N_("{count} 节文字"), "prior_figure": N_("{count} 项上年数")}
OTHER_KIND = N_("{count} 处")
MAX_DETAILS = 3
_NOTHING = {True: N_("没有可撤销的操作。"), False: N_("没有可重做的操作（只有撤销之后、还没有新的修改时才能重做）。")}


def label_for(action: str | None, tbl: str | None, rows: int) -> str:
    """The name of a step from the first change-log row of its edit (an 出错说明 writes none)."""
    if action is None:
        return EXPLANATION
    if action == "set" and (tbl or "").startswith("jixiao:"):
        return FORM_CELLS
    return ACTION_LABELS.get(action, OTHER_EDIT)


class StepInfo(Struct, frozen=True):
    """One step as the list shows it: what it was, when and by whom, and what undo (redo) would change."""

    id: int
    at: str
    who: str
    label: str  # as stored (the source Chinese): step_labels.shown() gives it in the reader's language
    state: str  # "done": undo takes it back; "undone": redo applies it again
    summary: str  # e.g. "4 个数字，1 个科目行"
    details: tuple[str, ...]  # the first changes, as clerks name them: before → after of the edit


class History:
    """The undo history of one Session's document."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.recorder: Recorder | None = None
        if not session.doc.readonly:
            self.recorder = Recorder(label_for, now_iso)
            session.doc.recorder = self.recorder

    def take_recorded(self) -> bool:
        """Whether a step was recorded since the last call (the Session marks its next Change)."""
        if self.recorder is None or not self.recorder.recorded:
            return False
        self.recorder.recorded = False
        return True

    @contextmanager
    def group(self, label: str) -> Iterator[None]:
        """Everything written inside is one step called ``label`` (an inner group joins the outer one)."""
        if self.recorder is None:
            yield
            return
        with self.recorder.grouping(label) as ids:
            try:
                yield
            finally:
                if ids is not None and len(ids) > 1:
                    undo_rows.merge(self.session.doc, self.recorder, ids, label)
                    self.session._publish(Change(history=True))

    # -- reading --------------------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """(steps undo can take back, steps redo can apply again)."""
        return undo_rows.summary(self.session.doc)[:2]

    def summary(self) -> tuple[int, int, str | None, str | None]:
        """(steps undo can take back, steps redo can apply again, label of the next undo, of the next redo),
        in one query (the window asks after every change)."""
        return undo_rows.summary(self.session.doc)

    def steps(self, state: str = DONE, limit: int | None = None) -> list[StepInfo]:
        """The steps undo (``done``) or redo (``undone``) would take, in that order, described."""
        return [self._info(step) for step in undo_rows.listing(self.session.doc, state, limit)]

    def _info(self, step: Step) -> StepInfo:
        try:
            changes = undo_rows.changes_of(self.session.doc, step)
        except DocumentError as exc:
            return StepInfo(step.id, step.at, step.who, step.label, step.state, str(exc), ())
        counts: dict[str, int] = {}
        for c in changes:
            counts[c.table] = counts.get(c.table, 0) + 1
        summary = tr("，").join(tr(KINDS.get(t, OTHER_KIND), count=n) for t, n in counts.items())
        details = tuple(self._detail(c) for c in changes if c.table == "cell")[:MAX_DETAILS]
        return StepInfo(step.id, step.at, step.who, step.label, step.state, summary, details)

    def _detail(self, change: RowChange) -> str:
        tbl, row, col = (str(k) for k in change.key)
        s = self.session
        place = s.engine.describer.cell((tbl, row, col), with_table=True) if s.tset.has_table(tbl) else "/".join(
            (tbl, row, col))
        old, new = (_num(i) for i in (change.before, change.after))
        empty = tr("空")
        show = lambda v: empty if v is None else format_amount(v, decimals=self._decimals(tbl, col))  # noqa: E731
        return tr("{place}：{before} → {after}", place=place, before=show(old), after=show(new))

    # -- undo and redo --------------------------------------------------------------------------
    def undo(self, *, who: str) -> Change:
        return self._move(undo=True, who=who)

    def redo(self, *, who: str) -> Change:
        return self._move(undo=False, who=who)

    def check(self, *, undo: bool, count: int) -> None:
        """Refuse (raise, nothing done) unless the next ``count`` steps of undo (redo) exist, can be read
        and touch no locked table, so that several steps are taken all or none."""
        from .session import EditError

        self._require_writable()
        steps = undo_rows.listing(self.session.doc, DONE if undo else UNDONE, count)
        if not steps:
            raise EditError(tr(_NOTHING[undo]))
        if len(steps) < count:
            if undo:
                raise EditError(tr("只有 {steps} 步可以撤销，少于要求的 {count} 步，未做任何改动。",
                                   steps=len(steps), count=count))
            raise EditError(tr("只有 {steps} 步可以重做，少于要求的 {count} 步，未做任何改动。",
                               steps=len(steps), count=count))
        for step in steps:
            self.session._require_figures(self._where(undo_rows.changes_of(self.session.doc, step))[0])

    def _require_writable(self) -> None:
        doc = self.session.doc
        if doc.readonly or self.recorder is None:
            raise DocumentError("readonly", tr("文件“{name}”以只读方式打开（{reason}），不能撤销或重做。",
                                               name=doc.path.name, reason=doc.readonly_reason))
        self.session._require_figures()  # 审阅 mode

    def _move(self, *, undo: bool, who: str) -> Change:
        from .session import EditError

        s, doc = self.session, self.session.doc
        self._require_writable()
        step = undo_rows.top(doc, DONE if undo else UNDONE)
        if step is None:
            raise EditError(tr(_NOTHING[undo]))
        changes = undo_rows.changes_of(doc, step)
        tables, indicators = self._where(changes)
        s._require_figures(tables)
        entries = self._entries(changes, undo, who, indicators)
        touched = _rows_of(changes)  # the engine's figures and the 科目 rows, before the file moves under them
        for table in {t for t, _ in touched}:
            s.rows.rows(table)
        s.engine.load_rows(touched)
        undo_rows.revert(doc, self.recorder, step, changes, undo=undo, entries=entries)
        change = self._follow(changes, undo, {int(t[7:]) for t in tables if t.startswith("jixiao:")})
        change.history = True
        return s._publish(change)

    def _where(self, changes: Sequence[RowChange]) -> tuple[set[str], dict[int, int]]:
        """The tables and forms (``jixiao:<id>``) a step touches, for the 待审核/已审核 locks, and the form
        of each 三级 row it touches."""
        tables: set[str] = set()
        indicators: dict[int, int | None] = {}
        for c in changes:
            image = c.after or c.before or {}
            if c.table in ("cell", "float_row"):
                tables.add(str(image.get("tbl")))
            elif c.table == "jx_form":
                tables.add(form_table(image.get("id")))  # type: ignore[arg-type]
            elif c.table in ("jx_field", "jx_indicator"):
                tables.add(form_table(image.get("form_id")))  # type: ignore[arg-type]
                if c.table == "jx_indicator" and isinstance(image.get("id"), int):
                    indicators[image["id"]] = image.get("form_id")  # type: ignore[index,assignment]
            elif c.table == "jx_indicator_cell" and isinstance(image.get("indicator_id"), int):
                indicators.setdefault(image["indicator_id"], None)  # type: ignore[index]
            elif c.table == "explanation":
                finding = self._finding(str(image.get("finding_key")))
                if finding is not None:
                    tables.add(finding.table)
        missing = [i for i, f in indicators.items() if f is None]
        known = {i: f for i, f in indicators.items() if isinstance(f, int)}
        known.update(undo_rows.indicator_forms(self.session.doc, missing))
        tables.update(form_table(f) for f in known.values())
        return tables, known

    def _finding(self, key: str) -> Finding | None:
        found = self.session.engine.findings.get(key)
        return found or next((f for f in self.session.findings() if f.key == key), None)

    def _decimals(self, table: str, col: str) -> int:
        if self.session.tset.has_table(table):
            for block in self.session.tset.table(table).blocks:
                column = block.column(col)
                if column is not None:
                    return column.decimals
        return 2

    def _entries(self, changes: Sequence[RowChange], undo: bool, who: str, forms: dict[int, int]) -> list[Entry]:
        """The change-log rows of an undo (redo): each row changed, from what the file holds to what it will."""
        at, action = now_iso(), "undo" if undo else "redo"
        out = []
        for c in changes:
            old, new = (c.after, c.before) if undo else (c.before, c.after)
            image = c.after or c.before or {}
            key = [str(k) for k in c.key]
            if c.table == "cell":
                d = self._decimals(key[0], key[2])
                out.append(Entry(at, who, action, *key, to_plain(_num(old), d), to_plain(_num(new), d)))
            elif c.table == "float_row":
                out.append(Entry(at, who, action, key[0], key[1], None, _text(old, "name"), _text(new, "name")))
            elif c.table == "prior_figure":
                out.append(Entry(at, who, action, "prior", key[0], None, to_plain(_num(old)), to_plain(_num(new))))
            elif c.table == "narrative_section":
                out.append(Entry(at, who, action, f"narrative:{image.get('part')}",
                                 f"{image.get('position')}:{image.get('heading')}", None, _text(old, "body"),
                                 _text(new, "body")))
            elif c.table == "explanation":
                out.append(Entry(at, who, action, "explanation", key[0], None, _text(old, "text"), _text(new, "text")))
            else:
                out.append(_form_entry(c, old, new, Entry(at, who, action), forms))
        return out

    # -- memory follows the file ----------------------------------------------------------------
    def _follow(self, changes: Sequence[RowChange], undo: bool, forms: set[int]) -> Change:
        """Bring the engine, the row index, the forms and the text checks in step with the reverted rows,
        and say what changed."""
        s = self.session
        cells: dict[Cell, int | None] = {}
        add: list[tuple[str, str, str]] = []
        remove: list[tuple[str, str]] = []
        structure = narrative = False
        explanations: set[str] = set()
        for c in changes:
            now, was = (c.before, c.after) if undo else (c.after, c.before)
            key = [str(k) for k in c.key]
            structure = structure or c.table == "jx_form"
            if c.table == "cell":
                cells[(key[0], key[1], key[2])] = _num(now)
            elif c.table == "float_row":
                if was is not None:
                    remove.append((key[0], key[1]))
                if now is not None:
                    add.append((key[0], key[1], _text(now, "name") or ""))
            elif c.table in ("narrative_section", "prior_figure"):
                narrative = True
            elif c.table == "explanation":
                explanations.add(key[0])
        change = self._follow_tables(cells, add, remove)
        change.forms, change.structure, change.narrative, change.explanations = forms, structure, narrative, explanations
        if forms or structure:
            if s._forms is not None:
                s._forms.reload()
            s._forms_change(change, structure=True)
        else:
            s._forms_change(change)
        s._narrative_change(change)
        return change

    def _follow_tables(self, cells: dict[Cell, int | None], add: list[tuple[str, str, str]],
                       remove: list[tuple[str, str]]) -> Change:
        s = self.session
        engine = s.engine
        steps = []
        if add or remove:
            rows = s.rows.changed(add, remove)
            moved = engine.restructure(rows, [(t, c) for t, c, _ in add], remove)
            s.rows = rows
            gone = set(remove) - {(t, c) for t, c, _ in add}
            # what the engine recomputed but the file did not change goes back to the file's value
            for cell, value in moved.old.items():
                if cell not in cells and (cell[0], cell[1]) not in gone:
                    cells[cell] = value
            steps.append(moved)
        before = {cell: engine.values.get(cell) for cell in cells}
        steps.append(engine.apply(cells, derive=False))
        old: dict[Cell, int | None] = {}
        for delta in steps:
            for cell, value in delta.old.items():
                old.setdefault(cell, value)
        for cell, value in before.items():
            old.setdefault(cell, value)
        now = {cell: engine.values.get(cell) for cell in old}
        findings: dict[str, Finding | None] = {}
        for delta in steps:
            for key in delta.removed:
                findings[key] = None
            for finding in delta.added:
                findings[finding.key] = finding
        removed_rows = [r for r in remove if r not in {(t, c) for t, c, _ in add}]
        added_rows = [(t, c) for t, c, _ in add if (t, c) not in set(remove)]
        return Change({c: v for c, v in now.items() if v != old[c]}, {c: old[c] for c in now if now[c] != old[c]},
                      [f for f in findings.values() if f is not None], list(findings), added_rows, removed_rows)


def _rows_of(changes: Sequence[RowChange]) -> list[tuple[str, str]]:
    """The (table, row) of every figure and 科目 row a step changes."""
    out = []
    for c in changes:
        if c.table in ("cell", "float_row"):
            key = [str(k) for k in c.key]
            out.append((key[0], key[1]))
    return out


def _num(image: Image | None, column: str = "num") -> int | None:
    value = None if image is None else image.get(column)
    return value if isinstance(value, int) else None


def _text(image: Image | None, column: str) -> str | None:
    value = None if image is None else image.get(column)
    return None if value is None else str(value)


def _value(image: Image | None) -> str | None:
    """A 绩效 value as the change log shows it: the text, or the number."""
    if image is None:
        return None
    return _text(image, "txt") if image.get("txt") is not None else _text(image, "num")


def _form_entry(c: RowChange, old: Image | None, new: Image | None, base: Entry, forms: dict[int, int]) -> Entry:
    """The change-log row of one 绩效 row reverted (form, field, 三级 row or one of its cells)."""
    image = c.after or c.before or {}
    at, who, action = base.at, base.who, base.action
    if c.table == "jx_form":
        return Entry(at, who, action, form_table(image.get("id")), "form", None,  # type: ignore[arg-type]
                     _text(old, "title"), _text(new, "title"))
    if c.table == "jx_field":
        return Entry(at, who, action, form_table(image.get("form_id")), "field",  # type: ignore[arg-type]
                     str(image.get("key")), _value(old), _value(new))
    if c.table == "jx_indicator":
        where = lambda i: None if i is None else f"{i.get('level2')}#{i.get('position')}"  # noqa: E731
        return Entry(at, who, action, form_table(image.get("form_id")),  # type: ignore[arg-type]
                     f"indicator:{image.get('id')}", "row", where(old), where(new))
    ind = image.get("indicator_id")
    form = forms.get(ind) if isinstance(ind, int) else None
    return Entry(at, who, action, form_table(form) if form is not None else "jixiao", f"indicator:{ind}",
                 str(image.get("col")), _value(old), _value(new))
