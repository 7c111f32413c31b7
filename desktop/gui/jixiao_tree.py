"""The Qt model of a form's indicator tree: 一级 → 二级 fixed (merged cells), 三级 rows floating, with the
suggested score or 定性 band beside each 得分 and the 总分 row. Rows are added, removed and moved as undo steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from ..core import step_labels
from ..core.i18n import N_, tr
from . import style
from .controller import DocumentController
from .jixiao_models import CENTER, LEFT, FormModelBase, Index, figure

REFERENCE = "__reference"  # the column beside 得分: suggested score (定量) or grade band (定性)


@dataclass(frozen=True)
class TreeRow:
    """One line of the indicator table: a 三级 row, an empty 二级 (type to add one) or the 总分 row."""

    kind: str  # "indicator" | "empty" | "total"
    level1: str = ""
    level2: str = ""
    ind_id: int = 0


class IndicatorModel(FormModelBase):
    """一级 | 二级 | the definition's 三级 columns (with the suggested score beside 得分) and the 总分 row."""

    TREE_COLUMNS = (N_("一级指标"), N_("二级指标"))

    def __init__(self, controller: DocumentController, form_id: int, parent: Any = None) -> None:
        super().__init__(controller, form_id, parent)
        self._layout = self.layout_key()
        self.rebuild()

    def layout_key(self) -> object:
        return tuple((i.id, i.level2) for i in self.form.indicators)

    def rebuild(self) -> None:
        fdef, form = self.fdef, self.form
        self.scored = fdef.scoring.scored
        self.columns: list[str] = []
        for col in fdef.columns:
            self.columns.append(col.key)
            if col.role == "score" and self.scored:
                self.columns.append(REFERENCE)
        self.rows: list[TreeRow] = []
        for node in fdef.tree:
            for child in node.children:
                under = form.under(child.key)
                self.rows += [TreeRow("indicator", node.key, child.key, i.id) for i in under] or [
                    TreeRow("empty", node.key, child.key)]
        if self.scored:
            self.rows.append(TreeRow("total"))

    # -- layout helpers for the view ------------------------------------------------------------
    def column_key(self, column: int) -> str | None:
        n = column - len(self.TREE_COLUMNS)
        return self.columns[n] if 0 <= n < len(self.columns) else None

    def column_of(self, key: str) -> int:
        return self.columns.index(key) + len(self.TREE_COLUMNS) if key in self.columns else -1

    def spans(self) -> list[tuple[int, int, int, int]]:
        """(row, column, rows, columns) of the merged 一级/二级 cells and the 总分 caption."""
        out = []
        for col, attr in ((0, "level1"), (1, "level2")):
            start = 0
            for n in range(1, len(self.rows) + 1):
                if n == len(self.rows) or getattr(self.rows[n], attr) != getattr(self.rows[start], attr) or \
                        self.rows[n].kind == "total":
                    if n - start > 1 and self.rows[start].kind != "total":
                        out.append((start, col, n - start, 1))
                    start = n
        if self.rows and self.rows[-1].kind == "total":
            name_col = self.column_of(self._role_key("name") or "")
            out.append((len(self.rows) - 1, 0, 1, max(name_col + 1, 2)))
        return out

    def _role_key(self, role: str) -> str | None:
        col = self.fdef.column_by_role(role)
        return col.key if col else None

    def row_of(self, ind_id: int) -> int:
        return next((n for n, r in enumerate(self.rows) if r.kind == "indicator" and r.ind_id == ind_id), -1)

    def index_of(self, row: str, col: str) -> QModelIndex:
        """The index of a finding cell (``indicator:<id>`` / ``level1`` / ``total``, column)."""
        if row.startswith("indicator:"):
            r, c = self.row_of(int(row.split(":", 1)[1])), self.column_of(col)
        elif row == "level1":
            r, c = next((n for n, x in enumerate(self.rows) if x.level1 == col), -1), 0
        elif row == "total" and self.rows and self.rows[-1].kind == "total":
            r = len(self.rows) - 1
            c = self.column_of({"weight": self._role_key("weight"), "score": self._role_key("score"),
                                "grade": REFERENCE}.get(col) or "")
        else:
            return QModelIndex()
        return self.index(r, c) if r >= 0 and c >= 0 else QModelIndex()

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.TREE_COLUMNS) + len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(self.TREE_COLUMNS):
            return tr(self.TREE_COLUMNS[section])
        key = self.column_key(section)
        if key == REFERENCE:
            return tr("建议得分\n（按完成值）")
        col = self.fdef.column(key or "")
        return "\n".join(col.header) if col else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, c = self.rows[index.row()], index.column()
        if c < len(self.TREE_COLUMNS) and row.kind != "total":
            return self._tree_data(row, c, role)
        if row.kind == "total":
            return self._total_data(c, role)
        key = self.column_key(c) or ""
        if key == REFERENCE:
            return self._reference_data(row, role)
        col = self.fdef.column(key)
        ind = self.form.indicator(row.ind_id) if row.kind == "indicator" else None
        found = self.findings_at(f"indicator:{row.ind_id}", key) if ind else []
        if role == Qt.ItemDataRole.DisplayRole and row.kind == "empty" and c == len(self.TREE_COLUMNS):
            return tr("（输入即增加一行）") if self.editable else ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return ind.text(key) if ind else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER if col and (col.numeric or col.role == "direction") else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.tint(found)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = self.finding_lines(found)
            if row.kind == "empty" and self.editable:
                lines.append(tr("此二级指标下还没有三级指标：在这一行输入即增加一行"))
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.ForegroundRole and row.kind == "empty":
            return style.SEVERITY_TEXT["rounding"]
        return None

    def _tree_data(self, row: TreeRow, c: int, role: int) -> Any:
        fdef = self.fdef
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                node = fdef.level1(row.level1)
                weight = self.derived.level1_weights.get(row.level1)
                return f"{node.label if node else row.level1}" + (tr("\n（{weight:f}分）", weight=weight) if weight else "")
            return fdef.level2_label(row.level2)
        found = self.findings_at("level1", row.level1) if c == 0 else []
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.tint(found) or style.HEADER_TINT
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(self.finding_lines(found)) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        return None

    def _reference_data(self, row: TreeRow, role: int) -> Any:
        help_ = self.derived.indicators.get(row.ind_id) if row.kind == "indicator" else None
        if role == Qt.ItemDataRole.DisplayRole:
            if help_ is None:
                return ""
            if help_.suggested is not None:
                return figure(help_.suggested)
            if help_.band is not None and help_.band_range is not None:
                lo, hi = help_.band_range
                return f"{help_.band.text}\n{lo:f}–{hi:f}"
            return ""
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.DERIVED_TINT
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        if role == Qt.ItemDataRole.ToolTipRole and help_ is not None:
            if help_.suggested is not None:
                return tr("定量指标：按指标值和实际完成值建议的得分（达到指标值得满分，否则按完成比例）")
            if help_.band is not None:
                return (tr("定性指标“{text}”：得分应在分值的 {low:f}%–{high:f}% 之间", text=help_.band.text, low=help_.band.low, high=help_.band.high))
        return None

    def _total_data(self, c: int, role: int) -> Any:
        d, form = self.derived, self.form
        key = self.column_key(c)
        weight_key, score_key = self._role_key("weight"), self._role_key("score")
        where = {weight_key: "weight", score_key: "score", REFERENCE: "grade"}.get(key) if key else None
        found = self.findings_at("total", where) if where else []
        if role == Qt.ItemDataRole.EditRole:
            return form.text("grade") if where == "grade" else None
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                label = self.fdef.file.total.label if self.fdef.file.total else tr("总分")
                if self.fdef.scoring.total_includes_funding:
                    return tr("{label}（含执行率得分）", label=label)
                return tr("{label}（不含执行率得分）", label=label)
            if where == "grade":
                return tr("等级：{value}", value=d.grade or '—') + (tr("\n印为 {text}", text=form.text('grade')) if form.text("grade") else "")
            if where in ("weight", "score"):
                computed = d.total_weight if where == "weight" else d.total_score
                printed = form.number(f"total.{where}")
                text = figure(computed)
                return text if printed is None or printed == computed else tr("{text}\n印{figure}", text=text, figure=figure(printed))
            return ""
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.tint(found) or style.DERIVED_TINT
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = self.finding_lines(found)
            if where:
                lines.append(tr("总分 = 各项得分之和；等级：优 ≥ 90，良 ≥ 80，中 ≥ 60，其余为差（自动计算）"))
            if where == "grade" and self.editable:
                lines.append(tr("在此填写表上印的自评等级，与总分对应的等级不符时报错误"))
            return "\n".join(lines) or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row, key = self.rows[index.row()], self.column_key(index.column())
        if self.editable and row.kind != "total" and key and key != REFERENCE:
            base |= Qt.ItemFlag.ItemIsEditable
        elif self.editable and row.kind == "total" and key == REFERENCE:
            base |= Qt.ItemFlag.ItemIsEditable  # the stated 自评等级 (a printed 优 for an 89 is checked)
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        row, key, text = self.rows[index.row()], self.column_key(index.column()) or "", "" if value is None else str(value)
        if row.kind == "empty":
            return not text.strip() or self.add_indicator(row.level2, None, {key: text})
        if row.kind == "total":
            old = self.form.text("grade")
            return text.strip() == old or self.set_field("grade", text, old, N_("填写自评等级"))
        ind = self.form.indicator(row.ind_id)
        old = ind.text(key) if ind else ""
        if text.strip() == old:
            return True
        col = self.fdef.column(key)
        book, ids, who = self.book, self.ids, self.controller
        return self.controller.form_edit(
            step_labels.stored(step_labels.FILL_ITEM, value=col.caption if col else key),
            lambda: book.set_indicator(self.form_id, ids.get(row.ind_id), key, text, who=who.who),
            lambda: book.set_indicator(self.form_id, ids.get(row.ind_id), key, old, who=who.who), self.form_id)

    # -- rows -----------------------------------------------------------------------------------
    @property
    def ids(self) -> IdMap:
        if not hasattr(self, "_ids"):
            self._ids = IdMap()
        return self._ids

    def add_indicator(self, level2: str, index: int | None, texts: dict[str, str] | None = None) -> bool:
        """Add a 三级 row under ``level2`` (at ``index`` among its rows, default last) as one undo step."""
        book, who, ids = self.book, self.controller, self.ids
        box: dict[str, int] = {}

        def redo() -> None:
            new = book.add_indicator(self.form_id, level2, who=who.who, index=index, texts=texts)
            if "id" in box:
                ids.alias(box["id"], new)  # commands that typed into the earlier incarnation find this one
            box["id"] = new

        return self.controller.form_edit(
            step_labels.stored(step_labels.ADD_INDICATOR_UNDER, level2_label=self.fdef.level2_label(level2)),
            redo,
            lambda: book.remove_indicator(self.form_id, box["id"], who=who.who), self.form_id) and bool(box)

    def last_added(self) -> int | None:
        ids = [i.id for i in self.form.indicators]
        return max(ids) if ids else None

    def remove_indicator(self, ind_id: int) -> bool:
        form = self.form
        ind = form.indicator(ind_id)
        if ind is None:
            return False
        position = [i.id for i in form.under(ind.level2)].index(ind_id)
        texts = {k: ind.text(k) for k in ind.cells}
        book, who, ids, level2 = self.book, self.controller, self.ids, ind.level2

        def undo() -> None:
            ids.alias(ids.get(ind_id), book.add_indicator(self.form_id, level2, who=who.who, index=position, texts=texts))

        name = ind.text(self._role_key("name"))
        return self.controller.form_edit(
            step_labels.stored(step_labels.REMOVE_INDICATOR_NAMED, name=name),
            lambda: book.remove_indicator(self.form_id, ids.get(ind_id), who=who.who), undo, self.form_id)

    def move_indicator(self, ind_id: int, step: int) -> bool:
        """Move a 三级 row up (-1) or down (+1) among the rows of its 二级."""
        ind = self.form.indicator(ind_id)
        if ind is None:
            return False
        order = [i.id for i in self.form.under(ind.level2)]
        here = order.index(ind_id)
        if not 0 <= here + step < len(order):
            return False
        book, who, ids = self.book, self.controller, self.ids
        return self.controller.form_edit(
            N_("上移指标") if step < 0 else N_("下移指标"),
            lambda: book.move_indicator(self.form_id, ids.get(ind_id), here + step, who=who.who),
            lambda: book.move_indicator(self.form_id, ids.get(ind_id), here, who=who.who), self.form_id)


class IdMap:
    """Row ids across undo: a removed row that comes back gets a new id; commands keep the first one."""

    def __init__(self) -> None:
        self._to: dict[int, int] = {}

    def alias(self, old: int, new: int) -> None:
        if old != new:
            self._to[old] = new

    def get(self, ind_id: int) -> int:
        seen = set()
        while ind_id in self._to and ind_id not in seen:
            seen.add(ind_id)
            ind_id = self._to[ind_id]
        return ind_id
