"""Qt models of one 绩效 form: what they share, and the funding block (the indicator tree is jixiao_tree.py).

Both read the form through ``session.forms`` (a FormBook) and edit it through
:meth:`DocumentController.form_edit`, so every typed value is one undo step and a refusal shows its Chinese
message and changes nothing. Derived figures (执行率, 执行率得分, 结余, 总分) are shaded and read-only; a
printed figure that disagrees with its formula is shown with the computed one beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from ..core import step_labels
from ..core.i18n import tr
from ..core.jixiao.book import FormBook
from ..core.jixiao.definition import FormDef
from ..core.jixiao.derive import Derived
from ..core.jixiao.form import Form
from ..core.jixiao.models import FundingColumn, FundingRow
from ..core.jixiao.values import same_at_printed_precision
from ..core.rules.findings import SEVERITY_LABELS, SEVERITY_ORDER, Finding
from . import style
from .controller import DocumentController, form_key

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def figure(value: Decimal | None, role: str = "score") -> str:
    """A number as the form prints it: amounts grouped, rates with %, scores plain."""
    if value is None:
        return ""
    if role in ("initial", "declared", "budget", "exec", "balance", "amount"):
        return f"{value:,f}"
    return f"{value:f}%" if role == "rate" else format(value, "f")


class FormModelBase(QAbstractTableModel):
    """What both models share: the form, its findings by cell, tints, tooltips and undoable edits."""

    def __init__(self, controller: DocumentController, form_id: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.controller, self.form_id, self.key = controller, form_id, form_key(form_id)
        self._bold = QFont()
        self._bold.setBold(True)
        self._derived: Derived | None = None
        controller.formChanged.connect(self._form_changed)
        controller.findingsChanged.connect(self._repaint)

    @property
    def book(self) -> FormBook:
        return self.controller.session.forms

    @property
    def form(self) -> Form:
        return self.book.form(self.form_id)

    @property
    def fdef(self) -> FormDef:
        return self.book.definition(self.form_id)

    @property
    def derived(self) -> Derived:
        if self._derived is None:
            self._derived = self.book.derived(self.form_id)
        return self._derived

    @property
    def editable(self) -> bool:
        return not self.controller.readonly

    # -- findings -------------------------------------------------------------------------------
    def findings_at(self, row: str, col: str) -> list[Finding]:
        return self.controller.by_cell.get((self.key, row, col), [])

    def tint(self, found: list[Finding]) -> Any:
        if not found:
            return None
        return style.SEVERITY_TINTS[min((f.severity for f in found), key=SEVERITY_ORDER.__getitem__)]

    @staticmethod
    def finding_lines(found: list[Finding]) -> list[str]:
        return [f"【{tr(SEVERITY_LABELS[f.severity])}】{f.message}" for f in found]

    # -- refresh --------------------------------------------------------------------------------
    def alive(self) -> bool:
        """False once the form has been deleted (the view goes away a moment later)."""
        return any(f.id == self.form_id for f in self.book.forms())

    def _form_changed(self, form_id: int) -> None:
        if form_id == self.form_id and self.alive():
            self.refresh()

    def refresh(self) -> None:
        """Figures changed (or rows came and went): lay out again if the shape of the table moved."""
        self._derived = None
        if self.layout_key() != self._layout:
            self.beginResetModel()
            self._layout = self.layout_key()
            self.rebuild()
            self.endResetModel()
        else:
            self._repaint()

    def _repaint(self) -> None:
        self._derived = None
        if self.alive() and self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def layout_key(self) -> object:  # pragma: no cover - overridden
        return None

    def rebuild(self) -> None:  # pragma: no cover - overridden
        pass

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0

    # -- edits ----------------------------------------------------------------------------------
    def set_field(self, key: str, text: str, old: str, label: str) -> bool:
        """Set a form field (``t.…``, ``f.…``, ``grade``) as one undo step."""
        book, who = self.book, self.controller
        return self.controller.form_edit(
            label, lambda: book.set_field(self.form_id, key, text, who=who.who),
            lambda: book.set_field(self.form_id, key, old, who=who.who), self.form_id)


# -- the funding block ---------------------------------------------------------------------------
class FundingModel(FormModelBase):
    """年度资金总额 and its 其中 rows × the funding columns; column 0 is the row caption."""

    def __init__(self, controller: DocumentController, form_id: int, parent: Any = None) -> None:
        super().__init__(controller, form_id, parent)
        self._layout = self.layout_key()
        self.rebuild()

    def layout_key(self) -> object:
        return self.form.shape

    def rebuild(self) -> None:
        fund = self.fdef.funding
        self.rows: list[FundingRow] = list(fund.rows)
        self.columns: list[FundingColumn] = list(fund.columns)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return self.fdef.funding.caption
        return "\n".join(self.columns[section - 1].header) if 0 < section <= len(self.columns) else None

    def cell_at(self, index: Index) -> tuple[FundingRow, FundingColumn | None]:
        return self.rows[index.row()], (self.columns[index.column() - 1] if index.column() > 0 else None)

    def field_key(self, row: FundingRow, col: FundingColumn) -> str:
        return f"f.{row.key}.{col.key}"

    def is_derived(self, row: FundingRow, col: FundingColumn) -> bool:
        return col.role in ("rate", "balance") or (col.role == "score" and row.scored and self.fdef.scoring.scored)

    def computed(self, row: FundingRow, col: FundingColumn) -> Decimal | None:
        d = self.derived
        return {"rate": d.rates, "balance": d.balances, "score": d.rate_scores}.get(col.role, {}).get(row.key)

    def display(self, row: FundingRow, col: FundingColumn) -> str:
        printed = self.form.number(self.field_key(row, col))
        text = self.form.text(self.field_key(row, col)) if not col.numeric else figure(printed, col.role)
        if not self.is_derived(row, col):
            return text
        computed = self.computed(row, col)
        if printed is None:
            return figure(computed, col.role)
        if computed is None or same_at_printed_precision(printed, computed):
            return text
        return tr("{text}（算得 {figure}）", text=text, figure=figure(computed, col.role))

    def index_of(self, row_key: str, col_key: str) -> QModelIndex:
        r = next((n for n, row in enumerate(self.rows) if row.key == row_key), None)
        c = next((n for n, col in enumerate(self.columns) if col.key == col_key), None)
        return self.index(r, c + 1) if r is not None and c is not None else QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.cell_at(index)
        if col is None:
            return {Qt.ItemDataRole.DisplayRole: row.label, Qt.ItemDataRole.TextAlignmentRole: LEFT,
                    Qt.ItemDataRole.BackgroundRole: style.HEADER_TINT,
                    Qt.ItemDataRole.FontRole: self._bold if row.total else None}.get(role)
        found = self.findings_at(f"fund.{row.key}", col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, col)
        if role == Qt.ItemDataRole.EditRole:
            return self.form.text(self.field_key(row, col))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col.numeric else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.tint(found) or (style.DERIVED_TINT if self.is_derived(row, col) else None)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = self.finding_lines(found)
            if self.is_derived(row, col):
                lines.append(tr("由公式自动计算（执行率 = 全年执行数 ÷ 全年预算数；执行率得分 = 分值 × 执行率，"
                             "不超过分值；结余 = 预算 − 执行），不能直接填写；可清空印出的数"))
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.FontRole and row.total:
            return self._bold
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row, col = self.cell_at(index)
        if col is not None and self.editable and not self.is_derived(row, col):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row, col = self.cell_at(index)
        if role != Qt.ItemDataRole.EditRole or col is None or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        key, text = self.field_key(row, col), "" if value is None else str(value)
        old = self.form.text(key)
        if text.strip() == old:
            return True
        return self.set_field(key, text, old, step_labels.stored(step_labels.FILL_ROW_ITEM, label=row.label,
                                                                  caption=col.caption))
