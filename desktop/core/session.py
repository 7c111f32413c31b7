"""An open document bound to its template set and a live rule engine: the API the GUI and CLI use.

Every change goes through here: the text a clerk typed is parsed, the cell is checked to be an input
cell, derived totals are recomputed, everything is written in one committed transaction, and the
findings the change touched are re-evaluated. A failed write leaves both the file and the in-memory
state as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from . import step_labels
from .change import Change, findings_diff
from .codes import CodeLists, check_code_shape, default_code_lists
from .definitions import ColumnDef, TemplateSet, get_set
from .document import Document, DocumentError, review_rows
from .document.forms_rows import form_titles
from .document.store import REVIEW_MODE_MESSAGE
from .explain import basis_of
from .history import History
from .i18n import N_, tr
from .jixiao.store import has_forms
from .kept_findings import KeptFindings, decode_kept, encode_kept
from .money import AmountError, parse_amount
from .rules.engine import Engine
from .rules.findings import Finding
from .rules.instances import Cell
from .rules.lazy_values import LazyValues
from .rules.rowindex import FloatingByTable, RowIndex

if TYPE_CHECKING:
    from .jixiao.book import FormBook
    from .narrative.book import NarrativeBook
    from .review import ReviewBook


class EditError(ValueError):
    """An edit that was refused; ``str()`` is the Chinese reason. Nothing was changed."""


class CellInfo(Struct, frozen=True):
    """What a cell is: its column definition, and whether a clerk may type into it."""

    column: ColumnDef
    derived: bool
    not_applicable: bool

    @property
    def editable(self) -> bool:
        return not self.derived and not self.not_applicable


def _sources(doc: Document) -> tuple[Mapping[str, list[tuple[str, str]]] | FloatingByTable, Mapping[Cell, int]]:
    """The 科目 rows and the figures for the index and the engine: read as needed (table by table, row by row)
    when this program holds the edit lock, so nobody else writes the file meanwhile; read at once, as one
    consistent picture, when the file is opened read-only."""
    if doc.readonly:
        return doc.floating_rows(), doc.values()
    return FloatingByTable(doc.floating_rows_of), LazyValues(doc.row_values, doc.iter_values)


class Session:
    """A document, its template set and its engine, kept in step."""

    def __init__(self, doc: Document, tset: TemplateSet | None = None, codes: CodeLists | None = None) -> None:
        self.doc = doc
        try:
            self.tset = tset or get_set(doc.set_id)
        except KeyError as exc:
            raise DocumentError("unknown_set", tr("文件使用的模板“{set_id}”本软件没有，请升级软件。", set_id=doc.set_id)) from exc
        self.codes = codes or default_code_lists()
        floating, figures = _sources(doc)
        self.rows = RowIndex(self.tset, floating)
        self.engine = Engine(self.tset, self.rows, figures, rounding=doc.money_unit == "万元", codes=self.codes)
        self._forms: FormBook | None = None
        self._narrative: NarrativeBook | None = None
        self._review: ReviewBook | None = None
        self.history = History(self)  # undo/redo, kept in the file
        self._listeners: list[Callable[[Change], None]] = []
        # the 绩效 findings as last told (None until someone asks for findings): per form, and across
        # forms and tables, so that a change can say which appeared and which went
        self._told_forms: dict[int, dict[str, Finding]] | None = None
        self._told_cross: dict[str, Finding] = {}
        self._kept_used = False  # the told 绩效 and 情况说明 findings are those kept with the file (kept_findings.py)
        self._kept_prose_reads: set[Cell] | None = None  # the cells the kept 情况说明 findings were checked on
        self._told_narrative: dict[str, Finding] | None = None  # the 情况说明's and 上年数' findings, as told

    # -- change summaries -----------------------------------------------------------------------
    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call ``listener`` with the :class:`Change` of every mutation; returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _publish(self, change: Change) -> Change:
        change.history = self.history.take_recorded() or change.history
        for listener in list(self._listeners):
            listener(change)
        return change

    def _forms_change(self, change: Change, form_id: int | None = None, *, structure: bool = False) -> None:
        """Add to ``change`` the 绩效 findings that appeared and went: of form ``form_id`` (all forms when
        ``structure``), and across forms and tables (a table edit may change those)."""
        if self._told_forms is None or (self._forms is None and not structure and not self._kept_used):
            return  # nobody has looked at the forms' findings yet: nothing to tell
        forms = self.forms
        if structure:
            now = {f.id: {x.key: x for x in forms.form_findings(f.id)} for f in forms.forms()}
            for fid in self._told_forms.keys() | now.keys():
                change.merge_findings(*findings_diff(self._told_forms.get(fid, {}), now.get(fid, {})))
            self._told_forms = now
        elif form_id is not None:
            now_one = {x.key: x for x in forms.form_findings(form_id)}
            change.merge_findings(*findings_diff(self._told_forms.get(form_id, {}), now_one))
            self._told_forms[form_id] = now_one
        cross = {x.key: x for x in forms.cross_findings()}
        change.merge_findings(*findings_diff(self._told_cross, cross))
        self._told_cross = cross

    def _narrative_change(self, change: Change) -> None:
        """Add to ``change`` the prose and 上年数 findings that appeared and went (a table edit moves the
        figures the 情况说明 is checked against; a text edit moves the claims)."""
        if self._told_narrative is None:
            return
        if self._prose_unaffected(change):
            return
        now = {x.key: x for x in self.narrative.findings()} if self._narrative_active() else {}
        change.merge_findings(*findings_diff(self._told_narrative, now))
        self._told_narrative = now

    def _prose_unaffected(self, change: Change) -> bool:
        """Whether ``change`` only set figures that the last check of the 情况说明 and 上年数 did not read:
        then their findings cannot have moved. Rows, forms and texts always re-check."""
        book = self._narrative
        reads = book.reads if book is not None else self._kept_prose_reads
        if reads is None or not change.cells:
            return False
        if change.rows_added or change.rows_removed or change.forms or change.narrative or change.structure:
            return False
        return reads.isdisjoint(change.cells)

    def _narrative_active(self) -> bool:
        """Whether the document holds a 情况说明 or 上年数 to check (asked of the store first, so a document
        without them never loads the narrative checker)."""
        if self._narrative is None and not self._holds_prose():
            return False
        return self.narrative.active()

    def narrative_edited(self) -> Change:
        """Called by the :class:`NarrativeBook` (and the 上年数 writers) after each of their writes."""
        change = Change(narrative=True)
        self._narrative_change(change)
        return self._publish(change)

    def _form_edited(self, form_id: int | None) -> None:
        """Called by the :class:`FormBook` after each of its writes (None: a form added or removed)."""
        change = Change(forms={form_id} if form_id is not None else set(), structure=form_id is None)
        self._forms_change(change, form_id, structure=form_id is None)
        self._narrative_change(change)  # the prose may quote a form's 执行率 or 自评等级
        self._publish(change)

    @property
    def forms(self) -> FormBook:
        """The 绩效 forms (their modules and definitions load on first use; most documents have none)."""
        if self._forms is None:
            from .jixiao.book import FormBook

            self._forms = FormBook(self.doc, table_values=lambda: self.engine.values, has_table=self.tset.has_table,
                                   guard=self.review.lock_message, on_change=self._form_edited)
        return self._forms

    @property
    def narrative(self) -> NarrativeBook:
        """The 情况说明 and other text parts, the 上年数, and their checks."""
        if self._narrative is None:
            from .narrative.book import NarrativeBook

            self._narrative = NarrativeBook(self)
        return self._narrative

    def has_forms(self) -> bool:
        return self._forms is not None or has_forms(self.doc)

    def form_titles(self) -> list[tuple[int, str]]:
        """(id, title) of every 绩效 form in document order, without loading the forms' engine."""
        if self._forms is not None:
            return [(form.id, form.title) for form in self._forms.forms()]
        return form_titles(self.doc)

    def _holds_prose(self) -> bool:
        """Whether the document holds a 情况说明 or 上年数 (asked of the store: no checker loads)."""
        from .narrative.store import has_text, read_prior

        return has_text(self.doc) or bool(read_prior(self.doc))

    def _kept_findings(self) -> KeptFindings | None:
        """The 绩效 and 情况说明 findings kept with the file by this program's last close, while they still hold:
        neither engine loaded yet, the file as that close left it, nothing written since, the same forms."""
        if self._forms is not None or self._narrative is not None:
            return None
        if not self.has_forms() and not self._holds_prose():
            return None  # nothing costly to check: the kept findings would save nothing
        if not self.doc.unchanged_since_open():
            return None
        kept = decode_kept(self.doc.kept_results)
        if kept is None or [fid for fid, _ in kept.forms] != [fid for fid, _ in form_titles(self.doc)]:
            return None
        return kept

    def _findings_to_keep(self) -> bytes | None:
        """The 绩效 and 情况说明 findings to keep with the file as this close leaves it (see kept_findings.py):
        None when nobody looked at findings, or when those kept at the open still hold (nothing written
        since: the document keeps them); else the findings as told now. A part whose engine never had to load
        since the kept findings were shown is kept as told: no change since touched what its checks read."""
        if self._told_forms is None or (self._kept_used and self.doc.unchanged_since_open()):
            return None
        as_told = self._kept_used
        if self._forms is None and (as_told or not self.has_forms()):
            forms = [(fid, list(found.values())) for fid, found in (self._told_forms or {}).items()]
            cross = list(self._told_cross.values())
        else:
            book = self.forms
            forms, cross = [(form.id, book.form_findings(form.id)) for form in book.forms()], book.cross_findings()
        if self._narrative is None and as_told:
            prose, reads = list((self._told_narrative or {}).values()), self._kept_prose_reads or set()
        elif self._narrative_active():
            prose, reads = self.narrative.findings(), self.narrative.reads or set()
        else:
            prose, reads = [], set()
        if not forms and not self._holds_prose():
            return b""  # nothing costly to check: the next open checks the tables only
        return encode_kept(forms, cross, prose, reads)

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False, who: str = "", review: bool = False) -> Session:
        """Open a document; ``review``: 审阅 mode (figures refused, comments and table states allowed)."""
        doc = Document.open(path, readonly=readonly, who=who)
        try:
            session = cls(doc)
        except BaseException:
            doc.close()  # never leave the edit lock behind a document that could not be shown
            raise
        session.review_mode = review
        return session

    @property
    def review_mode(self) -> bool:
        return self.doc.review_mode

    @review_mode.setter
    def review_mode(self, on: bool) -> None:
        self.doc.review_mode = on

    @property
    def review(self) -> ReviewBook:
        """批注, review states and seals of this document (the review modules load on first use)."""
        if self._review is None:
            from .review import ReviewBook

            self._review = ReviewBook(self)
        return self._review

    def _require_figures(self, tables: Iterable[str] = ()) -> None:
        """Refuse an edit in 审阅 mode, or one touching a table that is 待审核 or 已审核 (locked)."""
        if self.doc.review_mode:
            raise EditError(tr(REVIEW_MODE_MESSAGE))
        if self._review is None and not review_rows.states(self.doc):
            return  # no table was ever submitted: nothing is locked (and the review modules need not load)
        locked = self.review.lock_message(tables)
        if locked:
            raise EditError(locked)

    def close(self) -> None:
        self.doc.close(keep=self._findings_to_keep)

    # -- undo and redo (see :mod:`.history`) ----------------------------------------------------
    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Everything changed inside is one undo step called ``label`` (e.g. a block of form cells): a message id
        marked with N_() (or :func:`.step_labels.stored`), stored as the source Chinese and shown translated."""
        with self.history.group(label):
            yield

    def undo(self, *, who: str) -> Change:
        """Take back the last step (raises :class:`EditError` when there is none, or when it is refused)."""
        return self.history.undo(who=who)

    def redo(self, *, who: str) -> Change:
        """Apply again the step undone last (only until a new edit is made)."""
        return self.history.redo(who=who)

    # -- cells ----------------------------------------------------------------------------------
    def cell_info(self, cell: Cell) -> CellInfo:
        """Describe a value cell; raises :class:`EditError` if the table has no such cell."""
        table_key, row_key, col_key = cell
        if not self.tset.has_table(table_key):
            raise EditError(tr("没有表 {table_key}", table_key=table_key))
        table = self.tset.table(table_key)
        row = self.rows.get(table_key, row_key)
        if row is None:
            raise EditError(tr("{title} 没有这一行（{row_key}）", title=table.title, row_key=row_key))
        block = table.block(row.block)
        column = block.column(col_key) if block else None
        if column is None or not column.is_value:
            raise EditError(tr("{title} 的这一栏（{col_key}）不能填写数字", title=table.title, col_key=col_key))
        fixed = self.tset.fixed_row(table_key, row_key)
        na = bool(fixed and col_key in fixed.na)
        return CellInfo(column, self.engine.is_derived(cell), na)

    def value(self, cell: Cell) -> int | None:
        return self.engine.values.get(cell)

    def parse(self, cell: Cell, text: str) -> int | None:
        """Parse typed or pasted text for ``cell``; raises :class:`EditError` with the reason."""
        info = self.cell_info(cell)
        try:
            return parse_amount(text, info.column.decimals)
        except AmountError as exc:
            raise EditError(str(exc)) from exc

    def set_text(self, cell: Cell, text: str, *, who: str) -> Change:
        """A clerk typed ``text`` into ``cell``."""
        return self.set_values({cell: self.parse(cell, text)}, who=who)

    def set_texts(self, texts: Mapping[Cell, str], *, who: str) -> Change:
        """A pasted block: all cells parsed first; one bad cell refuses the whole paste."""
        parsed = {}
        for cell, text in texts.items():
            try:
                parsed[cell] = self.parse(cell, text)
            except EditError as exc:
                raise EditError(f"{self.engine.describer.cell(cell, with_table=True)}：{exc}") from exc
        return self.set_values(parsed, who=who, action="paste" if len(parsed) > 1 else "set")

    def set_values(
        self, changes: Mapping[Cell, int | None], *, who: str, action: str = "set", derive: bool = True,
        allow_derived: bool = False,
    ) -> Change:
        """Set values (None clears) in one committed transaction; derived totals follow when ``derive``."""
        with self.step(N_("粘贴") if action == "paste" else N_("填写")):
            return self._set_values(changes, who, action, derive, allow_derived)

    def _set_values(self, changes: Mapping[Cell, int | None], who: str, action: str, derive: bool,
                    allow_derived: bool) -> Change:
        self._require_figures({c[0] for c in changes})
        decimals = {}
        for cell in changes:
            info = self.cell_info(cell)
            if not allow_derived and not info.editable:
                what = tr("合计（由公式自动计算）") if info.derived else tr("不适用（印“——”）的单元格")
                raise EditError(tr("{cell} 是{what}，不能直接填写", cell=self.engine.describer.cell(cell, with_table=True), what=what))
            decimals[cell] = info.column.decimals
        delta = self.engine.apply(changes, derive=derive)
        try:
            self._require_figures({c[0] for c in delta.cells})  # a total in a locked table may follow
            self.doc.write(delta.cells, who=who, action=action, decimals=decimals)
        except Exception:
            self.engine.apply(delta.old, derive=False)
            raise
        change = Change(delta.cells, delta.old, list(delta.added), list(delta.removed))
        self._forms_change(change)
        self._narrative_change(change)
        return self._publish(change)

    # -- floating rows --------------------------------------------------------------------------
    def add_row(self, table_key: str, code: str, name: str | None = None, *, who: str) -> list[str]:
        """Add a 科目 row (and its missing 款/类 parents); returns the codes added."""
        table = self.tset.table(table_key)
        block = table.floating_block
        if block is None or block.floating is None:
            raise EditError(tr("{title} 没有可增加的科目行", title=table.title))
        fl = block.floating
        code = code.strip()
        problem = fl.key_problem(code) if fl.named or fl.pair_list else check_code_shape(code, fl.levels)
        if problem:
            raise EditError(problem)
        if self.rows.get(table_key, code):
            raise EditError(tr("{title} 已有科目 {code}", title=table.title, code=code))
        if fl.named and not (name or "").strip():
            raise EditError(tr("{title} 的新行需要名称", title=table.title))
        year = self.tset.info.year
        new = []
        for c in [code, *fl.parents(code)]:
            if self.rows.get(table_key, c) is None:
                known = self.codes.name(fl.code_list, fl.split_key(c)[0], year) if fl.code_list else None
                label = name if (c == code and name) else (known or "")
                new.append((table_key, c, label))
        with self.step(step_labels.stored(step_labels.ADD_ROW, code=code)):
            self._restructure(add=new, remove=[], who=who)
        return [c for _, c, _ in new]

    def add_named_row(self, table_key: str, name: str, parent: str | None = None, *, who: str) -> str:
        """Add a named row (单位, or a 项目 under the 单位 ``parent``) at the end; returns its key."""
        block = self.tset.table(table_key).floating_block
        if block is None or block.floating is None or not block.floating.named:
            raise EditError(tr("{title} 没有可按名称增加的行", title=self.tset.table(table_key).title))
        levels = sorted(block.floating.levels)
        prefix = parent or ""
        if parent is not None and (self.rows.get(table_key, parent) is None or len(parent) not in levels[:-1]):
            raise EditError(tr("没有可在其下增加行的上级行 {parent}", parent=parent))
        width = levels[levels.index(len(prefix)) + 1] - len(prefix) if prefix else levels[0]
        taken = {k[len(prefix):] for k in self.rows.floating_codes(table_key)
                 if k.startswith(prefix) and len(k) == len(prefix) + width}
        number = max((int(t) for t in taken), default=0) + 1
        if len(str(number)) > width:
            raise EditError(tr("{title} 这一级最多 {limit} 行", title=self.tset.table(table_key).title, limit=10 ** width - 1))
        key = prefix + str(number).zfill(width)
        self.add_row(table_key, key, name, who=who)
        return key

    def remove_row(self, table_key: str, code: str, *, who: str) -> list[str]:
        """Remove a 科目 row, its sub-rows, and parents left without any row under them."""
        if code not in self.rows.floating_codes(table_key):
            raise EditError(tr("没有可删除的科目行 {code}", code=code))
        block = self.tset.table(table_key).floating_block
        parents = block.floating.parents(code) if block and block.floating else [code[:5], code[:3]]
        present = set(self.rows.floating_codes(table_key))
        gone = {c for c in present if c.startswith(code)}
        for parent in parents:
            orphan = not any(c.startswith(parent) and c != parent for c in present - gone)
            if parent in present and parent not in gone and len(parent) < len(code) and orphan:
                gone.add(parent)
        with self.step(step_labels.stored(step_labels.REMOVE_ROW, code=code)):
            self._restructure(add=[], remove=[(table_key, c) for c in sorted(gone)], who=who)
        return sorted(gone)

    def restore_rows(self, table_key: str, rows: list[tuple[str, str]], values: Mapping[Cell, int | None], *,
                     who: str) -> None:
        """Put back removed 科目 rows with the exact values they had (undo of :meth:`remove_row`)."""
        present = set(self.rows.floating_codes(table_key))
        with self.step(N_("恢复科目行")):
            self._restructure(add=[(table_key, c, n) for c, n in rows if c not in present], remove=[], who=who)
            if values:
                self.set_values(values, who=who, action="undo", derive=False, allow_derived=True)

    def _restructure(self, add: list[tuple[str, str, str]], remove: list[tuple[str, str]], who: str) -> Change:
        """Add and remove floating rows: only what they change is compiled again and re-checked."""
        self._require_figures({t for t, *_ in add} | {t for t, _ in remove})
        old_rows, rows = self.rows, self.rows.changed(add, remove)
        added = [(t, c) for t, c, _ in add]
        delta = self.engine.restructure(rows, added, remove)
        try:
            self._require_figures({c[0] for c in delta.cells})
            self.doc.write(delta.cells, who=who, action="derive", add_rows=add, remove_rows=remove)
        except Exception:
            back = self.engine.restructure(old_rows, remove, added)
            self.engine.apply({**{c: back.old.get(c) for c in back.cells}, **delta.old}, derive=False)
            raise
        self.rows = rows
        change = Change(delta.cells, delta.old, list(delta.added), list(delta.removed), added, list(remove))
        self._forms_change(change)
        self._narrative_change(change)
        return self._publish(change)

    # -- findings -------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        """Every finding: the tables' rules, the 绩效 forms' checks (see :class:`FormBook`), and the
        情况说明's and 上年数' checks (see :class:`NarrativeBook`)."""
        tables = self.engine.sorted_findings()
        kept = self._kept_findings()
        if kept is not None:  # as this program's last close found them, for this very content
            self._told_forms = {fid: {x.key: x for x in found} for fid, found in kept.forms}
            self._told_cross = {x.key: x for x in kept.cross}
            self._told_narrative = {x.key: x for x in kept.prose}
            self._kept_prose_reads = set(kept.prose_reads)
            self._kept_used = True
        else:
            if not self.has_forms():
                self._told_forms, self._told_cross = {}, {}
            else:
                forms = self.forms
                self._told_forms = {f.id: {x.key: x for x in forms.form_findings(f.id)} for f in forms.forms()}
                self._told_cross = {x.key: x for x in forms.cross_findings()}
            self._told_narrative = {x.key: x for x in self.narrative.findings()} if self._narrative_active() else {}
        extra = [x for per_form in self._told_forms.values() for x in per_form.values()]
        extra += self._told_cross.values()
        extra += self._told_narrative.values()
        if not extra:
            return tables
        return sorted(tables + extra, key=Finding.sort_key)

    def explain(self, finding: Finding, text: str, *, who: str) -> None:
        """Store the 出错说明 of ``finding`` for its current figures (empty text removes it)."""
        self._require_figures({finding.table})  # the clerk's reason, not the reviewer's
        with self.step(N_("出错说明")):
            self.doc.set_explanation(finding.key, text, who=who, basis=basis_of(finding))
        self._publish(Change(explanations={finding.key}))

