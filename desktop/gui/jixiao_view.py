"""The 绩效 form view: one 绩效自评表 or 绩效目标表 laid out like the printed form.

Title, header fields, the funding block, 年度总体目标, the indicator tree (一级 → 二级 fixed, 三级 rows
added, removed and moved by the clerk) with the suggested score beside each 得分, the analysis texts, the
footer, and 总分 and grade at the bottom, all following the figures as they are typed. Failing cells are
tinted like the tables'. Every edit goes through :meth:`DocumentController.form_edit` (undo/redo).
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core import step_labels
from ..core.i18n import N_, tr
from ..core.jixiao.errors import FormEditError
from ..core.jixiao.scoring import grade_of
from ..core.jixiao.values import FormValueError, parse_number
from ..core.rules.findings import Finding
from .controller import DocumentController, form_key
from .jixiao_actions import new_form, remove_form
from .jixiao_models import FundingModel
from .jixiao_tree import REFERENCE, IndicatorModel
from .jixiao_widgets import FieldLine, FieldText, FormGrid, fixed_width

COLUMN_WIDTHS = {"name": 140, "period_name": 150, "target": 100, "period_target": 100, "target_adjusted": 120,
                 "actual": 124, "note": 110, "weight": 52, "score": 52, "reason": 170, "direction": 56, "unit": 56}


class JixiaoFormView(QWidget):
    """The widget for one form; ``funding`` and ``indicators`` are its two grids."""

    def __init__(self, controller: DocumentController, form_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller, self.form_id, self.key = controller, form_id, form_key(form_id)
        book = controller.session.forms
        self.fdef = book.definition(form_id)
        readonly = controller.readonly
        self.fields: dict[str, FieldLine | FieldText] = {}

        self.funding_model = FundingModel(controller, form_id, self)
        self.indicator_model = IndicatorModel(controller, form_id, self)
        self.funding = self._grid(self.funding_model, "fundingGrid")
        self.indicators = self._grid(self.indicator_model, "indicatorGrid")

        self.title = FieldLine()
        self.title.setObjectName("formTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setFrame(False)
        font = QFont(self.font())
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setReadOnly(readonly)
        self.title.committed.connect(self.rename)
        self.shape_line = QLabel()
        self.shape_line.setStyleSheet("color:#666;")
        self.shape_line.setAlignment(Qt.AlignmentFlag.AlignCenter)

        page = QWidget()
        page.setObjectName("formPage")
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(16, 10, 16, 16)
        page_layout.setSpacing(8)
        page_layout.addWidget(self.title)
        page_layout.addWidget(self.shape_line)
        for section in self.fdef.file.sections:
            widget = self._section(section)
            if widget is not None:
                page_layout.addWidget(widget)
        page_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(page)
        self.scroll.setWidgetResizable(True)
        self.page = page

        self.summary = QLabel()
        self.summary.setObjectName("formSummary")
        self.summary.setStyleSheet("padding:4px 10px; border-top:1px solid #ccc; font-weight:bold;")
        self.toolbar = self._toolbar(readonly)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.summary)

        controller.formChanged.connect(self._form_changed)
        controller.findingsChanged.connect(self._update_summary)
        self.indicator_model.modelReset.connect(self._layout_indicators)
        self.indicators.selectionModel().currentChanged.connect(self._update_actions)
        self.indicators.typing_delegate.typing.connect(self._preview)
        self._last_grid = self.indicators
        for grid in (self.funding, self.indicators):
            grid.selectionModel().currentChanged.connect(lambda *_, g=grid: setattr(self, "_last_grid", g))
        self._layout_indicators()
        self._load()

    # -- building -------------------------------------------------------------------------------
    def _grid(self, model, name: str) -> FormGrid:  # noqa: ANN001
        grid = FormGrid()
        grid.setObjectName(name)
        grid.setModel(model)
        if self.controller.readonly:
            grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return grid

    def _toolbar(self, readonly: bool) -> QToolBar:
        bar = QToolBar(tr("绩效表"))
        self.act_add = bar.addAction(tr("增加指标"), self.add_indicator)
        self.act_remove = bar.addAction(tr("删除指标"), self.remove_indicator)
        self.act_up = bar.addAction(tr("上移"), lambda: self.move_indicator(-1))
        self.act_down = bar.addAction(tr("下移"), lambda: self.move_indicator(1))
        bar.addSeparator()
        self.act_new_form = bar.addAction(tr("新建绩效表…"), lambda: new_form(self.window()))
        self.act_remove_form = bar.addAction(tr("删除绩效表"), lambda: remove_form(self.window(), self))
        # 增加/删除指标 take the window's Ctrl+Shift+= / Ctrl+Shift+- (its 增加科目行 action acts on the form shown):
        # a second action on the same keys would make both ambiguous, so neither would work
        self.act_add.setToolTip(tr("在当前二级指标下增加一行三级指标（Ctrl+Shift+=）"))
        self.act_remove.setToolTip(tr("删除当前三级指标（Ctrl+Shift+-）"))
        keys = {self.act_up: "Alt+Up", self.act_down: "Alt+Down"}
        for act, key in keys.items():
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(act)
        for act in bar.actions():
            act.setEnabled(not readonly)
        return bar

    def _section(self, section: str) -> QWidget | None:
        file = self.fdef.file
        if section == "header" and file.header:
            return self._fields_box(None, file.header, columns=2)
        if section == "footer" and file.footer:
            return self._fields_box(None, file.footer, columns=4)
        if section == "objectives" and file.objectives:
            return self._fields_box(file.objectives.caption, file.objectives.fields, columns=len(file.objectives.fields))
        if section == "texts" and file.texts:
            return self._fields_box(file.texts.caption, file.texts.fields, columns=1)
        if section == "funding":
            box = QGroupBox()  # the caption heads the grid's first column, as printed
            lay = QHBoxLayout(box)
            lay.addWidget(self.funding)
            lay.addStretch(1)
            return box
        if section == "indicators":
            box = QGroupBox(tr("绩效指标"))
            lay = QHBoxLayout(box)
            lay.addWidget(self.indicators)
            lay.addStretch(1)
            return box
        return None

    def _fields_box(self, caption: str | None, fields, columns: int) -> QWidget:  # noqa: ANN001
        box = QGroupBox(caption) if caption else QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(4, 4, 4, 4) if caption is None else None
        grid.setHorizontalSpacing(10)
        for n, field in enumerate(fields):
            widget: FieldLine | FieldText = FieldText() if field.multiline else FieldLine()
            widget.setObjectName(f"field_{field.key}")
            widget.setReadOnly(self.controller.readonly)
            widget.committed.connect(lambda text, key=f"t.{field.key}": self.set_field(key, text))
            self.fields[f"t.{field.key}"] = widget
            label = QLabel(field.label + ("" if field.multiline and columns > 1 else "："))
            if field.multiline and columns > 1:  # side by side, caption above (预期目标 | 实际完成情况)
                grid.addWidget(label, 0, n)
                grid.addWidget(widget, 1, n)
            elif field.multiline:
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                grid.addWidget(label, n, 0)
                grid.addWidget(widget, n, 1)
            else:
                row, col = divmod(n, columns)
                grid.addWidget(label, row, col * 2)
                grid.addWidget(widget, row, col * 2 + 1)
                grid.setColumnStretch(col * 2 + 1, 1)
        return box

    def _layout_indicators(self) -> None:
        view, model = self.indicators, self.indicator_model
        view.clearSpans()
        for row, col, rows, cols in model.spans():
            view.setSpan(row, col, rows, cols)
        view.setColumnWidth(0, 74)
        view.setColumnWidth(1, 100)
        for c in range(2, model.columnCount()):
            key = model.column_key(c)
            col = self.fdef.column(key or "")
            view.setColumnWidth(c, 76 if key == REFERENCE else COLUMN_WIDTHS.get(col.role if col else "", 100))
        fixed_width(view)
        view.fit_height()
        funding = self.funding
        funding.setColumnWidth(0, 170)
        for c in range(1, self.funding_model.columnCount()):
            col = self.funding_model.columns[c - 1]
            wide = not col.numeric or col.role in ("rate", "score") or self.fdef.funding.unit == "元"
            funding.setColumnWidth(c, 160 if wide else 112)
        fixed_width(funding)
        funding.fit_height()

    # -- state ----------------------------------------------------------------------------------
    def _load(self) -> None:
        """Show the form's current title, texts and summary (after an edit, undo or redo)."""
        book = self.controller.session.forms
        try:
            form = book.form(self.form_id)
        except FormEditError:
            return  # the form was removed
        self.title.show_text(form.title)
        self.shape_line.setText(tr("表样 {shape}：{name}", shape=self.fdef.file.shape, name=self.fdef.name))
        for key, widget in self.fields.items():
            if not widget.hasFocus():
                widget.show_text(form.text(key))
        self._update_summary()
        self._update_actions()

    def _form_changed(self, form_id: int) -> None:
        if form_id == self.form_id:
            self._load()
            self.indicators.fit_height()
            self.funding.fit_height()

    def _preview(self, row_no: int, column: int, text: str) -> None:
        """While a 得分 is being typed, show the 总分 and grade it would give (committed with Enter)."""
        model = self.indicator_model
        score = self.fdef.column_by_role("score")
        row = model.rows[row_no] if 0 <= row_no < len(model.rows) else None
        if row is None or row.kind != "indicator" or score is None or model.column_key(column) != score.key:
            self._update_summary()
            return
        try:
            typed = parse_number(text, "score") or Decimal(0)
        except FormValueError:
            return
        ind = model.form.indicator(row.ind_id)
        old = ind.number(score.key) if ind else None
        self._update_summary(typed - (old or Decimal(0)))

    def _update_summary(self, pending: Decimal | None = None) -> None:
        book = self.controller.session.forms
        try:
            d, found = book.derived(self.form_id), book.form_findings(self.form_id)
        except FormEditError:
            return
        if pending is not None and self.fdef.scoring.scored:
            d = copy(d)
            d.total_score += pending
            d.grade = grade_of(d.total_score, self.fdef.scoring.grades)
        errors = sum(f.severity == "error" for f in found)
        warnings = sum(f.severity == "warning" for f in found)
        counts = tr("错误 {errors} · 提示 {warnings}", errors=errors, warnings=warnings) if found else tr("没有发现问题")
        if self.fdef.scoring.scored:
            total = tr("总分 {total_score:f} / {total_weight:f}　　等级：{value}", total_score=d.total_score, total_weight=d.total_weight, value=d.grade or '—')
            total += tr("　（输入中，回车确认）") if pending is not None else ""
            self.summary.setText(f"{total}　　　{counts}")
        else:
            self.summary.setText(tr("本表不评分　　　{counts}", counts=counts))
        self.summary.setStyleSheet("padding:4px 10px; border-top:1px solid #ccc; font-weight:bold;"
                                   + ("color:#b3261e;" if errors else ""))

    def current_grid(self) -> FormGrid:
        """The grid the clerk was last in (for the window's 复制/粘贴/清除内容)."""
        return self._last_grid

    def current_row(self):  # noqa: ANN201 - TreeRow | None
        index = self.indicators.currentIndex()
        return self.indicator_model.rows[index.row()] if index.isValid() else None

    def _update_actions(self, *_: object) -> None:
        if self.controller.readonly:
            return
        row = self.current_row()
        on_indicator = row is not None and row.kind == "indicator"
        for act in (self.act_remove, self.act_up, self.act_down):
            act.setEnabled(on_indicator)

    # -- edits ----------------------------------------------------------------------------------
    def set_field(self, key: str, text: str) -> bool:
        old = self.controller.session.forms.form(self.form_id).text(key)
        ok = self.funding_model.set_field(key, text, old, step_labels.stored(step_labels.FILL_ITEM, value=key))
        if not ok:
            self._load()  # refused: show the stored text again
        return ok

    def rename(self, title: str) -> bool:
        book, c = self.controller.session.forms, self.controller
        old = book.form(self.form_id).title

        def to(text: str):  # noqa: ANN202
            def apply() -> None:
                book.rename_form(self.form_id, text, who=c.who)
                c.formsListChanged.emit()
            return apply

        ok = c.form_edit(N_("修改表名"), to(title), to(old), self.form_id)
        if not ok:
            self._load()
        return ok

    def add_indicator(self) -> bool:
        """A new 三级 row under the current 二级 (after the current row), ready to type its name."""
        if self.controller.readonly:
            return False
        row = self.current_row()
        model = self.indicator_model
        if row is None or row.kind == "total":
            level2, index = self.fdef.level2_keys[0], None
        else:
            level2 = row.level2
            under = [i.id for i in model.form.under(level2)]
            index = under.index(row.ind_id) + 1 if row.kind == "indicator" else None
        if not model.add_indicator(level2, index):
            return False
        new = model.last_added()
        name = self.fdef.column_by_role("name")
        if new is not None and name is not None:
            self.indicators.setCurrentIndex(model.index(model.row_of(new), model.column_of(name.key)))
            self.indicators.setFocus()
        return True

    def remove_indicator(self) -> bool:
        row = self.current_row()
        if self.controller.readonly or row is None or row.kind != "indicator":
            return False
        column = self.indicators.currentIndex().column()
        ok = self.indicator_model.remove_indicator(row.ind_id)
        if ok:
            n = min(self.indicators.currentIndex().row(), self.indicator_model.rowCount() - 1)
            self.indicators.setCurrentIndex(self.indicator_model.index(max(n, 0), column))
        return ok

    def move_indicator(self, step: int) -> bool:
        row = self.current_row()
        if self.controller.readonly or row is None or row.kind != "indicator":
            return False
        column = self.indicators.currentIndex().column()
        ok = self.indicator_model.move_indicator(row.ind_id, step)
        if ok:
            self.indicators.setCurrentIndex(self.indicator_model.index(self.indicator_model.row_of(row.ind_id), column))
        return ok

    # -- findings -------------------------------------------------------------------------------
    def index_of(self, cell: tuple[str, str, str]) -> tuple[FormGrid, QModelIndex] | None:
        if cell[0] != self.key:
            return None
        if cell[1].startswith("fund."):
            return self.funding, self.funding_model.index_of(cell[1][5:], cell[2])
        return self.indicators, self.indicator_model.index_of(cell[1], cell[2])

    def select_finding(self, finding: Finding) -> None:
        """Scroll to and select the cells of a finding (double-clicked in the 审核结果 panel)."""
        found = [x for x in (self.index_of(c) for c in finding.cells) if x is not None and x[1].isValid()]
        if not found:
            return
        for grid in (self.funding, self.indicators):
            grid.clearSelection()
        grid = found[0][0]
        selection = QItemSelection()
        for g, index in found:
            if g is grid:
                selection.select(index, index)
        grid.setCurrentIndex(found[0][1])
        grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        rect = grid.visualRect(found[0][1])
        point = grid.viewport().mapTo(self.page, rect.center())
        self.scroll.ensureVisible(point.x(), point.y(), 60, max(60, rect.height()))
        grid.setFocus()


__all__ = ["JixiaoFormView", "new_form", "remove_form"]
