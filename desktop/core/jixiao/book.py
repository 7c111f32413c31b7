"""The forms of one open document and their findings: the API a form view and the CLI use.

Read: :meth:`FormBook.forms`, :meth:`FormBook.definition`, :meth:`FormBook.derived` (执行率, 执行率得分,
结余, sums, 总分, grade, suggested scores), :meth:`FormBook.findings`. Edit (each one committed transaction,
logged): add/remove/rename a form, :meth:`set_field`, :meth:`set_indicator`, add/remove/move a 三级 row.
Typed text is parsed first; a refused edit raises :class:`FormEditError` (Chinese) and changes nothing.
Checks are re-run for the edited form only; cross-form checks are recomputed on request (they are few).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from msgspec import Struct

from ..document import Document
from ..i18n import tr
from ..rules.findings import Finding
from . import store
from .checks import check_form
from .cross import cross_findings
from .definition import FormDef
from .derive import Derived, derive
from .errors import FormEditError
from .form import Form, Value
from .loader import all_forms
from .values import FormValueError, parse_number

TableValues = Callable[[], Mapping[tuple[str, str, str], int]]
_NUMBER_KIND = {"initial": "amount", "declared": "amount", "budget": "amount", "exec": "amount",
                "balance": "amount", "amount": "amount", "weight": "weight", "rate": "rate", "score": "score"}



class FormDelta(Struct, frozen=True):
    """What an edit changed in the findings: the form edited, findings that appeared and keys that went."""

    form_id: int
    added: list[Finding]
    removed: list[str]


class FormSummary(Struct, frozen=True):
    """One line of the form list: title, shape, 总分 and grade, finding counts."""

    id: int
    shape: str
    shape_name: str
    title: str
    total_weight: Decimal
    total_score: Decimal
    grade: str | None
    errors: int
    warnings: int


def field_kind(fdef: FormDef, key: str) -> tuple[str, str] | None:
    """(kind, caption) of a field key of a form of ``fdef``, or None if the form has no such field."""
    parts = key.split(".")
    if parts[0] == "t" and len(parts) == 2 and (f := fdef.field(parts[1])):
        return "text", f.label
    if parts[0] == "f" and len(parts) == 3:
        row, col = fdef.funding.row(parts[1]), fdef.funding.column(parts[2])
        if row and col:
            return (_NUMBER_KIND[col.role] if col.numeric else "text"), f"{row.label}·{col.caption}"
    if key in ("total.weight", "total.score") and fdef.scoring.scored:
        return "score", tr("总分·分值") if key.endswith("weight") else tr("总分·得分")
    if key == "grade" and fdef.scoring.scored:
        return "grade", tr("自评等级")
    if parts[0] == "w" and len(parts) == 2 and (node := fdef.level1(parts[1])):
        return "weight", tr("{label}权重", label=node.label)
    return None


def parse_field(fdef: FormDef, key: str, text: str) -> Value | None:
    """Parse typed or transferred text for a field; raises :class:`FormEditError` with the reason."""
    found = field_kind(fdef, key)
    if found is None:
        raise FormEditError(tr("表样“{name}”没有这一栏（{key}）", name=fdef.name, key=key))
    kind, caption = found
    if kind == "text":
        return text.strip() or None
    if kind == "grade":
        grades = [g.grade for g in fdef.scoring.grades]
        value = text.strip()
        if value and value not in grades:
            raise FormEditError(tr("自评等级只能填 {grades}，或留空", grades='、'.join(grades)))
        return value or None
    try:
        return parse_number(text, kind)
    except FormValueError as exc:
        raise FormEditError(f"{caption}：{exc}") from exc


def parse_indicator(fdef: FormDef, col_key: str, text: str) -> Value | None:
    """Parse text for one cell of a 三级 row."""
    col = fdef.column(col_key)
    if col is None:
        raise FormEditError(tr("表样“{name}”的指标表没有这一栏（{col_key}）", name=fdef.name, col_key=col_key))
    if not col.numeric:
        return text.strip() or None
    try:
        return parse_number(text, "score")
    except FormValueError as exc:
        raise FormEditError(f"{col.caption}：{exc}") from exc


class FormBook:
    """The 绩效 forms of a document, kept in step with the file."""

    def __init__(self, doc: Document, *, table_values: TableValues | None = None,
                 has_table: Callable[[str], bool] | None = None, definitions: Mapping[str, FormDef] | None = None,
                 guard: Callable[[list[str]], str | None] | None = None,
                 on_change: Callable[[int | None], None] | None = None):
        """``on_change(form_id)`` is called after each write (None: a form was added or removed)."""
        self.doc = doc
        self._guard = guard or (lambda tables: None)  # why a form's figures are locked now (审核), or None
        self._on_change = on_change or (lambda form_id: None)
        self._defs = definitions  # read on first use: a document without forms never loads them
        self._table_values = table_values or (lambda: {})
        self._has_table = has_table or (lambda key: False)
        self._forms: dict[int, Form] = {}
        self._checked: dict[int, list[Finding]] = {}
        self.reload()

    @property
    def defs(self) -> Mapping[str, FormDef]:
        """The form definitions by key (loaded and validated once, when first needed)."""
        if self._defs is None:
            self._defs = all_forms()
        return self._defs

    def reload(self) -> None:
        """Re-read every form from the file and re-check them."""
        if self._defs is None and not store.has_forms(self.doc):
            self._forms, self._checked = {}, {}
            return
        order = {key: fdef.level2_keys for key, fdef in self.defs.items()}
        self._forms = {f.id: f for f in store.read_forms(self.doc, order)}
        self._checked = {}

    # -- reading --------------------------------------------------------------------------------
    def forms(self) -> list[Form]:
        """The forms in document order (treat them as read-only; edit through this book)."""
        return sorted(self._forms.values(), key=lambda f: (f.position, f.id))

    def form(self, form_id: int) -> Form:
        if form_id not in self._forms:
            raise FormEditError(tr("没有编号为 {form_id} 的绩效表", form_id=form_id))
        return self._forms[form_id]

    def definition(self, form_id: int) -> FormDef:
        shape = self.form(form_id).shape
        if shape not in self.defs:
            raise FormEditError(tr("绩效表使用的表样“{shape}”本软件没有，请升级软件。", shape=shape))
        return self.defs[shape]

    def derived(self, form_id: int) -> Derived:
        return derive(self.definition(form_id), self.form(form_id))

    def form_findings(self, form_id: int) -> list[Finding]:
        if form_id not in self._checked:
            self._checked[form_id] = check_form(self.definition(form_id), self.form(form_id))
        return self._checked[form_id]

    def cross_findings(self) -> list[Finding]:
        if not self._forms:
            return []  # nothing to compare (and no scoring definitions to read)
        pairs = [(self.defs[f.shape], f) for f in self.forms() if f.shape in self.defs]
        money_unit = self.doc.money_unit if self.doc.money_unit in ("元", "万元") else "元"
        return cross_findings(pairs, self._table_values(), self._has_table, money_unit)

    def findings(self) -> list[Finding]:
        """Every form finding (per form, then across forms and tables), errors first."""
        out = [f for form in self.forms() for f in self.form_findings(form.id)] + self.cross_findings()
        return sorted(out, key=Finding.sort_key)

    def summaries(self) -> list[FormSummary]:
        out = []
        for form in self.forms():
            fdef, d = self.definition(form.id), self.derived(form.id)
            found = self.form_findings(form.id)
            out.append(FormSummary(form.id, form.shape, fdef.name, form.title, d.total_weight, d.total_score, d.grade,
                                   sum(f.severity == "error" for f in found), sum(f.severity == "warning" for f in found)))
        return out

    # -- parsing --------------------------------------------------------------------------------
    def field_kind(self, form_id: int, key: str) -> tuple[str, str]:
        """(kind, caption) of a field key; kind is ``text``, ``amount``, ``rate``, ``score``, ``weight`` or ``grade``."""
        found = field_kind(self.definition(form_id), key)
        if found is None:
            raise FormEditError(tr("《{title}》没有这一栏（{key}）", title=self.form(form_id).title, key=key))
        return found

    def _is_derived(self, fdef: FormDef, key: str) -> bool:
        parts = key.split(".")
        if key in ("total.weight", "total.score"):
            return True
        if parts[0] != "f" or len(parts) != 3:
            return False
        col, row = fdef.funding.column(parts[2]), fdef.funding.row(parts[1])
        return bool(col and row and (col.role in ("rate", "balance") or (col.role == "score" and row.scored)))

    def parse_field(self, form_id: int, key: str, text: str) -> Value | None:
        self.field_kind(form_id, key)
        return parse_field(self.definition(form_id), key, text)

    # -- editing --------------------------------------------------------------------------------
    def _require_unlocked(self, form_id: int) -> None:
        """Refuse to change a form that is 待审核 or 已审核 (its figures are locked until 退回 or 撤回提交)."""
        locked = self._guard([store.form_table(form_id)])
        if locked:
            raise FormEditError(locked)

    def _changed(self, form_id: int) -> None:
        self._checked.pop(form_id, None)

    def _keys(self) -> dict[str, Finding]:
        return {f.key: f for f in self.findings()}

    def _delta(self, form_id: int, before: dict[str, Finding]) -> FormDelta:
        after = self._keys()
        added = [f for k, f in after.items() if before.get(k) != f]
        removed = [k for k in before if k not in after]
        return FormDelta(form_id, added, removed)

    def add_form(self, shape: str, title: str, *, who: str, fields: Mapping[str, Value] | None = None) -> int:
        """A new empty form of ``shape`` (a definition key) with its own title; returns its id."""
        if shape not in self.defs:
            raise FormEditError(tr("没有表样“{shape}”（可用：{defs}）", shape=shape, defs='、'.join(sorted(self.defs))))
        title = title.strip() or self.defs[shape].file.title
        form_id = store.insert_form(self.doc, shape, title, dict(fields or {}), [], who=who)
        self.reload()
        self._on_change(None)
        return form_id

    def remove_form(self, form_id: int, *, who: str) -> None:
        self._require_unlocked(form_id)
        self.form(form_id)
        store.delete_form(self.doc, form_id, who=who)
        self.reload()
        self._on_change(None)

    def rename_form(self, form_id: int, title: str, *, who: str) -> None:
        self._require_unlocked(form_id)
        if not title.strip():
            raise FormEditError(tr("表名不能为空"))
        store.rename_form(self.doc, form_id, title.strip(), who=who)
        self.form(form_id).title = title.strip()
        self._changed(form_id)
        self._on_change(form_id)

    def set_field(self, form_id: int, key: str, text: str, *, who: str) -> FormDelta:
        """A clerk typed ``text`` into a header/funding/objective/text/total field."""
        self._require_unlocked(form_id)
        before = self._keys()
        value = self.parse_field(form_id, key, text)
        if value is not None and self._is_derived(self.definition(form_id), key):
            raise FormEditError(tr("{field_kind} 由公式计算，不能直接填写（可清空印出的数）", field_kind=self.field_kind(form_id, key)[1]))
        store.write_fields(self.doc, form_id, {key: value}, who=who)
        form = self.form(form_id)
        if value is None:
            form.fields.pop(key, None)
        else:
            form.fields[key] = value
        self._changed(form_id)
        self._on_change(form_id)
        return self._delta(form_id, before)

    def _indicator(self, form_id: int, ind_id: int):  # noqa: ANN202 - Indicator
        ind = self.form(form_id).indicator(ind_id)
        if ind is None:
            raise FormEditError(tr("《{title}》没有这一行指标（{ind_id}）", title=self.form(form_id).title, ind_id=ind_id))
        return ind

    def parse_indicator(self, form_id: int, col_key: str, text: str) -> Value | None:
        return parse_indicator(self.definition(form_id), col_key, text)

    def set_indicator(self, form_id: int, ind_id: int, col_key: str, text: str, *, who: str) -> FormDelta:
        """A clerk typed ``text`` into one cell of a 三级 row."""
        self._require_unlocked(form_id)
        before = self._keys()
        ind = self._indicator(form_id, ind_id)
        value = self.parse_indicator(form_id, col_key, text)
        store.write_cells(self.doc, form_id, ind_id, {col_key: value}, who=who)
        if value is None:
            ind.cells.pop(col_key, None)
        else:
            ind.cells[col_key] = value
        self._changed(form_id)
        self._on_change(form_id)
        return self._delta(form_id, before)

    def add_indicator(self, form_id: int, level2: str, *, who: str, index: int | None = None,
                      texts: Mapping[str, str] | None = None) -> int:
        """Add a 三级 row under ``level2`` at ``index`` (default: last); returns its id."""
        self._require_unlocked(form_id)
        fdef = self.definition(form_id)
        if fdef.level2(level2) is None:
            raise FormEditError(tr("《{title}》没有二级指标“{level2}”", title=self.form(form_id).title, level2=level2))
        cells = {k: v for k, t in (texts or {}).items() if (v := self.parse_indicator(form_id, k, t)) is not None}
        count = len(self.form(form_id).under(level2))
        ind_id = store.add_indicator_row(self.doc, form_id, level2, count if index is None else index, cells, who=who)
        self.reload()
        self._on_change(form_id)
        return ind_id

    def remove_indicator(self, form_id: int, ind_id: int, *, who: str) -> FormDelta:
        self._require_unlocked(form_id)
        before = self._keys()
        self._indicator(form_id, ind_id)
        store.remove_indicator_row(self.doc, form_id, ind_id, who=who)
        self.reload()
        self._on_change(form_id)
        return self._delta(form_id, before)

    def move_indicator(self, form_id: int, ind_id: int, index: int, *, who: str) -> None:
        """Move a 三级 row to ``index`` (0-based) among the rows of its own 二级."""
        self._require_unlocked(form_id)
        ind = self._indicator(form_id, ind_id)
        ids = [i.id for i in self.form(form_id).under(ind.level2)]
        if not 0 <= index < len(ids):
            raise FormEditError(tr("只能在本二级指标的 {ids_count} 行之间移动", ids_count=len(ids)))
        ids.remove(ind_id)
        ids.insert(index, ind_id)
        store.reorder_indicators(self.doc, form_id, ind.level2, ids, who=who)
        self.reload()
        self._on_change(form_id)

    # -- captions for findings ------------------------------------------------------------------
    def captions(self, cell: tuple[str, str, str]) -> tuple[str, str, str]:
        """(form title, row caption, column caption) of a finding cell ``(jixiao:<id>, row, col)``."""
        form_id = int(cell[0].split(":", 1)[1])
        form, fdef = self.form(form_id), self.definition(form_id)
        row, col = cell[1], cell[2]
        if row.startswith("indicator:"):
            ind = form.indicator(int(row.split(":", 1)[1]))
            name_col = fdef.column_by_role("name")
            column = fdef.column(col)
            caption = ind.text(name_col.key if name_col else None) if ind else row
            return form.title, caption, column.caption if column else col
        if row.startswith("fund."):
            r, c = fdef.funding.row(row[5:]), fdef.funding.column(col)
            return form.title, r.label if r else row, c.caption if c else col
        if row == "level1":
            node = fdef.level1(col)
            return form.title, node.label if node else col, tr("分值")
        return form.title, fdef.file.total.label if fdef.file.total else tr("总分"), {"weight": tr("分值"), "score": tr("得分"),
                                                                                  "grade": tr("等级")}.get(col, col)
